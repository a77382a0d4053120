"""The official LangWatch CLI (npm `langwatch` 0.16.1), run against a test server only: installed once under
.cache/langwatch-cli, with a guard preloaded that refuses any connection beyond loopback."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

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


class NodeMissing(RuntimeError):
    """node and npm are not installed, so the CLI cannot be."""


def install_cli() -> Path:
    """The CLI's binary, installed from npm into .cache/langwatch-cli the first time."""
    if not CLI_BINARY.exists():
        npm = shutil.which("npm")
        if npm is None or shutil.which("node") is None:
            raise NodeMissing("node and npm are needed to run the official CLI")
        subprocess.run(
            [npm, "install", "--no-audit", "--no-fund", "--prefix", str(CLI_PREFIX), f"langwatch@{CLI_VERSION}"],
            check=True,
            capture_output=True,
            timeout=600,
        )
    return CLI_BINARY


def cli_binary() -> Path:
    """The CLI for a test: skipped where node is missing, except in CI, where that is a failure."""
    try:
        return install_cli()
    except NodeMissing as missing:
        if os.environ.get("CI"):
            pytest.fail(f"{missing} in CI")
        pytest.skip(str(missing))


def run_cli(binary: Path, workdir: Path, server, guard: Path, report: Path, *arguments: str) -> str:
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


class OfficialCli:
    """The CLI run in one project folder against one server: `cli("prompt", "sync")` returns what it printed."""

    def __init__(self, workdir: Path, server, scratch: Path):
        self.binary = cli_binary()
        self.workdir = workdir
        self.server = server
        self.guard = scratch / "loopback-only.cjs"
        self.guard.write_text(LOOPBACK_ONLY, encoding="utf-8")
        self.report = scratch / "outside-network.txt"
        self.report.touch()

    def __call__(self, *arguments: str) -> str:
        return run_cli(self.binary, self.workdir, self.server, self.guard, self.report, *arguments)

    @property
    def reached_outside(self) -> str:
        """Every connection beyond loopback the CLI tried (and was refused), one a line; empty when none."""
        return self.report.read_text(encoding="utf-8")
