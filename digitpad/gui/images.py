"""Model-input images (28x28, 255 = ink) as Qt pixmaps: the Draw tab's preview, the thumbnails."""

from __future__ import annotations

import numpy as np
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
