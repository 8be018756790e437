"""The drawing canvas: mouse, pen tablet and touch; anti-aliased round strokes; undo/redo."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from PySide6.QtCore import QEvent, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from digitpad.reading.preprocess import BOX, STROKE_WIDTH

# The ink on screen: a pen's line for the canvas's size (a 300-pixel canvas draws 5 pixels wide;
# 14 made a small digit a blob). The model's input is redrawn at MNIST's width whatever this is.
PEN_WIDTH_FRACTION = 1 / 60  # of the canvas's shorter side
PEN_WIDTH_RANGE = (3.0, 8.0)  # pixels
DOUBT_COLOUR = "#c05600"  # a digit read with little confidence (its box, its figure in the answer)
COMPOSITE_SIDE = 2048  # pixels: the largest side of the canvas's picture as it is read


class DrawingCanvas(QWidget):
    """Holds the drawing as strokes: lists of (x, y) in widget pixels."""

    strokes_changed = Signal()  # any change: a point added, undo, redo, clear
    stroke_finished = Signal()  # pen-up
    box_clicked = Signal(int)  # a right-click inside the box of a digit of the reading shown
    picture_dropped = Signal(object)  # a local file path (str) or a QImage dropped on the canvas

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_AcceptTouchEvents, True)
        self.setAttribute(Qt.WidgetAttribute.WA_StaticContents, True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(560, 240)  # a six-digit number fits at a comfortable size
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAcceptDrops(True)
        self.setAccessibleName(self.tr("Drawing canvas"))
        self.setToolTip(self.tr("Draw a digit or a number here; right-click a boxed digit to select it"))
        self._surround_of: tuple = (None, 255)  # (picture's cacheKey, its border's grey)
        self._reduced: tuple = (None, None)  # ((picture's cacheKey, width, height), the picture so reduced)
        # Undo history: each entry a drawing (a tuple of strokes) and the picture under it (or
        # None); _at is the one shown. Strokes are tuples, so snapshots share them and cost little.
        self._history: list[tuple[tuple, QImage | None]] = [((), None)]
        self._at = 0
        self._current: list[tuple[float, float]] | None = None
        self._boxes: list[tuple[float, float, float, float]] = []  # x0, y0, x1, y1 of each digit read
        self._selected_box: int | None = None
        self._doubtful: set[int] = set()  # boxes of digits read with little confidence
        self._evidence = None  # (QPixmap, QRectF): the evidence map laid over the drawing

    # -- the drawing as data -------------------------------------------------------------
    @property
    def _strokes(self) -> tuple:
        return self._history[self._at][0]

    def strokes(self) -> list[list[tuple[float, float]]]:
        """A copy of the strokes, the one in progress included."""
        out = [list(s) for s in self._strokes]
        if self._current:
            out.append(list(self._current))
        return out

    def picture(self) -> QImage | None:
        """The picture opened, dropped or pasted onto the canvas (strokes may be drawn on top)."""
        return self._history[self._at][1]

    def set_picture(self, image: QImage) -> None:
        """Show a picture instead of the drawing (undo brings the drawing back)."""
        self._current = None
        self._push((), image)

    def is_empty(self) -> bool:
        return not self._strokes and not self._current and self.picture() is None

    def is_drawing(self) -> bool:
        """True while the pen is down."""
        return self._current is not None

    def can_undo(self) -> bool:
        return self._at > 0

    def can_redo(self) -> bool:
        return self._at < len(self._history) - 1

    def undo(self) -> None:
        if self.can_undo() and self._current is None:
            self._at -= 1
            self._changed()

    def redo(self) -> None:
        if self.can_redo() and self._current is None:
            self._at += 1
            self._changed()

    def clear(self) -> None:
        """Wipe the drawing; undo brings it back."""
        self._current = None
        if self._strokes or self.picture() is not None:
            self._push((), None)
        else:
            self._changed()

    _KEEP = object()

    def _push(self, drawing: tuple, picture=_KEEP) -> None:
        picture = self.picture() if picture is DrawingCanvas._KEEP else picture
        del self._history[self._at + 1 :]  # a new action forgets what could be redone
        self._history.append((drawing, picture))
        self._at += 1
        self._changed()

    def _changed(self) -> None:
        self._evidence = None  # it was for the drawing as it was
        self.update()
        self.strokes_changed.emit()

    # -- input: one path for mouse, tablet and touch -------------------------------------
    def begin_stroke(self, pos: QPointF) -> None:
        self._current = [(pos.x(), pos.y())]
        self._changed()

    def extend_stroke(self, pos: QPointF) -> None:
        if self._current is None:
            return
        point = (pos.x(), pos.y())
        if point != self._current[-1]:
            self._current.append(point)
            self._changed()

    def end_stroke(self, pos: QPointF | None = None) -> None:
        if self._current is None:
            return
        if pos is not None:
            point = (pos.x(), pos.y())
            if point != self._current[-1]:
                self._current.append(point)
        stroke = tuple(self._current)
        self._current = None
        self._push(self._strokes + (stroke,))
        self.stroke_finished.emit()

    # -- the digits of the reading shown -------------------------------------------------
    def set_boxes(self, boxes, selected: int | None = None, doubtful: Iterable[int] = ()) -> None:
        """Boxes (x0, y0, x1, y1 in widget pixels) around the digits read; `selected` stands out,
        the `doubtful` ones (read with little confidence) are drawn in orange. Fewer than two
        boxes are not drawn: one digit needs no box."""
        self._boxes = [(float(b[0]), float(b[1]), float(b[2]), float(b[3])) for b in boxes]
        self._selected_box = selected
        self._doubtful = set(doubtful)
        self.update()

    def set_evidence(self, pixmap, image=None, box=None) -> None:
        """Lay an evidence map (a pixmap of the model's 28x28 view) over the digit in `box`
        (x0, y0, x1, y1). The model's view is the drawing under one scale (its longer side 20 px
        less the pen's width: preprocess.BOX and STROKE_WIDTH), so the centre of its ink's box
        goes on the centre of the digit's box at that scale. None removes it."""

        self._evidence = None
        if pixmap is not None and image is not None and box is not None:
            ink = np.asarray(image) > 0.1
            rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
            if len(rows) and len(cols):
                x0, y0, x1, y1 = box
                scale = max(x1 - x0, y1 - y0, 1e-6) / (BOX - STROKE_WIDTH)  # canvas pixels per model pixel
                cx, cy = (cols[0] + cols[-1] + 1) / 2, (rows[0] + rows[-1] + 1) / 2
                left, top = (x0 + x1) / 2 - cx * scale, (y0 + y1) / 2 - cy * scale
                self._evidence = (pixmap, QRectF(left, top, 28 * scale, 28 * scale))
        self.update()

    def has_evidence(self) -> bool:
        return self._evidence is not None

    def boxes(self) -> list[tuple[float, float, float, float]]:
        return list(self._boxes)

    def box_at(self, x: float, y: float) -> int | None:
        margin = self.pen_width()
        for index, (x0, y0, x1, y1) in enumerate(self._boxes):
            if x0 - margin <= x <= x1 + margin and y0 - margin <= y <= y1 + margin:
                return index
        return None

    def mousePressEvent(self, event):
        if event.button() == Qt.MouseButton.LeftButton:
            self.begin_stroke(event.position())
        elif event.button() == Qt.MouseButton.RightButton and len(self._boxes) > 1:
            index = self.box_at(event.position().x(), event.position().y())
            if index is not None:
                self.box_clicked.emit(index)
        event.accept()

    def mouseMoveEvent(self, event):
        if event.buttons() & Qt.MouseButton.LeftButton:
            self.extend_stroke(event.position())
        event.accept()

    def mouseReleaseEvent(self, event):
        if event.button() == Qt.MouseButton.LeftButton:
            self.end_stroke(event.position())
        event.accept()

    def tabletEvent(self, event):
        kind = event.type()
        if kind == QEvent.Type.TabletPress:
            self.begin_stroke(event.position())
        elif kind == QEvent.Type.TabletMove and event.pressure() > 0:
            self.extend_stroke(event.position())
        elif kind == QEvent.Type.TabletRelease:
            self.end_stroke(event.position())
        event.accept()  # no synthesized mouse events: the pen is handled here

    def event(self, event):
        kind = event.type()
        if kind in (QEvent.Type.TouchBegin, QEvent.Type.TouchUpdate, QEvent.Type.TouchEnd, QEvent.Type.TouchCancel):
            points = event.points()
            if points:
                pos = points[0].position()  # one finger draws; more fingers are ignored
                if kind == QEvent.Type.TouchBegin:
                    self.begin_stroke(pos)
                elif kind == QEvent.Type.TouchUpdate:
                    self.extend_stroke(pos)
                else:
                    self.end_stroke(pos)
            event.accept()
            return True
        return super().event(event)

    # -- pictures: drag and drop --------------------------------------------------------
    def dragEnterEvent(self, event):
        mime = event.mimeData()
        if mime.hasImage() or any(url.isLocalFile() for url in mime.urls()):
            event.acceptProposedAction()

    def dropEvent(self, event):
        mime = event.mimeData()
        files = [url.toLocalFile() for url in mime.urls() if url.isLocalFile()]
        if files:
            self.picture_dropped.emit(files[0])
        elif mime.hasImage():
            self.picture_dropped.emit(QImage(mime.imageData()))
        event.acceptProposedAction()

    def picture_rect(self) -> QRectF:
        """Where the picture is shown: as large as fits, centred, its aspect kept."""
        image = self.picture()
        if image is None or image.isNull():
            return QRectF()
        scale = min(self.width() / image.width(), self.height() / image.height())
        w, h = image.width() * scale, image.height() * scale
        return QRectF((self.width() - w) / 2, (self.height() - h) / 2, w, h)

    def composite(self) -> tuple[np.ndarray, float, tuple[float, float]]:
        """What is on the canvas to be read, the picture and any strokes, as (pixels, scale,
        origin): a grey array in [0, 1] (1 = white) of the smallest area of the widget that holds
        both, `scale` pixels to the widget's, its pixel (x, y) at origin + (x, y) / scale on the
        widget (so a reading's boxes land where they show). The scale is the picture's own where
        it is shown reduced (up to COMPOSITE_SIDE pixels a side), and the area leaves out the
        canvas around it: it is read as `predict` reads the file, not as the screen shows it (a
        number on a scanned page, 14 pixels tall on screen and thinner than a pixel, was "no
        handwriting")."""
        picture, shown = self.picture(), self.picture_rect()
        area = QRectF(shown)
        strokes = [p for s in self.strokes() for p in s]
        if strokes:
            xs, ys = [x for x, _y in strokes], [y for _x, y in strokes]
            pad = self.pen_width()
            area = area.united(
                QRectF(min(xs) - pad, min(ys) - pad, max(xs) - min(xs) + 2 * pad, max(ys) - min(ys) + 2 * pad)
            )
        aligned = area.intersected(QRectF(self.rect())).toAlignedRect()
        if aligned.isEmpty():
            aligned = self.rect()
        scale = 1.0
        if picture is not None and not picture.isNull() and shown.width() > 0:
            scale = max(
                1.0, min(picture.width() / shown.width(), COMPOSITE_SIDE / max(aligned.width(), aligned.height()))
            )
        image = QImage(round(aligned.width() * scale), round(aligned.height() * scale), QImage.Format.Format_Grayscale8)
        image.fill(self._surround())
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.scale(scale, scale)
        painter.translate(-aligned.x(), -aligned.y())
        self._paint_picture(painter, scale)
        self._paint_strokes(painter, QColor("black"))
        painter.end()
        data = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine())
        return data[:, : image.width()].astype(np.float32) / 255.0, scale, (float(aligned.x()), float(aligned.y()))

    def _surround(self) -> QColor:
        """What a read picture is set in: the grey of its own border (the page, a desk, a board),
        so that the canvas around it adds no edge (white around a photo of a dark desk or a
        blackboard changed what the picture is); white without a picture."""
        picture = self.picture()
        if picture is None or picture.isNull():
            return QColor("white")
        key = picture.cacheKey()
        if self._surround_of[0] != key:
            small = picture.scaled(64, 64).convertToFormat(QImage.Format.Format_Grayscale8)
            data = np.frombuffer(small.constBits(), np.uint8).reshape(small.height(), small.bytesPerLine())[:, :64]
            border = np.concatenate([data[0], data[-1], data[:, 0], data[:, -1]])
            self._surround_of = (key, int(np.median(border)))
        return QColor.fromRgb(*(self._surround_of[1],) * 3)

    # -- painting ------------------------------------------------------------------------
    def pen_width(self) -> float:
        low, high = PEN_WIDTH_RANGE
        return max(low, min(high, min(self.width(), self.height()) * PEN_WIDTH_FRACTION))

    def paintEvent(self, event):
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.fillRect(self.rect(), self.palette().base())
        border = QColor(self.palette().mid().color())
        painter.setPen(QPen(border, 1, Qt.PenStyle.DashLine))
        painter.drawRect(QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5))
        if self.is_empty():
            painter.setPen(self.palette().placeholderText().color())
            painter.drawText(
                self.rect(),
                Qt.AlignmentFlag.AlignCenter,
                self.tr("Draw a digit or a number here\n(or drop, paste or open a picture)"),
            )
        self._paint_picture(painter, self.devicePixelRatioF())
        self._paint_strokes(painter, self.palette().text().color())
        if self._evidence is not None:
            painter.setOpacity(0.75)
            painter.drawPixmap(self._evidence[1], self._evidence[0], QRectF(self._evidence[0].rect()))
            painter.setOpacity(1.0)
        self._paint_boxes(painter)
        painter.end()

    def _paint_picture(self, painter: QPainter, scale: float) -> None:
        """The picture in `picture_rect`, `scale` device pixels to the widget's. Reduced by area
        (Qt's smooth scaling) where it is shown smaller than it is: drawn reduced, its pixels are
        sampled, and lines thinner than the reduction break up or vanish."""
        picture = self.picture()
        if picture is None:
            return
        rect = self.picture_rect()
        size = (round(rect.width() * scale), round(rect.height() * scale))
        if 0 < size[0] < picture.width():
            key = (picture.cacheKey(), *size)
            if self._reduced[0] != key:
                reduced = picture.scaled(
                    *size, Qt.AspectRatioMode.IgnoreAspectRatio, Qt.TransformationMode.SmoothTransformation
                )
                self._reduced = (key, reduced)
            picture = self._reduced[1]
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        painter.drawImage(rect, picture)

    def _paint_strokes(self, painter: QPainter, color: QColor) -> None:
        pen = QPen(
            color,
            self.pen_width(),
            Qt.PenStyle.SolidLine,
            Qt.PenCapStyle.RoundCap,
            Qt.PenJoinStyle.RoundJoin,
        )
        painter.setPen(pen)
        for stroke in self.strokes():
            if len(stroke) == 1:
                painter.drawPoint(QPointF(*stroke[0]))
                continue
            path = QPainterPath(QPointF(*stroke[0]))
            for x, y in stroke[1:]:
                path.lineTo(x, y)
            painter.drawPath(path)

    def _paint_boxes(self, painter: QPainter) -> None:
        if len(self._boxes) < 2:
            return
        margin = self.pen_width() / 2 + 3
        for index, (x0, y0, x1, y1) in enumerate(self._boxes):
            selected = index == self._selected_box
            color = QColor("#2b7bd6") if selected else QColor(self.palette().mid().color())
            if index in self._doubtful:
                color = QColor(DOUBT_COLOUR)
            style = Qt.PenStyle.SolidLine if selected else Qt.PenStyle.DashLine
            painter.setPen(QPen(color, 2.5 if selected else 1.2, style))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(QRectF(x0 - margin, y0 - margin, x1 - x0 + 2 * margin, y1 - y0 + 2 * margin), 4, 4)
