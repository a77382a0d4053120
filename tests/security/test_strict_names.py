"""Names match their rules whole: `$` also matched before a final newline, so `"a\\n"` became a handle beside `a`,
`production\\n` a tag beside `production`, and `staging` could be renamed to `staging\\n`."""

from __future__ import annotations

import pytest

from prompt_studio.models import handle_problem, tag_name_problem
from prompt_studio.models.names import MAX_TAG_NAME_LENGTH, is_loopback_host
from tests.support.payloads import create_body

ENDINGS = ["\n", "\r\n", " ", "\t", "\x00"]


@pytest.mark.parametrize("ending", ENDINGS)
def test_a_handle_with_anything_after_it_is_refused(ending):
    assert handle_problem("support/triage") is None
    assert handle_problem("support/triage" + ending) is not None
    assert handle_problem("a" + ending) is not None


@pytest.mark.parametrize("ending", ENDINGS)
def test_a_tag_name_with_anything_after_it_is_refused(ending):
    assert tag_name_problem("production") is None
    assert tag_name_problem("production" + ending) is not None


def test_a_tag_name_has_a_bounded_length():
    assert tag_name_problem("t" * MAX_TAG_NAME_LENGTH) is None
    assert "at most" in tag_name_problem("t" * (MAX_TAG_NAME_LENGTH + 1))


@pytest.mark.parametrize(
    ("host", "loopback"),
    [("127.0.0.1", True), ("127.8.0.1", True), ("localhost", True), ("LOCALHOST", True), ("::1", True),
     ("[::1]", True), ("0.0.0.0", False), ("::", False), ("192.168.1.5", False), ("example.com", False),
     ("localhost.example.com", False)],
)
def test_loopback_hosts(host, loopback):
    assert is_loopback_host(host) is loopback


def test_the_server_refuses_names_with_a_trailing_newline(live_server):
    with live_server.client() as client:
        assert client.post("/api/prompts", json=create_body("a")).status_code == 200
        assert client.post("/api/prompts", json=create_body("a\n")).status_code == 422
        assert client.put("/api/prompts/a", json={"commitMessage": "x", "handle": "a\n"}).status_code == 422
        assert client.post("/api/prompts/tags", json={"name": "production\n"}).status_code == 422

        renamed = client.put("/api/prompts/tags/staging", json={"name": "staging\n"})
        assert renamed.status_code == 422, renamed.text
        assert "name:" in renamed.json()["message"]
        assert [tag["name"] for tag in client.get("/api/prompts/tags").json()] == ["production", "staging"]
        assert [prompt["handle"] for prompt in client.get("/api/prompts").json()] == ["a"]
