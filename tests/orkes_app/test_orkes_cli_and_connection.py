"""`prompt-studio --orkes URL --key-id-env VAR --key-secret-env VAR`, and adding an Orkes server in the dialog."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QDialogButtonBox

from prompt_studio import app, cli
from prompt_studio.paths import DataPaths
from prompt_studio.services.connector import AppConnector, orkes_connection
from prompt_studio.services.secrets import SecretStore
from prompt_studio.ui.connection_dialog import ConnectionDialog
from tests.orkes_app.conftest import KEY_ID, KEY_SECRET


def test_the_orkes_flags_read_the_keys_from_the_environment(monkeypatch):
    seen = {}
    monkeypatch.setattr(app, "run_app", lambda **arguments: seen.update(arguments) or 0)
    monkeypatch.setenv("ORKES_ID", "the-id")
    monkeypatch.setenv("ORKES_SECRET", "the-secret")
    assert cli.main(["--orkes", "https://acme.orkesconductor.io", "--key-id-env", "ORKES_ID",
                     "--key-secret-env", "ORKES_SECRET"]) == 0
    assert (seen["orkes_url"], seen["orkes_key_id"], seen["orkes_key_secret"]) == (
        "https://acme.orkesconductor.io", "the-id", "the-secret"
    )
    connection = orkes_connection("https://acme.orkesconductor.io/api/", "the-id")
    assert (connection.kind, connection.url, connection.key_id) == ("orkes", "https://acme.orkesconductor.io", "the-id")


@pytest.mark.parametrize(("arguments", "complaint"), [
    (["--orkes", "https://acme.orkesconductor.io"], "--orkes needs --key-id-env"),
    (["--orkes", "https://acme.orkesconductor.io", "--key-id-env", "ORKES_ID", "--key-secret-env", "UNSET_VAR"],
     "UNSET_VAR is empty or not set"),
])
def test_the_orkes_flags_refuse_missing_keys(arguments, complaint, monkeypatch, capsys):
    monkeypatch.setenv("ORKES_ID", "the-id")
    monkeypatch.delenv("UNSET_VAR", raising=False)
    with pytest.raises(SystemExit):
        cli.main(arguments)
    assert complaint in capsys.readouterr().err


def test_adding_an_orkes_server_tests_it_and_keeps_the_secret_out_of_the_settings(qtbot, run_async, tmp_path,
                                                                                    orkes):
    paths = DataPaths.resolve(tmp_path / "app")
    connector = AppConnector(paths, SecretStore(paths.fallback_secrets, use_keyring=False))
    dialog = ConnectionDialog(None, connector.probe, connector.secrets_where, orkes_probe=connector.probe_orkes)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.kind_field.setCurrentIndex(dialog.kind_field.findData("orkes"))
    assert dialog.key_id_edit.isVisibleTo(dialog) and not dialog.project_edit.isVisibleTo(dialog)
    assert dialog.url_edit.text() == ""
    qtbot.keyClicks(dialog.name_edit, "Orkes team")
    qtbot.keyClicks(dialog.url_edit, orkes.url + "/api")
    qtbot.keyClicks(dialog.key_id_edit, KEY_ID)
    qtbot.keyClicks(dialog.key_edit, "wrong-secret")
    dialog.test_button.click()
    qtbot.waitUntil(lambda: dialog.result_label.text().startswith("✗"), timeout=10000)
    assert "wrong-secret" not in dialog.result_label.text()
    dialog.key_edit.clear()
    qtbot.keyClicks(dialog.key_edit, KEY_SECRET)
    dialog.test_button.click()
    qtbot.waitUntil(lambda: dialog.result_label.text().startswith("✓"), timeout=10000)
    assert dialog.buttons.button(QDialogButtonBox.StandardButton.Save).isEnabled()

    run_async(connector.add(dialog.connection, dialog.api_key))
    assert dialog.connection.url == orkes.url
    saved = [connection for connection in connector.connections() if connection.kind == "orkes"]
    assert [(connection.key_id, connection.url) for connection in saved] == [(KEY_ID, orkes.url)]
    assert KEY_SECRET not in paths.connections.read_text()
    assert connector.secrets.get(saved[0].id) == KEY_SECRET
    workspace = run_async(connector.open(saved[0]))
    assert run_async(workspace.service.list_prompts()) == []
    run_async(connector.close(workspace))
