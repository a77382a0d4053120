import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

from tests.support.screenshots import screenshots  # noqa: F401
from tests.support.server_process import ServerProcess, running_server

SCREENSHOTS_MARK = "screenshots"


def pytest_configure(config):
    config.addinivalue_line(
        "markers", f"{SCREENSHOTS_MARK}: takes screenshots with the `screenshots` fixture (set on its own; "
        "scripts/screenshots runs these to refresh docs/screenshots)",
    )


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    """Mark every test that uses the `screenshots` fixture, before `-m` selects (scripts/screenshots)."""
    for item in items:
        if SCREENSHOTS_MARK in getattr(item, "fixturenames", ()):
            item.add_marker(SCREENSHOTS_MARK)


@pytest.fixture
def server(tmp_path) -> ServerProcess:
    """A fresh `prompt-studio serve` on its own library, over real HTTP on 127.0.0.1."""
    with running_server(tmp_path / "server-data") as process:
        yield process


@pytest.fixture(scope="module")
def module_server(tmp_path_factory) -> ServerProcess:
    """One `prompt-studio serve` for all the tests of a module, for tests that each work on handles of their own
    and need no empty library (starting a server costs about half a second). A module overrides `server` with it:

        @pytest.fixture(scope="module")
        def server(module_server):
            return module_server
    """
    with running_server(tmp_path_factory.mktemp("module-server") / "server-data") as process:
        yield process
