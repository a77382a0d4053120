"""The editor forms the main window embeds: `PromptEditor` for LangWatch's shape (a server or the local library),
`OrkesTemplateEditor` for an Orkes template. Both offer the window the same interface; `editor_for` picks one."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from prompt_studio.services.backends import Capabilities
from prompt_studio.ui.editor.orkes_editor import OrkesTemplateEditor
from prompt_studio.ui.editor.prompt_editor import PromptEditor

ContentEditor = PromptEditor | OrkesTemplateEditor
"""Either editor: `set_content`, `content`, `is_valid`, `sig_edited`, `sig_validity_changed`, `undo_action`,
`redo_action` and `template_syntax` mean the same on both."""


def editor_for(capabilities: Capabilities, parent: QWidget | None = None) -> ContentEditor:
    """The editor of what one version of this back end holds (`capabilities.prompt_shape`), offering the fields
    it keeps (`capabilities.editable_fields`)."""
    if capabilities.prompt_shape == "orkes":
        return OrkesTemplateEditor(parent, content_note=capabilities.content_note)
    return PromptEditor(parent, editable_fields=capabilities.editable_fields, content_note=capabilities.content_note)


def editor_kind(capabilities: Capabilities) -> tuple[str, tuple[str, ...] | None]:
    """Two back ends with the same kind share one editor; another kind needs a new one."""
    return capabilities.prompt_shape, capabilities.editable_fields


__all__ = ["ContentEditor", "OrkesTemplateEditor", "PromptEditor", "editor_for", "editor_kind"]
