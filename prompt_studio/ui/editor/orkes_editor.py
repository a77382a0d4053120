"""The editor of an Orkes Conductor prompt template: what one version holds there, and nothing Orkes does not keep.

An Orkes template is one text with `${name}` variables, a description and the models (integrations) it may run on,
the first being the one Test prompt runs on. Newer servers also keep a temperature, a top P, a response format and
stop words that the save route cannot set, so they are shown read-only. Key/value tags belong to the prompt's name,
not to a version, and are edited in their own dialog.

The form reads and writes the same `configData` dict as the LangWatch editor, through the rules of `models.orkes`
(a template without a model has `NO_MODEL`, shown here as "no model"). It edits the template, the description and
the models; every other key is given back as it came, and so is a field left untouched. Validation is the model's,
and one undo history covers the whole form.
"""

from __future__ import annotations

import copy
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

from prompt_studio.models.labels import location_label
from prompt_studio.models.orkes import PLACEHOLDER_OUTPUTS, model_of, orkes_models, quote_stripping_warning
from prompt_studio.models.variables import orkes_variables
from prompt_studio.ui.editor.content_form import ContentForm
from prompt_studio.ui.editor.orkes_fields import OrkesFields
from prompt_studio.ui.editor.widgets import FieldMessage, TemplateTextEdit, named
from prompt_studio.ui.highlighting import TemplateSyntax

_SYNTAX_HINT = "${name} inserts a variable"
_TEMPLATE_PLACEHOLDER = ("Tell the model who it is and how to answer. Write ${name} where a value goes: the workflow "
                         "that runs the prompt fills it in.")
_NO_VARIABLES = "No variables: write ${name} to add one."
_BLANK_CONFIG: dict[str, Any] = {
    "prompt": "", "model": model_of([]), "outputs": PLACEHOLDER_OUTPUTS, "description": "", "integrations": [],
}


class OrkesTemplateEditor(ContentForm):
    """Edits the template, description and models of one Orkes prompt version; shows its variables and the
    settings Orkes keeps. Offers the main window the same interface as `PromptEditor`."""

    template_syntax: TemplateSyntax = "orkes"
    """How the template writes variables (`${name}`), for the window's Test prompt."""

    def __init__(self, parent: QWidget | None = None, *, content_note: str | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("orkesTemplateEditor")
        self.setAccessibleName("Orkes prompt template editor")
        self._loaded: dict[str, Any] = {}
        self._loaded_description = ""
        self._loaded_models: list[str] = []
        self._parameters: dict[str, Any] = {}

        self.general_message = FieldMessage("promptEditorMessage")
        self.content_note = QLabel(content_note or "")
        self.content_note.setObjectName("backendContentNote")
        self.content_note.setWordWrap(True)
        self.content_note.setEnabled(False)
        self.content_note.setVisible(bool(content_note))
        self.orkes_fields = OrkesFields(self._undo_keys)
        self.template_title = QLabel("Template")
        font = self.template_title.font()
        font.setBold(True)
        self.template_title.setFont(font)
        self.syntax_hint = QLabel(_SYNTAX_HINT)
        self.syntax_hint.setObjectName("templateSyntaxHint")
        self.syntax_hint.setEnabled(False)
        self.template_edit = named(TemplateTextEdit(self.template_syntax, min_lines=10, max_lines=30),
                                   "systemPromptEdit", "Template")
        self.template_edit.setPlaceholderText(_TEMPLATE_PLACEHOLDER)
        self.template_message = FieldMessage("systemPromptEditMessage")
        self.quote_warning = FieldMessage("quoteStrippingWarning")
        self.detected_variables = named(QLabel(), "detectedVariablesLabel", "Variables of the template")
        self.detected_variables.setWordWrap(True)
        self.detected_variables.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.scroll_area = QScrollArea()
        self.scroll_area.setObjectName("promptEditorScroll")
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll_area.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # no Tab stop of its own, with no visible focus

        body = QWidget()
        body.setObjectName("promptEditorBody")
        form = QVBoxLayout(body)
        form.setContentsMargins(0, 4, 12, 12)
        form.setSpacing(8)
        form.addWidget(self.orkes_fields)
        form.addSpacing(4)
        heading = QHBoxLayout()
        self.template_title.setBuddy(self.template_edit)
        heading.addWidget(self.template_title)
        heading.addStretch(1)
        heading.addWidget(self.syntax_hint)
        form.addLayout(heading)
        form.addWidget(self.template_edit)
        form.addWidget(self.template_message)
        form.addWidget(self.quote_warning)
        form.addWidget(self.detected_variables)
        form.addStretch(1)
        self.scroll_area.setWidget(body)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self.general_message)
        layout.addWidget(self.content_note)
        layout.addWidget(self.scroll_area, 1)
        self.addAction(self.undo_action)
        self.addAction(self.redo_action)

        self.template_edit.installEventFilter(self._undo_keys)
        self.template_edit.sig_text_edited.connect(self._on_template_edit_text_edited)
        self.orkes_fields.sig_edited.connect(self._on_orkes_fields_edited)
        self.set_content(_BLANK_CONFIG, None)

    # -- the interface the main window uses (the same as PromptEditor's) ----------------------------------------

    def set_content(
        self, config: dict, parameters: dict | None, *, read_only: bool = False, base_config: dict | None = None,
    ) -> None:
        """Show one version's `configData` (snake_case, as `ConfigData.to_wire()` gives it); starts a new history.

        `base_config` is what a draft started from; the LangWatch form uses it to explain a cleared sampling field.
        Orkes's settings are shown read-only, so none can be cleared here and it is not needed.

        Orkes has no runtime parameters: any given are kept and given back as they came.
        """
        with self._updating_form():
            self._load(config, parameters or {})
        self._history.clear()
        self.set_read_only(read_only)
        self._snapshot = self.content()
        self._refresh()

    def content(self) -> tuple[dict, dict]:
        """(`configData` wire dict, parameters): the loaded content with the author's edits of the template, the
        description and the models; a field left as it was loaded comes back exactly as it came."""
        config = {**copy.deepcopy(self._loaded), "prompt": self.template_edit.text()}
        description = self.orkes_fields.description()
        if description != self._loaded_description:
            config["description"] = description
        models = self.orkes_fields.models()
        if models != self._loaded_models:
            config["model"] = model_of(models)
            config["integrations"] = models
        return config, copy.deepcopy(self._parameters)

    def set_read_only(self, read_only: bool) -> None:
        """View without editing (an old version): the text stays selectable, nothing can be changed."""
        self._read_only = read_only
        if read_only:
            self._history.clear()
        self.template_edit.setReadOnly(read_only)
        self.orkes_fields.set_read_only(read_only)

    # -- loading ------------------------------------------------------------------------------------------------

    def _load(self, config: dict[str, Any], parameters: dict[str, Any]) -> None:
        self._loaded = copy.deepcopy(config)
        self._parameters = copy.deepcopy(parameters)
        self._loaded_description = str(config.get("description") or "")
        self._loaded_models = orkes_models(config.get("model"), config.get("integrations"))
        self.template_edit.set_text(str(config.get("prompt", "")))
        self.orkes_fields.set_values(self._loaded_description, self._loaded_models, config)

    # -- derived parts: variables, the quote warning, validation ------------------------------------------------

    def _refresh(self) -> None:
        text = self.template_edit.text()
        self.quote_warning.set_message(quote_stripping_warning(text) or "")
        variables = orkes_variables([text])
        self.detected_variables.setText(f"Variables: {', '.join(variables)}" if variables else _NO_VARIABLES)
        errors = self.validation_errors()
        self.template_message.set_message("\n".join(error.near("The template") for error in errors
                                                    if error.location[:1] == ("prompt",)))
        self.general_message.set_message("\n".join(error.near(location_label(error.location)) for error in errors
                                                   if error.location[:1] != ("prompt",)))
        self._set_valid(not errors)

    # -- slots --------------------------------------------------------------------------------------------------

    def _on_template_edit_text_edited(self, word_finished: bool) -> None:
        self._record_edit("prompt", "typing in the template", word_finished)

    def _on_orkes_fields_edited(self, key: str, closes_step: bool) -> None:
        self._record_edit(key, "typing the description" if key else "models", closes_step)
