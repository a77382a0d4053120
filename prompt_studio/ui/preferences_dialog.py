"""Preferences: the theme, the font of the prompt texts, the connection opened at start, the default model provider.

Each change applies at once (the window applies and keeps it); there is nothing to confirm, only Close.
"""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFontComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from prompt_studio.providers import ProvidersSettings
from prompt_studio.services.connections import Connection
from prompt_studio.services.preferences import MAX_FONT_SIZE, MIN_FONT_SIZE, THEME_LABELS, THEMES, Preferences
from prompt_studio.ui.appearance import EDITOR_CLASS
from prompt_studio.ui.editor.widgets import named

NO_DEFAULT_PROVIDER = "None: each model names its provider"


class PreferencesDialog(QDialog):
    """The author's choices for this computer, each applied as soon as it is made."""

    sig_changed = Signal(object)
    """The preferences as they are now (a `Preferences`), after any change."""
    sig_default_provider_chosen = Signal(object)
    """The prefix of the provider chosen for models named without one, or None."""

    def __init__(self, parent: QWidget | None, preferences: Preferences, connections: list[Connection],
                 providers: ProvidersSettings | None):
        super().__init__(parent)
        self.setObjectName("preferencesDialog")
        self.setAccessibleName("Preferences")
        self.setWindowTitle("Preferences")
        self.setMinimumWidth(520)
        self._preferences = preferences
        editor_font = QApplication.font(EDITOR_CLASS)

        self.theme_choice = named(QComboBox(), "themeChoice", "Theme")
        for theme in THEMES:
            self.theme_choice.addItem(THEME_LABELS[theme], theme)
        self.theme_choice.setCurrentIndex(THEMES.index(preferences.theme))
        self.font_choice = named(QFontComboBox(), "editorFontChoice", "Font of the prompt texts")
        self.font_choice.setCurrentFont(QFont(preferences.editor_font or editor_font.family()))
        self.size_choice = named(QSpinBox(), "editorFontSize", "Size of the prompt texts")
        self.size_choice.setRange(MIN_FONT_SIZE, MAX_FONT_SIZE)
        self.size_choice.setSuffix(" pt")
        self.size_choice.setValue(preferences.editor_font_size or editor_font.pointSize())
        self.start_choice = named(QComboBox(), "startConnectionChoice", "Connection opened at start")
        for connection in connections:
            self.start_choice.addItem(connection.name, connection.id)
        self.start_choice.setCurrentIndex(max(0, self.start_choice.findData(preferences.start_connection)))
        self.provider_choice = named(QComboBox(), "defaultProviderChoice", "Default model provider")
        self.provider_choice.addItem(NO_DEFAULT_PROVIDER, None)
        for provider in providers.all() if providers is not None else []:
            self.provider_choice.addItem(f"{provider.label} ({provider.prefix}/)", provider.prefix)
        if providers is not None:
            self.provider_choice.setCurrentIndex(max(0, self.provider_choice.findData(providers.default_prefix)))
        self.provider_choice.setEnabled(providers is not None)
        self.provider_note = QLabel("Try it runs a model written without its provider (gpt-5 rather than "
                                    "openai/gpt-5) on this one.")
        self.provider_note.setWordWrap(True)
        self.applies_note = QLabel("Each change applies at once, and is kept for the next start.")
        self.applies_note.setEnabled(False)  # the quieter colour of a hint
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)

        font_row = QHBoxLayout()
        font_row.addWidget(self.font_choice, 1)
        font_row.addWidget(self.size_choice)
        form = QFormLayout()
        form.addRow("Theme", self.theme_choice)
        form.addRow("Prompt text font", font_row)
        form.addRow("Open at start", self.start_choice)
        form.addRow("Default model provider", self.provider_choice)
        form.addRow("", self.provider_note)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        buttons_row = QHBoxLayout()
        buttons_row.addWidget(self.applies_note, 1)
        buttons_row.addWidget(self.buttons)
        layout.addLayout(buttons_row)

        self.theme_choice.currentIndexChanged.connect(self._on_choice_changed)
        self.font_choice.currentFontChanged.connect(self._on_choice_changed)
        self.size_choice.valueChanged.connect(self._on_choice_changed)
        self.start_choice.currentIndexChanged.connect(self._on_choice_changed)
        self.provider_choice.currentIndexChanged.connect(
            lambda _row: self.sig_default_provider_chosen.emit(self.provider_choice.currentData()))
        self.buttons.rejected.connect(self.reject)

    @property
    def preferences(self) -> Preferences:
        return self._preferences

    def _on_choice_changed(self, *_args) -> None:
        """The choices as they are now; a font left as the app's own stays unset, so it follows the system's."""
        family, size = self.font_choice.currentFont().family(), self.size_choice.value()
        own = QApplication.font()
        self._preferences = dataclasses.replace(
            self._preferences,
            theme=self.theme_choice.currentData(),
            editor_font="" if family == own.family() else family,
            editor_font_size=0 if size == own.pointSize() else size,
            start_connection=self.start_choice.currentData(),
        )
        self.sig_changed.emit(self._preferences)
