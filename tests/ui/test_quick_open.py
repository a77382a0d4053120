"""Go to prompt (Ctrl+P): fuzzy matching on handles, and `handle:tag` / `handle:N` opening that version read-only.

The matching and the reading of references are plain functions, tested first without a display; then the dialog,
against the local library (support/triage has v1 tagged production, and v2)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from prompt_studio.services.finding import Reference, find_version, fuzzy_score, parse_reference, rank
from prompt_studio.ui.menus import walk_menus
from prompt_studio.ui.quick_open import QuickOpenDialog, QuickOpenModel
from tests.ui.main_window_support import open_window

HANDLE = "support/triage"

# -- the matching (services/finding.py, Qt-free) ------------------------------------------------------------


def test_the_typed_letters_must_come_in_order():
    assert fuzzy_score("sptr", "support/triage") is not None
    assert fuzzy_score("rtps", "support/triage") is None
    assert fuzzy_score("x", "support/triage") is None
    assert fuzzy_score("SPTR", "support/triage") is not None  # case is ignored


def test_word_starts_and_contiguous_letters_score_higher():
    assert fuzzy_score("tr", "support/triage") > fuzzy_score("tr", "support/other")  # t-r together at a word start
    assert fuzzy_score("st", "support/triage") > fuzzy_score("st", "pasta")  # s and t at word starts
    assert fuzzy_score("triage", "triage") > fuzzy_score("triage", "t-r-i-a-g-e")
    assert rank("tri", ["team/review-issues", "support/triage"])[0] == "support/triage"


def test_rank_puts_the_best_match_first_and_drops_the_rest():
    handles = ["extract/invoice-fields", "support/email-reply", "support/triage", "spam/filter", "sport/tracker"]
    ranked = rank("sptr", handles)
    assert ranked[0] == "support/triage" or ranked[0] == "sport/tracker"
    assert "support/triage" in ranked and "extract/invoice-fields" not in ranked
    assert rank("sptr", ["support/email-reply", "support/triage", "extract/invoice-fields"])[0] == "support/triage"
    assert rank("triage", ["support/triage-old", "support/triage"]) == ["support/triage", "support/triage-old"]


def test_references_name_a_version_or_a_tag_after_the_last_colon():
    assert parse_reference("sptr") == Reference("sptr")
    assert parse_reference("support/triage:production") == Reference(HANDLE, tag="production")
    assert parse_reference("support/triage:1") == Reference(HANDLE, version=1)
    assert parse_reference(" support/triage:latest ") == Reference(HANDLE)
    assert parse_reference("support/triage:") == Reference(HANDLE)


@dataclass
class _Version:
    """What `find_version` reads of a version (`Prompt` has the same two)."""

    version: int
    tag_names: list[str]


def _version(number: int, *tags: str) -> _Version:
    return _Version(number, list(tags))


def test_find_version_by_number_or_tag():
    versions = [_version(2, "latest"), _version(1, "production")]
    assert find_version(versions, Reference(HANDLE, tag="production")).version == 1
    assert find_version(versions, Reference(HANDLE, version=2)).version == 2
    assert find_version(versions, Reference(HANDLE, version=9)) is None
    assert find_version(versions, Reference(HANDLE, tag="staging")) is None


# -- the dialog in the window ----------------------------------------------------------------------------------


@pytest.fixture
def window(qtbot, run_async, tmp_path):
    window = open_window(qtbot, run_async, tmp_path / "app")
    qtbot.waitUntil(lambda: HANDLE in window.prompt_model.handles(), timeout=15000)
    return window


def _open_dialog(qtbot, window) -> QuickOpenDialog:
    window.activateWindow()
    window.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), QuickOpenDialog), timeout=5000)
    dialog = QApplication.activeModalWidget()
    assert dialog.objectName() == "quickOpenDialog" and dialog.isVisible()
    return dialog


def _type_and_enter(qtbot, dialog: QuickOpenDialog, text: str) -> None:
    qtbot.keyClicks(dialog.input, text)
    qtbot.keyClick(dialog.input, Qt.Key.Key_Return)


def test_go_to_prompt_is_in_the_file_menu_with_ctrl_p(window):
    found = [(path, action) for path, action in walk_menus(window.menuBar()) if action is window.quick_open_action]
    assert found and found[0][0] == ("File",)
    assert window.quick_open_action.objectName() == "quickOpenAction"
    assert window.quick_open_action.shortcut().toString() == "Ctrl+P"


def test_ctrl_p_then_sptr_lists_support_triage_first_and_enter_opens_it(qtbot, window, qtmodeltester):
    dialog = _open_dialog(qtbot, window)
    qtmodeltester.check(dialog.model)
    qtbot.keyClicks(dialog.input, "sptr")
    assert dialog.shown_handles[0] == HANDLE
    assert dialog.current_handle() == HANDLE
    with qtbot.waitSignal(window.sig_prompt_opened, timeout=15000) as opened:
        qtbot.keyClick(dialog.input, Qt.Key.Key_Return)
    assert opened.args == [HANDLE]
    assert not dialog.isVisible()
    assert window.title_label.text() == HANDLE and not window.banner.isVisible()


def test_up_and_down_move_in_the_list_and_escape_closes(qtbot, window):
    dialog = _open_dialog(qtbot, window)
    qtbot.keyClicks(dialog.input, "support")
    shown = dialog.shown_handles
    assert len(shown) >= 2
    qtbot.keyClick(dialog.input, Qt.Key.Key_Down)
    assert dialog.current_handle() == shown[1]
    qtbot.keyClick(dialog.input, Qt.Key.Key_Up)
    qtbot.keyClick(dialog.input, Qt.Key.Key_Up)
    assert dialog.current_handle() == shown[0]
    qtbot.keyClick(dialog.input, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)
    assert window.draft is None  # nothing opened


def test_handle_colon_tag_opens_that_version_read_only(qtbot, window, screenshots):
    dialog = _open_dialog(qtbot, window)
    qtbot.keyClicks(dialog.input, "support/triage:production")
    assert dialog.shown_handles[0] == HANDLE  # the list matches on the part before the colon
    screenshots.take(dialog, "quick-open.png")
    qtbot.keyClick(dialog.input, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.banner.isVisible(), timeout=15000)
    assert not dialog.isVisible()
    assert window.session.viewing.version == 1 and "v1" in window.banner.label.text()
    assert window.editor.is_read_only()
    assert [window.history_model.version_at(i.row()).version
            for i in window.history_view.selectionModel().selectedRows()] == [1]


def test_handle_colon_newest_number_shows_the_draft_itself(qtbot, run_async, window):
    dialog = _open_dialog(qtbot, window)
    _type_and_enter(qtbot, dialog, "support/triage:2")
    qtbot.waitUntil(lambda: not dialog.isVisible() and window.draft is not None, timeout=15000)
    qtbot.waitUntil(lambda: not window.tasks.is_running("quick-open"), timeout=15000)
    assert window.draft.handle == HANDLE
    assert window.session.viewing is None and not window.banner.isVisible()
    assert not window.editor.is_read_only()


def test_an_unknown_version_or_tag_is_said_in_the_dialog_and_opens_nothing(qtbot, window, screenshots):
    dialog = _open_dialog(qtbot, window)
    _type_and_enter(qtbot, dialog, "support/triage:9")
    qtbot.waitUntil(lambda: dialog.message.isVisible(), timeout=15000)
    assert "no v9" in dialog.message.text()
    screenshots.take(dialog, "quick-open-no-such-version.png")
    assert dialog.isVisible() and window.draft is None
    dialog.input.clear()
    _type_and_enter(qtbot, dialog, "support/triage:nightly")
    qtbot.waitUntil(lambda: dialog.message.isVisible(), timeout=15000)
    assert "nightly" in dialog.message.text() and window.draft is None
    dialog.reject()


def test_a_version_of_the_prompt_already_open(qtbot, window):
    with qtbot.waitSignal(window.sig_prompt_opened, timeout=15000):
        window.open_prompt(HANDLE)
    dialog = _open_dialog(qtbot, window)
    _type_and_enter(qtbot, dialog, "triage:1")
    qtbot.waitUntil(lambda: window.banner.isVisible(), timeout=15000)
    assert window.session.viewing.version == 1 and window.editor.is_read_only()


def test_the_model_holds_the_handles_it_is_given(qtmodeltester):
    model = QuickOpenModel()
    model.set_handles(["a", "b/c"])
    qtmodeltester.check(model)
    assert model.rowCount() == 2 and model.handle_at(1) == "b/c"
