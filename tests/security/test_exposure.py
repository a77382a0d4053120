"""`prompt-studio serve` beyond loopback: a long key or nothing, a warning about plain HTTP, only the Host names it
serves, and repeated wrong keys slowed to a 429 without ever slowing the right key. Only 127.0.0.1 is contacted;
the tests that start on 0.0.0.0 stop before anything listens."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
import uvicorn

from prompt_studio import cli
from prompt_studio.server.guards import AuthFailures, host_name
from prompt_studio.server.runner import MIN_EXPOSED_KEY_LENGTH
from tests.support.server_process import TEST_API_KEY, free_port, wait_for_port

REPOSITORY = Path(__file__).resolve().parents[2]
LONG_KEY = "k" * MIN_EXPOSED_KEY_LENGTH


def _serve(tmp_path, *arguments: str, key: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "prompt_studio", "serve", "--data-dir", str(tmp_path / "data"),
         "--api-key-env", "SERVE_KEY", *arguments],
        env=dict(os.environ, SERVE_KEY=key), capture_output=True, text=True, timeout=60, cwd=REPOSITORY,
    )


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.5"])
def test_a_non_loopback_address_refuses_a_short_key_before_listening(tmp_path, host):
    finished = _serve(tmp_path, "--host", host, "--port", str(free_port()), key="x" * (MIN_EXPOSED_KEY_LENGTH - 1))
    assert finished.returncode == 2
    assert f"at least {MIN_EXPOSED_KEY_LENGTH} characters" in finished.stderr
    assert "x" * 8 not in finished.stderr + finished.stdout


@pytest.fixture
def no_listening(monkeypatch):
    """`uvicorn.Server.run` that records its config instead of listening; and the app's logger as it was
    afterwards, since building the config applies `serve`'s logging (not propagated to the root) to the process,
    where later tests read the app's log through the root."""
    started: list[uvicorn.Config] = []
    monkeypatch.setattr(uvicorn.Server, "run", lambda server, *args: started.append(server.config))
    app_logger = logging.getLogger("prompt_studio")
    kept = (app_logger.level, app_logger.propagate, list(app_logger.handlers))
    yield started
    app_logger.setLevel(kept[0])
    app_logger.propagate = kept[1]
    app_logger.handlers[:] = kept[2]


def test_a_non_loopback_address_warns_that_the_api_is_on_the_network_in_plain_http(
    tmp_path, monkeypatch, capsys, no_listening
):
    monkeypatch.setenv("SERVE_KEY", LONG_KEY)
    arguments = ["serve", "--host", "0.0.0.0", "--data-dir", str(tmp_path), "--api-key-env", "SERVE_KEY",
                 "--allowed-host", "prompts.lan"]
    assert cli.main(arguments) == 0
    said = capsys.readouterr().err
    assert "reachable from the network over plain HTTP" in said and "prompts.lan" in said
    assert LONG_KEY not in said
    assert len(no_listening) == 1

    cli.main(["serve", "--data-dir", str(tmp_path), "--api-key-env", "SERVE_KEY"])
    assert "Warning" not in capsys.readouterr().err


def test_a_key_given_as_an_argument_gets_a_hint_to_use_the_environment(tmp_path, capsys, no_listening):
    assert cli.main(["serve", "--data-dir", str(tmp_path), "--api-key", TEST_API_KEY]) == 0
    said = capsys.readouterr().err
    assert "--api-key-env" in said and "ps" in said
    assert TEST_API_KEY not in said


@pytest.mark.parametrize(
    ("header", "name"),
    [("127.0.0.1:5560", "127.0.0.1"), ("LocalHost", "localhost"), ("[::1]:80", "[::1]"), ("[::1]", "[::1]"),
     ("evil.example:5560", "evil.example"), ("::1", ":")],
)
def test_host_names(header, name):
    assert host_name(header) == name


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "[::1]"])
@pytest.mark.parametrize("with_port", [True, False])
def test_the_loopback_names_are_answered(live_server, host, with_port):
    header = f"{host}:{live_server.url.rsplit(':', 1)[1]}" if with_port else host
    with live_server.client(Host=header) as client:
        assert client.get("/api/prompts/tags").status_code == 200


@pytest.mark.parametrize("host", ["evil.example", "evil.example:5560", "127.0.0.1.evil.example", "", "0.0.0.0"])
def test_other_host_names_are_400_unknown_host_even_with_the_key(live_server, host):
    with live_server.client(Host=host) as client:
        answer = client.get("/api/prompts/tags")
    assert answer.status_code == 400
    assert "Unknown host" in answer.json()["message"]


def test_allowed_host_adds_names(tmp_path):
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "prompt_studio", "serve", "--port", str(port), "--data-dir", str(tmp_path / "data"),
         "--api-key-env", "SERVE_KEY", "--allowed-host", "Prompts.LAN", "--allowed-host", "fe80::1"],
        env=dict(os.environ, SERVE_KEY=TEST_API_KEY), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        cwd=REPOSITORY,
    )
    try:
        wait_for_port(port, process=process)
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers={"X-Auth-Token": TEST_API_KEY}) as client:
            statuses = {
                host: client.get("/api/prompts/tags", headers={"Host": host}).status_code
                for host in ("prompts.lan", f"prompts.lan:{port}", "[fe80::1]:80", "other.lan", f"127.0.0.1:{port}")
            }
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert statuses == {"prompts.lan": 200, f"prompts.lan:{port}": 200, "[fe80::1]:80": 200, "other.lan": 400,
                        f"127.0.0.1:{port}": 200}


def test_different_wrong_keys_from_one_address_get_429_after_ten(live_server):
    with live_server.client() as owner, httpx.Client(base_url=live_server.url, trust_env=False) as guesser:
        for number in range(10):
            assert guesser.get("/api/prompts", headers={"X-Auth-Token": f"guess-{number}"}).status_code == 401
        refused = guesser.get("/api/prompts", headers={"Authorization": "Bearer guess-10"})
        assert refused.status_code == 429
        assert 1 <= int(refused.headers["Retry-After"]) <= 60
        assert refused.json()["error"] == "Too Many Requests"
        assert guesser.get("/api/prompts", headers={"X-Auth-Token": "guess-0"}).status_code == 429
        assert guesser.get("/api/prompts").status_code == 401, "a request without a key guesses nothing"
        assert owner.get("/api/prompts").status_code == 200


def test_guessing_at_full_speed_never_slows_the_right_key(live_server):
    """The issue's 3,000 wrong keys, interleaved with the owner's requests, which stay fast."""
    slowest = 0.0
    with live_server.client() as owner, httpx.Client(base_url=live_server.url, trust_env=False) as guesser:
        statuses = []
        for number in range(3000):
            statuses.append(guesser.get("/api/prompts/tags", headers={"X-Auth-Token": f"g{number}"}).status_code)
            if number % 100 == 0:
                started = time.perf_counter()
                assert owner.get("/api/prompts/tags").status_code == 200
                slowest = max(slowest, time.perf_counter() - started)
    assert statuses[:10] == [401] * 10 and set(statuses[10:]) == {429}
    assert slowest < 0.1, f"the owner waited {slowest * 1000:.0f} ms"


def test_a_client_repeating_one_stale_key_is_never_throttled(live_server):
    with httpx.Client(base_url=live_server.url, headers={"X-Auth-Token": "stale"}, trust_env=False) as stale:
        assert {stale.get("/api/prompts").status_code for _ in range(50)} == {401}


def test_failures_are_forgotten_after_the_window():
    now = [0.0]
    failures = AuthFailures(limit=2, window=60.0, clock=lambda: now[0])
    assert failures.refusal("10.0.0.1", b"a") is None
    now[0] = 30.0
    assert failures.refusal("10.0.0.1", b"b") is None
    assert failures.refusal("10.0.0.1", b"c") == 30
    assert failures.refusal("10.0.0.2", b"c") is None, "another address has its own count"
    now[0] = 60.5
    assert failures.refusal("10.0.0.1", b"c") is None


def test_the_table_of_addresses_stays_bounded():
    failures = AuthFailures(limit=1, max_addresses=100)
    for number in range(10_000):
        failures.refusal(f"10.0.{number // 256}.{number % 256}", b"x")
    assert len(failures) == 100



@pytest.mark.parametrize("flags", [
    ["--server", "http://alice:hunter2@127.0.0.1:9", "--api-key-env", "SOME_KEY"],
    ["--orkes", "https://alice:hunter2@127.0.0.1:9", "--key-id-env", "A", "--key-secret-env", "B"],
])
def test_an_address_with_a_password_is_refused_on_the_command_line_without_repeating_it(flags, capsys):
    from prompt_studio import cli

    with pytest.raises(SystemExit) as refused:
        cli.main(flags)
    said = capsys.readouterr().err
    assert refused.value.code == 2 and "not in the address" in said
    assert "hunter2" not in said
