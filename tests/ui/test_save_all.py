"""Save all in the window: three drafts, a colleague's save among them, one commit message, one merge dialog."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QLabel

from prompt_studio.models import ConfigData, SyncRequest
from tests.ui.main_window_support import merge_keeping_ours, open_window

HANDLES = ("support/triage", "support/email-reply", "summarize-article")


def test_save_all_saves_three_drafts_and_merges_the_conflict(qtbot, run_async, tmp_path, screenshots):
    window = open_window(qtbot, run_async, tmp_path / "app")
    session = window.session
    for handle in HANDLES:
        draft = run_async(session.open(handle))
        window.drafts.save(draft.model_copy(update={"config": {**draft.config, "prompt": f"Mine: {handle}"}}))
    base = run_async(session.open(HANDLES[1]))
    theirs = ConfigData.model_validate({**base.base_config, "temperature": 0.9})
    run_async(window.service.backend.sync_prompt(
        HANDLES[1], SyncRequest(config_data=theirs, local_version=base.base_version, commit_message="colleague")))
    versions_before = {handle: run_async(window.service.history(handle))[0].version for handle in HANDLES}

    saving = window.tasks.run("save-flow", "Saving all", window.save_all("All at once"))
    merge_keeping_ours(qtbot)
    qtbot.waitUntil(saving.done, timeout=15000)

    summary = window.findChild(QDialog, "saveAllDialog")
    text = summary.findChild(QLabel, "saveAllSummary").text()
    assert "2 saved as new versions" in text and f"1 merged and saved: {HANDLES[1]}" in text
    for handle in HANDLES:
        newest = run_async(window.service.history(handle))[0]
        expected = versions_before[handle] + 1
        assert (newest.version, newest.prompt, newest.commit_message) == (expected, f"Mine: {handle}", "All at once")
    assert window.drafts.handles() == [], "every draft reached the server, each exactly once"
    screenshots.take(summary, "save-all-summary.png")
    summary.close()


def test_save_all_with_no_drafts_says_so(qtbot, run_async, tmp_path):
    window = open_window(qtbot, run_async, tmp_path / "app")
    assert run_async(window.save_all()) is None
    assert window.statusBar().currentMessage() == "There are no drafts to save."
