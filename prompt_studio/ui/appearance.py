"""What Preferences changes in the whole app, applied at once: the theme, and the font of every prompt text.

The choices are kept in the window's settings (QSettings), read at start by the composition root.
"""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory

from prompt_studio.services.preferences import Preferences

GROUP = "preferences"
EDITOR_CLASS = "TemplateTextEdit"
"""The prompt texts (system prompt, messages, templates): an app font for this class reaches every one of them,
those on screen and those made later (a message added)."""


def read_preferences(settings: QSettings | None) -> Preferences:
    if settings is None:
        return Preferences()
    settings.beginGroup(GROUP)
    try:
        return Preferences.from_stored({key: settings.value(key) for key in settings.childKeys()})
    finally:
        settings.endGroup()


def keep_preferences(settings: QSettings | None, preferences: Preferences) -> None:
    if settings is None:
        return
    settings.beginGroup(GROUP)
    for key, value in preferences.stored().items():
        settings.setValue(key, value)
    settings.endGroup()


def dark_palette() -> QPalette:
    """The Dark theme's colours (Fusion draws them the same on every platform)."""
    palette = QPalette()
    roles = QPalette.ColorRole
    for role, color in {
        roles.Window: "#202124", roles.WindowText: "#e8eaed", roles.Base: "#17181a", roles.AlternateBase: "#26282b",
        roles.Text: "#e8eaed", roles.Button: "#2d2f33", roles.ButtonText: "#e8eaed", roles.Highlight: "#3d6fd9",
        roles.HighlightedText: "#ffffff", roles.ToolTipBase: "#2d2f33", roles.ToolTipText: "#e8eaed",
        roles.PlaceholderText: "#9aa0a6", roles.Link: "#8ab4f8", roles.Mid: "#3c4043", roles.Dark: "#111214",
        roles.Light: "#5f6368", roles.Midlight: "#45484c", roles.Shadow: "#000000",
    }.items():
        palette.setColor(role, QColor(color))
    for role in (roles.Text, roles.WindowText, roles.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor("#7c8087"))
    return palette


class Appearance:
    """The app's look as the preferences say. "Same as the system" is the style the app started with and the
    platform's own palette (an empty palette gives it back, and it then follows the desktop going dark)."""

    def __init__(self, app: QApplication):
        self.app = app
        self._system_style = app.style().name()
        self._system_font = QFont(app.font())

    def apply(self, preferences: Preferences) -> None:
        if preferences.theme == "system":
            style, palette = QStyleFactory.create(self._system_style), QPalette()
        else:
            style = QStyleFactory.create("Fusion")
            palette = dark_palette() if preferences.theme == "dark" else style.standardPalette()
        # The palette first: setting the style then polishes every widget again, and a widget with a style sheet
        # (the text boxes' focus frame) keeps the palette it is polished with.
        self.app.setPalette(palette)
        self.app.setStyle(style)
        font = QFont(self._system_font)
        if preferences.editor_font:
            font.setFamily(preferences.editor_font)
        if preferences.editor_font_size:
            font.setPointSize(preferences.editor_font_size)
        self.app.setFont(font, EDITOR_CLASS)

    def restore(self) -> None:
        """Back to how the app started (a test, or a window that leaves)."""
        self.apply(Preferences())
