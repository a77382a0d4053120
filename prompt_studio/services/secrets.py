"""API keys: in the operating system's keyring, or, where none exists, in a file only the user can read.

Never in the settings file and never in a log line. When the fallback file is used the caller is told, so the
window can tell the user.
"""

from __future__ import annotations

import contextlib
import json
import logging
from pathlib import Path

import keyring
import keyring.errors
from keyring.backends import fail

from prompt_studio.paths import write_private_file

log = logging.getLogger(__name__)

SERVICE_NAME = "prompt-studio"


def _keyring_usable() -> bool:
    backend = keyring.get_keyring()
    return not isinstance(backend, fail.Keyring) and backend.priority > 0


class SecretStore:
    """Keys by connection id."""

    def __init__(self, fallback_file: Path, *, use_keyring: bool | None = None):
        self.fallback_file = fallback_file
        self.uses_keyring = _keyring_usable() if use_keyring is None else use_keyring

    @property
    def where(self) -> str:
        """Where keys are kept, in words for the user."""
        if self.uses_keyring:
            return "the system keyring"
        return f"a file only you can read ({self.fallback_file})"

    def set(self, connection_id: str, secret: str) -> None:
        if self.uses_keyring:
            try:
                keyring.set_password(SERVICE_NAME, connection_id, secret)
                return
            except keyring.errors.KeyringError:
                log.warning("the system keyring refused the key; keeping it in the private file instead")
                self.uses_keyring = False
        secrets = self._read_file()
        secrets[connection_id] = secret
        self._write_file(secrets)

    def get(self, connection_id: str) -> str | None:
        if self.uses_keyring:
            with contextlib.suppress(keyring.errors.KeyringError):
                value = keyring.get_password(SERVICE_NAME, connection_id)
                if value is not None:
                    return value
        return self._read_file().get(connection_id)

    def delete(self, connection_id: str) -> None:
        if self.uses_keyring:
            with contextlib.suppress(keyring.errors.KeyringError):
                keyring.delete_password(SERVICE_NAME, connection_id)
        secrets = self._read_file()
        if secrets.pop(connection_id, None) is not None:
            self._write_file(secrets)

    def _read_file(self) -> dict[str, str]:
        try:
            data = json.loads(self.fallback_file.read_text())
        except (FileNotFoundError, ValueError):
            return {}
        return {str(key): str(value) for key, value in data.items()} if isinstance(data, dict) else {}

    def _write_file(self, secrets: dict[str, str]) -> None:
        """0600 from the start, never through a planted link: see `write_private_file`."""
        write_private_file(self.fallback_file, json.dumps(secrets).encode("utf-8"))
