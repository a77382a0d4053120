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
import sys
from dataclasses import dataclass
from typing import Any

from prompt_studio.commands.connection_options import (
    FAILED,
    CommandFailed,
    add_connection_options,
    connect,
    say,
)

PROG = "prompt-studio render"

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
    add_connection_options(render, "render")


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

    connector, connection = connect(args, "render")
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
    say(PROG, text)


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
