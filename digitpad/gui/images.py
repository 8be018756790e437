"""Model-input images (28x28, 255 = ink) as Qt pixmaps: the Draw tab's preview, the thumbnails."""

from __future__ import annotations

import numpy as np
from PIL import Image
from PySide6.QtGui import QImage, QPixmap

from digitpad.reading.paper import over_white, wide_levels
from digitpad.reading.preprocess import open_picture


def grayscale_pixmap(image: np.ndarray, side: int) -> QPixmap:
    """A (28, 28) image, uint8 (255 = ink) or float in [0, 1], white on black as the model sees
    it, scaled to `side` pixels."""
    arr = np.asarray(image)
    if arr.dtype != np.uint8:
        arr = np.clip(np.round(arr * 255), 0, 255).astype(np.uint8)
    arr = np.ascontiguousarray(arr)
    qimage = QImage(arr.data, 28, 28, 28, QImage.Format.Format_Grayscale8).copy()
    return QPixmap.fromImage(qimage).scaled(side, side)


MAX_PICTURE_SIDE = 2048  # pictures opened on the canvas are shown (and read) at most this large


def load_picture(path) -> Image.Image:
    """Open a picture file for the canvas, on a worker thread: decoded with the same checks as
    `predict` (damaged, foreign or huge files raise PictureError with a message), turned upright
    (EXIF), over white where transparent, and reduced to MAX_PICTURE_SIDE."""

    picture = over_white(open_picture(path))
    levels = wide_levels(picture)
    if levels is not None:
        picture = Image.fromarray((levels * 255).astype(np.uint8))
    picture = picture.convert("RGB")
    picture.thumbnail((MAX_PICTURE_SIDE, MAX_PICTURE_SIDE))
    return picture


def qimage_of(picture) -> QImage:
    """An RGB PIL image as a QImage (a copy: the PIL image may go)."""
    data = picture.tobytes("raw", "RGB")
    return QImage(data, picture.width, picture.height, 3 * picture.width, QImage.Format.Format_RGB888).copy()


def evidence_pixmap(image: np.ndarray, evidence: np.ndarray, side: int, ink_only: bool = False) -> QPixmap:
    """An evidence map (digitpad.reading.explain) in colour: red where the ink speaks for the answer,
    blue where against, strength by size. Over the model's view (grey), or alone on a
    transparent ground (`ink_only`) to lay over the drawing."""
    e = np.asarray(evidence, np.float32)
    scale = float(np.abs(e).max()) or 1.0
    strength = np.clip(np.abs(e) / scale, 0, 1) ** 0.6  # faint evidence stays visible
    red = np.array([220, 40, 40], np.float32)
    blue = np.array([40, 90, 230], np.float32)
    colour = np.where((e >= 0)[..., None], red, blue)
    if ink_only:
        rgba = np.concatenate([colour, (strength * 255)[..., None]], axis=2)
    else:
        grey = np.repeat((np.asarray(image, np.float32) * 140)[..., None], 3, axis=2)
        rgba = np.concatenate(
            [grey * (1 - strength[..., None]) + colour * strength[..., None], np.full((28, 28, 1), 255, np.float32)],
            axis=2,
        )
    arr = np.ascontiguousarray(np.clip(rgba, 0, 255).astype(np.uint8))
    qimage = QImage(arr.data, 28, 28, 28 * 4, QImage.Format.Format_RGBA8888).copy()
    return QPixmap.fromImage(qimage).scaled(side, side)
