"""The CLI folder's rules that need no server: dependencies, what a push sends, what a file holds."""

from __future__ import annotations

import pytest

from prompt_studio.models.cli_project import (
    Dependency,
    file_fields,
    file_path_problem,
    json_text,
    left_out_of_file,
    parse_project,
    push_config,
)
from prompt_studio.models.errors import FolderFormatError

FILE = {
    "model": "openai/gpt-5",
    "modelParameters": {"temperature": 0.2, "maxTokens": 70, "top_p": 0.5},
    "messages": [{"role": "user", "content": "{{input}}"}, {"role": "system", "content": "Be brief."}],
}


def test_dependencies_are_read_as_the_cli_reads_them():
    parsed = parse_project({"prompts": {"a": "file:prompts/a.prompt.yaml", "b": "latest", "c": "5", "d": "5x",
                                        "e": "newest", "f": {"version": "3"}, "g": {"file": "x.yaml"}}}, "prompts.json")
    assert parsed == [Dependency("a", file="prompts/a.prompt.yaml"), Dependency("b"), Dependency("c", version=5),
                      Dependency("d", version=5), Dependency("e"), Dependency("f", version=3)]
    with pytest.raises(FolderFormatError, match=r"prompts\.json: the prompt name 'Bad Name' cannot be used"):
        parse_project({"prompts": {"Bad Name": "latest"}}, "prompts.json")


def test_a_push_sends_the_first_system_message_as_the_prompt_and_only_the_pushed_parameters():
    assert push_config(FILE) == {
        "model": "openai/gpt-5", "prompt": "Be brief.", "messages": [{"role": "user", "content": "{{input}}"}],
        "temperature": 0.2, "inputs": [{"identifier": "input", "type": "str"}],
        "outputs": [{"identifier": "output", "type": "str"}],
    }


def test_a_response_format_becomes_one_json_schema_output_in_either_form():
    schema = {"type": "object", "properties": {"label": {"type": "string"}}}
    named = push_config({**FILE, "response_format": {"name": "verdict", "schema": schema}})
    assert named["outputs"] == [{"identifier": "verdict", "type": "json_schema", "json_schema": schema}]
    assert named["response_format"] == {"type": "json_schema", "json_schema": {"name": "verdict", "schema": schema}}
    openai_form = push_config({**FILE, "response_format": {"type": "json_schema", "json_schema": {"schema": schema}}})
    assert openai_form["outputs"] == [{"identifier": "output", "type": "str"}]  # the CLI reads only {name, schema}
    assert openai_form["response_format"]["json_schema"] == {"name": "output", "schema": {}}
    assert file_fields(named)["response_format"] == {"name": "verdict", "schema": schema}


def test_paths_outside_the_folder_are_refused():
    assert file_path_problem("prompts/a.prompt.yaml") is None
    assert all(file_path_problem(path) for path in ("../a.yaml", "/etc/a.yaml", "prompts/../../a.yaml", "C:/a"))


def test_json_is_written_as_the_cli_writes_it():
    assert json_text({"lockfileVersion": 1, "prompts": {}}) == '{\n  "lockfileVersion": 1,\n  "prompts": {}\n}\n'


def test_an_export_names_what_a_prompt_file_cannot_carry_back():
    held = {"prompt": "Help {{ shop }}.", "model": "openai/gpt-5", "temperature": 0.2, "max_tokens": 90,
            "messages": [{"role": "user", "content": "{{ question }}"}],
            "inputs": [{"identifier": "input", "type": "str"}, {"identifier": "question", "type": "str"},
                       {"identifier": "shop", "type": "str"}],
            "outputs": [{"identifier": "output", "type": "str"}]}
    assert left_out_of_file(held) == []
    richer = {**held, "top_p": 0.9, "seed": 7, "inputs": [{"identifier": "limit", "type": "float"}],
              "outputs": [{"identifier": "a", "type": "str"}, {"identifier": "b", "type": "float"}]}
    assert left_out_of_file(richer) == ["inputs", "outputs", "top_p", "seed"]
