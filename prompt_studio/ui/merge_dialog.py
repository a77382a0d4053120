"""The merge dialog: someone saved first; settle each conflict, then save the merge as a new version.

It only shows a `MergeSession` and hands the user's choices back to it (Meld's split: the merging lives in plain
Python, the widgets show and collect). Two steps in one window: the conflicts, then a last look at what the save
will change on the server with a commit message. Keyboard: Alt+Down or F7 goes to the next open conflict, Alt+Up or
Shift+F7 to the previous one.
"""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QAction, QBrush, QColor, QFont, QKeySequence, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from prompt_studio.models.draft import Draft
from prompt_studio.services.compare import word_changes
from prompt_studio.services.merging import (
    ConflictPlace,
    MergeField,
    MergeSession,
    Path,
    ResultEditor,
    ResultProblem,
    shown_value,
)
from prompt_studio.ui.table_model import FlatTableModel

_STATE_WORDS = {"merged": "Merged", "conflict": "Conflict", "resolved": "Resolved"}


def _named(widget: Any, object_name: str, accessible_name: str) -> Any:
    widget.setObjectName(object_name)
    if isinstance(widget, QAction):
        widget.setToolTip(accessible_name)
    else:
        widget.setAccessibleName(accessible_name)
    return widget


def _is_dark(widget: QWidget) -> bool:
    return widget.palette().color(QPalette.ColorRole.Base).lightness() < 128


def side_colours(widget: QWidget) -> tuple[str, str]:
    """Backgrounds marking the words only your side has and the words only the server has, for either palette."""
    return ("#1f4470", "#6a4a12") if _is_dark(widget) else ("#cde3ff", "#ffe1b0")


def _side_html(place: ConflictPlace, side: str, colour: str, *, whole: bool = False) -> str:
    """One side of a place, with the words the other side does not have marked (a short value as a whole)."""
    own = "removed" if side == "yours" else "added"
    if whole:
        text = place.yours if side == "yours" else place.server
        return f'<span style="background:{colour}; font-weight:600;">{html.escape(text)}</span>'
    parts = []
    for change in word_changes(place.yours, place.server):
        if change.kind == "same":
            parts.append(html.escape(change.text))
        elif change.kind == own:
            parts.append(f'<span style="background:{colour}; font-weight:600;">{html.escape(change.text)}</span>')
    return "".join(parts)


def _places_html(places: list[ConflictPlace], render) -> str:
    blocks = []
    for place in places:
        where = (f'<p style="color:gray; margin:0;">{html.escape(place.where)}</p>'
                 if len(places) > 1 and place.where else "")
        body = render(place) or '<span style="color:gray;">(nothing here)</span>'
        blocks.append(f'{where}<p style="white-space:pre-wrap; margin-top:0;">{body}</p>')
    return "".join(blocks)


class MergeFieldsModel(FlatTableModel):
    """The fields of a merge with their state: merged by itself, conflict, or resolved."""

    COLUMNS = ("Field", "State")
    PathRole = Qt.ItemDataRole.UserRole + 1

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.fields: list[MergeField] = []
        self.conflict_colour = QColor("#b3261e")

    def set_fields(self, fields: list[MergeField]) -> None:
        """Show new states; the rows stay in place when only states changed, so the selection stays too."""
        if [field.path for field in fields] == [field.path for field in self.fields]:
            self.fields = fields
            if fields:
                self.dataChanged.emit(self.index(0, 0), self.index(len(fields) - 1, len(self.COLUMNS) - 1))
            return
        self.beginResetModel()
        self.fields = fields
        self.endResetModel()

    def row_of(self, path: Path) -> int | None:
        return next((row for row, field in enumerate(self.fields) if field.path == path), None)

    def shown_rows(self) -> int:
        return len(self.fields)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.fields):
            return None
        field = self.fields[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return field.label if index.column() == 0 else _STATE_WORDS[field.state]
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            return f"{field.label}: {field.how}"
        if role == Qt.ItemDataRole.ForegroundRole and field.state == "conflict":
            return QBrush(self.conflict_colour)
        if role == Qt.ItemDataRole.FontRole and field.state == "conflict":
            font = QFont()
            font.setBold(True)
            return font
        if role == self.PathRole:
            return field.path
        return None


class MergeDialog(QDialog):
    """Your version and the server's, conflict by conflict, then the save of the merge."""

    def __init__(self, parent: QWidget | None, session: MergeSession):
        super().__init__(parent)
        self.session = session
        self._current: Path | None = None
        self._result_problem = ""
        self._result_editor: ResultEditor = "text"
        self._updating_result = False
        self.setObjectName("mergeDialog")
        self.setAccessibleName("Merge your edits")
        self.setWindowTitle(f"Merge your edits with v{session.remote_version} - {session.draft.handle}")

        self._build_widgets()
        self._build_layout()
        self._connect_signals()
        self._show_session()
        self._select_first()
        self.field_list.setFocus()
        self.resize(1100, 700)

    # -- construction -------------------------------------------------------------------------------------------

    def _build_widgets(self) -> None:
        self.headline = _named(QLabel(), "mergeHeadline", "What happened")
        self.headline.setWordWrap(True)
        font = self.headline.font()
        font.setPointSizeF(font.pointSizeF() * 1.1)
        font.setBold(True)
        self.headline.setFont(font)
        self.remaining = _named(QLabel(), "mergeRemaining", "Conflicts remaining")
        self.previous_button = _named(QPushButton("< Previous"), "previousConflictButton", "Previous conflict")
        self.previous_button.setToolTip("Previous conflict (Alt+Up or Shift+F7)")
        self.next_button = _named(QPushButton("Next >"), "nextConflictButton", "Next conflict")
        self.next_button.setToolTip("Next conflict (Alt+Down or F7)")
        self.previous_action = _named(QAction("Previous conflict", self), "previousConflictAction",
                                      "Previous conflict")
        self.previous_action.setShortcuts([QKeySequence("Alt+Up"), QKeySequence("Shift+F7")])
        self.next_action = _named(QAction("Next conflict", self), "nextConflictAction", "Next conflict")
        self.next_action.setShortcuts([QKeySequence("Alt+Down"), QKeySequence("F7")])
        self.addActions([self.previous_action, self.next_action])
        self.show_original_check = _named(QCheckBox(f"Show original (v{self.session.local_version})"
                                                    if self.session.local_version else "Show original"),
                                          "showOriginalCheck", "Show the original version")

        self.fields_model = MergeFieldsModel(self)
        if _is_dark(self):
            self.fields_model.conflict_colour = QColor("#ff8a80")
        self.field_list = _named(QTableView(), "mergeFieldList", "Fields")
        self.field_list.setModel(self.fields_model)
        self.field_list.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.field_list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.field_list.verticalHeader().hide()
        self.field_list.verticalHeader().setDefaultSectionSize(self.field_list.fontMetrics().height() + 10)
        self.field_list.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.field_list.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.field_list.setShowGrid(False)
        self.field_list.setWordWrap(False)
        self.field_list.setTabKeyNavigation(False)

        self.field_heading = _named(QLabel(), "mergeFieldHeading", "Field")
        heading_font = self.field_heading.font()
        heading_font.setBold(True)
        self.field_heading.setFont(heading_font)
        self.field_note = _named(QLabel(), "mergeFieldNote", "What happened to this field")
        self.field_note.setWordWrap(True)
        self.original_title = QLabel(f"Original (v{self.session.local_version})"
                                     if self.session.local_version else "Original")
        self.yours_title = QLabel(f"Your version (draft of v{self.session.local_version})"
                                  if self.session.local_version else "Your version")
        self.server_title = QLabel(f"Server version (v{self.session.remote_version})")
        self.original_view = _named(QTextBrowser(), "mergeOriginal", "Original")
        self.yours_view = _named(QTextBrowser(), "mergeYours", "Your version")
        self.server_view = _named(QTextBrowser(), "mergeServer", "Server version")
        for title, view in ((self.original_title, self.original_view), (self.yours_title, self.yours_view),
                            (self.server_title, self.server_view)):
            title.setBuddy(view)
        self.keep_yours_button = _named(QPushButton("Keep yours"), "keepYoursButton", "Keep your version")
        self.use_server_button = _named(QPushButton("Use server's"), "useServerButton", "Use the server's version")
        self.keep_both_button = _named(QPushButton("Keep both"), "keepBothButton",
                                       "Keep both: yours, then the server's")
        self.keep_both_button.setToolTip("Yours first, then the server's")
        for choice_button in (self.keep_yours_button, self.use_server_button, self.keep_both_button,
                              self.previous_button, self.next_button):
            choice_button.setAutoDefault(False)
        self.result_title = QLabel("Result (you can edit it)")
        self.result_edit = _named(QPlainTextEdit(), "mergeResult", "Result")
        self.result_line = _named(QLineEdit(), "mergeResultLine", "Result")
        self.result_line.setPlaceholderText("(not set)")
        self.result_problem = _named(QLabel(), "mergeResultProblem", "Problem with the result")
        self.result_problem.setWordWrap(True)
        self.result_problem.setStyleSheet("color: #d93025;")

        self.summary = _named(QLabel(), "mergeSummary", "What the save will change")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        summary_font = self.summary.font()
        summary_font.setPointSizeF(summary_font.pointSizeF() * 1.1)
        self.summary.setFont(summary_font)
        self.commit_message_edit = _named(QLineEdit(), "mergeCommitMessage", "Commit message")
        self.problems = _named(QLabel(), "mergeProblems", "Why the merge cannot be saved yet")
        self.problems.setWordWrap(True)
        self.problems.setStyleSheet("color: #d93025;")
        self.back_button = _named(QPushButton("Back to the fields"), "mergeBackButton", "Back to the fields")
        self.cancel_button = _named(QPushButton("Cancel - keep my draft"), "cancelMergeButton",
                                    "Cancel and keep my draft")
        self.complete_button = _named(QPushButton("Complete merge"), "completeMergeButton", "Complete merge")
        self.complete_button.setDefault(True)

    def _build_layout(self) -> None:
        header = QVBoxLayout()
        header.addWidget(self.headline)
        navigation = QHBoxLayout()
        navigation.addWidget(self.remaining)
        navigation.addWidget(self.previous_button)
        navigation.addWidget(self.next_button)
        navigation.addStretch(1)
        navigation.addWidget(self.show_original_check)
        header.addLayout(navigation)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        fields_title = QLabel("Fields")
        fields_title.setBuddy(self.field_list)
        left_layout.addWidget(fields_title)
        left_layout.addWidget(self.field_list, 1)

        self.original_column = self._column(self.original_title, self.original_view)
        self.original_column.layout().addSpacing(self.keep_yours_button.sizeHint().height()
                                                  + self.original_column.layout().spacing())
        self.yours_column = self._column(self.yours_title, self.yours_view, self.keep_yours_button)
        self.server_column = self._column(self.server_title, self.server_view, self.use_server_button)
        self.sides = QSplitter(Qt.Orientation.Horizontal)
        self.sides.setChildrenCollapsible(False)
        for column in (self.original_column, self.yours_column, self.server_column):
            self.sides.addWidget(column)
        both_row = QHBoxLayout()
        both_row.addStretch(1)
        both_row.addWidget(self.keep_both_button)
        both_row.addStretch(1)
        self.choice_area = QWidget()
        choice_layout = QVBoxLayout(self.choice_area)
        choice_layout.setContentsMargins(0, 0, 0, 0)
        choice_layout.addWidget(self.sides, 1)
        choice_layout.addLayout(both_row)

        right = QWidget()
        self.right_layout = right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.field_heading)
        right_layout.addWidget(self.field_note)
        right_layout.addWidget(self.choice_area, 3)
        right_layout.addWidget(self.result_title)
        right_layout.addWidget(self.result_edit, 2)
        right_layout.addWidget(self.result_line)
        right_layout.addWidget(self.result_problem)
        self.compact_filler = QWidget()
        right_layout.addWidget(self.compact_filler, 4)
        self.result_title.setBuddy(self.result_edit)

        self.body = QSplitter(Qt.Orientation.Horizontal)
        self.body.setObjectName("mergeSplitter")
        self.body.addWidget(left)
        self.body.addWidget(right)
        self.body.setStretchFactor(1, 1)
        self.body.setSizes([340, 760])

        final = QWidget()
        final_layout = QVBoxLayout(final)
        final_layout.addWidget(self.summary)
        message_title = QLabel("Commit message (what this version is about)")
        message_title.setBuddy(self.commit_message_edit)
        final_layout.addSpacing(12)
        final_layout.addWidget(message_title)
        final_layout.addWidget(self.commit_message_edit)
        note = QLabel("Your draft stays on this computer until the server has saved the new version.")
        note.setWordWrap(True)
        final_layout.addWidget(note)
        final_layout.addStretch(1)

        self.steps = QStackedWidget()
        self.steps.setObjectName("mergeSteps")
        self.steps.addWidget(self.body)
        self.steps.addWidget(final)

        buttons = QHBoxLayout()
        buttons.addWidget(self.problems, 1)
        buttons.addWidget(self.back_button)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.complete_button)
        self.back_button.hide()

        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(self.steps, 1)
        layout.addLayout(buttons)

    @staticmethod
    def _column(title: QLabel, view: QTextBrowser, button: QPushButton | None = None) -> QWidget:
        column = QWidget()
        layout = QVBoxLayout(column)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(title)
        layout.addWidget(view, 1)
        if button is not None:
            layout.addWidget(button, 0, Qt.AlignmentFlag.AlignLeft)
        return column

    def _connect_signals(self) -> None:
        self.field_list.selectionModel().currentRowChanged.connect(self._on_field_list_current_changed)
        self.previous_button.clicked.connect(self.previous_conflict)
        self.next_button.clicked.connect(self.next_conflict)
        self.previous_action.triggered.connect(self.previous_conflict)
        self.next_action.triggered.connect(self.next_conflict)
        self.show_original_check.toggled.connect(self._on_show_original_check_toggled)
        self.keep_yours_button.clicked.connect(lambda: self.choose("ours"))
        self.use_server_button.clicked.connect(lambda: self.choose("theirs"))
        self.keep_both_button.clicked.connect(lambda: self.choose("both"))
        self.result_edit.textChanged.connect(self._on_result_edited)
        self.result_line.textEdited.connect(self._on_result_edited)
        self.back_button.clicked.connect(self._on_back_button_clicked)
        self.cancel_button.clicked.connect(self.reject)
        self.complete_button.clicked.connect(self._on_complete_button_clicked)

    # -- what the caller reads ----------------------------------------------------------------------------------

    @property
    def commit_message(self) -> str:
        return self.commit_message_edit.text().strip() or self.session.commit_message

    def merged_draft(self) -> Draft:
        return self.session.merged_draft()

    @property
    def current_path(self) -> Path | None:
        return self._current

    # -- navigation ---------------------------------------------------------------------------------------------

    def select_field(self, path: Path) -> None:
        row = self.fields_model.row_of(path)
        if row is None:
            raise KeyError(f"no field at {path!r}")
        self.field_list.selectionModel().setCurrentIndex(
            self.fields_model.index(row, 0),
            QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
        self.field_list.scrollTo(self.fields_model.index(row, 0))

    def _open_rows(self) -> list[int]:
        return [row for row, field in enumerate(self.fields_model.fields) if field.state == "conflict"]

    def next_conflict(self) -> None:
        self._step_to_conflict(forward=True)

    def previous_conflict(self) -> None:
        self._step_to_conflict(forward=False)

    def _step_to_conflict(self, *, forward: bool) -> None:
        """The next (or previous) open conflict after the selected field, wrapping around."""
        rows = self._open_rows()
        if not rows or self.steps.currentIndex() != 0:
            return
        here = self.field_list.currentIndex().row()
        if forward:
            target = next((row for row in rows if row > here), rows[0])
        else:
            target = next((row for row in reversed(rows) if row < here), rows[-1])
        self.select_field(self.fields_model.fields[target].path)

    def _select_first(self) -> None:
        rows = self._open_rows() or list(range(self.fields_model.rowCount()))
        if rows:
            self.select_field(self.fields_model.fields[rows[0]].path)
        else:
            self._show_field(None)

    # -- choices ------------------------------------------------------------------------------------------------

    def choose(self, choice: str) -> None:
        """Settle the selected conflict with one side ("ours", "theirs") or both."""
        if self._current is None or choice not in self.session.result.conflict_at(self._current).choices:
            return
        self._result_problem = ""  # a choice replaces whatever was typed, and the problem with it
        self._set_session(self.session.resolve(self._current, choice))
        self._show_field(self._current)

    def _on_result_edited(self, *_args: Any) -> None:
        if self._current is None or self._updating_result:
            return
        text = self.result_line.text() if self._result_editor == "line" else self.result_edit.toPlainText()
        try:
            session = self.session.resolve_typed(self._current, text)
        except ResultProblem as problem:
            self._result_problem = str(problem)
        else:
            self._result_problem = ""
            self._set_session(session)
        self.result_problem.setText(self._result_problem)
        self.result_problem.setVisible(bool(self._result_problem))
        self._update_complete()

    def _set_session(self, session: MergeSession) -> None:
        self.session = session
        self._show_session()

    # -- showing ------------------------------------------------------------------------------------------------

    def _show_session(self) -> None:
        self.headline.setText(self.session.headline)
        self.remaining.setText(self.session.remaining_text)
        self.fields_model.set_fields(self.session.fields())
        if self._current is not None and self.fields_model.row_of(self._current) is None:
            self._current = None
        has_open = self.session.conflicts_remaining > 0
        for control in (self.previous_button, self.next_button, self.previous_action, self.next_action):
            control.setEnabled(has_open)
        if self._current is not None:
            self._refresh_state_note(self._current)
        self._update_complete()

    def _update_complete(self) -> None:
        if self.steps.currentIndex() == 1:
            self.complete_button.setEnabled(True)
            self.problems.clear()
            return
        problems = self.session.problems() if self.session.result.clean else []
        remaining = self.session.conflicts_remaining
        self.complete_button.setEnabled(self.session.can_complete and not self._result_problem)
        if self._result_problem:
            self.complete_button.setToolTip(f"Fix the result first: {self._result_problem}")
            self.problems.setText(f"Fix the result first: {self._result_problem}")
        elif remaining:
            self.complete_button.setToolTip(f"Settle the {remaining} conflict{'s' if remaining != 1 else ''} first")
            self.problems.setText(f"Settle the {remaining} remaining conflict{'s' if remaining != 1 else ''} to "
                                  "complete the merge.")
        else:
            self.complete_button.setToolTip("See what the save will change, then save")
            self.problems.setText("Before saving: " + "; ".join(problems) if problems else "")

    def _on_field_list_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self._result_problem = ""
        self._show_field(self.fields_model.fields[current.row()].path if current.isValid() else None)

    def _field(self, path: Path) -> MergeField | None:
        row = self.fields_model.row_of(path)
        return None if row is None else self.fields_model.fields[row]

    def _refresh_state_note(self, path: Path) -> None:
        field = self._field(path)
        if field is None:
            return
        if field.state == "merged":
            self.field_note.setText(f"Merged automatically: {field.how}. Nothing to decide here.")
        elif field.state == "conflict":
            both = field.conflict is not None and "both" in field.conflict.choices
            self.field_note.setText("You and the server changed this differently. Keep one side, "
                                    + ("keep both, " if both else "") + "or edit the result.")
        else:
            self.field_note.setText(f"Resolved: {field.how}. You can still change your mind.")

    def _show_field(self, path: Path | None) -> None:
        self._current = path
        field = None if path is None else self._field(path)
        self.result_problem.setText(self._result_problem)
        self.result_problem.setVisible(bool(self._result_problem))
        if field is None:
            self.field_heading.setText("Nothing to merge")
            self.field_note.clear()
            self.choice_area.hide()
            self.compact_filler.hide()
            self._show_result("", editor="text", read_only=True)
            return
        self._refresh_state_note(path)
        if field.conflict is None:
            self.field_heading.setText(field.label)
            self.choice_area.hide()
            text = shown_value(self.session.result.value_at(path))
            short = "\n" not in text
            self.compact_filler.setVisible(short)
            self._show_result(text, editor="line" if short else "text", read_only=True)
            return
        view = self.session.view(path)
        self.field_heading.setText(view.heading)
        self.choice_area.show()
        yours_colour, server_colour = side_colours(self)
        short = view.editor == "line"
        self.yours_view.setHtml(_places_html(
            view.places, lambda place: _side_html(place, "yours", yours_colour, whole=short)))
        self.server_view.setHtml(_places_html(
            view.places, lambda place: _side_html(place, "server", server_colour, whole=short)))
        self.original_view.setHtml(_places_html(view.places, lambda place: html.escape(place.original)))
        self.original_column.setVisible(self.show_original_check.isChecked())
        self.keep_both_button.setVisible("both" in view.choices)
        self._fit_sides(compact=short)
        self._show_result(view.result_text, editor=view.editor, read_only=False)

    def _fit_sides(self, *, compact: bool) -> None:
        """A short value gets short boxes; long texts get the room."""
        height = self.fontMetrics().lineSpacing() * 3 + 16 if compact else 16777215
        for view in (self.original_view, self.yours_view, self.server_view):
            view.setMaximumHeight(height)
        self.compact_filler.setVisible(compact)
        self.right_layout.setStretchFactor(self.choice_area, 0 if compact else 3)

    def _show_result(self, text: str, *, editor: ResultEditor, read_only: bool) -> None:
        """Put a result on screen without it counting as the user's edit."""
        self._result_editor = editor
        self._updating_result = True
        try:
            line = editor == "line"
            self.result_line.setVisible(line)
            self.result_edit.setVisible(not line)
            self.result_title.setBuddy(self.result_line if line else self.result_edit)
            self.result_title.setText("Result" if read_only else (
                "Result (you can edit it)" if editor != "json" else "Result (you can edit it; JSON)"))
            if line:
                if self.result_line.text() != text:
                    self.result_line.setText(text)
                self.result_line.setReadOnly(read_only)
                self.result_line.setPlaceholderText(
                    "" if read_only else "Undecided: keep one side, or type the value")
            else:
                if self.result_edit.toPlainText() != text:
                    self.result_edit.setPlainText(text)
                self.result_edit.setReadOnly(read_only)
        finally:
            self._updating_result = False

    def _on_show_original_check_toggled(self, checked: bool) -> None:
        self.original_column.setVisible(checked and self.choice_area.isVisible())

    # -- the last step ------------------------------------------------------------------------------------------

    def _on_complete_button_clicked(self) -> None:
        if self.steps.currentIndex() == 1:
            self.accept()
            return
        if not self.session.can_complete or self._result_problem:
            return
        lines = "".join(f"<li>{html.escape(line)}</li>" for line in self.session.summary_lines())
        self.summary.setText(f"{html.escape(self.session.summary_text)}" + (f"<ul>{lines}</ul>" if lines else ""))
        if not self.commit_message_edit.text().strip():
            self.commit_message_edit.setText(self.session.commit_message)
        self.steps.setCurrentIndex(1)
        changes = bool(self.session.summary_of_server_changes())
        self.complete_button.setText(f"Save v{self.session.remote_version + 1}" if changes else "Finish")
        self.back_button.show()
        for control in (self.previous_button, self.next_button, self.show_original_check):
            control.setEnabled(False)
        self.commit_message_edit.setFocus()
        self.commit_message_edit.selectAll()
        self._update_complete()

    def _on_back_button_clicked(self) -> None:
        self.steps.setCurrentIndex(0)
        self.complete_button.setText("Complete merge")
        self.back_button.hide()
        self.show_original_check.setEnabled(True)
        self._show_session()
