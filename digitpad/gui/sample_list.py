"""The model behind the My samples grid: one light row per sample (no image), thumbnails drawn
on demand and cached, the active model's answers; and the filter in front of it."""

from __future__ import annotations

from collections import OrderedDict

from PySide6.QtCore import QAbstractListModel, QModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QBrush, QColor, QIcon

from digitpad.gui.i18n import class_text
from digitpad.gui.images import grayscale_pixmap
from digitpad.storage.samples import SampleStore

THUMB = 56
THUMB_CACHE = 2000  # thumbnails kept in memory; the rest are drawn again when scrolled to
ID_ROLE = Qt.ItemDataRole.UserRole
LABEL_ROLE = Qt.ItemDataRole.UserRole + 1
WRONG_ROLE = Qt.ItemDataRole.UserRole + 2


class SampleListModel(QAbstractListModel):
    """One row per sample: (id, label, created, guess), and the active model's answer."""

    def __init__(self, sample_store: SampleStore, parent=None):
        super().__init__(parent)
        self.sample_store = sample_store
        self.rows: list[tuple[int, int, str, int | None]] = []
        self.predictions: dict[int, int] = {}
        self._row_of: dict[int, int] = {}
        self._icons: OrderedDict[int, QIcon] = OrderedDict()

    def reload(self) -> None:
        """Read the rows again (after an edit); thumbnails of unchanged samples are kept."""
        self.beginResetModel()
        self.rows = self.sample_store.rows()
        self._row_of = {row[0]: i for i, row in enumerate(self.rows)}
        self.endResetModel()

    def set_predictions(self, predictions: dict[int, int]) -> None:
        self.predictions = predictions
        if self.rows:
            self.dataChanged.emit(
                self.index(0),
                self.index(len(self.rows) - 1),
                [Qt.ItemDataRole.DisplayRole, WRONG_ROLE, Qt.ItemDataRole.ForegroundRole],
            )

    def is_wrong(self, row: int) -> bool:
        sample_id, label = self.rows[row][0], self.rows[row][1]
        predicted = self.predictions.get(sample_id)
        return predicted is not None and predicted != label

    def row_of(self, sample_id: int) -> int | None:
        return self._row_of.get(sample_id)

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 (Qt's name)
        return 0 if parent.isValid() else len(self.rows)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        sample_id, label, created, guess = self.rows[index.row()]
        if role == ID_ROLE:
            return sample_id
        if role == LABEL_ROLE:
            return label
        if role == WRONG_ROLE:
            return self.is_wrong(index.row())
        if role == Qt.ItemDataRole.DisplayRole:
            wrong = self.is_wrong(index.row())
            if not wrong:
                return class_text(label)
            return self.tr("{label}  (model: {answer})").format(
                label=class_text(label), answer=class_text(self.predictions[sample_id])
            )
        if role == Qt.ItemDataRole.DecorationRole:
            return self._icon(sample_id)
        if role == Qt.ItemDataRole.ForegroundRole and self.is_wrong(index.row()):
            return QBrush(QColor("#b02a37"))
        if role == Qt.ItemDataRole.ToolTipRole:
            said = (
                self.tr("; the model it was drawn for said {answer}").format(answer=class_text(guess))
                if guess is not None
                else ""
            )
            return self.tr("Sample #{id}: {label}, saved {created}{said}").format(
                id=sample_id, label=class_text(label), created=created, said=said
            )
        return None

    def _icon(self, sample_id: int) -> QIcon:
        icon = self._icons.get(sample_id)
        if icon is None:
            image = self.sample_store.image(sample_id)
            icon = QIcon(grayscale_pixmap(image, THUMB)) if image is not None else QIcon()
            self._icons[sample_id] = icon
            if len(self._icons) > THUMB_CACHE:
                self._icons.popitem(last=False)
        return icon


class SampleFilter(QSortFilterProxyModel):
    """Only one label, and/or only the samples the active model gets wrong."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.label: int | None = None
        self.only_wrong = False

    def set_filter(self, label: int | None, only_wrong: bool) -> None:
        def change():
            self.label, self.only_wrong = label, only_wrong

        self.refilter(change)

    def refilter(self, change=lambda: None) -> None:
        """Make `change` to what the filter reads (its settings, the model's answers), then
        filter again: Qt 6.10's begin/endFilterChange, where invalidateFilter is deprecated."""
        if hasattr(self, "endFilterChange"):  # Qt >= 6.10
            self.beginFilterChange()
            change()
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            change()
            self.invalidateFilter()

    def filterAcceptsRow(self, row, parent) -> bool:  # noqa: N802 (Qt's name)
        model = self.sourceModel()
        assert isinstance(model, SampleListModel)
        if self.label is not None and model.rows[row][1] != self.label:
            return False
        return not self.only_wrong or model.is_wrong(row)
