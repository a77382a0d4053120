"""`prompt-studio export` and `import`, whole processes: a library's prompts into an empty server and back, the
same content for every prompt; importing again changes nothing; a colleague's edit is a conflict, not overwritten;
a bad bundle writes nothing."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

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


RICH_CONTENT = {
    "prompt": "You answer refund questions for {{ shop }}.",
    "model": "openai/gpt-5",
    "messages": [{"role": "user", "content": "{{ question }}"}, {"role": "assistant", "content": "Noted."},
                 {"role": "user", "content": "Reply as JSON."}],
    "inputs": [{"identifier": "shop", "type": "str"}, {"identifier": "question", "type": "str"},
               {"identifier": "limit", "type": "float"}],
    "outputs": [{"identifier": "answer", "type": "json_schema",
                 "json_schema": {"type": "object", "properties": {"refund": {"type": "boolean"}}}}],
    "temperature": 0.2, "max_tokens": 900, "top_p": 0.9, "seed": 7, "reasoning_effort": "low",
    "response_format": {"type": "json_schema", "json_schema": {
        "name": "answer", "schema": {"type": "object", "properties": {"refund": {"type": "boolean"}}}}},
}


async def _history(server, handle: str) -> list:
    async with LangWatchClient(server.url, server.api_key) as client:
        return list(reversed(await client.list_versions(handle)))


async def _save(server, handle: str, content: dict, message: str, parameters: dict | None = None) -> None:
    async with LangWatchClient(server.url, server.api_key) as client:
        versions = await client.list_versions(handle) if handle in [p.handle for p in await client.list_prompts()] \
            else []
        await client.sync_prompt(handle, SyncRequest(
            config_data=ConfigData.model_validate(content), parameters=parameters, commit_message=message,
            local_version=versions[0].version if versions else None))


async def test_every_version_goes_between_two_servers_in_order_with_its_commit_message(tmp_path):
    first = {"prompt": "Help with refunds.", "model": "openai/gpt-4o",
             "outputs": [{"identifier": "output", "type": "str"}]}
    with running_server(tmp_path / "dev") as dev, running_server(tmp_path / "prod") as prod:
        await _save(dev, "shop/refunds", first, "First words")
        await _save(dev, "shop/refunds", {**first, "prompt": "Help with refunds, briefly."}, "Shorter")
        await _save(dev, "shop/refunds", RICH_CONTENT, "Everything at once", {"retries": 3, "tone": "warm"})
        await _save(dev, "shop/faq", {**first, "prompt": "Answer the FAQ."}, "Only one")
        async with LangWatchClient(dev.url, dev.api_key) as client:
            second = (await client.list_versions("shop/refunds"))[1]
            await client.create_tag("canary")
            for tag in ("production", "canary"):
                await client.assign_tag("shop/refunds", tag, second.version_id)
        bundle = tmp_path / "all.json"
        exported = _cli("export", str(bundle), "--all-versions", *_server_options(dev), key=dev.api_key)
        assert exported.returncode == 0, exported.stderr
        written = json.loads(bundle.read_text())
        assert written["formatVersion"] == 2
        refunds = next(item for item in written["prompts"] if item["handle"] == "shop/refunds")
        assert [item["commitMessage"] for item in refunds["earlierVersions"]] == ["First words", "Shorter"]

        imported = _cli("import", str(bundle), *_server_options(prod), key=prod.api_key)
        assert imported.returncode == 0, imported.stderr
        total = len(written["prompts"])  # and the example prompts both servers start with, already there
        assert f"{total}/{total}" in imported.stderr, imported.stderr
        assert re.search(r"2 created: shop/(refunds, shop/faq|faq, shop/refunds)\n", imported.stderr), imported.stderr
        for handle in ("shop/refunds", "shop/faq"):
            theirs, ours = await _history(dev, handle), await _history(prod, handle)
            assert [(v.version, v.commit_message) for v in ours] == [(v.version, v.commit_message) for v in theirs]
            assert [(v.prompt, v.messages, v.model, v.inputs, v.outputs, v.response_format) for v in ours] == \
                [(v.prompt, v.messages, v.model, v.inputs, v.outputs, v.response_format) for v in theirs], handle
            assert await _content(prod, handle) == await _content(dev, handle), "the newest: every field"
        tagged = {version.version: sorted(set(version.tag_names) - {"latest"})
                  for version in await _history(prod, "shop/refunds")}
        assert tagged == {1: [], 2: ["canary", "production"], 3: []}, "each tag on the version it was on"
        config, parameters = await _content(prod, "shop/refunds")
        assert parameters == {"retries": 3, "tone": "warm"} and config["top_p"] == 0.9 and config["seed"] == 7

        await _save(dev, "shop/refunds", {**RICH_CONTENT, "prompt": "Refunds within 30 days."}, "Policy")
        assert _cli("export", str(bundle), "--all-versions", *_server_options(dev), key=dev.api_key).returncode == 0
        again = _cli("import", str(bundle), *_server_options(prod), key=prod.api_key)
        assert again.returncode == 0, again.stderr
        assert "1 updated with newer versions: shop/refunds" in again.stderr
        assert f"{total - 1} already there, unchanged" in again.stderr
        assert [(v.version, v.commit_message) for v in await _history(prod, "shop/refunds")][-1] == (4, "Policy")

        # a change only a sync shows (top_p) on prod is not replaced by adding dev's newer versions on top
        newest, _ = await _content(prod, "shop/refunds")
        await _save(prod, "shop/refunds", {**newest, "top_p": 0.5}, "Colleague: top_p")
        await _save(dev, "shop/refunds", {**RICH_CONTENT, "prompt": "Refunds within 60 days."}, "Policy 2")
        assert _cli("export", str(bundle), "--all-versions", *_server_options(dev), key=dev.api_key).returncode == 0
        clashing = _cli("import", str(bundle), *_server_options(prod), key=prod.api_key)
        assert clashing.returncode == 1 and "(nothing written: merge them): shop/refunds" in clashing.stderr
        assert (await _content(prod, "shop/refunds"))[0]["top_p"] == 0.5


def _prompt(handle: str, **config) -> dict:
    return {"handle": handle, "configData": {"prompt": "p", "model": "openai/gpt-5",
                                             "outputs": [{"identifier": "o", "type": "str"}], **config}}


@pytest.mark.parametrize(("content", "said"), [
    ("{", "is not a Prompt Studio bundle. Not valid JSON at line 1, column 2"),
    (json.dumps({"prompts": []}), 'it has no "format": "prompt-studio-bundle"'),
    (json.dumps({"format": "prompt-studio-bundle", "formatVersion": 9, "prompts": []}),
     "format version 9, written by a newer Prompt Studio"),
    (json.dumps({"format": "prompt-studio-bundle", "prompts": [_prompt("a/b"), _prompt("x/y", model="")]}),
     "cannot be imported: prompt 2 (x/y): Model cannot be empty (at prompts[1].configData.model)."),
    (json.dumps({"format": "prompt-studio-bundle", "prompts": [_prompt("a/b"), _prompt("a/b")]}),
     "holds these prompts more than once: a/b"),
])
def test_a_bad_bundle_is_refused_saying_what_is_wrong_and_writes_nothing(tmp_path, content, said):
    bad = tmp_path / "bad.json"
    bad.write_text(content)
    library = tmp_path / "library"
    refused = _cli("import", str(bad), "--data-dir", str(library))
    assert refused.returncode == 2
    assert said in refused.stderr and "Traceback" not in refused.stderr
    listed = _cli("export", "-", "--data-dir", str(library))
    handles = {item["handle"] for item in json.loads(listed.stdout)["prompts"]}
    assert handles and not handles & {"a/b", "x/y"}, "not even the valid prompt before the bad one"
