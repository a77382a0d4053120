"""What the server accepts fits what the client reads: no writer can make the list of prompts unreadable.

Answers repeat the system prompt, so a 9.9 MB prompt used to make a 19.8 MB answer, and the list passed the
client's 20 MB limit for everyone. Now a body is at most half of one version's answer limit, an update cannot grow
a prompt past it, and the client reads 32 prompts at that limit; a library that still holds a longer list (the
app's own library has no limit) gets an answer naming its largest prompts.
"""

from __future__ import annotations

import json

import httpx
import pytest

from prompt_studio.api import MAX_RESPONSE_BYTES, LangWatchClient
from prompt_studio.models import CreatePromptBody
from prompt_studio.models.config import MAX_VERSION_ANSWER_BYTES
from prompt_studio.models.errors import ServerError
from prompt_studio.server import app as server_app
from prompt_studio.server.wire import MAX_BODY_BYTES
from tests.support.payloads import config_data, create_body

MB = 1024 * 1024


@pytest.fixture(scope="module")
def server(module_server):
    return module_server


@pytest.fixture
def owner(server):
    with httpx.Client(base_url=server.url, headers={"X-Auth-Token": server.api_key}, timeout=60) as client:
        yield client


def _create_body_of_size(handle: str, size: int) -> bytes:
    """A create body of exactly `size` bytes, nearly all of it system prompt."""
    empty = json.dumps(create_body(handle, prompt="")).encode()
    return json.dumps(create_body(handle, prompt="p" * (size - len(empty)))).encode()


def test_the_limits_fit_together():
    assert MAX_BODY_BYTES * 2 <= MAX_VERSION_ANSWER_BYTES
    assert MAX_RESPONSE_BYTES >= 32 * MAX_VERSION_ANSWER_BYTES


def test_the_largest_body_accepted_makes_an_answer_within_the_limit(owner):
    body = _create_body_of_size("limits/largest", MAX_BODY_BYTES)
    assert len(body) == MAX_BODY_BYTES
    answer = owner.post("/api/prompts", content=body, headers={"Content-Type": "application/json"})
    assert answer.status_code == 200, answer.text[:300]
    assert MAX_VERSION_ANSWER_BYTES * 0.95 < len(answer.content) <= MAX_VERSION_ANSWER_BYTES
    assert len(owner.get("/api/prompts/limits/largest").content) <= MAX_VERSION_ANSWER_BYTES


@pytest.mark.parametrize("route", ["create", "sync"])
def test_a_prompt_whose_answer_would_not_fit_is_413_naming_the_limit(owner, route):
    prompt = "p" * (MAX_BODY_BYTES + 1)
    if route == "create":
        answer = owner.post("/api/prompts", json=create_body("limits/too-big", prompt=prompt))
    else:
        answer = owner.post("/api/prompts/limits/too-big/sync", json={"configData": config_data(prompt)})
    assert answer.status_code == 413
    assert answer.json()["message"] == "The request body is larger than 1.97 MB, the most one prompt may hold."
    assert owner.get("/api/prompts/limits/too-big").status_code == 404


def test_an_update_that_could_grow_a_prompt_past_the_limit_is_413_and_writes_nothing(owner):
    prompt = "p" * (MB + MB // 2)
    assert owner.post("/api/prompts", json=create_body("limits/grown", prompt=prompt)).status_code == 200
    messages = [{"role": "user", "content": "m" * (MB + MB // 2)}]
    answer = owner.put("/api/prompts/limits/grown", json={"commitMessage": "more", "messages": messages})
    assert answer.status_code == 413
    message = answer.json()["message"]
    assert "'limits/grown'" in message and "larger than 4 MB" in message, message
    assert [version["version"] for version in owner.get("/api/prompts/limits/grown/versions").json()] == [1]

    shorter = owner.put("/api/prompts/limits/grown", json={"commitMessage": "small", "prompt": "Short now."})
    assert shorter.status_code == 200 and shorter.json()["version"] == 2


async def test_the_client_lists_a_library_of_prompts_at_the_limit(server, owner):
    for number in range(3):
        body = _create_body_of_size(f"limits/full-{number}", MAX_BODY_BYTES)
        assert owner.post("/api/prompts", content=body).status_code == 200
    async with LangWatchClient(server.url, server.api_key) as client:
        listed = {prompt.handle for prompt in await client.list_prompts()}
    assert {f"limits/full-{number}" for number in range(3)} <= listed


async def test_a_list_too_long_to_read_names_its_largest_prompts(library, live_server, monkeypatch):
    """A prompt the app wrote into its own library, which has no limit, then served (the limit made small)."""
    library.create_prompt(CreatePromptBody(handle="small", prompt="Short."))
    library.create_prompt(CreatePromptBody(handle="huge", prompt="h" * (3 * MB)))
    monkeypatch.setattr(server_app, "MAX_ANSWER_BYTES", 4 * MB)
    async with LangWatchClient(live_server.url, live_server.api_key, max_retries=0) as client:
        with pytest.raises(ServerError) as listing:
            await client.list_prompts()
        with pytest.raises(ServerError) as history:
            await client.list_versions("huge")
        assert len(await client.list_versions("small")) == 1
    message = listing.value.message
    assert message.startswith("The list of prompts would be 6 MB, more than the 4 MB a client reads"), message
    assert "the largest: 'huge' (6 MB), 'small' (" in message
    assert history.value.message.startswith("The history of 'huge' would be 6 MB"), history.value.message
    assert "version 1 (6 MB)" in history.value.message
