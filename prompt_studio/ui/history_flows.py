"""What the user does with the versions of the open prompt: compare two, restore one, move a tag to one, go to one
by name:tag or name:2.

The window owns the history panel, the actions and the tag menu, and shows a version on view; these flows act on
the versions its history selects, each through the window's task runner, so a switch of connection ends them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QMenu, QMessageBox, QTableView, QWidget

from prompt_studio.models import Prompt, config_from_prompt
from prompt_studio.models.draft import Draft
from prompt_studio.services.compare import compare_contents, unchanged_fields
from prompt_studio.services.editing import EditingSession
from prompt_studio.services.finding import Reference, find_version, missing_version_message
from prompt_studio.services.prompts import OpenedPrompt
from prompt_studio.ui.compare import CompareDialog
from prompt_studio.ui.dialogs import new_tag_dialog
from prompt_studio.ui.history import VersionHistoryModel
from prompt_studio.ui.quick_open import QuickOpenDialog
from prompt_studio.ui.tasks import TaskRunner, WindowFlows, wait_for_dialog


class HistoryFlows(WindowFlows):
    """Compare, restore, tags and go to version, for the prompt the window has open at the time."""

    def __init__(self, window: QWidget, tasks: TaskRunner, session: Callable[[], EditingSession],
                 history_view: QTableView, history_model: VersionHistoryModel, tag_menu: QMenu, *,
                 say: Callable[[str, int], Any], show_opened: Callable[[Draft], Any],
                 show_drafts_kept: Callable[[], Any], refresh: Callable[[], Any],
                 load_history: Callable[[str], asyncio.Task], open_prompt: Callable[[str], asyncio.Task]):
        super().__init__(window, tasks, session, say)
        self.history_view, self.history_model, self.tag_menu = history_view, history_model, tag_menu
        self.show_opened = show_opened
        self.show_drafts_kept = show_drafts_kept
        self.refresh = refresh
        self.load_history = load_history
        self.open_prompt = open_prompt

    def selected_versions(self) -> list[Prompt]:
        """What the history panel has selected, in its order (newest first): what Compare, Restore and Tag act on."""
        rows = sorted({index.row() for index in self.history_view.selectionModel().selectedRows()})
        return [self.history_model.version_at(row) for row in rows]

    # -- compare ------------------------------------------------------------------------------------------------

    def compare_with_newest(self) -> None:
        """The version on view with the newest one, whatever else is selected in the history."""
        viewing, versions = self.session.viewing, self.history_model.versions
        if viewing is not None and versions and viewing.version != versions[0].version:
            self.show_comparison(viewing, versions[0])

    def compare_selected(self) -> None:
        selected = self.selected_versions()
        versions = self.history_model.versions
        if len(selected) == 1 and versions:
            selected = [selected[0], versions[0]] if selected[0].version != versions[0].version else []
        if len(selected) != 2:
            return
        older, newer = sorted(selected, key=lambda prompt: prompt.version)
        self.show_comparison(older, newer)

    def show_comparison(self, older: Prompt, newer: Prompt) -> CompareDialog:
        def content(prompt: Prompt) -> dict:
            return {**config_from_prompt(prompt).to_wire(), "parameters": prompt.parameters}

        old, new = content(older), content(newer)
        dialog = CompareDialog(self.window, compare_contents(old, new), f"v{older.version}", f"v{newer.version}",
                               unchanged_fields(old, new))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    # -- restore ------------------------------------------------------------------------------------------------

    def start_restore(self) -> None:
        selected = self.selected_versions()
        if len(selected) == 1 and self.session.draft is not None:
            self.tasks.run("restore-flow", "Restoring", self.restore_version(selected[0]))

    async def restore_version(self, version: Prompt, *, confirm: bool = True) -> OpenedPrompt | None:
        session = self.session
        handle = version.handle or version.id
        if confirm:
            box = QMessageBox(QMessageBox.Icon.Question, "Restore version",
                              f"Save v{version.version} of {handle} again as the newest version?\n"
                              "Nothing is deleted: the versions in between stay in the history.",
                              QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, self.window)
            box.setObjectName("restoreConfirmDialog")
            if await wait_for_dialog(box) != QMessageBox.StandardButton.Yes:
                return None
        opened = await session.restore(version)
        if session.handle == handle:
            self.show_opened(session.draft)
        self.show_drafts_kept()
        self.say(f"Restored v{version.version} as v{opened.prompt.version}.", 5000)
        self.refresh()
        self.load_history(handle)
        return opened

    # -- tags ---------------------------------------------------------------------------------------------------

    def fill_tag_menu(self) -> None:
        """The tags of this connection, each offered for the one version selected (made as the menu opens)."""
        self.tag_menu.clear()
        selected = self.selected_versions()
        if len(selected) != 1:
            self.tag_menu.addAction("Select one version in the history first").setEnabled(False)
            return
        target = selected[0]
        for name in self.session.tag_names:
            where = self._version_tagged(name)
            if where is not None and where.version == target.version:
                action = self.tag_menu.addAction(f"'{name}' is on v{target.version}")
                action.setEnabled(False)
            else:
                now = f"now on v{where.version}" if where is not None else "on no version yet"
                action = self.tag_menu.addAction(f"Move '{name}' to v{target.version} ({now})")
                action.triggered.connect(lambda _checked=False, tag=name: self.tasks.run(
                    "tag-flow", f"Moving '{tag}'", self.move_tag_asking(target, tag)))
            action.setObjectName(f"tag-{name}")
        self.tag_menu.addSeparator()
        new_tag = self.tag_menu.addAction("New tag...")
        new_tag.setObjectName("newTagAction")
        new_tag.triggered.connect(lambda: self.tasks.run("tag-flow", "Creating the tag", self.new_tag(selected[0])))

    def _version_tagged(self, tag: str) -> Prompt | None:
        return next((version for version in self.history_model.versions if tag in version.tag_names), None)

    async def move_tag_asking(self, version: Prompt, tag: str) -> bool:
        """Move a tag; moving `production` (what apps use) asks first and says where it was."""
        if tag == "production":
            where = self._version_tagged(tag)
            was = f" from v{where.version}" if where is not None else ""
            box = QMessageBox(QMessageBox.Icon.Question, "Move production",
                              f"Move 'production'{was} to v{version.version}?",
                              QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, self.window)
            box.setObjectName("moveProductionDialog")
            box.setInformativeText(f"Everything that uses the production version of {version.handle or version.id} "
                                   f"gets v{version.version} from now on.")
            box.setDefaultButton(QMessageBox.StandardButton.Cancel)
            if await wait_for_dialog(box) != QMessageBox.StandardButton.Yes:
                return False
        await self.move_tag(version, tag)
        return True

    async def new_tag(self, version: Prompt, name: str | None = None) -> str | None:
        """Create a custom tag (after checking its name) and put it on this version."""
        if name is None:
            dialog = new_tag_dialog(self.window, self.session.tag_names)
            if await wait_for_dialog(dialog) != QDialog.DialogCode.Accepted:
                return None
            name = dialog.name
        await self.session.create_tag(name)
        await self.move_tag(version, name)
        return name

    def move_tag(self, version: Prompt, tag: str) -> asyncio.Task:
        session = self.session
        handle = version.handle or version.id

        async def move():
            await session.move_tag(version, tag)
            self.say(f"'{tag}' now points at v{version.version}.", 5000)
            self.refresh()
            await self.load_history(handle)

        return self.tasks.run("tag", f"Moving '{tag}'", move())

    # -- go to a version ----------------------------------------------------------------------------------------

    async def go_to_version(self, handle: str, reference: Reference, dialog: QuickOpenDialog | None = None) -> bool:
        """Open `handle` and show the version `reference` names read-only, as selecting it in the history does;
        a version or tag it does not have is said in the dialog, and nothing opens."""
        opened = self.session.handle == handle and not self.tasks.is_running("open")
        versions = self.session.versions if opened else await self.session.service.history(handle)
        version = find_version(versions, reference)
        if version is None:
            if dialog is not None:
                dialog.show_problem(missing_version_message(handle, reference))
            return False
        if dialog is not None:
            dialog.accept()
        if not opened:
            await self.open_prompt(handle)
            if self.session.handle != handle:  # another prompt was chosen meanwhile: it wins
                return False
        row = self.history_model.row_of_version(version.version)
        if row is None:
            return False
        self.history_view.clearSelection()
        self.history_view.selectRow(row)
        return True
