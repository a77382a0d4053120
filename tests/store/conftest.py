"""A fresh library file per test, without the first-run examples unless a test asks for them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from prompt_studio.models import CreatePromptBody, SyncRequest
from prompt_studio.store import PromptLibrary
from tests.support import payloads


@pytest.fixture
def library(tmp_path) -> Iterator[PromptLibrary]:
    opened = PromptLibrary(tmp_path / "library.sqlite3", seed_examples=False)
    yield opened
    opened.close()


def create_body(handle: str, **overrides: Any) -> CreatePromptBody:
    """A complete create body, as a LangWatch client sends it (camelCase)."""
    return CreatePromptBody.model_validate(payloads.create_body(handle, **overrides))


def config_data(**overrides: Any) -> dict[str, Any]:
    """The snake_case configData equal to what `create_body` stores; an override of None leaves the key out."""
    return {key: value for key, value in payloads.config_data(**overrides).items() if value is not None}


def sync_request(config: dict[str, Any], **fields: Any) -> SyncRequest:
    return SyncRequest.model_validate({"configData": config, **fields})
