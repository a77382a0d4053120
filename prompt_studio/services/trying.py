"""Trying a prompt against the author's own model provider: the window's way to the provider layer.

It keeps one `Runner` for the app (its clients stay open between runs), reads the providers' settings in a worker
thread the first time, and hands the window the run's events; `prompt_studio.providers` does the rest. Every run
that ends is kept in the run history (`store.run_history`), read and written in worker threads.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from collections.abc import AsyncIterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from prompt_studio.paths import DataPaths
from prompt_studio.providers import (
    ProvidersSettings,
    RunError,
    RunEvent,
    Runner,
    RunSummary,
    TextDelta,
    key_id,
    load_settings,
    resolve,
    save_settings,
    settings_file,
)
from prompt_studio.providers.errors import transport_errors
from prompt_studio.rendering import Rendering
from prompt_studio.store.run_history import RunHistory, RunRecord

__all__ = ["RunRecord", "RunSummary", "TextDelta", "Trials", "run_record"]

log = logging.getLogger(__name__)


class _KeysReadAhead:
    """The secret store's shape, with the key of the next run read in a worker thread beforehand: the provider
    layer asks for it where it builds a client, on the event loop's thread, and a keyring may wait on the desktop."""

    def __init__(self, secrets: Any):
        self._secrets = secrets
        self._read: dict[str, str | None] = {}

    async def read_ahead(self, name: str) -> None:
        if name not in self._read:
            self._read[name] = await asyncio.to_thread(self._secrets.get, name)

    def get(self, name: str) -> str | None:
        return self._read[name] if name in self._read else self._secrets.get(name)

    def set(self, name: str, secret: str) -> None:
        self._read.pop(name, None)
        self._secrets.set(name, secret)

    def delete(self, name: str) -> None:
        self._read.pop(name, None)
        self._secrets.delete(name)

    def forget(self) -> None:
        """Keys may have changed (Model providers was saved): read them again next time."""
        self._read.clear()


class Trials:
    """Runs of prompts on the author's model providers, with keys from the secret store."""

    def __init__(self, paths: DataPaths, secrets: Any):
        self.paths = paths
        self.secrets = secrets
        self._keys = _KeysReadAhead(secrets)
        self._runner: Runner | None = None
        self._making = asyncio.Lock()
        self._history: RunHistory | None = None

    async def runner(self) -> Runner:
        """The one runner, made on first use (two runs starting together share it); the provider packages are
        imported then, in a worker thread, so neither the start nor the first Run freezes the window."""
        async with self._making:
            if self._runner is None:
                await asyncio.to_thread(transport_errors)
                settings = await asyncio.to_thread(load_settings, settings_file(self.paths))
                self._runner = Runner(settings, self._keys)
        return self._runner

    async def run(self, config: Mapping[str, Any], rendering: Rendering) -> AsyncIterator[RunEvent]:
        """The answer's pieces as they stream in, then the run's summary (an error in plain words included)."""
        runner = await self.runner()
        with contextlib.suppress(RunError):  # an unknown provider is said by the run itself
            target = resolve(str(config.get("model") or ""), runner.settings)
            await self._keys.read_ahead(key_id(target.provider.prefix))
        async for event in runner.run(config, rendering):
            yield event

    @property
    def settings_path(self) -> Path:
        """Where the providers' settings are kept (never their keys)."""
        return settings_file(self.paths)

    async def settings(self) -> ProvidersSettings:
        return (await self.runner()).settings

    async def use(self, settings: ProvidersSettings) -> None:
        """The providers as the author just saved them, for the next run."""
        self._keys.forget()
        await (await self.runner()).reconfigure(settings)

    async def set_default_provider(self, prefix: str | None) -> ProvidersSettings:
        """Run the models named without a provider on `prefix`'s from now on, and keep that in the providers'
        settings file (written in a worker thread)."""
        settings = (await self.settings()).with_default(prefix)
        await asyncio.to_thread(save_settings, self.settings_path, settings)
        await self.use(settings)
        return settings

    # -- the run history ------------------------------------------------------------------------------------------

    async def _runs(self) -> RunHistory:
        if self._history is None:
            self._history = await asyncio.to_thread(RunHistory, self.paths.run_history)
        return self._history

    async def keep(self, run: RunRecord) -> RunRecord | None:
        """The run, kept in the history; None when the history cannot be written (a full disk, the app closing):
        the answer on screen is not lost for it, and the window says so."""
        try:
            history = await self._runs()
            return await asyncio.to_thread(history.add, run)
        except (OSError, sqlite3.Error):
            log.warning("could not keep the run of %s in the run history", run.handle, exc_info=True)
            return None

    async def runs(self, connection: str, handle: str) -> list[RunRecord]:
        history = await self._runs()
        return await asyncio.to_thread(history.runs, connection, handle)

    async def delete_run(self, run_id: int) -> None:
        history = await self._runs()
        await asyncio.to_thread(history.delete, run_id)

    async def clear_runs(self, connection: str, handle: str) -> None:
        history = await self._runs()
        await asyncio.to_thread(history.clear, connection, handle)

    async def aclose(self) -> None:
        if self._runner is not None:
            await self._runner.aclose()
        if self._history is not None:
            await asyncio.to_thread(self._history.close)


def run_record(summary: RunSummary, *, connection: str, handle: str, source: str,
               test_case: str | None) -> RunRecord:
    """A finished run as the history keeps it."""
    if summary.error is not None:
        outcome = summary.error.message
    elif summary.cut_off:
        outcome = "cut off"
    else:
        outcome = summary.finish_reason or "unknown"
    return RunRecord(
        connection=connection, handle=handle, ran_at=datetime.now(UTC).isoformat(timespec="seconds"),
        source=source, test_case=test_case, model=summary.model, request=summary.request, answer=summary.text,
        input_tokens=summary.input_tokens, output_tokens=summary.output_tokens, cost=summary.cost_words,
        time_to_first_token=summary.time_to_first_token, total_time=summary.total_time, outcome=outcome)
