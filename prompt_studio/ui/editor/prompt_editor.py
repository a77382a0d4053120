"""The prompt editor form: everything one version of a LangWatch prompt holds, bound to `ConfigData`.

The form builds a snake_case `configData` dict, lets `ConfigData.model_validate` judge it and shows each
error next to the field its `loc` names; it has no rules of its own. Keys it does not know are kept and given
back, and parameters that are not set stay absent. Every edit is a snapshot on one undo history
(`FormHistory`), so undo restores the whole form, whatever field had focus. An Orkes template has an editor of its
own (`OrkesTemplateEditor`); this one holds LangWatch's shape, whose templates are Liquid.

Tab goes through the form in reading order (`focus_order`) and leaves every table in one step; a combo box takes
the wheel only once focused, so scrolling over the form never changes a setting.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from prompt_studio.models import (
    DEFAULT_MODEL,
    INPUT_TYPES,
    OUTPUT_TYPES,
    PROMPTING_TECHNIQUES,
    response_format_for,
)
from prompt_studio.models.labels import (
    OUTPUT_TYPE_LABELS,
    TECHNIQUE_LABELS,
    choice_label,
    choice_labels,
    field_label,
    location_label,
    part_label,
)
from prompt_studio.models.problems import Problem
from prompt_studio.models.variables import DETECTED_INPUT_TYPE, prompt_variables
from prompt_studio.ui.editor.content_form import ContentForm
from prompt_studio.ui.editor.demonstrations import DemonstrationsEditor
from prompt_studio.ui.editor.fields_table import FieldListEditor
from prompt_studio.ui.editor.json_schema_editor import JsonSchemaEditor
from prompt_studio.ui.editor.messages import MessagesEditor
from prompt_studio.ui.editor.model_settings import EDITED_KEYS, ModelSettings
from prompt_studio.ui.editor.runtime_parameters import RuntimeParametersEditor
from prompt_studio.ui.editor.widgets import (
    FieldMessage,
    FoldingSection,
    ReflowingRow,
    TemplateTextEdit,
    combo_that_shrinks,
    focus_next_in_order,
    named,
    wheel_only_when_focused,
)
from prompt_studio.ui.highlighting import TemplateSyntax

# The keys the form edits; any other key of a loaded config is kept as it came.
_FORM_KEYS = frozenset({
    "prompt", "messages", "inputs", "outputs", *EDITED_KEYS, "demonstrations", "prompting_technique",
    "response_format",
})
# Keys written even when empty, unless the loaded config did not have them (then "empty" means "still absent").
_ALWAYS_WRITTEN = ("prompt", "model", "messages", "inputs", "outputs")
# Looking for variables reads every text of the prompt; after a keystroke it waits for a short pause instead.
_VARIABLES_CHECK_DELAY_MS = 250
_SYNTAX_HINT = "{{ name }} inserts an input"
_PROMPT_PLACEHOLDER = "Tell the model who it is and how to answer. Use {{ name }} where an input goes."
_BLANK_CONFIG: dict[str, Any] = {
    "prompt": "", "model": DEFAULT_MODEL, "messages": [], "inputs": [],
    "outputs": [{"identifier": "output", "type": "str"}],
}


class PromptEditor(ContentForm):
    """Edits the model, parameters, system prompt, messages, inputs, outputs and extras of one prompt version."""

    template_syntax: TemplateSyntax = "liquid"
    """How the texts write variables; the same attribute on the Orkes editor says "orkes"."""

    def __init__(self, parent: QWidget | None = None, *, editable_fields: tuple[str, ...] | None = None,
                 content_note: str | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("promptEditor")
        self.editable_fields = editable_fields
        """The fields offered, where the back end keeps only some (`Capabilities.editable_fields`); None: all."""
        self.setAccessibleName("Prompt editor")
        self._variables_check = QTimer(self)
        self._variables_check.setSingleShot(True)
        self._variables_check.setInterval(_VARIABLES_CHECK_DELAY_MS)
        self._unknown: dict[str, Any] = {}
        self._absent: set[str] = set()
        self._technique: dict[str, Any] | None = None
        self._response_format: Any = None
        self._missing: list[str] = []

        self.general_message = FieldMessage("promptEditorMessage")
        self.content_note = named(QLabel(content_note or ""), "backendContentNote", "What this prompt holds")
        self.content_note.setWordWrap(True)
        self.content_note.setEnabled(False)
        self.content_note.setVisible(bool(content_note))
        self.prompt_title = self._title("System prompt")
        self.model_settings = ModelSettings(self._undo_keys)
        self.system_prompt_edit = named(
            TemplateTextEdit(self.template_syntax, min_lines=10, max_lines=30), "systemPromptEdit", "System prompt"
        )
        self.system_prompt_edit.setPlaceholderText(_PROMPT_PLACEHOLDER)
        self.syntax_hint = QLabel(_SYNTAX_HINT)
        self.syntax_hint.setObjectName("templateSyntaxHint")
        self.syntax_hint.setEnabled(False)
        self.system_prompt_message = FieldMessage("systemPromptEditMessage")
        self.messages_editor = MessagesEditor(self.template_syntax, self._undo_keys)
        self.missing_variables = QFrame()
        self.missing_variables.setObjectName("missingVariables")
        self.missing_variables.setFrameShape(QFrame.Shape.StyledPanel)
        self.missing_variables_label = named(QLabel(), "missingVariablesLabel", "Variables that are not inputs")
        self.missing_variables_label.setWordWrap(True)
        self.add_missing_button = named(QPushButton("Add as input"), "addMissingInputsButton",
                                        "Add the missing variables as inputs")
        self.inputs_editor = FieldListEditor("input", INPUT_TYPES)
        self.outputs_editor = FieldListEditor("output", OUTPUT_TYPES)
        self.response_format_field = named(QCheckBox("Ask for a JSON answer"), "responseFormatField",
                                           "Ask for a JSON answer")
        self.response_format_note = QLabel()
        self.response_format_note.setWordWrap(True)
        self.response_format_note.setEnabled(False)
        self.response_format_message = FieldMessage("responseFormatFieldMessage")
        self.technique_field = named(wheel_only_when_focused(QComboBox()), "promptingTechniqueField",
                                     "Prompting technique")
        self.technique_field.addItem("None", None)
        for technique in PROMPTING_TECHNIQUES:
            self.technique_field.addItem(choice_label(TECHNIQUE_LABELS, technique), technique)
        combo_that_shrinks(self.technique_field, least_chars=14)  # its list shows a shortened choice whole
        self.technique_message = FieldMessage("promptingTechniqueFieldMessage")
        self.demonstrations_editor = DemonstrationsEditor()
        self.demonstrations_section = FoldingSection("Demonstrations", self.demonstrations_editor,
                                                     "demonstrationsFold")
        self.parameters_editor = RuntimeParametersEditor()
        self.parameters_section = FoldingSection("Runtime parameters", self.parameters_editor, "parametersFold")
        self.scroll_area = QScrollArea()
        self.scroll_area.setObjectName("promptEditorScroll")
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll_area.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # no Tab stop of its own: focus scrolls it

        self._build_layout()
        self._connect_signals()
        self._offer_only_editable_fields()
        self.set_content(_BLANK_CONFIG, None)

    def _offers(self, key: str) -> bool:
        return self.editable_fields is None or key in self.editable_fields

    def _offer_only_editable_fields(self) -> None:
        """Hide what the back end does not keep (a CLI file holds no inputs: the server finds them in the texts)."""
        self.inputs_editor.setVisible(self._offers("inputs"))
        self.technique_row.setVisible(self._offers("prompting_technique"))
        self.demonstrations_section.setVisible(self._offers("demonstrations"))
        self.parameters_section.setVisible(self._offers("parameters"))
        self.model_settings.more_section.setVisible(self._offers("top_p"))

    def _build_layout(self) -> None:
        body = QWidget()
        body.setObjectName("promptEditorBody")
        form = QVBoxLayout(body)
        form.setContentsMargins(0, 4, 12, 12)
        form.setSpacing(8)

        prompt_heading = QHBoxLayout()
        self.prompt_title.setBuddy(self.system_prompt_edit)
        prompt_heading.addWidget(self.prompt_title)
        prompt_heading.addStretch(1)
        prompt_heading.addWidget(self.syntax_hint)
        form.addLayout(prompt_heading)
        form.addWidget(self.system_prompt_edit)
        form.addWidget(self.system_prompt_message)
        form.addSpacing(4)
        form.addWidget(self.messages_editor)

        banner = QHBoxLayout(self.missing_variables)
        banner.setContentsMargins(10, 6, 6, 6)
        banner.addWidget(self.missing_variables_label, 1)
        banner.addWidget(self.add_missing_button)
        form.addWidget(self.missing_variables)
        form.addSpacing(4)

        self.fields_row = ReflowingRow([(self.inputs_editor, 2), (self.outputs_editor, 3)], spacing=16,
                                       stacked_spacing=10)
        form.addWidget(self.fields_row)

        self.response_row = QWidget()
        response = QHBoxLayout(self.response_row)
        response.setContentsMargins(0, 0, 0, 0)
        response.addWidget(self.response_format_field)
        response.addWidget(self.response_format_note, 1)
        form.addWidget(self.response_row)
        form.addWidget(self.response_format_message)

        self.technique_row = QWidget()
        technique = QHBoxLayout(self.technique_row)
        technique.setContentsMargins(0, 0, 0, 0)
        technique_label = QLabel("Prompting technique")
        technique_label.setBuddy(self.technique_field)
        technique.addWidget(technique_label)
        technique.addWidget(self.technique_field)
        technique.addStretch(1)
        form.addWidget(self.technique_row)
        form.addWidget(self.technique_message)
        form.addWidget(self.demonstrations_section)
        form.addWidget(self.parameters_section)
        form.addStretch(1)
        self.scroll_area.setWidget(body)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self.general_message)
        layout.addWidget(self.content_note)
        layout.addWidget(self.model_settings)
        layout.addWidget(self.scroll_area, 1)
        self.addAction(self.undo_action)
        self.addAction(self.redo_action)

    @staticmethod
    def _title(text: str) -> QLabel:
        label = QLabel(text)
        font = label.font()
        font.setBold(True)
        label.setFont(font)
        return label

    def _connect_signals(self) -> None:
        self._variables_check.timeout.connect(self._refresh_missing_variables)
        self.system_prompt_edit.installEventFilter(self._undo_keys)
        self.model_settings.sig_edited.connect(self._on_model_settings_edited)
        self.system_prompt_edit.sig_text_edited.connect(
            lambda done: self._record_edit("prompt", "typing in the system prompt", done)
        )
        self.messages_editor.sig_edited.connect(
            lambda key, done: self._record_edit(key, "messages" if not key else "typing in a message", done)
        )
        self.inputs_editor.sig_edited.connect(lambda: self._record_edit("", "inputs", True))
        self.outputs_editor.sig_edited.connect(self._on_outputs_editor_edited)
        self.outputs_editor.sig_edit_schema_requested.connect(self._on_outputs_editor_edit_schema_requested)
        self.add_missing_button.clicked.connect(self.add_missing_inputs)
        self.response_format_field.toggled.connect(self._on_response_format_field_toggled)
        self.technique_field.currentIndexChanged.connect(self._on_technique_field_current_index_changed)
        self.demonstrations_editor.sig_edited.connect(lambda: self._record_edit("", "demonstrations", True))
        self.parameters_editor.sig_edited.connect(lambda: self._record_edit("", "runtime parameters", True))

    # -- public API ---------------------------------------------------------------------------------------------

    def set_content(
        self, config: dict, parameters: dict | None, *, read_only: bool = False, base_config: dict | None = None,
    ) -> None:
        """Show one version's `configData` (snake_case, as `ConfigData.to_wire()` gives it) and parameters.

        `base_config` is the version a draft was edited from, when `config` is such a draft: a parameter it has
        and the author empties is kept by LangWatch, which the field then says. It defaults to `config`.
        This starts a new history: undo never goes back into the previous prompt.
        """
        self.model_settings.set_base(config if base_config is None else base_config)
        with self._updating_form():
            self._load(config, parameters or {})
        self._history.clear()
        self.set_read_only(read_only)
        self._snapshot = self.content()
        self._refresh()

    def content(self) -> tuple[dict, dict]:
        """(`configData` wire dict, parameters) exactly as edited; parameters that are not set are absent."""
        settings = self.model_settings.values()
        config: dict[str, Any] = {
            "prompt": self.system_prompt_edit.text(),
            "model": settings.pop("model"),
            "messages": self.messages_editor.messages(),
            "inputs": self.inputs_editor.model.rows(),
            "outputs": self.outputs_editor.model.rows(),
            **settings,
        }
        for key in _ALWAYS_WRITTEN:
            if key in self._absent and config[key] in ("", [], None):
                del config[key]
        demonstrations = self.demonstrations_editor.model.demonstrations()
        if demonstrations is not None:
            config["demonstrations"] = demonstrations
        technique = self._technique_value()
        if technique is not None:
            config["prompting_technique"] = technique
        if self._response_format is not None:
            config["response_format"] = self._response_format
        config.update(self._unknown)
        return config, self.parameters_editor.model.parameters()

    def set_read_only(self, read_only: bool) -> None:
        """View without editing (an old version): controls are disabled or read-only, text stays selectable."""
        self._read_only = read_only
        if read_only:
            self._history.clear()
        self.model_settings.set_read_only(read_only)
        self.system_prompt_edit.setReadOnly(read_only)
        self.messages_editor.set_read_only(read_only)
        self.inputs_editor.set_read_only(read_only)
        self.outputs_editor.set_read_only(read_only)
        self.technique_field.setEnabled(not read_only)
        self.demonstrations_editor.set_read_only(read_only)
        self.parameters_editor.set_read_only(read_only)
        self._refresh_response_format()
        self.add_missing_button.setVisible(not read_only)

    # -- the keyboard -------------------------------------------------------------------------------------------

    def focus_order(self) -> list[QWidget]:
        """Every Tab stop of the form in reading order; Tab passes over those hidden or disabled at the time.

        A table is one stop (arrows move inside it); the message rows come right after the system prompt.
        """
        return [
            *self.model_settings.focus_order(),
            self.system_prompt_edit,
            *self.messages_editor.focus_order(),
            self.add_missing_button,
            *self.inputs_editor.focus_order(),
            *self.outputs_editor.focus_order(),
            self.response_format_field,
            self.technique_field,
            self.demonstrations_section.toggle,
            *self.demonstrations_editor.focus_order(),
            self.parameters_section.toggle,
            *self.parameters_editor.focus_order(),
        ]

    def focusNextPrevChild(self, forward: bool) -> bool:
        """Tab and Shift+Tab anywhere in the form: the next stop in reading order, scrolled into view."""
        target = focus_next_in_order(self, self.focus_order(), forward)
        if target is None:
            return super().focusNextPrevChild(forward)
        if self.scroll_area.widget().isAncestorOf(target):
            self.scroll_area.ensureWidgetVisible(target, 0, 24)
        return True

    # -- loading ------------------------------------------------------------------------------------------------

    def _load(self, config: dict[str, Any], parameters: dict[str, Any]) -> None:
        self._unknown = {key: value for key, value in config.items() if key not in _FORM_KEYS}
        self._absent = {key for key in _ALWAYS_WRITTEN if key not in config}
        self.model_settings.set_values(config)
        prompt = str(config.get("prompt", ""))
        messages = [dict(message) for message in config.get("messages") or []]
        declared = [item.get("identifier") for item in config.get("inputs") or [] if isinstance(item, dict)]
        texts = [prompt, *(str(message.get("content", "")) for message in messages)]
        self.system_prompt_edit.set_text(prompt)
        self.messages_editor.set_messages(messages)
        self.inputs_editor.model.set_rows([dict(item) for item in config.get("inputs") or []])
        self.outputs_editor.model.set_rows([dict(item) for item in config.get("outputs") or []])
        self.demonstrations_editor.model.set_demonstrations(config.get("demonstrations"))
        self._set_technique(config.get("prompting_technique"))
        self._response_format = config.get("response_format")
        self.parameters_editor.model.set_parameters(dict(parameters))
        # Underlining after the texts are in redoes only the lines already coloured: a few hundred of a long text.
        self._show_missing_variables(self._missing_variables(texts, declared))

    def _after_edit(self, key: str) -> None:
        """Typing waits for a pause before the variables are looked for again; a structural edit does not."""
        if key:
            self._variables_check.start()
        else:
            self._refresh_missing_variables()

    # -- derived parts: validation, missing inputs, response format, summaries ---------------------------------

    def _refresh(self) -> None:
        errors = self.validation_errors()
        self._show_errors(errors)
        self.parameters_editor.show_problems()
        self._refresh_response_format()
        self.demonstrations_section.set_summary(self.demonstrations_editor.summary())
        self.parameters_section.set_summary(self.parameters_editor.summary())
        self._set_valid(not errors and not self.parameters_editor.model.problems())

    def _show_errors(self, errors: list[Problem]) -> None:
        """Put each model error next to the field its `loc` names."""
        header: dict[str, str] = {}
        lists: dict[str, defaultdict[int, list[str]]] = {
            name: defaultdict(list) for name in ("messages", "inputs", "outputs")
        }
        sections: dict[str, list[str]] = defaultdict(list)
        for error in errors:
            location = error.location
            head = str(location[0]) if location else ""
            if head in EDITED_KEYS:
                header.setdefault(head, error.near(field_label(head)))
            elif head in lists and len(location) > 1 and isinstance(location[1], int):
                lists[head][location[1]].append(error.about(part_label(location[2:]), choice_labels(location)))
            elif head in lists or head in ("prompt", "demonstrations", "prompting_technique", "response_format"):
                subject = part_label(location[1:]) or field_label(head)
                sections[head].append(error.near(subject, choice_labels(location)))
            else:
                sections[""].append(error.near(location_label(location), choice_labels(location)))
        self.model_settings.show_messages(header)
        self.system_prompt_message.set_message("\n".join(sections["prompt"]))
        self.messages_editor.show_messages(
            {position: "\n".join(texts) for position, texts in lists["messages"].items()},
            "\n".join(sections["messages"]),
        )
        for kind, editor in (("inputs", self.inputs_editor), ("outputs", self.outputs_editor)):
            rows = {position: "\n".join(texts) for position, texts in lists[kind].items()}
            editor.model.set_problems(rows)
            singular = kind[:-1].capitalize()
            lines = [f"{singular} {position + 1} — {text}" for position, text in sorted(rows.items())]
            editor.message.set_message("\n".join([*sections[kind], *lines]))
        self.demonstrations_editor.message.set_message(
            "\n".join([*sections["demonstrations"], *self.demonstrations_editor.cell_notes()])
        )
        if sections["demonstrations"]:
            self.demonstrations_section.set_open(True)
        self.technique_message.set_message("\n".join(sections["prompting_technique"]))
        self.response_format_message.set_message("\n".join(sections["response_format"]))
        self.general_message.set_message("\n".join(sections[""]))

    def _missing_variables(self, texts: list[str], declared: list[Any]) -> list[str]:
        return [name for name in prompt_variables(texts) if name not in set(declared)]

    def _refresh_missing_variables(self) -> None:
        texts = [self.system_prompt_edit.text(), *self.messages_editor.texts()]
        missing = self._missing_variables(texts, [row.get("identifier") for row in self.inputs_editor.model.rows()])
        self._show_missing_variables(missing)

    def _show_missing_variables(self, missing: list[str]) -> None:
        """Underline the variables that are not inputs and offer to add them."""
        self._variables_check.stop()
        self.system_prompt_edit.highlighter.set_undeclared_variables(missing)
        self.messages_editor.set_undeclared_variables(missing)
        self.missing_variables.setVisible(bool(missing) and self._offers("inputs"))
        self.missing_variables_label.setText(f"Not an input yet: {', '.join(missing)}")
        self.add_missing_button.setText("Add as inputs" if len(missing) > 1 else "Add as input")
        self.add_missing_button.setVisible(not self._read_only)
        self._missing = missing

    def _refresh_response_format(self) -> None:
        outputs = self.outputs_editor.model.rows()
        derived = response_format_for(outputs)
        current = self._response_format
        self.response_format_field.blockSignals(True)
        self.response_format_field.setChecked(current is not None)
        self.response_format_field.blockSignals(False)
        self.response_format_field.setEnabled(not self._read_only and (derived is not None or current is not None))
        if current is not None:
            name = current.get("json_schema", {}) if isinstance(current, dict) else None
            name = name.get("name") if isinstance(name, dict) else None
            note = f"The model answers with JSON following the schema of “{name}”." if name \
                else "The model answers with JSON."
        elif derived is not None:
            note = f"Off: the answer is free text. Turn on to require the schema of “{derived['json_schema']['name']}”."
        else:
            note = (f"Give an output the type {choice_label(OUTPUT_TYPE_LABELS, 'json_schema')} to ask for "
                    "structured answers.")
        self.response_format_note.setText(note)

    # -- prompting technique ------------------------------------------------------------------------------------

    def _set_technique(self, technique: Any) -> None:
        self._technique = technique if isinstance(technique, dict) else None
        kind = self._technique.get("type") if self._technique else None
        index = self.technique_field.findData(kind)
        if index < 0:
            self.technique_field.addItem(str(kind), kind)
            index = self.technique_field.count() - 1
        self.technique_field.setCurrentIndex(index)

    def _technique_value(self) -> dict[str, Any] | None:
        kind = self.technique_field.currentData()
        if kind is None:
            return None
        return {**(self._technique or {}), "type": kind}

    # -- slots --------------------------------------------------------------------------------------------------

    def _on_model_settings_edited(self, key: str, closes_step: bool) -> None:
        self._record_edit(key, field_label(key.removeprefix("field:")), closes_step)

    def _on_outputs_editor_edited(self) -> None:
        """Keep a response format that followed the first structured output following it."""
        before = response_format_for(self._snapshot[0].get("outputs") or [])
        if self._response_format is not None and self._response_format == before:
            self._response_format = response_format_for(self.outputs_editor.model.rows())
        self._record_edit("", "outputs", True)

    def _on_outputs_editor_edit_schema_requested(self, position: int) -> None:
        row = self.outputs_editor.model.rows()[position]
        name = str(row.get("identifier") or f"output {position + 1}")
        schema = row.get("json_schema")
        dialog = JsonSchemaEditor(name, schema if isinstance(schema, dict) else None, read_only=self._read_only,
                                  parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.sig_schema_accepted.connect(lambda accepted: self.outputs_editor.model.set_schema(position, accepted))
        dialog.open()

    def add_missing_inputs(self) -> None:
        """Declare the variables the texts read as inputs (Text), as one edit that Undo takes back."""
        self._refresh_missing_variables()  # now, not after the pause in typing the check waits for
        if self._read_only or not self._missing:
            return
        rows = self.inputs_editor.model.rows()
        rows += [{"identifier": name, "type": DETECTED_INPUT_TYPE} for name in self._missing]
        self.inputs_editor.model.set_rows(rows)
        self._record_edit("", "adding inputs", True)

    def _on_response_format_field_toggled(self, checked: bool) -> None:
        self._response_format = response_format_for(self.outputs_editor.model.rows()) if checked else None
        self._record_edit("", "response format", True)

    def _on_technique_field_current_index_changed(self, _index: int) -> None:
        self._record_edit("", "prompting technique", True)
