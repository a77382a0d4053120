"""`prompt-studio export DEST` and `prompt-studio import SOURCE`: prompts as one JSON bundle, between connections.

Both take the app's connection options. Export writes the newest version of every prompt (or of `--handles`),
and with `--all-versions` every earlier version too; import creates what the connection does not have (an
all-versions bundle recreates each version in order, with its commit message), adds the newer versions to a prompt
that is at an earlier version of the bundle, and lists, without writing, every prompt it has with other content:
exit status 0 when all went in, 1 when some conflict, 2 on a failure. Progress goes to stderr.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from prompt_studio.commands.connection_options import FAILED, CommandFailed, add_connection_options, connect, say

CONFLICTS = 1


def add_transfer_parsers(commands: argparse._SubParsersAction) -> None:
    export = commands.add_parser("export", help="write a connection's prompts as one JSON bundle")
    export.add_argument("destination", metavar="DEST", help="the bundle file to write (- for stdout)")
    export.add_argument("--format", choices=["bundle"], default="bundle",
                        help="bundle: one JSON file (a LangWatch CLI folder is not written yet)")
    export.add_argument("--handles", nargs="+", metavar="HANDLE", help="only these prompts (default: all)")
    export.add_argument("--all-versions", action="store_true",
                        help="every version of each prompt, oldest first, with its commit message (default: newest)")
    add_connection_options(export, "export")
    imported = commands.add_parser("import", help="put the prompts of a bundle into a connection, never overwriting")
    imported.add_argument("source", metavar="SOURCE", help="the bundle file to read (- for stdin)")
    imported.add_argument("--message", default="Imported", help="the commit message of the new versions")
    add_connection_options(imported, "import")


def _read_bundle(source: str):
    from prompt_studio.models.bundle import BundleProblem, read_bundle
    from prompt_studio.services.transfer import load_bundle

    try:
        return read_bundle(sys.stdin.read(), "stdin") if source == "-" else load_bundle(Path(source), source)
    except BundleProblem as problem:
        raise CommandFailed(str(problem)) from None


async def _opened(args: argparse.Namespace, prefix: str, work):
    connector, connection = connect(args, prefix)
    workspace = await connector.open(connection)
    try:
        return await work(workspace.service, connection)
    finally:
        await connector.close(workspace)


def _run(args: argparse.Namespace, prefix: str, work):
    from prompt_studio.models.errors import PromptStudioError

    try:
        return asyncio.run(_opened(args, prefix, work))
    except PromptStudioError as error:
        raise CommandFailed(error.user_message) from None
    except OSError as error:
        raise CommandFailed(error.strerror or str(error)) from None


def run_export(args: argparse.Namespace) -> int:
    from prompt_studio.models.bundle import bundle_text
    from prompt_studio.services.transfer import export_bundle, write_bundle

    program = "prompt-studio export"
    try:
        bundle = _run(args, "export", lambda service, connection: export_bundle(
            service, connection.name, args.handles, all_versions=args.all_versions))
        if args.destination == "-":
            sys.stdout.write(bundle_text(bundle))
        else:
            try:
                write_bundle(Path(args.destination), bundle)
            except OSError as error:
                raise CommandFailed(f"cannot write {args.destination}: {error.strerror or error}") from None
        say(program, f"{len(bundle.prompts)} prompt{'s' if len(bundle.prompts) != 1 else ''} written")
        return 0
    except CommandFailed as failure:
        say(program, str(failure))
        return FAILED


def run_import(args: argparse.Namespace) -> int:
    from prompt_studio.services.transfer import import_bundle

    program = "prompt-studio import"
    try:
        bundle = _read_bundle(args.source)
        total, answered = len(bundle.prompts), []

        def progress(handle: str) -> None:
            answered.append(handle)
            say(program, f"{len(answered)}/{total} {handle}")

        summary = _run(args, "import", lambda service, _connection: import_bundle(
            service, bundle, args.message, on_answered=progress))
        for line in summary.lines():
            say(program, line)
        if summary.failed:
            return FAILED
        return CONFLICTS if summary.conflicts else 0
    except CommandFailed as failure:
        say(program, str(failure))
        return FAILED
