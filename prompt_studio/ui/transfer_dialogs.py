"""The questions of File > Export... and Prompt > Copy to...: which prompts, which file, which connection."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from prompt_studio.services.connections import Connection


class ExportDialog(QDialog):
    """All prompts or the open one, the newest versions or all of them, and the file to write."""

    def __init__(self, parent: QWidget | None, total: int, current: str | None, folder: Path):
        super().__init__(parent)
        self.setObjectName("exportDialog")
        self.setAccessibleName("Export prompts")
        self.setWindowTitle("Export prompts")
        self.current = current
        self.explanation = QLabel("Write prompts to one file, to keep as a backup or to import into another "
                                  "connection (File > Import...).")
        self.explanation.setWordWrap(True)
        self.all_prompts = QRadioButton(f"All {total} prompt{'s' if total != 1 else ''} of this connection")
        self.all_prompts.setObjectName("exportAllPrompts")
        self.all_prompts.setAccessibleName("Export all prompts")
        self.all_prompts.setChecked(True)
        self.one_prompt = QRadioButton(f"Only {current}" if current else "Only the open prompt (none is open)")
        self.one_prompt.setObjectName("exportOnePrompt")
        self.one_prompt.setAccessibleName("Export only the open prompt")
        self.one_prompt.setEnabled(current is not None)
        self.choice = QButtonGroup(self)
        self.choice.addButton(self.all_prompts)
        self.choice.addButton(self.one_prompt)
        self.all_versions = QCheckBox("Every version, each with its commit message (not only the newest)")
        self.all_versions.setObjectName("exportAllVersions")
        self.all_versions.setAccessibleName("Export every version")
        self.file_edit = QLineEdit(str(folder / "prompts.json"))
        self.file_edit.setObjectName("exportFileEdit")
        self.file_edit.setAccessibleName("File to write")
        self.choose_button = QPushButton("Choose...")
        self.choose_button.setObjectName("exportChooseFileButton")
        self.choose_button.setAccessibleName("Choose the file to write")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.export_button = self.buttons.addButton("Export", QDialogButtonBox.ButtonRole.AcceptRole)
        self.export_button.setObjectName("exportButton")

        layout = QVBoxLayout(self)
        layout.addWidget(self.explanation)
        layout.addWidget(self.all_prompts)
        layout.addWidget(self.one_prompt)
        layout.addWidget(self.all_versions)
        row = QHBoxLayout()
        row.addWidget(self.file_edit, 1)
        row.addWidget(self.choose_button)
        layout.addLayout(row)
        layout.addWidget(self.buttons)

        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.choose_button.clicked.connect(self._on_choose_button_clicked)
        self.file_edit.textChanged.connect(self._on_file_edit_text_changed)
        self.resize(560, self.sizeHint().height())

    @property
    def path(self) -> Path:
        return Path(self.file_edit.text().strip()).expanduser()

    @property
    def handles(self) -> list[str] | None:
        """None for every prompt."""
        return [self.current] if self.one_prompt.isChecked() and self.current else None

    @property
    def every_version(self) -> bool:
        return self.all_versions.isChecked()

    def _on_choose_button_clicked(self) -> None:
        chooser = QFileDialog(self, "Export to", self.file_edit.text(), "Prompt Studio bundles (*.json)")
        chooser.setObjectName("exportFileChooser")
        chooser.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        chooser.setDefaultSuffix("json")
        chooser.fileSelected.connect(self.file_edit.setText)
        chooser.open()

    def _on_file_edit_text_changed(self, text: str) -> None:
        self.export_button.setEnabled(bool(text.strip()))


class CopyToDialog(QDialog):
    """Which other connection gets a copy of the open prompt."""

    def __init__(self, parent: QWidget | None, handle: str, connections: list[Connection]):
        super().__init__(parent)
        self.setObjectName("copyToDialog")
        self.setAccessibleName("Copy to another connection")
        self.setWindowTitle("Copy to another connection")
        self.question = QLabel(f"Copy the newest saved version of <b>{handle}</b> to:")
        self.target = QComboBox()
        self.target.setObjectName("copyToConnectionSelector")
        self.target.setAccessibleName("Connection to copy to")
        for connection in connections:
            self.target.addItem(connection.name, connection)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.copy_button = self.buttons.addButton("Copy", QDialogButtonBox.ButtonRole.AcceptRole)
        self.copy_button.setObjectName("copyButton")
        self.explanation = QLabel("There it is created, or saved as a new version. If it is already there with "
                                  "other content, the merge dialog opens: nothing is overwritten.")
        self.explanation.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.addWidget(self.question)
        layout.addWidget(self.target)
        layout.addWidget(self.explanation)
        layout.addWidget(self.buttons)

        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.resize(480, self.sizeHint().height())

    @property
    def connection(self) -> Connection | None:
        return self.target.currentData()
