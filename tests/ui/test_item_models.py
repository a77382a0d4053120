"""The prompt list and history item models: Qt's model rules, filtering, draft marks."""

from __future__ import annotations

from PySide6.QtCore import Qt

from prompt_studio.models import Prompt
from prompt_studio.ui.history import VersionHistoryModel
from prompt_studio.ui.prompt_list import PromptListModel
from prompt_studio.ui.when import friendly_time, full_time

BASE = {
    "id": "prompt_1", "handle": "x", "scope": "PROJECT", "name": "x", "updatedAt": "2026-11-23T10:00:00.000Z",
    "projectId": "p", "organizationId": "o", "versionId": "v", "version": 1, "createdAt": "2026-11-20T10:00:00.000Z",
    "prompt": "", "messages": [], "inputs": [], "outputs": [{"identifier": "o", "type": "str"}], "model": "m",
    "tags": [{"name": "latest", "versionId": "v"}], "parameters": {},
}


def _prompt(handle: str, version: int = 1, tags: tuple[str, ...] = (), message: str | None = None) -> Prompt:
    return Prompt.model_validate({
        **BASE, "handle": handle, "version": version, "commitMessage": message,
        "tags": [{"name": "latest", "versionId": "v"}, *({"name": tag, "versionId": "v"} for tag in tags)],
    })


def test_prompt_list_follows_qt_model_rules_and_filters(qtmodeltester):
    model = PromptListModel()
    model.set_prompts([_prompt("support/triage", 3, ("production",)), _prompt("sales/outreach", 7),
                       _prompt("support/faq", 2)])
    qtmodeltester.check(model)
    assert [model.data(model.index(row, 0)) for row in range(model.rowCount())] == [
        "sales (1)", "outreach", "support (2)", "triage", "faq"]
    triage = model.row_of("support/triage")
    assert model.data(model.index(triage, 1)) == "v3"
    assert model.data(model.index(triage, 2)) == "production"
    assert model.handle_at(0) is None and model.data(model.index(0, 1)) is None, "a folder has no version"

    model.set_filter("support")
    assert model.shown_handles() == ["support/triage", "support/faq"]
    model.set_filter("support tri")
    assert model.shown_handles() == ["support/triage"]
    assert model.data(model.index(0, 0)) == "support (1 of 2)"
    model.set_filter("production")
    assert model.shown_handles() == ["support/triage"]
    model.set_filter("PRODUCTION ")
    assert model.matching == 1
    model.set_filter("nothing-like-this")
    assert model.rowCount() == 0 and model.matching == 0 and model.total == 3
    model.set_filter("")
    assert model.matching == 3 and model.rowCount() == 5
    qtmodeltester.check(model)


def test_folding_a_folder_removes_its_rows_and_keeps_qt_model_rules(qtmodeltester):
    model = PromptListModel()
    model.set_prompts([_prompt("support/billing/refund"), _prompt("support/triage"), _prompt("loose")])
    assert [model.data(model.index(row, 0)) for row in range(model.rowCount())] == [
        "support (2)", "billing (1)", "refund", "triage", "loose"]
    assert [model.shape_at(row) for row in range(5)] == [(0, False), (1, False), (2, None), (1, None), (0, None)]
    qtmodeltester.check(model)
    model.set_folded(1, True)
    assert model.shown_handles() == ["support/triage", "loose"] and model.folded_folders() == ["support/billing"]
    model.set_folded(0, True)
    assert model.shown_handles() == ["loose"] and model.rowCount() == 2
    assert model.data(model.index(0, 0), Qt.ItemDataRole.AccessibleTextRole) == "Folder support, 2 prompts, folded"
    qtmodeltester.check(model)
    model.set_folded(0, False)
    assert model.shown_handles() == ["support/triage", "loose"], "billing stays folded inside support"
    model.reveal("support/billing/refund")
    assert model.row_of("support/billing/refund") == 2 and model.folded_folders() == []
    qtmodeltester.check(model)


def test_narrowing_and_widening_the_filter_give_the_same_rows_as_a_fresh_search():
    model = PromptListModel()
    model.set_prompts([_prompt(f"team-{number % 7}/prompt-{number}") for number in range(300)])
    for text in ("t", "team-3", "team-3/prompt-1", "team-3/prompt-10", "team-3", "team-3 prompt-2", "team"):
        model.set_filter(text)
        fresh = PromptListModel()
        fresh.set_prompts([_prompt(f"team-{number % 7}/prompt-{number}") for number in range(300)])
        fresh.set_filter(text)
        assert model.shown_handles() == fresh.shown_handles(), text
        assert [model.data(model.index(row, 0)) for row in range(model.rowCount())] == [
            fresh.data(fresh.index(row, 0)) for row in range(fresh.rowCount())], text


def test_drafts_are_marked(qtmodeltester):
    model = PromptListModel()
    model.set_prompts([_prompt("a"), _prompt("b")])
    model.set_drafts({"b"})
    assert model.data(model.index(1, 0)).startswith("* ")
    assert not model.data(model.index(0, 0)).startswith("* ")
    assert model.row_of("b") == 1 and model.row_of("zzz") is None
    qtmodeltester.check(model)


def test_history_model(qtmodeltester):
    model = VersionHistoryModel()
    model.set_versions([_prompt("a", 2, ("production",), "shorter"), _prompt("a", 1, (), "first")])
    qtmodeltester.check(model)
    assert model.data(model.index(0, 0)) == "v2"
    assert model.data(model.index(0, 3)) == "shorter"
    assert model.data(model.index(0, 4)) == "latest, production"
    assert model.row_of_version(1) == 1


def test_friendly_time_falls_back_to_the_raw_text():
    assert friendly_time("not a time") == "not a time"
    assert friendly_time("2001-02-03T12:00:00.000Z") == "03 Feb 2001"
    assert full_time("2001-02-03T12:00:00.000Z").startswith("3 Feb 2001, ")
    assert full_time("not a time") == "not a time"


def test_search_in_text_finds_words_of_the_system_prompt_and_messages():
    model = PromptListModel()
    model.set_prompts([
        Prompt.model_validate({**BASE, "handle": "a/one", "prompt": "Answer in French.",
                               "messages": [{"role": "user", "content": "About {{ product }}"}]}),
        Prompt.model_validate({**BASE, "handle": "a/two", "prompt": "Answer in German."}),
    ])
    model.set_filter("french")
    assert model.rowCount() == 0, "names and tags only, by default"
    model.set_search_in_text(True)
    assert model.shown_handles() == ["a/one"]
    assert model.data(model.index(0, 0)) == "a (1 of 2)"
    model.set_filter("a/ product")
    assert model.shown_handles() == ["a/one"], "each word anywhere"
    model.set_search_in_text(False)
    assert model.rowCount() == 0
