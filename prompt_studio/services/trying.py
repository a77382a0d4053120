"""Trying a prompt against the author's own model provider: the window's way to the provider layer.

It keeps one `Runner` for the app (its clients stay open between runs), reads the providers' settings in a worker
thread the first time, and hands the window the run's events; `prompt_studio.providers` does the rest.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping
from pathlib import Path
from typing import Any

from prompt_studio.paths import DataPaths
from prompt_studio.providers import (
    ProvidersSettings,
    RunEvent,
    Runner,
    RunSummary,
    TextDelta,
    load_settings,
    settings_file,
)
from prompt_studio.rendering import Rendering

__all__ = ["RunSummary", "TextDelta", "Trials"]


class Trials:
    """Runs of prompts on the author's model providers, with keys from the secret store."""

    def __init__(self, paths: DataPaths, secrets: Any):
        self.paths = paths
        self.secrets = secrets
        self._runner: Runner | None = None

    async def runner(self) -> Runner:
        if self._runner is None:
            settings = await asyncio.to_thread(load_settings, settings_file(self.paths))
            self._runner = Runner(settings, self.secrets)
        return self._runner

    async def run(self, config: Mapping[str, Any], rendering: Rendering) -> AsyncIterator[RunEvent]:
        """The answer's pieces as they stream in, then the run's summary (an error in plain words included)."""
        runner = await self.runner()
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
        await (await self.runner()).reconfigure(settings)

    async def aclose(self) -> None:
        if self._runner is not None:
            await self._runner.aclose()
