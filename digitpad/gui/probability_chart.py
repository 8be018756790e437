"""The Draw tab's chart: the model's probability for each digit and for "not a digit"."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Signal
from PySide6.QtGui import QFontMetrics

# Where the chart's bars stand: the digits, then "not a digit" set apart (its label is a word)
BAR_X = np.array([*range(10), 10.6])


class ProbabilityChart(pg.PlotWidget):
    """Eleven bars, one per digit and one for "not a digit" (empty for a model without that
    output); the answer stands out."""

    def __init__(self, parent=None):
        super().__init__(parent, background=None)
        self.setMinimumHeight(150)
        self.setMouseEnabled(False, False)
        self.hideButtons()
        self.setMenuEnabled(False)
        self.setYRange(-0.1, 1, padding=0.02)
        self.setXRange(-0.6, BAR_X[-1] + 0.6, padding=0)
        axis = self.getAxis("bottom")
        axis.setTicks([[(d, str(d)) for d in range(10)] + [(BAR_X[10], self.tr("none"))]])
        # the last label ("none") and the top one ("100%") may reach past the plot's edge: shown
        # all the same (pyqtgraph hides them by default), with room for them in the margins
        axis.setStyle(hideOverlappingLabels=40)
        self.getAxis("left").setTicks([[(0, "0"), (0.5, "50%"), (1, "100%")]])
        self.getAxis("left").setStyle(hideOverlappingLabels=20)
        self.getAxis("left").setWidth(QFontMetrics(self.font()).horizontalAdvance("100%") + 14)
        self.getPlotItem().layout.setContentsMargins(2, 10, 24, 2)
        self.setLabel("bottom", self.tr("digit, or none (not a digit)"))
        self._bars = pg.BarGraphItem(x=BAR_X, height=np.zeros(11), width=0.7, brush="#9aa5b1")
        self.addItem(self._bars)
        self._marker = pg.ScatterPlotItem(symbol="t1", size=9, brush="#212529", pen=None)  # ▲ under the bar
        self.addItem(self._marker)
        self.values = np.zeros(11)
        self._brushes: list[str] = []
        self.explained: int | None = None
        self.scene().sigMouseClicked.connect(self._clicked)

    bar_clicked = Signal(int)  # a click on (or above) a bar: 0-9, or 10 for "not a digit"

    def _clicked(self, event) -> None:
        x = self.getPlotItem().vb.mapSceneToView(event.scenePos()).x()
        index = int(np.abs(BAR_X - x).argmin())
        if abs(x - BAR_X[index]) <= 0.45:
            self.bar_clicked.emit(index)

    def set_probabilities(self, probs: np.ndarray | None, answer: int | None = None) -> None:
        """`answer` (0-10; default the largest bar) is the bar that stands out."""
        self.values = np.zeros(11)
        self._brushes = ["#9aa5b1"] * 10 + ["#c9a27e"]
        if probs is not None:
            probs = np.asarray(probs, dtype=float)
            self.values[: len(probs)] = probs
            self._brushes[int(self.values.argmax()) if answer is None else answer] = "#2b7bd6"
        self.explained = None
        self._redraw()

    def set_explained(self, label: int | None) -> None:
        """Mark the bar whose evidence Show why shows (a dark outline and a marker under it), or none."""
        self.explained = label
        self._redraw()

    def _redraw(self) -> None:
        pens = [pg.mkPen(None)] * 11
        if self.explained is not None:
            pens[self.explained] = pg.mkPen("#212529", width=2.5)
            self._marker.setData([BAR_X[self.explained]], [-0.06])
        else:
            self._marker.setData([], [])
        self._bars.setOpts(height=self.values, brushes=self._brushes, pens=pens)
