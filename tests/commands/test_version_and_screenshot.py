"""`prompt-studio --version` from a tree that was never installed, and `--screenshot` from this tree."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from prompt_studio.cli import main as cli_main
from prompt_studio.store.examples import EXAMPLE_PROMPTS

ROOT = Path(__file__).resolve().parents[2]


def test_a_tree_never_installed_gives_its_own_version_and_says_so(monkeypatch, capsys):
    def not_installed(distribution):
        raise metadata.PackageNotFoundError(distribution)

    monkeypatch.setattr(metadata, "version", not_installed)
    with pytest.raises(SystemExit) as exited:
        cli_main(["--version"])
    version = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    assert exited.value.code == 0
    assert capsys.readouterr().out == f"prompt-studio {version} (source tree, not installed)\n"


def run_app(*arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "prompt_studio", *arguments], capture_output=True, text=True,
                          env=dict(os.environ, QT_QPA_PLATFORM="offscreen"), timeout=60)


def test_screenshot_saves_the_window_once_the_library_is_listed_then_quits(tmp_path):
    picture = tmp_path / "window.png"
    started = run_app("--data-dir", str(tmp_path / "data"), "--screenshot", str(picture))
    assert started.returncode == 0, started.stderr
    assert started.stdout == f"Saved {picture}: Prompt Studio - Local library, {len(EXAMPLE_PROMPTS)} prompts\n"
    image = QImage(str(picture))
    assert image.width() >= 640 and image.height() >= 480


def test_screenshot_to_a_folder_that_does_not_exist_says_so_and_fails(tmp_path):
    picture = tmp_path / "missing" / "window.png"
    started = run_app("--data-dir", str(tmp_path / "data"), "--screenshot", str(picture))
    assert (started.returncode, started.stdout) == (1, "")
    assert f"Cannot save a picture to {picture}" in started.stderr
