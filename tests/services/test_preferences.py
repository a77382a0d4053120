"""What a stored preference means, without a display: lenient reading, and the connection opened at start."""

from __future__ import annotations

from prompt_studio.services.connections import LOCAL_LIBRARY, Connection
from prompt_studio.services.preferences import MAX_FONT_SIZE, MIN_FONT_SIZE, Preferences, start_connection

SERVER = Connection("langwatch:http://127.0.0.1:5560", "Team server", "langwatch", "http://127.0.0.1:5560")


def test_preferences_read_back_what_they_stored():
    chosen = Preferences(theme="dark", editor_font="DejaVu Sans Mono", editor_font_size=15,
                         start_connection=SERVER.id)
    assert Preferences.from_stored(chosen.stored()) == chosen
    assert Preferences.from_stored({}) == Preferences(), "nothing stored: the defaults"


def test_a_stored_value_that_makes_no_sense_reads_as_the_nearest_sensible_one():
    read = Preferences.from_stored({"theme": "solarized", "editor_font_size": "200", "start_connection": ""})
    assert (read.theme, read.editor_font_size, read.start_connection) == ("system", MAX_FONT_SIZE, LOCAL_LIBRARY.id)
    assert Preferences.from_stored({"editor_font_size": "2"}).editor_font_size == MIN_FONT_SIZE
    assert Preferences.from_stored({"editor_font_size": "big"}).editor_font_size == 0, "the app's own size"


def test_the_start_connection_is_the_chosen_one_while_it_exists():
    preferences = Preferences(start_connection=SERVER.id)
    assert start_connection(preferences, [LOCAL_LIBRARY, SERVER]) == SERVER
    assert start_connection(preferences, [LOCAL_LIBRARY]) == LOCAL_LIBRARY, "removed since: the local library"
