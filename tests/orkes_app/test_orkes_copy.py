"""Prompt > Copy to... between an Orkes server (the fake, over HTTP) and the local library: a template that both can
hold goes over with its variables rewritten; one that the other side cannot hold is refused in plain words and
nothing is written. A bundle says which shape its prompts have, and an import into the other shape converts them;
a LangWatch CLI folder holds LangWatch's."""

from __future__ import annotations

import json

import pytest

from prompt_studio.models import ConfigData
from prompt_studio.models.errors import ValidationFailedError
from prompt_studio.models.orkes import ShapeMisfit, as_langwatch_content, as_orkes_content
from prompt_studio.services.connections import LOCAL_LIBRARY
from prompt_studio.services.transfer import export_bundle, import_bundle, load_bundle, write_bundle


def _local(window, run_async, handle: str):
    library = run_async(window.connector.open(LOCAL_LIBRARY))
    try:
        return run_async(library.service.open_prompt(handle)), run_async(library.service.history(handle))
    finally:
        run_async(window.connector.close(library))


def test_a_template_goes_to_the_local_library_and_back_to_orkes(orkes_window, orkes, run_async):
    orkes.fake.post_template("greeting", "Greet ${customer} in ${language}.", description="",
                             models=["openai:gpt-4o"], user="ann@example.com")
    window = orkes_window
    run_async(window.refresh())
    run_async(window.session.open("greeting"))
    orkes_connection = window.workspace.connection

    summary = run_async(window.transfers.copy_to(LOCAL_LIBRARY))
    assert summary.created == ["greeting"]
    copied, versions = _local(window, run_async, "greeting")
    assert copied.config["prompt"] == "Greet {{ customer }} in {{ language }}."
    assert copied.config["model"] == "openai/gpt-4o"
    assert [item["identifier"] for item in copied.config["inputs"]] == ["customer", "language"]
    assert versions[0].commit_message == f"Copied from {orkes_connection.name}"

    run_async(window.switch_connection(LOCAL_LIBRARY))
    run_async(window.session.open("greeting"))
    back = run_async(window.transfers.copy_to(orkes_connection))
    assert back.unchanged == ["greeting"], "the same template, so nothing is written on Orkes"
    assert len(orkes.fake.prompts["greeting"]) == 1


def test_a_prompt_orkes_cannot_hold_is_refused_before_anything_is_sent(orkes_window, orkes, run_async):
    window = orkes_window
    orkes_connection = window.workspace.connection
    run_async(window.switch_connection(LOCAL_LIBRARY))
    run_async(window.session.open("support/triage"))
    with pytest.raises(ValidationFailedError) as refused:
        run_async(window.transfers.copy_to(orkes_connection))
    assert str(refused.value).startswith("support/triage cannot be copied there: An Orkes prompt cannot hold ")
    assert "messages besides the system prompt" in str(refused.value)
    assert "support/triage" not in orkes.fake.prompts


def test_what_each_shape_cannot_hold_is_named():
    liquid = ConfigData.model_validate({
        "prompt": "{% if vip %}Dear {{ name }}{% endif %}", "model": "openai/gpt-5", "max_tokens": 50,
        "outputs": [{"identifier": "answer", "type": "json_schema", "json_schema": {"type": "object"}}]})
    with pytest.raises(ShapeMisfit) as misfit:
        as_orkes_content(liquid)
    assert str(misfit.value) == ("An Orkes prompt cannot hold outputs other than one text answer, the settings "
                                 "Max tokens and Liquid tags or filters such as {% if %} (only plain {{ name }} "
                                 "variables carry over).")
    plain = ConfigData.model_validate({"prompt": "Hi {{ name }}", "model": "openai/gpt-5", "temperature": 0.5,
                                       "outputs": [{"identifier": "output", "type": "str"}]})
    assert as_orkes_content(plain).to_wire() == {
        "prompt": "Hi ${name}", "model": "openai:gpt-5", "outputs": [{"identifier": "output", "type": "str"}],
        "description": "", "integrations": ["openai:gpt-5"], "temperature": 0.5}
    described = ConfigData.model_validate({"prompt": "Hi ${name}", "model": "openai:gpt-4o",
                                           "outputs": [{"identifier": "output", "type": "str"}],
                                           "description": "Greets", "integrations": ["openai:gpt-4o", "x:y"]})
    with pytest.raises(ShapeMisfit) as misfit:
        as_langwatch_content(described)
    assert str(misfit.value) == "A LangWatch prompt cannot hold more than one model (this one has 2) and a description."


def test_a_bundle_says_its_shape_and_an_import_into_the_other_converts_or_names_the_misfit(orkes_window, orkes,
                                                                                        run_async, tmp_path):
    orkes.fake.post_template("greeting", "Greet ${customer}.", description="", models=["openai:gpt-4o"],
                             user="ann@example.com")
    orkes.fake.post_template("described", "Hi", description="Says hi", models=["openai:gpt-4o"],
                             user="ann@example.com")
    window = orkes_window
    bundle = run_async(export_bundle(window.service, "Orkes", ["greeting", "described"]))
    path = tmp_path / "orkes.json"
    write_bundle(path, bundle)
    assert json.loads(path.read_text(encoding="utf-8"))["promptShape"] == "orkes"

    library = run_async(window.connector.open(LOCAL_LIBRARY))
    try:
        summary = run_async(import_bundle(library.service, load_bundle(path), "Imported"))
        assert summary.created == ["greeting"]
        assert summary.failed == [("described", "A LangWatch prompt cannot hold a description.")]
        assert run_async(library.service.open_prompt("greeting")).config["prompt"] == "Greet {{ customer }}."
        examples = run_async(export_bundle(library.service, "Local library", ["support/triage", "greeting"]))
    finally:
        run_async(window.connector.close(library))
    back = run_async(import_bundle(window.service, examples, "Imported"))
    assert back.unchanged == ["greeting"] and [handle for handle, _ in back.failed] == ["support/triage"]
    assert "support/triage" not in orkes.fake.prompts


async def test_an_orkes_template_goes_into_a_cli_folder_as_a_langwatch_prompt(backend, orkes, tmp_path):
    from prompt_studio.services.prompts import PromptService
    from prompt_studio.services.transfer import load_folder, write_folder

    orkes.fake.post_template("greeting", "Greet ${customer} in ${language}.", description="",
                             models=["openai:gpt-4o"], user="ann@example.com")
    bundle = await export_bundle(PromptService(backend, backend.capabilities), "Orkes", ["greeting"])

    left_out = write_folder(tmp_path / "folder", bundle)
    assert left_out == {"greeting": ["inputs"]}, "the CLI's push adds an input named input"
    assert (tmp_path / "folder" / "prompts" / "greeting.prompt.yaml").read_text(encoding="utf-8") == (
        "model: openai/gpt-4o\nmessages:\n  - role: system\n    content: Greet {{ customer }} in {{ language }}.\n")
    back, _remote = load_folder(tmp_path / "folder")
    assert back.prompts[0].config_data.prompt == "Greet {{ customer }} in {{ language }}."
