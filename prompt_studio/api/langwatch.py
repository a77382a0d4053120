"""The async client of the LangWatch prompts API (`/api/prompts`): one method per route, models in and out.

Nothing above `api/` sees JSON: answers are validated straight from the bytes into `prompt_studio.models`,
which is also the cheapest way to parse them (no intermediate dicts).
"""

from __future__ import annotations

from types import TracebackType
from typing import Self
from urllib.parse import quote

import httpx
from pydantic import TypeAdapter

from prompt_studio.api.transport import DEFAULT_TIMEOUT, HttpConnection, RetryPolicy, parse_answer
from prompt_studio.models import (
    CreatePromptBody,
    Prompt,
    SyncRequest,
    SyncResult,
    TagAssignment,
    TagDefinition,
    UpdatePromptBody,
)

_PROMPTS = "/api/prompts"
_PROMPT = TypeAdapter(Prompt)
_PROMPT_LIST = TypeAdapter(list[Prompt])
_SYNC_RESULT = TypeAdapter(SyncResult)
_TAG = TypeAdapter(TagDefinition)
_TAG_LIST = TypeAdapter(list[TagDefinition])
_TAG_ASSIGNMENT = TypeAdapter(TagAssignment)


def _segment(value: str) -> str:
    """One path segment, with `/` and `:` encoded, so `support/triage` stays one id (`support%2Ftriage`)."""
    return quote(value, safe="")


def _prompt_path(id_or_handle: str, *rest: str) -> str:
    return "/".join((_PROMPTS, _segment(id_or_handle), *(_segment(part) for part in rest)))


def _tag_path(name: str) -> str:
    return f"{_PROMPTS}/tags/{_segment(name)}"






class LangWatchClient:
    """The prompts API of a LangWatch server (or of `prompt-studio serve`), over one pooled connection.

    Reads and idempotent writes (moving a tag, deleting) are retried on transient failures; creating,
    updating, syncing, restoring and renaming are sent exactly once, because repeating them could write twice.
    """

    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        project_id: str | None = None,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        max_retries: int = 2,
        transport: httpx.AsyncBaseTransport | None = None,
    ):
        self.project_id = project_id
        self._connection = HttpConnection(
            base_url,
            {"X-Auth-Token": api_key},
            headers={"X-Project-Id": project_id} if project_id is not None else None,
            timeout=timeout,
            retry_policy=RetryPolicy(max_retries=max_retries),
            transport=transport,
        )

    @property
    def base_url(self) -> str:
        return self._connection.base_url

    async def list_prompts(self) -> list[Prompt]:
        """The latest version of every live prompt, most recently updated first."""
        response = await self._connection.request("GET", _PROMPTS, safe_to_repeat=True)
        return parse_answer(_PROMPT_LIST, response)

    async def get_prompt(
        self, id_or_handle: str, *, version: int | None = None, tag: str | None = None
    ) -> Prompt:
        """One version: the latest, or the one `version` or `tag` names.

        `id_or_handle` may be shorthand (`pizza:2`, `pizza:production`); the server resolves it.
        """
        response = await self._connection.request(
            "GET", _prompt_path(id_or_handle), safe_to_repeat=True, params={"version": version, "tag": tag}
        )
        return parse_answer(_PROMPT, response)

    async def list_versions(self, id_or_handle: str) -> list[Prompt]:
        """Every version of one prompt, newest first."""
        response = await self._connection.request(
            "GET", _prompt_path(id_or_handle, "versions"), safe_to_repeat=True
        )
        return parse_answer(_PROMPT_LIST, response)

    async def create_prompt(self, body: CreatePromptBody) -> Prompt:
        response = await self._connection.request("POST", _PROMPTS, safe_to_repeat=False, json=body.to_wire())
        return parse_answer(_PROMPT, response)

    async def update_prompt(self, id_or_handle: str, body: UpdatePromptBody) -> Prompt:
        """Save a new version; never retried, since each accepted PUT adds a version."""
        response = await self._connection.request(
            "PUT", _prompt_path(id_or_handle), safe_to_repeat=False, json=body.to_wire()
        )
        return parse_answer(_PROMPT, response)

    async def delete_prompt(self, id_or_handle: str) -> None:
        """Soft-delete a prompt, which frees its handle."""
        await self._connection.request("DELETE", _prompt_path(id_or_handle), safe_to_repeat=True)

    async def sync_prompt(self, id_or_handle: str, request: SyncRequest) -> SyncResult:
        """Offer a local draft; the answer says if it was created, updated, up to date, or in conflict."""
        response = await self._connection.request(
            "POST", _prompt_path(id_or_handle, "sync"), safe_to_repeat=False, json=request.to_wire()
        )
        return parse_answer(_SYNC_RESULT, response)

    async def restore_version(self, id_or_handle: str, version_id: str) -> Prompt:
        """Copy an old version into a new latest one; history is never rewritten."""
        response = await self._connection.request(
            "POST", _prompt_path(id_or_handle, "versions", version_id, "restore"), safe_to_repeat=False
        )
        return parse_answer(_PROMPT, response)

    async def assign_tag(self, id_or_handle: str, tag: str, version_id: str) -> TagAssignment:
        """Move a tag (such as `production`) onto one version of a prompt."""
        response = await self._connection.request(
            "PUT",
            _prompt_path(id_or_handle, "tags", tag),
            safe_to_repeat=True,
            json={"versionId": version_id},
        )
        return parse_answer(_TAG_ASSIGNMENT, response)

    async def list_tags(self) -> list[TagDefinition]:
        response = await self._connection.request("GET", f"{_PROMPTS}/tags", safe_to_repeat=True)
        return parse_answer(_TAG_LIST, response)

    async def create_tag(self, name: str) -> TagDefinition:
        response = await self._connection.request(
            "POST", f"{_PROMPTS}/tags", safe_to_repeat=False, json={"name": name}
        )
        return parse_answer(_TAG, response)

    async def rename_tag(self, name: str, new_name: str) -> TagDefinition:
        """Rename a tag; not retried, because a repeat after a lost answer would find the old name gone."""
        response = await self._connection.request(
            "PUT", _tag_path(name), safe_to_repeat=False, json={"name": new_name}
        )
        return parse_answer(_TAG, response)

    async def delete_tag(self, name: str) -> None:
        """Delete a tag and every assignment of it."""
        await self._connection.request("DELETE", _tag_path(name), safe_to_repeat=True)

    async def aclose(self) -> None:
        await self._connection.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.base_url!r}, project_id={self.project_id!r})"
