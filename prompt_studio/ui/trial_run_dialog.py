"""Try a prompt once: fill its variables, run it on its first model, read the answer."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from prompt_studio.ui.tasks import TaskRunner, plain_message

RunOnce = Callable[[dict[str, str]], Awaitable[str]]


class TrialRunDialog(QDialog):
    """Non-modal: the answer arrives while the user keeps editing; "Run" may be pressed again after a change.

    It runs the text on screen (the draft), not the saved version, which is what an author wants to try.
    """

    def __init__(self, parent: QWidget | None, handle: str, model: str, variables: list[str], run: RunOnce):
        super().__init__(parent)
        self.setObjectName("testPromptDialog")
        self.setAccessibleName("Test prompt")
        self.setWindowTitle(f"Test {handle}")
        self._run = run
        self.tasks = TaskRunner(self)

        self.model_label = QLabel(f"Runs your draft once on <b>{model or 'no model'}</b>.")
        self.model_label.setWordWrap(True)
        self.value_edits: dict[str, QLineEdit] = {}
        for name in variables:
            edit = QLineEdit()
            edit.setObjectName(f"testVariable-{name}")
            edit.setAccessibleName(f"Value of {name}")
            self.value_edits[name] = edit
        self.no_variables = QLabel("This prompt has no variables.")
        self.no_variables.setVisible(not variables)
        self.run_button = QPushButton("Run")
        self.run_button.setObjectName("runTestButton")
        self.run_button.setAccessibleName("Run the prompt")
        self.run_button.setDefault(True)
        self.answer_edit = QPlainTextEdit()
        self.answer_edit.setObjectName("testAnswer")
        self.answer_edit.setAccessibleName("Answer")
        self.answer_edit.setReadOnly(True)
        self.answer_edit.setPlaceholderText("The model's answer appears here.")
        self.status_label = QLabel()
        self.status_label.setObjectName("testStatus")
        self.status_label.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)

        form = QFormLayout()
        for name, edit in self.value_edits.items():
            form.addRow(name, edit)
        layout = QVBoxLayout(self)
        layout.addWidget(self.model_label)
        layout.addWidget(self.no_variables)
        layout.addLayout(form)
        layout.addWidget(self.run_button)
        layout.addWidget(QLabel("Answer"))
        layout.addWidget(self.answer_edit, 1)
        layout.addWidget(self.status_label)
        layout.addWidget(self.buttons)

        self.run_button.clicked.connect(self._on_run_button_clicked)
        self.buttons.rejected.connect(self.reject)
        self.resize(560, 460)

    def values(self) -> dict[str, str]:
        return {name: edit.text() for name, edit in self.value_edits.items()}

    def _on_run_button_clicked(self) -> None:
        self.run_button.setEnabled(False)
        self.status_label.setText("Running...")
        self.tasks.run("test", "Testing the prompt", self._test())

    async def _test(self) -> None:
        try:
            answer = await self._run(self.values())
            self.answer_edit.setPlainText(answer)
            self.status_label.setText("")
        except Exception as error:  # shown in the dialog, never raised past it
            self.status_label.setText(f"✗ {plain_message(error)}")
        finally:
            self.run_button.setEnabled(True)

    def done(self, result: int) -> None:
        self.tasks.cancel_all()
        super().done(result)
