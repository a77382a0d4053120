"""`prompt-studio render HANDLE[:VERSION|:TAG] [--strict] (--inputs FILE.json | --input NAME=VALUE ...)`.

Prints what the model receives, `{"messages": [{"role": ..., "content": ...}, ...]}` (system first), as the
official LangWatch SDK's `compile` (or `compile_strict` with `--strict`) renders the prompt. For scripts and CI:
every failure is one line on stderr and exit status 2, never a traceback. Qt is never imported.

The connection options are the app's (`--data-dir`, `--server URL --api-key-env VAR [--project-id ID]`,
`--orkes URL --key-id-env VAR --key-secret-env VAR`), given before or after `render`; keys come from environment
variables only. This module imports only argparse until the command runs, so `prompt-studio` itself stays quick.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from dataclasses import dataclass
from typing import Any

FAILED = 2
PROG = "prompt-studio render"

_CONNECTION_OPTIONS = (
    ("--data-dir", "data_dir", "DIR", "keep every file (library, drafts, settings) in this folder"),
    ("--server", "server", "URL", "render a prompt of this LangWatch server instead of the local library"),
    ("--api-key-env", "api_key_env", "VAR", "environment variable that holds the API key"),
    ("--project-id", "project_id", "ID", "LangWatch project id, for sk-lw-<id>_<secret> keys"),
    ("--orkes", "orkes", "URL", "render a prompt of this Orkes Conductor server (its root, without /api)"),
    ("--key-id-env", "key_id_env", "VAR", "environment variable that holds the Orkes key id"),
    ("--key-secret-env", "key_secret_env", "VAR", "environment variable that holds the Orkes key secret"),
)


def add_render_parser(commands: argparse._SubParsersAction) -> None:
    """Register `render` on the `prompt-studio` command line."""
    render = commands.add_parser(
        "render", help="print what the model receives for a prompt and inputs, as JSON",
        description="Render a prompt as the official LangWatch SDK does (Prompt.compile, or compile_strict with "
                    "--strict) and print {\"messages\": [...]}, system message first. Exit status 2 on any "
                    "failure, with the reason on stderr.",
    )
    render.add_argument("reference", metavar="HANDLE[:VERSION|:TAG]",
                        help="the prompt: its handle, then optionally :3 (a version), :latest or :production (a tag)")
    render.add_argument("--strict", action="store_true",
                        help="fail (exit 2) when the prompt uses a variable the inputs do not give")
    inputs = render.add_mutually_exclusive_group()
    inputs.add_argument("--inputs", metavar="FILE.json",
                        help="a JSON object of input values (lists and objects stay as they are; - reads stdin)")
    inputs.add_argument("--input", dest="input_pairs", metavar="NAME=VALUE", action="append", default=[],
                        help="one input value, as text (repeat for more)")
    for flag, dest, metavar, text in _CONNECTION_OPTIONS:
        render.add_argument(flag, dest=f"render_{dest}", metavar=metavar, help=text)


class CommandFailed(Exception):
    """A failure to report in one line, with exit status 2."""


@dataclass(frozen=True)
class Reference:
    handle: str
    version: int | None = None
    tag: str | None = None

    def __str__(self) -> str:
        suffix = f":{self.version}" if self.version is not None else f":{self.tag}" if self.tag else ""
        return f"{self.handle}{suffix}"


def parse_reference(text: str) -> Reference:
    """`pizza`, `pizza:3` (a version), `pizza:latest` (the newest), `pizza:production` (a tag): split on the last
    `:`, as LangWatch reads its shorthand."""
    handle, colon, suffix = text.strip().rpartition(":")
    if not colon:
        handle, suffix = suffix, ""
    if not handle:
        raise CommandFailed(f"no prompt handle in {text!r}; give one, like my-prompt or my-prompt:3")
    if colon and not suffix:
        raise CommandFailed(f"nothing after ':' in {text!r}; give a version number or a tag, or leave out the ':'")
    if not suffix or suffix == "latest":
        return Reference(handle)
    if suffix.isascii() and suffix.isdigit():
        if int(suffix) < 1:
            raise CommandFailed(f"versions start at 1, not {suffix}")
        return Reference(handle, version=int(suffix))
    return Reference(handle, tag=suffix)


def read_inputs(path: str | None, pairs: list[str]) -> dict[str, Any]:
    """The input values: a JSON object from a file (typed as written), or NAME=VALUE pairs (text)."""
    if path is not None:
        try:
            raw = sys.stdin.buffer.read() if path == "-" else open(path, "rb").read()  # noqa: SIM115
        except OSError as error:
            raise CommandFailed(f"cannot read the inputs file {path}: {error.strerror or error}") from None
        try:
            values = json.loads(raw.decode("utf-8-sig"))
        except UnicodeDecodeError:
            raise CommandFailed(f"the inputs file {path} is not UTF-8 text") from None
        except json.JSONDecodeError as error:
            raise CommandFailed(f"the inputs file {path} is not valid JSON: {error.msg} at line {error.lineno}, "
                                f"column {error.colno}") from None
        if not isinstance(values, dict):
            raise CommandFailed(f"the inputs file {path} must hold a JSON object of input names to values, "
                                f"not {type(values).__name__}")
        return values
    values: dict[str, Any] = {}
    for pair in pairs:
        name, equals, value = pair.partition("=")
        if not equals or not name.strip():
            raise CommandFailed(f"--input {pair!r} is not NAME=VALUE")
        if name in values:
            raise CommandFailed(f"--input {name} is given twice")
        values[name] = value
    return values


def _option(args: argparse.Namespace, name: str) -> str | None:
    return getattr(args, f"render_{name}", None) or getattr(args, name, None)


def _key(variable: str) -> str:
    value = os.environ.get(variable, "")
    if not value:
        raise CommandFailed(f"the environment variable {variable} is empty or not set")
    return value


def _connect(args: argparse.Namespace) -> tuple[Any, Any]:
    """The connector and the connection the app would open for these options (keys from the environment)."""
    from prompt_studio.paths import DataPaths
    from prompt_studio.services.connections import LOCAL_LIBRARY
    from prompt_studio.services.connector import AppConnector, langwatch_connection, orkes_connection
    from prompt_studio.services.secrets import SecretStore

    server, orkes = _option(args, "server"), _option(args, "orkes")
    if server and orkes:
        raise CommandFailed("choose one of --server and --orkes")
    data_dir = _option(args, "data_dir")
    try:
        paths = DataPaths.resolve(data_dir)
    except OSError as error:
        raise CommandFailed(f"cannot use the data folder {data_dir}: {error.strerror or error}") from None
    connector = AppConnector(paths, SecretStore(paths.fallback_secrets, use_keyring=False))
    connection = LOCAL_LIBRARY
    if server:
        variable = _option(args, "api_key_env")
        if not variable:
            raise CommandFailed("--server needs --api-key-env VAR (the key is never given as an argument)")
        connection = langwatch_connection(server, _option(args, "project_id"))
        connector.use_for_this_session(connection, _key(variable))
    elif orkes:
        key_id_env, key_secret_env = _option(args, "key_id_env"), _option(args, "key_secret_env")
        if not key_id_env or not key_secret_env:
            raise CommandFailed("--orkes needs --key-id-env VAR and --key-secret-env VAR (keys are never arguments)")
        connection = orkes_connection(orkes, _key(key_id_env))
        connector.use_for_this_session(connection, _key(key_secret_env))
    return connector, connection


async def _fetch(connector: Any, connection: Any, reference: Reference) -> tuple[Any, str]:
    workspace = await connector.open(connection)
    try:
        prompt = await workspace.service.backend.get_prompt(
            reference.handle, version=reference.version, tag=reference.tag
        )
    finally:
        await connector.close(workspace)
    return prompt, workspace.service.capabilities.prompt_shape


def _fetched(args: argparse.Namespace, reference: Reference) -> tuple[Any, str]:
    from prompt_studio.models.errors import NotFoundError, PromptStudioError

    connector, connection = _connect(args)
    try:
        return asyncio.run(_fetch(connector, connection, reference))
    except NotFoundError as error:
        detail = f" ({error.message})" if error.message and error.message != error.default_error else ""
        raise CommandFailed(f"{connection.name} has no prompt {reference}{detail}") from None
    except PromptStudioError as error:
        raise CommandFailed(f"{connection.name}: {error.user_message}") from None
    except OSError as error:
        raise CommandFailed(f"{connection.name}: {error.strerror or error}") from None


def _write_json(document: dict[str, Any]) -> None:
    text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    stream = getattr(sys.stdout, "buffer", None)
    if stream is not None:
        sys.stdout.flush()
        stream.write(text.encode("utf-8"))
        stream.flush()
    else:
        sys.stdout.write(text)


def _say(text: str) -> None:
    print(f"{PROG}: {text}", file=sys.stderr, flush=True)


def run_render(args: argparse.Namespace) -> int:
    """The command itself: 0 with the JSON on stdout, or 2 with the reason on stderr."""
    try:
        reference = parse_reference(args.reference)
        variables = read_inputs(args.inputs, args.input_pairs)
        prompt, shape = _fetched(args, reference)

        from prompt_studio.rendering import MissingVariableError, RenderError, preview_prompt, render_prompt
        from prompt_studio.rendering.results import where

        syntax = "orkes" if shape == "orkes" else "liquid"
        try:
            rendering = render_prompt(prompt, variables, strict=args.strict, syntax=syntax)
        except MissingVariableError as error:
            root = error.variable.root
            raise CommandFailed(f"{error}; give it with --input {root}=VALUE or in --inputs FILE.json") from None
        except RenderError as error:
            raise CommandFailed(str(error)) from None
        if not args.strict:
            for missing in preview_prompt(prompt, variables, syntax=syntax).missing:
                _say(f"note: {missing.description} ({where(missing.message, missing.role, missing.span)}); "
                     f"rendered {'as written' if syntax == 'orkes' else 'empty'}")
        _write_json(rendering.to_wire())
        return 0
    except CommandFailed as failure:
        _say(str(failure))
        return FAILED
    except KeyboardInterrupt:
        _say("interrupted")
        return 130
    except Exception as error:
        _say(f"unexpected failure ({type(error).__name__}: {error}); please report it")
        return FAILED
