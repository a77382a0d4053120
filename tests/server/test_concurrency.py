"""Many clients at once, each on its own connection: sync loses no edit, versions never skip or repeat."""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from tests.support.payloads import config_data, create_body

CLIENTS = 20


def _all_at_once(live_server, request_for_client) -> list[Any]:
    """Runs `request_for_client(client, index)` for every client after all of them are connected and ready."""
    ready = threading.Barrier(CLIENTS)

    def one(index: int) -> Any:
        with live_server.client() as client:
            assert client.get("/api/prompts/tags").status_code == 200
            ready.wait(timeout=30)
            return request_for_client(client, index)

    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        return list(pool.map(one, range(CLIENTS)))


def test_concurrent_syncs_from_one_base_give_one_update_and_conflicts_for_the_rest(live_server, client):
    assert client.post("/api/prompts", json=create_body("shared")).status_code == 200

    def sync_an_edit(own_client, index: int) -> dict[str, Any]:
        body = {"configData": config_data(f"Edit number {index} about {{{{topic}}}}."), "localVersion": 1}
        response = own_client.post("/api/prompts/shared/sync", json=body)
        assert response.status_code == 200, response.text
        return response.json()

    answers = _all_at_once(live_server, sync_an_edit)

    assert Counter(answer["action"] for answer in answers) == {"updated": 1, "conflict": CLIENTS - 1}
    winner = next(answer for answer in answers if answer["action"] == "updated")
    assert winner["prompt"]["version"] == 2
    for answer in answers:
        if answer["action"] == "conflict":
            assert answer["conflictInfo"]["remoteVersion"] == 2
            assert answer["conflictInfo"]["remoteConfigData"]["prompt"] == winner["prompt"]["prompt"]
    versions = client.get("/api/prompts/shared/versions").json()
    assert [version["version"] for version in versions] == [2, 1]


def test_concurrent_updates_each_get_their_own_contiguous_version(live_server, client):
    assert client.post("/api/prompts", json=create_body("busy")).status_code == 200

    def update(own_client, index: int) -> int:
        response = own_client.put("/api/prompts/busy", json={"commitMessage": f"Edit {index}", "temperature": 0.5})
        assert response.status_code == 200, response.text
        return response.json()["version"]

    numbers = _all_at_once(live_server, update)

    assert sorted(numbers) == list(range(2, CLIENTS + 2))
    versions = client.get("/api/prompts/busy/versions").json()
    assert [version["version"] for version in versions] == list(range(CLIENTS + 1, 0, -1))
    assert len({version["versionId"] for version in versions}) == CLIENTS + 1
