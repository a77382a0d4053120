"""The main window on an Orkes connection (the fake Orkes over HTTP): open, edit, save, history, a colleague's
save in between and the merge, Test prompt, the tags of the name, and a screenshot."""

from __future__ import annotations

import asyncio

from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QListView, QPlainTextEdit, QPushButton, QWidget

from prompt_studio.ui.merge_dialog import MergeDialog

NAME = "support_reply"
MODELS = ["openai:gpt-4o", "anthropic:claude-sonnet-4"]
TEMPLATE = ("You answer customers of ${company}.\n"
            "The customer wrote: ${message}\n"
            "Reply politely in ${language}, in at most three sentences.")


def seed(orkes) -> None:
    orkes.fake.post_template(NAME, TEMPLATE, description="Replies to support tickets", models=MODELS,
                             user="ann@example.com")
    orkes.fake.post_template("order_summary", "Summarise order ${order.id}", description="Order summaries",
                             models=["openai:gpt-4o-mini"], user="bob@example.com")
    orkes.fake.tags[NAME] = {("team", "support"): None}


def open_prompt(window, qtbot, run_async, name: str = NAME) -> None:
    run_async(window.refresh())
    row = window.prompt_model.row_of(name)
    assert row is not None
    with qtbot.waitSignal(window.sig_prompt_opened, timeout=10000):
        window.prompt_list.setCurrentIndex(window.prompt_model.index(row, 0))
    qtbot.waitUntil(lambda: window.history_model.rowCount() > 0, timeout=10000)


def coloured_pieces(edit: QPlainTextEdit) -> list[str]:
    block = edit.document().firstBlock()
    return [block.text()[piece.start:piece.start + piece.length] for piece in block.layout().formats()]


def type_at_end(edit: QPlainTextEdit, qtbot, text: str) -> None:
    edit.setFocus()
    edit.moveCursor(edit.textCursor().MoveOperation.End)
    qtbot.keyClicks(edit, text)


def test_a_template_opens_with_its_variables_highlighted_and_only_what_orkes_keeps(orkes, orkes_window, qtbot,
                                                                                 run_async):
    seed(orkes)
    window = orkes_window
    open_prompt(window, qtbot, run_async)
    system = window.editor.findChild(QPlainTextEdit, "systemPromptEdit")
    assert system.toPlainText() == TEMPLATE
    qtbot.waitUntil(system.highlighter.is_highlighting_complete, timeout=5000)
    assert system.highlighter.syntax == "orkes"
    assert {"${", "company", "}"} <= set(coloured_pieces(system))
    assert window.editor.findChild(QLabel, "detectedVariablesLabel").text() == \
        "Variables: company, message, language"
    assert window.editor.findChild(QLineEdit, "descriptionField").text() == "Replies to support tickets"
    assert window.editor.orkes_fields.models() == MODELS
    assert window.editor.findChild(QLabel, "modelNote").text() == "Test prompt runs on the first: openai:gpt-4o"
    for langwatch_only in ("messagesEditor", "inputsSection", "outputsSection", "missingVariables"):
        assert window.editor.findChild(QWidget, langwatch_only) is None, langwatch_only
    assert "Orkes prompt holds" in window.editor.content_note.text()
    assert not window.tag_button.isVisibleTo(window)
    assert window.history_model.version_at(0).author_id == "ann@example.com"
    assert window.draft.differs_from_base is False


def test_edit_and_save_adds_a_version_shown_in_history(orkes, orkes_window, qtbot, run_async):
    seed(orkes)
    window = orkes_window
    open_prompt(window, qtbot, run_async)
    type_at_end(window.editor.findChild(QPlainTextEdit, "systemPromptEdit"), qtbot, " Sign as ${agent}.")
    description = window.editor.findChild(QLineEdit, "descriptionField")
    description.setFocus()
    qtbot.keyClicks(description, " (v2)")
    qtbot.waitUntil(lambda: NAME in window.drafts.handles(), timeout=2000)

    outcome = run_async(window.save_with_message("Sign replies"))

    assert outcome.action == "updated"
    qtbot.waitUntil(lambda: window.history_model.rowCount() == 2, timeout=10000)
    assert window.history_model.version_at(0).version == 2
    newest = orkes.fake.versions_of(NAME)[-1]
    assert newest["template"] == TEMPLATE + " Sign as ${agent}."
    assert (newest["description"], newest["integrations"]) == ("Replies to support tickets (v2)", MODELS)
    assert NAME not in window.drafts.handles()
    assert orkes.fake.requests_to("PUT", "/api/prompts/{name}") == []


def test_a_colleagues_save_in_between_opens_the_merge_dialog_and_the_merge_is_saved(orkes, orkes_window, qtbot,
                                                                                    run_async):
    seed(orkes)
    window = orkes_window
    open_prompt(window, qtbot, run_async)
    orkes.fake.post_template(NAME, TEMPLATE, description="Replies to tickets, by the support team", models=MODELS,
                             auto_increment=True, user="bob@example.com")
    type_at_end(window.editor.findChild(QPlainTextEdit, "systemPromptEdit"), qtbot, " Thank them.")

    saving = asyncio.ensure_future(window.save_with_message("mine"))
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), MergeDialog), timeout=10000)
    merge = QApplication.activeModalWidget()
    assert merge.session.remote_version == 2
    assert merge.findChild(QLabel, "mergeRemaining").text() == "No conflicts remaining"
    merge.complete_button.click()
    merge.complete_button.click()
    qtbot.waitUntil(saving.done, timeout=10000)

    assert saving.result().action == "updated"
    versions = orkes.fake.versions_of(NAME)
    assert [version["version"] for version in versions] == [1, 2, 3]
    assert versions[1]["template"] == TEMPLATE, "the colleague's version is intact"
    assert versions[2]["template"] == TEMPLATE + " Thank them."
    assert versions[2]["description"] == "Replies to tickets, by the support team"


def test_test_prompt_fills_the_variables_and_shows_the_answer(orkes, orkes_window, qtbot, run_async, screenshots):
    seed(orkes)
    window = orkes_window
    open_prompt(window, qtbot, run_async)
    action = window.test_prompt_action
    assert action.objectName() == "testPromptAction" and action.isVisible() and action.isEnabled()
    action.trigger()
    qtbot.waitUntil(lambda: window.findChild(QPlainTextEdit, "testAnswer") is not None, timeout=2000)
    dialog = window.findChild(QPlainTextEdit, "testAnswer").window()
    assert dialog.objectName() == "testPromptDialog"
    for name, value in (("company", "Acme"), ("message", "Where is my parcel?"), ("language", "French")):
        qtbot.keyClicks(dialog.findChild(QLineEdit, f"testVariable-{name}"), value)
    dialog.findChild(QPushButton, "runTestButton").click()
    answer = dialog.findChild(QPlainTextEdit, "testAnswer")
    qtbot.waitUntil(lambda: answer.toPlainText() != "", timeout=10000)
    assert answer.toPlainText() == ("You answer customers of Acme.\nThe customer wrote: Where is my parcel?\n"
                                    "Reply politely in French, in at most three sentences.")
    assert dialog.findChild(QLineEdit, "testVariable-company").text() == "Acme"
    screenshots.take(dialog, "orkes-test-prompt.png")
    dialog.close()


def test_the_tags_of_the_name_are_edited_in_their_dialog(orkes, orkes_window, qtbot, run_async):
    seed(orkes)
    window = orkes_window
    open_prompt(window, qtbot, run_async)
    dialog = run_async(window.edit_prompt_tags(NAME))
    assert dialog.findChild(QListView, "promptTagsList").model().stringList() == ["team:support"]
    qtbot.keyClicks(dialog.key_edit, "stage")
    qtbot.keyClicks(dialog.value_edit, "beta")
    dialog.add_button.click()
    qtbot.waitUntil(lambda: dialog.tags == [("team", "support"), ("stage", "beta")], timeout=5000)
    dialog.tags_list.setCurrentIndex(dialog.tags_model.index(0))
    dialog.remove_button.click()
    qtbot.waitUntil(lambda: dialog.tags == [("stage", "beta")], timeout=5000)
    assert list(orkes.fake.tags[NAME]) == [("stage", "beta")]
    dialog.close()


def test_a_quoted_template_shows_the_quote_stripping_warning(orkes, orkes_window, qtbot, run_async):
    seed(orkes)
    window = orkes_window
    open_prompt(window, qtbot, run_async)
    system = window.editor.findChild(QPlainTextEdit, "systemPromptEdit")
    warning = window.editor.quote_warning
    assert not warning.isVisibleTo(window)
    system.setFocus()
    system.selectAll()
    qtbot.keyClicks(system, '"Quoted ${x}"')
    qtbot.waitUntil(lambda: warning.isVisibleTo(window), timeout=2000)
    assert "removes one pair of enclosing quotes" in warning.text()


def test_screenshot_orkes_editor(orkes, orkes_window, qtbot, run_async, screenshots):
    seed(orkes)
    window = orkes_window
    open_prompt(window, qtbot, run_async)
    assert window.title_label.text() == NAME
    assert window.editor.findChild(QPlainTextEdit, "systemPromptEdit").toPlainText() == TEMPLATE
    assert window.editor.findChild(QLineEdit, "descriptionField").text() == "Replies to support tickets"
    screenshots.take(window, "orkes-editor.png")


def test_try_it_fills_the_orkes_variables_and_keeps_test_cases(orkes, orkes_window, qtbot, run_async):
    seed(orkes)
    window = orkes_window
    open_prompt(window, qtbot, run_async)
    window.try_it_action.trigger()
    panel = window.try_it
    qtbot.waitUntil(lambda: panel.test_cases.handle == NAME, timeout=5000)
    assert list(panel.inputs) == ["company", "message", "language"], "one field per ${variable}"
    assert panel.undeclared.isHidden(), "Orkes declares no inputs: nothing to add"
    for name, value in (("company", "Acme"), ("message", "Where is my parcel?"), ("language", "French")):
        panel.findChild(QPlainTextEdit, f"sampleInputField_{name}").setPlainText(value)
    qtbot.waitUntil(lambda: "You answer customers of Acme." in panel.preview.toPlainText(), timeout=3000)
    assert "Reply politely in French" in panel.preview.toPlainText()
    assert run_async(panel.test_cases.add("parcel")).values["company"] == "Acme"
