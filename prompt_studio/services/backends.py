"""What the service layer needs from a place that keeps prompts, whichever it is.

`prompt_studio.api.LangWatchClient` satisfies `PromptBackend` as it is; the embedded library is synchronous SQLite,
so `LocalLibraryBackend` runs each call in a worker thread to keep the Qt thread free.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ParamSpec, Protocol, TypeVar

from prompt_studio.models import (
    CreatePromptBody,
    Prompt,
    SyncRequest,
    SyncResult,
    TagAssignment,
    TagDefinition,
    UpdatePromptBody,
)
from prompt_studio.store import PromptLibrary

P = ParamSpec("P")
T = TypeVar("T")


@dataclass(frozen=True)
class Capabilities:
    """What a back end can do, so the window can hide or explain what is missing."""

    content_by_sync: bool = True
    """A version's full content is read through sync (a LangWatch answer echoes only temperature and max
    tokens); False where every answer holds it all (Orkes)."""
    version_tags: bool = True
    """Tags such as `production` that point at one version, moved in the history."""
    key_value_tags: bool = False
    """Key/value tags of the whole prompt (Orkes), edited apart from the version history."""
    test_prompt: bool = False
    """The back end can run the prompt once on a model (`test_prompt(config, variables)`)."""
    prompt_shape: str = "langwatch"
    """What one version holds: "langwatch" (messages, inputs, outputs...) or "orkes" (template, description,
    models); it also says how variables are written: Liquid's `{{ name }}` or Orkes's `${name}`."""
    content_note: str | None = None
    """One plain sentence on what a prompt of this back end holds, when it holds less than LangWatch's."""
    content_from_history: bool = True
    """An open takes the newest version from the history's first entry; False where a prompt opens from elsewhere
    (a CLI folder's file, which may be ahead of or behind the server)."""
    save_answer_is_content: bool = False
    """A save's answer holds the content as the back end now keeps it (a CLI file holds less than was sent)."""
    read_only_prompts: bool = False
    """Some prompts can be read but not saved (a CLI folder's remote ones); `read_only_reason(handle)` says why."""
    editable_fields: tuple[str, ...] | None = None
    """The content fields a form offers, where a back end keeps only some (a CLI file); None: all of them."""


class PromptBackend(Protocol):
    async def list_prompts(self) -> list[Prompt]: ...
    async def get_prompt(self, id_or_handle: str, *, version: int | None = None, tag: str | None = None) -> Prompt: ...
    async def list_versions(self, id_or_handle: str) -> list[Prompt]: ...
    async def create_prompt(self, body: CreatePromptBody) -> Prompt: ...
    async def update_prompt(self, id_or_handle: str, body: UpdatePromptBody) -> Prompt: ...
    async def delete_prompt(self, id_or_handle: str) -> None: ...
    async def sync_prompt(self, id_or_handle: str, request: SyncRequest) -> SyncResult: ...
    async def restore_version(self, id_or_handle: str, version_id: str) -> Prompt: ...
    async def assign_tag(self, id_or_handle: str, tag: str, version_id: str) -> TagAssignment: ...
    async def list_tags(self) -> list[TagDefinition]: ...
    async def create_tag(self, name: str) -> TagDefinition: ...
    async def rename_tag(self, name: str, new_name: str) -> TagDefinition: ...
    async def delete_tag(self, name: str) -> None: ...
    async def aclose(self) -> None: ...


def _in_thread(method: Callable[P, T]) -> Callable[P, Any]:
    @functools.wraps(method)
    async def run(self: LocalLibraryBackend, *args: Any, **kwargs: Any) -> Any:
        bound = getattr(self.library, method.__name__)
        return await asyncio.to_thread(bound, *args, **kwargs)

    return run


class LocalLibraryBackend:
    """The embedded SQLite library behind the same async interface as a LangWatch server."""

    def __init__(self, library: PromptLibrary):
        self.library = library

    list_prompts = _in_thread(PromptLibrary.list_prompts)
    get_prompt = _in_thread(PromptLibrary.get_prompt)
    list_versions = _in_thread(PromptLibrary.list_versions)
    create_prompt = _in_thread(PromptLibrary.create_prompt)
    update_prompt = _in_thread(PromptLibrary.update_prompt)
    delete_prompt = _in_thread(PromptLibrary.delete_prompt)
    sync_prompt = _in_thread(PromptLibrary.sync_prompt)
    restore_version = _in_thread(PromptLibrary.restore_version)
    assign_tag = _in_thread(PromptLibrary.assign_tag)
    list_tags = _in_thread(PromptLibrary.list_tags)
    create_tag = _in_thread(PromptLibrary.create_tag)
    rename_tag = _in_thread(PromptLibrary.rename_tag)
    delete_tag = _in_thread(PromptLibrary.delete_tag)

    async def aclose(self) -> None:
        await asyncio.to_thread(self.library.close)
