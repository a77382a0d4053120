"""File > Open folder...: a LangWatch CLI project folder, and the saved LangWatch connection it syncs with."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from prompt_studio.models.cli_project import PROJECT_FILE
from prompt_studio.services.cli_folder import find_project_root
from prompt_studio.services.connections import Connection
from prompt_studio.ui.editor.widgets import named


class OpenFolderDialog(QDialog):
    """Asks for the folder (the one holding prompts.json, or any folder inside it) and the LangWatch connection."""

    def __init__(self, parent: QWidget | None, connections: list[Connection], start: str = ""):
        super().__init__(parent)
        self.setObjectName("openFolderDialog")
        self.setAccessibleName("Open a LangWatch CLI folder")
        self.setWindowTitle("Open folder")
        self.root: Path | None = None
        self.intro = QLabel(f"A folder the LangWatch CLI keeps prompts in (it holds {PROJECT_FILE}). Its prompts "
                            "open here, and each save also writes its file.")
        self.intro.setWordWrap(True)
        self.folder_field = named(QLineEdit(start), "folderField", "Folder")
        self.folder_field.setPlaceholderText("The folder that holds prompts.json")
        self.choose_button = named(QPushButton("Choose..."), "chooseFolderButton", "Choose the folder")
        self.connection_field = named(QComboBox(), "folderConnectionField", "LangWatch connection")
        for connection in connections:
            self.connection_field.addItem(connection.name, connection)
        self.problem = named(QLabel(), "openFolderProblem", "Why the folder cannot be opened")
        self.problem.setWordWrap(True)
        self.problem.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Open | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.setObjectName("openFolderButtons")
        if not connections:
            self.problem.setText("Add a LangWatch server first (File > Add a server...): a folder syncs with one.")
            self.problem.show()

        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder_field, 1)
        folder_row.addWidget(self.choose_button)
        form = QFormLayout()
        form.addRow("Folder", folder_row)
        form.addRow("Syncs with", self.connection_field)
        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        layout.addWidget(self.intro)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)

        self.choose_button.clicked.connect(self._on_choose_button_clicked)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.resize(560, self.sizeHint().height())

    @property
    def connection(self) -> Connection | None:
        return self.connection_field.currentData()

    def _on_choose_button_clicked(self) -> None:
        chooser = QFileDialog(self, "Choose the folder that holds prompts.json", self.folder_field.text())
        chooser.setObjectName("folderChooser")
        chooser.setFileMode(QFileDialog.FileMode.Directory)
        chooser.setOption(QFileDialog.Option.ShowDirsOnly, True)
        chooser.fileSelected.connect(self.folder_field.setText)
        chooser.open()

    def accept(self) -> None:
        """Open only a folder the CLI would recognise, bound to a connection; otherwise say why, in the dialog."""
        text = self.folder_field.text().strip()
        root = find_project_root(Path(text).expanduser().resolve()) if text else None
        if self.connection is None:
            return
        if root is None:
            self.problem.setText(f"There is no {PROJECT_FILE} in this folder or above it. Choose the folder that "
                                 "holds it (a developer makes one with: langwatch prompt init).")
            self.problem.show()
            self.resize(self.width(), self.sizeHint().height())
            return
        self.root = root
        super().accept()
