"""`prompt-studio serve` listens on 127.0.0.1 unless told otherwise, compares keys in constant time, and refuses
every operation of the contract without the right key, writing nothing.

tests/server/test_errors.py checks six routes with missing and malformed keys; this covers all thirteen
operations, wrong keys of the right length, and where the server listens (`live_server`: tests/server/conftest.py)."""

from __future__ import annotations

import hmac
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from prompt_studio.server import app as server_app
from tests.support.contracts import LANGWATCH, load_contract
from tests.support.payloads import config_data, create_body
from tests.support.server_process import TEST_API_KEY, free_port, wait_for_port

BODIES = {
    ("post", "/api/prompts"): create_body("intruder"),
    ("post", "/api/prompts/{id}/sync"): {"configData": config_data()},
    ("put", "/api/prompts/{id}"): {"commitMessage": "intrusion", "prompt": "Owned."},
    ("post", "/api/prompts/tags"): {"name": "intruded"},
    ("put", "/api/prompts/tags/{tag}"): {"name": "renamed"},
    ("put", "/api/prompts/{id}/tags/{tag}"): {"versionId": "prompt_version_x"},
}


def _same_length_wrong_keys(key: str) -> list[str]:
    return [
        "x" + key[1:],
        key[:-1] + ("0" if key[-1] != "0" else "1"),
        key[: len(key) // 2] + "Z" + key[len(key) // 2 + 1:],
        key.swapcase(),
    ]


def _operations() -> list[tuple[str, str]]:
    spec = load_contract(LANGWATCH)
    return [(method, path) for path, methods in spec["paths"].items() for method in methods]


@pytest.fixture
def client(live_server):
    with live_server.client() as owner:
        assert owner.post("/api/prompts", json=create_body("pizza")).status_code == 200
    with httpx.Client(base_url=live_server.url, trust_env=False) as anonymous:
        yield anonymous


def _version_id(client: httpx.Client) -> str:
    return client.get("/api/prompts/pizza", headers={"X-Auth-Token": TEST_API_KEY}).json()["versionId"]


@pytest.mark.parametrize(("method", "template"), _operations())
def test_every_operation_refuses_a_missing_or_wrong_key_and_writes_nothing(client, method, template):
    path = template.replace("{id}", "pizza").replace("{tag}", "production").replace("{versionId}", _version_id(client))
    body = BODIES.get((method, template))
    wrong = _same_length_wrong_keys(TEST_API_KEY)
    attempts = [{}, *({"X-Auth-Token": key} for key in wrong), *({"Authorization": f"Bearer {key}"} for key in wrong)]
    for headers in attempts:
        answer = client.request(method.upper(), path, json=body, headers=headers)
        assert answer.status_code == 401, (method, path, headers, answer.text)
        assert answer.json()["error"] == "Unauthorized"
    owner = {"X-Auth-Token": TEST_API_KEY}
    assert [version["version"] for version in client.get("/api/prompts/pizza/versions", headers=owner).json()] == [1]
    assert [prompt["handle"] for prompt in client.get("/api/prompts", headers=owner).json()] == ["pizza"]
    assert [tag["name"] for tag in client.get("/api/prompts/tags", headers=owner).json()] == ["production", "staging"]


def test_keys_are_compared_with_hmac_compare_digest(client, monkeypatch):
    """Wrong keys of the right length are refused, and every comparison goes through the constant-time one."""
    compared: list[tuple[bytes, bytes]] = []
    real_compare = hmac.compare_digest

    def recording_compare(given, expected):
        compared.append((given, expected))
        return real_compare(given, expected)

    monkeypatch.setattr(server_app.hmac, "compare_digest", recording_compare)
    for wrong in _same_length_wrong_keys(TEST_API_KEY):
        assert len(wrong) == len(TEST_API_KEY) and wrong != TEST_API_KEY
        assert client.get("/api/prompts", headers={"X-Auth-Token": wrong}).status_code == 401
        assert client.get("/api/prompts", headers={"Authorization": f"Bearer {wrong}"}).status_code == 401
    assert client.get("/api/prompts", headers={"X-Auth-Token": TEST_API_KEY}).status_code == 200

    wrong_keys = {key.encode() for key in _same_length_wrong_keys(TEST_API_KEY)}
    assert {given for given, _ in compared} == wrong_keys | {TEST_API_KEY.encode()}
    assert {expected for _, expected in compared} == {TEST_API_KEY.encode()}


@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="reads the kernel's socket table (Linux)")
def test_serve_listens_on_loopback_only_by_default(tmp_path):
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "prompt_studio", "serve", "--port", str(port), "--data-dir", str(tmp_path / "data"),
         "--api-key-env", "SERVE_KEY"],
        env=dict(os.environ, SERVE_KEY=TEST_API_KEY), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        cwd=Path(__file__).resolve().parents[2],
    )
    try:
        wait_for_port(port, process=process)
        listening = _listening_addresses(port)
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert listening == ["0100007F"], f"serve listens on {listening} (hex, as the kernel writes them)"


def _listening_addresses(port: int) -> list[str]:
    """Local addresses in LISTEN state (0A) on `port`, from /proc/net/tcp and tcp6."""
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table, encoding="ascii") as rows:
            next(rows)
            for row in rows:
                local, state = row.split()[1], row.split()[3]
                address, _, hex_port = local.partition(":")
                if state == "0A" and int(hex_port, 16) == port:
                    found.append(address)
    return found
