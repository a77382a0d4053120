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
    QGroupBox,
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
    """All prompts or the open one, as a LangWatch CLI project folder or one bundle file (the newest versions or
    all of them), and where to write it."""

    BUNDLE_NAME = "prompts-bundle.json"
    FOLDER_NAME = "prompts-folder"

    def __init__(self, parent: QWidget | None, total: int, current: str | None, folder: Path):
        super().__init__(parent)
        self.setObjectName("exportDialog")
        self.setAccessibleName("Export prompts")
        self.setWindowTitle("Export prompts")
        self.current = current
        self.folder = folder
        self.explanation = QLabel("Write prompts to keep as a backup, to commit to git, or to import into another "
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
        self.as_bundle = QRadioButton("One bundle file (.json): everything each prompt holds")
        self.as_bundle.setObjectName("exportAsBundle")
        self.as_bundle.setAccessibleName("Export as one bundle file")
        self.as_bundle.setChecked(True)
        self.as_folder = QRadioButton("A LangWatch CLI project folder (prompts.json and one .prompt.yaml a prompt), "
                                      "newest versions")
        self.as_folder.setObjectName("exportAsFolder")
        self.as_folder.setAccessibleName("Export as a LangWatch CLI project folder")
        self.format_choice = QButtonGroup(self)
        self.format_choice.addButton(self.as_bundle)
        self.format_choice.addButton(self.as_folder)
        self.all_versions = QCheckBox("Every version, each with its commit message (not only the newest)")
        self.all_versions.setObjectName("exportAllVersions")
        self.all_versions.setAccessibleName("Export every version")
        self.file_edit = QLineEdit(str(folder / self.BUNDLE_NAME))
        self.file_edit.setObjectName("exportFileEdit")
        self.file_edit.setAccessibleName("File or folder to write")
        self.choose_button = QPushButton("Choose...")
        self.choose_button.setObjectName("exportChooseFileButton")
        self.choose_button.setAccessibleName("Choose where to write")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.export_button = self.buttons.addButton("Export", QDialogButtonBox.ButtonRole.AcceptRole)
        self.export_button.setObjectName("exportButton")

        self.prompts_box = QGroupBox("Which prompts")
        self.prompts_box.setObjectName("exportPromptsBox")
        self.format_box = QGroupBox("As")
        self.format_box.setObjectName("exportFormatBox")

        prompts_layout = QVBoxLayout(self.prompts_box)
        prompts_layout.addWidget(self.all_prompts)
        prompts_layout.addWidget(self.one_prompt)
        format_layout = QVBoxLayout(self.format_box)
        format_layout.addWidget(self.as_bundle)
        versions_row = QHBoxLayout()
        versions_row.addSpacing(24)  # under the bundle it belongs to
        versions_row.addWidget(self.all_versions, 1)
        format_layout.addLayout(versions_row)
        format_layout.addWidget(self.as_folder)
        layout = QVBoxLayout(self)
        layout.addWidget(self.explanation)
        layout.addWidget(self.prompts_box)
        layout.addWidget(self.format_box)
        row = QHBoxLayout()
        row.addWidget(self.file_edit, 1)
        row.addWidget(self.choose_button)
        layout.addLayout(row)
        layout.addWidget(self.buttons)

        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.choose_button.clicked.connect(self._on_choose_button_clicked)
        self.file_edit.textChanged.connect(self._on_file_edit_text_changed)
        self.as_folder.toggled.connect(self._on_as_folder_toggled)
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
        return self.all_versions.isChecked() and not self.to_folder

    @property
    def to_folder(self) -> bool:
        return self.as_folder.isChecked()

    def _on_as_folder_toggled(self, checked: bool) -> None:
        """A folder holds the newest versions only; the suggested name follows the format until the user types
        one of their own."""
        self.all_versions.setEnabled(not checked)
        suggested = {str(self.folder / self.BUNDLE_NAME), str(self.folder / self.FOLDER_NAME)}
        if self.file_edit.text().strip() in suggested:
            self.file_edit.setText(str(self.folder / (self.FOLDER_NAME if checked else self.BUNDLE_NAME)))

    def _on_choose_button_clicked(self) -> None:
        if self.to_folder:
            chooser = QFileDialog(self, "Export to a new or empty folder", self.file_edit.text())
            chooser.setFileMode(QFileDialog.FileMode.Directory)
            chooser.setOption(QFileDialog.Option.ShowDirsOnly)
        else:
            chooser = QFileDialog(self, "Export to", self.file_edit.text(), "Prompt Studio bundles (*.json)")
            chooser.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
            chooser.setDefaultSuffix("json")
        chooser.setObjectName("exportFileChooser")
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
