"""A LangWatch CLI project folder as a back end: the folder's prompts, kept in sync with a LangWatch server.

Local (`file:`) prompts open from their YAML and save to it, then to the server through sync with exactly what the
CLI's `langwatch prompt sync` would send for that file, so that the CLI finds nothing to do afterwards. Remote ones
are materialized as the CLI's pull does, and are read-only. History and tags come from the server.

Opening (listing) the folder pulls as the CLI does, and fixes its silent revert: a file unchanged since its lock's
version whose prompt moved on the server is brought forward to the server's content and version, pushing nothing.

The file functions (`read_project`, `write_prompt_file`, `write_lock`, `new_prompt_document`, `apply_fields`) are
for anyone who reads or writes such a folder (export and import too); the rules they follow are
`models/cli_project.py`.
"""

from __future__ import annotations

import asyncio
import io
import json
import logging
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.scalarstring import LiteralScalarString

from prompt_studio.api import LangWatchClient
from prompt_studio.models import (
    CreatePromptBody,
    Input,
    Prompt,
    SyncRequest,
    SyncResult,
    TagAssignment,
    TagDefinition,
    UpdatePromptBody,
    config_from_prompt,
)
from prompt_studio.models.cli_project import (
    FILE_PREFIX,
    LOCK_FILE,
    LOCK_FILE_VERSION,
    MATERIALIZED_FOLDER,
    PROJECT_FILE,
    PROMPT_SUFFIX,
    UNSYNCED_VERSION_ID,
    Dependency,
    LockEntry,
    document_problem,
    file_fields,
    file_path_problem,
    json_text,
    local_file,
    materialized_path,
    parse_lock,
    parse_project,
    pulled_document,
    push_commit_message,
    push_config,
    shown_config,
    unheld_document,
    unheld_outputs,
)
from prompt_studio.models.errors import FolderFormatError, NotFoundError, NotHeldByFile, ReadOnlyHere
from prompt_studio.models.variables import with_detected_inputs
from prompt_studio.paths import replace_file
from prompt_studio.services.backends import Capabilities
from prompt_studio.services.prompts import validated_config

log = logging.getLogger(__name__)

FOLDER_FIELDS = ("prompt", "messages", "model", "temperature", "max_tokens", "outputs", "response_format")
"""What a `.prompt.yaml` holds and the CLI's push sends: the rest of a LangWatch prompt is not offered there."""
FOLDER_CONTENT_NOTE = (
    "This prompt is kept in a file of a LangWatch CLI folder: it holds the model, the messages, temperature, max "
    "tokens and a JSON answer's schema, which is what the CLI sends to LangWatch."
)
FOLDER_CAPABILITIES = Capabilities(
    content_by_sync=False, content_from_history=False, save_answer_is_content=True, read_only_prompts=True,
    editable_fields=FOLDER_FIELDS, content_note=FOLDER_CONTENT_NOTE,
)


# -- the files ------------------------------------------------------------------------------------------------------

def _yaml() -> YAML:
    """Round trip: the author's comments, key order and quotes are kept; lines are never folded (as the CLI)."""
    yaml = YAML()
    yaml.width = 1_000_000
    yaml.preserve_quotes = True
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


@dataclass
class PromptFile:
    """One local prompt: its `file:` path as prompts.json writes it, and its YAML as read (comments and all)."""

    name: str
    file: str
    path: Path
    document: CommentedMap
    modified: str = ""
    """When the file was last written (ISO 8601, UTC), as the list's "Updated" shows it."""


@dataclass
class CliProject:
    """A folder as read: its dependencies, its lock (the raw JSON too, to write back what it does not know) and
    its local prompt files, each checked as the CLI checks it."""

    root: Path
    dependencies: list[Dependency]
    lock: dict[str, LockEntry]
    lock_data: dict[str, Any]
    files: dict[str, PromptFile] = field(default_factory=dict)
    project_data: dict[str, Any] = field(default_factory=dict)

    def dependency(self, name: str) -> Dependency | None:
        return next((item for item in self.dependencies if item.name == name), None)

    def set_lock(self, name: str, entry: LockEntry) -> None:
        self.lock[name] = entry
        self.lock_data.setdefault("prompts", {})[name] = entry.to_json()


def find_project_root(start: Path) -> Path | None:
    """The nearest folder from `start` upward that holds prompts.json, as the CLI looks for it."""
    for folder in (start, *start.parents):
        if (folder / PROJECT_FILE).is_file():
            return folder
    return None


def _read_json(path: Path, source: str, default: Any) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return default
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise FolderFormatError(f"{source}, line {error.lineno}: this is not valid JSON ({error.msg}).") from None


def _line_in_project(text: str, name: str) -> int:
    """The line of prompts.json that names this prompt (1 when it cannot be found)."""
    match = re.search(rf'"{re.escape(name)}"\s*:', text)
    return text.count("\n", 0, match.start()) + 1 if match else 1


def _line_of(document: Any, location: tuple[str | int, ...]) -> int:
    """The 1-based line of `location` in a round-trip YAML document (of its nearest existing parent)."""
    line, node = 0, document
    for part in location:
        found = None
        if isinstance(node, CommentedMap) and part in node:
            found = node.lc.key(part)
        elif isinstance(node, CommentedSeq) and isinstance(part, int) and part < len(node):
            found = node.lc.item(part)
        if found is None:
            break
        line, node = found[0], node[part]
    return line + 1


def parse_prompt_text(text: str, source: str) -> CommentedMap:
    """A prompt file's YAML, checked against the CLI's schema; a problem names `source` and its line."""
    try:
        document = _yaml().load(text)
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else 1
        raise FolderFormatError(f"{source}, line {line}: this is not valid YAML ({error.problem}).") from None
    except YAMLError as error:
        raise FolderFormatError(f"{source}: this is not valid YAML ({error}).") from None
    problem = document_problem(document)
    if problem is not None:
        location, why = problem
        raise FolderFormatError(f"{source}, line {_line_of(document, location)}: {why}.")
    return document


def _resolved_file(root: Path, dependency: Dependency, project_text: str) -> Path:
    where = f"{PROJECT_FILE}, line {_line_in_project(project_text, dependency.name)}"
    problem = file_path_problem(dependency.file or "")
    path = (root / (dependency.file or "")).resolve()
    if problem is None and not path.is_relative_to(root.resolve()):
        problem = f"{dependency.file!r} points outside the project folder."
    if problem is not None:
        raise FolderFormatError(f"{where}: {problem}")
    if not path.is_file():
        raise FolderFormatError(f"{where}: the file {dependency.file} of {dependency.name!r} does not exist.")
    return path


ParsedFiles = dict[Path, tuple[tuple[int, int], CommentedMap]]
"""Prompt files as last parsed, by path, with the (modification time, size) they had then."""


def _parsed(path: Path, source: str, cache: ParsedFiles | None) -> CommentedMap:
    status = path.stat()
    signature = (status.st_mtime_ns, status.st_size)
    if cache is not None and path in cache and cache[path][0] == signature:
        return cache[path][1]
    document = parse_prompt_text(path.read_text(encoding="utf-8"), source)
    if cache is not None:
        cache[path] = (signature, document)
    return document


def read_project(folder: Path, only: str | None = None, cache: ParsedFiles | None = None) -> CliProject:
    """Read a CLI project folder (prompts.json, the lock, every local prompt file, or `only` that one's) without
    writing anything. Anything the CLI would refuse is a `FolderFormatError` that names the file and the line.

    ruamel's round trip reads some 500 files a second (benchmarks/cli_folder_bench.py): opening one prompt reads
    only its file, and a refresh given a `cache` parses only the files changed since (the documents it returns
    are the cache's: a caller that changes one must not pass it).
    """
    root = folder.resolve()
    project_path = root / PROJECT_FILE
    if not project_path.is_file():
        raise FolderFormatError(f"{root} has no {PROJECT_FILE}: it is not a LangWatch CLI project folder.")
    project_text = project_path.read_text(encoding="utf-8")
    project_data = _read_json(project_path, PROJECT_FILE, {})
    lock_data = _read_json(root / LOCK_FILE, LOCK_FILE, {"lockfileVersion": LOCK_FILE_VERSION, "prompts": {}})
    project = CliProject(root, parse_project(project_data, PROJECT_FILE), parse_lock(lock_data, LOCK_FILE),
                         lock_data, project_data=project_data)
    for dependency in project.dependencies:
        if dependency.is_local and only in (None, dependency.name):
            path = _resolved_file(root, dependency, project_text)
            document = _parsed(path, dependency.file or path.name, cache)
            modified = datetime.fromtimestamp(path.stat().st_mtime, UTC).isoformat(timespec="milliseconds")
            project.files[dependency.name] = PromptFile(dependency.name, dependency.file or "", path, document,
                                                        modified)
    return project


def _text_value(content: str) -> str:
    """Several lines as a `|` block, as people write them, where YAML can keep them exactly so."""
    plain_lines = "\n" in content and all(line == line.rstrip() and line.isprintable() for line in content.split("\n"))
    if plain_lines and not content.startswith((" ", "\n")):
        return LiteralScalarString(content)
    return content


def _set(mapping: CommentedMap, key: str, value: Any, *, after: str | None = None) -> None:
    """Set a key where it is (keeping its comment), or add it after `after` (or at the end)."""
    if key in mapping or after not in mapping:
        mapping[key] = value
    else:
        mapping.insert(list(mapping).index(after) + 1, key, value)


def apply_fields(document: CommentedMap, fields: dict[str, Any]) -> None:
    """Make a prompt file hold `fields` (`models.cli_project.file_fields`), changing only what differs, so the
    author's comments, key order and other keys stay. Max tokens is written as `modelParameters.max_tokens`, the
    spelling the CLI pushes."""
    _set(document, "model", fields["model"])
    messages = document.get("messages")
    if not isinstance(messages, CommentedSeq):
        messages = CommentedSeq()
        _set(document, "messages", messages, after="model")
    for position, message in enumerate(fields["messages"]):
        if position < len(messages) and isinstance(messages[position], CommentedMap):
            kept = messages[position]
            if kept.get("role") != message["role"]:
                kept["role"] = message["role"]
            if kept.get("content") != message["content"]:
                kept["content"] = _text_value(message["content"])
        else:
            messages.append(CommentedMap(role=message["role"], content=_text_value(message["content"])))
    del messages[len(fields["messages"]):]
    parameters = document.get("modelParameters")
    if not isinstance(parameters, CommentedMap):
        parameters = CommentedMap()
    for key in ("temperature", "max_tokens"):
        if key in fields["modelParameters"]:
            if parameters.get(key) != fields["modelParameters"][key]:
                _set(parameters, key, fields["modelParameters"][key], after="temperature")
        else:
            parameters.pop(key, None)
    parameters.pop("maxTokens", None)
    document.pop("max_tokens", None)
    if parameters:
        _set(document, "modelParameters", parameters, after="model")
    else:
        document.pop("modelParameters", None)
    response_format = fields["response_format"]
    if response_format is None:
        document.pop("response_format", None)
    elif document.get("response_format") != response_format:
        _set(document, "response_format", CommentedMap(response_format))


def new_prompt_document(fields: dict[str, Any]) -> CommentedMap:
    """A new prompt file in the CLI's key order: model, modelParameters, messages, response_format."""
    document = CommentedMap(model=fields["model"])
    apply_fields(document, fields)
    return document


def _dumped(document: CommentedMap, *, allow_unicode: bool) -> str:
    yaml = _yaml()
    yaml.allow_unicode = allow_unicode
    buffer = io.StringIO()
    yaml.dump(document, buffer)
    return buffer.getvalue()


def prompt_file_text(document: CommentedMap) -> str:
    """The YAML of a prompt file, checked to read back as it is: ruamel writes a few line separators (U+0085,
    U+2028) raw inside quotes, where YAML folds them into spaces; such a file is written with escapes instead."""
    text = _dumped(document, allow_unicode=True)
    if _yaml().load(text) == document:
        return text
    return _dumped(document, allow_unicode=False)


def write_prompt_file(path: Path, document: CommentedMap) -> None:
    """Replace a prompt file, all or nothing (a crash leaves the old file or the new one)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    replace_file(path, prompt_file_text(document).encode("utf-8"))


def write_lock(root: Path, lock_data: dict[str, Any]) -> None:
    """prompts-lock.json as the CLI writes it (2-space JSON, a final newline), all or nothing."""
    replace_file(root / LOCK_FILE, json_text(lock_data).encode("utf-8"))


def write_project(root: Path, project_data: dict[str, Any]) -> None:
    replace_file(root / PROJECT_FILE, json_text(project_data).encode("utf-8"))


# -- the back end ---------------------------------------------------------------------------------------------------

def _remote_reason(dependency: Dependency) -> str:
    pinned = f"version {dependency.version}" if dependency.version is not None else "its newest version"
    return (f"Read-only: this folder takes {dependency.name} from the server ({pinned}), so it is changed there, "
            "not here.")


def _file_prompt(prompt_file: PromptFile, entry: LockEntry | None, server: Prompt | None) -> Prompt:
    """A local prompt as the app shows it: the file's content, at the lock's version, with the inputs a sync would
    store (`input`, then every variable the texts read)."""
    config = shown_config(prompt_file.document)
    texts = [config["prompt"], *(message["content"] for message in config["messages"])]
    inputs = with_detected_inputs(texts, [Input.model_validate(item) for item in config["inputs"]])
    system = [{"role": "system", "content": config["prompt"]}] if config["prompt"] else []
    stamp = prompt_file.modified or datetime.now(UTC).isoformat(timespec="milliseconds")
    version = entry.version if entry is not None else 0
    return Prompt.model_validate({
        **{key: config[key] for key in ("prompt", "model", "outputs", "temperature", "max_tokens") if key in config},
        "id": server.id if server is not None else f"file:{prompt_file.name}",
        "handle": prompt_file.name, "scope": "PROJECT", "name": prompt_file.name,
        "updated_at": stamp, "created_at": stamp,
        "project_id": server.project_id if server is not None else "",
        "organization_id": server.organization_id if server is not None else "",
        "version_id": entry.version_id if entry is not None else UNSYNCED_VERSION_ID, "version": version,
        "messages": system + config["messages"], "inputs": [item.to_wire() for item in inputs],
        "response_format": config.get("response_format"),
        "tags": [tag.to_wire() for tag in server.tags] if server is not None and server.version == version else [],
    })


def _fields_of(prompt: Prompt) -> dict[str, Any]:
    return file_fields(config_from_prompt(prompt).to_wire())


class CliFolderBackend:
    """A LangWatch CLI project folder bound to a LangWatch server (`PromptBackend`)."""

    capabilities = FOLDER_CAPABILITIES

    def __init__(self, root: Path, client: LangWatchClient):
        self.root = root.resolve()
        self.client = client
        self._writing = asyncio.Lock()
        """One read-change-write of the folder at a time."""
        self._remote: dict[str, Prompt] = {}
        """The remote prompts as last pulled."""
        self._read_only: dict[str, str] = {}
        """Why a prompt cannot be saved here, by name: the remote ones (from the last pull) and the files the form
        could not keep whole (found when they open)."""
        self._parsed: ParsedFiles = {}
        """The files a refresh parsed, for the next one (read-only uses; a save reads its file afresh)."""

    # -- reading and pulling ----------------------------------------------------------------------------------

    async def list_prompts(self) -> list[Prompt]:
        """The folder's prompts, after a pull as the CLI's (and the fast-forward of unedited files)."""
        async with self._writing:
            project, answer = await asyncio.gather(asyncio.to_thread(read_project, self.root, None, self._parsed),
                                                   self.client.list_prompts())
            server = {prompt.handle: prompt for prompt in answer}
            await self.pull(project, server)
        return await asyncio.to_thread(self._listed, project, server)

    def _listed(self, project: CliProject, server: dict[str, Prompt]) -> list[Prompt]:
        listed = []
        for dependency in project.dependencies:
            if dependency.is_local:
                listed.append(_file_prompt(project.files[dependency.name], project.lock.get(dependency.name),
                                           server.get(dependency.name)))
            elif dependency.name in self._remote:
                listed.append(self._remote[dependency.name])
        return listed

    async def pull(self, project: CliProject, server: dict[str, Prompt]) -> None:
        """Materialize the remote prompts whose version changed (or whose file is gone), remove materialized files
        no dependency names, and bring unedited local files forward; the lock follows, written only if it changed."""
        before = json_text(project.lock_data)
        remote = [item for item in project.dependencies if not item.is_local]
        pulled = await asyncio.gather(*(self._remote_version(item, server) for item in remote))
        self._remote = {item.name: prompt for item, prompt in zip(remote, pulled, strict=True) if prompt is not None}
        self._read_only = {item.name: _remote_reason(item) for item in remote}
        await asyncio.to_thread(self._materialize, project)
        moved = [name for name, prompt_file in project.files.items()
                 if name in server and (entry := project.lock.get(name)) is not None
                 and 0 < entry.version < server[name].version]
        bases = await asyncio.gather(*(self._lock_version(name, project.lock[name].version) for name in moved))
        for name, base in zip(moved, bases, strict=True):
            if base is not None:
                await asyncio.to_thread(self._fast_forward, project, project.files[name], base, server[name])
        if json_text(project.lock_data) != before:
            await asyncio.to_thread(write_lock, project.root, project.lock_data)

    async def _remote_version(self, dependency: Dependency, server: dict[str, Prompt]) -> Prompt | None:
        if dependency.version is None and dependency.name in server:
            return server[dependency.name]
        try:
            return await self.client.get_prompt(dependency.name, version=dependency.version)
        except NotFoundError:
            log.warning("%s is not on the server: not materialized", dependency.name)
            return None

    async def _lock_version(self, name: str, version: int) -> Prompt | None:
        try:
            return await self.client.get_prompt(name, version=version)
        except NotFoundError:
            return None

    def _materialize(self, project: CliProject) -> None:
        for name, prompt in self._remote.items():
            entry = project.lock.get(name)
            if entry is None or entry.version != prompt.version or not entry.materialized \
                    or not (project.root / entry.materialized).is_file():
                relative = materialized_path(name)
                write_prompt_file(project.root / relative, CommentedMap(pulled_document(prompt)))
                project.set_lock(name, LockEntry(prompt.version, prompt.version_id, relative))
        folder = project.root / MATERIALIZED_FOLDER
        for path in folder.rglob(f"*{PROMPT_SUFFIX}") if folder.is_dir() else ():
            name = path.relative_to(folder).as_posix().removesuffix(PROMPT_SUFFIX)
            dependency = project.dependency(name)
            if dependency is None or dependency.is_local:
                path.unlink()
            if dependency is None:  # a local prompt's entry stays: the CLI's pull drops it, and its push then conflicts
                project.lock.pop(name, None)
                project.lock_data.get("prompts", {}).pop(name, None)

    @staticmethod
    def _fast_forward(project: CliProject, prompt_file: PromptFile, base: Prompt, newest: Prompt) -> None:
        """A file that still holds its lock's version takes the server's newest content and version (the CLI
        would move the lock and keep the old text, then push it back as a new version on its next sync)."""
        unedited = shown_config(prompt_file.document) == shown_config(_fields_of(base))
        if not unedited:
            return
        apply_fields(prompt_file.document, _fields_of(newest))
        write_prompt_file(prompt_file.path, prompt_file.document)
        project.set_lock(prompt_file.name, LockEntry(newest.version, newest.version_id, prompt_file.file))

    def read_only_reason(self, handle: str) -> str | None:
        """Why this prompt cannot be saved here, in one plain line (None: it can)."""
        return self._read_only.get(handle)

    async def get_prompt(self, id_or_handle: str, *, version: int | None = None, tag: str | None = None) -> Prompt:
        """A version or tag from the server; without either, the prompt as the folder holds it now."""
        if version is not None or tag is not None:
            return await self.client.get_prompt(id_or_handle, version=version, tag=tag)
        project = await asyncio.to_thread(read_project, self.root, id_or_handle, self._parsed)
        dependency = project.dependency(id_or_handle)
        if dependency is None:
            raise NotFoundError(f"{id_or_handle} is not in this folder's {PROJECT_FILE}.")
        if not dependency.is_local:
            if id_or_handle not in self._remote:
                self._remote[id_or_handle] = await self.client.get_prompt(id_or_handle, version=dependency.version)
                self._read_only[id_or_handle] = _remote_reason(dependency)
            return self._remote[id_or_handle]
        prompt_file = project.files[id_or_handle]
        reason = unheld_document(prompt_file.document)
        if reason is not None:
            self._read_only[id_or_handle] = reason
        return _file_prompt(prompt_file, project.lock.get(id_or_handle), None)

    async def list_versions(self, id_or_handle: str) -> list[Prompt]:
        """The server's history; none yet for a local prompt no push has sent."""
        try:
            return await self.client.list_versions(id_or_handle)
        except NotFoundError:
            project = await asyncio.to_thread(read_project, self.root, id_or_handle)
            entry = project.lock.get(id_or_handle)
            if id_or_handle in project.files and (entry is None or entry.version == 0):
                return []
            raise

    # -- saving -----------------------------------------------------------------------------------------------

    async def sync_prompt(self, id_or_handle: str, request: SyncRequest) -> SyncResult:
        """Save a local prompt: the file as it will be, then the CLI's own sync of it; the file and the lock are
        written once the server took it (a conflict writes nothing). A new name becomes a new file, as the CLI's
        `prompt create` makes it."""
        async with self._writing:
            project = await asyncio.to_thread(read_project, self.root, id_or_handle)
            dependency = project.dependency(id_or_handle)
            if dependency is not None and not dependency.is_local:
                raise ReadOnlyHere(_remote_reason(dependency))
            content = request.config_data.to_wire()
            problem = unheld_outputs(content)
            if problem is not None:
                raise NotHeldByFile(problem)
            fields = file_fields(content)
            if dependency is None:
                prompt_file = self._new_file(project, id_or_handle, fields)
            else:
                prompt_file = project.files[id_or_handle]
                if (reason := unheld_document(prompt_file.document)) is not None:
                    raise ReadOnlyHere(reason)
                apply_fields(prompt_file.document, fields)
            entry = project.lock.get(id_or_handle)
            local_version = request.local_version if request.local_version is not None else (
                entry.version if entry is not None else 0)
            sent = SyncRequest(
                config_data=validated_config(push_config(prompt_file.document)),
                local_version=local_version,
                commit_message=request.commit_message or push_commit_message(prompt_file.file),
            )
            result = await self.client.sync_prompt(id_or_handle, sent)
            if result.action == "conflict" or result.prompt is None:
                return result
            answer = result.prompt
            if result.action == "up_to_date" and answer.version != local_version:
                apply_fields(prompt_file.document, _fields_of(answer))  # behind: the server's newer content
            project.set_lock(id_or_handle, LockEntry(answer.version, answer.version_id, prompt_file.file))
            await asyncio.to_thread(self._write_saved, project, prompt_file, dependency is None)
            return SyncResult(action=result.action, prompt=_file_prompt(prompt_file, project.lock[id_or_handle],
                                                                        answer))

    @staticmethod
    def _new_file(project: CliProject, name: str, fields: dict[str, Any]) -> PromptFile:
        file = local_file(name)
        path = project.root / file
        if path.exists():
            raise FolderFormatError(f"{file} exists but {PROJECT_FILE} does not name it: add it there, or choose "
                                    "another name.")
        project.project_data.setdefault("prompts", {})[name] = FILE_PREFIX + file
        project.set_lock(name, LockEntry(0, UNSYNCED_VERSION_ID, file))
        prompt_file = PromptFile(name, file, path, new_prompt_document(fields))
        project.files[name] = prompt_file
        return prompt_file

    @staticmethod
    def _write_saved(project: CliProject, prompt_file: PromptFile, new: bool) -> None:
        write_prompt_file(prompt_file.path, prompt_file.document)
        if new:
            write_project(project.root, project.project_data)
        write_lock(project.root, project.lock_data)

    async def restore_version(self, id_or_handle: str, version_id: str) -> Prompt:
        """Restore on the server, then the file and the lock take the restored content, as a pull would."""
        async with self._writing:
            project = await asyncio.to_thread(read_project, self.root, id_or_handle)
            prompt_file = project.files.get(id_or_handle)
            if prompt_file is None:
                raise ReadOnlyHere(self.read_only_reason(id_or_handle) or f"{id_or_handle} is not a file of "
                                   "this folder.")
            restored = await self.client.restore_version(id_or_handle, version_id)
            apply_fields(prompt_file.document, _fields_of(restored))
            project.set_lock(id_or_handle, LockEntry(restored.version, restored.version_id, prompt_file.file))
            await asyncio.to_thread(self._write_saved, project, prompt_file, False)
            return _file_prompt(prompt_file, project.lock[id_or_handle], restored)

    async def create_prompt(self, body: CreatePromptBody) -> Prompt:
        raise ReadOnlyHere("A folder's new prompt is made by its first save.")

    async def update_prompt(self, id_or_handle: str, body: UpdatePromptBody) -> Prompt:
        raise ReadOnlyHere("A folder's prompt is saved through its file.")

    async def delete_prompt(self, id_or_handle: str) -> None:
        raise ReadOnlyHere("Remove a prompt from a folder with the CLI (langwatch prompt remove), so that "
                           "prompts.json and your git history say so.")

    # -- tags: the server's ------------------------------------------------------------------------------------

    async def assign_tag(self, id_or_handle: str, tag: str, version_id: str) -> TagAssignment:
        return await self.client.assign_tag(id_or_handle, tag, version_id)

    async def list_tags(self) -> list[TagDefinition]:
        return await self.client.list_tags()

    async def create_tag(self, name: str) -> TagDefinition:
        return await self.client.create_tag(name)

    async def rename_tag(self, name: str, new_name: str) -> TagDefinition:
        return await self.client.rename_tag(name, new_name)

    async def delete_tag(self, name: str) -> None:
        await self.client.delete_tag(name)

    async def aclose(self) -> None:
        await self.client.aclose()
