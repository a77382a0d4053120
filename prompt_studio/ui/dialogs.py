"""Small dialogs of the main window: commit message, new prompt."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from prompt_studio.models import handle_problem


class CommitMessageDialog(QDialog):
    """Asks what changed before a save; the message goes into the version history."""

    def __init__(self, parent: QWidget, handle: str, base_version: int | None, suggestion: str = ""):
        super().__init__(parent)
        self.setObjectName("commitMessageDialog")
        self.setAccessibleName("Save a new version")
        self.setWindowTitle("Save a new version")
        self.explanation = QLabel(
            f"Save <b>{handle}</b> as a new version"
            + (f" (after v{base_version})." if base_version else ".")
            + "<br>Describe what you changed, so your team can follow the history."
        )
        self.message_edit = QLineEdit(suggestion)
        self.message_edit.setObjectName("commitMessageEdit")
        self.message_edit.setAccessibleName("What changed")
        self.message_edit.setPlaceholderText("For example: shorter answers, friendlier tone")
        self.message_edit.selectAll()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)

        layout = QVBoxLayout(self)
        layout.addWidget(self.explanation)
        layout.addWidget(self.message_edit)
        layout.addWidget(self.buttons)

        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.resize(460, self.sizeHint().height())

    @property
    def message(self) -> str:
        return self.message_edit.text().strip()


class NewPromptDialog(QDialog):
    """Asks for a handle and checks it as the server will, before anything is sent."""

    def __init__(self, parent: QWidget):
        super().__init__(parent)
        self.setObjectName("newPromptDialog")
        self.setAccessibleName("New prompt")
        self.setWindowTitle("New prompt")
        self.handle_edit = QLineEdit()
        self.handle_edit.setObjectName("newPromptHandle")
        self.handle_edit.setAccessibleName("Handle")
        self.handle_edit.setPlaceholderText("for example support/triage")
        self.problem_label = QLabel()
        self.problem_label.setObjectName("newPromptProblem")
        self.problem_label.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)

        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Name of the new prompt (its handle):"))
        layout.addWidget(self.handle_edit)
        layout.addWidget(self.problem_label)
        layout.addWidget(self.buttons)

        self.handle_edit.textChanged.connect(self._on_handle_edit_text_changed)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self._on_handle_edit_text_changed("")
        self.resize(420, self.sizeHint().height())

    def _on_handle_edit_text_changed(self, text: str) -> None:
        problem = handle_problem(text.strip())
        self.problem_label.setText(problem if text else "")
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(problem is None)

    @property
    def handle(self) -> str:
        return self.handle_edit.text().strip()

