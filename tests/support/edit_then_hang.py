"""Child process for the crash test: open the app's real window on a library, type into the system prompt, and
then wait forever, so that the parent can SIGKILL it the moment the draft reaches the disk."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import qasync
from PySide6.QtWidgets import QApplication, QPlainTextEdit

from tests.ui.main_window_support import make_connector


async def edit_and_hang(data_dir: Path, handle: str, text: str) -> None:
    from prompt_studio.ui.main_window import MainWindow

    connector, connection = make_connector(data_dir)
    window = MainWindow(connector, await connector.open(connection))
    window.show()
    await window.refresh()
    await window.open_prompt(handle)
    editor = window.editor.findChild(QPlainTextEdit, "systemPromptEdit")
    editor.moveCursor(editor.textCursor().MoveOperation.End)
    editor.insertPlainText(text)
    print("typed", flush=True)
    await asyncio.Event().wait()


if __name__ == "__main__":
    app = QApplication(sys.argv)
    qasync.run(edit_and_hang(Path(sys.argv[1]), sys.argv[2], sys.argv[3]))
