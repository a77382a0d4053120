"""The Qt fixtures of tests/ui, for the tests here that drive the real window."""

from tests.ui.conftest import qt_loop, run_async  # noqa: F401
