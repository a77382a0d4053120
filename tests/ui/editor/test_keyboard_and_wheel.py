"""The form by keyboard and by mouse wheel: Tab in reading order and out of every table, a visible focus frame, and
a wheel that scrolls the form instead of changing a setting nobody focused."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QPalette, QWheelEvent
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QTableView,
    QWidget,
)

from prompt_studio.ui.editor import OrkesTemplateEditor, PromptEditor
from tests.ui.editor.test_screenshots import dark_palette

EXPECTED_TAB_ORDER = [
    "modelField", "temperatureField", "maxTokensField", "moreParametersToggle",
    "systemPromptEdit",
    "Message 1 role", "Message 1 text", "Move message 1 down", "Remove message 1",
    "Message 2 role", "Message 2 text", "Move message 2 up", "Remove message 2",
    "addMessageButton",
    "addMissingInputsButton",
    "inputsEditor", "addInputButton", "removeInputButton",
    "outputsEditor", "addOutputButton", "editSchemaButton",
    "responseFormatField", "promptingTechniqueField",
    "demonstrationsFoldToggle", "demonstrationsEditor", "addDemonstrationRowButton", "removeDemonstrationRowButton",
    "addDemonstrationColumnButton", "removeDemonstrationColumnButton", "demonstrationColumnNameField",
    "demonstrationColumnTypeField",
    "parametersFoldToggle", "parametersEditor", "addParameterButton", "removeParameterButton",
]
"""Every part of the form, in reading order, as the rich prompt shows it with its folds open (the message rows by
their accessible names, which say which message they belong to)."""


def stop_name(widget: QWidget | None) -> str:
    assert widget is not None, "nothing has the focus"
    if widget.objectName().startswith(("messageRole", "messageContent", "moveMessage", "removeMessage")):
        return widget.accessibleName()
    return widget.objectName() or f"<{type(widget).__name__} {widget.accessibleName()!r}>"


def activate(qtbot, window: QWidget) -> None:
    """Make `window` the active window, where the keyboard goes."""
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)


def press(qtbot, key: Qt.Key, times: int) -> list[str]:
    """Press `key` `times` times, starting from the focus widget; the names of the widgets focused in turn."""
    visited = [stop_name(QApplication.focusWidget())]
    for _ in range(times):
        qtbot.keyClick(QApplication.focusWidget(), key)
        visited.append(stop_name(QApplication.focusWidget()))
    return visited


@pytest.fixture
def keyboard_editor(editor, qtbot):
    """The rich prompt in an active window, every part showing: both folds open, an input selected (its Remove
    button is enabled) and a variable that is not an input yet (its "Add as input" offer is up)."""
    editor.demonstrations_section.set_open(True)
    editor.parameters_section.set_open(True)
    editor.inputs_editor.view.selectRow(0)
    editor.system_prompt_edit.set_text(editor.system_prompt_edit.text() + " {{ order_id }}")
    editor._refresh_missing_variables()
    activate(qtbot, editor)
    assert editor.add_missing_button.isVisible()
    return editor


# -- Tab --------------------------------------------------------------------------------------------------------


def test_tab_from_the_model_reaches_every_part_of_the_form_in_reading_order(keyboard_editor, qtbot):
    keyboard_editor.model_settings.model_field.setFocus()

    visited = press(qtbot, Qt.Key.Key_Tab, len(EXPECTED_TAB_ORDER))

    assert visited[:-1] == EXPECTED_TAB_ORDER, "each part once, in reading order, nothing trapped in a table"
    assert visited[-1] == "modelField", "after the last part the cycle starts again"


def test_shift_tab_goes_back_the_same_way(keyboard_editor, qtbot):
    keyboard_editor.model_settings.model_field.setFocus()

    visited = press(qtbot, Qt.Key.Key_Backtab, len(EXPECTED_TAB_ORDER))

    assert visited == ["modelField", *reversed(EXPECTED_TAB_ORDER)][: len(visited)]
    assert visited[1] == "removeParameterButton" and visited[-1] == "modelField"


def test_the_folded_parameters_come_right_after_more_parameters_when_open(keyboard_editor, qtbot):
    keyboard_editor.model_settings.more_section.set_open(True)
    keyboard_editor.model_settings.more_section.toggle.setFocus()

    visited = press(qtbot, Qt.Key.Key_Tab, 3)

    assert visited == ["moreParametersToggle", "topPField", "frequencyPenaltyField", "presencePenaltyField"]


def test_new_message_rows_stand_right_after_the_system_prompt_in_the_tab_order(keyboard_editor, qtbot):
    keyboard_editor.messages_editor.add_button.click()  # the new row's text gets the focus
    qtbot.waitUntil(keyboard_editor.messages_editor.rows[2].up_button.isVisible)
    assert stop_name(QApplication.focusWidget()) == "Message 3 text"

    visited = press(qtbot, Qt.Key.Key_Tab, 3)

    assert visited == ["Message 3 text", "Move message 3 up", "Remove message 3", "addMessageButton"]


@pytest.mark.parametrize("table", ["inputsEditor", "outputsEditor", "demonstrationsEditor", "parametersEditor"])
def test_tab_leaves_a_table_in_one_step_and_arrows_move_inside_it(keyboard_editor, qtbot, table):
    view = keyboard_editor.findChild(QTableView, table)
    view.setFocus()
    view.setCurrentIndex(view.model().index(0, 0))

    qtbot.keyClick(view, Qt.Key.Key_Down)
    assert view.currentIndex().row() == 1, "Down moves to the next row"
    qtbot.keyClick(view, Qt.Key.Key_Right)
    assert view.currentIndex().column() == 1, "Right moves to the next column"
    assert QApplication.focusWidget() is view

    qtbot.keyClick(view, Qt.Key.Key_Tab)
    after = stop_name(QApplication.focusWidget())
    assert after == EXPECTED_TAB_ORDER[EXPECTED_TAB_ORDER.index(table) + 1]
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Backtab)
    assert QApplication.focusWidget() is view


def test_a_type_drop_down_inside_a_table_never_takes_the_keyboard(keyboard_editor, qtbot):
    view = keyboard_editor.inputs_editor.view
    type_field = view.indexWidget(view.model().index(1, 1))
    assert isinstance(type_field, QComboBox)
    assert type_field.focusPolicy() == Qt.FocusPolicy.NoFocus, "the table is the Tab stop, not its cells"
    view.setFocus()
    view.setCurrentIndex(view.model().index(1, 0))

    qtbot.keyClick(view, Qt.Key.Key_Right)
    assert view.currentIndex().column() == 1 and QApplication.focusWidget() is view
    qtbot.keyClick(view, Qt.Key.Key_Down)
    assert view.currentIndex().row() == 2, "Down in the type column moves to the next row, the type stays"
    assert keyboard_editor.content()[0]["inputs"][1]["type"] == "bool"

    type_field.setFocus()  # even if something gave it the focus, Tab goes on out of the table
    qtbot.keyClick(type_field, Qt.Key.Key_Tab)
    assert stop_name(QApplication.focusWidget()) == "addInputButton"
    type_field.setFocus()
    qtbot.keyClick(type_field, Qt.Key.Key_Backtab)
    assert stop_name(QApplication.focusWidget()) == "addMissingInputsButton"


def test_the_keyboard_chooses_a_type_through_its_cell(keyboard_editor, qtbot):
    view = keyboard_editor.inputs_editor.view
    view.setFocus()
    view.setCurrentIndex(view.model().index(0, 1))
    type_field = view.indexWidget(view.model().index(0, 1))

    qtbot.keyClick(view, Qt.Key.Key_Space)
    qtbot.waitUntil(type_field.view().isVisible)
    qtbot.keyClick(type_field.view(), Qt.Key.Key_Down)
    qtbot.keyClick(type_field.view(), Qt.Key.Key_Return)

    qtbot.waitUntil(lambda: not type_field.view().isVisible())
    assert keyboard_editor.content()[0]["inputs"][0]["type"] == "float"
    assert type_field.currentText() == "Number"
    assert QApplication.focusWidget() is view, "the keyboard is back on the table"


def test_tab_while_typing_in_a_cell_keeps_the_text_and_leaves_the_table(keyboard_editor, qtbot):
    view = keyboard_editor.inputs_editor.view
    index = view.model().index(1, 0)
    view.setFocus()
    view.setCurrentIndex(index)
    view.edit(index)
    cell_editor = view.indexWidget(index)
    assert isinstance(cell_editor, QLineEdit)
    cell_editor.selectAll()
    qtbot.keyClicks(cell_editor, "is_vip")

    qtbot.keyClick(cell_editor, Qt.Key.Key_Tab)

    assert stop_name(QApplication.focusWidget()) == "addInputButton"
    assert keyboard_editor.content()[0]["inputs"][1]["identifier"] == "is_vip"
    qtbot.waitUntil(lambda: view.indexWidget(index) is None)


def test_tab_enters_and_leaves_the_form_between_its_neighbours(qtbot, rich_config):
    window = QWidget()
    qtbot.addWidget(window)
    before = QLineEdit(window)
    editor = PromptEditor(window)
    after = QLineEdit(window)
    layout = QHBoxLayout(window)
    for widget in (before, editor, after):
        layout.addWidget(widget)
    editor.set_content(rich_config, None)
    window.resize(1200, 900)
    window.show()
    activate(qtbot, window)

    before.setFocus()
    qtbot.keyClick(before, Qt.Key.Key_Tab)
    assert stop_name(QApplication.focusWidget()) == "modelField"
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Backtab)
    assert QApplication.focusWidget() is before

    editor.parameters_section.toggle.setFocus()
    qtbot.keyClick(editor.parameters_section.toggle, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is after, "past the last part of the form, the window's next part"
    qtbot.keyClick(after, Qt.Key.Key_Backtab)
    assert stop_name(QApplication.focusWidget()) == "parametersFoldToggle"


def test_tab_scrolls_the_part_it_reaches_into_view(keyboard_editor, qtbot):
    keyboard_editor.resize(900, 420)
    QApplication.processEvents()
    bar = keyboard_editor.scroll_area.verticalScrollBar()
    assert bar.value() == 0 and bar.maximum() > 0
    keyboard_editor.response_format_field.setFocus()

    qtbot.keyClick(keyboard_editor.response_format_field, Qt.Key.Key_Tab)

    technique = keyboard_editor.technique_field
    top = technique.mapTo(keyboard_editor.scroll_area.viewport(), QPoint(0, 0)).y()
    assert QApplication.focusWidget() is technique
    assert 0 <= top <= keyboard_editor.scroll_area.viewport().height() - technique.height()


def test_tab_goes_through_the_orkes_form_in_reading_order(qtbot):
    editor = OrkesTemplateEditor()
    qtbot.addWidget(editor)
    editor.set_content({"prompt": "Hi ${name}", "model": "openai:gpt-4o", "description": "Greets",
                        "outputs": [{"identifier": "output", "type": "str"}], "integrations": ["openai:gpt-4o"]},
                       None)
    editor.show()
    activate(qtbot, editor)
    editor.orkes_fields.description_field.setFocus()

    visited = press(qtbot, Qt.Key.Key_Tab, 6)

    assert visited == ["descriptionField", "modelsList", "addModelButton", "removeModelButton", "firstModelButton",
                       "systemPromptEdit", "descriptionField"]
    assert press(qtbot, Qt.Key.Key_Backtab, 2) == ["descriptionField", "systemPromptEdit", "firstModelButton"]


# -- a visible focus frame --------------------------------------------------------------------------------------


def left_edge(widget: QWidget) -> QColor:
    """The colour of the widget's left frame, half-way down."""
    QApplication.processEvents()
    return QColor(widget.grab().toImage().pixel(0, widget.height() // 2))


def frame_colours(qtbot, widget: QWidget) -> tuple[QColor, QColor]:
    """(left frame without focus, left frame with focus)."""
    activate(qtbot, widget.window())
    widget.clearFocus()
    unfocused = left_edge(widget)
    widget.setFocus()
    assert widget.hasFocus()
    return unfocused, left_edge(widget)


def text_boxes_and_lists(editor: PromptEditor) -> list[QWidget]:
    return [
        editor.system_prompt_edit, editor.messages_editor.rows[0].content_edit, editor.inputs_editor.view,
        editor.outputs_editor.view, editor.demonstrations_editor.view, editor.parameters_editor.view,
    ]


def test_every_text_box_and_list_shows_a_focus_frame(keyboard_editor, qtbot):
    highlight = keyboard_editor.palette().color(QPalette.ColorRole.Highlight)
    for widget in text_boxes_and_lists(keyboard_editor):
        unfocused, focused = frame_colours(qtbot, widget)
        assert focused == highlight, f"{stop_name(widget)}: the frame takes the highlight colour with the focus"
        assert unfocused != focused, stop_name(widget)
        assert unfocused != widget.palette().color(QPalette.ColorRole.Window), f"{stop_name(widget)}: a frame"


def test_the_focus_frame_shows_in_the_dark_palette_too(qtbot, rich_config, qapp):
    previous = qapp.palette()
    qapp.setPalette(dark_palette())
    try:
        editor = PromptEditor()
        qtbot.addWidget(editor)
        editor.set_content(rich_config, None)
        editor.resize(900, 1000)
        editor.show()
        qtbot.waitExposed(editor)
        window = editor.palette().color(QPalette.ColorRole.Window)
        for widget in (editor.system_prompt_edit, editor.inputs_editor.view):
            unfocused, focused = frame_colours(qtbot, widget)
            assert focused == QColor("#3d6fb6"), "the dark palette's highlight"
            assert abs(unfocused.lightness() - window.lightness()) > 30, "the frame stands out from the window"
    finally:
        qapp.setPalette(previous)


def test_the_orkes_template_and_models_show_a_focus_frame(qtbot):
    editor = OrkesTemplateEditor()
    qtbot.addWidget(editor)
    editor.show()
    qtbot.waitExposed(editor)
    highlight = editor.palette().color(QPalette.ColorRole.Highlight)
    for widget in (editor.template_edit, editor.orkes_fields.models_list):
        assert frame_colours(qtbot, widget)[1] == highlight


# -- the mouse wheel --------------------------------------------------------------------------------------------


def wheel(widget: QWidget, steps: int = -1) -> QWheelEvent:
    """Turn the wheel over the middle of `widget` (negative: towards the user, which scrolls down).

    A wheel event the widget leaves ignored is offered to its parents, up to the form's scroll area, when it comes
    from the mouse; one sent like this stops at the widget (Qt propagates only spontaneous wheel events).
    """
    centre = QPointF(widget.width() / 2, widget.height() / 2)
    event = QWheelEvent(centre, QPointF(widget.mapToGlobal(centre.toPoint())), QPoint(0, 0), QPoint(0, 120 * steps),
                        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(widget, event)
    return event


def wheel_controls(editor: QWidget) -> list[QWidget]:
    return [*editor.findChildren(QComboBox), *editor.findChildren(QAbstractSpinBox)]


def test_the_wheel_over_a_control_nobody_focused_changes_nothing(keyboard_editor):
    keyboard_editor.model_settings.more_section.set_open(True)
    keyboard_editor.system_prompt_edit.setFocus()
    before = keyboard_editor.content()
    edits = []
    keyboard_editor.sig_edited.connect(lambda: edits.append(1))
    controls = wheel_controls(keyboard_editor)
    names = {control.objectName() for control in controls}
    assert {"modelField", "promptingTechniqueField", "typeField", "messageRoleField", "reasoningEffortField",
            "demonstrationColumnTypeField"} <= names
    assert len(controls) >= 14

    for control in controls:
        shown = (control.currentIndex(), control.currentText()) if isinstance(control, QComboBox) else control.text()
        wheel(control, -1)
        wheel(control, -1)
        after = (control.currentIndex(), control.currentText()) if isinstance(control, QComboBox) else control.text()
        assert after == shown, f"the wheel changed {control.objectName()} {control.accessibleName()!r}"

    assert edits == [], "no edit reached the draft"
    assert keyboard_editor.content() == before


def test_the_wheel_over_an_unfocused_control_goes_on_to_the_form(keyboard_editor):
    keyboard_editor.system_prompt_edit.setFocus()
    type_field = keyboard_editor.inputs_editor.view.indexWidget(keyboard_editor.inputs_editor.model.index(0, 1))
    for control in (keyboard_editor.messages_editor.rows[0].role_field, keyboard_editor.technique_field, type_field):
        assert not wheel(control, -1).isAccepted(), f"{control.objectName()} passes the wheel to the scroll area"

    bar = keyboard_editor.scroll_area.verticalScrollBar()
    keyboard_editor.resize(900, 420)
    QApplication.processEvents()
    wheel(keyboard_editor.scroll_area.viewport(), -1)
    assert bar.value() > 0, "which scrolls the form"


def test_a_focused_control_takes_the_wheel(keyboard_editor):
    edits = []
    keyboard_editor.sig_edited.connect(lambda: edits.append(1))
    technique = keyboard_editor.technique_field
    role = keyboard_editor.messages_editor.rows[0].role_field

    technique.setFocus()
    assert wheel(technique, -1).isAccepted()
    role.setFocus()
    wheel(role, -1)

    assert technique.currentData() == "in_context"
    assert keyboard_editor.content()[0]["prompting_technique"]["type"] == "in_context"
    assert keyboard_editor.content()[0]["messages"][0]["role"] == "assistant"
    assert len(edits) == 2


def test_combo_boxes_take_the_focus_by_click_or_tab_but_not_by_wheel_and_not_in_a_table(keyboard_editor):
    for control in wheel_controls(keyboard_editor):
        policy = control.focusPolicy()
        expected = Qt.FocusPolicy.NoFocus if control.objectName() == "typeField" else Qt.FocusPolicy.StrongFocus
        assert policy == expected, control.objectName()


def test_every_text_box_of_the_form_lets_tab_move_on(keyboard_editor):
    for text_box in keyboard_editor.findChildren(QPlainTextEdit):
        assert text_box.tabChangesFocus(), text_box.accessibleName()
