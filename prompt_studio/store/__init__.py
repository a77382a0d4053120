"""The embedded SQLite prompt library, with LangWatch semantics (versions, tags, sync)."""

from prompt_studio.store.library import PromptLibrary

__all__ = ["PromptLibrary"]
