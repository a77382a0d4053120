"""What the window asks of a connection: open, history, save with conflict detection, restore, tags.

Async and Qt-free, so that it is tested without a display and the window never waits on the network.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from prompt_studio.models import (
    DEFAULT_MODEL,
    ConfigData,
    ConflictInfo,
    CreatePromptBody,
    Prompt,
    SyncAction,
    SyncRequest,
    TagAssignment,
    TagDefinition,
    config_from_prompt,
)
from prompt_studio.models.draft import Draft
from prompt_studio.models.errors import ValidationFailedError
from prompt_studio.models.labels import location_label
from prompt_studio.models.problems import first_problem
from prompt_studio.services.backends import Capabilities, PromptBackend
from prompt_studio.services.bulk import DEFAULT_CONCURRENCY, SyncOutcome, sync_many

NEW_PROMPT_CONTENT: dict[str, Any] = {
    "prompt": "You are a helpful assistant.",
    "model": DEFAULT_MODEL,
    "messages": [{"role": "user", "content": "{{input}}"}],
    "inputs": [{"identifier": "input", "type": "str"}],
    "outputs": [{"identifier": "output", "type": "str"}],
}


@dataclass(frozen=True)
class OpenedPrompt:
    """The newest version of a prompt with everything it holds, ready to become a draft."""

    prompt: Prompt
    config: dict[str, Any]
    parameters: dict[str, Any]

    def start_draft(self) -> Draft:
        return Draft(
            handle=self.prompt.handle or self.prompt.id,
            prompt_id=self.prompt.id,
            base_version=self.prompt.version,
            base_config=self.config,
            base_parameters=self.parameters,
            config=self.config,
            parameters=self.parameters,
        )


@dataclass(frozen=True)
class SaveOutcome:
    """What a save did. On `conflict`, `draft` carries the server's side and nothing was written."""

    action: SyncAction
    draft: Draft
    opened: OpenedPrompt | None = None
    conflict: ConflictInfo | None = None
    recreated: bool = False
    """`created` for a draft of a prompt someone deleted meanwhile: its old history is gone."""


def validated_config(config: dict[str, Any]) -> ConfigData:
    """The draft's content as the server will see it, or a plain error naming the first bad field."""
    try:
        return ConfigData.model_validate(config)
    except ValidationError as error:
        problem = first_problem(error)
        raise ValidationFailedError(problem.about(location_label(problem.location))) from None


def _server_already_has(info: ConflictInfo, request: SyncRequest) -> bool:
    """Whether the server's newest version is exactly the draft being saved.

    It is when the answer to an earlier save of this draft was lost (the server wrote the version, then the
    connection dropped): saving again meets that version as "newer than the draft's base". That is the user's
    own save, so it is up to date; calling it a colleague's conflict would be false, and writing again would
    duplicate it. Only an exact match counts; anything else stays a conflict for the merge.
    """
    remote_parameters = info.remote_parameters if info.remote_parameters is not None else {}
    return (
        info.remote_config_data.to_wire() == request.config_data.to_wire()
        and remote_parameters == (request.parameters or {})
    )


class PromptService:
    """One connection's prompts."""

    def __init__(self, backend: PromptBackend, capabilities: Capabilities | None = None):
        self.backend = backend
        self.capabilities = capabilities or Capabilities()

    async def list_prompts(self) -> list[Prompt]:
        return await self.backend.list_prompts()

    async def open_prompt(self, handle: str) -> OpenedPrompt:
        return await self._complete(await self.backend.get_prompt(handle))

    async def history(self, handle: str) -> list[Prompt]:
        return await self.backend.list_versions(handle)

    async def _complete(self, prompt: Prompt) -> OpenedPrompt:
        """Everything the newest version holds, sampling fields included.

        A response echoes only temperature and max tokens. A sync without `localVersion` never writes (the server
        answers `conflict`) and its `remoteConfigData` holds every field, so it reads the full content.
        """
        shown = config_from_prompt(prompt)
        if self.capabilities.sync:
            probe = SyncRequest(config_data=shown, parameters=prompt.parameters)
            result = await self.backend.sync_prompt(prompt.handle or prompt.id, probe)
            info = result.conflict_info
            if result.action == "conflict" and info is not None and info.remote_version == prompt.version:
                parameters = info.remote_parameters if info.remote_parameters is not None else prompt.parameters
                return OpenedPrompt(prompt, info.remote_config_data.to_wire(), dict(parameters))
        return OpenedPrompt(prompt, shown.to_wire(), dict(prompt.parameters))

    async def create_prompt(self, handle: str) -> OpenedPrompt:
        body = CreatePromptBody(handle=handle, commit_message="First version", **NEW_PROMPT_CONTENT)
        return await self._complete(await self.backend.create_prompt(body))

    async def delete_prompt(self, handle: str) -> None:
        await self.backend.delete_prompt(handle)

    async def save(self, draft: Draft, commit_message: str) -> SaveOutcome:
        """Save through sync with the version the draft started from; never overwrite a colleague's save."""
        request = SyncRequest(
            config_data=validated_config(draft.config),
            parameters=draft.parameters,
            local_version=draft.base_version,
            commit_message=commit_message.strip() or None,
        )
        result = await self.backend.sync_prompt(draft.handle, request)
        if result.action == "conflict":
            info = result.conflict_info
            if info is not None and _server_already_has(info, request):
                saved = await self.backend.get_prompt(draft.handle, version=info.remote_version)
                parameters = info.remote_parameters if info.remote_parameters is not None else saved.parameters
                opened = OpenedPrompt(saved, info.remote_config_data.to_wire(), dict(parameters))
                return SaveOutcome("up_to_date", opened.start_draft(), opened=opened)
            pending = draft.model_copy(update={"pending_conflict": info})
            return SaveOutcome("conflict", pending, conflict=info)
        opened = await self._complete(result.prompt) if result.prompt else await self.open_prompt(draft.handle)
        recreated = result.action == "created" and draft.base_version is not None
        return SaveOutcome(result.action, opened.start_draft(), opened=opened, recreated=recreated)

    async def sync_many(
        self, drafts: Sequence[Draft], commit_message: str, *, concurrency: int = DEFAULT_CONCURRENCY
    ) -> list[SyncOutcome]:
        """Save several drafts at once ("save all"), each against its own base version, as `save` does.

        The answers are not re-read (`save` reads each prompt back for its draft): with many prompts that
        doubled the requests. A draft whose content is invalid fails alone, without a request.
        """
        outcomes: list[SyncOutcome | None] = [None] * len(drafts)
        requests: list[tuple[str, SyncRequest]] = []
        positions: list[int] = []
        for position, draft in enumerate(drafts):
            try:
                config = validated_config(draft.config)
            except ValidationFailedError as error:
                outcomes[position] = SyncOutcome(draft.handle, error=error)
                continue
            request = SyncRequest(
                config_data=config,
                parameters=draft.parameters,
                local_version=draft.base_version,
                commit_message=commit_message.strip() or None,
            )
            requests.append((draft.handle, request))
            positions.append(position)
        for position, outcome in zip(
            positions, await sync_many(self.backend, requests, concurrency=concurrency), strict=True
        ):
            outcomes[position] = outcome
        return [outcome for outcome in outcomes if outcome is not None]

    async def restore(self, handle: str, version_id: str) -> OpenedPrompt:
        return await self._complete(await self.backend.restore_version(handle, version_id))

    async def move_tag(self, handle: str, tag: str, version_id: str) -> TagAssignment:
        return await self.backend.assign_tag(handle, tag, version_id)

    async def list_tags(self) -> list[TagDefinition]:
        return await self.backend.list_tags()

    async def create_tag(self, name: str) -> TagDefinition:
        return await self.backend.create_tag(name)

    # -- what only some back ends can do (see `capabilities`) ------------------------------------------------------

    async def test_prompt(self, config: dict[str, Any], variables: dict[str, str]) -> str:
        """Run the prompt once on its model with these variable values (`capabilities.test_prompt`)."""
        return await self.backend.test_prompt(config, variables)

    async def name_tags(self, handle: str) -> list[tuple[str, str]]:
        """The key/value tags of the whole prompt (`capabilities.name_tags`)."""
        return await self.backend.name_tags(handle)

    async def change_name_tags(
        self, handle: str, *, add: Sequence[tuple[str, str]] = (), remove: Sequence[tuple[str, str]] = ()
    ) -> list[tuple[str, str]]:
        return await self.backend.change_name_tags(handle, add=add, remove=remove)
