"""Whatever a client sends, the answer is a 4xx with a flat `{error, message}` JSON body, never a crash."""

from __future__ import annotations

import http.client
import json
import logging
from collections.abc import Iterator
from urllib.parse import urlsplit

import httpx
import pytest

from tests.support.payloads import config_data, create_body
from tests.support.server_process import running_server


def assert_flat_error(response: httpx.Response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert isinstance(body["error"], str) and body["error"]
    assert isinstance(body["message"], str) and body["message"]
    return body


def raw_request(url: str, method: str, target: str, headers: dict[str, str], body: bytes = b"") -> tuple[int, dict]:
    """Sends `target` exactly as written: httpx would normalise `..` and re-encode the path first."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        connection.request(method, target, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, json.loads(response.read())
    finally:
        connection.close()


@pytest.fixture
def pizza(client) -> dict:
    response = client.post("/api/prompts", json=create_body("pizza"))
    assert response.status_code == 200, response.text
    return response.json()


def test_malformed_json_and_bad_utf8_are_400(client, pizza):
    assert_flat_error(client.post("/api/prompts", content=b'{"handle": "x"'), 400)
    assert_flat_error(client.post("/api/prompts/pizza/sync", content=b'{"configData": NaN}'), 400)
    assert_flat_error(client.post("/api/prompts", content=b'{"handle": "caf\xe9"}'), 400)
    assert_flat_error(client.post("/api/prompts/tags", content=b""), 400)


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/api/prompts", {"handle": 7, "model": "openai/gpt-5"}, "handle"),
        ("/api/prompts", {"model": "openai/gpt-5"}, "handle"),
        ("/api/prompts/pizza/sync", {"configData": config_data(outputs=[])}, "configData.outputs"),
        ("/api/prompts/pizza/sync", {"configData": config_data(temperature="hot")}, "configData.temperature"),
        ("/api/prompts/pizza/sync", {"configData": config_data(), "localVersion": "one"}, "localVersion"),
        ("/api/prompts/pizza/sync", ["not", "an", "object"], "body"),
        ("/api/prompts/tags", {"title": "x"}, "name"),
    ],
)
def test_wrong_types_and_missing_fields_are_422_naming_the_field(client, pizza, path, body, field):
    answer = assert_flat_error(client.post(path, json=body), 422)
    assert answer["error"] == "validation_error"
    assert answer["message"].startswith(f"{field}:") or f"; {field}:" in answer["message"]


def test_wrong_query_values_are_422(client, pizza):
    for query in ("version=-1", "version=1.5", "version=abc", "version=" + "9" * 30, "tag="):
        assert_flat_error(client.get(f"/api/prompts/pizza?{query}"), 422)


def test_unknown_routes_are_404_and_wrong_methods_405(client, pizza):
    assert_flat_error(client.get("/api/nothing-here"), 404)
    assert_flat_error(client.get("/"), 404)
    assert_flat_error(client.get("/api/prompts/a/b/c/d"), 404)
    wrong_method = assert_flat_error(client.patch("/api/prompts/pizza", json={}), 405)
    assert "GET" in wrong_method["message"]
    assert client.patch("/api/prompts/pizza", json={}).headers["allow"] == "GET, PUT, DELETE"
    assert_flat_error(client.delete("/api/prompts"), 405)


def test_every_route_needs_the_key(live_server, pizza):
    cases = [
        ("GET", "/api/prompts"),
        ("GET", "/api/prompts/pizza"),
        ("DELETE", "/api/prompts/pizza"),
        ("POST", "/api/prompts/tags"),
        ("GET", "/api/unknown"),
        ("PATCH", "/api/prompts/pizza"),
    ]
    for headers in (
        {},
        {"X-Auth-Token": "sk-lw-wrong"},
        {"Authorization": "Bearer sk-lw-wrong"},
        {"Authorization": f"Basic {live_server.api_key}"},
        {"X-Auth-Token": live_server.api_key + "x"},
        {"X-Auth-Token": "é".encode()},
    ):
        with httpx.Client(base_url=live_server.url, headers=headers, trust_env=False) as stranger:
            for method, path in cases:
                body = assert_flat_error(stranger.request(method, path), 401)
                assert body["error"] == "Unauthorized"
    with httpx.Client(
        base_url=live_server.url, trust_env=False, headers={"Authorization": f"bearer {live_server.api_key}"}
    ) as bearer:
        assert bearer.get("/api/prompts/pizza").status_code == 200
    with live_server.client() as still_there:
        assert still_there.get("/api/prompts/pizza").status_code == 200


def _eleven_megabytes() -> Iterator[bytes]:
    chunk = b" " * (1024 * 1024)
    for _ in range(11):
        yield chunk


def test_bodies_over_ten_megabytes_are_413_whether_declared_or_streamed(client, pizza):
    declared = b'{"name": "' + b"a" * (11 * 1024 * 1024) + b'"}'
    assert_flat_error(client.post("/api/prompts/tags", content=declared), 413)
    assert_flat_error(client.post("/api/prompts/tags", content=_eleven_megabytes()), 413)
    assert client.get("/api/prompts/pizza").status_code == 200


def test_path_tricks_stay_inside_the_prompts_api(live_server, client, pizza):
    headers = {"X-Auth-Token": live_server.api_key}
    for target in (
        "/api/prompts/../prompts/pizza",
        "/api/prompts/%2e%2e",
        "/api/prompts/..%2F..%2Fetc%2Fpasswd",
        "/api/prompts/pizza%2F..%2F..",
        "/api/prompts/a%2Fb%2Fc",
        "/api/prompts/%00",
        "/api/prompts/pizza%0A",
        "/api/prompts/" + "a" * 4000,
        "/api/prompts/" + "%2F" * 50,
    ):
        status, body = raw_request(live_server.url, "GET", target, headers)
        assert 400 <= status < 500, (target, status, body)
        assert set(body) == {"error", "message"}
    status, body = raw_request(live_server.url, "GET", "/api/prompts/%ff%fe", headers)
    assert (status, body["error"]) == (400, "Bad Request")
    assert_flat_error(client.post("/api/prompts", json=create_body("../etc")), 422)
    assert client.get("/api/prompts/pizza").json()["versionId"] == pizza["versionId"]


def test_handles_with_a_slash_work_raw_and_encoded(client):
    assert client.post("/api/prompts", json=create_body("support/triage")).status_code == 200
    raw = client.get("/api/prompts/support/triage")
    encoded = client.get("/api/prompts/support%2Ftriage")
    lower = client.get("/api/prompts/support%2ftriage")
    assert raw.status_code == encoded.status_code == lower.status_code == 200
    assert raw.json() == encoded.json() == lower.json()
    assert client.get("/api/prompts/support%2Ftriage/versions").status_code == 200
    assert client.delete("/api/prompts/support/triage").json() == {"success": True}
    assert_flat_error(client.get("/api/prompts/support%2Ftriage"), 404)


@pytest.mark.slow
def test_a_restart_and_even_a_crash_keep_the_data(tmp_path):
    data_dir = tmp_path / "served"
    with running_server(data_dir) as first:
        with httpx.Client(base_url=first.url, headers={"X-Auth-Token": first.api_key}, trust_env=False) as client:
            created = client.post("/api/prompts", json=create_body("keeper"))
            assert created.status_code == 200, created.text
            updated = client.put("/api/prompts/keeper", json={"commitMessage": "Second", "prompt": "Two"})
            assert updated.status_code == 200, updated.text
            assert client.post("/api/prompts/tags", json={"name": "kept"}).status_code == 201
        first.kill()
    with running_server(data_dir) as second:
        with httpx.Client(base_url=second.url, headers={"X-Auth-Token": second.api_key}, trust_env=False) as client:
            versions = client.get("/api/prompts/keeper/versions").json()
            assert [(version["version"], version["prompt"]) for version in versions] == [
                (2, "Two"),
                (1, create_body("keeper")["prompt"]),
            ]
            assert "kept" in [tag["name"] for tag in client.get("/api/prompts/tags").json()]
        log = (data_dir.parent / f"server-{urlsplit(second.url).port}.log").read_text(encoding="utf-8")
        assert second.api_key not in log


def test_an_unexpected_failure_is_a_logged_500_with_a_flat_body(live_server, client, pizza, caplog):
    live_server.library.close()
    with caplog.at_level(logging.ERROR, logger="prompt_studio.server"):
        body = assert_flat_error(client.get("/api/prompts/pizza"), 500)
        assert_flat_error(client.get("/api/prompts"), 500)
    assert body["error"] == "Internal server error"
    failures = [record for record in caplog.records if record.exc_info]
    assert [record.getMessage() for record in failures] == [
        "Unexpected failure answering GET /api/prompts/pizza",
        "Unexpected failure answering GET /api/prompts",
    ]
    assert live_server.api_key not in caplog.text
