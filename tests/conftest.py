import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

from tests.support.server_process import ServerProcess, running_server


@pytest.fixture
def server(tmp_path) -> ServerProcess:
    """A fresh `prompt-studio serve` on its own library, over real HTTP on 127.0.0.1."""
    with running_server(tmp_path / "server-data") as process:
        yield process
