"""The prompts a brand-new library starts with, so a first-time user sees versions, tags and inputs."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class ExampleVersion:
    config_data: dict[str, Any]
    commit_message: str
    parameters: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ExamplePrompt:
    handle: str
    versions: tuple[ExampleVersion, ...]
    production_version: int | None = None
    """The version number the `production` tag points at, if any."""


_TRIAGE_V1 = {
    "prompt": "You sort incoming support tickets for {{product}}. Answer with one category.",
    "model": "openai/gpt-5",
    "messages": [{"role": "user", "content": "Ticket:\n{{input}}"}],
    "inputs": [{"identifier": "input", "type": "str"}, {"identifier": "product", "type": "str"}],
    "outputs": [{"identifier": "category", "type": "str"}],
    "temperature": 0.2,
    "max_tokens": 50,
}

_TRIAGE_V2 = {
    **_TRIAGE_V1,
    "prompt": (
        "You sort incoming support tickets for {{product}}.\n"
        "Answer with exactly one of: billing, bug, how-to, account, other."
    ),
    "temperature": 0,
}

_SUMMARY = {
    "prompt": "You summarise articles for busy readers in {{language}}. Keep the author's tone.",
    "model": "anthropic/claude-sonnet-4-5",
    "messages": [
        {"role": "user", "content": "Summarise in at most {{max_sentences}} sentences:\n\n{{input}}"}
    ],
    "inputs": [
        {"identifier": "input", "type": "str"},
        {"identifier": "language", "type": "str"},
        {"identifier": "max_sentences", "type": "float"},
    ],
    "outputs": [{"identifier": "summary", "type": "str"}],
    "temperature": 0.5,
    "max_tokens": 400,
}

_INVOICE = {
    "prompt": "You read invoices and return their key fields. Use null for a field you cannot find.",
    "model": "openai/gpt-5-mini",
    "messages": [{"role": "user", "content": "{{input}}"}],
    "inputs": [{"identifier": "input", "type": "str"}],
    "outputs": [
        {
            "identifier": "invoice",
            "type": "json_schema",
            "json_schema": {
                "type": "object",
                "properties": {
                    "supplier": {"type": ["string", "null"]},
                    "invoice_number": {"type": ["string", "null"]},
                    "total": {"type": ["number", "null"]},
                    "currency": {"type": ["string", "null"]},
                },
                "required": ["supplier", "invoice_number", "total", "currency"],
            },
        }
    ],
    "temperature": 0,
}

_REPLY = {
    "prompt": "You draft friendly, short replies to customer emails, signed as {{agent_name}}.",
    "model": "openai/gpt-5",
    "messages": [
        {"role": "user", "content": "Where is my order #1234?"},
        {"role": "assistant", "content": "Hi! Your order left our warehouse yesterday. - {{agent_name}}"},
        {"role": "user", "content": "{{input}}"},
    ],
    "inputs": [{"identifier": "input", "type": "str"}, {"identifier": "agent_name", "type": "str"}],
    "outputs": [{"identifier": "reply", "type": "str"}],
    "temperature": 0.7,
    "max_tokens": 300,
}

EXAMPLE_PROMPTS: tuple[ExamplePrompt, ...] = (
    ExamplePrompt(
        "support/triage",
        (
            ExampleVersion(_TRIAGE_V1, "First version"),
            ExampleVersion(_TRIAGE_V2, "Fixed list of categories, no creativity"),
        ),
        production_version=1,
    ),
    ExamplePrompt("summarize-article", (ExampleVersion(_SUMMARY, "First version", {"stream": True}),)),
    ExamplePrompt("extract/invoice-fields", (ExampleVersion(_INVOICE, "First version"),)),
    ExamplePrompt(
        "support/email-reply",
        (
            ExampleVersion({**_REPLY, "temperature": 0.9}, "First version"),
            ExampleVersion(_REPLY, "Less inventive replies"),
        ),
    ),
)
