"""Adding a LangWatch server: the dialog, "Test connection", where the key goes, and drafts kept apart."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QDialogButtonBox

from prompt_studio.models.draft import Draft
from prompt_studio.services.connections import LOCAL_LIBRARY
from prompt_studio.ui.connection_dialog import ConnectionDialog
from tests.ui.main_window_support import make_connector, open_window, server_connection


@pytest.fixture(scope="module")
def server(module_server):
    """One server for the module: these tests only read from it (the prompt count, the key check)."""
    return module_server


def _fill(qtbot, dialog: ConnectionDialog, url: str, key: str) -> None:
    qtbot.keyClicks(dialog.name_edit, "Team workspace")
    dialog.url_edit.clear()
    qtbot.keyClicks(dialog.url_edit, url)
    qtbot.keyClicks(dialog.key_edit, key)


def test_test_connection_answers_in_plain_words(qtbot, run_async, tmp_path, server, screenshots):
    connector, _ = make_connector(tmp_path / "app")
    dialog = ConnectionDialog(None, connector.probe, connector.secrets_where)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.url_edit.text() == "https://app.langwatch.ai"
    save = dialog.buttons.button(QDialogButtonBox.StandardButton.Save)
    assert not save.isEnabled()

    _fill(qtbot, dialog, server.url, "sk-lw-wrong-key")
    dialog.test_button.click()
    qtbot.waitUntil(lambda: dialog.result_label.text().startswith("✗"), timeout=10000)
    assert dialog.result_label.text() == (
        "✗ The server did not accept the API key. Check the key (and, for a key of the form sk-lw-<id>_<secret>, "
        "the project id).")
    assert "X-Auth-Token" in dialog.result_label.toolTip(), "the server's own words stay at hand"
    assert "sk-lw-wrong-key" not in dialog.result_label.text() + dialog.result_label.toolTip()

    dialog.key_edit.clear()
    qtbot.keyClicks(dialog.key_edit, server.api_key)
    dialog.test_button.click()
    qtbot.waitUntil(lambda: dialog.result_label.text().startswith("✓"), timeout=10000)
    assert "prompts" in dialog.result_label.text()
    assert save.isEnabled()
    assert dialog.name_edit.text() == "Team workspace" and dialog.url_edit.text() == server.url
    screenshots.take(dialog, "connection-dialog.png")
    assert dialog.objectName() == "connectionDialog"
    assert dialog.connection.url == server.url


def test_plain_http_to_another_machine_is_warned_about(qtbot, tmp_path):
    connector, _ = make_connector(tmp_path / "app")
    dialog = ConnectionDialog(None, connector.probe, connector.secrets_where)
    qtbot.addWidget(dialog)
    dialog.url_edit.setText("http://prompts.example.com")
    assert "unencrypted" in dialog.warning_label.text()
    dialog.url_edit.setText("http://127.0.0.1:5560")
    assert dialog.warning_label.text() == ""
    dialog.url_edit.setText("not an address")
    assert "Enter the server's address" in dialog.warning_label.text()
    assert not dialog.test_button.isEnabled()


async def test_a_saved_server_keeps_its_key_out_of_the_settings(tmp_path, server):
    connector, _ = make_connector(tmp_path / "app")
    connection = server_connection(server.url)
    await connector.add(connection, server.api_key)
    assert connection in connector.connections()
    for path in (tmp_path / "app").rglob("*"):
        if path.is_file() and path.name != "secrets.json":
            assert server.api_key not in path.read_text(errors="replace"), path
    assert connector.secrets.get(connection.id) == server.api_key


def test_switching_connection_keeps_each_ones_drafts_apart(qtbot, run_async, tmp_path, server):
    window = open_window(qtbot, run_async, tmp_path / "app")
    local_drafts = window.drafts
    local_drafts.save(Draft(handle="only-local", config={"prompt": "x"}))
    run_async(window.connector.add(server_connection(server.url), server.api_key))

    run_async(window.switch_connection(server_connection(server.url)))
    assert window.workspace.connection.url == server.url
    assert window.windowTitle() == "Prompt Studio - Test server"
    assert window.drafts.handles() == []
    assert window.prompt_model.rowCount() > 0

    run_async(window.switch_connection(LOCAL_LIBRARY))
    assert window.drafts.handles() == ["only-local"]
