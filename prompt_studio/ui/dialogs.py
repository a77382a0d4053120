"""Small dialogs of the main window: commit message, new prompt, new tag, a new key."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from prompt_studio.models import handle_problem, tag_name_problem


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


class NameDialog(QDialog):
    """Asks for a name and checks it as the server will (by the model's rule), before anything is sent."""

    def __init__(self, parent: QWidget, *, object_name: str, title: str, question: str, placeholder: str,
                 problem: Callable[[str], str | None]):
        super().__init__(parent)
        self.setObjectName(object_name)
        self.setAccessibleName(title)
        self.setWindowTitle(title)
        self._problem = problem
        self.name_edit = QLineEdit()
        self.name_edit.setObjectName(f"{object_name}Name")
        self.name_edit.setAccessibleName(question)
        self.name_edit.setPlaceholderText(placeholder)
        self.problem_label = QLabel()
        self.problem_label.setObjectName(f"{object_name}Problem")
        self.problem_label.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)

        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(question))
        layout.addWidget(self.name_edit)
        layout.addWidget(self.problem_label)
        layout.addWidget(self.buttons)

        self.name_edit.textChanged.connect(self._on_name_edit_text_changed)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self._on_name_edit_text_changed("")
        self.resize(420, self.sizeHint().height())

    def _on_name_edit_text_changed(self, text: str) -> None:
        problem = self._problem(text.strip())
        self.problem_label.setText(problem if text else "")
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(problem is None)
        self._fit_height()

    def _fit_height(self) -> None:
        """Grow (or shrink) to the wrapped problem text, so no word of it is cut off."""
        layout = self.layout()
        layout.activate()
        width = self.width()
        height = layout.totalHeightForWidth(width) if layout.hasHeightForWidth() else layout.totalSizeHint().height()
        if height != self.height():
            self.resize(width, max(height, layout.totalMinimumSize().height()))

    @property
    def name(self) -> str:
        return self.name_edit.text().strip()


def new_prompt_dialog(parent: QWidget, existing: set[str] | frozenset[str] = frozenset()) -> NameDialog:
    def problem(handle: str) -> str | None:
        if handle in existing:
            return f"There is already a prompt called {handle}: open it from the list."
        return handle_problem(handle)

    return NameDialog(parent, object_name="newPromptDialog", title="New prompt",
                      question="Name of the new prompt (its handle):", placeholder="for example support/triage",
                      problem=problem)


def new_tag_dialog(parent: QWidget, existing: list[str]) -> NameDialog:
    def problem(name: str) -> str | None:
        if name in existing:
            return f"There is already a tag called '{name}'."
        return tag_name_problem(name)

    return NameDialog(parent, object_name="newTagDialog", title="New tag",
                      question="Name of the new tag (for example canary):", placeholder="canary", problem=problem)



class ChangeKeyDialog(QDialog):
    """Asks for the new key of a server that refused the old one; the key is never shown as it is typed."""

    def __init__(self, parent: QWidget, connection_name: str, secrets_where: str):
        super().__init__(parent)
        self.setObjectName("changeKeyDialog")
        self.setAccessibleName("Change the key")
        self.setWindowTitle("Change the key")
        self.explanation = QLabel(f"{connection_name} did not accept the key. Paste the new one; it is kept in "
                                  f"{secrets_where}.")
        self.explanation.setWordWrap(True)
        self.key_edit = QLineEdit()
        self.key_edit.setObjectName("newKeyEdit")
        self.key_edit.setAccessibleName("New key")
        self.key_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(False)

        layout = QVBoxLayout(self)
        layout.addWidget(self.explanation)
        layout.addWidget(self.key_edit)
        layout.addWidget(self.buttons)

        self.key_edit.textChanged.connect(
            lambda text: self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(bool(text.strip())))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.resize(460, self.sizeHint().height())

    @property
    def key(self) -> str:
        return self.key_edit.text().strip()
