"""The run history of Try it, in the real window against the fake OpenAI server: every run kept with what was sent
and what came back, shown newest first, still there after a restart, one deleted, all cleared."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QPlainTextEdit

from prompt_studio.store.run_history import MAX_RUNS_PER_PROMPT, RunHistory, RunRecord
from tests.providers.window_support import HANDLE, try_it_window
from tests.ui.conftest import qt_loop, run_async  # noqa: F401  (the qasync fixtures, borrowed)


def _run(window, qtbot) -> None:
    with qtbot.waitSignal(window.try_it.sig_run_finished, timeout=10000):
        window.try_it.run()
    qtbot.waitUntil(lambda: not window.tasks.busy, timeout=5000)  # kept in the history


def test_every_run_is_kept_with_what_was_sent_and_survives_a_restart(
    qtbot, run_async, tmp_path, fakes, screenshots  # noqa: F811
):
    data = tmp_path / "app"
    window, trials = try_it_window(qtbot, run_async, data, fakes)
    panel = window.try_it
    panel.findChild(QPlainTextEdit, "sampleInputField_product").setPlainText("Acme Mail")
    run_async(panel.test_cases.add("refund"))
    _run(window, qtbot)
    _run(window, qtbot)

    dialog = run_async(window.try_it_companion.show_run_history())
    assert dialog.objectName() == "runHistoryDialog" and dialog.model.rowCount() == 2
    newest = dialog.model.runs[0]
    assert (newest.source, newest.test_case, newest.model, newest.outcome) == ("Your draft", "refund", "gpt-5",
                                                                              "stop")
    assert newest.answer == "Arr, yer refund be on its way."
    assert "support tickets for Acme Mail." in newest.request["messages"][0]["content"]
    details = dialog.details.toPlainText()
    assert "Acme Mail" in details and "Arr, yer refund" in details and "to the first token" in details
    screenshots.take(dialog, "run-history.png")
    _run(window, qtbot)
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 3, timeout=5000)
    run_async(trials.aclose())
    window.close()

    again, trials = try_it_window(qtbot, run_async, data, fakes)
    dialog = run_async(again.try_it_companion.show_run_history())
    assert dialog.model.rowCount() == 3, "the runs are back after a restart"
    dialog.table.selectRow(1)
    assert run_async(dialog.delete_chosen())
    assert dialog.model.rowCount() == 2
    dialog.clear_button.click()
    qtbot.waitUntil(lambda: dialog.findChild(QMessageBox, "clearRunsDialog") is not None, timeout=5000)
    box = dialog.findChild(QMessageBox, "clearRunsDialog")
    assert box.defaultButton() == box.button(QMessageBox.StandardButton.Cancel)
    box.done(QMessageBox.StandardButton.Yes)
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 0, timeout=5000)
    assert dialog.empty.isVisible()
    assert run_async(trials.runs(again.workspace.connection.id, HANDLE)) == []
    run_async(trials.aclose())


def test_a_prompt_keeps_its_newest_runs_only(tmp_path):
    history = RunHistory(tmp_path / "runs.sqlite3")
    run = RunRecord(connection="local", handle=HANDLE, ran_at="2026-12-01T10:00:00+00:00", source="Your draft",
                    test_case=None, model="gpt-5", request={"messages": []}, answer="a", input_tokens=1,
                    output_tokens=1, cost="unknown", time_to_first_token=0.1, total_time=0.2, outcome="stop")
    for number in range(MAX_RUNS_PER_PROMPT + 3):
        history.add(RunRecord(**{**run.__dict__, "answer": str(number)}))
    history.add(RunRecord(**{**run.__dict__, "handle": "other"}))
    kept = history.runs("local", HANDLE)
    assert len(kept) == MAX_RUNS_PER_PROMPT and kept[0].answer == str(MAX_RUNS_PER_PROMPT + 2)
    assert len(history.runs("local", "other")) == 1
    history.close()


async def test_a_run_that_cannot_be_kept_is_said_and_lost_nowhere_else(tmp_path):
    from prompt_studio.paths import DataPaths
    from prompt_studio.services.trying import Trials

    trials = Trials(DataPaths.resolve(tmp_path), secrets=None)
    run = RunRecord(connection="local", handle=HANDLE, ran_at="2026-12-01T10:00:00+00:00", source="Your draft",
                    test_case=None, model="gpt-5", request={}, answer="a", input_tokens=None, output_tokens=None,
                    cost="unknown", time_to_first_token=None, total_time=0.1, outcome="stop")
    assert (await trials.keep(run)).id is not None
    await trials.aclose()  # the app closing while a run is being kept
    assert await trials.keep(run) is None
