"""The model behind the My samples grid: one light row per sample (no image) held as NumPy
arrays, the filter (one label, only the ones the model gets wrong) applied to them as arrays,
thumbnails drawn on demand and cached, the active model's answers.

The filter lives in the model, not in a QSortFilterProxyModel: a proxy asks Python for every
row (filterAcceptsRow, mapToSource), which with 150,000 samples stalled the window for seconds
at every edit, filter change and answer of the model. Here each of those is a few NumPy
operations and one model reset; the page keeps the selection by sample id."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable
from typing import Any

import numpy as np
from PySide6.QtCore import (
    QAbstractListModel,
    QDateTime,
    QItemSelection,
    QItemSelectionModel,
    QLocale,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QIcon, QRegion
from PySide6.QtWidgets import QListView

from digitpad.gui.i18n import class_text
from digitpad.gui.images import grayscale_pixmap
from digitpad.storage.samples import SampleStore

THUMB = 56
THUMB_CACHE = 2000  # thumbnails kept in memory; the rest are drawn again when scrolled to
ID_ROLE = Qt.ItemDataRole.UserRole
LABEL_ROLE = Qt.ItemDataRole.UserRole + 1
WRONG_ROLE = Qt.ItemDataRole.UserRole + 2
DOUBTED_COLOUR = "#6f42c1"  # a sample the writer memory disagrees with
UNKNOWN = -1  # no answer of the model (yet), no guess stored

Rows = np.ndarray  # (N, 3) int64: id, label, guess or UNKNOWN, as SampleStore.rows gives them
Index = QModelIndex | QPersistentModelIndex


class SampleListModel(QAbstractListModel):
    """The samples that pass the filter, oldest first, with every sample's row kept."""

    def __init__(self, sample_store: SampleStore, parent: Any = None):
        super().__init__(parent)
        self.sample_store = sample_store
        self.ids = np.zeros(0, np.int64)  # every sample, by id (ascending)
        self.labels = np.zeros(0, np.int16)
        self.guesses = np.zeros(0, np.int16)
        self.predicted = np.zeros(0, np.int16)  # the active model's answer, UNKNOWN before it
        self.predictions: dict[int, int] = {}
        self.memory_says = np.zeros(0, np.int16)  # the class its other samples vote for, if not its label
        self.opinions: dict[int, int] = {}  # {sample id: that class}, from the writer memory
        self.label: int | None = None  # the filter
        self.only_wrong = False
        self.only_doubted = False  # only the ones the writer memory disagrees with
        self.visible = np.zeros(0, np.int64)  # positions in the arrays above, in view order
        self._icons: OrderedDict[int, QIcon] = OrderedDict()

    # -- what it holds -------------------------------------------------------------------------
    def set_rows(self, rows: Rows) -> None:
        """Every sample's row (after an edit, read on a worker); the model's answers are kept
        for the samples that stay."""
        table = np.asarray(rows, np.int64).reshape(-1, 3)
        self.ids, self.labels, self.guesses = table[:, 0], table[:, 1].astype(np.int16), table[:, 2].astype(np.int16)
        self._refilter(self.predictions)

    def reload(self) -> None:
        self.set_rows(self.sample_store.rows())

    def append_new(self) -> int:
        """Read only the samples saved since the last read (the Draw tab's); returns how many."""
        newest = int(self.ids[-1]) if len(self.ids) else 0
        rows = self.sample_store.rows(after=newest)
        if len(rows):
            self.set_rows(np.concatenate([np.stack([self.ids, self.labels, self.guesses], axis=1), rows]))
        return len(rows)

    def set_predictions(self, predictions: dict[int, int]) -> None:
        self._refilter(predictions)

    def set_memory_opinions(self, opinions: dict[int, int], complete: bool) -> None:
        """The writer memory's opinion: {sample id: the class its other samples vote for}, of
        every sample (`complete`) or of some (-1: they agree with its label)."""
        merged = dict(opinions) if complete else {**self.opinions, **opinions}
        self.opinions = {i: c for i, c in merged.items() if c >= 0}
        self._refilter(self.predictions)

    def set_filter(self, label: int | None, only_wrong: bool, only_doubted: bool = False) -> None:
        self.label, self.only_wrong, self.only_doubted = label, only_wrong, only_doubted
        self._refilter(self.predictions)

    def _aligned(self, answers: dict[int, int]) -> np.ndarray:
        """{sample id: class} as an array beside self.ids (UNKNOWN where none)."""
        out = np.full(len(self.ids), UNKNOWN, np.int16)
        if answers and len(self.ids):
            keys = np.fromiter(answers.keys(), np.int64, len(answers))
            values = np.fromiter(answers.values(), np.int16, len(answers))
            at = np.searchsorted(self.ids, keys)
            found = (at < len(self.ids)) & (self.ids[np.minimum(at, len(self.ids) - 1)] == keys)
            out[at[found]] = values[found]
        return out

    def _refilter(self, predictions: dict[int, int]) -> None:
        self.beginResetModel()
        self.predictions = predictions
        self.predicted = self._aligned(predictions)
        self.memory_says = self._aligned(self.opinions)
        keep = np.ones(len(self.ids), bool)
        if self.label is not None:
            keep &= self.labels == self.label
        if self.only_wrong:
            keep &= self.wrong_mask()
        if self.only_doubted:
            keep &= self.doubted_mask()
        self.visible = np.flatnonzero(keep)
        self.endResetModel()

    def doubted_mask(self) -> np.ndarray:
        return (self.memory_says != UNKNOWN) & (self.memory_says != self.labels)

    def wrong_mask(self) -> np.ndarray:
        return (self.predicted != UNKNOWN) & (self.predicted != self.labels)

    def counts(self) -> tuple[np.ndarray, int, int]:
        """Samples per class (0-10), how many the model gets wrong and how many the writer
        memory disagrees with."""
        return np.bincount(self.labels, minlength=11), int(self.wrong_mask().sum()), int(self.doubted_mask().sum())

    # -- ids, rows and selections ----------------------------------------------------------------
    def visible_ids(self) -> np.ndarray:
        return self.ids[self.visible]

    def selection_of(self, ids: Iterable[int]) -> QItemSelection:
        """A selection of the visible samples among `ids`, as few ranges as they allow (150,000
        rows one by one made the next select-all take 97 s)."""
        wanted = ids if isinstance(ids, np.ndarray) else np.fromiter(ids, np.int64)
        rows = np.flatnonzero(np.isin(self.ids[self.visible], wanted))
        selection = QItemSelection()
        if len(rows):
            breaks = np.flatnonzero(np.diff(rows) > 1)
            for start, end in zip(rows[np.r_[0, breaks + 1]], rows[np.r_[breaks, len(rows) - 1]], strict=True):
                selection.select(self.index(int(start)), self.index(int(end)))
        return selection

    def ids_of(self, selection: QItemSelection) -> list[int]:
        """The sample ids of a selection, range by range."""
        return self.id_array_of(selection).tolist()

    def id_array_of(self, selection: QItemSelection) -> np.ndarray:
        """The same as a sorted array (150,000 of them without a Python int each)."""
        parts = [self.visible[selection.at(i).top() : selection.at(i).bottom() + 1] for i in range(selection.count())]
        return np.sort(self.ids[np.concatenate(parts)]) if parts else np.zeros(0, np.int64)

    # -- Qt's model ------------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802 (Qt's name)
        return 0 if parent.isValid() else len(self.visible)

    def _guess(self, i: int) -> int | None:
        return None if self.guesses[i] == UNKNOWN else int(self.guesses[i])

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.visible):
            return None
        i = int(self.visible[index.row()])
        sample_id, label = int(self.ids[i]), int(self.labels[i])
        wrong = self.predicted[i] != UNKNOWN and self.predicted[i] != label
        doubted = self.memory_says[i] != UNKNOWN and self.memory_says[i] != label
        if role == ID_ROLE:
            return sample_id
        if role == LABEL_ROLE:
            return label
        if role == WRONG_ROLE:
            return bool(wrong)
        if role == Qt.ItemDataRole.DisplayRole:
            if wrong:
                return self.tr("{label} (read {answer})").format(
                    label=class_text(label), answer=class_text(int(self.predicted[i]))
                )
            if doubted:
                return self.tr("{label} (like your {answer})").format(
                    label=class_text(label), answer=class_text(int(self.memory_says[i]))
                )
            return class_text(label)
        if role == Qt.ItemDataRole.DecorationRole:
            return self._icon(sample_id)
        if role == Qt.ItemDataRole.ForegroundRole and (wrong or doubted):
            return QBrush(QColor("#b02a37" if wrong else DOUBTED_COLOUR))
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(i, wrong, doubted)
        return None

    def _tooltip(self, i: int, wrong: bool, doubted: bool) -> str:
        label, guess = int(self.labels[i]), self._guess(i)
        lines = [self.tr("Sample #{id}: {label}").format(id=int(self.ids[i]), label=class_text(label))]
        created = self.sample_store.created(int(self.ids[i]))
        if created:
            lines.append(self.tr("Saved {when}").format(when=readable_time(created)))
        if wrong:
            lines.append(
                self.tr("The active model reads it as {answer}").format(answer=class_text(int(self.predicted[i])))
            )
        if doubted:
            lines.append(
                self.tr("Your samples most like it are {answer}: is its label wrong?").format(
                    answer=class_text(int(self.memory_says[i]))
                )
            )
        if guess is not None and guess != label:
            lines.append(self.tr("When it was saved, the model read {answer}").format(answer=class_text(guess)))
        return "\n".join(lines)

    def _icon(self, sample_id: int) -> QIcon:
        icon = self._icons.get(sample_id)
        if icon is None:
            image = self.sample_store.image(sample_id)
            icon = QIcon(grayscale_pixmap(image, THUMB)) if image is not None else QIcon()
            self._icons[sample_id] = icon
            if len(self._icons) > THUMB_CACHE:
                self._icons.popitem(last=False)
        return icon


def readable_time(iso: str) -> str:
    """A stored ISO timestamp as the interface's language writes a date and time, in the
    computer's time zone (as it is, when it cannot be read)."""
    moment = QDateTime.fromString(iso, Qt.DateFormat.ISODate)
    if not moment.isValid():
        return iso
    return QLocale().toString(moment.toLocalTime(), QLocale.FormatType.ShortFormat)


class SampleGrid(QListView):
    """The thumbnails' grid. Selecting many at once repaints the whole view instead of asking
    for the place of every selected item: with 150,000 samples, Qt's way (one rectangle per
    selected row) held the window for a third of a second at each Select all."""

    MANY = 1000  # selected rows above which the whole view is repainted

    def selectAll(self) -> None:  # noqa: N802 (Qt's name)
        """One range from the first row to the last: QListView's own asked the model for its
        row count once per row (150,000 calls, a quarter of a second and more)."""
        model = self.model()
        if model is None or not model.rowCount() or self.selectionMode() != QListView.SelectionMode.ExtendedSelection:
            super().selectAll()
            return
        everything = QItemSelection(model.index(0, 0), model.index(model.rowCount() - 1, 0))
        self.selectionModel().select(everything, QItemSelectionModel.SelectionFlag.ClearAndSelect)

    def visualRegionForSelection(self, selection: QItemSelection) -> QRegion:  # noqa: N802 (Qt's name)
        rows = sum(selection.at(i).bottom() - selection.at(i).top() + 1 for i in range(selection.count()))
        if rows > self.MANY:
            return QRegion(self.viewport().rect())
        return super().visualRegionForSelection(selection)
