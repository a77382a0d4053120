"""Export a connection's prompts as a bundle, and import a bundle into any connection without overwriting.

An import saves each prompt through sync with no base version, as a new prompt: the server creates what it does
not have and answers `conflict` for what it has. A conflict whose content is already the bundle's is unchanged;
any other is listed for the user to settle (in the app, through the merge dialog), never written over.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from prompt_studio.models import ConfigData
from prompt_studio.models.bundle import BUNDLE_FORMAT, Bundle, BundledPrompt
from prompt_studio.models.draft import Draft
from prompt_studio.models.errors import PromptStudioError
from prompt_studio.services.prompts import PromptService


async def export_bundle(service: PromptService, source: str, handles: Sequence[str] | None = None) -> Bundle:
    """The newest version of every prompt (or of `handles`), with everything it holds, read a few at a time."""
    if handles is None:
        handles = [prompt.handle or prompt.id for prompt in await service.list_prompts()]
    turns = asyncio.Semaphore(16)

    async def read(handle: str) -> BundledPrompt:
        async with turns:
            opened = await service.open_prompt(handle)
        return BundledPrompt(handle=handle, config_data=ConfigData.model_validate(opened.config),
                             parameters=opened.parameters, version=opened.prompt.version)

    prompts = await asyncio.gather(*(read(handle) for handle in handles))
    moment = datetime.now(UTC).isoformat(timespec="seconds")
    return Bundle(format=BUNDLE_FORMAT, format_version=1, exported_from=source, exported_at=moment,
                  prompts=list(prompts))


@dataclass
class ImportSummary:
    created: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    """On the connection with other content: nothing was written; merge them one by one."""
    failed: list[tuple[str, str]] = field(default_factory=list)

    @property
    def lines(self) -> list[str]:
        words = [(self.created, "created"), (self.unchanged, "already there, unchanged"),
                 (self.conflicts, "already there with other content (nothing written: merge them)")]
        lines = [f"{len(names)} {text}: {', '.join(names)}" for names, text in words if names]
        lines += [f"{handle} was not imported: {reason}" for handle, reason in self.failed]
        return lines


async def import_bundle(
    service: PromptService, bundle: Bundle, commit_message: str, *,
    on_answered: Callable[[str], None] | None = None,
) -> ImportSummary:
    """Every prompt of `bundle` created where it is missing; the rest compared, never overwritten."""
    drafts = [Draft(handle=item.handle, config=item.config_data.to_wire(), parameters=item.parameters)
              for item in bundle.prompts]
    items = await service.save_many(drafts, commit_message, on_answered=on_answered)
    summary = ImportSummary()
    for bundled, item in zip(bundle.prompts, items, strict=True):
        outcome = item.outcome
        if outcome is None:
            error = item.error
            summary.failed.append((bundled.handle, error.user_message if isinstance(error, PromptStudioError)
                                   else "it could not be saved"))
        elif outcome.action == "created":
            summary.created.append(bundled.handle)
        elif outcome.action == "up_to_date":  # the server already had exactly this (`PromptService.save`)
            summary.unchanged.append(bundled.handle)
        else:
            summary.conflicts.append(bundled.handle)
    return summary
