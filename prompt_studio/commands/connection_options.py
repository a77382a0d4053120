"""The connection options every command line tool shares with the app, and how a tool fails.

`--data-dir`, `--server URL --api-key-env VAR [--project-id ID]`, `--orkes URL --key-id-env VAR --key-secret-env
VAR`, given before or after the command's name; keys come from environment variables only, never arguments.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

FAILED = 2

_CONNECTION_OPTIONS = (
    ("--data-dir", "data_dir", "DIR", "keep every file (library, drafts, settings) in this folder"),
    ("--server", "server", "URL", "use this LangWatch server instead of the local library"),
    ("--api-key-env", "api_key_env", "VAR", "environment variable that holds the API key"),
    ("--project-id", "project_id", "ID", "LangWatch project id, for sk-lw-<id>_<secret> keys"),
    ("--orkes", "orkes", "URL", "use this Orkes Conductor server (its root, without /api)"),
    ("--key-id-env", "key_id_env", "VAR", "environment variable that holds the Orkes key id"),
    ("--key-secret-env", "key_secret_env", "VAR", "environment variable that holds the Orkes key secret"),
)


def add_connection_options(parser: argparse.ArgumentParser, prefix: str) -> None:
    """The app's connection options on a subcommand; `prefix` keeps them apart from the main parser's."""
    for flag, dest, metavar, text in _CONNECTION_OPTIONS:
        parser.add_argument(flag, dest=f"{prefix}_{dest}", metavar=metavar, help=text)


class CommandFailed(Exception):
    """A failure to report in one line, with exit status 2."""


def option(args: argparse.Namespace, prefix: str, name: str) -> str | None:
    """A connection option given after the command (`prefix_name`) or before it (`name`)."""
    return getattr(args, f"{prefix}_{name}", None) or getattr(args, name, None)


def _key(variable: str) -> str:
    value = os.environ.get(variable, "")
    if not value:
        raise CommandFailed(f"the environment variable {variable} is empty or not set")
    return value


def connect(args: argparse.Namespace, prefix: str) -> tuple[Any, Any]:
    """The connector and the connection the app would open for these options (keys from the environment)."""
    from prompt_studio.paths import DataPaths
    from prompt_studio.services.connections import LOCAL_LIBRARY
    from prompt_studio.services.connector import AppConnector, langwatch_connection, orkes_connection
    from prompt_studio.services.secrets import SecretStore

    server, orkes = option(args, prefix, "server"), option(args, prefix, "orkes")
    if server and orkes:
        raise CommandFailed("choose one of --server and --orkes")
    data_dir = option(args, prefix, "data_dir")
    try:
        paths = DataPaths.resolve(data_dir)
    except OSError as error:
        raise CommandFailed(f"cannot use the data folder {data_dir}: {error.strerror or error}") from None
    connector = AppConnector(paths, SecretStore(paths.fallback_secrets, use_keyring=False))
    connection = LOCAL_LIBRARY
    if server:
        variable = option(args, prefix, "api_key_env")
        if not variable:
            raise CommandFailed("--server needs --api-key-env VAR (the key is never given as an argument)")
        connection = langwatch_connection(server, option(args, prefix, "project_id"))
        connector.use_for_this_session(connection, _key(variable))
    elif orkes:
        key_id_env, key_secret_env = option(args, prefix, "key_id_env"), option(args, prefix, "key_secret_env")
        if not key_id_env or not key_secret_env:
            raise CommandFailed("--orkes needs --key-id-env VAR and --key-secret-env VAR (keys are never arguments)")
        connection = orkes_connection(orkes, _key(key_id_env))
        connector.use_for_this_session(connection, _key(key_secret_env))
    return connector, connection


def say(program: str, text: str) -> None:
    print(f"{program}: {text}", file=sys.stderr, flush=True)
