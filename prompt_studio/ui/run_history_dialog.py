"""The runs of one prompt in Try it: when, which version or draft, which test case, model, tokens, cost, time and
how each ended; choose one to see what was sent and what came back. Delete one, or clear them all."""

from __future__ import annotations

import asyncio
import html
import json
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from prompt_studio.services.trying import RunRecord
from prompt_studio.ui.editor.widgets import named
from prompt_studio.ui.table_model import FlatTableModel, Index
from prompt_studio.ui.tasks import wait_for_dialog
from prompt_studio.ui.when import duration_words, friendly_time, full_time


class RunHistoryModel(FlatTableModel):
    COLUMNS = ("When", "Ran", "Test case", "Model", "Tokens", "Cost", "Time", "Ended")

    def __init__(self, parent=None):
        super().__init__(parent)
        self.runs: list[RunRecord] = []

    def set_runs(self, runs: list[RunRecord]) -> None:
        self.beginResetModel()
        self.runs = list(runs)
        self.endResetModel()

    def shown_rows(self) -> int:
        return len(self.runs)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self.runs):
            return None
        run = self.runs[index.row()]
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 0:
            return full_time(run.ran_at)
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        tokens = (f"{run.input_tokens} + {run.output_tokens}" if run.input_tokens is not None
                  and run.output_tokens is not None else "unknown")
        return (friendly_time(run.ran_at), run.source, run.test_case or "", run.model, tokens, run.cost,
                duration_words(run.total_time), run.outcome)[index.column()]


def run_details_html(run: RunRecord) -> str:
    """What was sent (the messages with their roles, the parameters) and the answer, for one run."""
    parts = [f"<p><b>{html.escape(run.source)}</b> on {html.escape(run.model)}, {html.escape(full_time(run.ran_at))}"
             + (f", test case <b>{html.escape(run.test_case)}</b>" if run.test_case else "") + "</p>"]
    request = dict(run.request)
    for message in request.pop("messages", None) or []:
        role = str(message.get("role", "")).capitalize() if isinstance(message, dict) else ""
        content = message.get("content", "") if isinstance(message, dict) else message
        text = content if isinstance(content, str) else json.dumps(content, ensure_ascii=False, indent=1)
        parts.append(f"<p><b>{html.escape(role)}</b><br>{html.escape(text).replace(chr(10), '<br>')}</p>")
    if request.get("system"):
        parts.insert(1, f"<p><b>System</b><br>{html.escape(str(request.pop('system'))).replace(chr(10), '<br>')}</p>")
    settings = {key: value for key, value in request.items() if key not in ("model", "stream")}
    if settings:
        parts.append("<p><b>Settings sent</b><br>" + html.escape(json.dumps(settings, ensure_ascii=False,
                                                                          default=str)) + "</p>")
    parts.append("<p><b>Answer</b><br>" + (html.escape(run.answer).replace("\n", "<br>") or "<i>(none)</i>")
                 + "</p>")
    parts.append(f"<p>{html.escape(duration_words(run.time_to_first_token))} to the first token, "
                 f"{html.escape(duration_words(run.total_time))} in all, cost {html.escape(run.cost)}, ended: "
                 f"{html.escape(run.outcome)}</p>")
    return "".join(parts)


class RunHistoryDialog(QDialog):
    """Non-modal: the author may keep it open beside Try it; Refresh follows new runs."""

    def __init__(self, parent: QWidget, handle: str, runs: list[RunRecord],
                 delete: Callable[[RunRecord], Awaitable[None]], clear: Callable[[], Awaitable[None]]):
        super().__init__(parent)
        self.setObjectName("runHistoryDialog")
        self.setWindowTitle(f"Runs of {handle}")
        self._delete, self._clear = delete, clear
        self.model = RunHistoryModel(self)
        self.table = named(QTableView(), "runHistory", "Runs of the prompt")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.details = named(QTextBrowser(), "runHistoryDetail", "What was sent and what came back")
        self.empty = QLabel("No runs yet: Run (Ctrl+Enter) in Try it, and each run is kept here.")
        self.empty.setObjectName("runHistoryEmpty")
        self.delete_button = named(QPushButton("Delete"), "deleteRunButton", "Delete the chosen run")
        self.clear_button = named(QPushButton("Clear all..."), "clearRunsButton", "Delete every run of the prompt")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.addButton(self.delete_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(self.clear_button, QDialogButtonBox.ButtonRole.ActionRole)

        layout = QVBoxLayout(self)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(self.details)
        layout.addWidget(self.empty)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.buttons)

        self.buttons.rejected.connect(self.reject)
        self.table.selectionModel().currentRowChanged.connect(self._on_table_current_changed)
        self.delete_button.clicked.connect(lambda: self._flow(self.delete_chosen()))
        self.clear_button.clicked.connect(lambda: self._flow(self.clear_all()))
        self._flows: set[asyncio.Task] = set()
        self.show_runs(runs)
        self.resize(900, 620)

    def _flow(self, work: Coroutine[Any, Any, Any]) -> None:
        task = asyncio.ensure_future(work)
        self._flows.add(task)
        task.add_done_callback(self._flows.discard)

    def show_runs(self, runs: list[RunRecord]) -> None:
        self.model.set_runs(runs)
        self.empty.setVisible(not runs)
        self.clear_button.setEnabled(bool(runs))
        if runs:
            self.table.selectRow(0)
        else:
            self.details.clear()
        self.delete_button.setEnabled(bool(runs))

    def chosen(self) -> RunRecord | None:
        row = self.table.currentIndex().row()
        return self.model.runs[row] if 0 <= row < len(self.model.runs) else None

    def _on_table_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        run = self.model.runs[current.row()] if current.isValid() else None
        self.details.setHtml(run_details_html(run) if run is not None else "")

    async def delete_chosen(self) -> bool:
        run = self.chosen()
        if run is None:
            return False
        await self._delete(run)
        self.show_runs([item for item in self.model.runs if item.id != run.id])
        return True

    async def clear_all(self, *, confirm: bool = True) -> bool:
        if confirm:
            box = QMessageBox(QMessageBox.Icon.Question, "Clear the runs",
                              f"Delete all {len(self.model.runs)} runs of this prompt from this computer?",
                              QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, self)
            box.setObjectName("clearRunsDialog")
            box.setDefaultButton(QMessageBox.StandardButton.Cancel)
            if await wait_for_dialog(box) != QMessageBox.StandardButton.Yes:
                return False
        await self._clear()
        self.show_runs([])
        return True
