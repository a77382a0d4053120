"""Hostile input to `prompt-studio serve`, generated: random bytes, deep nesting, odd text, long handles, odd path
bytes. Always a 4xx with the flat body (or a success), never a 500, and nothing accepted that breaks later reads.

tests/server/test_errors.py has the hand-picked cases (malformed JSON, 11 MB bodies, `..` paths); these are the
generated ones and the ones found by generating."""

from __future__ import annotations

import json
from urllib.parse import quote

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from prompt_studio.models.names import MAX_HANDLE_LENGTH
from prompt_studio.server.wire import MAX_JSON_DEPTH
from tests.server.test_errors import raw_request
from tests.support.payloads import config_data, create_body
from tests.support.server_process import running_server

BODY_ROUTES = [
    ("POST", "/api/prompts"),
    ("POST", "/api/prompts/pizza/sync"),
    ("PUT", "/api/prompts/pizza"),
    ("POST", "/api/prompts/tags"),
    ("PUT", "/api/prompts/tags/production"),
    ("PUT", "/api/prompts/pizza/tags/production"),
]
FUZZ = settings(max_examples=40, deadline=None, database=None, suppress_health_check=list(HealthCheck))


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    with (
        running_server(tmp_path_factory.mktemp("hostile") / "data") as server,
        httpx.Client(base_url=server.url, headers={"X-Auth-Token": server.api_key}, trust_env=False,
                     timeout=30.0) as client,
    ):
        assert client.post("/api/prompts", json=create_body("pizza")).status_code == 200
        yield client


def assert_refused(response: httpx.Response) -> None:
    assert 400 <= response.status_code < 500, (response.status_code, response.text[:300])
    body = response.json()
    assert isinstance(body["error"], str) and isinstance(body["message"], str)


def assert_library_still_readable(client: httpx.Client) -> None:
    assert client.get("/api/prompts").status_code == 200
    assert client.get("/api/prompts/pizza/versions").status_code == 200


def nested(depth: int) -> bytes:
    """`depth` arrays inside each other, written directly (json.dumps would recurse)."""
    return b"[" * depth + b"]" * depth


@pytest.mark.parametrize(("method", "path"), BODY_ROUTES)
def test_random_bytes_as_a_body_are_refused(served, method, path):
    @FUZZ
    @given(body=st.binary(max_size=2048))
    def fuzz(body):
        response = served.request(method, path, content=body)
        assert response.status_code < 500, (body, response.text[:300])
        if response.status_code >= 400:
            assert_refused(response)

    fuzz()
    assert_library_still_readable(served)


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 1, 1000, 200_000])
@pytest.mark.parametrize(("method", "path"), BODY_ROUTES)
def test_a_body_nested_too_deeply_is_400(served, method, path, depth):
    response = served.request(method, path, content=nested(depth))
    assert_refused(response)
    assert response.status_code == 400


def test_deep_parameters_are_refused_before_they_are_stored(served):
    """Parameters 500 levels deep were stored, then no answer echoing them could be written: that prompt and the
    list of all prompts answered 500 for everybody from then on."""
    too_deep = {"configData": config_data(),
                "parameters": json.loads('{"a":' * MAX_JSON_DEPTH + "1" + "}" * MAX_JSON_DEPTH)}
    assert_refused(served.post("/api/prompts/deep-params/sync", json=too_deep))
    assert served.get("/api/prompts/deep-params").status_code == 404

    deepest = {"configData": config_data(),
               "parameters": json.loads('{"a":' * (MAX_JSON_DEPTH - 2) + "1" + "}" * (MAX_JSON_DEPTH - 2))}
    assert served.post("/api/prompts/deep-params/sync", json=deepest).json()["action"] == "created"
    assert served.get("/api/prompts/deep-params").status_code == 200
    assert_library_still_readable(served)


@given(text=st.text(st.characters(codec=None), max_size=200))
@FUZZ
def test_any_text_in_a_prompt_is_stored_and_read_back_or_refused(served, text):
    """Control characters, lone surrogates (escaped in JSON), right-to-left marks: never a 500, never stored in a
    way that later reads cannot answer."""
    body = json.dumps({"configData": config_data(prompt=text), "commitMessage": text, "parameters": {text: text}})
    response = served.post("/api/prompts/any-text/sync", content=body.encode("ascii"))
    assert response.status_code < 500, response.text[:300]
    if response.status_code >= 400:
        assert_refused(response)
    read = served.get("/api/prompts/any-text")
    assert read.status_code in (200, 404), read.text[:300]
    assert_library_still_readable(served)


def test_handles_longer_than_the_limit_are_422_on_every_route_that_names_one(served):
    longest, too_long = "h" * MAX_HANDLE_LENGTH, "h" * (MAX_HANDLE_LENGTH + 1)
    assert_refused(served.post("/api/prompts", json=create_body(too_long)))
    assert_refused(served.post(f"/api/prompts/{too_long}/sync", json={"configData": config_data()}))
    assert_refused(served.post(f"/api/prompts/folder/{too_long}/sync", json={"configData": config_data()}))
    assert_refused(served.put("/api/prompts/pizza", json={"commitMessage": "rename", "handle": too_long}))
    assert all(len(prompt["handle"]) <= MAX_HANDLE_LENGTH for prompt in served.get("/api/prompts").json())
    assert served.post(f"/api/prompts/{longest}/sync", json={"configData": config_data()}).json()["action"] == \
        "created"
    assert_refused(served.get("/api/prompts/" + "h" * 60_000))


@given(segment=st.binary(min_size=1, max_size=300))
@FUZZ
def test_any_bytes_percent_encoded_in_the_path_are_answered_without_a_500(served, segment):
    target = "/api/prompts/" + quote(segment, safe="")
    for suffix in ("", "/versions", ":production"):
        status, body = raw_request(str(served.base_url), "GET", target + suffix,
                                   {"X-Auth-Token": served.headers["X-Auth-Token"]})
        assert status in (200, 400, 404, 422), (target, status, body)
        assert set(body) >= {"id", "handle"} if status == 200 else set(body) == {"error", "message"}
