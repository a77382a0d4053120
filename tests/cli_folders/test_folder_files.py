"""What a folder holds besides a plain local prompt: remote prompts, other spellings, new prompts, bad files."""

from __future__ import annotations

import json

import pytest

from prompt_studio.models.errors import FolderFormatError, NotHeldByFile, ReadOnlyHere
from prompt_studio.services.cli_folder import read_project
from prompt_studio.services.connections import Workspace
from prompt_studio.services.drafts import DraftStore
from prompt_studio.services.editing import EditingSession
from tests.cli_folders.conftest import folder_bytes

pytestmark = pytest.mark.slow

SHARED = "prompts/.materialized/shared.prompt.yaml"


def _depend(project, name: str, spec: str) -> None:
    path = project / "prompts.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["prompts"][name] = spec
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


async def test_a_remote_prompt_is_materialized_as_the_cli_does_and_is_read_only(service, project, cli, colleague):
    colleague("prompt", "create", "shared")
    colleague("prompt", "sync")
    _depend(project, "shared", "latest")

    listed = {prompt.handle: prompt for prompt in await service.list_prompts()}

    assert (listed["shared"].version, listed["greeter"].version) == (1, 1)
    ours = (project / SHARED).read_bytes()
    lock = json.loads((project / "prompts-lock.json").read_text(encoding="utf-8"))
    assert lock["prompts"]["shared"] == {"version": 1, "versionId": listed["shared"].version_id,
                                         "materialized": SHARED}
    opened = await service.open_prompt("shared")
    assert opened.read_only_reason == ("Read-only: this folder takes shared from the server (its newest version), "
                                       "so it is changed there, not here.")
    with pytest.raises(ReadOnlyHere):
        await service.save(opened.start_draft(), "Mine now")
    before = folder_bytes(project)
    assert "no changes" in cli("prompt", "sync")
    assert folder_bytes(project) == before
    (project / SHARED).unlink()
    cli("prompt", "pull")
    assert (project / SHARED).read_bytes() == ours

    prompts = json.loads((project / "prompts.json").read_text(encoding="utf-8"))
    del prompts["prompts"]["shared"]
    (project / "prompts.json").write_text(json.dumps(prompts, indent=2) + "\n", encoding="utf-8")
    assert [prompt.handle for prompt in await service.list_prompts()] == ["greeter"]
    assert not (project / SHARED).exists()  # as the CLI's pull cleans up
    assert "shared" not in json.loads((project / "prompts-lock.json").read_text(encoding="utf-8"))["prompts"]


TEMPERATURE = "  temperature: 0.7\n"
SPELLINGS = {
    "modelParameters.maxTokens (what a pull writes)": (TEMPERATURE, TEMPERATURE + "  maxTokens: 120\n"),
    "max_tokens at the top": ("messages:\n", "max_tokens: 120\nmessages:\n"),
    "modelParameters.max_tokens (what a push sends)": (TEMPERATURE, TEMPERATURE + "  max_tokens: 120\n"),
}


@pytest.mark.parametrize("spelling", SPELLINGS)
async def test_max_tokens_is_read_in_every_spelling_and_written_as_the_cli_pushes_it(session, project, cli, spelling):
    file = project / "prompts" / "greeter.prompt.yaml"
    file.write_text(file.read_text(encoding="utf-8").replace(*SPELLINGS[spelling]), encoding="utf-8")

    draft = await session.open("greeter")
    assert draft.config["max_tokens"] == 120
    session.edit(dict(draft.config, max_tokens=150), draft.parameters)
    await session.save("Longer answers", merge=None)

    text = file.read_text(encoding="utf-8")
    assert text.count("max_tokens") == 1 and "  max_tokens: 150\n" in text and "maxTokens" not in text
    before = folder_bytes(project)
    assert "no changes" in cli("prompt", "sync")
    assert folder_bytes(project) == before


async def test_a_new_prompt_becomes_a_file_as_the_cli_creates_it(session, project, cli, server):
    await session.create("support/escalation")
    outcome = await session.save("First escalation prompt", merge=None)

    assert outcome.action == "created"
    prompts = json.loads((project / "prompts.json").read_text(encoding="utf-8"))
    assert prompts["prompts"]["support/escalation"] == "file:prompts/support/escalation.prompt.yaml"
    text = (project / "prompts" / "support" / "escalation.prompt.yaml").read_text(encoding="utf-8")
    assert text.startswith("model: openai/gpt-5\nmessages:\n  - role: system\n")
    before = folder_bytes(project)
    assert "no changes" in cli("prompt", "sync")
    assert folder_bytes(project) == before


BAD_FOLDERS = {
    "prompts.json that is not JSON": (
        "prompts.json", '{\n  "prompts": {\n    "greeter": "file:prompts/greeter.prompt.yaml",\n  }\n}\n',
        "prompts.json, line 4: this is not valid JSON"),
    "a prompt file that is not YAML": (
        "prompts/greeter.prompt.yaml", "model: openai/gpt-5\nmessages:\n  - role: system\n   content: [oops\n",
        "prompts/greeter.prompt.yaml, line 4: this is not valid YAML"),
    "a prompt file the CLI's schema refuses": (
        "prompts/greeter.prompt.yaml", "model: openai/gpt-5\nmessages:\n  - role: system\n    content: Hi\n"
        "  - role: tool\n    content: x\n",
        "prompts/greeter.prompt.yaml, line 5: role: is system, user or assistant"),
    "a prompt file without messages": (
        "prompts/greeter.prompt.yaml", "# nothing yet\nmodel: openai/gpt-5\nmessages: []\n",
        "prompts/greeter.prompt.yaml, line 3: messages: needs at least one message"),
    "a file: path that is missing": (
        "prompts.json", '{\n  "prompts": {\n    "greeter": "file:prompts/gone.prompt.yaml"\n  }\n}\n',
        "prompts.json, line 3: the file prompts/gone.prompt.yaml of 'greeter' does not exist"),
    "a file: path outside the folder": (
        "prompts.json", '{\n  "prompts": {\n    "greeter": "file:../secrets.prompt.yaml"\n  }\n}\n',
        "prompts.json, line 3: '../secrets.prompt.yaml' points outside the project folder"),
}


@pytest.mark.parametrize("case", BAD_FOLDERS)
async def test_a_bad_folder_is_named_by_file_and_line_and_nothing_is_written(service, project, cli, case):
    name, text, message = BAD_FOLDERS[case]
    (project.parent / "secrets.prompt.yaml").write_text("model: x\nmessages: []\n", encoding="utf-8")
    (project / name).write_text(text, encoding="utf-8")
    before = folder_bytes(project)

    with pytest.raises(FolderFormatError) as listing:
        await service.list_prompts()
    with pytest.raises(FolderFormatError):
        await service.open_prompt("greeter")

    assert message in listing.value.user_message
    assert listing.value.user_message.startswith("A file of this prompt folder cannot be read.")
    assert folder_bytes(project) == before
    with pytest.raises(FolderFormatError):
        read_project(project)


async def test_outputs_a_file_cannot_hold_are_refused_before_anything_is_written(session, project, cli, server):
    draft = await session.open("greeter")
    outputs = [{"identifier": "output", "type": "str"}, {"identifier": "score", "type": "float"}]
    session.edit(dict(draft.config, outputs=outputs), draft.parameters)
    before = folder_bytes(project)

    with pytest.raises(NotHeldByFile) as refused:
        await session.save("Two outputs", merge=None)

    assert "holds one output" in refused.value.user_message
    assert folder_bytes(project) == before
    assert session.draft.config["outputs"] == outputs  # the draft is kept


async def test_a_json_answer_is_written_as_the_cli_reads_it(session, project, cli):
    draft = await session.open("greeter")
    schema = {"type": "object", "properties": {"mood": {"type": "string"}}, "required": ["mood"]}
    outputs = [{"identifier": "verdict", "type": "json_schema", "json_schema": schema}]
    session.edit(dict(draft.config, outputs=outputs), draft.parameters)
    await session.save("Structured", merge=None)

    text = (project / "prompts" / "greeter.prompt.yaml").read_text(encoding="utf-8")
    assert "response_format:\n  name: verdict\n  schema:\n" in text
    before = folder_bytes(project)
    assert "no changes" in cli("prompt", "sync")
    assert folder_bytes(project) == before


async def test_a_draft_of_a_folder_prompt_survives_a_restart(service, session, project, tmp_path):
    draft = await session.open("greeter")
    session.edit(dict(draft.config, prompt="Half-written"), draft.parameters)
    await session.flush()

    workspace = session.workspace
    again = EditingSession(Workspace(workspace.connection, service, DraftStore(tmp_path / "drafts",
                                                                                workspace.connection.id)))
    await again.start()
    assert "greeter" in again.draft_handles
    assert (await again.open("greeter")).config["prompt"] == "Half-written"


async def test_a_file_with_two_system_messages_opens_read_only_so_none_is_lost(service, project, cli):
    file = project / "prompts" / "greeter.prompt.yaml"
    file.write_text(file.read_text(encoding="utf-8") + "  - role: system\n    content: Never mention prices.\n",
                    encoding="utf-8")
    before = folder_bytes(project)

    opened = await service.open_prompt("greeter")

    assert opened.read_only_reason.startswith("Read-only here: this file has more than one system message")
    with pytest.raises(ReadOnlyHere):
        await service.save(opened.start_draft().model_copy(update={"config": {**opened.config, "prompt": "x"}}), "")
    assert folder_bytes(project) == before
