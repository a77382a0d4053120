"""A draft: the user's unsaved edits of one prompt, and the version they started from."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, Field, field_serializer

from prompt_studio.models.prompt import ConflictInfo


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


class Draft(BaseModel):
    """Kept on disk after every edit, so that nothing typed is ever lost.

    `config` is the raw snake_case dict the form produced; it may be invalid while the user is mid-edit, so it is
    not a `ConfigData`. `base_*` is the version the draft started from: the `localVersion` of the next save and the
    Original side of a three-way merge.
    """

    handle: str
    prompt_id: str | None = None
    base_version: int | None = None
    base_config: dict[str, Any] | None = None
    base_parameters: dict[str, Any] = Field(default_factory=dict)
    config: dict[str, Any]
    parameters: dict[str, Any] = Field(default_factory=dict)
    updated_at: str = Field(default_factory=_now)
    pending_conflict: ConflictInfo | None = None
    """The server's side of a conflict the user has not resolved yet, kept on disk as the wire's `conflictInfo`."""

    @field_serializer("pending_conflict")
    def _conflict_as_on_the_wire(self, conflict: ConflictInfo | None) -> dict[str, Any] | None:
        """Exactly what the server sent (set fields only), so a reloaded conflict merges as the fresh one did."""
        return conflict.to_wire() if conflict is not None else None

    @property
    def is_new(self) -> bool:
        """A prompt created on this computer that no server has yet."""
        return self.base_version is None and self.base_config is None

    @property
    def differs_from_base(self) -> bool:
        return self.config != self.base_config or self.parameters != self.base_parameters
