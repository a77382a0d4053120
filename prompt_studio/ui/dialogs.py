"""Small dialogs of the main window: commit message, new prompt, conflict notice."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from prompt_studio.models import ConflictInfo, handle_problem


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


class ConflictNoticeDialog(QDialog):
    """Someone saved first. Shows what the server has now; the draft stays untouched on this computer."""

    def __init__(self, parent: QWidget, handle: str, conflict: ConflictInfo | None):
        super().__init__(parent)
        self.setObjectName("conflictDialog")
        self.setAccessibleName("Someone saved first")
        self.setWindowTitle("Someone saved first")
        remote = conflict.remote_version if conflict else "?"
        local = conflict.local_version if conflict and conflict.local_version else "?"
        differences = "\n".join(f"- {line}" for line in (conflict.differences if conflict else [])) or (
            "- (the server did not list them)"
        )
        heading = QLabel(
            f"<b>{handle}</b> was saved as v{remote} on the server while you were editing v{local}.<br>"
            "Nothing was overwritten: your draft is kept on this computer."
        )
        heading.setWordWrap(True)
        self.details = QPlainTextEdit(f"What differs from the server:\n{differences}")
        self.details.setReadOnly(True)
        self.details.setObjectName("conflictDifferences")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.details)
        layout.addWidget(buttons)

        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        self.resize(520, 320)
