"""The notice above the list when the server cannot be used: what happened in plain words, what to do, and the
technical cause only behind Details. A background load no one asked for never opens a dialog."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from prompt_studio.models.errors import PromptStudioError
from prompt_studio.ui.editor.widgets import named as _named


class ServerNotice(QWidget):
    """Words, "Try now", "Change the key..." (for a rejected key) and "Details"; hidden while all is well."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        _named(self, "listProblem", "Why the list is not up to date")
        self.text = _named(QLabel(), "listProblemText", "What went wrong")
        self.text.setWordWrap(True)
        self.details = _named(QLabel(), "listProblemDetails", "Details")
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(self.details.textInteractionFlags().TextSelectableByMouse)
        self.details.hide()
        self.try_now_button = _named(QPushButton("Try now"), "tryNowButton", "Try now")
        self.change_key_button = _named(QPushButton("Change the key..."), "changeKeyButton", "Change the key")
        self.change_key_button.hide()
        self.details_button = _named(QPushButton("Details"), "listProblemDetailsButton", "Details")
        self.details_button.setCheckable(True)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.text)
        buttons = QHBoxLayout()
        buttons.addWidget(self.try_now_button)
        buttons.addWidget(self.change_key_button)
        buttons.addWidget(self.details_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        layout.addWidget(self.details)
        self.setAutoFillBackground(True)
        self.setBackgroundRole(self.backgroundRole().AlternateBase)
        self.hide()

        self.details_button.toggled.connect(self.details.setVisible)

    def show_problem(self, words: str, error: PromptStudioError, *, key_rejected: bool) -> None:
        self.text.setText(words)
        self.details.setText(f"{error.user_message}\n{type(error).__name__}: {error}")
        self.change_key_button.setVisible(key_rejected)
        self.try_now_button.setVisible(not key_rejected)
        self.show()
