"""Command line: `prompt-studio` opens the app, `prompt-studio serve` serves the library over HTTP."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from prompt_studio.version import version_text


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="prompt-studio", description="Edit the prompts your team keeps.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {version_text()}")
    parser.add_argument("--data-dir", help="keep every file (library, drafts, settings) in this folder")
    parser.add_argument("--screenshot", metavar="FILE.png",
                        help="save a picture of the window once its prompt list has loaded (or said why it "
                             "could not), then quit: for a bug report, or to check an install")
    parser.add_argument("--server", metavar="URL", help="open a LangWatch server instead of the local library")
    parser.add_argument("--api-key-env", metavar="VAR", help="environment variable that holds the API key")
    parser.add_argument("--project-id", help="LangWatch project id, for sk-lw-<id>_<secret> keys")
    parser.add_argument("--folder", metavar="DIR",
                        help="open a LangWatch CLI project folder (prompts.json) synced with the --server given")
    parser.add_argument("--orkes", metavar="URL", help="open an Orkes Conductor server (its root, without /api)")
    parser.add_argument("--key-id-env", metavar="VAR", help="environment variable that holds the Orkes key id")
    parser.add_argument("--key-secret-env", metavar="VAR",
                        help="environment variable that holds the Orkes key secret")
    commands = parser.add_subparsers(dest="command")

    serve = commands.add_parser("serve", help="serve the local library through a LangWatch-compatible API")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1 only)")
    serve.add_argument("--port", type=int, default=5560)
    serve.add_argument("--data-dir", dest="serve_data_dir", help="folder of the library to serve")
    serve.add_argument("--allowed-host", dest="allowed_hosts", metavar="NAME", action="append", default=[],
                       help="a host name clients reach this server by, answered besides 127.0.0.1, localhost and "
                            "[::1] (repeat for more); other Host headers get 400")
    key = serve.add_mutually_exclusive_group(required=True)
    key.add_argument("--api-key", help="the key clients must send (X-Auth-Token or Bearer); other users of this "
                                       "machine can see arguments, so prefer --api-key-env")
    key.add_argument("--api-key-env", dest="serve_api_key_env", metavar="VAR",
                     help="environment variable that holds the key")
    from prompt_studio.commands.render import add_render_parser
    from prompt_studio.commands.transfer import add_transfer_parsers

    add_render_parser(commands)
    add_transfer_parsers(commands)
    return parser


def _key_from_env(parser: argparse.ArgumentParser, variable: str) -> str:
    value = os.environ.get(variable, "")
    if not value:
        parser.error(f"the environment variable {variable} is empty or not set")
    return value


def main(argv: list[str] | None = None) -> int:
    parser = _build_parser()
    args = parser.parse_args(argv)
    if args.command == "render":
        from prompt_studio.commands.render import run_render

        return run_render(args)
    if args.command in ("export", "import"):
        from prompt_studio.commands.transfer import run_export, run_import

        return run_export(args) if args.command == "export" else run_import(args)
    if args.command == "serve":
        from prompt_studio.server import UnsafeExposure, serve

        if args.api_key:
            print("Hint: other users of this machine can see --api-key in the process list (ps); put the key in an "
                  "environment variable and pass --api-key-env VAR instead.", file=sys.stderr, flush=True)
        api_key = args.api_key or _key_from_env(parser, args.serve_api_key_env)
        try:
            serve(host=args.host, port=args.port, data_dir=args.serve_data_dir or args.data_dir, api_key=api_key,
                  allowed_hosts=args.allowed_hosts)
        except UnsafeExposure as refused:
            parser.error(str(refused))
        return 0

    api_key = None
    if args.server and args.orkes:
        parser.error("choose one of --server and --orkes")
    from prompt_studio.services.connections import url_problem

    for flag, address in (("--server", args.server), ("--orkes", args.orkes)):
        problem = url_problem(address) if address else None
        if problem:  # the address itself is never repeated: it may hold a password
            parser.error(f"{flag}: {problem}")
    folder = None
    if args.folder:
        if not args.server:
            parser.error("--folder needs --server URL and --api-key-env VAR, the LangWatch server it syncs with")
        from prompt_studio.services.cli_folder import find_project_root

        root = find_project_root(Path(args.folder).resolve())
        if root is None:
            parser.error(f"--folder: there is no prompts.json in {args.folder} or above it (langwatch prompt init "
                         "makes one)")
        folder = str(root)
    if args.server:
        if not args.api_key_env:
            parser.error("--server needs --api-key-env VAR (the key is never given as an argument)")
        api_key = _key_from_env(parser, args.api_key_env)
    orkes_key_id = orkes_key_secret = None
    if args.orkes:
        if not args.key_id_env or not args.key_secret_env:
            parser.error("--orkes needs --key-id-env VAR and --key-secret-env VAR (keys are never arguments)")
        orkes_key_id = _key_from_env(parser, args.key_id_env)
        orkes_key_secret = _key_from_env(parser, args.key_secret_env)
    from prompt_studio.app import run_app

    return run_app(data_dir=args.data_dir, server_url=args.server, api_key=api_key, project_id=args.project_id,
                   orkes_url=args.orkes, orkes_key_id=orkes_key_id, orkes_key_secret=orkes_key_secret,
                   screenshot=args.screenshot, folder=folder)


if __name__ == "__main__":
    sys.exit(main())
