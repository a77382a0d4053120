"""The LangWatch CLI's project folder, as npm `langwatch` 0.16.1 reads and writes it.

`prompts.json` names the prompts (`file:` ones are local YAML files, `latest` or a number are remote ones pulled into
`prompts/.materialized/`), `prompts-lock.json` the version each one stands at. Only the rules live here: what a file
means, what the CLI's push sends for it, what its pull writes. Reading and writing the files is
`services/cli_folder.py`.
"""

from __future__ import annotations

import json
import posixpath
import re
from dataclasses import dataclass
from typing import Any

from prompt_studio.models.config import ROLES, Input
from prompt_studio.models.errors import FolderFormatError
from prompt_studio.models.names import handle_problem
from prompt_studio.models.prompt import Prompt
from prompt_studio.models.variables import with_detected_inputs

PROJECT_FILE = "prompts.json"
LOCK_FILE = "prompts-lock.json"
MATERIALIZED_FOLDER = "prompts/.materialized"
FILE_PREFIX = "file:"
PROMPT_SUFFIX = ".prompt.yaml"
LOCK_FILE_VERSION = 1
UNSYNCED_VERSION_ID = "local"
"""The lock's `versionId` of a local prompt `create` or `add` wrote and no push has sent yet (its version is 0)."""
PRIMARY_INPUT = {"identifier": "input", "type": "str"}
DEFAULT_OUTPUT = {"identifier": "output", "type": "str"}
DEFAULT_OUTPUT_NAME = "output"


@dataclass(frozen=True)
class Dependency:
    """One entry of `prompts.json`: a local file (`file`) or a remote prompt at a version (None: the latest)."""

    name: str
    file: str | None = None
    version: int | None = None

    @property
    def is_local(self) -> bool:
        return self.file is not None


@dataclass(frozen=True)
class LockEntry:
    version: int
    version_id: str
    materialized: str

    def to_json(self) -> dict[str, Any]:
        return {"version": self.version, "versionId": self.version_id, "materialized": self.materialized}


def json_text(data: Any) -> str:
    """JSON as the CLI writes it (`JSON.stringify(data, null, 2)` and a final newline)."""
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def json_problem_line(text: str, error: json.JSONDecodeError) -> int:
    return error.lineno if error.doc == text else 1


def _pinned_version(spec: str) -> int | None:
    """The CLI's `parseInt(spec, 10)`: leading digits make a version; `latest` or anything else means the newest."""
    match = re.match(r"\s*([+-]?\d+)", spec)
    return int(match.group(1)) if match and spec != "latest" else None


def parse_project(data: Any, source: str) -> list[Dependency]:
    """The prompts `prompts.json` names, in its order; an object dependency with a `file` is neither pulled nor
    pushed by the CLI, so it is left out."""
    if not isinstance(data, dict) or not isinstance(data.get("prompts", {}), dict):
        raise FolderFormatError(f'{source}, line 1: expected {{"prompts": {{NAME: "file:..." or "latest"}}}}.')
    dependencies = []
    for name, spec in data.get("prompts", {}).items():
        problem = handle_problem(name)
        if problem:
            raise FolderFormatError(f"{source}: the prompt name {name!r} cannot be used. {problem}")
        if isinstance(spec, str) and spec.startswith(FILE_PREFIX):
            dependencies.append(Dependency(name, file=spec.removeprefix(FILE_PREFIX)))
        elif isinstance(spec, str):
            dependencies.append(Dependency(name, version=_pinned_version(spec)))
        elif isinstance(spec, dict) and not spec.get("file"):
            pinned = spec.get("version")
            dependencies.append(Dependency(name, version=_pinned_version(pinned) if isinstance(pinned, str) else None))
        elif not isinstance(spec, dict):
            raise FolderFormatError(f"{source}: the prompt {name!r} needs a text such as \"latest\" or "
                                    "\"file:prompts/NAME.prompt.yaml\".")
    return dependencies


def parse_lock(data: Any, source: str) -> dict[str, LockEntry]:
    if not isinstance(data, dict) or not isinstance(data.get("prompts", {}), dict):
        raise FolderFormatError(f'{source}, line 1: expected {{"lockfileVersion": 1, "prompts": {{...}}}}.')
    entries = {}
    for name, entry in data.get("prompts", {}).items():
        if not isinstance(entry, dict) or not isinstance(entry.get("version"), int):
            raise FolderFormatError(f"{source}: the entry of {name!r} needs a version number.")
        entries[name] = LockEntry(entry["version"], str(entry.get("versionId", "")), str(entry.get("materialized", "")))
    return entries


def local_file(name: str) -> str:
    """Where `langwatch prompt create` puts a new local prompt, from the root (a `/` in the name nests it)."""
    return f"prompts/{name}{PROMPT_SUFFIX}"


def materialized_path(name: str) -> str:
    """Where a pull writes a remote prompt, from the root (a `/` in the name nests it)."""
    return f"{MATERIALIZED_FOLDER}/{name}{PROMPT_SUFFIX}"


def file_path_problem(path: str) -> str | None:
    """Why a `file:` path cannot be used: it must stay inside the project folder."""
    normal = posixpath.normpath(path.replace("\\", "/"))
    if posixpath.isabs(normal) or normal == ".." or normal.startswith("../") or re.match(r"[A-Za-z]:", normal):
        return f"{path!r} points outside the project folder."
    return None


# -- a *.prompt.yaml ------------------------------------------------------------------------------------------------

def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def document_problem(document: Any) -> tuple[tuple[str | int, ...], str] | None:
    """The first way a prompt file fails the CLI's schema (zod, `localPromptConfigSchema`): where, and why."""
    if not isinstance(document, dict):
        return (), "a prompt file holds keys such as model: and messages:"
    model = document.get("model")
    if not isinstance(model, str) or not model:
        return ("model",), "model: is required, for example openai/gpt-5"
    parameters = document.get("modelParameters")
    if parameters is not None:
        if not isinstance(parameters, dict):
            return ("modelParameters",), "modelParameters: holds temperature: and max_tokens:"
        for key in ("temperature", "max_tokens"):
            if key in parameters and not _is_number(parameters[key]):
                return ("modelParameters", key), f"{key}: must be a number"
    messages = document.get("messages")
    if not isinstance(messages, list) or not messages:
        return ("messages",), "messages: needs at least one message"
    for position, message in enumerate(messages):
        if not isinstance(message, dict):
            return ("messages", position), "each message has a role: and a content:"
        if message.get("role") not in ROLES:
            return ("messages", position, "role"), "role: is system, user or assistant"
        content = message.get("content")
        if not isinstance(content, str) or not content:
            return ("messages", position, "content"), "a message's content cannot be empty"
    return None


def max_tokens_of(document: dict[str, Any]) -> int | None:
    """Max tokens in any of the three spellings files hold: `modelParameters.max_tokens` (what the CLI pushes),
    `modelParameters.maxTokens` (what its pull writes) and a top-level `max_tokens`."""
    parameters = document.get("modelParameters") or {}
    for value in (parameters.get("max_tokens"), parameters.get("maxTokens"), document.get("max_tokens")):
        if _is_number(value):
            return int(value)
    return None


def _response_format(document: dict[str, Any]) -> dict[str, Any] | None:
    value = document.get("response_format")
    return value if isinstance(value, dict) else None


def push_config(document: dict[str, Any]) -> dict[str, Any]:
    """The `configData` the CLI's push sends for this file, key for key (an unset key is left out, as JSON drops
    JavaScript's `undefined`): the first system message is the prompt, `{name?, schema}` under `response_format`
    becomes one `json_schema` output."""
    messages = document["messages"]
    parameters = document.get("modelParameters") or {}
    config: dict[str, Any] = {
        "model": document["model"],
        "prompt": next((message["content"] for message in messages if message["role"] == "system"), ""),
        "messages": [dict(message) for message in messages if message["role"] != "system"],
    }
    for key in ("temperature", "max_tokens"):
        if parameters.get(key) is not None:
            config[key] = parameters[key]
    config["inputs"] = [dict(PRIMARY_INPUT)]
    response_format = _response_format(document)
    name = (response_format or {}).get("name") or DEFAULT_OUTPUT_NAME
    schema = (response_format or {}).get("schema")
    config["outputs"] = ([{"identifier": name, "type": "json_schema", "json_schema": schema}] if schema
                         else [dict(DEFAULT_OUTPUT)])
    if response_format is not None:
        config["response_format"] = {"type": "json_schema", "json_schema": {"name": name, "schema": schema or {}}}
    return config


def push_commit_message(file: str) -> str:
    return f"Synced from local file: {posixpath.basename(file.replace(chr(92), '/'))}"


def shown_config(document: dict[str, Any]) -> dict[str, Any]:
    """What the form shows of a file: what a push sends, max tokens read in any spelling."""
    config = push_config(document)
    max_tokens = max_tokens_of(document)
    if max_tokens is not None:
        config["max_tokens"] = max_tokens
    return config


def file_fields(config: dict[str, Any]) -> dict[str, Any]:
    """What a file holds of a version's content, in its keys: `messages` with the system prompt first,
    `modelParameters`, and `response_format` as `{name, schema}` (from the first `json_schema` output)."""
    messages = [{"role": "system", "content": config["prompt"]}] if config.get("prompt") else []
    messages += [{"role": message["role"], "content": message["content"]} for message in config.get("messages", [])]
    parameters = {key: config[key] for key in ("temperature", "max_tokens") if config.get(key) is not None}
    structured = next((output for output in config.get("outputs", []) if output.get("type") == "json_schema"), None)
    response_format = ({"name": structured["identifier"], "schema": structured.get("json_schema") or {}}
                       if structured is not None else None)
    return {"model": config["model"], "messages": messages, "modelParameters": parameters,
            "response_format": response_format}


def left_out_of_file(config: dict[str, Any]) -> list[str]:
    """The fields of a version's content (`configData` keys) that a prompt file written from it (`file_fields`)
    would not bring back through the CLI's push: a field it has no key for (top_p, seed...), inputs other than
    `input` and the variables the texts read, more outputs than one."""
    sent = push_config(file_fields(config))
    texts = [sent["prompt"], *(message["content"] for message in sent["messages"])]
    sent["inputs"] = [item.to_wire() for item in with_detected_inputs(texts, [Input.model_validate(PRIMARY_INPUT)])]
    return [key for key, value in config.items() if value not in (None, [], {}) and sent.get(key) != value]


def unheld_outputs(config: dict[str, Any]) -> str | None:
    """Why a file cannot hold these outputs, in plain words, or None: it holds the default text answer, or one JSON
    answer (its schema under `response_format`)."""
    outputs = config.get("outputs", [])
    structured = [output for output in outputs if output.get("type") == "json_schema"]
    if outputs == [DEFAULT_OUTPUT] or (len(outputs) == 1 and len(structured) == 1):
        return None
    return ("A prompt file holds one output: the text answer named \"output\", or one JSON answer with a schema. "
            "Keep one of them.")


def unheld_document(document: dict[str, Any]) -> str | None:
    """Why the app cannot save this file without losing part of it, in one plain line, or None."""
    if sum(1 for message in document["messages"] if message["role"] == "system") > 1:
        return ("Read-only here: this file has more than one system message and the CLI sends only the first, so "
                "edit it in a text editor.")
    return None


def pulled_document(prompt: Prompt) -> dict[str, Any]:
    """What the CLI's pull writes for a remote prompt (`fromMaterializedToYaml`): model, the answer's messages (the
    system prompt first), and `modelParameters` with `temperature` and `maxTokens`, each if set."""
    document: dict[str, Any] = {
        "model": prompt.model,
        "messages": [{"role": message.role, "content": message.content} for message in prompt.messages],
    }
    parameters = {key: value for key, value in (("temperature", prompt.temperature), ("maxTokens", prompt.max_tokens))
                  if value is not None}
    if parameters:
        document["modelParameters"] = parameters
    return document
