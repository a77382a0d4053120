"""The library's SQLite schema, one migration per `PRAGMA user_version` step.

The database itself guards what must never break, so that no future code path can break it by accident:
version numbers are unique per prompt and contiguous from 1 (a trigger refuses a gap), history rows can be
neither changed nor deleted, and a handle is unique among live prompts only (a partial index), which is what
lets a soft-deleted prompt free its handle.
"""

from __future__ import annotations

MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE prompts (
        id TEXT PRIMARY KEY,
        handle TEXT NOT NULL,
        scope TEXT NOT NULL CHECK (scope IN ('PROJECT', 'ORGANIZATION')),
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        change_seq INTEGER NOT NULL,
        latest_version INTEGER NOT NULL,
        deleted_at TEXT
    );
    CREATE UNIQUE INDEX prompts_live_handle ON prompts (handle) WHERE deleted_at IS NULL;
    CREATE INDEX prompts_by_change ON prompts (change_seq);

    CREATE TABLE prompt_versions (
        id TEXT PRIMARY KEY,
        prompt_id TEXT NOT NULL REFERENCES prompts (id),
        version INTEGER NOT NULL CHECK (version >= 1),
        config_data TEXT NOT NULL,
        parameters TEXT NOT NULL,
        author_id TEXT,
        commit_message TEXT,
        created_at TEXT NOT NULL,
        UNIQUE (prompt_id, version)
    );
    CREATE TRIGGER prompt_versions_are_contiguous BEFORE INSERT ON prompt_versions
    WHEN NEW.version <> 1 + COALESCE(
        (SELECT MAX(version) FROM prompt_versions WHERE prompt_id = NEW.prompt_id), 0)
    BEGIN
        SELECT RAISE(ABORT, 'a new version must follow the latest one');
    END;
    CREATE TRIGGER prompt_versions_are_never_changed BEFORE UPDATE ON prompt_versions
    BEGIN
        SELECT RAISE(ABORT, 'history is never rewritten');
    END;
    CREATE TRIGGER prompt_versions_are_never_deleted BEFORE DELETE ON prompt_versions
    BEGIN
        SELECT RAISE(ABORT, 'history is never rewritten');
    END;

    CREATE TABLE tags (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        created_at TEXT NOT NULL
    );

    CREATE TABLE tag_assignments (
        prompt_id TEXT NOT NULL REFERENCES prompts (id),
        tag_id TEXT NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
        version_id TEXT NOT NULL REFERENCES prompt_versions (id),
        updated_at TEXT NOT NULL,
        PRIMARY KEY (prompt_id, tag_id)
    );
    CREATE INDEX tag_assignments_by_version ON tag_assignments (version_id);
    """,
)
"""Applied in order; entry N brings `user_version` from N to N + 1. Never edit a released entry: add one."""

SCHEMA_VERSION = len(MIGRATIONS)
