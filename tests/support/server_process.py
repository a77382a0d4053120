"""Start the real `prompt-studio serve` in a subprocess on a free loopback port, for tests that talk HTTP."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

TEST_API_KEY = "sk-lw-test_0123456789abcdef"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, timeout: float = 20.0, process: subprocess.Popen | None = None) -> None:
    """Poll until something accepts connections on 127.0.0.1:`port`, for at most `timeout` seconds; fail at once
    if `process` (the server) exits first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the server exited with code {process.returncode} before it listened on {port}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listened on 127.0.0.1:{port} within {timeout} s")


def wait_for_uvicorn(server, thread: threading.Thread, what: str, timeout: float = 20.0) -> None:
    """Poll until `server` (a uvicorn.Server running in `thread`) has started, for at most `timeout` seconds; fail
    at once if the thread ends first (uvicorn logs why)."""
    deadline = time.monotonic() + timeout
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError(f"{what} stopped before it started (its error is in the captured log)")
        if time.monotonic() >= deadline:
            server.should_exit = True
            raise TimeoutError(f"{what} did not start within {timeout} s")
        time.sleep(0.01)


@contextlib.contextmanager
def serving_in_a_thread(app, what: str, log_level: str = "warning") -> Iterator[str]:
    """An ASGI app (a fake provider or Orkes) served by uvicorn in a thread of this process on 127.0.0.1; yields
    its address and stops it afterwards."""
    import uvicorn

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level=log_level, lifespan="off"))
    thread = threading.Thread(target=server.run, name=what, daemon=True)
    thread.start()
    wait_for_uvicorn(server, thread, what)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


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
def running_server(data_dir: Path, api_key: str = TEST_API_KEY, port: int | None = None,
                   program: Sequence[str] = (sys.executable, "-m", "prompt_studio"),
                   environment: Mapping[str, str] = os.environ) -> Iterator[ServerProcess]:
    """`program serve` (by default this environment's Prompt Studio) with `environment` and the key beside it."""
    port = port or free_port()
    env = dict(environment, PROMPT_STUDIO_SERVE_KEY=api_key)
    data_dir.mkdir(parents=True, exist_ok=True)
    log_path = data_dir.parent / f"server-{port}.log"
    log = log_path.open("wb")
    process = subprocess.Popen(
        [*program, "serve", "--host", "127.0.0.1", "--port", str(port),
         "--data-dir", str(data_dir), "--api-key-env", "PROMPT_STUDIO_SERVE_KEY"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    server = ServerProcess(f"http://127.0.0.1:{port}", api_key, data_dir, process)
    try:
        try:
            wait_for_port(port, process=process)
        except (RuntimeError, TimeoutError) as error:
            log.flush()
            output = log_path.read_text(encoding="utf-8", errors="replace")[-2000:]
            raise type(error)(f"`prompt-studio serve` did not start: {error}. Its output:\n{output}") from None
        yield server
    finally:
        server.stop()
        log.close()
