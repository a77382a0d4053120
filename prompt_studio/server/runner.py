"""`prompt-studio serve`: the library of a data folder, served with uvicorn until Ctrl+C."""

from __future__ import annotations

import copy
import sys
from collections.abc import Iterable
from pathlib import Path

import uvicorn
from uvicorn.config import LOGGING_CONFIG

from prompt_studio.models.names import is_loopback_host
from prompt_studio.paths import DataPaths
from prompt_studio.server.app import create_app
from prompt_studio.server.protocol import IDLE_TIMEOUT, bounded_protocol, fit_connections_to_file_limit
from prompt_studio.store import PromptLibrary

MIN_EXPOSED_KEY_LENGTH = 32
"""A key that other machines may guess at: 32 random characters stay out of reach even without the slowdown."""
WILDCARD_ADDRESSES = frozenset({"0.0.0.0", "::", ""})


class UnsafeExposure(ValueError):
    """Serving on `host` with this key would put the library within easy reach of the network."""


def exposure_problem(host: str, api_key: str) -> str | None:
    """Why `host` cannot be served with `api_key`, in plain words, or None."""
    if is_loopback_host(host) or len(api_key) >= MIN_EXPOSED_KEY_LENGTH:
        return None
    return (
        f"--host {host} makes the API reachable from other machines, so the key needs at least "
        f"{MIN_EXPOSED_KEY_LENGTH} characters (python -c 'import secrets; print(secrets.token_urlsafe(32))' makes one)."
    )


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
    allowed_hosts: Iterable[str] = (),
    log_level: str = "warning",
) -> None:
    """Serve the library in `data_dir` (the user's data folder when None) on `host:port` until stopped.

    Requests must name this machine's loopback names, `host` itself (unless it is a wildcard address such as
    0.0.0.0) or one of `allowed_hosts` in their Host header. Raises UnsafeExposure before listening when the
    key is too short for a non-loopback `host`.
    """
    problem = exposure_problem(host, api_key)
    if problem:
        raise UnsafeExposure(problem)
    names = [*allowed_hosts, *([] if host in WILDCARD_ADDRESSES else [host])]
    library_path = DataPaths.resolve(data_dir).library
    library = PromptLibrary(library_path)
    try:
        config = uvicorn.Config(
            create_app(library, api_key, names),
            host=host,
            port=port,
            http=bounded_protocol(fit_connections_to_file_limit()),
            ws="none",
            timeout_keep_alive=int(IDLE_TIMEOUT),
            log_level=log_level,
            log_config=_logging_config(log_level),
            server_header=False,
            proxy_headers=False,
        )
        print(f"Serving {library_path} on http://{host}:{port}/api/prompts", file=sys.stderr, flush=True)
        if not is_loopback_host(host):
            print(
                f"Warning: the API is reachable from the network over plain HTTP: the key and every prompt cross "
                f"it unencrypted. Put an HTTPS proxy in front, or serve on 127.0.0.1. Host names answered besides "
                f"this machine's own: {', '.join(names) or 'none (add them with --allowed-host)'}.",
                file=sys.stderr,
                flush=True,
            )
        uvicorn.Server(config).run()
    finally:
        library.close()
