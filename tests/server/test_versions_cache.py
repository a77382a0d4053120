"""The versions route answers from its cache of version JSON; the cache must never show an old state."""

from __future__ import annotations

import json

from prompt_studio.models import CreatePromptBody, UpdatePromptBody
from prompt_studio.server.response_cache import ResponseCache
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


def test_the_cache_keeps_at_most_its_limit_and_drops_the_oldest():
    cache = ResponseCache(max_entries=2)
    built = []

    def build(number: int):
        def make():
            built.append(number)
            return CreatePromptBody(handle=f"p-{number}")

        return make

    for number in (1, 2, 1, 3, 1):
        cache.json_of(number, build(number))
    assert built == [1, 2, 3, 1]
    assert len(cache) == 2
