"""Comparing two versions: only what changed, in reading order, with the changed words found."""

from prompt_studio.services.compare import compare_contents, unchanged_fields, word_changes

OLD = {
    "prompt": "Answer in French.", "model": "openai/gpt-5", "temperature": 0.7,
    "messages": [{"role": "user", "content": "{{input}}"}],
    "inputs": [{"identifier": "input", "type": "str"}], "outputs": [{"identifier": "output", "type": "str"}],
    "parameters": {},
}


def test_only_changed_fields_in_reading_order():
    new = {**OLD, "prompt": "Answer in German.", "temperature": 0.2, "top_p": 0.5,
           "messages": [*OLD["messages"], {"role": "assistant", "content": "Bien sûr."}]}
    differences = compare_contents(OLD, new)
    assert [difference.label for difference in differences] == [
        "System prompt", "Message 2 (assistant)", "Temperature", "Top P"]
    assert (differences[2].old, differences[2].new) == ("0.7", "0.2")
    assert differences[3].old == "(not set)"
    assert differences[1].old == "(no message)"
    assert unchanged_fields(OLD, new) == ["Model", "Inputs", "Outputs", "Runtime parameters"]


def test_identical_contents_have_no_differences():
    assert compare_contents(OLD, dict(OLD)) == []


def test_outputs_show_names_types_and_schemas():
    new = {**OLD, "outputs": [{"identifier": "answer", "type": "json_schema", "json_schema": {"type": "object"}}]}
    [difference] = compare_contents(OLD, new)
    assert difference.label == "Outputs"
    assert difference.old == "output: str"
    assert difference.new.startswith("answer: json_schema\n{")


def test_word_changes_mark_only_the_changed_words():
    runs = word_changes("Answer in French please.", "Answer in German please.")
    assert [(run.kind, run.text) for run in runs] == [
        ("same", "Answer in "), ("removed", "French"), ("added", "German"), ("same", " please.")]
