"""The official LangWatch CLI (npm `langwatch` 0.16.1) syncs a local prompt to `prompt-studio serve`.

A second `prompt sync` of an unchanged file must leave the server alone: no new version (the CLI's own server
used to create one on every run because of false differences).
"""

from __future__ import annotations

import json

import httpx
import pytest

from tests.support.official_cli import OfficialCli

pytestmark = pytest.mark.slow


@pytest.mark.timeout(900)
def test_the_official_cli_syncs_a_local_prompt_once(server, tmp_path):
    """The first run may install the CLI from npm, hence the longer timeout."""
    workdir = tmp_path / "project"
    workdir.mkdir()
    cli = OfficialCli(workdir, server, tmp_path)

    cli("prompt", "init")
    cli("prompt", "create", "greeter")
    assert (workdir / "prompts" / "greeter.prompt.yaml").exists()
    cli("prompt", "sync")

    with httpx.Client(base_url=server.url, headers={"X-Auth-Token": server.api_key}, trust_env=False) as client:
        synced = client.get("/api/prompts/greeter")
        assert synced.status_code == 200, synced.text
        assert (synced.json()["version"], synced.json()["handle"]) == (1, "greeter")
        lock = json.loads((workdir / "prompts-lock.json").read_text(encoding="utf-8"))
        assert lock["prompts"]["greeter"]["version"] == 1
        assert lock["prompts"]["greeter"]["versionId"] == synced.json()["versionId"]

        cli("prompt", "sync")
        versions = client.get("/api/prompts/greeter/versions")
        assert [version["version"] for version in versions.json()] == [1]

        prompt_file = workdir / "prompts" / "greeter.prompt.yaml"
        original = prompt_file.read_text(encoding="utf-8")
        assert "model: openai/gpt-5\n" in original
        prompt_file.write_text(original.replace("model: openai/gpt-5\n", "model: openai/gpt-5-mini\n"), "utf-8")
        cli("prompt", "sync")
        latest = client.get("/api/prompts/greeter").json()
        assert (latest["version"], latest["model"]) == (2, "openai/gpt-5-mini")
    assert cli.reached_outside == ""
