"""The merge dialog on its own (controls, keyboard, typed results, the last step, screenshots) and the whole flow in
the real main window against `prompt-studio serve`: a colleague saves first, the dialog opens by itself, the user
settles each conflict with its buttons and the server gets exactly the merge; a third save while the dialog is open;
cancel, restart and resume."""

from __future__ import annotations

import asyncio
import itertools
from typing import Any

import pytest
from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QApplication, QCheckBox, QLabel, QLineEdit, QPlainTextEdit, QPushButton, QWidget

from prompt_studio.api import LangWatchClient
from prompt_studio.models import ConfigData, ConflictInfo, CreatePromptBody, SyncRequest
from prompt_studio.models.draft import Draft
from prompt_studio.services.merging import MergeSession
from prompt_studio.ui.merge_dialog import MergeDialog, side_colours
from tests.services.test_merging import (
    BASE,
    BASE_PARAMETERS,
    DESCRIPTION,
    FIRST_MESSAGE,
    OURS,
    OURS_PARAMETERS,
    SYSTEM,
    TEMPERATURE,
    THEIRS,
    THEIRS_PARAMETERS,
    edited,
    with_description,
)
from tests.ui.main_window_support import open_window

HANDLE = "support/sorter"
CONTROLS = ("mergeFieldList", "mergeYours", "mergeServer", "mergeOriginal", "mergeResult", "keepYoursButton",
            "useServerButton", "keepBothButton", "previousConflictButton", "nextConflictButton", "showOriginalCheck",
            "completeMergeButton", "cancelMergeButton", "mergeSummary", "mergeResultLine", "mergeCommitMessage",
            "mergeBackButton", "mergeHeadline", "mergeRemaining", "mergeResultProblem", "mergeProblems")

EXPECTED_CONFIG = with_description(edited(
    prompt=("You sort support tickets for {{product}}.\nAnswer with exactly one category, in French.\n"
            "Answer with exactly one category, in German.\nKeep it short.\n"),
    model="openai/gpt-5-mini",
    messages=THEIRS["messages"],
    temperature=0.7,
    max_tokens=80,
), "The category, in one word", confidence={"type": "number"})
EXPECTED_PARAMETERS = {"retries": 3, "timeout": 30}


def make_dialog(qtbot) -> MergeDialog:
    draft = Draft(handle=HANDLE, base_version=2, base_config=BASE, base_parameters=BASE_PARAMETERS, config=OURS,
                  parameters=OURS_PARAMETERS)
    conflict = ConflictInfo(local_version=2, remote_version=3, remote_config_data=ConfigData.model_validate(THEIRS),
                            remote_parameters=THEIRS_PARAMETERS)
    dialog = MergeDialog(None, MergeSession.start(draft, conflict))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def button(dialog, name: str) -> QPushButton:
    return dialog.findChild(QPushButton, name)


def click(qtbot, dialog, name: str) -> None:
    found = button(dialog, name)
    assert found.isVisible() and found.isEnabled(), name
    qtbot.mouseClick(found, Qt.MouseButton.LeftButton)


def settle_the_scenario(qtbot, dialog: MergeDialog) -> None:
    """Each conflict of the scenario settled as a user would: buttons, next, and one hand edit."""
    assert dialog.current_path == SYSTEM
    click(qtbot, dialog, "keepBothButton")
    click(qtbot, dialog, "nextConflictButton")
    assert dialog.current_path == FIRST_MESSAGE
    click(qtbot, dialog, "useServerButton")
    click(qtbot, dialog, "nextConflictButton")
    assert dialog.current_path == TEMPERATURE
    click(qtbot, dialog, "keepYoursButton")
    click(qtbot, dialog, "nextConflictButton")
    assert dialog.current_path == DESCRIPTION
    line = dialog.findChild(QLineEdit, "mergeResultLine")
    line.selectAll()
    qtbot.keyClicks(line, "The category, in one word")


def test_every_control_has_a_name_for_tests_and_assistive_tools(qtbot):
    dialog = make_dialog(qtbot)

    assert dialog.objectName() == "mergeDialog" and dialog.accessibleName()
    for name in CONTROLS:
        control = dialog.findChild(QWidget, name)
        assert control is not None, name
        assert control.accessibleName(), name


def test_the_field_list_is_a_sound_item_model(qtbot, qtmodeltester):
    dialog = make_dialog(qtbot)

    qtmodeltester.check(dialog.fields_model)
    click(qtbot, dialog, "keepYoursButton")
    qtmodeltester.check(dialog.fields_model)


def test_the_header_counts_and_complete_waits_for_every_conflict(qtbot):
    dialog = make_dialog(qtbot)

    assert dialog.findChild(QLabel, "mergeHeadline").text() == (
        "Someone saved v3 while you were editing v2. 6 changes merged automatically.")
    assert dialog.findChild(QLabel, "mergeRemaining").text() == "4 conflicts remaining"
    complete = button(dialog, "completeMergeButton")
    assert not complete.isEnabled()

    settle_the_scenario(qtbot, dialog)

    assert dialog.findChild(QLabel, "mergeRemaining").text() == "No conflicts remaining"
    assert complete.isEnabled()
    model = dialog.fields_model
    states = {model.fields[row].label: model.data(model.index(row, 1)) for row in range(model.rowCount())}
    assert set(states.values()) == {"Merged", "Resolved"}


def test_the_sides_show_the_changed_words_and_the_original_on_demand(qtbot):
    dialog = make_dialog(qtbot)

    yours = dialog.findChild(QWidget, "mergeYours")
    server = dialog.findChild(QWidget, "mergeServer")
    assert dialog.findChild(QLabel, "mergeFieldHeading").text() == "System prompt, line 2"
    assert yours.toPlainText().strip() == "Answer with exactly one category, in French."
    assert server.toPlainText().strip() == "Answer with exactly one category, in German."
    yours_colour, server_colour = side_colours(dialog)
    assert f'background-color:{yours_colour};">French</span>' in yours.toHtml()
    assert f'background-color:{server_colour};">German</span>' in server.toHtml()
    assert "Answer with" not in yours.toHtml().split("<span")[-1], "the words both sides share are not marked"
    assert dialog.findChild(QPlainTextEdit, "mergeResult").toPlainText() == OURS["prompt"]

    original = dialog.findChild(QWidget, "mergeOriginal")
    assert not original.isVisible()
    dialog.findChild(QCheckBox, "showOriginalCheck").setChecked(True)
    assert original.isVisible()
    assert original.toPlainText().strip() == "Answer with exactly one category."


def test_keep_both_is_offered_only_where_it_means_something(qtbot):
    dialog = make_dialog(qtbot)

    assert button(dialog, "keepBothButton").isVisible()
    dialog.select_field(TEMPERATURE)
    assert not button(dialog, "keepBothButton").isVisible()
    assert dialog.findChild(QLineEdit, "mergeResultLine").isVisible()
    assert not dialog.findChild(QPlainTextEdit, "mergeResult").isVisible()


def test_the_keyboard_moves_between_open_conflicts(qtbot):
    dialog = make_dialog(qtbot)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=2000)
    window = dialog.windowHandle()

    qtbot.keyClick(window, Qt.Key.Key_F7)
    assert dialog.current_path == FIRST_MESSAGE
    qtbot.keyClick(window, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    assert dialog.current_path == TEMPERATURE
    qtbot.keyClick(window, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    assert dialog.current_path == FIRST_MESSAGE
    qtbot.keyClick(window, Qt.Key.Key_F7, Qt.KeyboardModifier.ShiftModifier)
    assert dialog.current_path == SYSTEM
    qtbot.keyClick(window, Qt.Key.Key_F7, Qt.KeyboardModifier.ShiftModifier)
    assert dialog.current_path == DESCRIPTION, "previous wraps around to the last conflict"


def test_a_side_chosen_after_a_bad_typed_result_clears_its_problem_and_allows_completing(qtbot):
    """The walkthrough's case: "hot" as the temperature, then Use server's: nothing is left, Complete is on."""
    dialog = make_dialog(qtbot)
    for path in (SYSTEM, FIRST_MESSAGE, DESCRIPTION):
        dialog.select_field(path)
        click(qtbot, dialog, "keepYoursButton")
    dialog.select_field(TEMPERATURE)
    line = dialog.findChild(QLineEdit, "mergeResultLine")
    assert line.text() == "" and line.placeholderText().startswith("Undecided"), "an open conflict looks open"
    qtbot.keyClicks(line, "hot")
    complete = button(dialog, "completeMergeButton")
    assert not complete.isEnabled() and complete.toolTip().startswith("Fix the result first: Temperature")

    click(qtbot, dialog, "useServerButton")

    assert dialog.findChild(QLabel, "mergeRemaining").text() == "No conflicts remaining"
    assert not dialog.findChild(QLabel, "mergeResultProblem").isVisible()
    assert complete.isEnabled()


def test_a_typed_result_that_is_not_a_number_says_so_and_blocks_completing(qtbot):
    dialog = make_dialog(qtbot)
    for path in (SYSTEM, FIRST_MESSAGE, DESCRIPTION):
        dialog.select_field(path)
        click(qtbot, dialog, "keepYoursButton")
    dialog.select_field(TEMPERATURE)
    line = dialog.findChild(QLineEdit, "mergeResultLine")
    problem = dialog.findChild(QLabel, "mergeResultProblem")
    click(qtbot, dialog, "keepYoursButton")
    assert button(dialog, "completeMergeButton").isEnabled()

    line.selectAll()
    qtbot.keyClicks(line, "warm")
    assert problem.isVisible() and problem.text() == "Temperature needs a number, such as 0.7."
    assert not button(dialog, "completeMergeButton").isEnabled()

    line.selectAll()
    qtbot.keyClicks(line, "3")
    assert not problem.isVisible()
    assert "Temperature must be at most 2" in dialog.findChild(QLabel, "mergeProblems").text()
    assert not button(dialog, "completeMergeButton").isEnabled()

    line.selectAll()
    qtbot.keyClicks(line, "1.1")
    assert button(dialog, "completeMergeButton").isEnabled()
    assert dialog.session.merged_config["temperature"] == 1.1


def test_the_last_step_summarises_the_save_and_prefills_the_message(qtbot):
    dialog = make_dialog(qtbot)
    settle_the_scenario(qtbot, dialog)

    click(qtbot, dialog, "completeMergeButton")

    summary = dialog.findChild(QLabel, "mergeSummary")
    assert summary.isVisible()
    assert summary.text().startswith("This will save v4 on the server: model, system prompt, temperature, outputs, "
                                     "runtime parameters change.")
    assert "<li>Temperature: 0.0 → 0.7</li>" in summary.text(), "each change as before and after"
    message = dialog.findChild(QLineEdit, "mergeCommitMessage")
    assert message.text() == "Merge my edits with v3"
    assert button(dialog, "completeMergeButton").text() == "Save v4"
    click(qtbot, dialog, "mergeBackButton")
    assert dialog.findChild(QWidget, "mergeFieldList").isVisible()
    click(qtbot, dialog, "completeMergeButton")
    message.selectAll()
    qtbot.keyClicks(message, "French and German")

    with qtbot.waitSignal(dialog.accepted, timeout=2000):
        click(qtbot, dialog, "completeMergeButton")
    assert dialog.commit_message == "French and German"
    assert dialog.merged_draft().config == EXPECTED_CONFIG
    assert dialog.merged_draft().parameters == EXPECTED_PARAMETERS


def test_dark_palette_marks_read_on_a_dark_background(qtbot, dark_palette):
    dialog = make_dialog(qtbot)
    light_text = QApplication.palette().color(QApplication.palette().ColorRole.Text)

    for colour in side_colours(dialog):
        background = QApplication.palette().color(QApplication.palette().ColorRole.Base).fromString(colour)
        assert background.lightness() < 110 < light_text.lightness()
    assert dialog.fields_model.conflict_colour.lightness() > 128


def _screenshot(qtbot, screenshots, dialog: MergeDialog, path: Any, name: str) -> None:
    dialog.resize(1100, 700)
    dialog.select_field(path)
    qtbot.waitUntil(lambda: dialog.size() == QSize(1100, 700) and dialog.current_path == path, timeout=5000)
    assert dialog.findChild(QLabel, "mergeRemaining").text() == "3 conflicts remaining"
    screenshots.take(dialog, name)


def test_screenshots(qtbot, screenshots):
    dialog = make_dialog(qtbot)
    click(qtbot, dialog, "useServerButton")
    dialog.findChild(QCheckBox, "showOriginalCheck").setChecked(True)
    _screenshot(qtbot, screenshots, dialog, FIRST_MESSAGE, "merge-text-conflict.png")
    assert dialog.findChild(QWidget, "mergeOriginal").isVisible()
    assert dialog.findChild(QLabel, "mergeFieldHeading").text().startswith("Message 1")
    dialog.findChild(QCheckBox, "showOriginalCheck").setChecked(False)
    _screenshot(qtbot, screenshots, dialog, TEMPERATURE, "merge-parameter-conflict.png")
    assert dialog.findChild(QLabel, "mergeFieldHeading").text() == "Temperature"
    assert dialog.findChild(QLineEdit, "mergeResultLine").isVisible()
    assert not dialog.findChild(QWidget, "mergeOriginal").isVisible()


# -- the whole flow in the main window, against `prompt-studio serve` ----------------------------------------------


_handle_numbers = itertools.count(1)


@pytest.fixture(scope="module")
def server(module_server):
    """One server for the module's window tests: each works on a prompt of its own (`handle`)."""
    return module_server


@pytest.fixture
def handle() -> str:
    """This test's own prompt on the module's server."""
    return f"{HANDLE}-{next(_handle_numbers)}"


@pytest.fixture
def colleague(server, run_async, handle):
    client = LangWatchClient(server.url, server.api_key)
    run_async(client.create_prompt(CreatePromptBody(handle=handle, model="openai/gpt-5", prompt="-",
                                                    outputs=[{"identifier": "answer", "type": "str"}])))
    run_async(client.sync_prompt(handle, SyncRequest(config_data=ConfigData.model_validate(BASE),
                                                     parameters=BASE_PARAMETERS, local_version=1)))
    yield client
    run_async(client.aclose())


@pytest.fixture
def window(qtbot, run_async, tmp_path, server, colleague):
    return open_window(qtbot, run_async, tmp_path / "app", server)


def _select(window, qtbot, handle: str) -> None:
    row = window.prompt_model.row_of(handle)
    with qtbot.waitSignal(window.sig_prompt_opened, timeout=15000):
        window.prompt_list.setCurrentIndex(window.prompt_model.index(row, 0))


def _colleague_saves(run_async, colleague, handle: str, config: dict, parameters: dict, local_version: int) -> None:
    result = run_async(colleague.sync_prompt(handle, SyncRequest(
        config_data=ConfigData.model_validate(config), parameters=parameters, local_version=local_version)))
    assert result.action == "updated"


def _edit_in_window(window, config: dict, parameters: dict) -> None:
    """Put the user's edits in the editor, as typing would, and let the window take them as the draft."""
    window.editor.set_content(config, parameters)
    window.editor.sig_edited.emit()
    window.write_draft()


def _merge_dialog(qtbot) -> MergeDialog:
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), MergeDialog), timeout=10000)
    dialog = QApplication.activeModalWidget()
    qtbot.waitExposed(dialog)
    return dialog


def _wait_for_the_next_dialog(qtbot, previous: MergeDialog) -> MergeDialog:
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), MergeDialog)
                    and QApplication.activeModalWidget() is not previous, timeout=10000)
    return _merge_dialog(qtbot)


def _server_content(run_async, colleague, handle: str) -> tuple[int, dict, dict]:
    """The newest version's full configData and parameters: a sync without a base never writes, it answers them."""
    probe = run_async(colleague.sync_prompt(handle, SyncRequest(config_data=ConfigData.model_validate(BASE))))
    info = probe.conflict_info
    return info.remote_version, info.remote_config_data.to_wire(), info.remote_parameters


def _complete(qtbot, dialog: MergeDialog) -> None:
    click(qtbot, dialog, "completeMergeButton")
    click(qtbot, dialog, "completeMergeButton")


def test_a_conflicting_save_opens_the_merge_and_the_server_gets_exactly_the_merge(
        window, qtbot, run_async, colleague, handle):
    _select(window, qtbot, handle)
    _colleague_saves(run_async, colleague, handle, THEIRS, THEIRS_PARAMETERS, local_version=2)
    _edit_in_window(window, OURS, OURS_PARAMETERS)

    saving = asyncio.ensure_future(window.save_with_message("mine"))
    dialog = _merge_dialog(qtbot)

    kept = window.drafts.load(handle)
    assert kept.config == OURS and kept.pending_conflict.remote_version == 3, "the draft is safe before merging"
    assert dialog.findChild(QLabel, "mergeRemaining").text() == "4 conflicts remaining"
    settle_the_scenario(qtbot, dialog)
    _complete(qtbot, dialog)
    qtbot.waitUntil(saving.done, timeout=15000)

    version, config, parameters = _server_content(run_async, colleague, handle)
    assert version == 4
    assert config == ConfigData.model_validate(EXPECTED_CONFIG).to_wire()
    assert parameters == EXPECTED_PARAMETERS
    assert run_async(colleague.get_prompt(handle)).commit_message == "mine", "the author's message survives"
    assert handle not in window.drafts.handles()
    assert window.draft.base_version == 4 and window.draft.pending_conflict is None
    assert not window.resume_merge_action.isVisible()
    assert window.editor.content() == (config, parameters)


def test_a_save_landing_while_the_dialog_is_open_brings_the_dialog_back(window, qtbot, run_async, colleague, handle):
    _select(window, qtbot, handle)
    _colleague_saves(run_async, colleague, handle, THEIRS, THEIRS_PARAMETERS, local_version=2)
    _edit_in_window(window, OURS, OURS_PARAMETERS)
    saving = asyncio.ensure_future(window.save_with_message("mine"))
    first = _merge_dialog(qtbot)
    settle_the_scenario(qtbot, first)

    third = {**EXPECTED_CONFIG, "messages": THEIRS["messages"], "temperature": 0.3, "max_tokens": 120}
    _colleague_saves(run_async, colleague, handle, {**THEIRS, "temperature": 0.3, "max_tokens": 120},
                     THEIRS_PARAMETERS, local_version=3)
    _complete(qtbot, first)

    second = _wait_for_the_next_dialog(qtbot, first)
    headline = second.findChild(QLabel, "mergeHeadline").text()
    assert headline.startswith("Someone saved v4 (“Updated from local file"), "who saved it, and why"
    assert headline.endswith("while you were editing v3. 5 changes merged automatically.")
    assert second.findChild(QLabel, "mergeRemaining").text() == "1 conflict remaining"
    assert second.current_path == TEMPERATURE
    assert second.findChild(QWidget, "mergeYours").toPlainText().strip() == "0.7"
    assert second.findChild(QWidget, "mergeServer").toPlainText().strip() == "0.3"
    click(qtbot, second, "useServerButton")
    _complete(qtbot, second)
    qtbot.waitUntil(saving.done, timeout=15000)

    version, config, parameters = _server_content(run_async, colleague, handle)
    assert version == 5
    assert config == ConfigData.model_validate({**third, "temperature": 0.3}).to_wire()
    assert parameters == EXPECTED_PARAMETERS
    assert run_async(colleague.get_prompt(handle)).commit_message == "mine"


def test_cancel_keeps_the_draft_and_the_conflict_and_resuming_works_after_a_restart(
        window, qtbot, run_async, colleague, handle, tmp_path, server):
    _select(window, qtbot, handle)
    _colleague_saves(run_async, colleague, handle, THEIRS, THEIRS_PARAMETERS, local_version=2)
    _edit_in_window(window, OURS, OURS_PARAMETERS)
    saving = window.tasks.run("save-flow", "Saving", window.save_with_message("mine"))
    dialog = _merge_dialog(qtbot)
    click(qtbot, dialog, "useServerButton")
    click(qtbot, dialog, "cancelMergeButton")
    qtbot.waitUntil(saving.done, timeout=5000)

    assert saving.result().action == "conflict"
    kept = window.drafts.load(handle)
    assert (kept.config, kept.parameters, kept.base_version) == (OURS, OURS_PARAMETERS, 2)
    assert kept.pending_conflict.remote_version == 3
    assert window.resume_merge_action.isVisible() and window.resume_merge_action.isEnabled()
    assert "Someone saved v3 meanwhile" in window.draft_status.text()
    assert _server_content(run_async, colleague, handle)[0] == 3, "cancelling writes nothing"

    restarted = open_window(qtbot, run_async, tmp_path / "app", server)
    _select(restarted, qtbot, handle)
    assert restarted.draft.pending_conflict is not None
    assert restarted.resume_merge_action.isVisible()
    restarted.resume_merge_action.trigger()
    resumed = _merge_dialog(qtbot)
    assert resumed.findChild(QLabel, "mergeRemaining").text() == "4 conflicts remaining"
    for _ in range(4):
        click(qtbot, resumed, "keepYoursButton")
        if resumed.session.conflicts_remaining:
            click(qtbot, resumed, "nextConflictButton")
    _complete(qtbot, resumed)
    qtbot.waitUntil(lambda: not restarted.tasks.is_running("save-flow"), timeout=15000)

    version, config, parameters = _server_content(run_async, colleague, handle)
    ours_everywhere = {**OURS, "max_tokens": 80, "messages": [*OURS["messages"], THEIRS["messages"][2]]}
    assert version == 4
    assert config == ConfigData.model_validate(ours_everywhere).to_wire()
    assert parameters == {"retries": 3, "timeout": 30}
    assert not restarted.resume_merge_action.isVisible()
    assert handle not in restarted.drafts.handles()
