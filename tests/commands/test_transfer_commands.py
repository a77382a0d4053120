"""`prompt-studio export` and `import`, whole processes: a library's prompts into an empty server and back, the
same content for every prompt; importing again changes nothing; a colleague's edit is a conflict, not overwritten;
a bad bundle writes nothing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from prompt_studio.api import LangWatchClient
from prompt_studio.models import ConfigData, SyncRequest
from tests.support.server_process import running_server

REPOSITORY = Path(__file__).resolve().parents[2]


def _cli(*arguments: str, key: str | None = None) -> subprocess.CompletedProcess:
    environment = {name: value for name, value in os.environ.items() if "proxy" not in name.lower()}
    if key is not None:
        environment["TEST_SERVER_KEY"] = key
    return subprocess.run([sys.executable, "-m", "prompt_studio", *arguments], capture_output=True, text=True,
                          env=environment, cwd=REPOSITORY, timeout=120)


def _server_options(server) -> list[str]:
    return ["--server", server.url, "--api-key-env", "TEST_SERVER_KEY"]


async def _content(server, handle: str) -> tuple[dict, dict]:
    async with LangWatchClient(server.url, server.api_key) as client:
        probe = await client.sync_prompt(handle, SyncRequest(config_data=ConfigData.model_validate(
            {"prompt": "", "model": "m", "outputs": [{"identifier": "o", "type": "str"}]})))
    info = probe.conflict_info
    return info.remote_config_data.to_wire(), info.remote_parameters or {}


def _two_prompts_of_our_own(data_dir: Path) -> None:
    from prompt_studio.models import CreatePromptBody
    from prompt_studio.paths import DataPaths
    from prompt_studio.store import PromptLibrary

    library = PromptLibrary(DataPaths.resolve(data_dir).library)
    try:
        for handle, text in (("team/refunds", "Refunds for {{ customer }}."), ("team/faq", "Answer the FAQ.")):
            library.create_prompt(CreatePromptBody(handle=handle, model="openai/gpt-5", prompt=text,
                                                   outputs=[{"identifier": "output", "type": "str"}]))
        config = ConfigData.model_validate({"prompt": "Refunds for {{ customer }}.", "model": "openai/gpt-5",
                                            "outputs": [{"identifier": "output", "type": "str"}], "top_p": 0.8,
                                            "reasoning_effort": "low"})
        library.sync_prompt("team/refunds", SyncRequest(config_data=config, parameters={"retries": 2},
                                                        local_version=1))
    finally:
        library.close()


async def test_a_library_goes_into_an_empty_server_and_comes_back_the_same(tmp_path):
    library = tmp_path / "library"
    _two_prompts_of_our_own(library)
    bundle = tmp_path / "bundle.json"
    exported = _cli("export", str(bundle), "--data-dir", str(library), "--handles", "team/refunds", "team/faq")
    assert exported.returncode == 0, exported.stderr
    written = json.loads(bundle.read_text())
    handles = [item["handle"] for item in written["prompts"]]
    assert handles == ["team/refunds", "team/faq"] and written["format"] == "prompt-studio-bundle"
    assert written["prompts"][0]["configData"]["top_p"] == 0.8, "every field, not only what an answer echoes"

    with running_server(tmp_path / "served") as server:
        imported = _cli("import", str(bundle), *_server_options(server), key=server.api_key)
        assert imported.returncode == 0, imported.stderr
        assert f"{len(handles)}/{len(handles)}" in imported.stderr and f"{len(handles)} created" in imported.stderr
        for item in written["prompts"]:
            config, parameters = await _content(server, item["handle"])
            assert config == item["configData"] and parameters == item["parameters"], item["handle"]

        again = _cli("import", str(bundle), *_server_options(server), key=server.api_key)
        assert again.returncode == 0 and f"{len(handles)} already there, unchanged" in again.stderr

        config, _ = await _content(server, handles[0])
        async with LangWatchClient(server.url, server.api_key) as colleague:
            newest = (await colleague.list_versions(handles[0]))[0].version
            await colleague.sync_prompt(handles[0], SyncRequest(
                config_data=ConfigData.model_validate({**config, "prompt": "A colleague's words."}),
                local_version=newest))
        clashing = _cli("import", str(bundle), *_server_options(server), key=server.api_key)
        assert clashing.returncode == 1, clashing.stderr
        assert f"1 already there with other content (nothing written: merge them): {handles[0]}" in clashing.stderr
        assert (await _content(server, handles[0]))[0]["prompt"] == "A colleague's words.", "never overwritten"

        back = tmp_path / "back.json"
        assert _cli("export", str(back), *_server_options(server), key=server.api_key).returncode == 0
        assert server.api_key not in back.read_text()


def test_a_bad_bundle_is_refused_with_its_place_and_writes_nothing(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"format": "prompt-studio-bundle", "prompts": [
        {"handle": "x/y", "configData": {"prompt": "p", "model": "", "outputs": []}}]}))
    refused = _cli("import", str(bad), "--data-dir", str(tmp_path / "library"))
    assert refused.returncode == 2
    assert "is not a Prompt Studio bundle: prompts[0].configData.model" in refused.stderr
    assert "Traceback" not in refused.stderr
    not_json = tmp_path / "not.json"
    not_json.write_text("{")
    assert "is not a Prompt Studio bundle" in _cli("import", str(not_json), "--data-dir",
                                                    str(tmp_path / "library")).stderr
