"""Fixtures borrowed from tests/ui (the window under qasync) and tests/server (an in-process server on 127.0.0.1)."""

from tests.server.conftest import library, live_server  # noqa: F401
from tests.ui.conftest import qt_loop, run_async  # noqa: F401
