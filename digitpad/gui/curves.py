"""Live training curves: one plot per metric, created once, updated with `setData`."""

from __future__ import annotations

import pyqtgraph as pg

TRAINING = "training"  # series keys; the legend shows them translated
VALIDATION = "validation"


class CurvePlot(pg.PlotWidget):
    """One metric: training (per batch, smoothed) and validation (per epoch). Points come in
    through `add_point`; `refresh` redraws (the caller decides how often)."""

    def __init__(self, title: str, ylabel: str, legend_offset=(-5, 5), parent=None):
        super().__init__(parent, background=None)
        self.setTitle(title, size="10pt")
        self.setLabel("bottom", self.tr("epoch"))
        self.setLabel("left", ylabel)
        # Epochs read as epochs: without this, pyqtgraph writes the first epoch's fractions as
        # "epoch (x0.001)" with ticks 0-600.
        self.getAxis("bottom").enableAutoSIPrefix(False)
        self.getAxis("left").enableAutoSIPrefix(False)
        self.setMinimumSize(220, 160)
        self.legend = self.addLegend(offset=legend_offset, labelTextSize="8pt", brush=pg.mkBrush(255, 255, 255, 200))
        self.showGrid(x=True, y=True, alpha=0.2)
        self.setMouseEnabled(False, False)
        self.hideButtons()
        self.train_curve = self.plot([], [], pen=pg.mkPen("#2b7bd6", width=2), name=self.tr("training"))
        self.val_curve = self.plot(
            [],
            [],
            pen=pg.mkPen("#d65f2b", width=2),
            symbol="o",
            symbolSize=6,
            symbolBrush="#d65f2b",
            name=self.tr("validation"),
        )
        self.train_x: list[float] = []
        self.train_y: list[float] = []
        self.val_x: list[float] = []
        self.val_y: list[float] = []
        self.dirty = False

    def show_validation(self, shown: bool) -> None:
        """The validation curve (and its legend entry) only for a run that has a validation split."""
        self.legend.removeItem(self.val_curve)
        if shown:
            self.legend.addItem(self.val_curve, self.tr("validation"))
        self.val_curve.setVisible(shown)

    def add_point(self, series: str, x: float, y: float) -> None:
        """Append a point to the TRAINING or VALIDATION curve; drawn at the next `refresh`."""
        xs, ys = (self.train_x, self.train_y) if series == TRAINING else (self.val_x, self.val_y)
        xs.append(x)
        ys.append(y)
        self.dirty = True

    def reset(self) -> None:
        for values in (self.train_x, self.train_y, self.val_x, self.val_y):
            values.clear()
        self.dirty = True
        self.refresh()

    def refresh(self) -> None:
        if self.dirty:
            self.dirty = False
            self.train_curve.setData(self.train_x, self.train_y)
            self.val_curve.setData(self.val_x, self.val_y)
