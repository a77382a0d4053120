"""Kill the app with SIGKILL in the middle of an edit: the draft is on disk and comes back at the next start."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from PySide6.QtWidgets import QPlainTextEdit

from prompt_studio.paths import DataPaths
from prompt_studio.services.drafts import DraftStore
from tests.ui.main_window_support import open_window

REPOSITORY = Path(__file__).resolve().parents[2]
HANDLE = "support/triage"
TYPED = " Added just before the crash."


def _wait_for_draft(drafts: DraftStore, process: subprocess.Popen, timeout: float = 30.0) -> None:
    """Poll the drafts folder until the child's draft of HANDLE, with TYPED at its end, is on disk: at most
    `timeout` seconds, and not a moment after the child has exited."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            error = process.stderr.read().decode(errors="replace")[-2000:]
            raise AssertionError(f"the app exited with code {process.returncode} before the draft was written:\n"
                                 f"{error}")
        draft = drafts.load(HANDLE)
        if draft is not None and draft.config["prompt"].endswith(TYPED):
            return
        time.sleep(0.05)
    raise AssertionError(f"no draft of {HANDLE} ending with {TYPED!r} reached {drafts.folder} within {timeout} s")


def test_a_killed_app_loses_nothing(tmp_path, qtbot, run_async):
    data_dir = tmp_path / "app"
    drafts = DraftStore(DataPaths.resolve(data_dir).drafts, "local")
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.support.edit_then_hang", str(data_dir), HANDLE, TYPED],
        cwd=REPOSITORY, env=dict(os.environ, QT_QPA_PLATFORM="offscreen"),
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    try:
        _wait_for_draft(drafts, process)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
        process.stderr.close()

    window = open_window(qtbot, run_async, data_dir)
    row = window.prompt_model.row_of(HANDLE)
    assert window.prompt_model.data(window.prompt_model.index(row, 0)).startswith("* ")
    with qtbot.waitSignal(window.sig_prompt_opened, timeout=15000):
        window.prompt_list.setCurrentIndex(window.prompt_model.index(row, 0))
    assert window.editor.findChild(QPlainTextEdit, "systemPromptEdit").toPlainText().endswith(TYPED)
    assert "Draft saved on this computer" in window.draft_status.text()
