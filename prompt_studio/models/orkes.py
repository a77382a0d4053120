"""The Orkes Conductor prompt template on the wire, how it reads as a `configData`, and the one rule of its save
route the user must hear about.

Orkes speaks camelCase and newer servers add fields (`temperature`, `topP`, `responseFormat`, `stopWords`...):
unknown keys are kept, so a save never drops what a newer server wrote.

A template is shown, kept in drafts, compared and merged as a `configData`: the template is `prompt`, the first
integration is `model`, and what only Orkes has travels as keys of its own. The back end and the editor both
convert through the functions here, so "which models does this content name" has one answer.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from pydantic import Field

from prompt_studio.models.base import CamelWireModel
from prompt_studio.models.config import ConfigData
from prompt_studio.models.labels import field_label
from prompt_studio.models.prompt import Prompt
from prompt_studio.models.variables import orkes_variables

_QUOTE = '"'

NO_MODEL = "(no model)"
"""The `model` of the `configData` of a template that names no model.

Orkes allows a template without integrations (`integrations: []`), while a `configData` needs a model. This marker
is the one way "no model" is written in between, so such a template opens, compares, merges and stays in a draft
like any other; `orkes_models` never counts it as a model, so it is never sent to Orkes, and the editor shows it as
"no model". It cannot be a real integration, whose names are `integrationName:modelName`.
"""
PLACEHOLDER_OUTPUTS: list[dict[str, str]] = [{"identifier": "output", "type": "str"}]
"""`configData` needs one output; Orkes has none, so every template shows this one, and saving ignores it."""
KEPT_SETTINGS: tuple[str, ...] = ("temperature", "top_p", "orkes_response_format", "stop_words")
"""The `configData` keys of the settings newer servers keep on a template, which its save route cannot set: they
are shown and kept, never edited. `responseFormat` is "text" or "json", not LangWatch's shape, hence a key of its
own."""


class OrkesTag(CamelWireModel):
    """A key/value label; it belongs to the prompt's name, not to one version."""

    key: str
    value: str


class OrkesPromptTemplate(CamelWireModel):
    """One version of an Orkes "AI prompt template".

    `variables` is computed by the server from the `${name}` placeholders; `integrations` are
    `integrationName:modelName`; times are epoch milliseconds. `version` and `updateTime` are the only change
    markers Orkes has, which is why a safe save remembers them.
    """

    name: str
    template: str = ""
    description: str | None = None
    version: int = 1
    variables: list[str] = Field(default_factory=list)
    integrations: list[str] = Field(default_factory=list)
    tags: list[OrkesTag] = Field(default_factory=list)
    created_by: str | None = None
    create_time: int | None = None
    updated_by: str | None = None
    update_time: int | None = None
    owner_app: str | None = None
    temperature: float | None = None
    top_p: float | None = None
    response_format: str | None = None
    stop_words: list[str] | None = None


class OrkesTestRequest(CamelWireModel):
    """The body of `POST /api/prompts/test`: run a prompt text once on a model, with values for its variables."""

    llm_provider: str
    model: str
    prompt: str
    prompt_variables: dict[str, Any] = Field(default_factory=dict)
    temperature: float | None = None
    top_p: float | None = None
    stop_words: list[str] | None = None


class OrkesToken(CamelWireModel):
    """The answer of `POST /api/token`; the token is a credential, so it never shows in a repr."""

    token: str = Field(repr=False)


def model_of(models: Sequence[str]) -> str:
    """The `model` of a content with these models: the first one (a test runs on it), or NO_MODEL if none."""
    return models[0] if models else NO_MODEL


def orkes_models(model: str | None, integrations: Iterable[object] | None) -> list[str]:
    """The integrations to save for a content's `model` and `integrations`: the model first (the one a test runs
    on), then the others, each once; never a blank, never NO_MODEL."""
    names = [model or "", *(str(item) for item in integrations or ())]
    return [name for name in dict.fromkeys(names) if name.strip() and name != NO_MODEL]


def config_of_template(template: OrkesPromptTemplate) -> ConfigData:
    """The `configData` a template shows as: everything Orkes keeps, so a save or a merge can give it back."""
    data: dict[str, Any] = {
        "prompt": template.template,
        "model": model_of(orkes_models(None, template.integrations)),
        "outputs": PLACEHOLDER_OUTPUTS,
        "description": template.description or "",
        "integrations": list(template.integrations),
    }
    settings = {
        "temperature": template.temperature,
        "top_p": template.top_p,
        "stop_words": list(template.stop_words) if template.stop_words is not None else None,
        "orkes_response_format": template.response_format,
    }
    data.update((key, value) for key, value in settings.items() if value is not None)
    return ConfigData.model_validate(data)


ORKES_ONLY_KEYS = ("description", "integrations", "stop_words", "orkes_response_format")
"""The config keys only Orkes fills; its `responseFormat` is "text" or "json", which is not LangWatch's shape.
A prompt answer made of a template carries them as extra keys, so it holds the whole template."""


def config_of_answer(prompt: Prompt) -> ConfigData:
    """The `configData` of the template a prompt answer was made of (see `OrkesBackend`): the inverse of
    turning a template into an answer, so an Orkes open or save needs no second read."""
    extra = prompt.model_extra or {}
    return config_of_template(OrkesPromptTemplate(
        name=prompt.handle or prompt.id,
        template=prompt.prompt,
        description=extra.get("description"),
        integrations=extra.get("integrations") or [],
        temperature=prompt.temperature,
        top_p=extra.get("topP"),
        response_format=extra.get("orkes_response_format"),
        stop_words=extra.get("stop_words"),
    ))


def template_as_stored(template: str) -> str:
    """The text Orkes keeps for a saved body: it strips one pair of enclosing double quotes, if there is one."""
    if len(template) >= 2 and template.startswith(_QUOTE) and template.endswith(_QUOTE):
        return template[1:-1]
    return template


def quote_stripping_warning(template: str) -> str | None:
    """A sentence for the user when saving would silently lose the template's first and last `"`; else None."""
    if template_as_stored(template) == template:
        return None
    return (
        'This prompt starts and ends with a double quote ("). Orkes removes one pair of enclosing quotes when it '
        "saves, so the saved prompt would lose its first and last quote."
    )


class ConductorErrorBody(CamelWireModel):
    """Conductor's error answer (`{status, code?, message, instance, retryable}`), which has no `error` key.

    The HTTP layer reads it when the flat `{error, message}` body does not fit, so Orkes' own words reach the user
    instead of raw JSON.
    """

    message: str
    code: str | None = None


# -- a prompt carried between the two shapes (Copy to...) -------------------------------------------------------

_LIQUID_VARIABLE = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
_ORKES_VARIABLE = re.compile(r"\$\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}")
_CARRIED_SETTINGS = ("temperature", "top_p")
"""The settings both a LangWatch prompt and an Orkes template hold."""
_LANGWATCH_ONLY = {"demonstrations": "demonstrations", "prompting_technique": "a prompting technique",
                   "response_format": "a structured response format"}


class ShapeMisfit(ValueError):
    """What one shape of prompt holds that the other cannot, in plain words: copying would lose it."""


def _refuse_if(misfits: list[str], where: str) -> None:
    if misfits:
        raise ShapeMisfit(f"{where} cannot hold {', '.join(misfits[:-1])}"
                          + (f" and {misfits[-1]}" if len(misfits) > 1 else misfits[0]) + ".")


def as_orkes_content(config: ConfigData) -> ConfigData:
    """A LangWatch prompt as an Orkes template: its system prompt with `{{ name }}` written `${name}`, its model
    as an integration (`openai/gpt-5` becomes `openai:gpt-5`), temperature and top_p. Anything else it holds
    raises `ShapeMisfit`, since the copy would silently lose it."""
    wire = config.to_wire()
    template = _LIQUID_VARIABLE.sub(r"${\1}", config.prompt)
    misfits = []
    if config.messages:
        misfits.append(f"messages besides the system prompt (this one has {len(config.messages)})")
    misfits += [words for key, words in _LANGWATCH_ONLY.items() if wire.get(key) is not None]
    if len(config.outputs) != 1 or config.outputs[0].type != "str":
        misfits.append("outputs other than one text answer")
    held = ("prompt", "model", "messages", "inputs", "outputs", *_CARRIED_SETTINGS, *_LANGWATCH_ONLY)
    settings = [field_label(key) for key in wire if key not in held]
    if settings:
        misfits.append(f"the settings {', '.join(settings)}")
    if "{{" in template or "{%" in template:
        misfits.append("Liquid tags or filters such as {% if %} (only plain {{ name }} variables carry over)")
    _refuse_if(misfits, "An Orkes prompt")
    model = config.model.replace("/", ":", 1)
    data: dict[str, Any] = {"prompt": template, "model": model, "outputs": PLACEHOLDER_OUTPUTS, "description": "",
                            "integrations": [model]}
    data.update((key, wire[key]) for key in _CARRIED_SETTINGS if key in wire)
    return ConfigData.model_validate(data)


def as_langwatch_content(config: ConfigData) -> ConfigData:
    """An Orkes template as a LangWatch prompt: the template as its system prompt with `${name}` written
    `{{ name }}`, one text input per variable, its model (`openai:gpt-4o` becomes `openai/gpt-4o`), temperature
    and top_p; a description, a second model or stop words raise `ShapeMisfit`."""
    extra = config.model_extra or {}
    models = orkes_models(config.model, extra.get("integrations"))
    misfits = []
    if not models:
        misfits.append("a prompt without a model (choose one first)")
    if len(models) > 1:
        misfits.append(f"more than one model (this one has {len(models)})")
    if extra.get("description"):
        misfits.append("a description")
    if extra.get("stop_words"):
        misfits.append("stop words")
    if extra.get("orkes_response_format") not in (None, "text"):
        misfits.append("Orkes' JSON response format")
    _refuse_if(misfits, "A LangWatch prompt")
    text = _ORKES_VARIABLE.sub(r"{{ \1 }}", config.prompt)
    data: dict[str, Any] = {
        "prompt": text, "model": models[0].replace(":", "/", 1), "outputs": PLACEHOLDER_OUTPUTS,
        "inputs": [{"identifier": name, "type": "str"} for name in orkes_variables([config.prompt])],
    }
    wire = config.to_wire()
    data.update((key, wire[key]) for key in _CARRIED_SETTINGS if key in wire)
    return ConfigData.model_validate(data)
