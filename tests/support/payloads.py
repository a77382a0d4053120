"""Request bodies the server tests send, written as a LangWatch client would send them."""

from __future__ import annotations

from typing import Any


def create_body(handle: str, **overrides: Any) -> dict[str, Any]:
    """A complete `POST /api/prompts` body (camelCase)."""
    body: dict[str, Any] = {
        "handle": handle,
        "prompt": "You answer questions about {{topic}}.",
        "model": "openai/gpt-5",
        "messages": [{"role": "user", "content": "{{question}}"}],
        "inputs": [{"identifier": "question", "type": "str"}, {"identifier": "topic", "type": "str"}],
        "outputs": [{"identifier": "answer", "type": "str"}],
        "temperature": 0.7,
        "maxTokens": 256,
        "commitMessage": "First version",
    }
    body.update(overrides)
    return body


def config_data(prompt: str = "You answer questions about {{topic}}.", **overrides: Any) -> dict[str, Any]:
    """A snake_case `configData` equal to what `create_body` stores, unless `overrides` change it."""
    data: dict[str, Any] = {
        "prompt": prompt,
        "model": "openai/gpt-5",
        "messages": [{"role": "user", "content": "{{question}}"}],
        "inputs": [{"identifier": "question", "type": "str"}, {"identifier": "topic", "type": "str"}],
        "outputs": [{"identifier": "answer", "type": "str"}],
        "temperature": 0.7,
        "max_tokens": 256,
    }
    data.update(overrides)
    return data
