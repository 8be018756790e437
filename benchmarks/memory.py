"""The writer memory, measured per writer (run by `python -m benchmarks.adaptation --memory`).

For each writer of a pen-stroke file: their first drawing of each digit becomes a sample (its
image is the model's input, its embedding a prototype), and every later drawing is read the way
the app reads strokes, with the memory and without it. Writers with fewer than three digits
drawn twice are left out. `--adversarial`: each sample is saved a second time under a wrong
label (the next digit), as a person pressing the wrong key would; `--non-digits N`: N of the
writer's samples stay in the memory while a seeded 1,000 clearly-non-digit characters of UNIPEN
`dev` are read (what the memory costs "not a digit")."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import numpy as np

from digitpad.reading.memory import EMBEDDING_DIM

EMPTY = (np.zeros(0), np.zeros(0), np.zeros((0, EMBEDDING_DIM)))
FILES = {
    "uji": ("uji_digits_dev.jsonl", None, None),
    "unipen-dev": ("unipen_digits.jsonl.gz", "dev", None),
    "fold-b": ("unipen_digits.jsonl.gz", "train", ("app", "apa", "mot", "lav")),
}


def writers(name: str) -> dict[str, dict[str, list]]:
    """writer -> {"mine": [(strokes, label)], "later": [(strokes, label)]} of one of FILES."""
    from digitpad.learning.pendata import read_rows

    from .report import SHARED_DATA

    file, split, sources = FILES[name]
    rows = read_rows(SHARED_DATA / file, split=split)
    by_writer: dict[str, dict[str, list]] = defaultdict(lambda: {"mine": [], "later": []})
    for row in rows:
        if sources is not None and row.get("source") not in sources:
            continue
        if not any(len(s) for s in row["strokes"]):
            continue
        parts = by_writer[row["writer"]]
        label = int(row["label"])
        first = label not in {lab for _s, lab in parts["mine"]}
        parts["mine" if first else "later"].append((row["strokes"], label))
    return {w: p for w, p in by_writer.items() if len({lab for _s, lab in p["later"]}) >= 3}


def sample_memory(recognizer, mine: list, adversarial: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(ids, labels, embeddings) of a writer's samples, as the app stores them."""
    from digitpad.reading.preprocess import strokes_to_mnist

    images = np.stack([strokes_to_mnist(strokes) for strokes, _label in mine])
    labels = np.array([label for _strokes, label in mine])
    _probs, vectors = recognizer.model_batch(images)
    if adversarial:
        images, vectors = np.concatenate([images, images]), np.concatenate([vectors, vectors])
        labels = np.concatenate([labels, (labels + 1) % 10])
    return np.arange(1, len(labels) + 1), labels, vectors


def reads(recognizer, drawings: list) -> list[bool]:
    return [(r := recognizer.read_strokes(strokes)) is not None and r.text == str(label) for strokes, label in drawings]


def measure(recognizer, name: str, adversarial: bool = False) -> dict:
    """Per writer: later drawings read right without and with the memory."""
    rows = []
    for writer, parts in sorted(writers(name).items()):
        recognizer.set_memory(*EMPTY)
        without = reads(recognizer, parts["later"])
        clean = sample_memory(recognizer, parts["mine"])
        recognizer.set_memory(*clean)
        with_memory = reads(recognizer, parts["later"])
        row = {"writer": writer, "n": len(without), "without": sum(without), "with": sum(with_memory)}
        if adversarial:
            recognizer.set_memory(*sample_memory(recognizer, parts["mine"], adversarial=True))
            row["adversarial"] = sum(reads(recognizer, parts["later"]))
        rows.append(row)
    recognizer.set_memory(*EMPTY)
    n = sum(r["n"] for r in rows)
    out = {
        "set": name,
        "writers": len(rows),
        "drawings": n,
        "without": sum(r["without"] for r in rows) / n,
        "with": sum(r["with"] for r in rows) / n,
        "helped": sum(r["with"] > r["without"] for r in rows),
        "hurt": sum(r["with"] < r["without"] for r in rows),
        "per_writer": rows,
    }
    if adversarial:
        out["adversarial"] = sum(r["adversarial"] for r in rows) / n
    return out


def non_digits_with(recognizer, samples: int, limit: int = 1000) -> dict:
    """Clearly-non-digit characters rejected with an empty memory and with `samples` samples
    (the UJI writers' first drawings, in file order)."""
    from digitpad.learning.pendata import CLEARLY_NOT_DIGITS, read_rows

    from .report import SHARED_DATA

    others = [
        r for r in read_rows(SHARED_DATA / "unipen_other.jsonl.gz", split="dev") if r["label"] in CLEARLY_NOT_DIGITS
    ]
    rng = np.random.default_rng(0)
    others = [others[i] for i in sorted(rng.permutation(len(others))[:limit])]
    mine = [d for parts in writers("uji").values() for d in parts["mine"]][:samples]

    def rejected() -> float:
        answers = [recognizer.read_strokes(r["strokes"]) for r in others]
        return float(np.mean([a is not None and a.is_single and a.digits[0].prediction.digit is None for a in answers]))

    recognizer.set_memory(*EMPTY)
    empty = rejected()
    recognizer.set_memory(*sample_memory(recognizer, mine))
    full = rejected()
    recognizer.set_memory(*EMPTY)
    return {"samples": len(mine), "non_digits": len(others), "rejected_empty": empty, "rejected_with": full}


def report_lines(result: dict) -> list[str]:
    lines = [
        f"{result['set']}: {result['writers']} writers, {result['drawings']} later drawings: "
        f"with memory: {result['with']:.2%}  without: {result['without']:.2%}  "
        f"(writers helped {result['helped']}, hurt {result['hurt']})"
    ]
    if "adversarial" in result:
        lines.append(
            f"   with each sample saved again under a wrong label: {result['adversarial']:.2%} "
            f"(the wrong labels cost {(result['with'] - result['adversarial']) * 100:.2f} points)"
        )
    return lines


def model_path(path: str | None) -> Path | None:
    return Path(path) if path else None
