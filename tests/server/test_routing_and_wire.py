"""The pieces under the HTTP layer: raw-path routing, body parsing, and the wire shape of models."""

import asyncio
import json

import pytest

from prompt_studio.models import Prompt, SyncResult
from prompt_studio.models.errors import PromptStudioError
from prompt_studio.server.app import ROUTES
from prompt_studio.server.routing import UndecodablePath, match_route, split_raw_path
from prompt_studio.server.wire import (
    HttpProblem,
    TagNameBody,
    parse_json,
    read_body,
    validate_body,
    wire_json,
    wire_value,
)


def route_of(method: str, raw_path: bytes) -> tuple[str | None, dict[str, str], tuple[str, ...]]:
    found = match_route(ROUTES, method, split_raw_path(raw_path) or [])
    return (found.route.name if found.route else None), found.params, found.allowed_methods


@pytest.mark.parametrize(
    ("method", "raw_path", "name", "params"),
    [
        ("GET", b"/api/prompts", "list_prompts", {}),
        ("GET", b"/api/prompts/", "list_prompts", {}),
        ("POST", b"/api/prompts", "create_prompt", {}),
        ("GET", b"/api/prompts/tags", "list_tags", {}),
        ("POST", b"/api/prompts/tags", "create_tag", {}),
        ("PUT", b"/api/prompts/tags/production", "rename_tag", {"tag": "production"}),
        ("DELETE", b"/api/prompts/tags/production", "delete_tag", {"tag": "production"}),
        ("PUT", b"/api/prompts/pizza/tags/production", "assign_tag", {"id": "pizza", "tag": "production"}),
        (
            "PUT",
            b"/api/prompts/support/triage/tags/staging",
            "assign_tag",
            {"id": "support/triage", "tag": "staging"},
        ),
        (
            "PUT",
            b"/api/prompts/support%2Ftriage/tags/staging",
            "assign_tag",
            {"id": "support/triage", "tag": "staging"},
        ),
        ("GET", b"/api/prompts/support/triage/versions", "list_versions", {"id": "support/triage"}),
        (
            "POST",
            b"/api/prompts/support%2Ftriage/versions/prompt_version_1/restore",
            "restore_version",
            {"id": "support/triage", "versionId": "prompt_version_1"},
        ),
        ("POST", b"/api/prompts/support/triage/sync", "sync_prompt", {"id": "support/triage"}),
        ("GET", b"/api/prompts/support/triage", "get_prompt", {"id": "support/triage"}),
        ("GET", b"/api/prompts/support%2ftriage", "get_prompt", {"id": "support/triage"}),
        ("GET", b"/api/prompts/pizza%3Aproduction", "get_prompt", {"id": "pizza:production"}),
        ("GET", b"/api/prompts/pizza:2?version=3", "get_prompt", {"id": "pizza:2"}),
        ("PUT", b"/api/prompts/pizza", "update_prompt", {"id": "pizza"}),
        ("DELETE", b"/api/prompts/support/triage", "delete_prompt", {"id": "support/triage"}),
        # An encoded slash keeps a would-be route word inside the id.
        ("GET", b"/api/prompts/team%2Fversions", "get_prompt", {"id": "team/versions"}),
        ("DELETE", b"/api/prompts/tags%2Fold", "delete_prompt", {"id": "tags/old"}),
        # Table order: a GET of `tags/x` reads the prompt with that handle, a PUT renames the tag.
        ("GET", b"/api/prompts/tags/x", "get_prompt", {"id": "tags/x"}),
    ],
)
def test_routes_match_the_contract_table_in_order(method, raw_path, name, params):
    assert route_of(method, raw_path)[:2] == (name, params)


def test_a_wrong_method_names_the_allowed_ones():
    assert route_of("PATCH", b"/api/prompts/pizza") == (None, {}, ("GET", "PUT", "DELETE"))
    assert route_of("DELETE", b"/api/prompts") == (None, {}, ("GET", "POST"))


@pytest.mark.parametrize(
    "raw_path",
    [
        b"/",
        b"/api",
        b"/api/other",
        b"/api/prompts//x",
        b"/api/prompts/a/b/c",
        b"/api/prompts/a/b/c/versions",
        b"/api/prompts/a/versions/v/restore/more",
        b"relative",
    ],
)
def test_paths_outside_the_table_match_nothing(raw_path):
    assert route_of("GET", raw_path) == (None, {}, ())


def test_a_path_that_is_not_utf8_after_decoding_is_refused():
    with pytest.raises(UndecodablePath):
        split_raw_path(b"/api/prompts/%ff")


def test_dot_segments_stay_plain_ids_and_never_climb():
    assert split_raw_path(b"/api/prompts/../tags") == ["api", "prompts", "..", "tags"]
    assert route_of("GET", b"/api/prompts/%2e%2e") == ("get_prompt", {"id": ".."}, ())


async def one_chunk_at_a_time(*chunks: bytes):
    for chunk in chunks:
        yield chunk


def test_read_body_stops_at_the_limit_whether_declared_or_streamed():
    assert asyncio.run(read_body(one_chunk_at_a_time(b"ab", b"cd"), "4", limit=4)) == b"abcd"
    for declared in ("5", None):
        with pytest.raises(HttpProblem) as refused:
            asyncio.run(read_body(one_chunk_at_a_time(b"abc", b"de"), declared, limit=4))
        assert refused.value.status == 413


@pytest.mark.parametrize("raw", [b"", b"  ", b"{", b"\xff\xfe", b'{"a": NaN}', b"[1,]"])
def test_parse_json_answers_400_for_anything_but_json(raw):
    with pytest.raises(HttpProblem) as refused:
        parse_json(raw)
    assert refused.value.status == 400
    assert refused.value.message


def test_validation_errors_are_422_and_name_the_field():
    with pytest.raises(PromptStudioError) as refused:
        validate_body(TagNameBody, {"name": 3})
    assert (refused.value.status, refused.value.error) == (422, "validation_error")
    assert refused.value.message.startswith("name:")
    with pytest.raises(PromptStudioError) as refused:
        validate_body(TagNameBody, [])
    assert refused.value.message.startswith("body:")


def rich_prompt(**overrides) -> Prompt:
    data = {
        "id": "prompt_1",
        "handle": None,
        "scope": "PROJECT",
        "name": "n",
        "updatedAt": "2026-01-01T00:00:00.000Z",
        "projectId": "project_local",
        "organizationId": "organization_local",
        "versionId": "prompt_version_1",
        "version": 1,
        "createdAt": "2026-01-01T00:00:00.000Z",
        "prompt": "p",
        "messages": [{"role": "system", "content": "p"}],
        "inputs": [],
        "outputs": [{"identifier": "answer", "type": "str"}],
        "model": "openai/gpt-5",
        "tags": [{"name": "latest", "versionId": "prompt_version_1"}],
        "parameters": {"nothing": None, "nested": {"still": None}},
        "futureField": None,
    }
    data.update(overrides)
    return Prompt.model_validate(data)


def test_wire_value_keeps_required_nulls_and_unknown_keys_and_drops_optional_nones():
    dumped = wire_value(rich_prompt())
    assert dumped["handle"] is None
    assert dumped["parameters"] == {"nothing": None, "nested": {"still": None}}
    assert "futureField" in dumped and dumped["futureField"] is None
    for optional in (
        "authorId",
        "commitMessage",
        "temperature",
        "maxTokens",
        "responseFormat",
        "demonstrations",
    ):
        assert optional not in dumped
    assert dumped["outputs"] == [{"identifier": "answer", "type": "str"}]


def test_wire_value_prunes_nested_models_and_lists_of_them():
    prompt = rich_prompt(responseFormat={"type": "json_schema", "json_schema": None})
    result = wire_value(SyncResult(action="up_to_date", prompt=prompt))
    assert "conflictInfo" not in result
    assert result["prompt"]["responseFormat"] == {"type": "json_schema", "json_schema": None}
    assert wire_value([prompt, prompt])[1]["responseFormat"]["json_schema"] is None


def plain_prompt(**overrides) -> Prompt:
    return rich_prompt(**{"handle": "pizza", "parameters": {"kept": None}, "futureField": 1, **overrides})


@pytest.mark.parametrize(
    "value",
    [
        plain_prompt(),
        plain_prompt(temperature=0.5, commitMessage=None, messages=[{"role": "system", "content": "p", "x": 1}]),
        [plain_prompt(), plain_prompt(version=2)],
        SyncResult(action="up_to_date", prompt=plain_prompt()),
        rich_prompt(),
        plain_prompt(handle=None),
        plain_prompt(futureField=None),
        plain_prompt(futureField={"nested": None, "items": [None, {"deep": None}]}),
        plain_prompt(messages=[{"role": "system", "content": "p", "note": None}]),
        plain_prompt(responseFormat={"type": "json_schema", "json_schema": None}),
        [plain_prompt(), plain_prompt(handle=None)],
        [],
    ],
)
def test_wire_json_writes_exactly_the_wire_value(value):
    assert json.loads(wire_json(value)) == wire_value(value)


def test_wire_json_keeps_a_null_handle_and_null_unknown_keys():
    written = json.loads(wire_json([plain_prompt(), plain_prompt(handle=None, futureField=None)]))
    assert "handle" in written[1] and written[1]["handle"] is None
    assert "futureField" in written[1] and written[1]["futureField"] is None
    assert "temperature" not in written[0] and written[0]["parameters"] == {"kept": None}
