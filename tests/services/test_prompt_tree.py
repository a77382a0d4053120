"""The prompt list's folders, without a display: which folder a handle is in, counts, filtering and folding."""

from __future__ import annotations

from prompt_studio.models import split_handle
from prompt_studio.services.prompt_tree import Folder, PromptRow, PromptTree


def _tree(*handles: str) -> PromptTree:
    tree = PromptTree()
    tree.set_rows([PromptRow.unsaved(handle) for handle in handles])
    return tree


def _shown(tree: PromptTree) -> list[str]:
    """The rows as a reader sees them: folders with their counts, prompts by name, indented by depth."""
    lines = []
    for entry in tree.entries:
        if isinstance(entry, Folder):
            count = f"{entry.matches} of {entry.total}" if tree.filtering else f"{entry.total}"
            lines.append("  " * entry.depth + f"{entry.name} ({count})")
        else:
            lines.append("  " * (tree.folder_of(entry).depth + 1) + tree.rows[entry].name)
    return lines


def test_a_handle_is_in_the_folders_of_its_slashes():
    assert split_handle("support/billing/refund") == (("support", "billing"), "refund")
    assert split_handle("triage") == ((), "triage")
    assert split_handle("a//b") == (("a",), "b")
    assert split_handle("/a") == ((), "/a") and split_handle("a/") == ((), "a/"), "no empty folder"


def test_folders_come_first_sorted_with_their_counts_and_prompts_keep_the_list_order():
    tree = _tree("zeta", "support/triage", "Sales/outreach", "support/billing/refund", "support/billing/charge",
                 "alpha")
    assert _shown(tree) == [
        "Sales (1)", "  outreach",
        "support (3)", "  billing (2)", "    refund", "    charge", "  triage",
        "zeta", "alpha",
    ]
    assert tree.shown_prompts == 6


def test_a_filter_shows_only_folders_with_matches_and_counts_them():
    tree = _tree("support/triage", "support/billing/refund", "sales/outreach", "refund-policy")
    assert tree.set_filter("refund")
    assert _shown(tree) == ["support (1 of 2)", "  billing (1 of 1)", "    refund", "refund-policy"]
    assert not tree.set_filter(" REFUND "), "the same words: nothing to do"
    tree.set_filter("nothing")
    assert tree.entries == [] and tree.shown_prompts == 0


def test_a_folded_folder_hides_what_is_in_it_and_stays_folded_through_a_reload():
    tree = _tree("support/triage", "support/billing/refund", "loose")
    tree.set_folded(tree.folder("support"), True)
    assert _shown(tree) == ["support (2)", "loose"]
    assert tree.rows_inside(tree.folder("support")) == 3
    tree.set_rows([PromptRow.unsaved(handle) for handle in ("support/triage", "support/new", "loose")])
    assert _shown(tree) == ["support (2)", "loose"]


def test_while_filtering_every_folder_with_matches_is_open_and_folding_it_lasts_until_the_filter_changes():
    tree = _tree("support/triage", "support/tone", "sales/tone")
    tree.set_all_folded(["support", "gone/folder"])
    tree.set_filter("t")
    assert _shown(tree) == ["sales (1 of 1)", "  tone", "support (2 of 2)", "  triage", "  tone"]
    tree.set_folded(tree.folder("sales"), True)
    assert _shown(tree)[:2] == ["sales (1 of 1)", "support (2 of 2)"]
    tree.set_filter("to")
    assert _shown(tree)[:2] == ["sales (1 of 1)", "  tone"], "a new filter opens every folder again"
    tree.set_filter("")
    assert _shown(tree) == ["sales (1)", "  tone", "support (2)"], "what the author folded before"
    assert tree.folded == {"support", "gone/folder"}, "a folder that is gone is kept for when it comes back"


def test_unfolding_to_a_prompt_opens_each_of_its_folders():
    tree = _tree("support/billing/refund", "support/triage")
    tree.set_all_folded(["support", "support/billing"])
    tree.unfold_to("support/billing/refund")
    assert _shown(tree) == ["support (2)", "  billing (1)", "    refund", "  triage"]
    assert tree.folded == set()
