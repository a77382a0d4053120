"""The official LangWatch CLI (npm `langwatch` 0.16.1) syncs a local prompt to `prompt-studio serve`.

A second `prompt sync` of an unchanged file must leave the server alone: no new version (the CLI's own server
used to create one on every run because of false differences).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import httpx
import pytest

pytestmark = pytest.mark.slow

CLI_VERSION = "0.16.1"
REPOSITORY = Path(__file__).resolve().parents[2]
CLI_PREFIX = REPOSITORY / ".cache" / "langwatch-cli"
CLI_BINARY = CLI_PREFIX / "node_modules" / ".bin" / "langwatch"

LOOPBACK_ONLY = """
// Preloaded into the CLI: any connection or name lookup beyond loopback is recorded and refused.
const fs = require("fs");
const net = require("net");
const dns = require("dns");
const report = process.env.OUTSIDE_NETWORK_REPORT;
const loopback = new Set(["127.0.0.1", "::1", "localhost", undefined]);
function refuse(target) {
  fs.appendFileSync(report, String(target) + "\\n");
  throw new Error("outside network refused in tests: " + target);
}
const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  const first = args[0];
  const options = Array.isArray(first) ? first[0] : first;
  const host = typeof options === "object" && options !== null ? options.host : args[1];
  if (typeof options === "object" && options !== null && options.path) return connect.apply(this, args);
  if (!loopback.has(host)) refuse(host);
  return connect.apply(this, args);
};
const lookup = dns.lookup;
dns.lookup = function (hostname, ...rest) {
  if (!loopback.has(hostname)) refuse(hostname);
  return lookup.call(this, hostname, ...rest);
};
"""


def _cli_binary() -> Path:
    if CLI_BINARY.exists():
        return CLI_BINARY
    npm = shutil.which("npm")
    if npm is None or shutil.which("node") is None:
        if os.environ.get("CI"):
            pytest.fail("node and npm are needed for the official CLI test in CI")
        pytest.skip("node and npm are not installed")
    subprocess.run(
        [npm, "install", "--no-audit", "--no-fund", "--prefix", str(CLI_PREFIX), f"langwatch@{CLI_VERSION}"],
        check=True,
        capture_output=True,
        timeout=600,
    )
    return CLI_BINARY


def _run_cli(binary: Path, workdir: Path, server, guard: Path, report: Path, *arguments: str) -> str:
    """Runs the CLI against `server` only: 0.16.1 reads no variables but LANGWATCH_API_KEY and
    LANGWATCH_ENDPOINT (plus a `.env` in its folder) and has no update check; the guard proves the rest."""
    environment = {
        key: value for key, value in os.environ.items() if not key.startswith(("LANGWATCH_", "OTEL_", "NODE_"))
    }
    environment.update(
        LANGWATCH_ENDPOINT=server.url,
        LANGWATCH_API_KEY=server.api_key,
        NODE_OPTIONS=f'--require "{guard}"',
        OUTSIDE_NETWORK_REPORT=str(report),
        OTEL_SDK_DISABLED="true",
    )
    finished = subprocess.run(
        [str(binary), *arguments],
        cwd=workdir,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    output = finished.stdout + finished.stderr
    assert finished.returncode == 0, output
    assert server.api_key not in output
    return output


@pytest.mark.timeout(900)
def test_the_official_cli_syncs_a_local_prompt_once(server, tmp_path):
    """The first run may install the CLI from npm, hence the longer timeout."""
    binary = _cli_binary()
    workdir = tmp_path / "project"
    workdir.mkdir()
    guard = tmp_path / "loopback-only.cjs"
    guard.write_text(LOOPBACK_ONLY, encoding="utf-8")
    report = tmp_path / "outside-network.txt"
    report.touch()

    def cli(*arguments: str) -> str:
        return _run_cli(binary, workdir, server, guard, report, *arguments)

    cli("prompt", "init")
    cli("prompt", "create", "greeter")
    assert (workdir / "prompts" / "greeter.prompt.yaml").exists()
    cli("prompt", "sync")

    with httpx.Client(base_url=server.url, headers={"X-Auth-Token": server.api_key}, trust_env=False) as client:
        synced = client.get("/api/prompts/greeter")
        assert synced.status_code == 200, synced.text
        assert (synced.json()["version"], synced.json()["handle"]) == (1, "greeter")
        lock = json.loads((workdir / "prompts-lock.json").read_text(encoding="utf-8"))
        assert lock["prompts"]["greeter"]["version"] == 1
        assert lock["prompts"]["greeter"]["versionId"] == synced.json()["versionId"]

        cli("prompt", "sync")
        versions = client.get("/api/prompts/greeter/versions")
        assert [version["version"] for version in versions.json()] == [1]

        prompt_file = workdir / "prompts" / "greeter.prompt.yaml"
        original = prompt_file.read_text(encoding="utf-8")
        assert "model: openai/gpt-5\n" in original
        prompt_file.write_text(original.replace("model: openai/gpt-5\n", "model: openai/gpt-5-mini\n"), "utf-8")
        cli("prompt", "sync")
        latest = client.get("/api/prompts/greeter").json()
        assert (latest["version"], latest["model"]) == (2, "openai/gpt-5-mini")
    assert report.read_text(encoding="utf-8") == ""
