"""The life of the prompt open in the window: its draft, from opening to saving, merging, restoring and deleting.

The window only shows this state and forwards what the user asks, so every rule about a draft (when it is kept on
disk, what a save does to it, how a conflict is kept until it is merged, how a restore rebases an edited draft)
lives here, Qt-free, and is tested without a display. Files are written in worker threads, one write at a time,
so the Qt thread never waits on a disk that fsyncs.

One session belongs to one connection: the window makes a new one when the user switches, and ends the flows of
the old one.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from prompt_studio.models import BUILT_IN_TAGS, VIRTUAL_TAG, Prompt, TagDefinition
from prompt_studio.models.bundle import Bundle
from prompt_studio.models.draft import Draft
from prompt_studio.models.errors import PromptStudioError
from prompt_studio.services.connections import Workspace
from prompt_studio.services.merging import MergeSession
from prompt_studio.services.prompts import OpenedPrompt, SaveOutcome
from prompt_studio.services.transfer import ImportSummary, export_bundle, fitted_to, import_bundle


@dataclass(frozen=True)
class MergeDecision:
    """What the user made of a merge: the merged draft and the commit message to save it with."""

    draft: Draft
    commit_message: str


MergeResolver = Callable[[MergeSession], Awaitable[MergeDecision | None]]
"""Shows a merge to the user; None means "keep my draft and the conflict for later"."""


@dataclass
class SaveAllSummary:
    """What "Save all" did, prompt by prompt, for its closing summary."""

    total: int
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    merged: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    """Still in conflict: the author kept the draft and its conflict for later."""
    failed: list[tuple[str, PromptStudioError | None]] = field(default_factory=list)

    def count(self, handle: str, action: str) -> None:
        {"created": self.created, "updated": self.updated, "up_to_date": self.unchanged,
         "conflict": self.conflicts}[action].append(handle)

    @property
    def text(self) -> str:
        """One line per kind, in plain words ("2 saved as new versions", "1 kept with its conflict")."""
        lines = []
        for names, words in ((self.created, "saved as new prompts"), (self.updated, "saved as new versions"),
                             (self.unchanged, "had nothing new"), (self.merged, "merged and saved"),
                             (self.conflicts, "kept with their conflict, for Resolve conflict later")):
            if names:
                lines.append(f"{len(names)} {words}: {', '.join(names)}")
        for handle, error in self.failed:
            reason = error.user_message if error is not None else "it could not be saved"
            lines.append(f"{handle} was not saved: {reason} Its draft is kept.")
        return "\n".join(lines) or "There were no drafts to save."


def draft_status(draft: Draft | None, *, server_away: bool = False) -> str:
    """One line for the status bar: where the draft stands (and that Save waits, while the server is away)."""
    if draft is None:
        return "Choose a prompt on the left, or create a new one (Ctrl+N)."
    base = f"based on v{draft.base_version}" if draft.base_version else "not saved yet"
    if draft.pending_conflict is not None:
        return (f"Draft kept on this computer, {base}. Someone saved v{draft.pending_conflict.remote_version} "
                "meanwhile: Resolve conflict to merge your edits with it.")
    if draft.differs_from_base:
        if server_away:
            return f"Draft saved on this computer, {base}. Save works again once the server answers."
        return f"Draft saved on this computer, {base}. Save (Ctrl+S) to make a version."
    return f"No changes, {base}."


async def _together(*steps: Awaitable[Any]) -> list[Any]:
    """Run independent steps at once; the first failure cancels the rest and is raised as it is."""
    try:
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(_awaited(step)) for step in steps]
    except BaseExceptionGroup as failures:
        raise failures.exceptions[0] from None
    return [task.result() for task in tasks]


async def _awaited(step: Awaitable[Any]) -> Any:
    return await step


async def _to_the_end(write: Callable[..., None], *arguments: Any) -> None:
    """Run a file write in a worker thread and hold on until it is done, even when the caller is cancelled.

    A thread cannot be stopped; letting go of the write lock while it still runs would let a newer write start
    beside it, and the older one could land last.
    """
    job = asyncio.ensure_future(asyncio.to_thread(write, *arguments))
    try:
        await asyncio.shield(job)
    except asyncio.CancelledError:
        await job
        raise


def _worth_keeping(draft: Draft) -> bool:
    return draft.differs_from_base or draft.pending_conflict is not None


class EditingSession:
    """The open prompt of one connection: its draft, the version on view, its history and the tag names."""

    def __init__(self, workspace: Workspace):
        self.workspace = workspace
        self.draft: Draft | None = None
        self.viewing: Prompt | None = None
        """An older version shown read-only instead of the draft."""
        self.versions: list[Prompt] = []
        self.tag_names: list[str] = list(BUILT_IN_TAGS)
        self.read_note: str | None = None
        """What the open prompt's last read could not get, in plain words (a key that may only read)."""
        self.offline_seen_at: float | None = None
        """Set while the open prompt is the offline copy (the server could not be reached): when it was seen."""
        self.read_only_reason: str | None = None
        """Why the open prompt can be read but not saved here (a CLI folder's remote prompt), or None."""
        self.draft_handles: set[str] = set()
        self.new_handles: set[str] = set()
        """The drafts of prompts that are not on the server yet (created here, never saved)."""
        """The prompts with a draft on disk, kept in memory so the list can mark them without reading files."""
        self._writes = asyncio.Lock()
        self._written: Draft | None = None

    @property
    def service(self):
        return self.workspace.service

    @property
    def drafts(self):
        return self.workspace.drafts

    @property
    def handle(self) -> str | None:
        return self.draft.handle if self.draft is not None else None

    @property
    def editing(self) -> bool:
        """A draft is open and on view (not an old version)."""
        return self.draft is not None and self.viewing is None

    async def start(self) -> None:
        """Find the drafts kept on disk, and which of them are new prompts not saved yet (in a worker thread)."""
        drafts = await asyncio.to_thread(self.drafts.load_all)
        self.draft_handles = {draft.handle for draft in drafts}
        self.new_handles = {draft.handle for draft in drafts if draft.is_new}

    # -- the draft on disk --------------------------------------------------------------------------------------

    async def _write(self, draft: Draft) -> None:
        """Keep `draft` on disk, or remove its file when it holds nothing the server does not have."""
        async with self._writes:
            if _worth_keeping(draft):
                await _to_the_end(self.drafts.save, draft)
                self.draft_handles.add(draft.handle)
            else:
                await _to_the_end(self.drafts.delete, draft.handle)
                self.draft_handles.discard(draft.handle)
            if draft is self.draft:
                self._written = draft

    async def _forget(self, handle: str) -> None:
        async with self._writes:
            await _to_the_end(self.drafts.delete, handle)
            self.draft_handles.discard(handle)
            self.new_handles.discard(handle)

    async def flush(self) -> None:
        """Put the current draft on disk now, unless it is there already."""
        draft = self.draft
        if draft is not None and draft is not self._written:
            await self._write(draft)

    def edit(self, config: dict[str, Any], parameters: dict[str, Any]) -> None:
        """The form changed: the draft follows at once (it reaches the disk at the next `flush`)."""
        if self.editing and self.read_only_reason is None:
            self.draft = self.draft.model_copy(update={"config": config, "parameters": parameters})

    # -- opening ------------------------------------------------------------------------------------------------

    async def open(self, handle: str) -> Draft:
        """A prompt's draft if one is kept on this computer, else its newest version as a new draft.

        The prompt's full content, its history and the draft file are read at once: over a real distance an open
        costs one round trip, not one per read.
        """
        await self.flush()
        if handle in self.new_handles:
            kept = await asyncio.to_thread(self.drafts.load, handle)
            if kept is not None and kept.is_new:
                self._show(kept)
                self.versions, self.read_note, self.offline_seen_at, self.read_only_reason = [], None, None, None
                return self.draft
        (opened, versions), kept = await _together(
            self.service.open_with_history(handle), asyncio.to_thread(self.drafts.load, handle),
        )
        self._show(kept if kept is not None else opened.start_draft())
        self.versions = versions
        self.read_note = opened.partial_note
        self.offline_seen_at = opened.offline_seen_at
        self.read_only_reason = opened.read_only_reason
        return self.draft

    def _show(self, draft: Draft | None) -> None:
        self.draft = draft
        self._written = draft
        self.viewing = None

    async def load_history(self, handle: str) -> list[Prompt]:
        versions = await self.service.history(handle)
        if handle == self.handle:
            self.versions = versions
        return versions

    async def load_tags(self) -> list[str]:
        tags: list[TagDefinition] = await self.service.list_tags()
        self.tag_names = [tag.name for tag in tags if tag.name != VIRTUAL_TAG]
        return self.tag_names

    def view(self, version: Prompt) -> bool:
        """Show an old version read-only; False (and back to the draft) for the draft's own unedited version."""
        newest = self.versions[0].version if self.versions else None
        if self.draft is None or (version.version == newest and not self.draft.differs_from_base):
            self.viewing = None
            return False
        self.viewing = version
        return True

    def back_to_draft(self) -> None:
        self.viewing = None

    # -- saving and merging -------------------------------------------------------------------------------------

    async def save(self, commit_message: str, merge: MergeResolver) -> SaveOutcome | None:
        """Save the draft; a colleague's newer version goes to `merge`, and the merge is saved in turn.

        The draft and any conflict are on disk before `merge` is asked, so a cancel or a crash loses nothing.
        Returns the last outcome, or None when the user kept the conflict for later.
        """
        await self.flush()
        sent = self.draft
        if sent is None:
            return None
        outcome = await self.service.save(sent, commit_message)
        await self._apply(sent, outcome)
        if outcome.action == "conflict" and self.handle == sent.handle:
            return await self.merge(merge, intended_message=commit_message) or outcome
        return outcome

    async def merge(self, merge: MergeResolver, *, intended_message: str | None = None) -> SaveOutcome | None:
        """Merge the draft with the server's newer version, then save the merge, until no conflict is left.

        The author sees who saved the newer version and why; the message they gave their own save stays theirs.
        """
        while self.draft is not None and self.draft.pending_conflict is not None:
            handle = self.draft.handle
            theirs = await self._version(handle, self.draft.pending_conflict.remote_version)
            session = MergeSession.from_pending(self.draft, server_version=theirs, intended_message=intended_message)
            decision = await merge(session)
            if decision is None or self.handle != handle:
                return None
            self.draft = decision.draft
            await self._write(decision.draft)
            outcome = await self.service.save(decision.draft, decision.commit_message)
            await self._apply(decision.draft, outcome)
            if outcome.action != "conflict":
                return outcome
        return None

    async def save_all(
        self, commit_message: str, merge: MergeResolver, *, on_answered: Callable[[str], None] | None = None,
        on_merging: Callable[[str], None] | None = None,
    ) -> SaveAllSummary:
        """Save every draft of this connection with one commit message, a few at a time; then each conflict goes
        to `merge` in turn (the prompt opens for it).

        Each prompt gets at most one new version; a draft leaves the disk only once its own save succeeded, so a
        cancel or a failure half-way loses nothing (a save whose answer was lost is recognised next time).
        """
        await self.flush()
        kept = await asyncio.to_thread(self.drafts.load_all)
        drafts = [self.draft if self.draft is not None and draft.handle == self.handle else draft
                  for draft in kept if _worth_keeping(draft)]
        items = await self.service.save_many(drafts, commit_message, on_answered=on_answered)
        summary = SaveAllSummary(total=len(drafts))
        for draft, item in zip(drafts, items, strict=True):
            if item.outcome is None:
                summary.failed.append((draft.handle, item.error))
                continue
            await self._apply(draft, item.outcome)
            summary.count(draft.handle, item.outcome.action)
        for handle in await self._merge_in_turn(summary.conflicts, commit_message, merge, on_merging):
            summary.conflicts.remove(handle)
            summary.merged.append(handle)
        return summary

    async def _merge_in_turn(self, handles: list[str], commit_message: str, merge: MergeResolver,
                             on_merging: Callable[[str], None] | None = None) -> list[str]:
        """Each prompt's kept conflict to `merge`, one after the other (the prompt opens for it; `on_merging`
        hears which); the handles whose merge was saved."""
        merged = []
        for handle in list(handles):
            if on_merging is not None:
                on_merging(handle)
            await self.open(handle)
            outcome = await self.merge(merge, intended_message=commit_message)
            if outcome is not None and outcome.action != "conflict":
                merged.append(handle)
        return merged

    async def import_bundle(
        self, bundle: Bundle, commit_message: str, merge: MergeResolver, *,
        on_answered: Callable[[str], None] | None = None, on_merging: Callable[[str], None] | None = None,
    ) -> ImportSummary:
        """Import a bundle into this connection (`services.transfer`); then each conflict is kept as a draft with
        its conflict and goes to `merge` in turn, as a save's would.

        A prompt that already has a draft on this computer is left as it is: its conflict is listed, not merged,
        so the author's own edits are never replaced by the bundle's.
        """
        await self.flush()
        summary = await import_bundle(self.service, bundle, commit_message, on_answered=on_answered)
        kept = await asyncio.to_thread(self.drafts.handles)
        for handle, draft in summary.pending.items():
            if handle not in kept:
                await self._write(draft)
        to_merge = [handle for handle in summary.conflicts if handle not in kept]
        for handle in await self._merge_in_turn(to_merge, commit_message, merge, on_merging):
            summary.conflicts.remove(handle)
            summary.merged.append(handle)
        return summary

    async def copy_to(self, handle: str, target: Workspace, merge: MergeResolver) -> ImportSummary:
        """The newest saved version of `handle` into another connection, as a one-prompt import there: created, or
        saved on top of what it has there with `merge` settling a conflict, in a session of that connection (its
        drafts keep a conflict left for later). Between LangWatch and Orkes only what both can hold is copied;
        anything more is refused in plain words before a request is sent."""
        source = self.workspace.connection.name
        bundle = await export_bundle(self.service, source, [handle])
        bundle = fitted_to(bundle, target.service.capabilities.prompt_shape)
        there = EditingSession(target)
        await there.start()
        return await there.import_bundle(bundle, f"Copied from {source}", merge)

    async def _version(self, handle: str, number: int) -> Prompt | None:
        """One version as the history lists it (author, message), or None when it cannot be read."""
        known = next((version for version in self.versions if version.version == number), None)
        if known is not None or self.handle != handle:
            return known
        try:
            return await self.service.version(handle, number)
        except PromptStudioError:
            return None  # the merge goes on without the name of who saved it

    async def _apply(self, sent: Draft, outcome: SaveOutcome) -> None:
        """What a save's answer does to the drafts: keep a conflict, drop a saved draft, rebase newer edits."""
        current = self.draft if self.handle == sent.handle else None
        if outcome.action == "conflict":
            pending = (current or sent).model_copy(update={"pending_conflict": outcome.draft.pending_conflict})
            if current is not None:
                self.draft = pending
            await self._write(pending)
            return
        self.new_handles.discard(sent.handle)  # on the server now
        if current is None:
            await self._forget(sent.handle)
        elif current.config == sent.config and current.parameters == sent.parameters:
            self._show(outcome.draft)
            await self._forget(sent.handle)
        else:
            self.draft = current.model_copy(update={
                "base_version": outcome.draft.base_version,
                "base_config": outcome.draft.base_config,
                "base_parameters": outcome.draft.base_parameters,
                "pending_conflict": None,
            })
            await self._write(self.draft)

    # -- restore, new, delete, tags -----------------------------------------------------------------------------

    async def restore(self, version: Prompt) -> OpenedPrompt:
        """Save an old version again as the newest; edits in the draft stay, now based on the restored version."""
        handle = version.handle or version.id
        opened = await self.service.restore(handle, version.version_id)
        if self.handle == handle:
            if self.draft.differs_from_base:
                self.draft = self.draft.model_copy(update={
                    "base_version": opened.prompt.version,
                    "base_config": opened.config,
                    "base_parameters": opened.parameters,
                })
                self.viewing = None
                await self._write(self.draft)
            else:
                await self._forget(handle)
                self._show(opened.start_draft())
        return opened

    async def create(self, handle: str) -> Draft:
        """A new prompt, as a draft on this computer: its first save makes it version 1 on the server."""
        await self.flush()
        self._show(self.service.new_draft(handle))
        self.versions = []
        self.new_handles.add(handle)
        await self._write(self.draft)
        return self.draft

    async def delete(self, handle: str) -> None:
        """Delete a prompt and its draft (a new prompt never saved is only a draft); the window then shows
        nothing in its place."""
        if handle not in self.new_handles:
            await self.service.delete_prompt(handle)
        await self._forget(handle)
        if self.handle == handle:
            self._show(None)
            self.versions = []

    async def discard(self) -> None:
        """Throw the draft away (the user said so): the prompt is as the server has it."""
        if self.draft is not None:
            await self._forget(self.draft.handle)
            self._show(None)

    async def move_tag(self, version: Prompt, tag: str) -> None:
        await self.service.move_tag(version.handle or version.id, tag, version.version_id)

    async def create_tag(self, name: str) -> None:
        await self.service.create_tag(name)
        if name not in self.tag_names:
            self.tag_names.append(name)
