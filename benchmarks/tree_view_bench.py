"""Why the prompt list is a flat table of folder and prompt rows, not a QTreeView: one keystroke's reset and redraw.

    python benchmarks/tree_view_bench.py [--runs 20]

10,000 prompts in 37 folders, every folder open (as while filtering). A QTreeView over the smallest honest
QAbstractItemModel in Python lays out every open row, asking Python for each one (index, flags, hasChildren); the
app's PromptListModel in its PromptListView (a QTableView) only asks for the rows it draws. Runs offscreen; reports
medians. Measured on a shared 2-core machine: 66 ms against 6 ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtCore import QAbstractItemModel, QModelIndex, Qt
from PySide6.QtWidgets import QApplication, QTreeView

from prompt_studio.services.prompt_tree import PromptRow
from prompt_studio.ui.prompt_list import PromptListModel, PromptListView

PROMPTS, FOLDERS = 10_000, 37


class FoldersModel(QAbstractItemModel):
    """Folders at the top, their prompts under them; an index's internal id is its folder's row + 1 (0: a folder)."""

    def __init__(self, folders: list[list[str]]):
        super().__init__()
        self.folders = folders

    def index(self, row, column, parent=QModelIndex()):  # noqa: B008 (Qt's signature)
        return self.createIndex(row, column, parent.row() + 1 if parent.isValid() else 0)

    def parent(self, index):
        folder = index.internalId()
        return self.createIndex(folder - 1, 0, 0) if folder else QModelIndex()

    def rowCount(self, parent=QModelIndex()):  # noqa: B008
        if not parent.isValid():
            return len(self.folders)
        return len(self.folders[parent.row()]) if parent.internalId() == 0 and parent.column() == 0 else 0

    def hasChildren(self, parent=QModelIndex()):  # noqa: B008
        return not parent.isValid() or (parent.internalId() == 0 and parent.column() == 0)

    def columnCount(self, parent=QModelIndex()):  # noqa: B008
        return 4

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if role != Qt.ItemDataRole.DisplayRole or index.column():
            return None
        folder = index.internalId()
        return f"team-{index.row()}" if not folder else self.folders[folder - 1][index.row()]

    def reset(self) -> None:
        self.beginResetModel()
        self.endResetModel()


def shown(view, model):
    """The view on screen at the list's size, showing `model`."""
    view.setModel(model)
    view.resize(400, 800)
    view.show()
    return view


def median_ms(runs: int, step) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        step()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    runs = parser.parse_args().runs
    app = QApplication.instance() or QApplication(sys.argv)
    handles = [f"team-{number % FOLDERS}/prompt-{number}" for number in range(PROMPTS)]

    tree_model = FoldersModel([[handle for handle in handles if handle.startswith(f"team-{folder}/")]
                               for folder in range(FOLDERS)])
    tree = QTreeView()
    tree.setUniformRowHeights(True)
    shown(tree, tree_model)

    def tree_keystroke() -> None:
        tree_model.reset()
        tree.expandAll()
        app.processEvents()

    flat_model = PromptListModel()
    flat_model.tree.set_rows([PromptRow.unsaved(handle) for handle in handles])
    flat = shown(PromptListView(), flat_model)

    def flat_keystroke() -> None:
        flat_model.beginResetModel()
        flat_model.endResetModel()
        app.processEvents()

    tree_keystroke(), flat_keystroke()  # warm up
    print(f"{'reset and redraw 10,000 open rows (median)':<48}{'ms':>8}")
    print(f"{'QTreeView over a Python QAbstractItemModel':<48}{median_ms(runs, tree_keystroke):>8.1f}")
    print(f"{'PromptListView over PromptListModel (the app)':<48}{median_ms(runs, flat_keystroke):>8.1f}")
    tree.close()
    flat.close()


if __name__ == "__main__":
    main()
