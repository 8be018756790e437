"""Samples export files: one JSON document with a checksum, written atomically, and read
strictly (types, sizes, ranges) before anything is imported. Qt-free."""

from __future__ import annotations

import base64
import hashlib
import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from digitpad.classes import check_label
from digitpad.storage.files import atomic_write, not_a_regular_file
from digitpad.storage.sample_records import Sample, canonical_strokes, sample_uid

EXPORT_FORMAT = "digitpad-samples"
EXPORT_VERSION = 1
MAX_IMPORT_BYTES = 512 * 1024 * 1024  # an export of 150,000 samples is about 300 MB
MAX_STROKE_POINTS = 100_000  # per sample


class SampleFileError(Exception):
    """An import file that cannot be used; the message is meant for the user."""


def write_export(samples: Sequence[Sample], path: Path) -> int:
    """Write `samples` (digitpad.storage.samples.Sample) to one JSON file atomically; returns how many."""
    records = [
        {
            "uid": s.uid,
            "label": s.label,
            "image": base64.b64encode(s.image.tobytes()).decode(),
            "strokes": s.strokes,
            "created": s.created,
            "model": s.model,
            "guess": s.guess,
        }
        for s in samples
    ]
    payload = json.dumps(records, separators=(",", ":"))
    document = {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "count": len(records),
        "sha256": hashlib.sha256(payload.encode()).hexdigest(),
        "samples": records,
    }
    text = json.dumps(document, separators=(",", ":"))
    atomic_write(Path(path), lambda tmp: tmp.write_text(text, encoding="utf-8"))
    return len(records)


def _finite(value: Any) -> bool:
    """A finite number (no bool; an integer of 400 digits is not one either)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    try:
        return math.isfinite(float(value))
    except OverflowError:
        return False


def _check_strokes(strokes: Any) -> list[Any]:
    """Strokes as lists of finite (x, y) numbers, bounded in size."""
    if not isinstance(strokes, list):
        raise ValueError("strokes are not a list")
    total = 0
    for stroke in strokes:
        if not isinstance(stroke, list):
            raise ValueError("a stroke is not a list of points")
        total += len(stroke)
        if total > MAX_STROKE_POINTS:
            raise ValueError(f"more than {MAX_STROKE_POINTS} points")
        for point in stroke:
            if not isinstance(point, list) or len(point) < 2 or not all(_finite(v) for v in point[:2]):
                raise ValueError("a point is not two finite numbers")
    return strokes


def _read_limited(path: Path) -> str:
    """The file's text, refusing what is not a regular file (judged before opening it: a FIFO
    would block the open forever) or is too large to be an export."""
    try:
        problem = not_a_regular_file(path)
        if problem:
            raise SampleFileError(f"{path.name} {problem}")
        with open(path, "rb") as f:
            data = f.read(MAX_IMPORT_BYTES + 1)
    except FileNotFoundError:
        raise SampleFileError(f"No such file: {path}") from None
    except IsADirectoryError:
        raise SampleFileError(f"{path.name} is a folder, not a samples file") from None
    except OSError as exc:
        raise SampleFileError(f"{path.name} cannot be read: {exc.strerror or exc}") from None
    if len(data) > MAX_IMPORT_BYTES:
        raise SampleFileError(f"{path.name} is larger than {MAX_IMPORT_BYTES >> 20} MB: not a samples file")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise SampleFileError(f"{path.name} is not a DigitPad samples file (not UTF-8 text)") from None


SAMPLES_KEY = '"samples":['


def _parse(text: str) -> tuple[Any, Any, str]:
    """(document, its samples, the samples array's text). `write_export` puts the samples last:
    they are decoded one at a time, so a 300 MB file never holds the interpreter lock (and the
    window) for seconds in one call. Any other layout is parsed whole."""
    start = text.rfind(SAMPLES_KEY)  # cannot occur inside a JSON string: quotes there are escaped
    end = len(text.rstrip())
    if start == -1 or not text[:end].endswith("]}"):
        document = json.loads(text)
        samples = document.get("samples") if isinstance(document, dict) else None
        return document, samples, json.dumps(samples, separators=(",", ":"))
    document = json.loads(text[:start] + '"samples":[]}')
    body = text[start + len(SAMPLES_KEY) - 1 : end - 1]  # "[...]"
    decoder = json.JSONDecoder()
    samples, pos = [], 1
    while True:
        while pos < len(body) and body[pos] in " \t\r\n":
            pos += 1
        if pos < len(body) and body[pos] == "]" and not samples:
            break
        sample, pos = decoder.raw_decode(body, pos)
        samples.append(sample)
        while pos < len(body) and body[pos] in " \t\r\n":
            pos += 1
        if pos < len(body) and body[pos] == ",":
            pos += 1
            continue
        if pos == len(body) - 1 and body[pos] == "]":
            break
        raise ValueError("not a list of samples")
    return document, samples, body


def read_export(path: Path) -> list[dict[str, Any]]:
    """Parse and check a whole export file before anything is written."""
    path = Path(path)
    text = _read_limited(path)
    try:
        document, samples, payload = _parse(text)
    except RecursionError:
        raise SampleFileError(f"{path.name} is not a DigitPad samples file (nested too deeply)") from None
    except ValueError:
        raise SampleFileError(f"{path.name} is damaged or truncated (not complete JSON)") from None
    if not isinstance(document, dict) or document.get("format") != EXPORT_FORMAT:
        raise SampleFileError(f"{path.name} is not a DigitPad samples file")
    if document.get("version") != EXPORT_VERSION:
        raise SampleFileError(f"{path.name} is from an unknown version ({document.get('version')!r})")
    if not isinstance(samples, list) or document.get("count") != len(samples):
        raise SampleFileError(f"{path.name} is incomplete: it promises {document.get('count')!r} samples")
    if hashlib.sha256(payload.encode()).hexdigest() != document.get("sha256"):
        # A file re-saved by another tool: compare with the canonical form of what it holds.
        payload = json.dumps(samples, separators=(",", ":"))
        if hashlib.sha256(payload.encode()).hexdigest() != document.get("sha256"):
            raise SampleFileError(f"{path.name} is damaged: its checksum does not match")
    records = []
    for number, s in enumerate(samples, 1):
        try:
            if not isinstance(s, dict):
                raise ValueError("not an object")
            label = check_label(s["label"])
            guess = None if s.get("guess") is None else check_label(s["guess"])
            if not isinstance(s["image"], str):
                raise ValueError("image is not base64 text")
            image = base64.b64decode(s["image"], validate=True)
            if len(image) != 784:
                raise ValueError("the image is not 28x28")
            strokes_json = canonical_strokes(_check_strokes(s["strokes"]))
            if not isinstance(s["created"], str) or not (s.get("model") is None or isinstance(s["model"], str)):
                raise ValueError("created or model is not text")
            records.append(
                {
                    "uid": sample_uid(label, image, strokes_json),
                    "label": label,
                    "image": image,
                    "strokes": strokes_json,
                    "created": s["created"][:64],
                    "model": None if s.get("model") is None else s["model"][:256],
                    "guess": guess,
                }
            )
        except (KeyError, TypeError, ValueError, OverflowError) as exc:
            raise SampleFileError(f"{path.name}: sample {number} is malformed ({exc})") from None
    return records
