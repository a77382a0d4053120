"""Drafts on disk: atomic, per connection, and never thrown away when unreadable."""

import os

from prompt_studio.models.draft import Draft
from prompt_studio.services.drafts import DraftStore

CONFIG = {"prompt": "Hi", "model": "m", "outputs": [{"identifier": "o", "type": "str"}]}


def test_a_saved_draft_comes_back_from_a_new_store(tmp_path):
    DraftStore(tmp_path, "local").save(Draft(handle="support/triage", base_version=3, config=CONFIG))
    again = DraftStore(tmp_path, "local")
    assert again.handles() == ["support/triage"]
    assert again.load("support/triage").base_version == 3


def test_connections_keep_their_drafts_apart(tmp_path):
    DraftStore(tmp_path, "local").save(Draft(handle="a", config=CONFIG))
    DraftStore(tmp_path, "langwatch:https://app.langwatch.ai").save(Draft(handle="b", config=CONFIG))
    assert DraftStore(tmp_path, "local").handles() == ["a"]
    assert DraftStore(tmp_path, "langwatch:https://app.langwatch.ai").handles() == ["b"]


def test_overwrite_leaves_no_temporary_files(tmp_path):
    store = DraftStore(tmp_path, "local")
    for text in ("one", "two", "three"):
        store.save(Draft(handle="a", config={**CONFIG, "prompt": text}))
    assert store.load("a").config["prompt"] == "three"
    assert sorted(os.listdir(store.folder)) == ["a.draft.json"]


def test_an_unreadable_draft_is_set_aside_not_deleted(tmp_path):
    store = DraftStore(tmp_path, "local")
    store.save(Draft(handle="a", config=CONFIG))
    (store.folder / "a.draft.json").write_text("{ torn")
    assert store.load("a") is None
    assert (store.folder / "a.draft.json.unreadable").read_text() == "{ torn"


def test_delete_and_invalid_content_are_kept_as_typed(tmp_path):
    store = DraftStore(tmp_path, "local")
    half_typed = {**CONFIG, "temperature": 9, "inputs": [{"identifier": "", "type": "str"}]}
    store.save(Draft(handle="a", config=half_typed))
    assert store.load("a").config == half_typed
    store.delete("a")
    store.delete("a")
    assert store.handles() == []
