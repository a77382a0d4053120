"""`prompt-studio serve`: the library of a data folder, served with uvicorn until Ctrl+C."""

from __future__ import annotations

import copy
import sys
from pathlib import Path

import uvicorn
from uvicorn.config import LOGGING_CONFIG

from prompt_studio.paths import DataPaths
from prompt_studio.server.app import create_app
from prompt_studio.store import PromptLibrary


def _logging_config(log_level: str) -> dict:
    """uvicorn's own logging plus ours, at one level.

    Neither logs request headers, so the API key never reaches a log; the access log (INFO) shows only the
    request line.
    """
    config = copy.deepcopy(LOGGING_CONFIG)
    config["loggers"]["prompt_studio"] = {
        "handlers": ["default"],
        "level": log_level.upper(),
        "propagate": False,
    }
    return config


def serve(
    *,
    host: str = "127.0.0.1",
    port: int = 5560,
    data_dir: str | Path | None = None,
    api_key: str,
    log_level: str = "warning",
) -> None:
    """Serve the library in `data_dir` (the user's data folder when None) on `host:port` until stopped."""
    library_path = DataPaths.resolve(data_dir).library
    library = PromptLibrary(library_path)
    try:
        config = uvicorn.Config(
            create_app(library, api_key),
            host=host,
            port=port,
            log_level=log_level,
            log_config=_logging_config(log_level),
            server_header=False,
            proxy_headers=False,
        )
        print(f"Serving {library_path} on http://{host}:{port}/api/prompts", file=sys.stderr, flush=True)
        uvicorn.Server(config).run()
    finally:
        library.close()
