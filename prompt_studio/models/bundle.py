"""A bundle: prompts carried from one connection to another (a backup, dev to prod), as one JSON file.

Each prompt is its handle, the full `configData` of its newest version and its runtime parameters; an export with
every version (format version 2) adds the earlier versions, oldest first, each with its commit message. The format
is ours and versioned; what a bundle holds is validated by the same model as any prompt, so a bad file is refused
with the place of each problem before anything is written.
"""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import Field, ValidationError

from prompt_studio.models.base import CamelWireModel
from prompt_studio.models.config import ConfigData
from prompt_studio.models.labels import field_label, location_label
from prompt_studio.models.problems import dotted_path, json_problem, problems_of

BUNDLE_FORMAT = "prompt-studio-bundle"
LATEST_ONLY, ALL_VERSIONS = 1, 2
"""Format 1 holds each prompt's newest version; format 2 adds its earlier versions (a reader of format 1 would
import only the newest, so such a bundle says it holds more)."""


class BundledVersion(CamelWireModel):
    """An earlier version, as far as its connection shows it (on LangWatch, a version's answer: all but the
    sampling settings other than temperature and max tokens, which only the newest version's content carries)."""

    version: int
    config_data: ConfigData
    parameters: dict[str, Any] = Field(default_factory=dict)
    commit_message: str | None = None
    author: str | None = None
    created_at: str | None = None
    tags: list[str] = Field(default_factory=list)
    """The version tags on it (`production`...), which an import sets again on the prompts it creates."""


class BundledPrompt(CamelWireModel):
    handle: str
    config_data: ConfigData
    parameters: dict[str, Any] = Field(default_factory=dict)
    version: int | None = None
    """The version it was exported from, for the reader; an import never relies on it."""
    version_id: str | None = None
    """That version's id, for the lock of an exported CLI folder; an import never relies on it."""
    commit_message: str | None = None
    tags: list[str] = Field(default_factory=list)
    """The version tags on the newest version (an all-versions bundle only)."""
    earlier_versions: list[BundledVersion] = Field(default_factory=list)
    """Oldest first, without the newest (which is `config_data`); empty in a bundle of newest versions only."""

    def contents(self) -> list[tuple[ConfigData, dict[str, Any], str | None]]:
        """Every version it carries, oldest first: (content, parameters, commit message)."""
        older = [(item.config_data, item.parameters, item.commit_message) for item in self.earlier_versions]
        return [*older, (self.config_data, self.parameters, self.commit_message)]

    def tags_by_position(self) -> list[list[str]]:
        """The tags of every version it carries, in the order of `contents`."""
        return [*(item.tags for item in self.earlier_versions), self.tags]


class Bundle(CamelWireModel):
    format: Literal["prompt-studio-bundle"] = BUNDLE_FORMAT
    format_version: Literal[1, 2] = LATEST_ONLY
    prompt_shape: Literal["langwatch", "orkes"] = "langwatch"
    """What its prompts hold (`Capabilities.prompt_shape`): an import into the other shape converts them."""
    exported_from: str = ""
    exported_at: str = ""
    prompts: list[BundledPrompt] = Field(default_factory=list)


def bundle_text(bundle: Bundle) -> str:
    """The file's text: JSON, 2-space indent, final newline, non-ASCII as it is; it always says what it is."""
    labelled = {"format": bundle.format, "formatVersion": bundle.format_version,
                "promptShape": bundle.prompt_shape, **bundle.to_wire()}
    return json.dumps(labelled, ensure_ascii=False, indent=2) + "\n"


def _invalid(name: str, data: dict[str, Any], error: ValidationError) -> str:
    """The first problem of a bundle that does not validate: in a prompt's content, by the prompt and the field's
    label ("prompt 2 (team/faq): Model must not be empty"), with its place for whoever edits the JSON."""
    problems = problems_of(error)
    first = problems[0]
    more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
    place = dotted_path(first.location)
    location = first.location
    if len(location) >= 3 and location[0] == "prompts" and isinstance(location[1], int):
        item = data["prompts"][location[1]]
        handle = item.get("handle") if isinstance(item, dict) else None
        which = f"prompt {location[1] + 1}" + (f" ({handle})" if isinstance(handle, str) else "")
        subject = location_label(location[3:]) if location[2] == "configData" else field_label(str(location[2]))
        return f"{name} cannot be imported: {which}: {first.about(subject)} (at {place}){more}."
    return f"{name} is not a Prompt Studio bundle: {first.about(place or 'the file')}{more}."


class BundleProblem(ValueError):
    """Why a file is not a bundle that can be imported, in plain words; nothing was written."""


def read_bundle(text: str, name: str) -> Bundle:
    """The bundle in `text`, or a `BundleProblem` naming `name` and what is wrong: not JSON, not a bundle, a
    newer format, or a prompt that is not valid (with its place)."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise BundleProblem(f"{name} is not a Prompt Studio bundle. {json_problem(error)}") from None
    if not isinstance(data, dict) or data.get("format") != BUNDLE_FORMAT:
        raise BundleProblem(f"{name} is not a Prompt Studio bundle: it has no \"format\": \"{BUNDLE_FORMAT}\".")
    version = data.get("formatVersion", LATEST_ONLY)
    if version not in (LATEST_ONLY, ALL_VERSIONS):
        raise BundleProblem(f"{name} is a bundle of format version {version}, written by a newer Prompt Studio; "
                            f"this one reads versions {LATEST_ONLY} and {ALL_VERSIONS}.")
    try:
        bundle = Bundle.model_validate(data)
    except ValidationError as error:
        raise BundleProblem(_invalid(name, data, error)) from None
    handles = [item.handle for item in bundle.prompts]
    twice = sorted({handle for handle in handles if handles.count(handle) > 1})
    if twice:
        raise BundleProblem(f"{name} holds these prompts more than once: {', '.join(twice)}.")
    return bundle
