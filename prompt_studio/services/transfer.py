"""Export a connection's prompts as a bundle or a LangWatch CLI project folder, and import either into any
connection without overwriting (a folder goes in as a bundle of its files' content: `load_folder`).

An import saves each prompt through sync with no base version, as a new prompt: the server creates what it does
not have and answers `conflict` for what it has. A prompt whose newest version is already the bundle's is
unchanged; one whose newest version is an earlier version of an all-versions bundle is brought up to date with the
versions that follow it (each a new version, with its own commit message); any other is a conflict, listed for the
user to settle (in the app, through the merge dialog), never written over.

The versions of one prompt go out one after the other (each builds on the one before); the prompts go out side by
side (`PromptService.save_many`), so an all-versions import costs as many rounds as its longest history. The
version tags of the prompts it created follow last. A bundle says which shape its prompts have (LangWatch's or
Orkes'); into the other shape only the newest versions go, converted (`models.orkes`), or fail alone.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from prompt_studio.models import VIRTUAL_TAG, ConfigData, ConflictInfo, Prompt
from prompt_studio.models.bundle import (
    ALL_VERSIONS,
    BUNDLE_FORMAT,
    LATEST_ONLY,
    Bundle,
    BundledPrompt,
    BundledVersion,
    BundleProblem,
    bundle_text,
    read_bundle,
)
from prompt_studio.models.cli_project import (
    FILE_PREFIX,
    LOCK_FILE_VERSION,
    UNSYNCED_VERSION_ID,
    LockEntry,
    file_fields,
    left_out_of_file,
    local_file,
    push_config,
)
from prompt_studio.models.conversion import split_by_answer
from prompt_studio.models.draft import Draft
from prompt_studio.models.errors import FolderFormatError, PromptStudioError, ValidationFailedError
from prompt_studio.models.orkes import ShapeMisfit, as_langwatch_content, as_orkes_content
from prompt_studio.services.cli_folder import (
    new_prompt_document,
    read_project,
    write_lock,
    write_project,
    write_prompt_file,
)
from prompt_studio.services.prompts import BulkSaveItem, PromptService, server_holds, validated_config

IN_FLIGHT = 16
"""Reads of an export, and tag moves of an import, sent at once."""


async def export_bundle(
    service: PromptService, source: str, handles: Sequence[str] | None = None, *, all_versions: bool = False,
    on_read: Callable[[str], None] | None = None,
) -> Bundle:
    """The newest version of every prompt (or of `handles`) with everything it holds, and with `all_versions`
    its earlier versions as their answers show them; read a few prompts at a time."""
    if handles is None:
        handles = [prompt.handle or prompt.id for prompt in await service.list_prompts()]
    turns = asyncio.Semaphore(IN_FLIGHT)

    async def read(handle: str) -> BundledPrompt:
        async with turns:
            if all_versions:
                opened, versions = await service.open_with_history(handle)
            else:
                opened, versions = await service.open_prompt(handle), []
        earlier = [_bundled_version(service, version) for version in reversed(versions)
                   if version.version != opened.prompt.version]
        if on_read is not None:
            on_read(handle)
        newest = versions[0] if versions else opened.prompt
        return BundledPrompt(handle=handle, config_data=ConfigData.model_validate(opened.config),
                             parameters=opened.parameters, version=opened.prompt.version,
                             version_id=opened.prompt.version_id,
                             commit_message=opened.prompt.commit_message,
                             tags=_tags_of(newest) if all_versions else [], earlier_versions=earlier)

    prompts = await asyncio.gather(*(read(handle) for handle in handles))
    moment = datetime.now(UTC).isoformat(timespec="seconds")
    return Bundle(format=BUNDLE_FORMAT, format_version=ALL_VERSIONS if all_versions else LATEST_ONLY,
                  prompt_shape=service.capabilities.prompt_shape, exported_from=source, exported_at=moment,
                  prompts=list(prompts))


def _bundled_version(service: PromptService, version: Prompt) -> BundledVersion:
    config, parameters = service.version_content(version)
    return BundledVersion(version=version.version, config_data=ConfigData.model_validate(config),
                          parameters=parameters, commit_message=version.commit_message,
                          author=version.author_id, created_at=version.created_at, tags=_tags_of(version))


def _tags_of(version: Prompt) -> list[str]:
    """The tags someone put on a version (`latest` only says it is the newest, and follows by itself)."""
    return [name for name in version.tag_names if name != VIRTUAL_TAG]


def _in_shape(item: BundledPrompt, from_shape: str, to_shape: str) -> BundledPrompt:
    """The prompt's newest version in the shape of the connection it goes to (LangWatch's or Orkes'); its earlier
    versions stay behind. `ShapeMisfit` says what the other shape cannot hold."""
    if from_shape == to_shape:
        return item
    convert = as_orkes_content if to_shape == "orkes" else as_langwatch_content
    return item.model_copy(update={"config_data": convert(item.config_data), "earlier_versions": []})


def fitted_to(bundle: Bundle, to_shape: str) -> Bundle:
    """Every prompt of the bundle in the shape of the connection it goes to, or a `ValidationFailedError` naming
    the first that does not fit and why (before anything is sent)."""
    prompts = []
    for item in bundle.prompts:
        try:
            prompts.append(_in_shape(item, bundle.prompt_shape, to_shape))
        except ShapeMisfit as misfit:
            raise ValidationFailedError(f"{item.handle} cannot be copied there: {misfit}") from None
    return bundle.model_copy(update={"prompts": prompts, "prompt_shape": to_shape})


async def _tag_created(service: PromptService, steps: list[_PromptImport], summary: ImportSummary) -> None:
    """Put each version tag of the bundle on the version the import created for it, a few at a time; a tag the
    connection does not know yet is created first. Only on prompts the import created: moving a tag on a prompt
    that was already there would change what its users run."""
    moves = [(step.handle, tag, step.saved[position].version_id) for step in steps
             for position, tags in enumerate(step.bundled.tags_by_position()) if position in step.saved
             for tag in tags]
    if not moves:
        return
    known = {tag.name for tag in await service.list_tags()}
    for name in sorted({tag for _handle, tag, _version in moves} - known):
        try:
            await service.create_tag(name)
        except PromptStudioError as error:
            summary.failed += [(handle, f"its tag '{tag}' could not be created: {error.user_message}")
                               for handle, tag, _version in moves if tag == name]
            moves = [move for move in moves if move[1] != name]
    turns = asyncio.Semaphore(IN_FLIGHT)

    async def move(handle: str, tag: str, version_id: str) -> None:
        async with turns:
            try:
                await service.move_tag(handle, tag, version_id)
            except PromptStudioError as error:
                summary.failed.append((handle, f"its tag '{tag}' could not be set: {error.user_message}"))

    await asyncio.gather(*(move(*item) for item in moves))


def write_bundle(path: Path, bundle: Bundle) -> None:
    """Write the file whole or not at all (a temporary file beside it, then renamed over it)."""
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(bundle_text(bundle), encoding="utf-8")
    os.replace(temporary, path)


def load_bundle(path: Path, name: str | None = None) -> Bundle:
    """The bundle in a file, or a `BundleProblem` saying why it cannot be imported (named `name`)."""
    name = name or path.name
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise BundleProblem(f"{name} cannot be read: {error.strerror or error}.") from None
    except UnicodeDecodeError:
        raise BundleProblem(f"{name} is not a text file, so not a Prompt Studio bundle.") from None
    return read_bundle(text, name)


def folder_destination_problem(destination: Path) -> str | None:
    """Why a folder export cannot go there: only into a new or empty folder, so it never mixes with, or replaces,
    files there."""
    if destination.exists() and not destination.is_dir():
        return f"{destination} is a file: export into a new or empty folder. Nothing was written."
    if destination.is_dir() and any(destination.iterdir()):
        return f"{destination} is there and not empty: export into a new or empty folder. Nothing was written."
    return None


def write_folder(destination: Path, bundle: Bundle) -> dict[str, list[str]]:
    """The bundle's newest versions as a LangWatch CLI project: `prompts.json` with one `file:` prompt each, its
    file as the app's save writes it (what the CLI's push sends back unchanged: `max_tokens`, not the `maxTokens`
    its pull writes, which its push would drop, and the JSON answer's schema), and the lock at the exported
    version, so that a sync against the same server finds each prompt up to date. All or nothing: built beside
    `destination`, then renamed to it.

    Returns, by prompt, the fields of its content a file cannot hold (`left_out_of_file`), for the user to know.
    """
    if problem := folder_destination_problem(destination):
        raise FileExistsError(problem)
    bundle = fitted_to(bundle, "langwatch")
    destination.parent.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(prefix=f".{destination.name}.", dir=destination.parent))
    try:
        dependencies, lock, left_out = {}, {}, {}
        for item in bundle.prompts:
            config, file = item.config_data.to_wire(), local_file(item.handle)
            write_prompt_file(building / file, new_prompt_document(file_fields(config)))
            dependencies[item.handle] = FILE_PREFIX + file
            lock[item.handle] = LockEntry(item.version or 0, item.version_id or UNSYNCED_VERSION_ID, file).to_json()
            if missing := left_out_of_file(config):
                left_out[item.handle] = missing
        write_project(building, {"prompts": dependencies})
        write_lock(building, {"lockfileVersion": LOCK_FILE_VERSION, "prompts": lock})
        if destination.exists():
            destination.rmdir()
        building.rename(destination)
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    return left_out


def written_without(left_out: dict[str, list[str]]) -> list[str]:
    """What `write_folder` left out, a line a prompt."""
    return [f"{handle}: a prompt file does not keep its {', '.join(fields)} as they are"
            for handle, fields in left_out.items()]


def load_folder(folder: Path) -> tuple[Bundle, list[str]]:
    """A CLI project's local (`file:`) prompts as a bundle of newest versions, each what the CLI's push would send
    for its file, and the names of its remote prompts, left out: those live on a server already (the folder holds
    at most a pulled, git-ignored copy), and the CLI's own sync never pushes them. Reads only; anything the CLI
    would refuse is a `FolderFormatError` naming the file and the line."""
    project = read_project(folder)
    prompts = []
    for name, prompt_file in project.files.items():
        try:
            config = validated_config(push_config(prompt_file.document))
        except ValidationFailedError as error:
            raise FolderFormatError(f"{prompt_file.file}: {error.user_message}") from None
        prompts.append(BundledPrompt(handle=name, config_data=config))
    remote = [item.name for item in project.dependencies if not item.is_local]
    return Bundle(exported_from=str(project.root), prompts=prompts), remote


@dataclass
class ImportSummary:
    """What an import did, prompt by prompt."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    """There already, at an earlier version of the bundle: its newer versions were added."""
    merged: list[str] = field(default_factory=list)
    """Conflicts the author merged (in the app), saved as a new version."""
    unchanged: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    """On the connection with other content: nothing was written; merge them one by one."""
    failed: list[tuple[str, str]] = field(default_factory=list)
    pending: dict[str, Draft] = field(default_factory=dict)
    """Each conflict as a draft: the bundle's newest content, with the connection's side as its conflict."""
    left_remote: list[str] = field(default_factory=list)
    """The remote prompts of an imported CLI folder, not imported (`load_folder`)."""

    CONFLICT_WORDS = "already there with other content (nothing written: merge them)"

    def lines(self, conflict_words: str = CONFLICT_WORDS) -> list[str]:
        words = [(self.created, "created"), (self.updated, "updated with newer versions"),
                 (self.merged, "merged and saved"), (self.unchanged, "already there, unchanged"),
                 (self.conflicts, conflict_words)]
        lines = [f"{len(names)} {text}: {', '.join(names)}" for names, text in words if names]
        lines += [f"{handle} was not imported: {reason}" for handle, reason in self.failed]
        if self.left_remote:
            lines.append(f"{len(self.left_remote)} remote prompt{'s' if len(self.left_remote) != 1 else ''} of the "
                         f"folder left out (they live on their server; only file: prompts are imported): "
                         f"{', '.join(self.left_remote)}")
        return lines


@dataclass
class _PromptImport:
    """One prompt of the bundle on its way in: the next of its versions to send, and the version it builds on."""

    bundled: BundledPrompt
    contents: list[tuple[ConfigData, dict[str, Any], str | None]]
    next: int = 0
    base: Draft | None = None
    created: bool = False
    written: int = 0
    saved: dict[int, Prompt] = field(default_factory=dict)
    """The version this import wrote for each of the bundle's versions (by position), to set its tags on."""

    @property
    def handle(self) -> str:
        return self.bundled.handle

    @property
    def sending_last(self) -> bool:
        return self.next == len(self.contents) - 1

    def draft(self) -> Draft:
        config, parameters, _message = self.contents[self.next]
        base = self.base
        return Draft(handle=self.handle, config=config.to_wire(), parameters=parameters,
                     base_version=base.base_version if base else None,
                     base_config=base.base_config if base else None,
                     base_parameters=base.base_parameters if base else {})

    def message(self, bundle: Bundle, default: str) -> str:
        own = self.contents[self.next][2]
        return own if bundle.format_version == ALL_VERSIONS and own else default

    def take(self, item: BulkSaveItem, summary: ImportSummary) -> bool:
        """What the server answered for the version sent; True once this prompt is done."""
        outcome = item.outcome
        if outcome is None:
            error = item.error
            reason = error.user_message if isinstance(error, PromptStudioError) else "it could not be saved"
            done = f" ({self.written} of its {len(self.contents)} versions went in)" if self.written else ""
            summary.failed.append((self.handle, reason + done))
            return True
        if outcome.action == "conflict":
            info = outcome.conflict
            match = None if self.base is not None or info is None else self._version_matching(info)
            if match is None:  # other content, or someone saved between two of our versions
                self._conflict(info, summary)
                return True
            self.base = Draft(handle=self.handle, base_version=info.remote_version, config={},
                              base_config=info.remote_config_data.to_wire(),
                              base_parameters=dict(info.remote_parameters or {}))
            self.next = match + 1
        else:
            self.created = self.created or (outcome.action == "created" and self.base is None)
            self.written += outcome.action != "up_to_date"
            if outcome.action != "up_to_date" and outcome.opened is not None:
                self.saved[self.next] = outcome.opened.prompt
            self.base = outcome.draft
            self.next += 1
        if self.next < len(self.contents):
            return False
        (summary.created if self.created else summary.updated if self.written else summary.unchanged).append(
            self.handle)
        return True

    def _version_matching(self, info: ConflictInfo) -> int | None:
        """The latest of the bundle's versions the connection's newest version is, if any.

        The newest must match in full. An earlier version carries only what its response showed, so it matches
        on that part, and only when the rest (top_p, seed...) is already the bundle's newest: the versions
        added on top then replace nothing of the connection's that this import cannot see.
        """
        newest, newest_parameters, _message = self.contents[-1]
        if server_holds(info, newest, newest_parameters):
            return len(self.contents) - 1
        remote_shown, remote_hidden = split_by_answer(info.remote_config_data)
        if remote_hidden != split_by_answer(newest)[1]:
            return None
        remote_parameters = info.remote_parameters if info.remote_parameters is not None else {}
        for position in reversed(range(len(self.contents) - 1)):
            config, parameters, _message = self.contents[position]
            if split_by_answer(config)[0] == remote_shown and parameters == remote_parameters:
                return position
        return None

    def _conflict(self, info: ConflictInfo | None, summary: ImportSummary) -> None:
        """Kept as a draft of the bundle's newest content, on the last version this import wrote (if any)."""
        self.next = len(self.contents) - 1
        summary.conflicts.append(self.handle)
        summary.pending[self.handle] = self.draft().model_copy(update={"pending_conflict": info})


async def import_bundle(
    service: PromptService, bundle: Bundle, commit_message: str, *,
    on_answered: Callable[[str], None] | None = None,
) -> ImportSummary:
    """Every prompt of `bundle` created where it is missing (all its versions, in order, where it has them), the
    rest compared and brought up to date where that adds versions on top of the connection's; never overwritten.
    Into a connection of the other shape (LangWatch, Orkes) the newest versions go, converted; one that does not
    fit fails alone, with the reason.

    `on_answered(handle)` is called once per prompt, when it is done.
    """
    summary = ImportSummary()
    going = []
    for item in bundle.prompts:
        try:
            fitted = _in_shape(item, bundle.prompt_shape, service.capabilities.prompt_shape)
        except ShapeMisfit as misfit:
            summary.failed.append((item.handle, str(misfit)))
            if on_answered is not None:
                on_answered(item.handle)
            continue
        going.append(_PromptImport(fitted, fitted.contents()))
    created = list(going)
    while going:
        finishing = {step.handle for step in going if step.sending_last}

        def answered(handle: str, finishing: set[str] = finishing) -> None:
            if on_answered is not None and handle in finishing:
                on_answered(handle)

        items = await service.save_many([step.draft() for step in going],
                                        [step.message(bundle, commit_message) for step in going],
                                        on_answered=answered)
        still = []
        for step, item in zip(going, items, strict=True):
            if not step.take(item, summary):
                still.append(step)
            elif on_answered is not None and step.handle not in finishing:
                on_answered(step.handle)
        going = still
    if service.capabilities.version_tags:
        await _tag_created(service, [step for step in created if step.handle in summary.created], summary)
    order = {item.handle: position for position, item in enumerate(bundle.prompts)}
    for names in (summary.created, summary.updated, summary.unchanged, summary.conflicts):
        names.sort(key=order.__getitem__)
    return summary
