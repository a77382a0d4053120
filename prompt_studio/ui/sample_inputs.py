"""The field for one sample input of Try it, as its type asks: text, a number, yes/no, JSON checked as it is
typed, an image (a web address or a file from this computer), or chat messages (a role and a text each)."""

from __future__ import annotations

import asyncio
import base64
import json
import mimetypes
import re
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from prompt_studio.models.labels import INPUT_TYPE_LABELS
from prompt_studio.models.problems import json_problem
from prompt_studio.ui.tasks import wait_for_dialog

_IMAGE_ADDRESS = re.compile(r"^(https?://\S+|data:image/[\w.+-]+;base64,\S+)$")
CHOSEN_IMAGE_FILE = "(an image file chosen before)"
MAX_IMAGE_BYTES = 20 * 1024 * 1024
"""The largest image the providers take in a request (OpenAI's and Anthropic's limit is about 20 MB)."""
_JSON_TYPES = {"list", "dict", "list[str]", "list[float]", "list[int]", "list[bool]"}


def image_data_url(path: Path) -> str:
    """A file's bytes as a `data:` URL, by its image type; a file that is no image or too large is refused."""
    kind = mimetypes.guess_type(path.name)[0]
    if kind is None or not kind.startswith("image/"):
        raise ValueError(f"{path.name} is not an image file (PNG, JPEG, GIF or WebP).")
    if path.stat().st_size > MAX_IMAGE_BYTES:
        raise ValueError(f"{path.name} is larger than the 20 MB the providers take.")
    return f"data:{kind};base64,{base64.b64encode(path.read_bytes()).decode()}"


CHAT_ROLES = ("user", "assistant", "system")


class ChatMessagesField(QWidget):
    """A conversation as a `chat_messages` input holds it: one row per message, its role and its text."""

    sig_changed = Signal()

    def __init__(self, identifier: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.identifier = identifier
        self.rows: list[tuple[QComboBox, QPlainTextEdit, QWidget]] = []
        self.rows_layout = QVBoxLayout()
        self.rows_layout.setContentsMargins(0, 0, 0, 0)
        self.add_button = QPushButton("+ Message")
        self.add_button.setObjectName(f"sampleInputAddMessage_{identifier}")
        self.add_button.setAccessibleName(f"Add a message to {identifier}")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self.rows_layout)
        layout.addWidget(self.add_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.add_button.clicked.connect(lambda: self.add_message("user" if not self.rows or
                                                                 self.rows[-1][0].currentText() != "user"
                                                                 else "assistant"))

    def add_message(self, role: str = "user", content: str = "") -> QPlainTextEdit:
        row = QWidget()
        role_box = QComboBox()
        role_box.addItems(CHAT_ROLES)
        role_box.setCurrentText(role if role in CHAT_ROLES else "user")
        role_box.setAccessibleName(f"Role of message {len(self.rows) + 1}")
        text = QPlainTextEdit(content)
        text.setTabChangesFocus(True)
        text.setFixedHeight(self.fontMetrics().lineSpacing() * 2 + 12)
        text.setAccessibleName(f"Text of message {len(self.rows) + 1}")
        remove = QToolButton()
        remove.setText("x")
        remove.setAccessibleName(f"Remove message {len(self.rows) + 1}")
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(role_box, 0, Qt.AlignmentFlag.AlignTop)
        line.addWidget(text, 1)
        line.addWidget(remove, 0, Qt.AlignmentFlag.AlignTop)
        self.rows_layout.addWidget(row)
        entry = (role_box, text, row)
        self.rows.append(entry)
        role_box.currentTextChanged.connect(self.sig_changed)
        text.textChanged.connect(self.sig_changed)
        remove.clicked.connect(lambda: self._remove(entry))
        self.sig_changed.emit()
        return text

    def _remove(self, entry: tuple[QComboBox, QPlainTextEdit, QWidget]) -> None:
        self.rows.remove(entry)
        entry[2].deleteLater()
        self.sig_changed.emit()

    def messages(self) -> list[dict[str, str]]:
        return [{"role": role.currentText(), "content": text.toPlainText()} for role, text, _row in self.rows]

    def set_messages(self, messages: Any) -> None:
        """Show a list of `{"role", "content"}` (anything else, as from an old test case, shows as nothing)."""
        for entry in list(self.rows):
            self.rows.remove(entry)
            entry[2].deleteLater()
        for message in messages if isinstance(messages, list) else []:
            if isinstance(message, dict):
                self.add_message(str(message.get("role", "user")), str(message.get("content", "")))
        self.sig_changed.emit()


class SampleInput(QWidget):
    """One input's value, edited as its type asks: text, a number, yes/no, JSON checked as it is typed, an image,
    or chat messages."""

    sig_changed = Signal()
    """The value changed (it may not be valid yet)."""

    def __init__(self, identifier: str, kind: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.identifier, self.kind = identifier, kind
        self.setObjectName(f"sampleInput_{identifier}")
        self.setAccessibleName(f"Sample value of {identifier}")
        self.problem = QLabel()
        self.problem.setObjectName(f"sampleInputProblem_{identifier}")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #d93025;")
        self.problem.hide()
        if kind == "bool":
            self.field: QWidget = QCheckBox("Yes")
            self.field.toggled.connect(self.sig_changed)
        elif kind == "chat_messages":
            self.field = ChatMessagesField(identifier)
            self.field.sig_changed.connect(self.sig_changed)
        elif kind in ("float", "image"):
            self.field = QLineEdit()
            self.field.setPlaceholderText("A number, such as 0.5" if kind == "float"
                                          else "An image's web address (https://...), or choose a file")
            self.field.textChanged.connect(self._on_field_edited)
        else:
            self.field = QPlainTextEdit()
            self.field.setTabChangesFocus(True)
            self.field.setFixedHeight(self.fontMetrics().lineSpacing() * 3 + 12)
            if kind in _JSON_TYPES:
                self.field.setPlaceholderText('JSON, such as ["a", "b"]' if kind.startswith("list") else "JSON")
            self.field.textChanged.connect(self._on_field_edited)
        self.field.setObjectName(f"sampleInputField_{identifier}")
        self.field.setAccessibleName(f"{identifier} ({INPUT_TYPE_LABELS.get(kind, kind)})")

        self._chosen_file: tuple[str, str] | None = None
        """An image file chosen for this input: the path shown in the field, and its bytes as a `data:` URL."""
        self._reading: asyncio.Task | None = None

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        if kind == "image":
            self.file_button = QPushButton("Choose file...")
            self.file_button.setObjectName(f"sampleInputFile_{identifier}")
            self.file_button.setAccessibleName(f"Choose an image file for {identifier}")
            row = QHBoxLayout()
            row.addWidget(self.field, 1)
            row.addWidget(self.file_button)
            layout.addLayout(row)
            self.file_button.clicked.connect(self._on_file_button_clicked)
        else:
            layout.addWidget(self.field)
        layout.addWidget(self.problem)

    def value(self) -> Any:
        """The value to render with; None when it is empty or does not read (it then counts as missing)."""
        if isinstance(self.field, QCheckBox):
            return self.field.isChecked()
        if isinstance(self.field, ChatMessagesField):
            return self.field.messages() or None
        text = self.field.text() if isinstance(self.field, QLineEdit) else self.field.toPlainText()
        if not text.strip():
            return None
        if self.kind == "float":
            try:
                return float(text)
            except ValueError:
                return None
        if self.kind in _JSON_TYPES:
            try:
                return json.loads(text)
            except ValueError:
                return None
        if self.kind == "image":
            if self._chosen_file is not None and text == self._chosen_file[0]:
                return self._chosen_file[1]
            return text.strip() if _IMAGE_ADDRESS.match(text.strip()) else None
        return text

    def set_value(self, value: Any) -> None:
        if isinstance(self.field, QCheckBox):
            self.field.setChecked(bool(value))
            return
        if isinstance(self.field, ChatMessagesField):
            self.field.set_messages(value)
            return
        text = "" if value is None else (json.dumps(value, ensure_ascii=False) if self.kind in _JSON_TYPES
                                         else str(value))
        if self.kind == "image" and text.startswith("data:"):
            self._chosen_file = (CHOSEN_IMAGE_FILE, text)  # a test case keeps the bytes, not where they came from
            text = CHOSEN_IMAGE_FILE
        if isinstance(self.field, QLineEdit):
            self.field.setText(text)
        else:
            self.field.setPlainText(text)

    def _on_field_edited(self, *_args: Any) -> None:
        self.problem.setText(self._problem() or "")
        self.problem.setVisible(bool(self.problem.text()))
        self.sig_changed.emit()

    def _problem(self) -> str | None:
        text = self.field.text() if isinstance(self.field, QLineEdit) else self.field.toPlainText()
        if not text.strip():
            return None
        if self.kind == "float":
            try:
                float(text)
            except ValueError:
                return "This needs a number, such as 0.5."
        if self.kind in _JSON_TYPES:
            try:
                json.loads(text)
            except json.JSONDecodeError as error:
                return json_problem(error)
        if self.kind == "image" and self.value() is None:
            return "Give the image's web address (https://...), or choose a file."
        return None

    def _on_file_button_clicked(self) -> None:
        self._reading = asyncio.ensure_future(self.choose_file())

    async def choose_file(self, path: Path | None = None) -> bool:
        """An image file from this computer, read in a worker thread and sent as its bytes (a `data:` URL)."""
        if path is None:
            dialog = QFileDialog(self, "Choose an image")
            dialog.setObjectName("imageFileDialog")
            dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
            dialog.setNameFilter("Images (*.png *.jpg *.jpeg *.gif *.webp);;All files (*)")
            if await wait_for_dialog(dialog) != QDialog.DialogCode.Accepted or not dialog.selectedFiles():
                return False
            path = Path(dialog.selectedFiles()[0])
        try:
            address = await asyncio.to_thread(image_data_url, path)
        except (OSError, ValueError) as error:
            self.problem.setText(str(error) if isinstance(error, ValueError)
                                 else f"{path.name} could not be read: {error.strerror or error}.")
            self.problem.show()
            return False
        self._chosen_file = (str(path), address)
        self.field.setText(str(path))
        return True
