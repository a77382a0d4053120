"""A CLI folder in the real window: File > Open folder..., a save, a colleague's change through the merge dialog,
a remote prompt shown read-only; the official CLI finds nothing to do afterwards."""

from __future__ import annotations

import asyncio
import json

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox, QPlainTextEdit, QPushButton, QWidget

from prompt_studio.ui.merge_dialog import MergeDialog
from prompt_studio.ui.open_folder_dialog import OpenFolderDialog
from tests.cli_folders.conftest import folder_bytes
from tests.ui.main_window_support import make_connector, open_window, select_prompt, server_connection, type_at_end

pytestmark = pytest.mark.slow

GREETER = "prompts/greeter.prompt.yaml"


@pytest.fixture
def window(qtbot, run_async, tmp_path, server, project, cli):
    """The window on the saved LangWatch connection, then File > Open folder... on the project, as a user does."""
    window = open_window(qtbot, run_async, tmp_path / "app", server)
    _open_folder_as_a_user(window, qtbot, project)
    return window


def _open_folder_as_a_user(window, qtbot, project) -> None:
    window.open_folder_action.trigger()
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), OpenFolderDialog), timeout=5000)
    dialog = QApplication.activeModalWidget()
    assert dialog.connection_field.currentText() == "Test server"
    dialog.folder_field.setText(str(project / "prompts"))  # a folder inside the project will do
    qtbot.mouseClick(dialog.buttons.button(dialog.buttons.StandardButton.Open), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.workspace.connection.kind == "folder" and window.prompt_model.total > 0,
                    timeout=15000)


def test_a_folder_bound_to_a_saved_server_is_in_the_list_at_the_next_start(qtbot, run_async, tmp_path, server,
                                                                            project, cli):
    from prompt_studio.ui.main_window import MainWindow

    connector, _ = make_connector(tmp_path / "app")
    saved = server_connection(server.url)
    run_async(connector.add(saved, server.api_key))
    window = MainWindow(connector, run_async(connector.open(saved)))
    qtbot.addWidget(window)
    window.show()
    run_async(window.refresh())
    _open_folder_as_a_user(window, qtbot, project)
    folder = window.workspace.connection

    next_start, _ = make_connector(tmp_path / "app")
    assert folder in next_start.connections()
    again = run_async(next_start.open(folder))
    assert {prompt.handle for prompt in run_async(again.service.list_prompts())} >= {"greeter"}
    run_async(next_start.close(again))


def test_open_folder_shows_its_prompts_and_a_save_leaves_the_cli_nothing_to_do(window, qtbot, run_async, project,
                                                                                cli, screenshots):
    assert window.windowTitle() == "Prompt Studio - project (folder, Test server)"
    assert window.workspace.connection.folder == str(project)
    select_prompt(window, qtbot, "greeter")
    assert not window.editor.inputs_editor.isVisibleTo(window.editor)
    assert not window.editor.model_settings.more_section.isVisibleTo(window.editor)
    assert window.editor.findChild(QLabel, "backendContentNote").isVisibleTo(window.editor)
    type_at_end(window.editor.findChild(QPlainTextEdit, "systemPromptEdit"), qtbot, " Answer in one sentence.")
    qtbot.waitUntil(lambda: "greeter" in window.drafts.handles(), timeout=2000)
    window.fit_to_screen(area=QRect(0, 0, 1360, 900))
    screenshots.take(window, "cli-folder-workspace.png")

    outcome = run_async(window.save_with_message("One sentence answers"))

    assert outcome.action == "updated"
    qtbot.waitUntil(lambda: window.history_model.rowCount() == 2, timeout=10000)
    text = (project / GREETER).read_text(encoding="utf-8")
    assert "content: You are a helpful assistant. Answer in one sentence." in text
    assert "# The greeter: our first prompt." in text
    before = folder_bytes(project)
    assert "no changes" in cli("prompt", "sync")
    assert folder_bytes(project) == before


def test_a_colleagues_change_goes_through_the_merge_dialog_and_the_file_follows(window, qtbot, run_async, project,
                                                                                  cli, colleague):
    select_prompt(window, qtbot, "greeter")
    theirs = colleague.workdir / GREETER
    theirs.write_text(theirs.read_text(encoding="utf-8").replace("temperature: 0.7", "temperature: 0.1"), "utf-8")
    colleague("prompt", "sync")
    type_at_end(window.editor.findChild(QPlainTextEdit, "systemPromptEdit"), qtbot, " Be brief.")

    saving = asyncio.ensure_future(window.save_with_message("Briefer"))
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), MergeDialog), timeout=10000)
    merge = QApplication.activeModalWidget()
    assert merge.findChild(QLabel, "mergeRemaining").text() == "No conflicts remaining"
    complete = merge.findChild(QPushButton, "completeMergeButton")
    qtbot.mouseClick(complete, Qt.MouseButton.LeftButton)  # to the summary
    qtbot.mouseClick(complete, Qt.MouseButton.LeftButton)  # save
    qtbot.waitUntil(saving.done, timeout=10000)

    assert saving.result().action == "updated"
    text = (project / GREETER).read_text(encoding="utf-8")
    assert "temperature: 0.1" in text and "You are a helpful assistant. Be brief." in text
    lock = json.loads((project / "prompts-lock.json").read_text(encoding="utf-8"))
    assert lock["prompts"]["greeter"]["version"] == 3
    before = folder_bytes(project)
    assert "no changes" in cli("prompt", "sync")
    assert folder_bytes(project) == before


def test_a_remote_prompt_is_read_only_and_says_why(window, qtbot, run_async, project, colleague):
    colleague("prompt", "create", "shared")
    colleague("prompt", "sync")
    prompts = json.loads((project / "prompts.json").read_text(encoding="utf-8"))
    prompts["prompts"]["shared"] = "latest"
    (project / "prompts.json").write_text(json.dumps(prompts, indent=2) + "\n", encoding="utf-8")
    run_async(window.refresh())

    select_prompt(window, qtbot, "shared")

    status = window.findChild(QWidget, "draftStatus").text()
    assert status.startswith("Read-only: this folder takes shared from the server")
    assert window.editor.findChild(QPlainTextEdit, "systemPromptEdit").isReadOnly()
    assert not window.save_action.isEnabled()


def test_a_file_that_cannot_be_read_is_named_above_the_list(window, qtbot, project):
    (project / GREETER).write_text("model: openai/gpt-5\nmessages:\n  - role: robot\n    content: Hi\n", "utf-8")

    window.refresh()

    qtbot.waitUntil(lambda: window.server_notice.isVisible(), timeout=10000)
    assert window.server_notice.text.text().startswith(
        "A file of this prompt folder cannot be read. prompts/greeter.prompt.yaml, line 3: role: is system, user or "
        "assistant.")
    (project / GREETER).write_text("model: openai/gpt-5\nmessages:\n  - role: user\n    content: Hi\n", "utf-8")
    window.server_notice.try_now_button.click()
    qtbot.waitUntil(lambda: not window.server_notice.isVisible(), timeout=10000)


def test_open_folder_says_when_a_folder_is_not_a_cli_project(qtbot, run_async, tmp_path, server, screenshots):
    window = open_window(qtbot, run_async, tmp_path / "app", server)
    window.open_folder_action.trigger()
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), OpenFolderDialog), timeout=5000)
    dialog = QApplication.activeModalWidget()
    (tmp_path / "notes").mkdir()
    qtbot.keyClicks(dialog.folder_field, str(tmp_path / "notes"))

    qtbot.mouseClick(dialog.buttons.button(dialog.buttons.StandardButton.Open), Qt.MouseButton.LeftButton)

    assert dialog.isVisible()
    assert dialog.problem.text().startswith("There is no prompts.json in this folder or above it.")
    screenshots.take(dialog, "open-folder-dialog.png")
    dialog.reject()
    assert window.workspace.connection.kind == "langwatch"


def test_removing_a_folder_connection_says_the_folder_stays(window, qtbot, project):
    removing = asyncio.ensure_future(window.remove_connection())
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), QMessageBox), timeout=5000)
    box = QApplication.activeModalWidget()
    assert box.informativeText().startswith("The folder and its files stay as they are; its list entry goes.")
    box.button(QMessageBox.StandardButton.Cancel).click()
    qtbot.waitUntil(removing.done, timeout=5000)
    assert removing.result() is False and (project / GREETER).exists()
