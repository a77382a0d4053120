"""Stored rows turned into the prompt response R, shaped exactly as the LangWatch server shapes it.

Kept apart from the SQL so the shape has one home: `messages` starts with the system prompt, `tags` starts
with `latest` on the newest version, `responseFormat` comes from the first `json_schema` output, and of the
sampling fields only `temperature` and `maxTokens` are echoed. `createdAt` is when this version was saved (the
history needs it) and `updatedAt` when the prompt last changed.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from prompt_studio.models import VIRTUAL_TAG, Prompt, response_format_for


@dataclass(frozen=True)
class PromptRow:
    id: str
    handle: str
    scope: str
    updated_at: str
    latest_version: int


@dataclass(frozen=True)
class VersionRow:
    id: str
    version: int
    config_data: str
    parameters: str
    author_id: str | None
    commit_message: str | None
    created_at: str

    @property
    def config(self) -> dict[str, Any]:
        return json.loads(self.config_data)

    @property
    def parameter_values(self) -> dict[str, Any]:
        return json.loads(self.parameters)


@dataclass(frozen=True)
class Owner:
    """Who every prompt of this library belongs to (one library is one project of one organisation)."""

    organization_id: str
    project_id: str


def ordered_tag_names(tag_names: Iterable[str], *, is_latest: bool) -> list[str]:
    """`latest` first on the newest version, then the stored tags by name, so answers are stable."""
    return ([VIRTUAL_TAG] if is_latest else []) + sorted(tag_names)


def prompt_response(
    owner: Owner, prompt: PromptRow, version: VersionRow, tag_names: Iterable[str]
) -> Prompt:
    """R for one version of one prompt; `tag_names` are the stored tags that point at this version."""
    config = version.config
    system_prompt = config.get("prompt", "")
    outputs = config.get("outputs", [])
    data: dict[str, Any] = {
        "id": prompt.id,
        "handle": prompt.handle,
        "scope": prompt.scope,
        "name": prompt.handle,
        "updatedAt": prompt.updated_at,
        "projectId": owner.project_id,
        "organizationId": owner.organization_id,
        "versionId": version.id,
        "authorId": version.author_id,
        "version": version.version,
        "createdAt": version.created_at,
        "commitMessage": version.commit_message,
        "prompt": system_prompt,
        "messages": [{"role": "system", "content": system_prompt}, *config.get("messages", [])],
        "inputs": config.get("inputs", []),
        "outputs": outputs,
        "model": config["model"],
        "tags": [
            {"name": name, "versionId": version.id}
            for name in ordered_tag_names(tag_names, is_latest=version.version == prompt.latest_version)
        ],
        "parameters": version.parameter_values,
    }
    for stored, wire in (
        ("temperature", "temperature"),
        ("max_tokens", "maxTokens"),
        ("demonstrations", "demonstrations"),
        ("prompting_technique", "promptingTechnique"),
    ):
        if config.get(stored) is not None:
            data[wire] = config[stored]
    response_format = response_format_for(outputs)
    if response_format is not None:
        data["responseFormat"] = response_format
    return Prompt.model_validate(data)
