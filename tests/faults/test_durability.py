"""SIGKILL in the middle of writing: the server's library keeps every version it acknowledged, and the app's draft
files are each either the old draft or the new one, never torn."""

from __future__ import annotations

import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from prompt_studio.models.draft import Draft
from prompt_studio.paths import DataPaths
from prompt_studio.services.drafts import DraftStore
from tests.support.payloads import config_data, create_body
from tests.support.server_process import ServerProcess, free_port, running_server

WRITERS = 6
HANDLES = ("burst/one", "burst/two", "burst/three")
MAX_WRITES_PER_WRITER = 400
MAX_BURST_SECONDS = 5.0


@dataclass
class Acknowledged:
    """Every version the server answered 200 for, as (handle, version, versionId), from all writer threads."""

    versions: list[tuple[str, int, str]] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, handle: str, answer: dict) -> None:
        with self.lock:
            self.versions.append((handle, answer["version"], answer["versionId"]))
            self.kinds.append(kind)


def _writer(server: ServerProcess, number: int, acknowledged: Acknowledged, stop: threading.Event) -> None:
    """PUTs and syncs on the shared handles until the server dies (or the bounds are reached)."""
    chooser = random.Random(number)
    deadline = time.monotonic() + MAX_BURST_SECONDS
    with httpx.Client(base_url=server.url, headers={"X-Auth-Token": server.api_key}, trust_env=False,
                      timeout=5.0) as client:
        for count in range(MAX_WRITES_PER_WRITER):
            if stop.is_set() or time.monotonic() > deadline:
                return
            handle = chooser.choice(HANDLES)
            words = f"writer {number} write {count}"
            try:
                if count % 2:
                    answer = client.put(f"/api/prompts/{handle}", json={"commitMessage": words, "prompt": words})
                    if answer.status_code == 200:
                        acknowledged.add("update", handle, answer.json())
                else:
                    latest = client.get(f"/api/prompts/{handle}").json()["version"]
                    body = {"configData": config_data(prompt=words), "localVersion": latest}
                    answer = client.post(f"/api/prompts/{handle}/sync", json=body)
                    if answer.status_code == 200 and answer.json()["action"] in ("created", "updated"):
                        acknowledged.add("sync", handle, answer.json()["prompt"])
            except (httpx.TransportError, ValueError, KeyError):
                return


def test_a_server_killed_in_a_burst_of_writes_keeps_every_acknowledged_version(tmp_path):
    data_dir, port = tmp_path / "served", free_port()
    acknowledged, stop = Acknowledged(), threading.Event()
    with running_server(data_dir, port=port) as first:
        with httpx.Client(base_url=first.url, headers={"X-Auth-Token": first.api_key}, trust_env=False) as setup:
            for handle in HANDLES:
                assert setup.post("/api/prompts", json=create_body(handle)).status_code == 200
        threads = [threading.Thread(target=_writer, args=(first, number, acknowledged, stop))
                   for number in range(WRITERS)]
        for thread in threads:
            thread.start()
        time.sleep(random.uniform(0.3, 0.8))
        first.process.send_signal(signal.SIGKILL)
        first.process.wait(timeout=10)
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
    assert len(acknowledged.versions) > 20, "the burst was over before the kill: the test proved nothing"
    assert {"update", "sync"} <= set(acknowledged.kinds), "the burst must have both kinds of write acknowledged"

    with (
        running_server(data_dir, port=port) as second,
        httpx.Client(base_url=second.url, headers={"X-Auth-Token": second.api_key}, trust_env=False) as client,
    ):
        history = {handle: {version["version"]: version["versionId"]
                            for version in client.get(f"/api/prompts/{handle}/versions").json()}
                   for handle in HANDLES}
    for handle, versions in history.items():
        assert sorted(versions) == list(range(1, len(versions) + 1)), f"{handle} has gaps: {sorted(versions)}"
    for handle, version, version_id in acknowledged.versions:
        assert history[handle].get(version) == version_id, f"{handle} v{version} was acknowledged, then lost"
    with sqlite3.connect(DataPaths.resolve(data_dir).library) as library:
        assert library.execute("PRAGMA integrity_check").fetchall() == [("ok",)]


DRAFT_WRITER = """
import sys
from pathlib import Path
from prompt_studio.models.draft import Draft
from prompt_studio.services.drafts import DraftStore

store = DraftStore(Path(sys.argv[1]), "durability")
handles = ["team/a", "team/b", "c"]
for generation in range(1_000_000):
    for handle in handles:
        text = (handle + str(generation)) * 20_000
        store.save(Draft(handle=handle, config={"prompt": text, "model": "m"}, parameters={"generation": generation}))
    if generation == 0:
        print("ready", flush=True)
"""


def _consistent(draft: Draft) -> bool:
    generation = draft.parameters["generation"]
    return draft.config["prompt"] == (draft.handle + str(generation)) * 20_000


def test_drafts_killed_mid_write_are_old_or_new_never_torn(tmp_path):
    """About 200 KB per draft, rewritten as fast as the disk allows, killed at a random moment, three times."""
    chooser = random.Random()
    root = tmp_path / "drafts"
    for _attempt in range(3):
        writer = subprocess.Popen([sys.executable, "-c", DRAFT_WRITER, str(root)], stdout=subprocess.PIPE,
                                  cwd=Path(__file__).resolve().parents[2])
        try:
            assert writer.stdout.readline() == b"ready\n"
            time.sleep(chooser.uniform(0.02, 0.4))
        finally:
            writer.send_signal(signal.SIGKILL)
            writer.wait(timeout=10)
            writer.stdout.close()
        store = DraftStore(root, "durability")
        drafts = store.load_all()
        assert sorted(draft.handle for draft in drafts) == ["c", "team/a", "team/b"]
        assert all(_consistent(draft) for draft in drafts)
        assert not list(store.folder.glob("*.unreadable"))
