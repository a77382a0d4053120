"""The embedded prompt library: LangWatch prompts, versions and tags in one SQLite file.

It answers with the same models and raises the same errors as a LangWatch server, so the app and the
`prompt-studio serve` server treat it as one more back end. It is synchronous and thread-safe: each thread
gets its own connection, the file is in WAL mode so readers never wait for a writer, and every write runs in
one `BEGIN IMMEDIATE` transaction that reads the latest version and inserts the next one, so two writers can
never both build on the same version.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
import string
import threading
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from pydantic.alias_generators import to_camel

from prompt_studio.models import (
    BUILT_IN_TAGS,
    DEFAULT_MODEL,
    VIRTUAL_TAG,
    ConfigData,
    ConflictInfo,
    CreatePromptBody,
    Prompt,
    SyncRequest,
    SyncResult,
    TagAssignment,
    TagDefinition,
    UpdatePromptBody,
    handle_problem,
    tag_name_problem,
)
from prompt_studio.models.errors import ConflictError, NotFoundError, ValidationFailedError
from prompt_studio.models.problems import wire_summary
from prompt_studio.models.prompt import PromptWriteBody
from prompt_studio.models.variables import PRIMARY_INPUT, ordered_inputs, with_detected_inputs
from prompt_studio.store.comparison import comparable, differences, parameters_equal
from prompt_studio.store.examples import EXAMPLE_PROMPTS
from prompt_studio.store.private_files import make_private_database
from prompt_studio.store.responses import Owner, PromptRow, VersionRow, prompt_response
from prompt_studio.store.schema import MIGRATIONS, SCHEMA_VERSION

BUSY_TIMEOUT_SECONDS = 30.0
"""How long a writer waits for another one to commit before giving up; writes take milliseconds."""

DEFAULT_SCOPE = "PROJECT"
INITIAL_COMMIT_MESSAGE = "Initial version"
SYNC_CREATED_COMMIT_MESSAGE = "Synced from local file"
SYNC_UPDATED_COMMIT_MESSAGE = "Updated from local file"
DEFAULT_INPUTS = ({"identifier": PRIMARY_INPUT, "type": "str"},)
DEFAULT_OUTPUTS = ({"identifier": "output", "type": "str"},)

PROMPT_NOT_FOUND = "Prompt not found"
VERSION_NOT_FOUND = "prompt_not_found"
TAG_NOT_FOUND = "tag_not_found"
VALIDATION_ERROR = "validation_error"
SYSTEM_PROMPT_CONFLICT = "system_prompt_conflict"

_ID_ALPHABET = string.ascii_letters + string.digits
_BODY_CONFIG_FIELDS = ("prompt", "model", "messages", "inputs", "outputs", "temperature", "max_tokens")
_PROMPT_COLUMNS = "p.id, p.handle, p.scope, p.updated_at, p.latest_version"
_VERSION_COLUMNS = "v.id, v.version, v.config_data, v.parameters, v.author_id, v.commit_message, v.created_at"


_ID_LENGTH = 21
_UNBIASED_BYTES = 256 - 256 % len(_ID_ALPHABET)
"""Random bytes below this map onto the alphabet evenly (`byte % 62`); the few above are dropped."""


def _new_id(prefix: str) -> str:
    """`prefix` and 21 random letters and digits, from one read of the system's randomness: a character at a time
    (`secrets.choice`) took 40% of the time of creating a prompt."""
    characters: list[str] = []
    while len(characters) < _ID_LENGTH:
        characters += (_ID_ALPHABET[byte % len(_ID_ALPHABET)] for byte in secrets.token_bytes(2 * _ID_LENGTH)
                       if byte < _UNBIASED_BYTES)
    return prefix + "".join(characters[:_ID_LENGTH])


def _now() -> str:
    """ISO-8601 UTC with milliseconds and Z, as the LangWatch server writes every timestamp."""
    moment = datetime.now(UTC)
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{moment.microsecond // 1000:03d}Z"


def _to_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def _statements(script: str) -> Iterator[str]:
    """The statements of a migration, split where SQLite itself says one ends (trigger bodies stay whole)."""
    pending = ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            yield pending
            pending = ""
    if pending.strip():
        raise ValueError(f"unterminated statement in a migration: {pending.strip()[:60]}")


def _validated_config(data: dict[str, Any], prefix: str = "configData") -> ConfigData:
    try:
        return ConfigData.model_validate(data)
    except ValidationError as error:
        raise ValidationFailedError(wire_summary(error, prefix), error=VALIDATION_ERROR) from None


def _stored_form(config: ConfigData) -> dict[str, Any]:
    """What a version keeps: every field that was set, unknown keys included, `messages`/`inputs` always."""
    stored = config.to_wire()
    stored.setdefault("messages", [])
    stored.setdefault("inputs", [])
    return stored


def _hoist_system_message(data: dict[str, Any]) -> dict[str, Any]:
    """The system prompt lives in `prompt`, never in `messages`; both at once is a 409, as on LangWatch.

    An empty `prompt` next to a system message takes that message's content, so nothing written is lost.
    """
    messages = data.get("messages")
    if not messages:
        return data
    system_messages = [message for message in messages if message.get("role") == "system"]
    if not system_messages:
        return data
    if data.get("prompt"):
        raise ConflictError(
            "Give the system prompt either as 'prompt' or as a system message, not both.",
            error=SYSTEM_PROMPT_CONFLICT,
        )
    return {
        **data,
        "prompt": system_messages[0].get("content", ""),
        "messages": [message for message in messages if message.get("role") != "system"],
    }


def _body_config_updates(body: PromptWriteBody) -> dict[str, Any]:
    """The snake_case config fields a create or update body sets, sampling fields sent as extras included."""
    updates: dict[str, Any] = {}
    for field in _BODY_CONFIG_FIELDS:
        value = getattr(body, field)
        if value is None:
            continue
        updates[field] = [item.to_wire() for item in value] if isinstance(value, list) else value
    extras = body.model_extra or {}
    for name, info in ConfigData.model_fields.items():
        if name in _BODY_CONFIG_FIELDS:
            continue
        wire_name = info.alias or name
        for key in (to_camel(name), wire_name):
            if extras.get(key) is not None:
                updates[wire_name] = extras[key]
                break
    return _hoist_system_message(updates)


def _tag_list(joined: str | None) -> list[str]:
    """The tag names `group_concat` joined with ',' (a character no tag name may contain)."""
    return joined.split(",") if joined else []


def _check_handle(handle: str) -> None:
    problem = handle_problem(handle)
    if problem:
        raise ValidationFailedError(f"handle: {problem}", error=VALIDATION_ERROR)


def _refuse_virtual_tag(name: str) -> None:
    if name == VIRTUAL_TAG:
        raise ValidationFailedError(tag_name_problem(name), error=VALIDATION_ERROR)


def _parse_shorthand(reference: str) -> tuple[str, int | None, str | None]:
    """`pizza:2` -> version 2, `pizza:production` -> tag, `pizza:latest` -> newest; split on the last ':'."""
    slug, separator, suffix = reference.rpartition(":")
    if not separator:
        return reference, None, None
    if not slug or not suffix:
        raise ValidationFailedError(
            f"'{reference}' is not a prompt reference; use handle, handle:version or handle:tag.",
            error=VALIDATION_ERROR,
        )
    if suffix == VIRTUAL_TAG:
        return slug, None, None
    if suffix.isascii() and suffix.isdigit() and int(suffix) > 0:
        return slug, int(suffix), None
    return slug, None, suffix


class PromptLibrary:
    """Prompts with LangWatch semantics (versions, tags, sync) in one SQLite file, shared between threads."""

    def __init__(
        self,
        path: Path,
        *,
        seed_examples: bool = True,
        organization_id: str = "organization_local",
        project_id: str = "project_local",
    ):
        self.path = Path(path)
        self._owner = Owner(organization_id=organization_id, project_id=project_id)
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._connections_lock = threading.Lock()
        self._closed = False
        make_private_database(self.path)
        self._open_schema(seed_examples)

    # --- connections and transactions -------------------------------------------------------------------

    def _connection(self) -> sqlite3.Connection:
        connection = getattr(self._local, "connection", None)
        if connection is not None and not self._closed:
            return connection
        with self._connections_lock:
            if self._closed:
                raise RuntimeError("the prompt library is closed")
            connection = sqlite3.connect(
                self.path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None, check_same_thread=False
            )
            connection.execute("PRAGMA foreign_keys = ON")
            connection.execute("PRAGMA synchronous = NORMAL")
            self._connections.append(connection)
        self._local.connection = connection
        return connection

    @contextmanager
    def _writing(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taken up front so no other writer slips in between our read and insert."""
        connection = self._connection()
        connection.execute("BEGIN IMMEDIATE")
        try:
            yield connection
        except BaseException:
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")

    @contextmanager
    def _reading(self) -> Iterator[sqlite3.Connection]:
        """One read snapshot, so a prompt and its tags come from the same moment."""
        connection = self._connection()
        connection.execute("BEGIN")
        try:
            yield connection
        finally:
            if connection.in_transaction:
                connection.execute("COMMIT")

    def close(self) -> None:
        """Close every thread's connection; the library cannot be used afterwards."""
        with self._connections_lock:
            self._closed = True
            connections, self._connections = self._connections, []
        for connection in connections:
            connection.close()

    def _open_schema(self, seed_examples: bool) -> None:
        """Bring the file to the current schema; a new file also gets the built-in tags and the examples."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        connection = self._connection()
        connection.execute("PRAGMA journal_mode = WAL")
        with self._writing() as connection:
            found = connection.execute("PRAGMA user_version").fetchone()[0]
            if found > SCHEMA_VERSION:
                raise RuntimeError(
                    f"{self.path} was written by a newer Prompt Studio (schema {found}, this one knows "
                    f"{SCHEMA_VERSION}); update the app to open it."
                )
            for script in MIGRATIONS[found:]:
                for statement in _statements(script):
                    connection.execute(statement)
            connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            if found == 0:
                self._seed(connection, seed_examples)

    def _seed(self, connection: sqlite3.Connection, with_examples: bool) -> None:
        now = _now()
        for name in BUILT_IN_TAGS:
            connection.execute(
                "INSERT INTO tags (id, name, created_at) VALUES (?, ?, ?)", (_new_id("ptag_"), name, now)
            )
        if not with_examples:
            return
        for example in EXAMPLE_PROMPTS:
            prompt_id = self._insert_prompt(connection, example.handle, DEFAULT_SCOPE)
            version_ids = [
                self._insert_version(
                    connection,
                    prompt_id,
                    number,
                    dict(version.config_data),
                    dict(version.parameters),
                    None,
                    version.commit_message,
                )
                for number, version in enumerate(example.versions, start=1)
            ]
            if example.production_version is not None:
                tag_id = self._tag_id(connection, "production")
                self._point_tag(connection, prompt_id, tag_id, version_ids[example.production_version - 1])

    # --- rows -------------------------------------------------------------------------------------------

    @staticmethod
    def _live_prompt(connection: sqlite3.Connection, id_or_handle: str) -> PromptRow | None:
        """The live prompt with this id or, failing that, this handle (two indexed lookups, id first)."""
        for column in ("id", "handle"):
            row = connection.execute(
                f"SELECT {_PROMPT_COLUMNS} FROM prompts p WHERE p.deleted_at IS NULL AND p.{column} = ?",
                (id_or_handle,),
            ).fetchone()
            if row:
                return PromptRow(*row)
        return None

    def _require_prompt(self, connection: sqlite3.Connection, id_or_handle: str) -> PromptRow:
        prompt = self._live_prompt(connection, id_or_handle)
        if prompt is None:
            raise NotFoundError(f"There is no prompt '{id_or_handle}'.", error=PROMPT_NOT_FOUND)
        return prompt

    @staticmethod
    def _version(connection: sqlite3.Connection, prompt_id: str, number: int) -> VersionRow | None:
        row = connection.execute(
            f"SELECT {_VERSION_COLUMNS} FROM prompt_versions v WHERE v.prompt_id = ? AND v.version = ?",
            (prompt_id, number),
        ).fetchone()
        return VersionRow(*row) if row else None

    def _latest(self, connection: sqlite3.Connection, prompt: PromptRow) -> VersionRow:
        latest = self._version(connection, prompt.id, prompt.latest_version)
        if latest is None:
            raise RuntimeError(f"prompt {prompt.id} has no version {prompt.latest_version}")
        return latest

    @staticmethod
    def _version_by_id(connection: sqlite3.Connection, prompt: PromptRow, version_id: str) -> VersionRow:
        row = connection.execute(
            f"SELECT {_VERSION_COLUMNS} FROM prompt_versions v WHERE v.prompt_id = ? AND v.id = ?",
            (prompt.id, version_id),
        ).fetchone()
        if row is None:
            raise NotFoundError(
                f"Prompt '{prompt.handle}' has no version with id '{version_id}'.", error=VERSION_NOT_FOUND
            )
        return VersionRow(*row)

    @staticmethod
    def _tags_of_version(connection: sqlite3.Connection, version_id: str) -> list[str]:
        rows = connection.execute(
            "SELECT t.name FROM tag_assignments a JOIN tags t ON t.id = a.tag_id WHERE a.version_id = ?",
            (version_id,),
        )
        return [name for (name,) in rows]

    def _response(self, connection: sqlite3.Connection, prompt_id: str, version: VersionRow) -> Prompt:
        prompt = self._require_prompt(connection, prompt_id)
        return prompt_response(self._owner, prompt, version, self._tags_of_version(connection, version.id))

    @staticmethod
    def _tag_id(connection: sqlite3.Connection, name: str) -> str | None:
        row = connection.execute("SELECT id FROM tags WHERE name = ?", (name,)).fetchone()
        return row[0] if row else None

    # --- writes -----------------------------------------------------------------------------------------

    @staticmethod
    def _insert_prompt(connection: sqlite3.Connection, handle: str, scope: str) -> str:
        """A new prompt row; its first version follows at once, in the same transaction."""
        prompt_id = _new_id("prompt_")
        now = _now()
        connection.execute(
            "INSERT INTO prompts (id, handle, scope, created_at, updated_at, change_seq, latest_version) "
            "VALUES (?, ?, ?, ?, ?, (SELECT COALESCE(MAX(change_seq), 0) + 1 FROM prompts), 0)",
            (prompt_id, handle, scope, now, now),
        )
        return prompt_id

    @staticmethod
    def _insert_version(
        connection: sqlite3.Connection,
        prompt_id: str,
        number: int,
        config: dict[str, Any],
        parameters: dict[str, Any],
        author_id: str | None,
        commit_message: str | None,
    ) -> str:
        """Append version `number` and make it the prompt's latest; the schema refuses any gap or repeat."""
        version_id = _new_id("prompt_version_")
        now = _now()
        connection.execute(
            "INSERT INTO prompt_versions "
            "(id, prompt_id, version, config_data, parameters, author_id, commit_message, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                version_id,
                prompt_id,
                number,
                _to_json(config),
                _to_json(parameters),
                author_id,
                commit_message,
                now,
            ),
        )
        connection.execute(
            "UPDATE prompts SET latest_version = ?, updated_at = ?, "
            "change_seq = (SELECT MAX(change_seq) + 1 FROM prompts) WHERE id = ?",
            (number, now, prompt_id),
        )
        return version_id

    @staticmethod
    def _point_tag(connection: sqlite3.Connection, prompt_id: str, tag_id: str, version_id: str) -> str:
        now = _now()
        connection.execute(
            "INSERT INTO tag_assignments (prompt_id, tag_id, version_id, updated_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (prompt_id, tag_id) DO UPDATE SET version_id = excluded.version_id, "
            "updated_at = excluded.updated_at",
            (prompt_id, tag_id, version_id, now),
        )
        return now

    def _tag_ids_for_body(self, connection: sqlite3.Connection, names: list[str] | None) -> list[str]:
        """The tags a create or update body asks to point at its new version; all must exist."""
        tag_ids = []
        for name in names or []:
            _refuse_virtual_tag(name)
            tag_id = self._tag_id(connection, name)
            if tag_id is None:
                raise ValidationFailedError(
                    f"tags: there is no tag '{name}'; create it first.", error=VALIDATION_ERROR
                )
            tag_ids.append(tag_id)
        return tag_ids

    def _append_version(
        self,
        connection: sqlite3.Connection,
        prompt: PromptRow,
        config: dict[str, Any],
        parameters: dict[str, Any],
        author_id: str | None,
        commit_message: str | None,
        tag_ids: Sequence[str] = (),
    ) -> Prompt:
        """Write version latest+1 (the caller holds the write transaction) and answer its R."""
        version_id = self._insert_version(
            connection, prompt.id, prompt.latest_version + 1, config, parameters, author_id, commit_message
        )
        for tag_id in tag_ids:
            self._point_tag(connection, prompt.id, tag_id, version_id)
        written = self._version(connection, prompt.id, prompt.latest_version + 1)
        return self._response(connection, prompt.id, written)

    def _create(
        self,
        connection: sqlite3.Connection,
        handle: str,
        scope: str,
        config: dict[str, Any],
        parameters: dict[str, Any],
        author_id: str | None,
        commit_message: str,
        tag_ids: Sequence[str] = (),
    ) -> Prompt:
        if self._handle_taken(connection, handle):
            raise ConflictError(f"A prompt with handle '{handle}' already exists.")
        prompt_id = self._insert_prompt(connection, handle, scope)
        return self._append_version(
            connection, self._require_prompt(connection, prompt_id), config, parameters, author_id,
            commit_message, tag_ids,
        )

    @staticmethod
    def _handle_taken(connection: sqlite3.Connection, handle: str, except_id: str | None = None) -> bool:
        row = connection.execute(
            "SELECT 1 FROM prompts WHERE deleted_at IS NULL AND handle = ? AND id IS NOT ?",
            (handle, except_id),
        ).fetchone()
        return row is not None

    # --- prompts ----------------------------------------------------------------------------------------

    def list_prompts(self) -> list[Prompt]:
        """The latest version of every live prompt, most recently changed first, in one query."""
        return self._list_prompts(self._connection())

    def _list_prompts(self, connection: sqlite3.Connection) -> list[Prompt]:
        rows = connection.execute(
            f"SELECT {_PROMPT_COLUMNS}, {_VERSION_COLUMNS}, "
            "(SELECT group_concat(t.name, ',') FROM tag_assignments a JOIN tags t ON t.id = a.tag_id "
            " WHERE a.version_id = v.id) "
            "FROM prompts p JOIN prompt_versions v ON v.prompt_id = p.id AND v.version = p.latest_version "
            "WHERE p.deleted_at IS NULL ORDER BY p.change_seq DESC"
        ).fetchall()
        return [
            prompt_response(
                self._owner, PromptRow(*row[:5]), VersionRow(*row[5:12]), _tag_list(row[12])
            )
            for row in rows
        ]

    def get_prompt(self, id_or_handle: str, *, version: int | None = None, tag: str | None = None) -> Prompt:
        """One version of a prompt: the newest, a numbered one, or the one a tag points at.

        `id_or_handle` may carry shorthand (`pizza:2`, `pizza:production`, `pizza:latest`); shorthand and an
        explicit `version` or `tag` together are ambiguous and refused.
        """
        reference, short_version, short_tag = _parse_shorthand(id_or_handle)
        if reference != id_or_handle and (version is not None or tag is not None):
            raise ValidationFailedError(
                "Give the version or tag either in the prompt reference or as a parameter, not both.",
                error=VALIDATION_ERROR,
            )
        if version is not None and tag is not None:
            raise ValidationFailedError("Give either a version or a tag, not both.", error=VALIDATION_ERROR)
        version = short_version if version is None else version
        tag = short_tag if tag is None else tag
        with self._reading() as connection:
            prompt = self._require_prompt(connection, reference)
            if tag is not None and tag != VIRTUAL_TAG:
                row = connection.execute(
                    f"SELECT {_VERSION_COLUMNS} FROM tag_assignments a JOIN tags t ON t.id = a.tag_id "
                    "JOIN prompt_versions v ON v.id = a.version_id WHERE a.prompt_id = ? AND t.name = ?",
                    (prompt.id, tag),
                ).fetchone()
                if row is None:
                    raise NotFoundError(
                        f"No version of '{reference}' is tagged '{tag}'.", error=VERSION_NOT_FOUND
                    )
                chosen = VersionRow(*row)
            elif version is not None:
                found = self._version(connection, prompt.id, version)
                if found is None:
                    raise NotFoundError(
                        f"Prompt '{reference}' has no version {version}.", error=VERSION_NOT_FOUND
                    )
                chosen = found
            else:
                chosen = self._latest(connection, prompt)
            return prompt_response(self._owner, prompt, chosen, self._tags_of_version(connection, chosen.id))

    def list_versions(self, id_or_handle: str) -> list[Prompt]:
        """Every version of a prompt, newest first, each with the tags that point at it."""
        prompt, versions = self.version_rows(id_or_handle)
        return [self.response_for(prompt, version, tag_names) for version, tag_names in versions]

    def version_rows(self, id_or_handle: str) -> tuple[PromptRow, list[tuple[VersionRow, tuple[str, ...]]]]:
        """The stored rows behind `list_versions`, newest first, with the names of the tags on each version.

        Together they decide every byte of each answer, and a version row never changes, so the server can
        key the JSON it already wrote by them instead of shaping the same versions again.
        """
        with self._reading() as connection:
            prompt = self._require_prompt(connection, id_or_handle)
            rows = connection.execute(
                f"SELECT {_VERSION_COLUMNS} FROM prompt_versions v "
                "WHERE v.prompt_id = ? ORDER BY v.version DESC",
                (prompt.id,),
            ).fetchall()
            tags_by_version: dict[str, list[str]] = defaultdict(list)
            for version_id, name in connection.execute(
                "SELECT a.version_id, t.name FROM tag_assignments a JOIN tags t ON t.id = a.tag_id "
                "WHERE a.prompt_id = ?",
                (prompt.id,),
            ):
                tags_by_version[version_id].append(name)
        return prompt, [(VersionRow(*row), tuple(sorted(tags_by_version.get(row[0], ())))) for row in rows]

    def response_for(self, prompt: PromptRow, version: VersionRow, tag_names: Sequence[str]) -> Prompt:
        """R for one version, from the rows `version_rows` gave."""
        return prompt_response(self._owner, prompt, version, tag_names)

    def create_prompt(self, body: CreatePromptBody, *, author_id: str | None = None) -> Prompt:
        """A new prompt at version 1; unset fields get LangWatch's defaults (`input` in, `output` out)."""
        _check_handle(body.handle)
        config = _validated_config(
            {
                "prompt": "",
                "model": DEFAULT_MODEL,
                "inputs": list(DEFAULT_INPUTS),
                "outputs": list(DEFAULT_OUTPUTS),
                **_body_config_updates(body),
            },
            prefix="body",
        )
        with self._writing() as connection:
            return self._create(
                connection,
                body.handle,
                body.scope or DEFAULT_SCOPE,
                _stored_form(config),
                body.parameters if body.parameters is not None else {},
                author_id or body.author_id,
                body.commit_message or INITIAL_COMMIT_MESSAGE,
                self._tag_ids_for_body(connection, body.tags),
            )

    def update_prompt(
        self, id_or_handle: str, body: UpdatePromptBody, *, author_id: str | None = None
    ) -> Prompt:
        """Version latest+1: the latest one with the fields the body sets replaced (handle and scope too)."""
        updates = _body_config_updates(body)
        with self._writing() as connection:
            prompt = self._require_prompt(connection, id_or_handle)
            latest = self._latest(connection, prompt)
            config = _validated_config({**latest.config, **updates}, prefix="body")
            if body.handle is not None and body.handle != prompt.handle:
                _check_handle(body.handle)
                if self._handle_taken(connection, body.handle, except_id=prompt.id):
                    raise ConflictError(f"A prompt with handle '{body.handle}' already exists.")
                connection.execute("UPDATE prompts SET handle = ? WHERE id = ?", (body.handle, prompt.id))
            if body.scope is not None:
                connection.execute("UPDATE prompts SET scope = ? WHERE id = ?", (body.scope, prompt.id))
            return self._append_version(
                connection,
                prompt,
                _stored_form(config),
                body.parameters if body.parameters is not None else latest.parameter_values,
                author_id or body.author_id,
                body.commit_message,
                self._tag_ids_for_body(connection, body.tags),
            )

    def delete_prompt(self, id_or_handle: str) -> None:
        """Soft delete: the history stays in the file, and the handle is free for a new prompt."""
        with self._writing() as connection:
            prompt = self._require_prompt(connection, id_or_handle)
            connection.execute("UPDATE prompts SET deleted_at = ? WHERE id = ?", (_now(), prompt.id))

    def restore_version(self, id_or_handle: str, version_id: str, *, author_id: str | None = None) -> Prompt:
        """Roll back by moving forward: a new version copying an old one, so history is never rewritten."""
        with self._writing() as connection:
            prompt = self._require_prompt(connection, id_or_handle)
            source = self._version_by_id(connection, prompt, version_id)
            return self._append_version(
                connection, prompt, source.config, source.parameter_values, author_id,
                f"Restore from version {source.version}",
            )

    # --- sync -------------------------------------------------------------------------------------------

    def sync_prompt(
        self, id_or_handle: str, request: SyncRequest, *, author_id: str | None = None
    ) -> SyncResult:
        """LangWatch's sync: created, updated, up_to_date or conflict, decided and written in one transaction.

        The server's steps, in order (langwatch-api.md): template variables join the inputs; an unknown
        prompt is created under that handle; the same version as the latest is up to date or becomes version
        latest+1; an older version is up to date if the caller changed nothing since it, a conflict otherwise;
        anything else is a conflict, which never writes.

        Equality compares the local data as sent, as LangWatch does: a client that leaves out a field the
        server has gets `updated` (with the field carried over into the new version). This server stands in
        for LangWatch in tests, so it must not forgive what the real one would not.
        """
        local = self._local_sync_data(request)
        with self._writing() as connection:
            prompt = self._live_prompt(connection, id_or_handle)
            if prompt is None:
                _check_handle(id_or_handle)
                created = self._create(
                    connection,
                    id_or_handle,
                    DEFAULT_SCOPE,
                    _stored_form(_validated_config(local)),
                    request.parameters if request.parameters is not None else {},
                    author_id,
                    request.commit_message or SYNC_CREATED_COMMIT_MESSAGE,
                )
                return SyncResult(action="created", prompt=created)

            latest = self._latest(connection, prompt)
            remote = self._response(connection, prompt.id, latest)
            remote_config = self._remote_config(latest.config)
            local_version = request.local_version
            if local_version == prompt.latest_version:
                config, parameters = self._carried_over(latest, local, request.parameters)
                if self._unchanged(local, parameters, latest):
                    return SyncResult(action="up_to_date", prompt=remote)
                found = differences(_validated_config(local), remote_config)
                described = f"{SYNC_UPDATED_COMMIT_MESSAGE} ({'; '.join(found)})"
                default_message = described if found else SYNC_UPDATED_COMMIT_MESSAGE
                commit_message = request.commit_message or default_message
                updated = self._append_version(
                    connection, prompt, _stored_form(_validated_config(config)), parameters, author_id,
                    commit_message,
                )
                return SyncResult(action="updated", prompt=updated)

            if local_version is not None and 0 < local_version < prompt.latest_version:
                base = self._version(connection, prompt.id, local_version)
                if base is not None:
                    _, parameters = self._carried_over(base, local, request.parameters)
                    if self._unchanged(local, parameters, base):
                        return SyncResult(action="up_to_date", prompt=remote)

            return SyncResult(
                action="conflict",
                conflict_info=ConflictInfo(
                    local_version=local_version or 0,
                    remote_version=prompt.latest_version,
                    differences=differences(_validated_config(local), remote_config),
                    remote_config_data=remote_config,
                    remote_parameters=latest.parameter_values,
                ),
            )

    @staticmethod
    def _local_sync_data(request: SyncRequest) -> dict[str, Any]:
        """The local side as sent (set fields only), system message hoisted and template variables added."""
        local = _hoist_system_message(request.config_data.to_wire())
        contents = (message.get("content", "") for message in local.get("messages", []))
        texts = [local.get("prompt", ""), *contents]
        merged = with_detected_inputs(texts, request.config_data.inputs)
        local["inputs"] = [item.to_wire() for item in merged]
        return local

    @staticmethod
    def _remote_config(stored: dict[str, Any]) -> ConfigData:
        """The latest configData as sync reports it: all that is stored, inputs in LangWatch order."""
        remote = ConfigData.model_validate(stored)
        return remote.model_copy(update={"inputs": ordered_inputs(remote.inputs)})

    @staticmethod
    def _carried_over(
        reference: VersionRow, local: dict[str, Any], parameters: dict[str, Any] | None
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """What writing the local side over `reference` gives: the fields it left out keep their value."""
        carried_parameters = parameters if parameters is not None else reference.parameter_values
        return {**reference.config, **local}, carried_parameters

    @staticmethod
    def _unchanged(config: dict[str, Any], parameters: dict[str, Any], reference: VersionRow) -> bool:
        return comparable(_validated_config(config)) == comparable(
            ConfigData.model_validate(reference.config)
        ) and parameters_equal(parameters, reference.parameter_values)

    # --- tags -------------------------------------------------------------------------------------------

    def assign_tag(self, id_or_handle: str, tag: str, version_id: str) -> TagAssignment:
        """Point `tag` at one version of the prompt, moving it off whichever version it was on."""
        _refuse_virtual_tag(tag)
        with self._writing() as connection:
            prompt = self._require_prompt(connection, id_or_handle)
            tag_id = self._tag_id(connection, tag)
            if tag_id is None:
                raise NotFoundError(f"There is no tag '{tag}'.", error=TAG_NOT_FOUND)
            version = self._version_by_id(connection, prompt, version_id)
            updated_at = self._point_tag(connection, prompt.id, tag_id, version.id)
        return TagAssignment(config_id=prompt.id, version_id=version.id, tag=tag, updated_at=updated_at)

    def list_tags(self) -> list[TagDefinition]:
        """Every tag name of the organisation, oldest first (`latest` is virtual and never listed)."""
        rows = self._connection().execute("SELECT id, name, created_at FROM tags ORDER BY created_at, rowid")
        return [TagDefinition(id=tag_id, name=name, created_at=when) for tag_id, name, when in rows]

    def create_tag(self, name: str) -> TagDefinition:
        problem = tag_name_problem(name)
        if problem:
            raise ValidationFailedError(f"name: {problem}", error=VALIDATION_ERROR)
        with self._writing() as connection:
            if self._tag_id(connection, name) is not None:
                raise ConflictError(f"A tag named '{name}' already exists.")
            definition = TagDefinition(id=_new_id("ptag_"), name=name, created_at=_now())
            connection.execute(
                "INSERT INTO tags (id, name, created_at) VALUES (?, ?, ?)",
                (definition.id, definition.name, definition.created_at),
            )
        return definition

    def rename_tag(self, name: str, new_name: str) -> TagDefinition:
        """Rename a tag; its assignments follow, since they point at the tag's id.

        `production` and `staging` can be renamed and deleted like any other tag: LangWatch seeds them as
        ordinary organisation tags and protects only the virtual `latest`, and a team may well call its
        environments something else.
        """
        _refuse_virtual_tag(name)
        problem = tag_name_problem(new_name)
        if problem:
            raise ValidationFailedError(f"name: {problem}", error=VALIDATION_ERROR)
        with self._writing() as connection:
            row = connection.execute("SELECT id, created_at FROM tags WHERE name = ?", (name,)).fetchone()
            if row is None:
                raise NotFoundError(f"There is no tag '{name}'.", error=TAG_NOT_FOUND)
            if new_name != name and self._tag_id(connection, new_name) is not None:
                raise ConflictError(f"A tag named '{new_name}' already exists.")
            connection.execute("UPDATE tags SET name = ? WHERE id = ?", (new_name, row[0]))
        return TagDefinition(id=row[0], name=new_name, created_at=row[1])

    def delete_tag(self, name: str) -> None:
        """Delete a tag and every assignment of it (built-in tags included, as on LangWatch)."""
        _refuse_virtual_tag(name)
        with self._writing() as connection:
            tag_id = self._tag_id(connection, name)
            if tag_id is None:
                raise NotFoundError(f"There is no tag '{name}'.", error=TAG_NOT_FOUND)
            connection.execute("DELETE FROM tag_assignments WHERE tag_id = ?", (tag_id,))
            connection.execute("DELETE FROM tags WHERE id = ?", (tag_id,))
