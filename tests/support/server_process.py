"""Start the real `prompt-studio serve` in a subprocess on a free loopback port, for tests that talk HTTP."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

TEST_API_KEY = "sk-lw-test_0123456789abcdef"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, timeout: float = 20.0, process: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the server exited with code {process.returncode} before it listened")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listened on 127.0.0.1:{port} within {timeout} s")


@dataclass
class ServerProcess:
    url: str
    api_key: str
    data_dir: Path
    process: subprocess.Popen

    def kill(self) -> None:
        """SIGKILL, as a crash would: no shutdown handler runs."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()


@contextlib.contextmanager
def running_server(data_dir: Path, api_key: str = TEST_API_KEY, port: int | None = None) -> Iterator[ServerProcess]:
    port = port or free_port()
    env = dict(os.environ, PROMPT_STUDIO_SERVE_KEY=api_key)
    data_dir.mkdir(parents=True, exist_ok=True)
    log = (data_dir.parent / f"server-{port}.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "prompt_studio", "serve", "--host", "127.0.0.1", "--port", str(port),
         "--data-dir", str(data_dir), "--api-key-env", "PROMPT_STUDIO_SERVE_KEY"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    server = ServerProcess(f"http://127.0.0.1:{port}", api_key, data_dir, process)
    try:
        wait_for_port(port, process=process)
        yield server
    finally:
        server.stop()
        log.close()
