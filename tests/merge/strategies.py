"""Hypothesis strategies shared by the merge tests: texts as edits of a base, and valid prompt configs."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import strategies as st

# Few distinct lines, so that both sides touch the same places and lines repeat (as blank lines and braces
# do in real prompts); "}" and "" have no letter or digit, which matters to git's conflict joining.
LINE_WORDS = ["alpha", "beta", "gamma", "delta", "}", "", "  indented", "{{ question }}"]


@st.composite
def lines(draw: st.DrawFn, max_size: int = 12) -> list[str]:
    return [word + "\n" for word in draw(st.lists(st.sampled_from(LINE_WORDS), max_size=max_size))]


@st.composite
def edited(draw: st.DrawFn, base: list[str]) -> list[str]:
    """`base` after a few insertions, deletions and replacements of short runs."""
    result = list(base)
    for _ in range(draw(st.integers(0, 4))):
        position = draw(st.integers(0, len(result)))
        length = draw(st.integers(1, 3))
        action = draw(st.sampled_from(["insert", "delete", "replace"]))
        new_lines = [word + "\n" for word in draw(st.lists(st.sampled_from(LINE_WORDS), min_size=1,
                                                           max_size=length))]
        if action == "insert":
            result[position:position] = new_lines
        elif action == "delete":
            del result[position : position + length]
        else:
            result[position : position + length] = new_lines
    return result


def as_text(text_lines: list[str], final_newline: bool) -> str:
    text = "".join(text_lines)
    return text if final_newline else text.removesuffix("\n")


@st.composite
def text_triples(draw: st.DrawFn) -> tuple[str, str, str]:
    """(base, ours, theirs), each side an edit of the base, sometimes without a final newline."""
    base = draw(lines())
    ours, theirs = draw(edited(base)), draw(edited(base))
    return (
        as_text(base, draw(st.booleans())),
        as_text(ours, draw(st.booleans())),
        as_text(theirs, draw(st.booleans())),
    )


@st.composite
def texts(draw: st.DrawFn) -> str:
    return as_text(draw(lines()), draw(st.booleans()))


ROLES = ["user", "assistant", "system"]
MODELS = ["openai/gpt-4o", "openai/gpt-4o-mini", "anthropic/claude-sonnet-4"]
INPUT_TYPES = ["str", "float", "bool", "list[str]", "dict"]
IDENTIFIERS = ["question", "context", "history", "language", "output", "score"]


@st.composite
def base_configs(draw: st.DrawFn) -> dict[str, Any]:
    """A valid snake_case configData, as `ConfigData.to_wire()` gives it, with optional `parameters`."""
    config: dict[str, Any] = {
        "prompt": as_text(draw(lines(max_size=6)), True),
        "model": draw(st.sampled_from(MODELS)),
        "messages": [
            {"role": draw(st.sampled_from(ROLES)), "content": as_text(draw(lines(max_size=4)), True)}
            for _ in range(draw(st.integers(0, 5)))
        ],
        "inputs": [{"identifier": name, "type": draw(st.sampled_from(INPUT_TYPES))}
                   for name in draw(st.lists(st.sampled_from(IDENTIFIERS), unique=True, max_size=3))],
        "outputs": [{"identifier": "output", "type": "str"}],
    }
    if draw(st.booleans()):
        config["temperature"] = draw(st.sampled_from([0.0, 0.5, 1.0]))
    if draw(st.booleans()):
        config["outputs"].append({
            "identifier": "result", "type": "json_schema",
            "json_schema": {"type": "object", "properties": {"answer": {"type": "string"}}},
        })
    if draw(st.booleans()):
        config["parameters"] = {"retries": draw(st.integers(0, 3)), "tools": {"search": draw(st.booleans())}}
    return config


@st.composite
def edited_configs(draw: st.DrawFn, base: dict[str, Any]) -> dict[str, Any]:
    """A valid edit of `base`: the kinds of change a person makes in the editor."""
    config = copy.deepcopy(base)
    for _ in range(draw(st.integers(0, 4))):
        action = draw(st.sampled_from([
            "model", "temperature", "unset_temperature", "max_tokens", "prompt", "insert_message",
            "delete_message", "edit_message", "add_input", "delete_input", "retype_input", "add_output",
            "schema", "parameters",
        ]))
        messages = config["messages"]
        if action == "model":
            config["model"] = draw(st.sampled_from(MODELS))
        elif action == "temperature":
            config["temperature"] = draw(st.sampled_from([0.2, 0.7, 1.5]))
        elif action == "unset_temperature":
            config.pop("temperature", None)
        elif action == "max_tokens":
            config["max_tokens"] = draw(st.sampled_from([256, 1024]))
        elif action == "prompt":
            prompt_lines = config["prompt"].splitlines(keepends=True)
            config["prompt"] = as_text(draw(edited(prompt_lines)), True)
        elif action == "insert_message":
            content = as_text(draw(lines(max_size=3)), True)
            new_message = {"role": draw(st.sampled_from(ROLES)), "content": content}
            messages.insert(draw(st.integers(0, len(messages))), new_message)
        elif action == "delete_message" and messages:
            del messages[draw(st.integers(0, len(messages) - 1))]
        elif action == "edit_message" and messages:
            message = messages[draw(st.integers(0, len(messages) - 1))]
            message["content"] = as_text(draw(edited(message["content"].splitlines(keepends=True))), True)
        elif action == "add_input":
            name = draw(st.sampled_from(IDENTIFIERS))
            if all(item["identifier"] != name for item in config["inputs"]):
                config["inputs"].append({"identifier": name, "type": draw(st.sampled_from(INPUT_TYPES))})
        elif action == "delete_input" and config["inputs"]:
            del config["inputs"][draw(st.integers(0, len(config["inputs"]) - 1))]
        elif action == "retype_input" and config["inputs"]:
            config["inputs"][draw(st.integers(0, len(config["inputs"]) - 1))]["type"] = draw(
                st.sampled_from(INPUT_TYPES))
        elif action == "add_output":
            name = draw(st.sampled_from(["label", "reason"]))
            if all(item["identifier"] != name for item in config["outputs"]):
                config["outputs"].append({"identifier": name, "type": draw(st.sampled_from(["str", "bool"]))})
        elif action == "schema":
            for output in config["outputs"]:
                if "json_schema" in output:
                    key = draw(st.sampled_from(["answer", "confidence", "sources"]))
                    kind = draw(st.sampled_from(["string", "number"]))
                    output["json_schema"]["properties"][key] = {"type": kind}
        elif action == "parameters":
            parameters = config.setdefault("parameters", {})
            parameters[draw(st.sampled_from(["retries", "timeout", "region"]))] = draw(st.integers(0, 9))
    return config


@st.composite
def config_triples(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    base = draw(base_configs())
    return base, draw(edited_configs(base)), draw(edited_configs(base))
