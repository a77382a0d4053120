"""Prompts into and out of a connection: export to a file or a LangWatch CLI project folder, import from one, and
copy the open prompt to another connection.

The window makes the actions and shows the outcome; these flows ask their questions and do the work, each through
the window's task runner, so busy state, failures and a switch of connection end them like any other flow.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox, QWidget

from prompt_studio.models.bundle import Bundle, BundleProblem
from prompt_studio.models.errors import FolderFormatError, PromptStudioError
from prompt_studio.services.connections import Connection, Connector
from prompt_studio.services.editing import EditingSession, MergeResolver
from prompt_studio.services.transfer import (
    ImportSummary,
    export_bundle,
    folder_destination_problem,
    load_bundle,
    load_folder,
    write_bundle,
    write_folder,
    written_without,
)
from prompt_studio.ui.progress_dialog import EXPORT, IMPORT, ProgressDialog, ProgressWords
from prompt_studio.ui.prompt_list import PromptListModel
from prompt_studio.ui.tasks import TaskRunner, WindowFlows, wait_for_dialog
from prompt_studio.ui.transfer_dialogs import CopyToDialog, ExportDialog

KEPT_CONFLICTS = "already there with other content, kept as drafts: open each and choose Resolve conflict"

WithProgress = Callable[[int, ProgressWords, Callable[[ProgressDialog], Awaitable[Any]]],
                        Awaitable[tuple[ProgressDialog, Any]]]
"""Runs work under a progress dialog whose Cancel stops it: (the dialog, the result or None if stopped)."""


class TransferFlows(WindowFlows):
    """Export, import and copy to another connection, for the connection the window has open at the time."""

    def __init__(self, window: QWidget, tasks: TaskRunner, connector: Connector,
                 session: Callable[[], EditingSession], prompt_model: PromptListModel, *,
                 say: Callable[[str, int], Any], wait_for_save: Callable[[], bool], with_progress: WithProgress,
                 ask_to_merge: MergeResolver, merge_in_dialog: MergeResolver, after_bulk_save: Callable[[], Any],
                 add_server_entry: str):
        super().__init__(window, tasks, session, say)
        self.connector, self.prompt_model = connector, prompt_model
        self.wait_for_save = wait_for_save
        """True, having said so, while a save of this connection is in flight (an import is a save)."""
        self.with_progress = with_progress
        self.ask_to_merge = ask_to_merge
        """The merge dialog for a prompt of this connection, shown in the editor."""
        self.merge_in_dialog = merge_in_dialog
        """The merge dialog alone, for a prompt of another connection."""
        self.after_bulk_save = after_bulk_save
        self.add_server_entry = add_server_entry
        """The menu entry that adds a connection, named when there is none to copy to."""

    # -- export -------------------------------------------------------------------------------------------------

    def start_export(self) -> None:
        if not self.tasks.is_running("export-flow"):
            self.tasks.run("export-flow", "Exporting", self.export_prompts())

    async def export_prompts(self, path: Path | None = None, handles: list[str] | None = None, *,
                             all_versions: bool = False, to_folder: bool = False) -> Bundle | None:
        """Write prompts (all, unless `handles`) to one bundle file, or `to_folder` as a LangWatch CLI project
        folder (newest versions, into a new or empty folder); without `path`, ask which, how and where."""
        if path is None:
            draft = self.session.draft
            current = self.session.handle if draft is not None and not draft.is_new else None
            dialog = ExportDialog(self.window, self.prompt_model.total, current, Path.home())
            if await wait_for_dialog(dialog) != QDialog.DialogCode.Accepted:
                return None
            path, handles = dialog.path, dialog.handles
            all_versions, to_folder = dialog.every_version, dialog.to_folder
        if to_folder and (problem := await asyncio.to_thread(folder_destination_problem, path)):
            self._show_problem("exportProblemDialog", "Export", "This folder cannot take the export.", problem)
            return None
        service, source = self.session.service, self.session.workspace.connection.name
        if handles is None:
            handles = [prompt.handle or prompt.id for prompt in await service.list_prompts()]
        progress, bundle = await self.with_progress(len(handles), EXPORT, lambda progress: export_bundle(
            service, source, handles, all_versions=all_versions, on_read=progress.on_answered))
        if bundle is None:
            progress.show_summary("Stopped. Nothing was written.")
            return None
        count = len(bundle.prompts)
        prompts = f"{count} prompt{'s' if count != 1 else ''}"
        if to_folder:
            try:
                left_out = await asyncio.to_thread(write_folder, path, bundle)
            except (OSError, PromptStudioError) as error:
                reason = error.user_message if isinstance(error, PromptStudioError) else error.strerror or error
                progress.show_summary(f"Nothing was written: {reason}")
                return None
            lines = [f"The newest version of {prompts} written to {path} as a LangWatch CLI project "
                     "(langwatch prompt sync pushes it as it is)."]
            progress.show_summary("\n".join(lines + written_without(left_out)))
            return bundle
        await asyncio.to_thread(write_bundle, path, bundle)
        versions = "every version of " if all_versions else "the newest version of "
        progress.show_summary(f"{versions}{prompts} written to {path}.".capitalize())
        return bundle

    def _show_problem(self, object_name: str, title: str, text: str, detail: str) -> None:
        """Why a file or folder cannot be used, in a box that stays on top of the window (nothing was written)."""
        box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, self.window)
        box.setObjectName(object_name)
        box.setInformativeText(detail)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    # -- import -------------------------------------------------------------------------------------------------

    def start_import(self) -> None:
        if not self.wait_for_save():
            self.tasks.run("save-flow", "Importing", self.import_prompts())

    def start_import_folder(self) -> None:
        if not self.wait_for_save():
            self.tasks.run("save-flow", "Importing", self.import_prompts(folder=True))

    async def _chosen_source(self, folder: bool) -> Path | None:
        chooser = QFileDialog(self.window, "Import a LangWatch CLI project folder" if folder else "Import prompts",
                              str(Path.home()), "" if folder else "Prompt Studio bundles (*.json);;All files (*)")
        chooser.setObjectName("importFolderChooser" if folder else "importFileChooser")
        if folder:
            chooser.setFileMode(QFileDialog.FileMode.Directory)
            chooser.setOption(QFileDialog.Option.ShowDirsOnly)
        else:
            chooser.setFileMode(QFileDialog.FileMode.ExistingFile)
        if await wait_for_dialog(chooser) != QDialog.DialogCode.Accepted or not chooser.selectedFiles():
            return None
        return Path(chooser.selectedFiles()[0])

    async def import_prompts(self, path: Path | None = None, *, folder: bool = False) -> ImportSummary | None:
        """A bundle file, or the local prompts of a LangWatch CLI project folder, into this connection: created,
        brought up to date or left unchanged, never overwritten; each conflict goes to the merge dialog in turn.
        Nothing is lost on a stop: the file is still there, and importing it again writes nothing twice."""
        path = path or await self._chosen_source(folder)
        if path is None:
            return None
        remote: list[str] = []
        try:
            if await asyncio.to_thread(path.is_dir):
                bundle, remote = await asyncio.to_thread(load_folder, path)
            else:
                bundle = await asyncio.to_thread(load_bundle, path)
        except BundleProblem as problem:
            self._show_problem("importProblemDialog", "Import", "This file cannot be imported. Nothing was written.",
                               str(problem))
            return None
        except FolderFormatError as problem:
            self._show_problem("importProblemDialog", "Import", "This folder cannot be imported. Nothing was "
                               "written.", problem.message)
            return None
        session = self.session
        progress, summary = await self.with_progress(len(bundle.prompts), IMPORT, lambda progress: (
            session.import_bundle(bundle, f"Imported from {path.name}", self.ask_to_merge,
                                  on_answered=progress.on_answered, on_merging=progress.show_merging)))
        if summary is not None:
            summary.left_remote = remote
        progress.show_summary(self._import_summary_text(summary) if summary is not None else
                              "Stopped. What was sent is in; import the same file again to go on.")
        self.after_bulk_save()
        return summary

    @staticmethod
    def _import_summary_text(summary: ImportSummary) -> str:
        return "\n".join(summary.lines(KEPT_CONFLICTS)) or "The file holds no prompts."

    # -- copy to another connection -----------------------------------------------------------------------------

    def start_copy_to(self) -> None:
        if self.session.draft is not None and not self.tasks.is_running("copy-flow"):
            self.tasks.run("copy-flow", "Copying", self.copy_to())

    async def copy_to(self, connection: Connection | None = None) -> ImportSummary | None:
        """The open prompt's newest version into another connection, created there or saved through sync;
        a conflict there goes to the merge dialog."""
        handle = self.session.handle
        if connection is None:
            current = self.session.workspace.connection.id
            others = [known for known in self.connector.connections() if known.id != current]
            if not others:
                self.say("There is no other connection to copy to yet: add one first "
                         f"(File > {self.add_server_entry}).", 10000)
                return None
            dialog = CopyToDialog(self.window, handle, others)
            if await wait_for_dialog(dialog) != QDialog.DialogCode.Accepted or dialog.connection is None:
                return None
            connection = dialog.connection
        target = await self.connector.open(connection)
        try:
            summary = await self.session.copy_to(handle, target, self.merge_in_dialog)
        finally:
            await self.connector.close(target)
        lines = summary.lines(KEPT_CONFLICTS)
        self.say(f"Copy to {connection.name}: {lines[0] if lines else 'nothing to copy'}", 15000)
        return summary
