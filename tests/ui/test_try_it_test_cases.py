"""Test cases in Try it, in the real window on the local library: named sample values per prompt, made, renamed,
copied, deleted, imported and exported, kept on disk per connection and back after a restart."""

from __future__ import annotations

import json

from PySide6.QtWidgets import QApplication, QMessageBox, QPlainTextEdit

from prompt_studio.models.test_cases import TestCase, case_name_problem, free_case_name, with_imported
from prompt_studio.services.test_cases import TestCaseStore
from prompt_studio.ui.dialogs import NameDialog
from tests.ui.main_window_support import open_window

HANDLE = "support/triage"


def _window_with_try_it(qtbot, run_async, data_dir):
    window = open_window(qtbot, run_async, data_dir)
    with qtbot.waitSignal(window.sig_prompt_opened, timeout=15000):
        window.open_prompt(HANDLE)
    window.try_it_action.trigger()
    qtbot.waitUntil(lambda: window.try_it.test_cases.handle == HANDLE, timeout=5000)
    return window


def _type(panel, qtbot, identifier: str, words: str) -> None:
    field = panel.findChild(QPlainTextEdit, f"sampleInputField_{identifier}")
    field.selectAll()
    qtbot.keyClicks(field, words)


def _name_dialog(qtbot) -> NameDialog:
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), NameDialog), timeout=5000)
    return QApplication.activeModalWidget()


def test_named_cases_fill_the_inputs_and_survive_a_restart(qtbot, run_async, tmp_path, screenshots):
    data_dir = tmp_path / "app"
    window = _window_with_try_it(qtbot, run_async, data_dir)
    panel, bar = window.try_it, window.try_it.test_cases
    assert bar.selector.count() == 0 and "not kept" in bar.selector.placeholderText()

    _type(panel, qtbot, "input", "My invoice is wrong")
    _type(panel, qtbot, "product", "Acme Mail")
    bar.new_action.trigger()
    dialog = _name_dialog(qtbot)
    assert dialog.name == "Case 1", "a name is offered"
    dialog.name_edit.setText("billing question")
    dialog.accept()
    qtbot.waitUntil(lambda: bar.selector.currentText() == "billing question", timeout=5000)

    run_async(bar.add("outage"))
    _type(panel, qtbot, "input", "Nothing loads since this morning")
    assert bar.current.values == {"input": "Nothing loads since this morning", "product": "Acme Mail"}

    bar.selector.setCurrentIndex(0)
    bar.selector.activated.emit(0)
    qtbot.waitUntil(lambda: "My invoice is wrong" in panel.preview.toPlainText(), timeout=2000)
    assert bar.cases[1].values["input"] == "Nothing loads since this morning", "choosing a case changes no case"

    copy = bar.duplicate()
    assert copy.name == "billing question (copy)" and bar.selector.currentText() == copy.name
    assert run_async(bar.rename("billing, second try"))
    bar.delete_action.trigger()
    qtbot.waitUntil(lambda: window.findChild(QMessageBox, "deleteTestCaseDialog") is not None, timeout=5000)
    box = window.findChild(QMessageBox, "deleteTestCaseDialog")
    assert box.defaultButton() == box.button(QMessageBox.StandardButton.Cancel)
    box.done(QMessageBox.StandardButton.Yes)
    qtbot.waitUntil(lambda: bar.selector.count() == 2, timeout=5000)
    qtbot.waitUntil(lambda: "Nothing loads since this morning" in panel.preview.toPlainText(), timeout=2000)
    window.resize(1440, 900)
    screenshots.take(window, "try-it-test-cases.png")
    window.close()

    again = _window_with_try_it(qtbot, run_async, data_dir)
    bar = again.try_it.test_cases
    assert [case.name for case in bar.cases] == ["billing question", "outage"]
    assert bar.cases[1].values == {"input": "Nothing loads since this morning", "product": "Acme Mail"}
    qtbot.waitUntil(lambda: "My invoice is wrong" in again.try_it.preview.toPlainText(), timeout=2000)


def test_cases_are_exported_and_imported_as_json_and_a_bad_file_is_said_plainly(qtbot, run_async, tmp_path):
    window = _window_with_try_it(qtbot, run_async, tmp_path / "app")
    bar = window.try_it.test_cases
    run_async(bar.add("billing question"))
    exported = tmp_path / "cases.json"
    assert run_async(bar.export_to(exported))
    written = json.loads(exported.read_text())
    assert written["format"] == "prompt-studio-test-cases" and written["prompt"] == HANDLE

    assert run_async(bar.import_from(exported)) == 1
    assert [case.name for case in bar.cases] == ["billing question", "billing question 2"]

    broken = tmp_path / "broken.json"
    broken.write_text('{"cases": [{"name": ""}]}')
    assert run_async(bar.import_from(broken)) == 0
    assert bar.problem.isVisible() and "broken.json" in bar.problem.text() and "name" in bar.problem.text()
    assert len(bar.cases) == 2, "nothing came in from a bad file"
    not_json = tmp_path / "notes.txt"
    not_json.write_text("billing question: my invoice")
    run_async(bar.import_from(not_json))
    assert "notes.txt is not a test cases file: it is not JSON" in bar.problem.text()


def test_an_unreadable_file_is_set_aside_and_the_prompts_start_without_cases(tmp_path):
    store = TestCaseStore(tmp_path / "test-cases", "local")
    store.save({HANDLE: [TestCase(name="a", values={"input": "x"})], "empty": []})
    kept = TestCaseStore(tmp_path / "test-cases", "local").load()
    assert kept == {HANDLE: [TestCase(name="a", values={"input": "x"})]}, "a prompt without cases is not written"
    store.path.write_text("{torn")
    assert store.load() == {}
    assert store.path.with_name(store.path.name + ".unreadable").read_text() == "{torn", "set aside, not lost"
    assert TestCaseStore(tmp_path / "test-cases", "langwatch:http://x").path != store.path, "one file per connection"


def test_the_naming_rules():
    assert free_case_name("Case 1", ["Case 1", "Case 1 2"]) == "Case 1 3"
    assert case_name_problem("  ", []) == "Give the test case a name."
    assert "already" in case_name_problem("a", ["a"])
    assert [case.name for case in with_imported([TestCase(name="a")], [TestCase(name="a"), TestCase(name="b")])] == [
        "a", "a 2", "b"]
