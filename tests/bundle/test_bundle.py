"""The self-contained app of ./scripts/bundle (PyInstaller), built into a temporary folder and run as a user without
Python runs it: a clean environment (no PYTHONPATH, no virtual environment on PATH), from another folder."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import httpx
import pytest
from PySide6.QtGui import QImage

from prompt_studio.store.examples import EXAMPLE_PROMPTS
from tests.support.server_process import running_server

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]  # the first test waits for the build (about a minute)

ROOT = Path(__file__).resolve().parents[2]
VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
UNUSED_QT = ("Qml", "Quick", "Designer", "Pdf", "Help", "Sql", "Test", "Multimedia", "WebEngine", "3D", "Charts")
"""Parts of Qt that PySide6-Essentials ships and Prompt Studio never imports: the bundle must leave them out."""


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Path:
    """dist/prompt-studio as ./scripts/bundle builds it from this tree, in a temporary folder."""
    where = tmp_path_factory.mktemp("bundle")
    built = subprocess.run(
        [str(ROOT / "scripts" / "bundle"), "--distpath", str(where / "dist"), "--workpath", str(where / "work")],
        env=dict(os.environ, PYTHON=sys.executable), capture_output=True, text=True, timeout=800,
    )
    assert built.returncode == 0, f"{built.stdout[-3000:]}\n{built.stderr[-3000:]}"
    return where / "dist" / "prompt-studio"


@pytest.fixture
def clean_environment(tmp_path) -> dict[str, str]:
    """What a desktop session gives a program, and nothing of this Python: a new home, the system's PATH only."""
    home = tmp_path / "home"
    home.mkdir()
    return {"PATH": "/usr/bin:/bin", "HOME": str(home), "LANG": "C.UTF-8", "QT_QPA_PLATFORM": "offscreen"}


def run_bundled(bundle: Path, environment: dict[str, str], *arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(bundle / "prompt-studio"), *arguments], env=environment, cwd=environment["HOME"],
                          capture_output=True, text=True, timeout=120)


def test_the_bundle_holds_the_executable_the_icon_the_desktop_entry_and_no_unused_qt(bundle):
    assert os.access(bundle / "prompt-studio", os.X_OK)
    assert (bundle / "prompt-studio.svg").read_bytes() == (ROOT / "resources" / "prompt-studio.svg").read_bytes()
    assert "Exec=prompt-studio" in (bundle / "prompt-studio.desktop").read_text(encoding="utf-8")
    qt_libraries = [path.name for path in bundle.rglob("libQt6*.so*")]
    assert "libQt6Widgets.so.6" in qt_libraries
    assert [name for name in qt_libraries if any(part in name for part in UNUSED_QT)] == []
    internal = bundle / "_internal"
    assert not (internal / "PySide6" / "Qt" / "translations").exists()
    assert [path.name for path in internal.iterdir() if path.name.startswith(("pytest", "hypothesis", "PyInstaller",
                                                                              "langwatch", "schemathesis"))] == []


def test_version_runs_without_any_python_environment(bundle, clean_environment):
    shown = run_bundled(bundle, clean_environment, "--version")
    assert (shown.returncode, shown.stdout) == (0, f"prompt-studio {VERSION}\n"), shown.stderr


def test_started_on_a_new_data_folder_it_opens_the_local_library(bundle, clean_environment, tmp_path):
    picture = tmp_path / "window.png"
    started = run_bundled(bundle, clean_environment, "--data-dir", str(tmp_path / "new"), "--screenshot", str(picture))
    assert started.returncode == 0, started.stderr
    assert started.stdout == f"Saved {picture}: Prompt Studio - Local library, {len(EXAMPLE_PROMPTS)} prompts\n"
    assert (tmp_path / "new" / "library.sqlite3").is_file()
    image = QImage(str(picture))
    assert image.width() >= 640 and image.height() >= 480


def test_it_serves_the_library_with_nothing_loaded_from_this_python(bundle, clean_environment, tmp_path):
    with running_server(tmp_path / "served", program=[str(bundle / "prompt-studio")],
                        environment=clean_environment) as server:
        listed = httpx.get(f"{server.url}/api/prompts", headers={"X-Auth-Token": server.api_key}, timeout=10)
        mapped = Path(f"/proc/{server.process.pid}/maps").read_text(encoding="utf-8")
    assert listed.status_code == 200
    assert {prompt["handle"] for prompt in listed.json()} == {example.handle for example in EXAMPLE_PROMPTS}
    files = {line.split(maxsplit=5)[5] for line in mapped.splitlines() if len(line.split(maxsplit=5)) == 6}
    ours = {Path(sys.prefix).resolve(), Path(sys.base_prefix).resolve()}
    assert [file for file in files if ours & set(Path(file).parents)] == []
    assert any(str(bundle) in file for file in files)
