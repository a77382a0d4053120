"""The Orkes Conductor prompt template on the wire, and the one rule of its save route the user must hear about.

Orkes speaks camelCase and newer servers add fields (`temperature`, `topP`, `responseFormat`, `stopWords`...):
unknown keys are kept, so a save never drops what a newer server wrote.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from prompt_studio.models.base import CamelWireModel

_QUOTE = '"'


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
