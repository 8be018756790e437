"""Model-input images (28x28, 255 = ink) as Qt pixmaps: the Draw tab's preview, the thumbnails."""

from __future__ import annotations

import numpy as np
from PIL import Image
from PySide6.QtGui import QImage, QPixmap


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
    from ..preprocess import open_picture

    picture = open_picture(path)
    if picture.mode in ("RGBA", "LA", "PA") or (picture.mode == "P" and "transparency" in picture.info):
        rgba = picture.convert("RGBA")
        picture = Image.alpha_composite(Image.new("RGBA", rgba.size, (255, 255, 255, 255)), rgba)
    elif picture.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        arr = np.asarray(picture, dtype=np.float64)
        top = max(float(arr.max()), 1.0)
        picture = Image.fromarray((np.clip(arr / (65535.0 if top > 255 else 255.0), 0, 1) * 255).astype(np.uint8))
    picture = picture.convert("RGB")
    picture.thumbnail((MAX_PICTURE_SIDE, MAX_PICTURE_SIDE))
    return picture


def qimage_of(picture) -> QImage:
    """An RGB PIL image as a QImage (a copy: the PIL image may go)."""
    data = picture.tobytes("raw", "RGB")
    return QImage(data, picture.width, picture.height, 3 * picture.width, QImage.Format.Format_RGB888).copy()
