"""The prompt list as folders: a handle's `/` prefix is its folder (`models.split_handle`), as LangWatch's sidebar
groups them.

Qt-free: which prompts a filter keeps, which folders show and with how many prompts, which rows a folded folder
hides. The window shows `PromptTree.entries`, the rows on screen in order (a folder, then what is in it), in a flat
view: a tree view lays out every unfolded row through Python (three calls per row), while a flat table only asks
for the rows it draws; for 10,000 open rows, 66 ms against 6 ms per keystroke (benchmarks/tree_view_bench.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from prompt_studio.models import FOLDER_SEPARATOR, VIRTUAL_TAG, Prompt, split_handle


@dataclass(frozen=True)
class PromptRow:
    handle: str
    version: int
    tags: tuple[str, ...]
    updated_at: str
    search_key: str
    text_key: str = ""
    """The system prompt and the messages, lowercase, for "Search in text"."""

    @classmethod
    def from_prompt(cls, prompt: Prompt) -> PromptRow:
        handle = prompt.handle or prompt.id
        tags = tuple(tag.name for tag in prompt.tags if tag.name != VIRTUAL_TAG)
        texts = "\n".join([prompt.prompt, *(message.content for message in prompt.messages)]).lower()
        return cls(handle, prompt.version, tags, prompt.updated_at, " ".join((handle, *tags)).lower(), texts)

    @classmethod
    def unsaved(cls, handle: str) -> PromptRow:
        """A new prompt that exists only as a draft on this computer."""
        return cls(handle, 0, (), "", handle.lower())

    @property
    def name(self) -> str:
        """The handle without its folders: what the row shows under its folder."""
        return split_handle(self.handle)[1]


@dataclass(eq=False)
class Folder:
    path: str
    """The folders from the top, joined by `/` ("support/billing"); "" for the top level."""
    name: str
    depth: int
    folders: list[Folder] = field(default_factory=list)
    prompts: list[int] = field(default_factory=list)
    """The rows of the prompts directly in it, in the list's order."""
    total: int = 0
    """Prompts in it and in its folders."""
    matches: int = 0
    """Of them, those the filter keeps (`total` without a filter)."""
    shown_folders: list[Folder] = field(default_factory=list)
    shown_prompts: list[int] = field(default_factory=list)


Entry = Folder | int
"""A row on screen: a folder, or a prompt by its place in `PromptTree.rows`."""


class PromptTree:
    """The prompts grouped in folders, filtered by words, with folded folders; `entries` are the rows shown."""

    def __init__(self) -> None:
        self.rows: list[PromptRow] = []
        self.root = Folder("", "", -1)
        self.entries: list[Entry] = []
        self._folder_of: list[Folder] = []
        self._deepest_first: list[Folder] = [self.root]
        self._folders: dict[str, Folder] = {}
        self._filter = ""
        self._in_text = False
        self._matching: list[int] = []
        self.folded: set[str] = set()
        """The folders the author folded, by path: kept while they come and go (a refresh, another filter)."""
        self._folded_in_results: set[str] = set()
        """Folded while a filter is on: every folder with matches starts unfolded at each new filter."""

    # -- what is listed -----------------------------------------------------------------------------------------

    def set_rows(self, rows: list[PromptRow]) -> None:
        self.rows = rows
        self.root = Folder("", "", -1)
        self._folders = {"": self.root}
        self._folder_of = [self._folder(split_handle(row.handle)[0]) for row in rows]
        for position, folder in enumerate(self._folder_of):
            folder.prompts.append(position)
        by_path = sorted(self._folders.values(), key=lambda folder: folder.path.casefold())
        for folder in by_path[1:]:
            parent = self._folders[folder.path.rpartition(FOLDER_SEPARATOR)[0]]
            parent.folders.append(folder)
        self._deepest_first = sorted(by_path, key=lambda folder: -folder.depth)
        for folder in self._deepest_first:
            folder.total = len(folder.prompts) + sum(sub.total for sub in folder.folders)
        self._matching = self._matching_rows()
        self._refilter()

    def _folder(self, names: tuple[str, ...]) -> Folder:
        """The folder of these names, made with its parents the first time."""
        path = FOLDER_SEPARATOR.join(names)
        folder = self._folders.get(path)
        if folder is None:
            if names:
                self._folder(names[:-1])
            folder = self._folders[path] = Folder(path, names[-1], len(names) - 1)
        return folder

    def folder(self, path: str) -> Folder | None:
        return self._folders.get(path)

    def folder_of(self, position: int) -> Folder:
        return self._folder_of[position]

    @property
    def shown_prompts(self) -> int:
        return self.root.matches

    # -- filtering ----------------------------------------------------------------------------------------------

    @property
    def filtering(self) -> bool:
        return bool(self._filter)

    @property
    def in_text(self) -> bool:
        return self._in_text

    @staticmethod
    def _words(text: str) -> str:
        return text.strip().lower()

    def changes_filter(self, text: str) -> bool:
        """Whether filtering by `text` would show other rows (not for a space more or a capital letter)."""
        return self._words(text) != self._filter

    def set_filter(self, text: str) -> bool:
        """Keep the prompts whose name or tags hold every word; False when nothing changes."""
        words = self._words(text)
        if words == self._filter:
            return False
        narrowing = bool(self._filter) and words.startswith(self._filter)
        self._filter = words
        self._folded_in_results.clear()
        self._matching = self._matching_rows(self._matching if narrowing else None)
        self._refilter()
        return True

    def set_search_in_text(self, on: bool) -> bool:
        """Match the words in the prompts' texts and messages too, not only in names and tags."""
        if on == self._in_text:
            return False
        self._in_text = on
        self._matching = self._matching_rows()
        self._refilter()
        return True

    def _matching_rows(self, candidates: list[int] | None = None) -> list[int]:
        """Rows whose key holds every word; typing one more letter only searches what still matched.

        In text, each word may stand in the name, the tags or the texts: a plain substring test per row, which
        keeps 10,000 prompts within a frame per keystroke (benchmarks/ui_bench.py).
        """
        if not self._filter:
            return list(range(len(self.rows)))
        words = self._filter.split()
        rows = self.rows
        in_text = self._in_text
        return [
            position for position in (range(len(rows)) if candidates is None else candidates)
            if all(word in rows[position].search_key or (in_text and word in rows[position].text_key)
                   for word in words)
        ]

    def _refilter(self) -> None:
        """Count the matches of every folder (a folder without any is not shown), then lay the rows out. When
        every prompt matches (the first letters typed, often), each folder shows all it holds."""
        if len(self._matching) == len(self.rows):
            for folder in self._deepest_first:
                folder.shown_prompts, folder.shown_folders, folder.matches = folder.prompts, folder.folders, \
                    folder.total
        else:
            for folder in self._deepest_first:
                folder.shown_prompts = []
            for position in self._matching:
                self._folder_of[position].shown_prompts.append(position)
            for folder in self._deepest_first:
                folder.shown_folders = [sub for sub in folder.folders if sub.matches]
                folder.matches = len(folder.shown_prompts) + sum(sub.matches for sub in folder.shown_folders)
        self.entries = self._layout(self.root)

    # -- folding ------------------------------------------------------------------------------------------------

    def is_folded(self, folder: Folder) -> bool:
        return folder.path in (self._folded_in_results if self._filter else self.folded)

    def set_folded(self, folder: Folder, folded: bool) -> None:
        """Fold or unfold a folder; while filtering, only until the filter changes."""
        paths = self._folded_in_results if self._filter else self.folded
        (paths.add if folded else paths.discard)(folder.path)
        self.entries = self._layout(self.root)

    def set_all_folded(self, paths: Iterable[str]) -> None:
        """The folders folded last time (of this connection); a folder that no longer exists is kept all the same,
        for when it comes back."""
        self.folded = set(paths)
        self.entries = self._layout(self.root)

    def unfold_to(self, handle: str) -> None:
        """Unfold the folders of `handle`, so that its row is on screen."""
        names = split_handle(handle)[0]
        paths = {FOLDER_SEPARATOR.join(names[:length]) for length in range(1, len(names) + 1)}
        folded = self._folded_in_results if self._filter else self.folded
        if paths & folded:
            folded -= paths
            self.entries = self._layout(self.root)

    def rows_inside(self, folder: Folder) -> int:
        """How many rows unfolding `folder` shows (its folders' rows included)."""
        return len(self._layout(folder))

    def _layout(self, folder: Folder) -> list[Entry]:
        entries: list[Entry] = []
        for sub in folder.shown_folders:
            entries.append(sub)
            if not self.is_folded(sub):
                entries.extend(self._layout(sub))
        entries.extend(folder.shown_prompts)
        return entries
