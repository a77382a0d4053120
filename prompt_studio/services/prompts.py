"""What the window asks of a connection: open, history, save with conflict detection, restore, tags.

Async and Qt-free, so that it is tested without a display and the window never waits on the network.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from pydantic import ValidationError

from prompt_studio.api import WHEN_SENT
from prompt_studio.models import (
    DEFAULT_MODEL,
    ConfigData,
    ConflictInfo,
    Prompt,
    SyncAction,
    SyncRequest,
    SyncResult,
    TagAssignment,
    TagDefinition,
    config_from_prompt,
)
from prompt_studio.models.draft import Draft
from prompt_studio.models.errors import (
    NotFoundError,
    PermissionDeniedError,
    PromptStudioError,
    ValidationFailedError,
)
from prompt_studio.models.labels import location_label
from prompt_studio.models.orkes import OrkesPromptTemplate, config_of_answer, config_of_template
from prompt_studio.models.problems import first_problem
from prompt_studio.models.variables import with_detected_inputs
from prompt_studio.services.backends import Capabilities, PromptBackend
from prompt_studio.services.bulk import DEFAULT_CONCURRENCY, BulkSyncItem, sync_many
from prompt_studio.services.offline import UNREACHABLE, OfflineCopy, OfflineList

log = logging.getLogger(__name__)

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
    partial_note: str | None = None
    """Said to the user when only part of the content could be read (a key that may not sync)."""
    offline_seen_at: float | None = None
    """Set when the server could not be reached and this is the offline copy: when the server gave it."""
    read_only_reason: str | None = None
    """Why this prompt can be read but not saved here, in one plain line (a CLI folder's remote prompt)."""
    base: tuple[dict[str, Any], dict[str, Any]] | None = None
    """The content of the version it is based on, where it differs from what opened (a CLI file edited since its
    lock's version): a draft then starts with those edits to save."""

    def start_draft(self) -> Draft:
        base_config, base_parameters = self.base or (self.config, self.parameters)
        return Draft(
            handle=self.prompt.handle or self.prompt.id,
            prompt_id=self.prompt.id,
            base_version=self.prompt.version,
            base_config=base_config,
            base_parameters=base_parameters,
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


_READ_PROBE = ConfigData(prompt="", model=DEFAULT_MODEL, outputs=[{"identifier": "output", "type": "str"}])
"""What a read sends through sync: any valid content, since a sync without a base version only reads."""
_READ_ATTEMPTS = 2
"""A save landing between the two reads of an open makes them disagree; the next pair of reads agrees."""
REQUEST_LEAVES_WITHIN = 0.02
"""Seconds the app's start gives its list request to be written before it builds the window (measured: 1-2 ms
at loopback), and so the most that building the window waits when the server is farther away."""
PARTIAL_READ_NOTE = (
    "This API key may read prompts but not use LangWatch's sync, which is how the full content is read: the model "
    "settings other than temperature and max tokens are not shown, and saving needs a key that may write."
)


def _completed(shown: OpenedPrompt, probe: SyncResult | BaseException) -> OpenedPrompt | None:
    """An answer and the full content a sync read together, or None when they are of different versions."""
    prompt = shown.prompt
    if isinstance(probe, PermissionDeniedError):
        return replace(shown, partial_note=PARTIAL_READ_NOTE)
    if isinstance(probe, BaseException):
        raise probe
    info = probe.conflict_info
    if probe.action != "conflict" or info is None or info.remote_version != prompt.version:
        return None
    parameters = info.remote_parameters if info.remote_parameters is not None else prompt.parameters
    return OpenedPrompt(prompt, info.remote_config_data.to_wire(), dict(parameters))


@dataclass(frozen=True)
class BulkSaveItem:
    """One draft of a bulk save: what its save did, or the error that stopped it (nothing was written then)."""

    handle: str
    outcome: SaveOutcome | None = None
    error: PromptStudioError | None = None


def _save_request(draft: Draft, commit_message: str) -> SyncRequest:
    return SyncRequest(
        config_data=validated_config(draft.config),
        parameters=draft.parameters,
        local_version=draft.base_version,
        commit_message=commit_message.strip() or None,
    )


def server_holds(info: ConflictInfo, config: ConfigData, parameters: dict[str, Any] | None) -> bool:
    """Whether the server's newest version (the side of a conflict) is exactly this content (a list left out
    and an empty one are the same: a server fills in `messages: []`)."""
    remote_parameters = info.remote_parameters if info.remote_parameters is not None else {}
    return (info.remote_config_data.model_dump(mode="json") == config.model_dump(mode="json")
            and remote_parameters == (parameters or {}))


def _server_already_has(info: ConflictInfo, request: SyncRequest) -> bool:
    """Whether the server's newest version is exactly the draft being saved.

    It is when the answer to an earlier save of this draft was lost (the server wrote the version, then the
    connection dropped): saving again meets that version as "newer than the draft's base". That is the user's
    own save, so it is up to date; calling it a colleague's conflict would be false, and writing again would
    duplicate it. Only an exact match counts; anything else stays a conflict for the merge.
    """
    return server_holds(info, request.config_data, request.parameters)


async def _together_or_first_error(first: Awaitable[Any], second: Awaitable[Any]) -> tuple[Any, Any]:
    """Two independent reads at once; the first failure is raised as it is."""
    results = await asyncio.gather(first, second, return_exceptions=True)
    for result in results:
        if isinstance(result, BaseException):
            raise result
    return results[0], results[1]


class PromptService:
    """One connection's prompts."""

    def __init__(self, backend: PromptBackend, capabilities: Capabilities | None = None,
                 offline: OfflineCopy | None = None):
        self.backend = backend
        self.capabilities = capabilities or Capabilities()
        self.offline = offline
        """What the server last gave, kept for when it cannot be reached (None for the local library)."""
        self._early_list: asyncio.Task[list[Prompt]] | None = None

    async def start_listing(self) -> None:
        """Ask for the list now, before anything can show it (the app's start): its answer travels while the
        window is being built. The next `list_prompts` takes that answer instead of asking.

        Building a window never yields to the event loop, so a request merely scheduled would leave only after
        it. This returns once the request has been written, or after `REQUEST_LEAVES_WITHIN`: at loopback or on
        a local network it is written in 1-3 ms (a name looked up included) and the server works on it meanwhile;
        farther away its connection's first packet has left by then, and the connection opens while the window is
        built.
        """
        if self._early_list is not None:
            return
        sent = asyncio.Event()
        context = contextvars.copy_context()
        context.run(WHEN_SENT.set, sent.set)
        self._early_list = asyncio.get_running_loop().create_task(self._listed(), context=context)
        self._early_list.add_done_callback(lambda task: task.cancelled() or task.exception())
        written = asyncio.ensure_future(sent.wait())
        try:
            await asyncio.wait([self._early_list, written], timeout=REQUEST_LEAVES_WITHIN,
                               return_when=asyncio.FIRST_COMPLETED)
        finally:
            written.cancel()

    async def list_prompts(self) -> list[Prompt]:
        early, self._early_list = self._early_list, None
        return await (early if early is not None else self._listed())

    async def _listed(self) -> list[Prompt]:
        prompts = await self.backend.list_prompts()
        if self.offline is not None:
            self.offline.keep_list(prompts)
        return prompts

    async def offline_list(self) -> OfflineList | None:
        """The list as the server last gave it, or None where nothing was kept."""
        return await self.offline.read_list() if self.offline is not None else None

    async def open_prompt(self, handle: str) -> OpenedPrompt:
        """The newest version with everything it holds; its answer and its full content are read at once."""
        return await self._open(handle, lambda: self.backend.get_prompt(handle))

    async def open_with_history(self, handle: str) -> tuple[OpenedPrompt, list[Prompt]]:
        """The newest version with everything it holds, and the history, in two requests sent at once.

        The history's first entry is the newest version's own answer, so no separate read of the prompt is sent:
        over HTTP/1.1 the two requests ride the two connections a start leaves open, one round trip in all.
        When the server cannot be reached, the offline copy stands in (`OpenedPrompt.offline_seen_at` says so).
        """
        if not self.capabilities.content_from_history:
            opened, versions = await _together_or_first_error(self.open_prompt(handle), self.history(handle))
            based_on = next((item for item in versions if item.version == opened.prompt.version), None)
            base = self._as_shown(based_on).config if based_on is not None else opened.config
            if base != opened.config:  # the parameters are the version's own: a file does not hold them
                opened = replace(opened, base=(base, opened.parameters))
            return opened, versions

        async def newest() -> Prompt:
            versions = await self.history(handle)
            if not versions:
                raise NotFoundError(f"{handle} has no versions on the server.")
            listed.append(versions)
            return versions[0]

        listed: list[list[Prompt]] = []
        try:
            opened = await self._open(handle, newest)
        except UNREACHABLE:
            kept = await self.offline.read_prompt(handle) if self.offline is not None else None
            if kept is None:
                raise
            opened = OpenedPrompt(kept.prompt, kept.config, kept.parameters, offline_seen_at=kept.seen_at)
            return opened, kept.versions
        if self.offline is not None:
            self.offline.keep_prompt(opened.prompt, opened.config, opened.parameters, listed[-1])
        return opened, listed[-1]

    async def _open(self, handle: str, read_answer: Callable[[], Awaitable[Prompt]]) -> OpenedPrompt:
        """The newest version's answer (`read_answer`) and its full content, read at once."""
        if not self.capabilities.content_by_sync:
            return self._as_shown(await read_answer())
        for _attempt in range(_READ_ATTEMPTS):
            prompt, probe = await asyncio.gather(read_answer(), self._read_content(handle), return_exceptions=True)
            if isinstance(probe, NotFoundError):
                raise probe  # deleted meanwhile, and the read that would have created it again was undone
            if isinstance(prompt, BaseException):
                raise prompt
            opened = _completed(self._as_shown(prompt), probe)
            if opened is not None:
                return opened
        return self._as_shown(prompt)

    def version_content(self, prompt: Prompt) -> tuple[dict[str, Any], dict[str, Any]]:
        """A version's content and parameters as far as its answer shows them (all of it for Orkes)."""
        shown = self._as_shown(prompt)
        return shown.config, shown.parameters

    def _as_shown(self, prompt: Prompt) -> OpenedPrompt:
        """A version as far as its answer shows it (all of it for Orkes, part of it for LangWatch)."""
        config = config_of_answer(prompt) if self.capabilities.prompt_shape == "orkes" else config_from_prompt(prompt)
        reason = self.backend.read_only_reason(prompt.handle or prompt.id) if self.capabilities.read_only_prompts \
            else None
        return OpenedPrompt(prompt, config.to_wire(), dict(prompt.parameters), read_only_reason=reason)

    async def history(self, handle: str) -> list[Prompt]:
        return await self.backend.list_versions(handle)

    async def version(self, handle: str, number: int) -> Prompt:
        """One version's answer (who saved it, when, why); its full content comes with a conflict or an open."""
        return await self.backend.get_prompt(handle, version=number)

    async def _read_content(self, handle: str) -> SyncResult:
        """The full content of the newest version, through the only route that has it: a sync.

        A response echoes only temperature and max tokens; a sync without `localVersion` answers `conflict` with
        every field, and never writes while the prompt exists. If it was deleted meanwhile, that sync creates it
        again: a read must not write, so the prompt is deleted again and the user told it is gone.
        """
        result = await self.backend.sync_prompt(handle, SyncRequest(config_data=_READ_PROBE))
        if result.action == "created":
            log.warning("a read of a deleted prompt created it again; deleting it")
            await self.backend.delete_prompt(handle)
            raise NotFoundError(f"{handle} is not on the server (anymore): someone may have deleted it.")
        return result

    async def _complete(self, prompt: Prompt) -> OpenedPrompt:
        """Everything a version the server just answered holds (after a create or a restore)."""
        shown = self._as_shown(prompt)
        if not self.capabilities.content_by_sync:
            return shown
        probe: SyncResult | BaseException
        try:
            probe = await self._read_content(prompt.handle or prompt.id)
        except PermissionDeniedError as refused:
            probe = refused
        return _completed(shown, probe) or shown

    def new_draft(self, handle: str) -> Draft:
        """A prompt that exists only on this computer until its first save makes it version 1.

        Nothing is written to the server: the author's first save is the first version, with their content and
        their commit message, not a placeholder. An Orkes template starts with no model; the author picks one.
        """
        if self.capabilities.prompt_shape == "orkes":
            content = config_of_template(OrkesPromptTemplate(name=handle)).to_wire()
        else:
            content = dict(NEW_PROMPT_CONTENT)
        return Draft(handle=handle, config=content)

    async def delete_prompt(self, handle: str) -> None:
        await self.backend.delete_prompt(handle)

    async def save(self, draft: Draft, commit_message: str) -> SaveOutcome:
        """Save through sync with the version the draft started from; never overwrite a colleague's save."""
        request = _save_request(draft, commit_message)
        outcome = await self._outcome(draft, request, await self.backend.sync_prompt(draft.handle, request))
        if self.offline is not None and outcome.opened is not None:
            self.offline.keep_prompt(outcome.opened.prompt, outcome.opened.config, outcome.opened.parameters)
        return outcome

    async def save_many(
        self, drafts: Sequence[Draft], commit_message: str | Sequence[str], *,
        concurrency: int = DEFAULT_CONCURRENCY, on_answered: Callable[[str], None] | None = None,
    ) -> list[BulkSaveItem]:
        """Save several drafts at once ("Save all", an import), each against its own base version, as `save` does.

        One commit message for all, or one per draft (an import of every version keeps each version's own). The
        syncs go out a few at a time (`services.bulk`); a draft whose content is invalid fails alone, without a
        request, and so does a save the server refuses. `on_answered(handle)` follows the progress.
        """
        messages = [commit_message] * len(drafts) if isinstance(commit_message, str) else list(commit_message)
        items: list[BulkSaveItem | None] = [None] * len(drafts)
        requests: list[tuple[str, SyncRequest]] = []
        positions: list[int] = []
        for position, (draft, message) in enumerate(zip(drafts, messages, strict=True)):
            try:
                requests.append((draft.handle, _save_request(draft, message)))
            except ValidationFailedError as error:
                items[position] = BulkSaveItem(draft.handle, error=error)
                continue
            positions.append(position)
        answers = await sync_many(self.backend, requests, concurrency=concurrency, on_answered=on_answered)

        async def outcome_of(position: int, request: SyncRequest, answer: BulkSyncItem) -> None:
            draft = drafts[position]
            try:
                if answer.error is not None:
                    raise answer.error
                items[position] = BulkSaveItem(draft.handle, await self._outcome(draft, request, answer.result))
            except PromptStudioError as error:
                items[position] = BulkSaveItem(draft.handle, error=error)

        await asyncio.gather(*(outcome_of(position, request, answer) for position, (_handle, request), answer
                               in zip(positions, requests, answers, strict=True)))
        return [item for item in items if item is not None]

    async def _outcome(self, draft: Draft, request: SyncRequest, result: SyncResult) -> SaveOutcome:
        """What a save's answer means for its draft (reading the server only where the answer does not say)."""
        if result.action == "conflict":
            info = result.conflict_info
            if info is not None and _server_already_has(info, request):
                saved = await self.backend.get_prompt(draft.handle, version=info.remote_version)
                parameters = info.remote_parameters if info.remote_parameters is not None else saved.parameters
                opened = OpenedPrompt(saved, info.remote_config_data.to_wire(), dict(parameters))
                return SaveOutcome("up_to_date", opened.start_draft(), opened=opened)
            pending = draft.model_copy(update={"pending_conflict": info})
            return SaveOutcome("conflict", pending, conflict=info)
        stored = self._stored_content(draft, request, result)
        if stored is not None:
            opened = OpenedPrompt(result.prompt, *stored)
        elif result.prompt is not None:
            opened = await self._complete(result.prompt)
        else:
            opened = await self.open_prompt(draft.handle)
        recreated = result.action == "created" and bool(draft.base_version)  # 0: a CLI file never pushed
        return SaveOutcome(result.action, opened.start_draft(), opened=opened, recreated=recreated)

    def _stored_content(
        self, draft: Draft, request: SyncRequest, result: SyncResult
    ) -> tuple[dict[str, Any], dict[str, Any]] | None:
        """What the server now holds, known without asking again: the content a save just sent.

        LangWatch stores the sent fields over the version the draft started from (a field left out is carried
        over) and adds the variables the texts read to the inputs, by the rule `models.variables` keeps. Only
        where that is certain: a LangWatch-shaped back end, no system message to hoist, and an answer about the
        very version the draft was based on (or a new one made from it).
        """
        prompt = result.prompt
        sent = request.config_data.to_wire()
        if prompt is None or self.capabilities.prompt_shape != "langwatch" or self.capabilities.save_answer_is_content \
                or any(
            message.get("role") == "system" for message in sent.get("messages", [])
        ):
            return None
        if result.action == "up_to_date":
            if prompt.version != draft.base_version or draft.base_config is None:
                return None
            return dict(draft.base_config), dict(draft.base_parameters)
        carried = dict(draft.base_config or {}) if result.action == "updated" else {}
        content = {**carried, **sent}
        texts = [content.get("prompt", ""), *(message.get("content", "") for message in content.get("messages", []))]
        content["inputs"] = [item.to_wire() for item in with_detected_inputs(texts, request.config_data.inputs)]
        return ConfigData.model_validate(content).to_wire(), dict(request.parameters or {})

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

    async def key_value_tags(self, handle: str) -> list[tuple[str, str]]:
        """The key/value tags of the whole prompt (`capabilities.key_value_tags`)."""
        return await self.backend.key_value_tags(handle)

    async def change_key_value_tags(
        self, handle: str, *, add: Sequence[tuple[str, str]] = (), remove: Sequence[tuple[str, str]] = ()
    ) -> list[tuple[str, str]]:
        return await self.backend.change_key_value_tags(handle, add=add, remove=remove)
