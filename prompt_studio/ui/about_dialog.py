"""Help > About: which version this is, the licences of what it bundles, and where it keeps its files."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from prompt_studio.ui.table_model import FlatTableModel, Index

BUNDLED = ("PySide6-Essentials", "qasync", "httpx", "pydantic", "pygments", "python-liquid", "keyring",
           "platformdirs", "truststore", "h2", "starlette", "uvicorn")
"""The libraries Prompt Studio is built on, as their distributions are named."""


@dataclass(frozen=True)
class Licence:
    name: str
    version: str
    licence: str


def _licence_of(meta: metadata.PackageMetadata) -> str:
    """The licence a distribution declares: its SPDX expression, else a short License field, else the
    classifier; some packages put the whole licence text in License, which is no name."""
    expression = (meta.get("License-Expression") or "").strip()
    if expression:
        return expression
    field = (meta.get("License") or "").strip()
    if field and "\n" not in field and len(field) <= 60 and field.upper() != "UNKNOWN":
        return field
    classifiers = [value.split(" :: ")[-1] for value in meta.get_all("Classifier") or []
                   if value.startswith("License ::")]
    return ", ".join(classifiers) or "not stated"


def bundled_licences(distributions: tuple[str, ...] = BUNDLED) -> list[Licence]:
    """Name, version and licence of each library, read from what is installed."""
    found = []
    for distribution in distributions:
        try:
            meta = metadata.metadata(distribution)
        except metadata.PackageNotFoundError:
            found.append(Licence(distribution, "not installed", ""))
            continue
        # our spelling of the name: some wheels write theirs normalised ("PySide6_Essentials")
        found.append(Licence(distribution, meta.get("Version") or "", _licence_of(meta)))
    return found


class LicenceModel(FlatTableModel):
    COLUMNS = ("Library", "Version", "Licence")

    def __init__(self, licences: list[Licence], parent=None):
        super().__init__(parent)
        self.licences = licences

    def shown_rows(self) -> int:
        return len(self.licences)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        licence = self.licences[index.row()]
        return (licence.name, licence.version, licence.licence)[index.column()]


class AboutDialog(QDialog):
    """The version, the licences, and the data folder with a button that opens it."""

    def __init__(self, parent: QWidget | None, version: str | None, licences: list[Licence],
                 data_folder: Path | None):
        super().__init__(parent)
        self.setObjectName("aboutDialog")
        self.setWindowTitle("About Prompt Studio")
        self.data_folder = data_folder

        self.title = QLabel("Prompt Studio")
        self.title.setObjectName("aboutTitle")
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        self.title.setFont(font)
        self.version_label = QLabel(f"Version {version}" if version else "Version unknown (not installed)")
        self.version_label.setObjectName("aboutVersion")
        self.version_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        blurb = QLabel("Edit the prompts your team keeps, on LangWatch, Orkes or in a library on this computer.")
        blurb.setWordWrap(True)

        licences_title = QLabel("Built with these libraries, each under its own licence:")
        self.licence_model = LicenceModel(licences, self)
        self.licence_table = QTableView()
        self.licence_table.setObjectName("licenceTable")
        self.licence_table.setAccessibleName("Libraries and their licences")
        self.licence_table.setModel(self.licence_model)
        self.licence_table.verticalHeader().hide()
        self.licence_table.setShowGrid(False)
        self.licence_table.setAlternatingRowColors(True)
        self.licence_table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.licence_table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.licence_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.licence_table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.licence_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        licences_title.setBuddy(self.licence_table)

        folder_title = QLabel("Your prompts, drafts and settings are kept in:")
        self.folder_label = QLabel(str(data_folder) if data_folder is not None else "(not known)")
        self.folder_label.setObjectName("dataFolder")
        self.folder_label.setAccessibleName("Data folder")
        self.folder_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.folder_label.setWordWrap(True)
        self.open_folder_button = QPushButton("Open folder")
        self.open_folder_button.setObjectName("openDataFolderButton")
        self.open_folder_button.setAccessibleName("Open the data folder")
        self.open_folder_button.setEnabled(data_folder is not None)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)

        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.version_label)
        layout.addWidget(blurb)
        layout.addSpacing(8)
        layout.addWidget(licences_title)
        layout.addWidget(self.licence_table, 1)
        layout.addSpacing(8)
        layout.addWidget(folder_title)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder_label, 1)
        folder_row.addWidget(self.open_folder_button)
        layout.addLayout(folder_row)
        layout.addWidget(self.buttons)
        # every library in view without scrolling (a dozen rows): nothing to select or move through
        rows = max(self.licence_model.rowCount(), 1)
        self.licence_table.setMinimumHeight(self.licence_table.verticalHeader().defaultSectionSize() * min(rows, 14)
                                            + header.sizeHint().height() + 2 * self.licence_table.frameWidth())
        self.resize(560, self.sizeHint().height())
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setFocus()

        self.open_folder_button.clicked.connect(self._on_open_folder_button_clicked)
        self.buttons.rejected.connect(self.reject)

    def licence_of(self, name: str) -> str | None:
        """The licence shown for a library (tests read the table through this)."""
        model = self.licence_model
        for row in range(model.rowCount()):
            if str(model.data(model.index(row, 0))).lower() == name.lower():
                return model.data(model.index(row, 2))
        return None

    def _on_open_folder_button_clicked(self) -> None:
        if self.data_folder is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.data_folder)))



