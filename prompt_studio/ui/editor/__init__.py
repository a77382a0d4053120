"""The prompt editor form (`PromptEditor`), embedded by the main window."""

from prompt_studio.ui.editor.prompt_editor import PromptEditor

__all__ = ["PromptEditor"]
