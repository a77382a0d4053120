"""Which of a prompt's parameters a provider is sent, and why the others are left out.

Only parameters the prompt sets are considered ("not set" is never sent as a default), and only those the provider
accepts are sent; each one left out says why, so Try it can show it next to the answer.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from prompt_studio.models.config import response_format_for
from prompt_studio.providers.settings import ProviderKind

ANTHROPIC_DEFAULT_MAX_TOKENS = 4096
"""Anthropic requires `max_tokens`: a prompt that sets none is sent this many, and told so."""

OPENAI_PARAMETERS = ("temperature", "top_p", "frequency_penalty", "presence_penalty", "seed", "stop",
                     "reasoning_effort")
ANTHROPIC_PARAMETERS = ("stop",)
ANTHROPIC_FIXED_SAMPLING = ("temperature", "top_p", "top_k")
"""The `anthropic` package (2.x) takes none of these any more: Anthropic's current Messages API fixes sampling."""
CONSIDERED = (*dict.fromkeys((*OPENAI_PARAMETERS, *ANTHROPIC_PARAMETERS, "max_tokens", "min_p",
                              "repetition_penalty", "verbosity")),)

_REASONING_MODEL = re.compile(r"^(o\d+|gpt-5)(?![\w.-]*-chat)", re.IGNORECASE)
_FIXED_BY_REASONING = ("temperature", "top_p", "frequency_penalty", "presence_penalty")


def _anthropic_version() -> str:
    from importlib.metadata import version

    return version("anthropic")


def is_reasoning_model(model: str) -> bool:
    """OpenAI's o-series and gpt-5 family (not `gpt-5-chat-latest`): their sampling is fixed."""
    return bool(_REASONING_MODEL.match(model.rsplit("/", 1)[-1]))


@dataclass
class Parameters:
    """What goes on the wire besides the model and the messages, and what was left out, with why."""

    sent: dict[str, Any] = field(default_factory=dict)
    left_out: dict[str, str] = field(default_factory=dict)
    """parameter -> why, in plain words."""
    notes: list[str] = field(default_factory=list)
    """Values the app chose, in plain words (Anthropic's default max tokens)."""
    schema: dict[str, Any] | None = None
    """The `json_schema` output's schema the answer is checked against, if any."""


def _set(config: Mapping[str, Any], name: str) -> bool:
    value = config.get(name)
    return value is not None and value != "" and value != []


def _stop(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else [str(item) for item in value]


def plan_parameters(config: Mapping[str, Any], kind: ProviderKind, model: str) -> Parameters:
    """The parameters for `model` (its wire name) at a provider of `kind`, from a snake_case configData."""
    plan = Parameters()
    given = [name for name in CONSIDERED if _set(config, name)]
    response_format = response_format_for(list(config.get("outputs") or []))
    if response_format is not None:
        plan.schema = response_format["json_schema"]["schema"]
    if kind == "anthropic":
        _plan_anthropic(config, given, plan, response_format)
    else:
        _plan_openai(config, given, plan, response_format, kind, model)
    return plan


def _plan_openai(config: Mapping[str, Any], given: list[str], plan: Parameters,
                 response_format: dict[str, Any] | None, kind: ProviderKind, model: str) -> None:
    reasoning = kind in ("openai", "azure") and is_reasoning_model(model)
    for name in given:
        value = config[name]
        if name == "max_tokens":
            # OpenAI's own API deprecated max_tokens (reasoning models refuse it); other servers know only it.
            plan.sent["max_completion_tokens" if kind in ("openai", "azure") else "max_tokens"] = value
        elif reasoning and name in _FIXED_BY_REASONING:
            plan.left_out[name] = (
                f"{model} is a reasoning model: it takes only its own {name.replace('_', ' ')} "
                "(LangWatch pins it too), so the prompt's value was not sent"
            )
        elif name == "reasoning_effort" and kind in ("openai", "azure") and not reasoning:
            plan.left_out[name] = f"{model} is not a reasoning model, so it takes no reasoning effort"
        elif name == "stop":
            plan.sent["stop"] = _stop(value)
        elif name in OPENAI_PARAMETERS:
            plan.sent[name] = value
        else:
            plan.left_out[name] = "the OpenAI chat completions API has no such parameter"
    if response_format is not None:
        plan.sent["response_format"] = response_format


def _plan_anthropic(config: Mapping[str, Any], given: list[str], plan: Parameters,
                    response_format: dict[str, Any] | None) -> None:
    for name in given:
        value = config[name]
        if name == "max_tokens":
            plan.sent["max_tokens"] = value
        elif name == "stop":
            plan.sent["stop_sequences"] = _stop(value)
        elif name in ANTHROPIC_FIXED_SAMPLING:
            plan.left_out[name] = (
                f"Anthropic's Messages API (as the anthropic package {_anthropic_version()} sends it) no longer "
                f"takes a {name.replace('_', ' ')}: its models choose their own"
            )
        elif name in ANTHROPIC_PARAMETERS:
            plan.sent[name] = value
        elif name == "reasoning_effort":
            plan.left_out[name] = "Anthropic's Messages API takes a thinking budget, not a reasoning effort"
        else:
            plan.left_out[name] = "Anthropic's Messages API has no such parameter"
    if "max_tokens" not in plan.sent:
        plan.sent["max_tokens"] = ANTHROPIC_DEFAULT_MAX_TOKENS
        plan.notes.append(
            f"Anthropic needs a maximum answer length and the prompt sets none: {ANTHROPIC_DEFAULT_MAX_TOKENS} "
            "tokens were asked for"
        )
    if response_format is not None:
        plan.sent["output_config"] = {"format": {"type": "json_schema",
                                                 "schema": response_format["json_schema"]["schema"]}}
