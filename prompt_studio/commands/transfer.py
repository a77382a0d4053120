"""`prompt-studio export DEST` and `prompt-studio import SOURCE`: prompts as one JSON bundle or as a LangWatch CLI
project folder, between connections.

Both take the app's connection options. Export writes the newest version of every prompt (or of `--handles`): as a
bundle, with `--all-versions` every earlier version too; as a folder (`--format folder`, into a new or empty
folder), the files the official CLI syncs. Import reads a bundle, or a folder's local prompts (a folder is a
SOURCE that is a directory), creates what the connection does not have (an all-versions bundle recreates each
version in order, with its commit message), adds the newer versions to a prompt that is at an earlier version of
the bundle, and lists, without writing, every prompt it has with other content: exit status 0 when all went in,
1 when some conflict, 2 on a failure. Progress goes to stderr.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from prompt_studio.commands.connection_options import FAILED, CommandFailed, add_connection_options, connect, say

CONFLICTS = 1


def add_transfer_parsers(commands: argparse._SubParsersAction) -> None:
    export = commands.add_parser("export", help="write a connection's prompts as one JSON bundle or a LangWatch "
                                 "CLI project folder")
    export.add_argument("destination", metavar="DEST",
                        help="the bundle file to write (- for stdout), or the new or empty folder to write")
    export.add_argument("--format", choices=["bundle", "folder"], default="bundle",
                        help="bundle: one JSON file (default); folder: a LangWatch CLI project (prompts.json, "
                             "prompts-lock.json, prompts/HANDLE.prompt.yaml) of the newest versions")
    export.add_argument("--handles", nargs="+", metavar="HANDLE", help="only these prompts (default: all)")
    export.add_argument("--all-versions", action="store_true",
                        help="bundles only: every version of each prompt, oldest first, with its commit message "
                             "(default: the newest; a folder always holds the newest only)")
    add_connection_options(export, "export")
    imported = commands.add_parser("import", help="put the prompts of a bundle or of a LangWatch CLI folder into a "
                                   "connection, never overwriting")
    imported.add_argument("source", metavar="SOURCE",
                          help="the bundle file to read (- for stdin), or a LangWatch CLI project folder (its local "
                               "file: prompts; remote ones stay on their server)")
    imported.add_argument("--message", default="Imported", help="the commit message of the new versions")
    add_connection_options(imported, "import")


def _read_source(source: str):
    """The bundle to import, and the prompts of a folder left out (its remote ones)."""
    from prompt_studio.models.bundle import BundleProblem, read_bundle
    from prompt_studio.models.errors import FolderFormatError
    from prompt_studio.services.transfer import load_bundle, load_folder

    try:
        if source == "-":
            return read_bundle(sys.stdin.read(), "stdin"), []
        if Path(source).is_dir():
            return load_folder(Path(source))
        return load_bundle(Path(source), source), []
    except BundleProblem as problem:
        raise CommandFailed(str(problem)) from None
    except FolderFormatError as problem:
        raise CommandFailed(problem.user_message) from None


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


def _write_folder(destination: Path, bundle, program: str) -> None:
    from prompt_studio.models.errors import PromptStudioError
    from prompt_studio.services.transfer import write_folder, written_without

    try:
        left_out = write_folder(destination, bundle)
    except PromptStudioError as error:
        raise CommandFailed(error.user_message) from None
    for line in written_without(left_out):
        say(program, line)


def run_export(args: argparse.Namespace) -> int:
    from prompt_studio.models.bundle import bundle_text
    from prompt_studio.services.transfer import export_bundle, folder_destination_problem, write_bundle

    program = "prompt-studio export"
    as_folder = args.format == "folder"
    destination = Path(args.destination)
    try:
        if as_folder:
            if args.destination == "-" or args.all_versions:
                raise CommandFailed("a folder is written to a path and holds the newest versions only "
                                    "(--all-versions is for bundles)")
            if problem := folder_destination_problem(destination):
                raise CommandFailed(problem)
        bundle = _run(args, "export", lambda service, connection: export_bundle(
            service, connection.name, args.handles, all_versions=args.all_versions))
        try:
            if as_folder:
                _write_folder(destination, bundle, program)
            elif args.destination == "-":
                sys.stdout.write(bundle_text(bundle))
            else:
                write_bundle(destination, bundle)
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
        bundle, remote = _read_source(args.source)
        total, answered = len(bundle.prompts), []

        def progress(handle: str) -> None:
            answered.append(handle)
            say(program, f"{len(answered)}/{total} {handle}")

        summary = _run(args, "import", lambda service, _connection: import_bundle(
            service, bundle, args.message, on_answered=progress))
        summary.left_remote = remote
        for line in summary.lines():
            say(program, line)
        if summary.failed:
            return FAILED
        return CONFLICTS if summary.conflicts else 0
    except CommandFailed as failure:
        say(program, str(failure))
        return FAILED
