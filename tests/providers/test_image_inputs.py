"""An image input in Try it: a web address or a file from this computer, named in the text, sent as an image part
of the message that reads it (checked on the wire of the fake OpenAI server)."""

from __future__ import annotations

import base64

from PySide6.QtWidgets import QLineEdit

from prompt_studio.paths import DataPaths
from prompt_studio.providers import save_settings, settings_file
from prompt_studio.services.trying import Trials
from prompt_studio.ui.try_it_panel import TryItPanel
from tests.ui.conftest import qt_loop, run_async  # noqa: F401  (the qasync fixtures, borrowed)

PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5E"
                       "rkJggg==")
CONFIG = {"prompt": "You read receipts.", "model": "openai/gpt-4o-mini",
          "messages": [{"role": "user", "content": "What is the total on {{ receipt }}?"}],
          "inputs": [{"identifier": "receipt", "type": "image"}], "outputs": [{"identifier": "o", "type": "str"}]}


def _panel(qtbot, tmp_path, fakes):
    paths = DataPaths.resolve(tmp_path / "app")
    save_settings(settings_file(paths), fakes.settings)
    trials = Trials(paths, fakes.secrets)
    panel = TryItPanel(trials=trials)
    qtbot.addWidget(panel)
    panel.show()
    panel.show_prompt(CONFIG)
    return panel, trials


def test_an_image_address_is_named_in_the_text_and_sent_beside_it(qtbot, run_async, tmp_path, fakes):  # noqa: F811
    panel, trials = _panel(qtbot, tmp_path, fakes)
    field = panel.findChild(QLineEdit, "sampleInputField_receipt")
    qtbot.keyClicks(field, "receipt.png")
    problem = panel.inputs["receipt"].problem
    assert not problem.isHidden() and "web address" in problem.text(), "a bare name is no image"
    field.clear()
    qtbot.keyClicks(field, "https://example.com/receipt.png")
    assert problem.isHidden()
    panel.refresh()
    preview = panel.preview.toPlainText()
    assert "What is the total on [image receipt]?" in preview
    assert "+ an image: https://example.com/receipt.png" in preview

    with qtbot.waitSignal(panel.sig_run_finished, timeout=10000) as finished:
        panel.run()
    assert finished.args[0].ok
    assert fakes.fake.last.body["messages"][1]["content"] == [
        {"type": "text", "text": "What is the total on [image receipt]?"},
        {"type": "image_url", "image_url": {"url": "https://example.com/receipt.png"}},
    ]
    run_async(trials.aclose())


def test_an_image_file_is_sent_as_its_bytes(qtbot, run_async, tmp_path, fakes):  # noqa: F811
    panel, trials = _panel(qtbot, tmp_path, fakes)
    image = tmp_path / "receipt.png"
    image.write_bytes(PNG)
    assert run_async(panel.inputs["receipt"].choose_file(image))
    assert panel.findChild(QLineEdit, "sampleInputField_receipt").text() == str(image)
    panel.refresh()
    assert f"+ an image: a PNG file of {len(PNG)} bytes" in panel.preview.toPlainText()
    with qtbot.waitSignal(panel.sig_run_finished, timeout=10000):
        panel.run()
    sent = fakes.fake.last.body["messages"][1]["content"][1]["image_url"]["url"]
    assert sent == "data:image/png;base64," + base64.b64encode(PNG).decode()

    notes = tmp_path / "notes.txt"
    notes.write_text("not an image")
    assert not run_async(panel.inputs["receipt"].choose_file(notes))
    assert "notes.txt is not an image file" in panel.inputs["receipt"].problem.text()
    run_async(trials.aclose())
