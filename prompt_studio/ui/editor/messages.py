"""The chat messages after the system prompt: one row per message with its role and highlighted text.

Rows are real widgets rather than a delegate because each message is a multi-line text the author writes in;
moving a message swaps the contents of two rows, so no widget is rebuilt and 200 messages stay responsive.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from prompt_studio.models import ROLES
from prompt_studio.models.labels import ROLE_LABELS, choice_label
from prompt_studio.ui.editor.widgets import (
    FieldMessage,
    TemplateTextEdit,
    UndoKeysToForm,
    named,
    wheel_only_when_focused,
)
from prompt_studio.ui.highlighting import TemplateSyntax


class MessageRow(QFrame):
    """One message: who speaks, what is said, and buttons to move or remove it."""

    sig_edited = Signal(bool)
    """The role or the text changed (True when the change closes an undo step)."""
    sig_move_requested = Signal(int)
    """Move this message by -1 (up) or +1 (down)."""
    sig_remove_requested = Signal()
    """Remove this message."""

    def __init__(self, syntax: TemplateSyntax, undo_keys: UndoKeysToForm, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.role_field = wheel_only_when_focused(QComboBox())
        for role in ROLES:
            self.role_field.addItem(choice_label(ROLE_LABELS, role), role)
        self.role_field.setObjectName("messageRoleField")
        self.content_edit = TemplateTextEdit(syntax, min_lines=1, max_lines=12)
        self.content_edit.setObjectName("messageContentEdit")
        self.content_edit.setPlaceholderText("What this message says")
        self.up_button = self._tool_button("moveMessageUpButton", "Move this message up")
        self.up_button.setArrowType(Qt.ArrowType.UpArrow)
        self.down_button = self._tool_button("moveMessageDownButton", "Move this message down")
        self.down_button.setArrowType(Qt.ArrowType.DownArrow)
        self.remove_button = self._tool_button("removeMessageButton", "Remove this message")
        self.remove_button.setText("✕")
        self.message = FieldMessage("messageRowMessage")
        self._extra: dict[str, Any] = {}
        self._setting = False

        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setHorizontalSpacing(6)
        layout.setVerticalSpacing(2)
        layout.addWidget(self.role_field, 0, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.content_edit, 0, 1)
        buttons = QHBoxLayout()
        buttons.setSpacing(0)
        for button in (self.up_button, self.down_button, self.remove_button):
            buttons.addWidget(button)
        layout.addLayout(buttons, 0, 2, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.message, 1, 1, 1, 2)
        layout.setColumnStretch(1, 1)

        self.content_edit.installEventFilter(undo_keys)
        self.role_field.currentIndexChanged.connect(self._on_role_field_current_index_changed)
        self.content_edit.sig_text_edited.connect(self.sig_edited)
        self.up_button.clicked.connect(lambda: self.sig_move_requested.emit(-1))
        self.down_button.clicked.connect(lambda: self.sig_move_requested.emit(1))
        self.remove_button.clicked.connect(self.sig_remove_requested)

    @staticmethod
    def _tool_button(object_name: str, description: str) -> QToolButton:
        button = named(QToolButton(), object_name, description)
        button.setToolTip(description)
        button.setAutoRaise(True)
        return button

    def focus_order(self) -> list[QWidget]:
        return [self.role_field, self.content_edit, self.up_button, self.down_button, self.remove_button]

    def set_position(self, index: int, count: int) -> None:
        """Name the controls after the message's place, so a screen reader says which message it is on."""
        number = index + 1
        self.role_field.setAccessibleName(f"Message {number} role")
        self.content_edit.setAccessibleName(f"Message {number} text")
        self.up_button.setAccessibleName(f"Move message {number} up")
        self.down_button.setAccessibleName(f"Move message {number} down")
        self.remove_button.setAccessibleName(f"Remove message {number}")
        self.up_button.setEnabled(index > 0)
        self.down_button.setEnabled(index < count - 1)

    def message_data(self) -> dict[str, Any]:
        return {**self._extra, "role": self.role_field.currentData(), "content": self.content_edit.text()}

    def set_message_data(self, message: dict[str, Any]) -> None:
        self._extra = {key: value for key, value in message.items() if key not in ("role", "content")}
        role = message.get("role")
        index = self.role_field.findData(role)
        if index < 0:
            self.role_field.addItem(str(role), role)
            index = self.role_field.count() - 1
        self._setting = True
        self.role_field.setCurrentIndex(index)
        self._setting = False
        self.content_edit.set_text(str(message.get("content", "")))

    def set_read_only(self, read_only: bool) -> None:
        self.role_field.setEnabled(not read_only)
        self.content_edit.setReadOnly(read_only)
        for button in (self.up_button, self.down_button, self.remove_button):
            button.setVisible(not read_only)

    def _on_role_field_current_index_changed(self, _index: int) -> None:
        if not self._setting:
            self.sig_edited.emit(True)


class MessagesEditor(QWidget):
    """All messages after the system prompt, in order; add, remove, reorder and edit them."""

    sig_edited = Signal(str, bool)
    """The messages changed: (undo key for typing that may merge into one step, whether a step ended)."""

    def __init__(
        self, syntax: TemplateSyntax, undo_keys: UndoKeysToForm, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("messagesEditor")
        self.setAccessibleName("Messages")
        self._syntax = syntax
        self._undo_keys = undo_keys
        self._read_only = False
        self._undeclared: list[str] = []
        self.rows: list[MessageRow] = []
        title = QLabel("Messages")
        font = title.font()
        font.setBold(True)
        title.setFont(font)
        self.add_button = named(QPushButton("+ Message"), "addMessageButton", "Add a message")
        self.add_button.setToolTip("Add a message at the end: an example exchange, or the user's question.")
        self.empty_label = QLabel(
            "No messages yet. The system prompt is sent on its own; add messages for examples or the question."
        )
        self.empty_label.setWordWrap(True)
        self.empty_label.setEnabled(False)
        self.section_message = FieldMessage("messagesEditorMessage")
        self._rows_layout = QVBoxLayout()
        self._rows_layout.setContentsMargins(0, 0, 0, 0)
        self._rows_layout.setSpacing(6)

        # "+ Message" comes after the messages, where the new one appears, and where Tab reaches it.
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(title)
        layout.addWidget(self.empty_label)
        layout.addLayout(self._rows_layout)
        layout.addLayout(buttons)
        layout.addWidget(self.section_message)

        self.add_button.clicked.connect(self._on_add_button_clicked)

    def messages(self) -> list[dict[str, Any]]:
        return [row.message_data() for row in self.rows]

    def focus_order(self) -> list[QWidget]:
        """The Tab stops in reading order: each message (role, text, its buttons), then "+ Message"."""
        return [*(widget for row in self.rows for widget in row.focus_order()), self.add_button]

    def texts(self) -> list[str]:
        return [row.content_edit.text() for row in self.rows]

    def set_messages(self, messages: list[dict[str, Any]]) -> None:
        """Show these messages, reusing the rows there are: undo on a long conversation stays quick."""
        while len(self.rows) > len(messages):
            self._drop_row(len(self.rows) - 1)
        while len(self.rows) < len(messages):
            self._append_row()
        for row, message in zip(self.rows, messages, strict=True):
            if row.message_data() != message:
                row.set_message_data(message)
        self._renumber()

    def set_read_only(self, read_only: bool) -> None:
        self.add_button.setVisible(not read_only)
        for row in self.rows:
            row.set_read_only(read_only)
        self._read_only = read_only

    def set_undeclared_variables(self, names: list[str]) -> None:
        """Underline these variables in every message, and in messages added later."""
        self._undeclared = names
        for row in self.rows:
            row.content_edit.highlighter.set_undeclared_variables(names)

    def show_messages(self, row_messages: dict[int, str], section_message: str) -> None:
        for index, row in enumerate(self.rows):
            row.message.set_message(row_messages.get(index, ""))
        self.section_message.set_message(section_message)

    def _append_row(self) -> MessageRow:
        row = MessageRow(self._syntax, self._undo_keys)
        row.content_edit.highlighter.set_undeclared_variables(self._undeclared)
        row.set_read_only(self._read_only)
        row.sig_edited.connect(lambda word_done, row=row: self._on_row_edited(row, word_done))
        row.sig_move_requested.connect(lambda offset, row=row: self._on_row_move_requested(row, offset))
        row.sig_remove_requested.connect(lambda row=row: self._on_row_remove_requested(row))
        self.rows.append(row)
        self._rows_layout.addWidget(row)
        return row

    def _drop_row(self, index: int) -> None:
        row = self.rows.pop(index)
        self._rows_layout.removeWidget(row)
        row.hide()
        row.deleteLater()

    def _renumber(self) -> None:
        for index, row in enumerate(self.rows):
            row.set_position(index, len(self.rows))
        self.empty_label.setVisible(not self.rows)

    def _on_add_button_clicked(self) -> None:
        previous_role = self.rows[-1].role_field.currentData() if self.rows else "assistant"
        row = self._append_row()
        row.set_message_data({"role": "assistant" if previous_role == "user" else "user", "content": ""})
        self._renumber()
        row.content_edit.setFocus()
        self.sig_edited.emit("", True)

    def _on_row_edited(self, row: MessageRow, word_done: bool) -> None:
        self.sig_edited.emit(f"message:{self.rows.index(row)}", word_done)

    def _on_row_move_requested(self, row: MessageRow, offset: int) -> None:
        index = self.rows.index(row)
        target = index + offset
        if not 0 <= target < len(self.rows):
            return
        moved, other = self.rows[index].message_data(), self.rows[target].message_data()
        self.rows[index].set_message_data(other)
        self.rows[target].set_message_data(moved)
        focus_button = self.rows[target].up_button if offset < 0 else self.rows[target].down_button
        (focus_button if focus_button.isEnabled() else self.rows[target].content_edit).setFocus()
        self.sig_edited.emit("", True)

    def _on_row_remove_requested(self, row: MessageRow) -> None:
        index = self.rows.index(row)
        self._drop_row(index)
        self._renumber()
        if self.rows:
            self.rows[min(index, len(self.rows) - 1)].content_edit.setFocus()
        else:
            self.add_button.setFocus()
        self.sig_edited.emit("", True)
