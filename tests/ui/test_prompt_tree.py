"""The prompt list as folders, in the real window against `prompt-studio serve` on 127.0.0.1: counts, folding
remembered by the next window, the filter and Search in text opening the folders with matches, the keyboard."""

from __future__ import annotations

import asyncio

import pytest
from PySide6.QtCore import QRect, Qt

from prompt_studio.api import LangWatchClient
from prompt_studio.models import CreatePromptBody
from prompt_studio.ui.prompt_list import PromptListView
from tests.ui.main_window_support import open_window

LONG = "support/refund-requests-from-customers-who-paid-twice-in-one-month"
HANDLES = ("support/late-payment", LONG, "sales/outreach", "sales/follow-up", "onboarding/welcome-email")


def _rows(window) -> list[str]:
    model = window.prompt_model
    return [model.data(model.index(row, 0)) for row in range(model.rowCount())]


@pytest.fixture
def window(qtbot, run_async, tmp_path, server):
    async def create() -> None:
        client = LangWatchClient(server.url, server.api_key)
        try:
            await asyncio.gather(*(client.create_prompt(CreatePromptBody(
                handle=handle, model="openai/gpt-5", prompt=f"You write the {handle.rpartition('/')[2]} answer "
                "politely.", outputs=[{"identifier": "output", "type": "str"}])) for handle in HANDLES))
        finally:
            await client.aclose()

    run_async(create())
    return open_window(qtbot, run_async, tmp_path / "app", server)


def test_handles_with_slashes_are_folders_with_their_counts(window):
    rows = _rows(window)
    assert rows[:5] == ["extract (1)", "invoice-fields", "onboarding (1)", "welcome-email", "sales (2)"]
    assert set(rows[5:7]) == {"follow-up", "outreach"}, "in the server's order (the last changed first)"
    assert rows[7] == "support (4)" and set(rows[8:12]) == {"email-reply", "triage", "late-payment",
                                                              LONG.rpartition("/")[2]}
    assert rows[12:] == ["summarize-article"], "prompts in no folder come after the folders"
    assert window.prompt_count.text() == "9 prompts"


def test_a_long_name_is_elided_in_the_middle_and_whole_in_its_tooltip(window):
    model = window.prompt_model
    index = model.index(model.row_of(LONG), 0)
    assert model.data(index) == LONG.rpartition("/")[2]
    assert model.data(index, Qt.ItemDataRole.ToolTipRole).startswith(f"{LONG}, version 1")
    assert window.prompt_list.textElideMode() == Qt.TextElideMode.ElideMiddle


def test_beside_try_it_and_the_history_the_names_keep_their_room(window, qtbot):
    window.fit_to_screen(area=QRect(0, 0, 1280, 720))
    qtbot.waitUntil(lambda: window.width() == 1280, timeout=2000)
    window.try_it_action.trigger()
    window.resizeDocks([window.try_it_dock], [900], Qt.Orientation.Horizontal)
    qtbot.waitUntil(lambda: window.try_it_dock.width() > 300, timeout=2000)
    assert window.prompt_list.width() >= PromptListView.MIN_WIDTH, "Try it takes its room from the editor"


def test_folding_by_click_and_keyboard_is_remembered_by_the_next_window(window, qtbot, run_async, tmp_path, server):
    model, view = window.prompt_model, window.prompt_list
    sales = _rows(window).index("sales (2)")
    view.clicked.emit(model.index(sales, 0))
    assert "outreach" not in _rows(window)
    view.setCurrentIndex(model.index(_rows(window).index("onboarding (1)"), 0))
    qtbot.keyClick(view, Qt.Key.Key_Left)
    assert "welcome-email" not in _rows(window)
    qtbot.keyClick(view, Qt.Key.Key_Right)
    qtbot.keyClick(view, Qt.Key.Key_Left)
    assert model.folded_folders() == ["onboarding", "sales"]
    window.close()

    again = open_window(qtbot, run_async, tmp_path / "app", server)
    rows = _rows(again)
    assert "sales (2)" in rows and "outreach" not in rows and "welcome-email" not in rows
    assert "late-payment" in rows, "the others stay open"
    again.prompt_filter.setText("outreach")
    assert _rows(again) == ["sales (1 of 2)", "outreach"], "a filter opens the folders with matches"
    again.prompt_filter.clear()
    assert "outreach" not in _rows(again), "and the folder folds again after it"


def test_the_filter_shows_match_counts_and_search_in_text_finds_words_inside(window, qtbot):
    qtbot.keyClicks(window.prompt_filter, "pay")
    assert _rows(window) == ["support (1 of 4)", "late-payment"]
    assert window.prompt_count.text() == "1 of 9 prompts"
    window.prompt_filter.setText("politely")
    assert _rows(window) == []
    window.search_in_text.setChecked(True)
    assert _rows(window)[:3] == ["onboarding (1 of 1)", "welcome-email", "sales (2 of 2)"]
    assert window.prompt_count.text() == "5 of 9 prompts"
    with qtbot.waitSignal(window.sig_prompt_opened, timeout=15000) as opened:
        qtbot.keyClick(window.prompt_filter, Qt.Key.Key_Return)
    assert opened.args == ["onboarding/welcome-email"], "Enter opens the first prompt kept, not its folder"


def test_the_keyboard_walks_the_tree_and_opens_a_prompt(window, qtbot):
    view = window.prompt_list
    view.setCurrentIndex(window.prompt_model.index(0, 0))
    assert window.draft is None, "a folder opens nothing"
    with qtbot.waitSignal(window.sig_prompt_opened, timeout=15000) as opened:
        qtbot.keyClick(view, Qt.Key.Key_Down)
    assert opened.args == ["extract/invoice-fields"]
    qtbot.keyClick(view, Qt.Key.Key_Left)
    assert view.currentIndex().row() == 0, "Left goes up to the folder"
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert _rows(window)[:2] == ["extract (1)", "onboarding (1)"], "Enter folds it"
    assert window.draft.handle == "extract/invoice-fields", "the open prompt stays open"
    qtbot.keyClick(view, Qt.Key.Key_Right)
    assert _rows(window)[:2] == ["extract (1)", "invoice-fields"], "Right unfolds it"


def test_opening_a_prompt_in_a_folded_folder_unfolds_it(window, qtbot):
    model = window.prompt_model
    model.set_folded(_rows(window).index("support (4)"), True)
    assert model.row_of(LONG) is None
    with qtbot.waitSignal(window.sig_prompt_opened, timeout=15000):
        window.open_prompt(LONG)
    row = model.row_of(LONG)
    assert row is not None and window.prompt_list.currentIndex().row() == row


def test_screenshot_main_window_with_folders(window, qtbot, screenshots):
    model = window.prompt_model
    model.set_folded(_rows(window).index("onboarding (1)"), True)
    with qtbot.waitSignal(window.sig_prompt_opened, timeout=15000):
        window.open_prompt(LONG)
    window.fit_to_screen(area=QRect(0, 0, 1280, 720))
    qtbot.waitUntil(lambda: window.width() == 1280, timeout=2000)
    screenshots.take(window, "main-window-folders.png")


def test_each_connection_keeps_its_own_folded_folders(window, run_async):
    from prompt_studio.services.connections import LOCAL_LIBRARY

    server_connection = window.workspace.connection
    window.prompt_model.set_folded(_rows(window).index("support (4)"), True)
    run_async(window.switch_connection(LOCAL_LIBRARY))
    assert "triage" in _rows(window), "the local library's support folder is its own, and open"
    run_async(window.switch_connection(server_connection))
    rows = _rows(window)
    assert "support (4)" in rows and "triage" not in rows


def test_a_folder_folded_over_the_open_prompt_stays_folded_through_a_refresh(window, qtbot, run_async):
    with qtbot.waitSignal(window.sig_prompt_opened, timeout=15000):
        window.open_prompt("sales/outreach")
    sales = _rows(window).index("sales (2)")
    window.prompt_list.clicked.emit(window.prompt_model.index(sales, 0))
    run_async(window.refresh())
    assert "outreach" not in _rows(window), "the author folded it; a refresh does not undo that"
    assert window.draft.handle == "sales/outreach"
