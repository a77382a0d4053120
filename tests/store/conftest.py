"""A fresh library file per test, without the first-run examples unless a test asks for them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from prompt_studio.models import CreatePromptBody, SyncRequest
from prompt_studio.store import PromptLibrary


@pytest.fixture
def library(tmp_path) -> Iterator[PromptLibrary]:
    opened = PromptLibrary(tmp_path / "library.sqlite3", seed_examples=False)
    yield opened
    opened.close()


def create_body(handle: str, **overrides: Any) -> CreatePromptBody:
    """A complete create body, as a LangWatch client sends it (camelCase)."""
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
    return CreatePromptBody.model_validate(body)


def config_data(**overrides: Any) -> dict[str, Any]:
    """The snake_case configData equal to what `create_body` stores, unless `overrides` change it."""
    data: dict[str, Any] = {
        "prompt": "You answer questions about {{topic}}.",
        "model": "openai/gpt-5",
        "messages": [{"role": "user", "content": "{{question}}"}],
        "inputs": [{"identifier": "question", "type": "str"}, {"identifier": "topic", "type": "str"}],
        "outputs": [{"identifier": "answer", "type": "str"}],
        "temperature": 0.7,
        "max_tokens": 256,
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def sync_request(config: dict[str, Any], **fields: Any) -> SyncRequest:
    return SyncRequest.model_validate({"configData": config, **fields})
