"""A bundle: prompts carried from one connection to another (a backup, dev to prod), as one JSON file.

Each prompt is its handle, the full `configData` of its newest version and its runtime parameters. The format is
ours and versioned; what a bundle holds is validated by the same model as any prompt, so a bad file is refused
with the place of each problem before anything is written.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from prompt_studio.models.base import CamelWireModel
from prompt_studio.models.config import ConfigData

BUNDLE_FORMAT = "prompt-studio-bundle"


class BundledPrompt(CamelWireModel):
    handle: str
    config_data: ConfigData
    parameters: dict[str, Any] = Field(default_factory=dict)
    version: int | None = None
    """The version it was exported from, for the reader; an import never relies on it."""


class Bundle(CamelWireModel):
    format: Literal["prompt-studio-bundle"] = BUNDLE_FORMAT
    format_version: Literal[1] = 1
    exported_from: str = ""
    exported_at: str = ""
    prompts: list[BundledPrompt] = Field(default_factory=list)
