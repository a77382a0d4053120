"""The domain model: lossless round trips, "not set" kept apart from defaults, errors that name the field."""

import pytest
from pydantic import ValidationError

from prompt_studio.models import (
    ConfigData,
    Prompt,
    SyncRequest,
    SyncResult,
    config_from_prompt,
    handle_problem,
    tag_name_problem,
    write_body_from_config,
)

RICH_CONFIG = {
    "prompt": "You are a support agent for {{ product }}.",
    "model": "openai/gpt-5",
    "messages": [{"role": "user", "content": "{{ question }}"}, {"role": "assistant", "content": "Sure."}],
    "inputs": [{"identifier": "product", "type": "str"}, {"identifier": "question", "type": "str"}],
    "outputs": [
        {"identifier": "answer", "type": "json_schema",
         "json_schema": {"type": "object", "properties": {"text": {"type": "string"}}, "required": ["text"]}},
    ],
    "temperature": 0.7,
    "max_tokens": 512,
    "top_p": 0.9,
    "frequency_penalty": -0.5,
    "presence_penalty": 0.5,
    "seed": 42,
    "top_k": 40,
    "min_p": 0.05,
    "repetition_penalty": 1.1,
    "reasoning": "on",
    "reasoning_effort": "high",
    "thinkingLevel": "deep",
    "effort": "medium",
    "verbosity": "low",
    "demonstrations": {
        "id": "demo_1",
        "inline": {
            "records": {"question": ["hi"], "answer": ["hello"], "ok": [True]},
            "columnTypes": [{"name": "question", "type": "string"}, {"name": "answer", "type": "string"},
                            {"name": "ok", "type": "boolean", "id": "c3"}],
        },
    },
    "prompting_technique": {"type": "few_shot"},
    "response_format": {"type": "json_schema", "json_schema": {"name": "answer", "schema": {"type": "object"}}},
    "a_field_from_a_newer_server": {"nested": [1, 2]},
}

RESPONSE = {
    "id": "prompt_abc", "handle": "support/triage", "scope": "PROJECT", "name": "support/triage",
    "updatedAt": "2026-11-23T10:00:00.000Z", "projectId": "p", "organizationId": "o", "versionId": "prompt_version_1",
    "version": 3, "createdAt": "2026-11-20T10:00:00.000Z", "commitMessage": "shorter",
    "prompt": "Be brief.",
    "messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "{{ input }}"}],
    "inputs": [{"identifier": "input", "type": "str"}],
    "outputs": [{"identifier": "output", "type": "str"}],
    "model": "openai/gpt-5", "temperature": 0.2, "maxTokens": 100,
    "tags": [{"name": "latest", "versionId": "prompt_version_1"},
             {"name": "production", "versionId": "prompt_version_1"}],
    "parameters": {"retries": 2},
    "newServerField": "keep me",
}


def test_config_round_trip_is_lossless():
    assert ConfigData.model_validate(RICH_CONFIG).to_wire() == RICH_CONFIG


def test_unset_parameters_are_not_sent_and_defaults_are_not_invented():
    config = ConfigData.model_validate({"prompt": "", "model": "m", "outputs": [{"identifier": "o", "type": "str"}]})
    assert config.to_wire() == {"prompt": "", "model": "m", "outputs": [{"identifier": "o", "type": "str"}]}
    assert config.temperature is None


def test_a_parameter_set_to_none_counts_as_not_set():
    config = ConfigData.model_validate({"prompt": "", "model": "m", "outputs": [{"identifier": "o", "type": "str"}],
                                        "temperature": None})
    assert "temperature" not in config.to_wire()


def test_response_round_trip_keeps_unknown_fields():
    prompt = Prompt.model_validate(RESPONSE)
    assert prompt.to_wire() == RESPONSE
    assert prompt.tag_names == ["latest", "production"]
    assert prompt.max_tokens == 100


def test_config_from_prompt_drops_the_repeated_system_message():
    config = config_from_prompt(Prompt.model_validate(RESPONSE))
    assert config.to_wire() == {
        "prompt": "Be brief.", "model": "openai/gpt-5",
        "messages": [{"role": "user", "content": "{{ input }}"}],
        "inputs": [{"identifier": "input", "type": "str"}],
        "outputs": [{"identifier": "output", "type": "str"}],
        "temperature": 0.2, "max_tokens": 100,
    }


def test_config_from_prompt_takes_sampling_fields_a_server_echoes_in_camel_case():
    prompt = Prompt.model_validate({**RESPONSE, "topP": 0.3, "thinkingLevel": "low"})
    config = config_from_prompt(prompt)
    assert config.top_p == 0.3
    assert config.thinking_level == "low"


def test_write_body_is_camel_case_and_sends_only_what_is_set():
    config = ConfigData.model_validate(RICH_CONFIG)
    body = write_body_from_config(config, {"k": 1})
    assert body["maxTokens"] == 512
    assert body["parameters"] == {"k": 1}
    assert "max_tokens" not in body and "top_p" not in body


def test_sync_request_and_conflict_answer_parse():
    request = SyncRequest(config_data=ConfigData.model_validate(RICH_CONFIG), local_version=3)
    wire = request.to_wire()
    assert wire["localVersion"] == 3 and wire["configData"]["thinkingLevel"] == "deep"
    result = SyncResult.model_validate({
        "action": "conflict",
        "conflictInfo": {"localVersion": 2, "remoteVersion": 3, "differences": ["prompt content differs"],
                         "remoteConfigData": RICH_CONFIG, "remoteParameters": {"a": 1}},
    })
    assert result.conflict_info.remote_config_data.to_wire() == RICH_CONFIG


def _error_locations(data: dict) -> dict[tuple, str]:
    with pytest.raises(ValidationError) as caught:
        ConfigData.model_validate(data)
    return {error["loc"]: error["msg"] for error in caught.value.errors()}


@pytest.mark.parametrize(
    ("change", "location", "words"),
    [
        ({"inputs": [{"identifier": "", "type": "str"}]}, ("inputs", 0, "identifier"), "at least 1"),
        ({"inputs": [{"identifier": "a", "type": "str"}, {"identifier": "a", "type": "bool"}]}, ("inputs",), "'a'"),
        ({"outputs": [{"identifier": "o", "type": "str"}, {"identifier": "o", "type": "str"}]}, ("outputs",), "'o'"),
        ({"inputs": [{"identifier": "a", "type": "text"}]}, ("inputs", 0, "type"), "'str'"),
        ({"temperature": 2.5}, ("temperature",), "less than or equal to 2"),
        ({"top_p": -0.1}, ("top_p",), "greater than or equal to 0"),
        ({"outputs": [{"identifier": "o", "type": "json_schema", "json_schema": {"type": "object", "required": "x"}}]},
         ("outputs", 0, "json_schema"), "not a valid JSON schema"),
        ({"outputs": [{"identifier": "o", "type": "json_schema", "json_schema": {"properties": {}}}]},
         ("outputs", 0, "json_schema"), "needs a 'type'"),
        ({"outputs": []}, ("outputs",), "at least 1"),
        ({"model": ""}, ("model",), "at least 1"),
    ],
)
def test_bad_values_are_rejected_naming_the_field(change, location, words):
    errors = _error_locations({"prompt": "", "model": "m", "outputs": [{"identifier": "o", "type": "str"}], **change})
    assert location in errors, errors
    assert words in errors[location]


def test_handle_and_tag_rules():
    assert handle_problem("support/triage") is None
    assert handle_problem("Support") is not None
    assert handle_problem("a/b/c") is not None
    assert handle_problem("") is not None
    assert tag_name_problem("canary") is None
    assert tag_name_problem("latest") is not None
    assert tag_name_problem("2024") is not None
