"""The versions route answers from its cache of version JSON; the cache must never show an old state."""

from __future__ import annotations

import json

from starlette.datastructures import QueryParams

from prompt_studio.models import CreatePromptBody, UpdatePromptBody
from prompt_studio.server.app import ApiCall, PromptHandlers
from prompt_studio.server.response_cache import MAX_BYTES, ResponseCache
from prompt_studio.server.wire import wire_value


def _make(library, handle: str = "team/faq") -> None:
    library.create_prompt(
        CreatePromptBody(handle=handle, prompt="v1", outputs=[{"identifier": "output", "type": "str"}])
    )
    library.update_prompt(handle, UpdatePromptBody(prompt="v2", commit_message="second"))


def _expected(library, handle: str) -> list:
    return json.loads(json.dumps(wire_value(library.list_versions(handle))))


def test_the_cached_answer_is_the_shaped_one_and_follows_every_change(library, client):
    _make(library)
    first = client.get("/api/prompts/team%2Ffaq/versions")
    assert first.json() == _expected(library, "team/faq")
    assert client.get("/api/prompts/team/faq/versions").content == first.content

    oldest = first.json()[-1]["versionId"]
    assert client.put("/api/prompts/team%2Ffaq/tags/production", json={"versionId": oldest}).status_code == 200
    tagged = client.get("/api/prompts/team%2Ffaq/versions").json()
    assert tagged == _expected(library, "team/faq")
    assert [tag["name"] for tag in tagged[-1]["tags"]] == ["production"]

    library.update_prompt("team/faq", UpdatePromptBody(prompt="v3", commit_message="third", handle="team/help"))
    moved = client.get("/api/prompts/team%2Fhelp/versions").json()
    assert moved == _expected(library, "team/help")
    assert [version["version"] for version in moved] == [3, 2, 1]
    assert {version["handle"] for version in moved} == {"team/help"}
    assert [tag["name"] for tag in moved[1]["tags"]] == []


def _counting_builds(built: list[str]):
    def build(handle: str):
        def make():
            built.append(handle)
            return CreatePromptBody(handle=handle)

        return make

    return build


def test_the_cache_keeps_at_most_its_bytes_and_drops_the_oldest():
    """Each answer here is 16 bytes ({"handle":"p-1"}): a 64-byte cache holds four."""
    built: list[str] = []
    build = _counting_builds(built)
    cache = ResponseCache(max_bytes=64)
    for handle in ("p-1", "p-2", "p-3", "p-4", "p-1", "p-5", "p-1", "p-2"):
        assert cache.json_of(handle, build(handle)) == f'{{"handle":"{handle}"}}'.encode()
    assert built == ["p-1", "p-2", "p-3", "p-4", "p-5", "p-1", "p-2"]
    assert (len(cache), cache.size) == (4, 64)


def test_an_answer_over_a_quarter_of_the_budget_is_answered_but_not_kept():
    built: list[str] = []
    build = _counting_builds(built)
    cache = ResponseCache(max_bytes=64)
    cache.json_of("p-1", build("p-1"))
    big = "p-" + "9" * 20
    for _ in range(2):
        assert cache.json_of(big, build(big)) == f'{{"handle":"{big}"}}'.encode()
    assert built == ["p-1", big, big]
    assert (len(cache), cache.size) == (1, 16)


def test_a_history_read_after_every_write_stays_within_the_budget(library):
    """The issue's case: big versions, their history read after each write (every write makes new keys)."""
    handlers = PromptHandlers(library)
    prompt = "x" * (1024 * 1024)
    library.create_prompt(CreatePromptBody(handle="big", prompt=prompt))
    for round_ in range(1, 16):
        library.update_prompt("big", UpdatePromptBody(prompt=prompt + str(round_), commit_message=str(round_)))
        answer = handlers.list_versions(ApiCall({"id": "big"}, QueryParams(), b""))
        assert len(json.loads(answer.body)) == round_ + 1
        assert handlers.versions_json.size <= MAX_BYTES
    assert handlers.versions_json.size > MAX_BYTES - 3 * 1024 * 1024
