"""What the author chose in Preferences, and what a stored choice means: read back leniently, since a settings
file may have been edited by hand or written by another version (an unknown theme is the system's, a size out
of range the nearest one, a connection that was removed the local library).

The default model provider is not here: it is a provider setting (`ProvidersSettings.default_prefix`), kept with
the providers it names.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, get_args

from prompt_studio.services.connections import LOCAL_LIBRARY, Connection

Theme = Literal["system", "light", "dark"]
THEMES: tuple[Theme, ...] = get_args(Theme)
THEME_LABELS: dict[Theme, str] = {"system": "Same as the system", "light": "Light", "dark": "Dark"}
MIN_FONT_SIZE, MAX_FONT_SIZE = 6, 48


@dataclass(frozen=True)
class Preferences:
    theme: Theme = "system"
    editor_font: str = ""
    """The font family of the prompt texts; "" for the app's own font."""
    editor_font_size: int = 0
    """In points; 0 for the app's own size."""
    start_connection: str = LOCAL_LIBRARY.id
    """The id of the connection opened at start."""

    @classmethod
    def from_stored(cls, values: Mapping[str, object]) -> Preferences:
        """The preferences a settings file holds (its values are strings, or missing)."""
        theme = str(values.get("theme", "system"))
        try:
            size = int(str(values.get("editor_font_size", 0)))
        except ValueError:
            size = 0
        return cls(
            theme=theme if theme in THEMES else "system",
            editor_font=str(values.get("editor_font", "")).strip(),
            editor_font_size=min(max(size, MIN_FONT_SIZE), MAX_FONT_SIZE) if size else 0,
            start_connection=str(values.get("start_connection", LOCAL_LIBRARY.id)) or LOCAL_LIBRARY.id,
        )

    def stored(self) -> dict[str, str]:
        return {"theme": self.theme, "editor_font": self.editor_font,
                "editor_font_size": str(self.editor_font_size), "start_connection": self.start_connection}


def start_connection(preferences: Preferences, connections: Sequence[Connection]) -> Connection:
    """The connection to open at start: the chosen one while it exists, else the local library."""
    return next((connection for connection in connections if connection.id == preferences.start_connection),
                LOCAL_LIBRARY)
