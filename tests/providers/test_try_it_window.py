"""Try it in the real window, against the fake OpenAI server: the answer streams in piece by piece, Stop ends it,
and a rejected key is said in plain words next to the answer."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel, QPlainTextEdit

from prompt_studio.paths import DataPaths
from prompt_studio.providers import save_settings, settings_file
from prompt_studio.services.trying import Trials
from tests.providers.window_support import try_it_window
from tests.ui.conftest import qt_loop, run_async  # noqa: F401  (the qasync fixtures, borrowed)


def test_a_run_streams_the_answer_in_pieces_with_its_figures(qtbot, run_async, tmp_path, fakes):  # noqa: F811
    fakes.fake.script.delay = 0.05
    window, trials = try_it_window(qtbot, run_async, tmp_path / "app", fakes)
    panel = window.try_it
    panel.findChild(QPlainTextEdit, "sampleInputField_product").setPlainText("Acme Mail")
    answer = panel.findChild(QPlainTextEdit, "runAnswer")
    seen: list[str] = []
    answer.textChanged.connect(lambda: seen.append(answer.toPlainText()))

    qtbot.keyClick(window, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    with qtbot.waitSignal(panel.sig_run_finished, timeout=10000) as finished:
        pass

    assert answer.toPlainText() == "Arr, yer refund be on its way."
    assert len({text for text in seen if text}) >= 2, "at least two partial states before the end"
    summary = finished.args[0]
    assert summary.ok and summary.model == "gpt-5"
    sent = fakes.fake.last.body
    assert sent["model"] == "gpt-5" and sent["stream"] is True, "the prefix is stripped on the wire"
    assert "support tickets for Acme Mail." in sent["messages"][0]["content"]
    stats = panel.findChild(QLabel, "runStats").text()
    assert "to the first token" in stats and "tokens" in stats and "finished: stop" in stats
    run_async(trials.aclose())


def test_stop_ends_a_long_answer_at_once(qtbot, run_async, tmp_path, fakes):  # noqa: F811
    fakes.fake.script.delay = 0.3
    fakes.fake.script.tokens = [f"word{number} " for number in range(40)]
    window, trials = try_it_window(qtbot, run_async, tmp_path / "app", fakes)
    panel = window.try_it
    answer = panel.findChild(QPlainTextEdit, "runAnswer")
    panel.run()
    qtbot.waitUntil(lambda: "word1" in answer.toPlainText(), timeout=10000)
    with qtbot.waitSignal(panel.sig_run_finished, timeout=5000):
        panel.stop_button.click()
    stopped_at = answer.toPlainText()
    qtbot.wait(700)  # the point of the test: nothing more arrives after Stop, even given time
    assert answer.toPlainText() == stopped_at and "word39" not in stopped_at
    assert panel.findChild(QLabel, "runStats").text().startswith("Stopped")
    assert panel.run_button.isEnabled()
    run_async(trials.aclose())


def test_a_rejected_key_is_said_next_to_the_answer(qtbot, run_async, tmp_path, fakes):  # noqa: F811
    fakes.secrets.set("model-provider:openai", "sk-wrong")
    window, trials = try_it_window(qtbot, run_async, tmp_path / "app", fakes)
    panel = window.try_it
    with qtbot.waitSignal(panel.sig_run_finished, timeout=10000):
        panel.run()
    stats = panel.findChild(QLabel, "runStats").text()
    assert stats == "The provider rejected the key for OpenAI. Check it in Model providers."
    assert "sk-wrong" not in stats
    run_async(trials.aclose())


def test_file_model_providers_opens_the_dialog_on_the_apps_settings(qtbot, run_async, tmp_path, fakes):  # noqa: F811
    from PySide6.QtWidgets import QDialog

    window, trials = try_it_window(qtbot, run_async, tmp_path / "app", fakes)
    assert window.model_providers_action in window.file_menu.actions()
    dialog = run_async(window.edit_model_providers())
    assert dialog is window.findChild(QDialog, "modelProvidersDialog") and dialog.isVisible()
    dialog.reject()
    run_async(trials.aclose())


async def test_the_key_of_a_run_is_read_off_the_event_loops_thread(tmp_path, fakes):
    import threading

    from prompt_studio.rendering import preview_messages, templates_of_config

    readers = []

    class Watched:
        def get(self, name):
            readers.append(threading.current_thread())
            return fakes.secrets.get(name)

    paths = DataPaths.resolve(tmp_path / "app")
    save_settings(settings_file(paths), fakes.settings)
    trials = Trials(paths, Watched())
    config = {"prompt": "Hi", "model": "openai/gpt-5", "outputs": [{"identifier": "o", "type": "str"}]}
    events = [event async for event in trials.run(config, preview_messages(templates_of_config(config), {}))]
    await trials.aclose()
    assert events[-1].ok
    assert readers and all(thread is not threading.main_thread() for thread in readers)


def test_a_model_named_without_a_provider_runs_on_the_default_one(qtbot, run_async, tmp_path, fakes):  # noqa: F811
    """Chosen in Preferences, and kept in the providers' file."""
    window, trials = try_it_window(qtbot, run_async, tmp_path / "app", fakes)
    model = window.editor.findChild(QComboBox, "modelField")
    model.setEditText("gpt-5")
    panel = window.try_it
    with qtbot.waitSignal(panel.sig_run_finished, timeout=10000) as finished:
        panel.run()
    assert "choose a default model provider in Preferences" in finished.args[0].error.message

    dialog = run_async(window.show_preferences())
    dialog.provider_choice.setCurrentIndex(dialog.provider_choice.findData("openai"))
    qtbot.waitUntil(lambda: not window.tasks.is_running("providers"), timeout=5000)
    with qtbot.waitSignal(panel.sig_run_finished, timeout=10000) as finished:
        panel.run()
    assert finished.args[0].ok and fakes.fake.last.body["model"] == "gpt-5"
    assert fakes.fake.last.path.startswith("/openai/"), "on the OpenAI provider's address"
    dialog.close()
    run_async(trials.aclose())
