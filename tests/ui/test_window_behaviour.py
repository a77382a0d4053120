"""What a desktop user expects besides editing: closing with a draft asks first, the newest selection wins,
the layout comes back."""

from __future__ import annotations

import asyncio

from PySide6.QtWidgets import QApplication, QMessageBox, QPlainTextEdit

from tests.ui.main_window_support import open_window

HANDLE = "support/triage"


def _open(window, qtbot, handle: str = HANDLE) -> None:
    with qtbot.waitSignal(window.sig_prompt_opened, timeout=15000):
        window.prompt_list.setCurrentIndex(window.prompt_model.index(window.prompt_model.row_of(handle), 0))
    qtbot.waitUntil(lambda: not window.tasks.is_running("history") and window.history_model.rowCount() > 0,
                    timeout=15000)


def _edit(window, qtbot) -> None:
    edit = window.editor.findChild(QPlainTextEdit, "systemPromptEdit")
    edit.setFocus()
    edit.moveCursor(edit.textCursor().MoveOperation.End)
    qtbot.keyClicks(edit, " Extra.")


def _answer_close_question(qtbot, button: QMessageBox.StandardButton) -> None:
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), QMessageBox), timeout=5000)
    box = QApplication.activeModalWidget()
    assert box.objectName() == "closeConfirmDialog"
    box.done(button)


def test_closing_with_a_draft_asks_and_cancel_keeps_the_window(qtbot, run_async, tmp_path):
    window = open_window(qtbot, run_async, tmp_path / "app")
    _open(window, qtbot)
    _edit(window, qtbot)
    window.close()
    _answer_close_question(qtbot, QMessageBox.StandardButton.Cancel)
    qtbot.waitUntil(lambda: not window.tasks.is_running("close-flow"), timeout=5000)
    assert window.isVisible()
    assert HANDLE in window.drafts.handles()


def test_closing_and_discarding_removes_the_draft(qtbot, run_async, tmp_path):
    window = open_window(qtbot, run_async, tmp_path / "app")
    _open(window, qtbot)
    _edit(window, qtbot)
    window.close()
    _answer_close_question(qtbot, QMessageBox.StandardButton.Discard)
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=5000)
    assert HANDLE not in window.drafts.handles()


def test_closing_and_saving_makes_a_version_then_closes(qtbot, run_async, tmp_path):
    window = open_window(qtbot, run_async, tmp_path / "app")
    _open(window, qtbot)
    versions = window.history_model.rowCount()
    _edit(window, qtbot)
    window.close()
    _answer_close_question(qtbot, QMessageBox.StandardButton.Save)
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is not None
                    and QApplication.activeModalWidget().objectName() == "commitMessageDialog", timeout=5000)
    QApplication.activeModalWidget().accept()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=10000)
    newest = run_async(window.service.history(HANDLE))
    assert len(newest) == versions + 1 and newest[0].prompt.endswith("Extra.")


def test_selecting_another_prompt_wins_over_a_slow_earlier_load(qtbot, run_async, tmp_path):
    window = open_window(qtbot, run_async, tmp_path / "app")
    service = window.service
    real_open = service.open_with_history
    release = asyncio.Event()

    async def slow_for_triage(handle: str):
        if handle == HANDLE:
            await release.wait()
        return await real_open(handle)

    service.open_with_history = slow_for_triage
    slow = window.open_prompt(HANDLE)
    other = next(handle for handle in window.prompt_model.shown_handles() if handle != HANDLE)
    with qtbot.waitSignal(window.sig_prompt_opened, timeout=15000) as opened:
        newest = window.open_prompt(other)
    release.set()
    # The slow load has ended (cancelled, or run to its end if it was not), and nothing else is opening.
    qtbot.waitUntil(lambda: slow.done() and newest.done() and not window.tasks.is_running("open"), timeout=5000)
    assert opened.args == [other]
    assert window.title_label.text() == other
    assert window.draft.handle == other


def test_the_window_layout_comes_back(qtbot, run_async, tmp_path):
    window = open_window(qtbot, run_async, tmp_path / "app")
    # The offscreen screen is 800 px wide and restoreGeometry keeps a window on it, so use the narrowest width.
    window.resize(window.minimumSizeHint().width(), 543)
    window.splitter.setSizes([300, 400, 300])
    size, sizes = window.size(), window.splitter.sizes()
    window.close()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=5000)

    again = open_window(qtbot, run_async, tmp_path / "app")
    assert again.size() == size
    assert again.splitter.sizes() == sizes


def test_keyboard_reaches_the_list_from_the_filter(qtbot, run_async, tmp_path):
    window = open_window(qtbot, run_async, tmp_path / "app")
    window.find_action.trigger()
    assert window.prompt_filter.hasFocus() or QApplication.focusWidget() is window.prompt_filter
    qtbot.keyClicks(window.prompt_filter, "triage")
    with qtbot.waitSignal(window.sig_prompt_opened, timeout=15000):
        qtbot.keyClick(window.prompt_filter, "\r")
    assert window.title_label.text() == HANDLE
