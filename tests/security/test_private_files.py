"""The data folder is the user's alone whatever the umask (0700, files 0600); the fallback key file is never
written through a planted link; a server address carrying a user name and password is refused."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from prompt_studio.models import CreatePromptBody
from prompt_studio.models.draft import Draft
from prompt_studio.paths import DataPaths, write_private_file
from prompt_studio.services.connections import url_problem
from prompt_studio.services.drafts import DraftStore
from prompt_studio.services.secrets import SecretStore
from prompt_studio.store import PromptLibrary
from tests.support.server_process import TEST_API_KEY, free_port, wait_for_port

pytestmark = pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
SECRET = "sk-lw-secret_0123456789abcdef"
SQLITE_FILES = ("library.sqlite3", "library.sqlite3-wal", "library.sqlite3-shm")


@pytest.fixture(autouse=True)
def umask_022() -> Iterator[None]:
    """A desktop's usual umask, under which files come out readable by everyone unless made otherwise."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


def test_a_new_data_folder_and_everything_written_in_it_are_private(tmp_path):
    paths = DataPaths.resolve(tmp_path / "data")
    assert _mode(paths.root) == 0o700

    library = PromptLibrary(paths.library)
    try:
        library.create_prompt(CreatePromptBody(handle="private", prompt="Mine."))
        assert {name: _mode(paths.root / name) for name in SQLITE_FILES} == dict.fromkeys(SQLITE_FILES, 0o600)
    finally:
        library.close()

    SecretStore(paths.fallback_secrets, use_keyring=False).set("local", SECRET)
    assert _mode(paths.fallback_secrets) == 0o600
    drafts = DraftStore(paths.drafts, "langwatch:https://lw.example")
    drafts.save(Draft(handle="support/triage", config={"prompt": "Draft."}))
    assert _mode(paths.drafts) == _mode(drafts.folder) == 0o700
    assert {_mode(path) for path in drafts.folder.iterdir()} == {0o600}


def test_files_an_older_version_left_readable_are_tightened(tmp_path):
    root = tmp_path / "data"
    root.mkdir(mode=0o755)
    (root / "drafts" / "local").mkdir(parents=True)
    for name in ("settings.ini", "connections.json", "secrets.json", *SQLITE_FILES):
        (root / name).write_text("")
        os.chmod(root / name, 0o644)
    for name in SQLITE_FILES[1:]:
        (root / name).unlink()

    paths = DataPaths.resolve(root)
    assert _mode(root) == _mode(root / "drafts") == _mode(root / "drafts" / "local") == 0o700
    assert {_mode(paths.root / name) for name in ("settings.ini", "connections.json", "secrets.json")} == {0o600}
    PromptLibrary(paths.library, seed_examples=False).close()
    assert _mode(paths.library) == 0o600


def test_a_link_in_the_data_folder_is_left_alone(tmp_path):
    elsewhere = tmp_path / "shared.ini"
    elsewhere.write_text("")
    os.chmod(elsewhere, 0o644)
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "settings.ini").symlink_to(elsewhere)
    DataPaths.resolve(tmp_path / "data")
    assert _mode(elsewhere) == 0o644


def test_serve_keeps_its_library_private(tmp_path):
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "prompt_studio", "serve", "--port", str(port), "--data-dir", str(tmp_path / "data"),
         "--api-key-env", "SERVE_KEY"],
        env=dict(os.environ, SERVE_KEY=TEST_API_KEY), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        cwd=Path(__file__).resolve().parents[2],
    )
    try:
        wait_for_port(port, process=process)
        modes = {name: _mode(tmp_path / "data" / name) for name in SQLITE_FILES}
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert _mode(tmp_path / "data") == 0o700
    assert modes == dict.fromkeys(SQLITE_FILES, 0o600)


@pytest.fixture
def victim(tmp_path) -> Path:
    """A file the attacker wants the key written into."""
    target = tmp_path / "victim.txt"
    target.write_text("untouched")
    return target


def test_a_link_planted_at_the_key_file_does_not_receive_the_key(tmp_path, victim):
    store = SecretStore(tmp_path / "data" / "secrets.json", use_keyring=False)
    store.fallback_file.parent.mkdir()
    store.fallback_file.symlink_to(victim)
    store.set("local", SECRET)
    assert victim.read_text() == "untouched"
    assert not store.fallback_file.is_symlink() and _mode(store.fallback_file) == 0o600
    assert json.loads(store.fallback_file.read_text()) == {"local": SECRET}


def test_a_link_planted_at_a_temporary_name_does_not_receive_the_key(tmp_path, victim, monkeypatch):
    """The old fixed name (secrets.json.tmp) is ignored, and the fresh name refuses a link planted there."""
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "secrets.json.tmp").symlink_to(victim)
    opened: list[tuple[str, int]] = []
    real_open = os.open

    def recording_open(path, flags, *args, **kwargs):
        opened.append((str(path), flags))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", recording_open)
    SecretStore(folder / "secrets.json", use_keyring=False).set("local", SECRET)
    monkeypatch.undo()
    assert victim.read_text() == "untouched"
    created = [flags for path, flags in opened if Path(path).parent == folder and path.endswith(".tmp")]
    assert created and all(flags & os.O_EXCL and flags & os.O_NOFOLLOW and flags & os.O_CREAT for flags in created)

    planted = folder / ".planted.tmp"
    planted.symlink_to(victim)
    with pytest.raises(FileExistsError):
        real_open(planted, created[0], 0o600)
    assert victim.read_text() == "untouched"


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / "secrets.json"
    write_private_file(target, b"old")

    def full_disk(descriptor):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(OSError):
        write_private_file(target, b"new")
    assert target.read_bytes() == b"old"
    assert [path.name for path in tmp_path.iterdir()] == ["secrets.json"]


@pytest.mark.parametrize(
    "url", ["http://alice:hunter2@lw.example", "https://alice@lw.example/", "https://:hunter2@lw.example:443"]
)
def test_an_address_with_a_user_name_or_password_is_refused_without_repeating_it(url):
    problem = url_problem(url)
    assert problem == "Put the API key in the key field, not in the address."
    assert url_problem("https://lw.example/path@version") is None
