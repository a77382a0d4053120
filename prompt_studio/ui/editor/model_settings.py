"""The model and its sampling parameters, each clearly "not set" until the author sets it.

"Not set" differs from "set to the default": an empty field is absent from the content, so saving never
invents a value. Fields hold text as typed; numbers are read from it and the model judges them, so the ranges
live only in `ConfigData`. Emptying a field that had a value cannot take the value away on LangWatch (a field
left out of a sync is carried over), so the field says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QGridLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from prompt_studio.models import DEFAULT_MODEL
from prompt_studio.models.labels import field_label
from prompt_studio.models.problems import cleared_parameter_note
from prompt_studio.ui.editor.widgets import (
    FieldMessage,
    FoldingSection,
    ReflowingRow,
    UndoKeysToForm,
    combo_that_shrinks,
    named,
    wheel_only_when_focused,
)

COMMON_MODELS: tuple[str, ...] = (
    DEFAULT_MODEL,
    "openai/gpt-5-mini",
    "openai/gpt-4.1",
    "openai/gpt-4.1-mini",
    "openai/gpt-4o",
    "openai/gpt-4o-mini",
    "anthropic/claude-sonnet-4-5",
    "anthropic/claude-opus-4-1",
    "anthropic/claude-haiku-4-5",
    "gemini/gemini-2.5-pro",
    "gemini/gemini-2.5-flash",
    "mistral/mistral-large-latest",
)
_LEVELS = ("low", "medium", "high")
_MODEL_HELP = "Which model answers, as provider/model. Pick one or type any other name."


@dataclass(frozen=True)
class SamplingField:
    """How one sampling parameter of `configData` is shown."""

    wire_name: str
    object_name: str
    help: str
    suggestions: tuple[str, ...] | None = None  # None: a number; a tuple: words to pick from (or type)
    common: bool = False

    @property
    def label(self) -> str:
        return field_label(self.wire_name)


SAMPLING_FIELDS: tuple[SamplingField, ...] = (
    SamplingField("temperature", "temperatureField",
                  "How varied the answers are: 0 is focused and repeatable, higher is more creative.", common=True),
    SamplingField("max_tokens", "maxTokensField",
                  "The longest answer the model may write, in tokens (about ¾ of a word each).", common=True),
    SamplingField("top_p", "topPField",
                  "Only consider the most likely words that together make up this share (0 to 1)."),
    SamplingField("frequency_penalty", "frequencyPenaltyField", "Discourage repeating the same words (-2 to 2)."),
    SamplingField("presence_penalty", "presencePenaltyField", "Encourage new topics (-2 to 2)."),
    SamplingField("seed", "seedField", "A whole number that makes answers more repeatable."),
    SamplingField("top_k", "topKField", "Only consider this many of the most likely next words."),
    SamplingField("min_p", "minPField", "Ignore words less likely than this share of the best one."),
    SamplingField("repetition_penalty", "repetitionPenaltyField",
                  "Above 1 discourages repetition, below 1 allows more of it."),
    SamplingField("reasoning", "reasoningField", "How much the model thinks before answering.", _LEVELS),
    SamplingField("reasoning_effort", "reasoningEffortField", "How hard a reasoning model works on the answer.",
                  ("minimal", *_LEVELS)),
    SamplingField("thinkingLevel", "thinkingLevelField", "Gemini's thinking budget.", ("low", "high")),
    SamplingField("effort", "effortField", "Claude's effort setting.", _LEVELS),
    SamplingField("verbosity", "verbosityField", "How long and detailed the answers are.", _LEVELS),
)
"""In the order of `models.labels.WIRE_SAMPLING_FIELDS`."""
EDITED_KEYS: frozenset[str] = frozenset({"model", *(field.wire_name for field in SAMPLING_FIELDS)})
"""The top-level keys of `configData` these settings edit."""


def _number_from_text(text: str) -> Any:
    """A number when the text reads as one; otherwise the text itself, for the model to reject by name."""
    stripped = text.strip()
    if not stripped:
        return None
    try:
        return int(stripped)
    except ValueError:
        pass
    try:
        return float(stripped)
    except ValueError:
        return text


def _text_of(value: Any) -> str:
    return "" if value is None else str(value)


class OptionalNumberField(QLineEdit):
    """A number that may be "not set" (empty, with a clear button to unset it)."""

    sig_value_edited = Signal()
    """The user typed in the field or cleared it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._loaded_value: Any = None
        self._loaded_text = ""
        self.setPlaceholderText("not set")
        self.setClearButtonEnabled(True)
        self._setting = False
        self.setFixedWidth(self.fontMetrics().horizontalAdvance("0.0000000") + 36)
        self.textChanged.connect(self._on_text_changed)

    def value(self) -> Any:
        """The number typed, None when empty; a value loaded and left untouched comes back as it was."""
        if self.text() == self._loaded_text:
            return self._loaded_value
        return _number_from_text(self.text())

    def set_value(self, value: Any) -> None:
        self._loaded_value = value
        self._loaded_text = _text_of(value)
        if self.text() != self._loaded_text:
            self._setting = True
            self.setText(self._loaded_text)
            self._setting = False

    def _on_text_changed(self, _text: str) -> None:
        if not self._setting:
            self.sig_value_edited.emit()


class OptionalChoiceField(QComboBox):
    """A word picked from suggestions or typed freely, or "not set" when empty."""

    sig_value_edited = Signal()
    """The user picked, typed or cleared a value."""

    def __init__(self, suggestions: tuple[str, ...], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._loaded_value: Any = None
        self._loaded_text = ""
        wheel_only_when_focused(self)
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.addItems(list(suggestions))
        self.setCurrentIndex(-1)
        self.lineEdit().setPlaceholderText("not set")
        self.lineEdit().setClearButtonEnabled(True)
        self._setting = False
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("medium") + 80)
        self.currentTextChanged.connect(self._on_current_text_changed)

    def value(self) -> Any:
        text = self.currentText()
        if text == self._loaded_text:
            return self._loaded_value
        return text or None

    def set_value(self, value: Any) -> None:
        self._loaded_value = value
        self._loaded_text = _text_of(value)
        if self.currentText() != self._loaded_text:
            self._setting = True
            self.setCurrentIndex(self.findText(self._loaded_text) if self._loaded_text else -1)
            self.setEditText(self._loaded_text)
            self._setting = False

    def _on_current_text_changed(self, _text: str) -> None:
        if not self._setting:
            self.sig_value_edited.emit()


class ModelSettings(QWidget):
    """Model name, the two everyday parameters, and the rest folded under "More parameters"."""

    sig_edited = Signal(str, bool)
    """The user changed a setting: (undo key for typing that may merge into one step, whether a step ended)."""

    def __init__(self, undo_keys: UndoKeysToForm, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model_field = named(wheel_only_when_focused(QComboBox()), "modelField", "Model")
        self.model_field.setEditable(True)
        self.model_field.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.model_field.addItems(list(COMMON_MODELS))
        self.model_field.setToolTip(_MODEL_HELP)
        self.model_field.lineEdit().setPlaceholderText(f"provider/model, e.g. {DEFAULT_MODEL}")
        # anthropic/claude-sonnet-4-5 where there is room, openai/gpt-4o-mini at the least; longer names scroll.
        combo_that_shrinks(self.model_field, least_chars=18, preferred_chars=27)
        self._loaded_model: Any = None
        self._base: dict[str, Any] = {}
        self._setting_model = False
        self.labels: dict[str, QLabel] = {}
        self.fields: dict[str, OptionalNumberField | OptionalChoiceField] = {}
        self.messages: dict[str, FieldMessage] = {"model": FieldMessage("modelFieldMessage")}
        for spec in SAMPLING_FIELDS:
            field = OptionalNumberField() if spec.suggestions is None else OptionalChoiceField(spec.suggestions)
            named(field, spec.object_name, spec.label)
            field.setToolTip(spec.help)
            self.fields[spec.wire_name] = field
            self.messages[spec.wire_name] = FieldMessage(f"{spec.object_name}Message")
        self._more_body = QWidget()
        self.more_section = FoldingSection("More parameters", self._more_body, "moreParameters")

        model_part = QWidget()
        model_grid = self._grid(model_part)
        model_grid.addWidget(self._label_for(field_label("model"), self.model_field), 0, 0)
        model_grid.addWidget(self.model_field, 0, 1)
        model_grid.addWidget(self.messages["model"], 1, 1, 1, 2)
        model_grid.setColumnStretch(2, 1)
        sampling_part = QWidget()
        sampling_grid = self._grid(sampling_part)
        column = 0
        for row, spec in enumerate(spec for spec in SAMPLING_FIELDS if spec.common):
            self.labels[spec.wire_name] = self._label_for(spec.label, self.fields[spec.wire_name])
            sampling_grid.addWidget(self.labels[spec.wire_name], 0, column)
            sampling_grid.addWidget(self.fields[spec.wire_name], 0, column + 1)
            sampling_grid.addWidget(self.messages[spec.wire_name], 1 + row, column + 1, 1, 4 - column)
            column += 2
        sampling_grid.setColumnStretch(column, 1)
        self.header_row = ReflowingRow([(model_part, 0), (sampling_part, 1)], spacing=20, stacked_spacing=4)
        more = QGridLayout(self._more_body)
        more.setContentsMargins(18, 0, 0, 4)
        more.setHorizontalSpacing(8)
        more.setVerticalSpacing(4)
        folded = [spec for spec in SAMPLING_FIELDS if not spec.common]
        for position, spec in enumerate(folded):
            row, column = 2 * (position // 2), 3 * (position % 2)
            self.labels[spec.wire_name] = self._label_for(spec.label, self.fields[spec.wire_name])
            more.addWidget(self.labels[spec.wire_name], row, column)
            more.addWidget(self.fields[spec.wire_name], row, column + 1, Qt.AlignmentFlag.AlignLeft)
            more.addWidget(self.messages[spec.wire_name], row + 1, column + 1, 1, 2)
        more.setColumnStretch(2, 1)
        more.setColumnStretch(5, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.header_row)
        layout.addWidget(self.more_section)

        self.model_field.lineEdit().installEventFilter(undo_keys)
        self.model_field.currentTextChanged.connect(self._on_model_field_current_text_changed)
        for wire_name, field in self.fields.items():
            editor = field if isinstance(field, QLineEdit) else field.lineEdit()
            editor.installEventFilter(undo_keys)
            field.sig_value_edited.connect(lambda wire_name=wire_name: self._on_field_edited(wire_name))

    @staticmethod
    def _grid(part: QWidget) -> QGridLayout:
        grid = QGridLayout(part)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(4)
        return grid

    @staticmethod
    def _label_for(text: str, field: QWidget) -> QLabel:
        label = QLabel(text)
        label.setBuddy(field)
        return label

    def values(self) -> dict[str, Any]:
        """`model` and every sampling parameter that is set, under their `configData` names."""
        model_text = self.model_field.currentText()
        values: dict[str, Any] = {
            "model": self._loaded_model if model_text == _text_of(self._loaded_model) else model_text
        }
        for wire_name, field in self.fields.items():
            value = field.value()
            if value is not None:
                values[wire_name] = value
        return values

    def set_values(self, config: dict[str, Any]) -> None:
        self._loaded_model = config.get("model")
        model_text = _text_of(self._loaded_model)
        if self.model_field.currentText() != model_text:
            self._setting_model = True
            self.model_field.setCurrentIndex(self.model_field.findText(model_text))
            self.model_field.setEditText(model_text)
            self._setting_model = False
        for wire_name, field in self.fields.items():
            field.set_value(config.get(wire_name))
        self._update_summary()

    def set_base(self, config: dict[str, Any]) -> None:
        """The version the content was edited from: what LangWatch keeps for a parameter left empty."""
        self._base = {spec.wire_name: config.get(spec.wire_name) for spec in SAMPLING_FIELDS}

    def focus_order(self) -> list[QWidget]:
        """The Tab stops in reading order: model, the two everyday parameters, More parameters and what it holds."""
        common = [self.fields[spec.wire_name] for spec in SAMPLING_FIELDS if spec.common]
        folded = [self.fields[spec.wire_name] for spec in SAMPLING_FIELDS if not spec.common]
        return [self.model_field, *common, self.more_section.toggle, *folded]

    def set_read_only(self, read_only: bool) -> None:
        self.model_field.setEnabled(not read_only)
        for field in self.fields.values():
            if isinstance(field, QLineEdit):
                field.setReadOnly(read_only)
                field.setClearButtonEnabled(not read_only)
            else:
                field.setEnabled(not read_only)

    def show_messages(self, messages: dict[str, str]) -> None:
        """Show each field's problem under it (a sentence naming the field, since a message may span columns);
        a field emptied that had a value says what LangWatch will do with it."""
        shown = {key: messages.get(key) or self._cleared_note(key) for key in self.messages}
        for key, label in self.messages.items():
            label.set_message(shown[key])
            field = self.model_field if key == "model" else self.fields[key]
            field.setToolTip(shown[key] or self._help_of(key))
        if any(messages.get(spec.wire_name) for spec in SAMPLING_FIELDS if not spec.common):
            self.more_section.set_open(True)

    def _cleared_note(self, key: str) -> str:
        previous = self._base.get(key)
        if key == "model" or previous is None or self.fields[key].value() is not None:
            return ""
        return cleared_parameter_note(previous)

    @staticmethod
    def _help_of(key: str) -> str:
        if key == "model":
            return _MODEL_HELP
        return next(spec.help for spec in SAMPLING_FIELDS if spec.wire_name == key)

    def _on_model_field_current_text_changed(self, _text: str) -> None:
        if not self._setting_model:
            self.sig_edited.emit("model", False)

    def _on_field_edited(self, wire_name: str) -> None:
        self._update_summary()
        self.sig_edited.emit(f"field:{wire_name}", False)

    def _update_summary(self) -> None:
        count = sum(
            1 for spec in SAMPLING_FIELDS if not spec.common and self.fields[spec.wire_name].value() is not None
        )
        self.more_section.set_summary(f"{count} set" if count else "")
