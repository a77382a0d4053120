"""The camelCase prompt response (called R in the contract), tags, and the bodies of create, update and sync."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from prompt_studio.models.base import CamelWireModel, WireModel
from prompt_studio.models.config import (
    ConfigData,
    Demonstrations,
    Input,
    Message,
    Output,
    PromptingTechnique,
    ResponseFormat,
)

Scope = Literal["ORGANIZATION", "PROJECT"]
SyncAction = Literal["created", "updated", "conflict", "up_to_date"]


class PromptTag(CamelWireModel):
    """A tag that points at this version (`latest` comes first when this is the newest)."""

    name: str
    version_id: str


class Prompt(CamelWireModel):
    """One version of a prompt as the server answers it."""

    id: str
    handle: str | None
    scope: Scope
    name: str
    updated_at: str
    project_id: str
    organization_id: str
    version_id: str
    author_id: str | None = None
    version: int
    created_at: str
    commit_message: str | None = None
    prompt: str
    messages: list[Message] = Field(default_factory=list)
    inputs: list[Input] = Field(default_factory=list)
    outputs: list[Output]
    model: str
    temperature: float | None = None
    max_tokens: int | None = None
    demonstrations: Demonstrations | None = None
    prompting_technique: PromptingTechnique | None = None
    response_format: ResponseFormat | None = None
    tags: list[PromptTag] = Field(default_factory=list)
    parameters: dict[str, Any] = Field(default_factory=dict)

    @property
    def tag_names(self) -> list[str]:
        return [tag.name for tag in self.tags]


class TagDefinition(CamelWireModel):
    """An organisation-wide tag name (`production`, `staging`, or a custom one)."""

    id: str
    name: str
    created_at: str


class TagAssignment(CamelWireModel):
    """The answer to moving a tag onto a version."""

    config_id: str
    version_id: str
    tag: str
    updated_at: str


class PromptWriteBody(CamelWireModel):
    """The fields `POST /api/prompts` and `PUT /api/prompts/{id}` share."""

    model: str | None = None
    temperature: float | None = None
    max_tokens: int | None = None
    commit_message: str | None = None
    author_id: str | None = None
    prompt: str | None = None
    messages: list[Message] | None = None
    inputs: list[Input] | None = None
    outputs: list[Output] | None = None
    schema_version: Literal["1.0"] | None = None
    tags: list[str] | None = None
    parameters: dict[str, Any] | None = None
    scope: Scope | None = None
    handle: str | None = None


class CreatePromptBody(PromptWriteBody):
    handle: str


class UpdatePromptBody(PromptWriteBody):
    commit_message: str


class SyncRequest(CamelWireModel):
    """`POST /api/prompts/{id}/sync`: the draft and the version it started from."""

    config_data: ConfigData
    parameters: dict[str, Any] | None = None
    local_version: int | None = None
    commit_message: str | None = None


class ConflictInfo(CamelWireModel):
    local_version: int | None = None
    remote_version: int
    differences: list[str] = Field(default_factory=list)
    remote_config_data: ConfigData
    remote_parameters: dict[str, Any] | None = None


class SyncResult(CamelWireModel):
    action: SyncAction
    prompt: Prompt | None = None
    conflict_info: ConflictInfo | None = None


class ErrorBody(WireModel):
    """The flat error body every route answers with on failure."""

    error: str
    message: str | None = None
