"""Model providers: the list, Add / Remove, Test against the fake OpenAI server, and Save (settings file + keys)."""

from __future__ import annotations

import json

import pytest
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox, QWidget

from prompt_studio.providers import ProvidersSettings, key_id, load_settings
from prompt_studio.services.secrets import SecretStore
from prompt_studio.ui.model_providers_dialog import ModelProvidersDialog, ProvidersTableModel
from tests.providers.conftest import fakes, providers_server  # noqa: F401  (the fake OpenAI server)
from tests.providers.fakes import OPENAI_KEY

BAD_KEY = "sk-bad-key-91c0d"


@pytest.fixture
def store(tmp_path) -> SecretStore:
    return SecretStore(tmp_path / "secrets.json", use_keyring=False)


@pytest.fixture
def open_dialog(qtbot, qt_loop, tmp_path, store):
    def make(settings: ProvidersSettings | None = None) -> ModelProvidersDialog:
        dialog = ModelProvidersDialog(None, settings or ProvidersSettings(), store,
                                      settings_path=tmp_path / "model_providers.json")
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitUntil(lambda: dialog.keys_read, timeout=5000)
        return dialog

    return make


def _prefixes(dialog: ModelProvidersDialog) -> list[str]:
    model = dialog.providers_model
    return [model.data(model.index(row, 0)) for row in range(model.rowCount())]


def _select(dialog: ModelProvidersDialog, prefix: str) -> None:
    row = dialog.providers_model.row_of(prefix)
    assert row >= 0, f"{prefix}/ is not in the list"
    dialog.providers_view.setCurrentIndex(dialog.providers_model.index(row, 0))


def _add(qtbot, dialog: ModelProvidersDialog, prefix: str, url: str) -> None:
    dialog.new_prefix_edit.clear()
    qtbot.keyClicks(dialog.new_prefix_edit, prefix)
    dialog.new_url_edit.clear()
    qtbot.keyClicks(dialog.new_url_edit, url)
    dialog.add_button.click()


def _everything_shown(dialog: ModelProvidersDialog) -> str:
    """Every label's text and every widget's tooltip, and every cell of the list."""
    texts = [label.text() for label in dialog.findChildren(QLabel)]
    texts += [widget.toolTip() for widget in dialog.findChildren(QWidget)]
    model = dialog.providers_model
    texts += [str(model.data(model.index(row, column))) for row in range(model.rowCount())
              for column in range(model.columnCount())]
    return "\n".join(texts)


def _test_and_wait(qtbot, dialog: ModelProvidersDialog) -> str:
    dialog.test_button.click()
    assert dialog.test_result.text() == "Testing…"
    qtbot.waitUntil(lambda: dialog.test_result.text()[:1] in ("✓", "✗"), timeout=10000)
    return dialog.test_result.text()


def test_the_list_shows_every_built_in_provider_and_no_key(open_dialog, qtmodeltester):
    dialog = open_dialog()
    assert dialog.objectName() == "modelProvidersDialog"
    assert _prefixes(dialog)[:3] == ["openai/", "anthropic/", "azure/"]
    assert "ollama/" in _prefixes(dialog)
    qtmodeltester.check(dialog.providers_model)

    _select(dialog, "ollama")
    assert dialog.key_note.text() == "No key needed (local server)"
    _select(dialog, "azure")
    assert dialog.api_version_edit.isVisibleTo(dialog)
    _select(dialog, "openai")
    assert not dialog.api_version_edit.isVisibleTo(dialog)
    assert not dialog.remove_button.isEnabled(), "a built-in provider not changed has nothing to remove"


def test_openai_key_from_the_environment_is_said(open_dialog, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-from-the-environment")
    dialog = open_dialog()
    _select(dialog, "openai")
    assert dialog.key_note.text() == "Using the environment variable OPENAI_API_KEY"
    assert "sk-from-the-environment" not in _everything_shown(dialog)


def test_a_user_defined_prefix_is_tested_against_its_server(qtbot, open_dialog, fakes, screenshots):  # noqa: F811
    dialog = open_dialog()
    _add(qtbot, dialog, "ollama/", fakes.openai_url)
    assert dialog.add_problem_label.text() == ""
    assert dialog._selected().prefix == "ollama"
    assert dialog.url_edit.text() == fakes.openai_url
    assert dialog.remove_button.isEnabled()

    qtbot.keyClicks(dialog.key_edit, OPENAI_KEY)
    assert dialog.key_note.text() == f"Kept in {dialog._secrets.where} when you save."
    assert _test_and_wait(qtbot, dialog) == "✓ It works: 2 models (model-a, model-b)."
    assert fakes.fake.last.path == "/openai/v1/models"
    assert fakes.fake.last.headers["authorization"] == f"Bearer {OPENAI_KEY}"
    assert OPENAI_KEY not in _everything_shown(dialog)
    screenshots.take(dialog, "model-providers-dialog.png")

    dialog.key_edit.clear()
    qtbot.keyClicks(dialog.key_edit, BAD_KEY)
    assert _test_and_wait(qtbot, dialog) == (
        "✗ The provider rejected the key for Ollama. Check it in Model providers.")
    assert "Incorrect API key" in dialog.test_result.toolTip(), "the provider's own words stay at hand"
    assert BAD_KEY not in _everything_shown(dialog)


def test_a_server_that_is_not_running_is_said_in_plain_words(qtbot, open_dialog, fakes):  # noqa: F811
    dialog = open_dialog()
    _add(qtbot, dialog, "slow", "http://127.0.0.1:9/v1")  # nothing listens on the discard port
    dialog.test_button.click()
    qtbot.waitUntil(lambda: dialog.test_result.text().startswith("✗"), timeout=10000)
    assert dialog.test_result.text() == (
        "✗ Could not reach slow. Check that it is running and its address in Model providers.")


@pytest.mark.parametrize(("prefix", "problem"), [
    ("", "Enter a prefix, for example ollama."),
    ("My.Server", "A prefix uses only lowercase letters, digits, '-' and '_'."),
    ("with space", "A prefix uses only lowercase letters, digits, '-' and '_'."),
    ("mine", "There is already a provider mine/. Select it in the list to change it."),
])
def test_a_prefix_is_checked(qtbot, open_dialog, prefix, problem):
    dialog = open_dialog()
    _add(qtbot, dialog, "mine", "http://localhost:8080/v1")
    rows = dialog.providers_model.rowCount()
    _add(qtbot, dialog, prefix, "http://localhost:8081/v1")
    assert dialog.add_problem_label.text() == problem
    assert dialog.providers_model.rowCount() == rows


def test_a_base_url_is_checked(qtbot, open_dialog):
    dialog = open_dialog()
    _add(qtbot, dialog, "local", "localhost:8080")
    assert dialog.add_problem_label.text() == "The address must start with http:// or https://"
    _select(dialog, "ollama")
    dialog.url_edit.clear()
    qtbot.keyClicks(dialog.url_edit, "ftp://here")
    assert dialog.form_problem_label.text() == "The address must start with http:// or https://"
    assert not dialog.save_button.isEnabled()
    dialog.url_edit.clear()
    qtbot.keyClicks(dialog.url_edit, "http://gpu-box:11434/v1")
    assert dialog.form_problem_label.text() == ""
    assert dialog.save_button.isEnabled()
    assert dialog.settings.find("ollama").base_url == "http://gpu-box:11434/v1"


def _question(dialog: ModelProvidersDialog) -> QMessageBox | None:
    box = dialog.findChild(QMessageBox, "removeProviderQuestion")
    return box if box is not None and box.isVisible() else None


def test_remove_asks_with_cancel_as_the_default(qtbot, open_dialog):
    dialog = open_dialog()
    _add(qtbot, dialog, "mine", "http://localhost:8080/v1")
    dialog.remove_button.click()
    qtbot.waitUntil(lambda: _question(dialog) is not None, timeout=5000)
    box = _question(dialog)
    assert box.text() == "Remove mine/ (mine)?"
    assert box.defaultButton().objectName() == "cancelRemoveProviderButton"
    assert box.escapeButton() is box.defaultButton()
    box.defaultButton().click()
    qtbot.waitUntil(lambda: not dialog.tasks.is_running("remove"), timeout=5000)
    assert "mine/" in _prefixes(dialog)

    dialog.remove_button.click()
    qtbot.waitUntil(lambda: _question(dialog) is not None, timeout=5000)
    _question(dialog).findChild(QWidget, "confirmRemoveProviderButton").click()
    qtbot.waitUntil(lambda: "mine/" not in _prefixes(dialog), timeout=5000)
    assert dialog.settings.find("mine") is None


def test_save_writes_the_file_and_the_key_and_never_the_key_in_the_file(qtbot, open_dialog, store, tmp_path):
    store.set(key_id("gone"), "sk-old-key-of-a-removed-one")
    dialog = open_dialog(ProvidersSettings.model_validate(
        {"providers": [{"prefix": "gone", "kind": "openai_compatible", "base_url": "http://localhost:1/v1"}]}))
    _select(dialog, "gone")
    assert dialog.key_note.text().startswith(f"Kept in {store.where}")
    assert "sk-old-key" not in _everything_shown(dialog)
    dialog.remove_button.click()
    qtbot.waitUntil(lambda: _question(dialog) is not None, timeout=5000)
    _question(dialog).findChild(QWidget, "confirmRemoveProviderButton").click()
    qtbot.waitUntil(lambda: "gone/" not in _prefixes(dialog), timeout=5000)

    _add(qtbot, dialog, "groqish", "https://api.example.com/openai/v1")
    qtbot.keyClicks(dialog.key_edit, "sk-secret-groqish-4471")
    _select(dialog, "anthropic")
    qtbot.keyClicks(dialog.key_edit, "sk-ant-secret-0042")

    with qtbot.waitSignal(dialog.sig_saved, timeout=5000) as saved:
        dialog.save_button.click()
    assert dialog.result() == ModelProvidersDialog.DialogCode.Accepted
    path = tmp_path / "model_providers.json"
    text = path.read_text()
    assert "sk-secret" not in text and "sk-ant" not in text
    assert [p["prefix"] for p in json.loads(text)["providers"]] == ["groqish"]
    assert load_settings(path) == saved.args[0]
    assert store.get(key_id("groqish")) == "sk-secret-groqish-4471"
    assert store.get(key_id("anthropic")) == "sk-ant-secret-0042"
    assert store.get(key_id("gone")) is None


def test_forget_the_key(qtbot, open_dialog, store):
    store.set(key_id("openai"), "sk-kept-openai-key")
    dialog = open_dialog()
    _select(dialog, "openai")
    assert dialog.forget_key_button.isEnabled()
    dialog.forget_key_button.click()
    assert dialog.key_note.text() == "The kept key will be forgotten when you save."
    with qtbot.waitSignal(dialog.sig_saved, timeout=5000):
        dialog.save_button.click()
    assert store.get(key_id("openai")) is None


def test_cancel_writes_nothing(qtbot, open_dialog, store, tmp_path):
    dialog = open_dialog()
    _add(qtbot, dialog, "mine", "http://localhost:8080/v1")
    qtbot.keyClicks(dialog.key_edit, "sk-never-saved")
    dialog.reject()
    QApplication.processEvents()
    assert not (tmp_path / "model_providers.json").exists()
    assert store.get(key_id("mine")) is None


def test_every_control_has_a_name(open_dialog):
    dialog = open_dialog()
    for widget in dialog.findChildren(QWidget):
        if widget.metaObject().className() in ("QLineEdit", "QPushButton", "QTableView", "QLabel"):
            if isinstance(widget, QLabel) and widget.buddy() is None and not widget.objectName():
                continue  # the form's row labels
            if not widget.objectName() or widget.objectName().startswith("qt_"):
                continue
            assert widget.accessibleName(), widget.objectName()
    for name in ("providersList", "providerBaseUrl", "providerApiVersion", "providerKey", "testProviderButton",
                 "addProviderButton", "removeProviderButton", "newProviderPrefix", "newProviderBaseUrl",
                 "saveProvidersButton", "providerKeyNote", "providerTestResult"):
        assert dialog.findChild(QWidget, name) is not None, name
    assert isinstance(dialog.providers_model, ProvidersTableModel)
