"""Answers as a LangWatch server sends them, for tests that script the server by hand."""

from __future__ import annotations

from typing import Any


def prompt_payload(**overrides: Any) -> dict[str, Any]:
    """A complete prompt response R (every required field present)."""
    payload: dict[str, Any] = {
        "id": "prompt_abc",
        "handle": "support/triage",
        "scope": "PROJECT",
        "name": "support/triage",
        "updatedAt": "2025-01-02T03:04:05.000Z",
        "projectId": "project_1",
        "organizationId": "organization_1",
        "versionId": "prompt_version_1",
        "version": 1,
        "createdAt": "2025-01-02T03:04:05.000Z",
        "prompt": "You sort tickets.",
        "messages": [{"role": "system", "content": "You sort tickets."}],
        "inputs": [{"identifier": "input", "type": "str"}],
        "outputs": [{"identifier": "output", "type": "str"}],
        "model": "openai/gpt-4o-mini",
        "tags": [{"name": "latest", "versionId": "prompt_version_1"}],
        "parameters": {},
    }
    payload.update(overrides)
    return payload
