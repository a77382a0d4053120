"""The snake_case `configData`: everything one version of a LangWatch prompt holds.

All validation of a prompt lives here; forms build a dict, call `ConfigData.model_validate` and show each
error next to the field its `loc` names.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, field_validator

from prompt_studio.models.base import WireModel

Role = Literal["system", "user", "assistant"]
InputType = Literal[
    "str", "float", "bool", "image", "list", "list[str]", "list[float]", "list[int]", "list[bool]", "dict",
    "chat_messages",
]
OutputType = Literal["str", "float", "bool", "json_schema"]
ColumnTypeName = Literal[
    "string", "boolean", "number", "date", "list", "json", "spans", "rag_contexts", "chat_messages",
    "annotations", "evaluations", "image",
]
PromptingTechniqueType = Literal["few_shot", "in_context", "chain_of_thought"]

INPUT_TYPES: tuple[str, ...] = InputType.__args__
OUTPUT_TYPES: tuple[str, ...] = OutputType.__args__
COLUMN_TYPES: tuple[str, ...] = ColumnTypeName.__args__
ROLES: tuple[str, ...] = Role.__args__
PROMPTING_TECHNIQUES: tuple[str, ...] = PromptingTechniqueType.__args__

DEFAULT_MODEL = "openai/gpt-5"
"""The model of a new prompt, as LangWatch's own default."""

Identifier = Annotated[str, Field(min_length=1, pattern=r"\S")]

MAX_TOKENS = 10_000_000
"""Far beyond any model's output; a longer number (a 4,000-digit one was stored) is a mistake, not a setting."""
INT64 = 2**63
"""Seeds and counts beyond a signed 64-bit integer fit no model API (nor an SQLite integer)."""

MAX_VERSION_ANSWER_BYTES = 4 * 1024 * 1024
"""The largest answer `prompt-studio serve` writes for one version of a prompt.

An answer repeats the system prompt (as `prompt` and as the first message) and the first JSON schema output (in
`outputs` and as `responseFormat`), so the server takes request bodies of half this size at most
(server/wire.py), and refuses an update that could grow a prompt past it (server/app.py)."""
MAX_ANSWER_BYTES = 32 * MAX_VERSION_ANSWER_BYTES
"""The most a client reads of one answer (128 MB): a list or a history of 32 prompts at the limit above, or of
some 150,000 ordinary ones (about 800 bytes each). Fitting the two together keeps one writer from making a
library unreadable; a server that still holds a longer list says which prompts make it so (server/app.py)."""


class Message(WireModel):
    role: Role
    content: str


class Input(WireModel):
    identifier: Identifier
    type: InputType


class Output(WireModel):
    identifier: Identifier
    type: OutputType
    json_schema: dict[str, Any] | None = None

    @field_validator("json_schema")
    @classmethod
    def _schema_is_a_json_schema(cls, schema: dict[str, Any] | None) -> dict[str, Any] | None:
        if schema is None:
            return None
        if not isinstance(schema.get("type"), str) or not schema["type"]:
            raise ValueError("a JSON schema needs a 'type', such as \"object\"")
        import jsonschema  # here, not at the top: its 50 ms would be paid by every start, and few prompts have one

        validator = jsonschema.validators.validator_for(schema)
        try:
            validator.check_schema(schema)
        except jsonschema.SchemaError as error:
            where = "/".join(str(part) for part in error.absolute_path) or "the schema"
            raise ValueError(f"not a valid JSON schema at {where}: {error.message}") from None
        return schema


class ColumnType(WireModel):
    id: str | None = None
    name: str
    type: ColumnTypeName


class InlineDemonstrations(WireModel):
    records: dict[str, list[Any]]
    column_types: list[ColumnType] = Field(alias="columnTypes")


class Demonstrations(WireModel):
    id: str | None = None
    name: str | None = None
    inline: InlineDemonstrations | None = None


class PromptingTechnique(WireModel):
    type: PromptingTechniqueType
    demonstrations: Demonstrations | None = None


class JsonSchemaFormat(WireModel):
    name: str
    schema_: dict[str, Any] = Field(alias="schema")


class ResponseFormat(WireModel):
    type: Literal["json_schema"]
    json_schema: JsonSchemaFormat | None


def _unique_identifiers(items: list[Input] | list[Output], kind: str) -> None:
    seen: dict[str, int] = {}
    for position, item in enumerate(items):
        if item.identifier in seen:
            raise ValueError(
                f"{kind} {seen[item.identifier] + 1} and {position + 1} are both named "
                f"'{item.identifier}'; each {kind} needs its own name"
            )
        seen[item.identifier] = position


def response_format_for(outputs: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The structured-output format LangWatch derives from the first `json_schema` output, or None."""
    for output in outputs:
        if output.get("type") == "json_schema":
            return {
                "type": "json_schema",
                "json_schema": {"name": output.get("identifier"), "schema": output.get("json_schema") or {}},
            }
    return None


SAMPLING_FIELDS: tuple[str, ...] = (
    "temperature", "max_tokens", "top_p", "frequency_penalty", "presence_penalty", "seed", "top_k", "min_p",
    "repetition_penalty", "reasoning", "reasoning_effort", "thinking_level", "effort", "verbosity",
)


class ConfigData(WireModel):
    """One version's content, as `POST /sync` takes it and `conflictInfo.remoteConfigData` gives it."""

    prompt: str
    model: Annotated[str, Field(min_length=1, pattern=r"\S")]
    messages: list[Message] = Field(default_factory=list)
    inputs: list[Input] = Field(default_factory=list)
    outputs: Annotated[list[Output], Field(min_length=1)]
    temperature: Annotated[float, Field(ge=0, le=2)] | None = None
    max_tokens: Annotated[int, Field(ge=1, le=MAX_TOKENS)] | None = None
    top_p: Annotated[float, Field(ge=0, le=1)] | None = None
    frequency_penalty: Annotated[float, Field(ge=-2, le=2)] | None = None
    presence_penalty: Annotated[float, Field(ge=-2, le=2)] | None = None
    seed: Annotated[int, Field(ge=-INT64, lt=INT64)] | None = None
    top_k: Annotated[int, Field(ge=0, le=MAX_TOKENS)] | None = None
    min_p: Annotated[float, Field(ge=0, le=1)] | None = None
    repetition_penalty: Annotated[float, Field(gt=0)] | None = None
    reasoning: str | None = None
    reasoning_effort: str | None = None
    thinking_level: str | None = Field(default=None, alias="thinkingLevel")
    effort: str | None = None
    verbosity: str | None = None
    demonstrations: Demonstrations | None = None
    prompting_technique: PromptingTechnique | None = None
    response_format: ResponseFormat | None = None

    @field_validator("inputs")
    @classmethod
    def _inputs_are_unique(cls, inputs: list[Input]) -> list[Input]:
        _unique_identifiers(inputs, "input")
        return inputs

    @field_validator("outputs")
    @classmethod
    def _outputs_are_unique(cls, outputs: list[Output]) -> list[Output]:
        _unique_identifiers(outputs, "output")
        return outputs
