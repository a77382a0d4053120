"""The one conversion between a prompt response (camelCase R) and the snake_case `configData`."""

from __future__ import annotations

from typing import Any

from pydantic.alias_generators import to_camel

from prompt_studio.models.config import SAMPLING_FIELDS, ConfigData
from prompt_studio.models.prompt import Prompt

_OPTIONAL_STRUCTURES = ("demonstrations", "prompting_technique", "response_format")
_ANSWERED_FIELDS = ("prompt", "model", "messages", "inputs", "outputs", "temperature", "max_tokens",
                    *_OPTIONAL_STRUCTURES)
"""What every version's response shows of its content; the rest only a sync shows, and only of the newest."""


def split_by_answer(config: ConfigData) -> tuple[dict[str, Any], dict[str, Any]]:
    """A content as (what every version's response shows of it, what only the newest version's sync shows)."""
    wire = config.to_wire()
    shown = {key: value for key, value in wire.items() if key in _ANSWERED_FIELDS}
    return shown, {key: value for key, value in wire.items() if key not in _ANSWERED_FIELDS}


def config_from_prompt(prompt: Prompt) -> ConfigData:
    """The `configData` a version holds, as far as its response shows it.

    R repeats the system prompt as its first message; `configData` keeps it only in `prompt`. Sampling fields a
    server echoes under their camelCase names (only `temperature` and `maxTokens` are promised) are taken too.
    """
    messages = list(prompt.messages)
    if messages and messages[0].role == "system" and messages[0].content == prompt.prompt:
        messages = messages[1:]
    data: dict[str, Any] = {
        "prompt": prompt.prompt,
        "model": prompt.model,
        "messages": [message.to_wire() for message in messages],
        "inputs": [item.to_wire() for item in prompt.inputs],
        "outputs": [item.to_wire() for item in prompt.outputs],
    }
    extra = prompt.model_extra or {}
    for field in SAMPLING_FIELDS:
        wire_name = ConfigData.model_fields[field].alias or field
        value = getattr(prompt, field, None)
        if value is None:
            value = extra.get(to_camel(field), extra.get(wire_name))
        if value is not None:
            data[wire_name] = value
    for field in _OPTIONAL_STRUCTURES:
        value = getattr(prompt, field)
        if value is not None:
            data[field] = value.to_wire()
    return ConfigData.model_validate(data)


def write_body_from_config(config: ConfigData, parameters: dict[str, Any] | None = None) -> dict[str, Any]:
    """The camelCase body of `POST /api/prompts` or `PUT /api/prompts/{id}` for this content.

    Only what the create and update routes know is sent; the other sampling fields travel by sync only.
    """
    body: dict[str, Any] = {
        "model": config.model,
        "prompt": config.prompt,
        "messages": [message.to_wire() for message in config.messages],
        "inputs": [item.to_wire() for item in config.inputs],
        "outputs": [item.to_wire() for item in config.outputs],
    }
    if config.temperature is not None:
        body["temperature"] = config.temperature
    if config.max_tokens is not None:
        body["maxTokens"] = config.max_tokens
    if parameters is not None:
        body["parameters"] = parameters
    return body
