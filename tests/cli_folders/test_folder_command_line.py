"""`prompt-studio --folder DIR --server URL --api-key-env VAR`, and the folder workspace it composes."""

from __future__ import annotations

import pytest

from prompt_studio import app, cli
from prompt_studio.paths import DataPaths
from prompt_studio.services.connections import folder_connection
from prompt_studio.services.connector import AppConnector, langwatch_connection
from prompt_studio.services.secrets import SecretStore


def test_the_folder_flag_finds_the_project_from_a_folder_inside_it(monkeypatch, tmp_path):
    (tmp_path / "project" / "prompts").mkdir(parents=True)
    (tmp_path / "project" / "prompts.json").write_text('{"prompts": {}}\n', encoding="utf-8")
    seen = {}
    monkeypatch.setattr(app, "run_app", lambda **arguments: seen.update(arguments) or 0)
    monkeypatch.setenv("TEAM_KEY", "sk-lw-secret")

    assert cli.main(["--folder", str(tmp_path / "project" / "prompts"), "--server", "http://127.0.0.1:9",
                     "--api-key-env", "TEAM_KEY"]) == 0

    assert (seen["folder"], seen["server_url"], seen["api_key"]) == (
        str(tmp_path / "project"), "http://127.0.0.1:9", "sk-lw-secret")


@pytest.mark.parametrize(("arguments", "complaint"), [
    (["--folder", "{tmp}"], "--folder needs --server URL and --api-key-env VAR"),
    (["--folder", "{tmp}", "--server", "http://127.0.0.1:9", "--api-key-env", "TEAM_KEY"],
     "there is no prompts.json in"),
])
def test_the_folder_flag_refuses_what_it_cannot_open(arguments, complaint, monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("TEAM_KEY", "sk-lw-secret")
    with pytest.raises(SystemExit):
        cli.main([argument.format(tmp=tmp_path) for argument in arguments])
    assert complaint in capsys.readouterr().err


@pytest.mark.slow
async def test_a_folder_opens_with_the_key_of_its_connection_and_keeps_its_own_drafts(tmp_path, project, cli, server):
    paths = DataPaths.resolve(tmp_path / "app")
    connector = AppConnector(paths, SecretStore(paths.fallback_secrets, use_keyring=False))
    saved = langwatch_connection(server.url)
    connector.use_for_this_session(saved, server.api_key)
    connection = folder_connection(project, saved)
    connector.use_for_this_session(connection)

    workspace = await connector.open(connection)
    try:
        assert [prompt.handle for prompt in await workspace.service.list_prompts()] == ["greeter"]
    finally:
        await connector.close(workspace)
    assert connection in connector.connections()
    server_workspace = await connector.open(saved)
    await connector.close(server_workspace)
    assert workspace.drafts.folder != server_workspace.drafts.folder
    assert workspace.drafts.folder.name == "folder%3A" + str(project).replace("/", "%2F")
