"""Screenshots the tests take of what a user sees: each is checked, then saved under the test's tmp_path.

The tests never write into the repository. `scripts/screenshots` refreshes docs/screenshots/ on purpose: it sets
PROMPT_STUDIO_SCREENSHOTS_DIR, and every screenshot is then also copied there under its usual file name.

A test takes one with the `screenshots` fixture (tests/conftest.py provides it and marks the tests that use it
`screenshots`, which is how the script selects them):

    image = screenshots.take(window, "main-window.png")
"""

from __future__ import annotations

import os
import shutil
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QWidget

ENVIRONMENT_VARIABLE = "PROMPT_STUDIO_SCREENSHOTS_DIR"
"""When set, the folder every screenshot is also copied to (scripts/screenshots sets it to docs/screenshots)."""

MIN_COLOURS = 16
"""A real window has text, borders and icons: hundreds of distinct colours (anti-aliasing); a blank one has one."""
MAX_SHARE_OF_ONE_COLOUR = 0.95
"""The background of the screenshots in docs/ covers 50 to 85 % of them; nearly all of it means nothing was drawn."""


def _describe(widget: QWidget) -> str:
    return widget.objectName() or type(widget).__name__


def check_screenshot(widget: QWidget, path: Path) -> QImage:
    """Grab `widget` and save it as `path` (a PNG), after checking it shows something: the widget is visible and
    not empty, the image is not null, has the widget's size and is not one flat colour."""
    name = _describe(widget)
    assert widget.isVisible(), f"{name} is not visible: nothing to take a screenshot of"
    assert not widget.size().isEmpty(), f"{name} has an empty size {widget.width()}x{widget.height()}"
    QApplication.processEvents()  # pending layout requests, so that the grab shows the settled layout
    image = widget.grab().toImage()
    assert not image.isNull(), f"grabbing {name} gave a null image"
    ratio = image.devicePixelRatio()
    assert (round(image.width() / ratio), round(image.height() / ratio)) == (widget.width(), widget.height()), (
        f"the screenshot of {name} is {image.width()}x{image.height()}, the widget {widget.width()}x{widget.height()}"
    )
    pixels = memoryview(image.convertToFormat(QImage.Format.Format_RGB32).constBits()).cast("B").cast("I")
    colours = Counter(pixels)
    assert len(colours) >= MIN_COLOURS, f"the screenshot of {name} has only {len(colours)} colour(s): is it blank?"
    share = colours.most_common(1)[0][1] / len(pixels)
    assert share <= MAX_SHARE_OF_ONE_COLOUR, f"one colour covers {share:.0%} of the screenshot of {name}"
    path.parent.mkdir(parents=True, exist_ok=True)
    assert image.save(str(path)), f"could not save {path}"
    assert QImage(str(path)).size() == image.size(), f"{path} does not read back as the image saved"
    return image


def published_folder() -> Path | None:
    """Where screenshots are also copied to, if PROMPT_STUDIO_SCREENSHOTS_DIR says so."""
    folder = os.environ.get(ENVIRONMENT_VARIABLE, "").strip()
    return Path(folder) if folder else None


@dataclass
class Screenshots:
    """Takes a test's screenshots into `folder` (under its tmp_path), and copies them to the published folder."""

    folder: Path

    def take(self, widget: QWidget, name: str) -> QImage:
        """Check and save a screenshot of `widget` as `name` (e.g. "editor.png"); returns the image."""
        assert Path(name).name == name and name.endswith(".png"), f"{name!r}: a plain file name ending in .png"
        path = self.folder / name
        image = check_screenshot(widget, path)
        published = published_folder()
        if published is not None:
            published.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, published / name)
        return image


@pytest.fixture
def screenshots(tmp_path) -> Screenshots:
    """Screenshots saved under this test's tmp_path (and in $PROMPT_STUDIO_SCREENSHOTS_DIR when it is set)."""
    return Screenshots(tmp_path / "screenshots")
