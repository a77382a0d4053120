"""Connections keep addresses only; keys go to the keyring or a private file, and plain http is flagged."""

import stat

import keyring
import pytest
from keyring.backend import KeyringBackend

from prompt_studio.services.connections import (
    LOCAL_LIBRARY,
    Connection,
    ConnectionRegistry,
    connection_id_for,
    insecure_url_warning,
    url_problem,
)
from prompt_studio.services.secrets import SecretStore

KEY = "sk-lw-secret-never-in-settings"


class MemoryKeyring(KeyringBackend):
    priority = 1

    def __init__(self):
        super().__init__()
        self.items = {}

    def set_password(self, service, username, password):
        self.items[(service, username)] = password

    def get_password(self, service, username):
        return self.items.get((service, username))

    def delete_password(self, service, username):
        self.items.pop((service, username), None)


@pytest.fixture
def memory_keyring():
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


def test_without_a_keyring_the_key_goes_to_a_file_only_the_user_can_read(tmp_path):
    secrets = SecretStore(tmp_path / "secrets.json", use_keyring=False)
    secrets.set("langwatch:https://x", KEY)
    mode = stat.S_IMODE((tmp_path / "secrets.json").stat().st_mode)
    assert mode == 0o600
    assert "only you can read" in secrets.where
    assert SecretStore(tmp_path / "secrets.json", use_keyring=False).get("langwatch:https://x") == KEY
    secrets.delete("langwatch:https://x")
    assert secrets.get("langwatch:https://x") is None


def test_with_a_keyring_nothing_is_written_to_disk(tmp_path, memory_keyring):
    secrets = SecretStore(tmp_path / "secrets.json")
    assert secrets.uses_keyring and secrets.where == "the system keyring"
    secrets.set("c", KEY)
    assert memory_keyring.items[("prompt-studio", "c")] == KEY
    assert not (tmp_path / "secrets.json").exists()
    assert secrets.get("c") == KEY


def test_the_registry_never_holds_a_key_and_always_offers_the_local_library(tmp_path):
    registry = ConnectionRegistry(tmp_path / "connections.json")
    assert registry.load() == [LOCAL_LIBRARY]
    team = Connection(connection_id_for("langwatch", "https://lw.example/"), "Team", "langwatch", "https://lw.example")
    registry.add(team)
    assert registry.load() == [LOCAL_LIBRARY, team]
    assert KEY not in (tmp_path / "connections.json").read_text()
    assert registry.remove(team.id) == [LOCAL_LIBRARY]


@pytest.mark.parametrize(
    ("url", "warned"),
    [("http://lw.example.com", True), ("http://10.0.0.3:5560", True), ("https://lw.example.com", False),
     ("http://127.0.0.1:5560", False), ("http://localhost:5560", False), ("http://[::1]:5560", False)],
)
def test_plain_http_to_another_machine_is_warned_about(url, warned):
    assert (insecure_url_warning(url) is not None) is warned


def test_an_address_must_be_http_or_https():
    assert url_problem("app.langwatch.ai") is not None
    assert url_problem("https://app.langwatch.ai") is None
