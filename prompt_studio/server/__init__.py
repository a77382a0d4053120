"""The LangWatch-compatible HTTP server over the embedded library (`prompt-studio serve`)."""

from prompt_studio.server.app import create_app
from prompt_studio.server.runner import UnsafeExposure, serve

__all__ = ["UnsafeExposure", "create_app", "serve"]
