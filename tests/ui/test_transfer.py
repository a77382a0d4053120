"""File > Export..., File > Import..., Import a folder... and Prompt > Copy to... in the window, against a real
`prompt-studio serve`: the progress dialog, each conflict through the merge dialog, the summary, a stop that loses
nothing, a bad file that writes nothing, a LangWatch CLI folder out and in, and a copy into the local library."""

from __future__ import annotations

import json

from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox, QFileDialog, QLabel, QMessageBox

from prompt_studio.models import ConfigData, SyncRequest
from prompt_studio.models.bundle import Bundle, BundledPrompt, bundle_text
from prompt_studio.services.connections import LOCAL_LIBRARY
from prompt_studio.ui.merge_dialog import MergeDialog
from prompt_studio.ui.transfer_dialogs import CopyToDialog, ExportDialog
from tests.support.server_process import running_server
from tests.ui.main_window_support import merge_keeping_ours, open_window

CLASHING = "support/triage"
"""An example prompt every new server has: the bundle brings other words for it."""
NEW_HANDLES = [f"imported/prompt-{number}" for number in range(5)]


def _content(text: str) -> ConfigData:
    return ConfigData.model_validate({"prompt": text, "model": "openai/gpt-5", "temperature": 0.3,
                                      "outputs": [{"identifier": "output", "type": "str"}]})


def _bundle_file(tmp_path, window, run_async):
    """Five new prompts, an example prompt exactly as the server has it, and one with other words."""
    unchanged = run_async(window.service.open_prompt("summarize-article"))
    prompts = [BundledPrompt(handle=handle, config_data=_content(f"Prompt {handle}."), parameters={"n": 1})
               for handle in NEW_HANDLES]
    prompts.append(BundledPrompt(handle="summarize-article", config_data=ConfigData.model_validate(unchanged.config),
                                 parameters=unchanged.parameters))
    prompts.append(BundledPrompt(handle=CLASHING, config_data=_content("Triage, as dev has it.")))
    path = tmp_path / "bundle.json"
    path.write_text(bundle_text(Bundle(prompts=prompts)), encoding="utf-8")
    return path


def _merge_dialog(qtbot) -> MergeDialog:
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), MergeDialog), timeout=15000)
    return QApplication.activeModalWidget()


def test_import_counts_the_prompts_merges_the_conflict_and_sums_up(qtbot, run_async, tmp_path, server, screenshots):
    window = open_window(qtbot, run_async, tmp_path / "app", server)
    path = _bundle_file(tmp_path, window, run_async)

    importing = window.tasks.run("save-flow", "Importing", window.transfers.import_prompts(path))
    _merge_dialog(qtbot)
    progress = window.findChild(QDialog, "importProgressDialog")
    status = progress.findChild(QLabel, "importStatus").text()
    assert status == "support/triage is already there with other content: choose what to keep in the window that " \
        "opened." and progress.isVisible()
    assert window.drafts.load(CLASHING).pending_conflict is not None, "the conflict is on disk before the merge"
    screenshots.take(progress, "import-progress.png")
    merge_keeping_ours(qtbot)
    qtbot.waitUntil(importing.done, timeout=15000)

    summary = importing.result()
    assert summary.created == NEW_HANDLES and summary.unchanged == ["summarize-article"]
    assert summary.merged == [CLASHING] and not summary.conflicts and not summary.failed
    text = progress.findChild(QLabel, "importSummary").text()
    assert f"5 created: {', '.join(NEW_HANDLES)}" in text and "1 merged and saved: support/triage" in text
    assert "1 already there, unchanged: summarize-article" in text
    newest = run_async(window.service.history(CLASHING))[0]
    assert newest.prompt == "Triage, as dev has it." and newest.commit_message == "Imported from bundle.json"
    opened = run_async(window.service.open_prompt(NEW_HANDLES[0]))
    assert opened.config["temperature"] == 0.3 and opened.parameters == {"n": 1}
    assert window.drafts.handles() == [], "the merged draft reached the server"
    screenshots.take(progress, "import-summary.png")
    progress.close()


def test_a_stopped_import_keeps_the_conflict_and_a_second_import_writes_nothing_twice(qtbot, run_async, tmp_path,
                                                                                      server):
    window = open_window(qtbot, run_async, tmp_path / "app", server)
    path = _bundle_file(tmp_path, window, run_async)
    importing = window.tasks.run("save-flow", "Importing", window.transfers.import_prompts(path))
    _merge_dialog(qtbot)
    progress = window.findChild(QDialog, "importProgressDialog")
    progress.buttons.button(QDialogButtonBox.StandardButton.Cancel).click()
    qtbot.waitUntil(importing.done, timeout=15000)
    assert importing.result() is None
    assert "Stopped." in progress.findChild(QLabel, "importSummary").text()
    kept = window.drafts.load(CLASHING)
    assert kept.pending_conflict is not None and kept.config["prompt"] == "Triage, as dev has it."
    progress.close()

    again = run_async(window.transfers.import_prompts(path))
    assert again.unchanged == [*NEW_HANDLES, "summarize-article"] and again.conflicts == [CLASHING]
    assert [version.version for version in run_async(window.service.history(NEW_HANDLES[0]))] == [1]
    assert window.drafts.load(CLASHING) == kept, "the kept draft and its conflict are not replaced"
    window.findChild(QDialog, "importProgressDialog").close()


def test_a_file_that_is_not_a_bundle_is_explained_and_nothing_is_written(qtbot, run_async, tmp_path, server,
                                                                         screenshots):
    window = open_window(qtbot, run_async, tmp_path / "app", server)
    before = [prompt.handle for prompt in run_async(window.service.list_prompts())]
    bad = tmp_path / "notes.json"
    bad.write_text(json.dumps({"format": "prompt-studio-bundle", "prompts": [
        {"handle": "fine/one", "configData": _content("Fine.").to_wire()},
        {"handle": "bad/one", "configData": {"prompt": "x", "model": "m", "outputs": []}}]}))
    assert run_async(window.transfers.import_prompts(bad)) is None
    box = window.findChild(QMessageBox, "importProblemDialog")
    assert box.text() == "This file cannot be imported. Nothing was written."
    assert box.informativeText() == ("notes.json cannot be imported: prompt 2 (bad/one): Outputs must have at least "
                                     "one (at prompts[1].configData.outputs).")
    screenshots.take(box, "import-problem.png")
    box.close()
    assert [prompt.handle for prompt in run_async(window.service.list_prompts())] == before


def test_export_writes_the_open_prompt_with_every_version(qtbot, run_async, tmp_path, server, screenshots):
    window = open_window(qtbot, run_async, tmp_path / "app", server)
    run_async(window.open_prompt("support/triage"))
    exporting = window.tasks.run("export-flow", "Exporting", window.transfers.export_prompts())
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), ExportDialog), timeout=5000)
    dialog = QApplication.activeModalWidget()
    assert dialog.all_prompts.isChecked(), "all prompts unless the author chooses the open one"
    dialog.one_prompt.setChecked(True)
    dialog.all_versions.setChecked(True)
    target = tmp_path / "triage.json"
    dialog.file_edit.setText(str(target))
    screenshots.take(dialog, "export-dialog.png")
    dialog.export_button.click()
    qtbot.waitUntil(exporting.done, timeout=15000)

    written = json.loads(target.read_text(encoding="utf-8"))
    versions = run_async(window.service.history("support/triage"))
    assert [item["handle"] for item in written["prompts"]] == ["support/triage"] and written["formatVersion"] == 2
    assert len(written["prompts"][0]["earlierVersions"]) == len(versions) - 1
    progress = window.findChild(QDialog, "exportProgressDialog")
    assert f"written to {target}" in progress.findChild(QLabel, "exportSummary").text()
    progress.close()


def test_copy_to_the_local_library_creates_then_merges_a_changed_copy(qtbot, run_async, tmp_path, server,
                                                                      screenshots):
    window = open_window(qtbot, run_async, tmp_path / "app", server)
    handle = "team/only-on-the-server"
    run_async(window.service.backend.sync_prompt(handle, SyncRequest(config_data=_content("Be brief."),
                                                                     parameters={"tone": "dry"})))
    run_async(window.refresh())
    run_async(window.open_prompt(handle))
    assert window.copy_to_action.isEnabled()

    window.copy_to_action.trigger()
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), CopyToDialog), timeout=5000)
    dialog = QApplication.activeModalWidget()
    assert [dialog.target.itemText(row) for row in range(dialog.target.count())] == ["Local library"]
    screenshots.take(dialog, "copy-to-dialog.png")
    dialog.copy_button.click()
    qtbot.waitUntil(lambda: not window.tasks.is_running("copy-flow"), timeout=15000)
    assert window.statusBar().currentMessage() == f"Copy to Local library: 1 created: {handle}"
    library = run_async(window.connector.open(LOCAL_LIBRARY))
    try:
        copied = run_async(library.service.open_prompt(handle))
        source = run_async(window.service.open_prompt(handle))
        assert (copied.config, copied.parameters) == (source.config, source.parameters)
        assert copied.prompt.commit_message == "Copied from Test server"
    finally:
        run_async(window.connector.close(library))

    draft = window.draft.model_copy(update={"config": {**window.draft.config, "prompt": "Newer on the server."}})
    window.session.draft = draft
    run_async(window.session.save("Newer", window._ask_to_merge))
    copying = window.tasks.run("copy-flow", "Copying", window.transfers.copy_to(LOCAL_LIBRARY))
    merge = merge_keeping_ours(qtbot)
    assert merge.session.draft.config["prompt"] == "Newer on the server."
    qtbot.waitUntil(copying.done, timeout=15000)
    assert copying.result().merged == [handle]
    library = run_async(window.connector.open(LOCAL_LIBRARY))
    try:
        assert run_async(library.service.open_prompt(handle)).config["prompt"] == "Newer on the server."
    finally:
        run_async(window.connector.close(library))
    assert window.draft.config["prompt"] == "Newer on the server.", "the window's own prompt is untouched"


def test_export_as_a_folder_then_import_the_folder_into_another_server(qtbot, run_async, tmp_path, server,
                                                                       screenshots):
    window = open_window(qtbot, run_async, tmp_path / "app", server)
    handle = "team/refunds"
    content = ConfigData.model_validate({
        "prompt": "Refunds for {{ shop }}.", "model": "openai/gpt-5", "temperature": 0.3, "max_tokens": 400,
        "messages": [{"role": "user", "content": "{{ input }}"}], "inputs": [{"identifier": "input", "type": "str"}],
        "outputs": [{"identifier": "output", "type": "str"}]})
    run_async(window.service.backend.sync_prompt(handle, SyncRequest(config_data=content)))
    run_async(window.refresh())
    run_async(window.open_prompt(handle))
    exporting = window.tasks.run("export-flow", "Exporting", window.transfers.export_prompts())
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), ExportDialog), timeout=5000)
    dialog = QApplication.activeModalWidget()
    dialog.one_prompt.setChecked(True)
    dialog.as_folder.setChecked(True)
    assert not dialog.all_versions.isEnabled(), "a folder holds the newest versions only"
    assert dialog.file_edit.text().endswith(ExportDialog.FOLDER_NAME), "the suggested name follows the format"
    folder = tmp_path / "exported"
    dialog.file_edit.setText(str(folder))
    screenshots.take(dialog, "export-folder-dialog.png")
    dialog.export_button.click()
    qtbot.waitUntil(exporting.done, timeout=15000)
    progress = window.findChild(QDialog, "exportProgressDialog")
    assert progress.findChild(QLabel, "exportSummary").text() == (
        f"The newest version of 1 prompt written to {folder} as a LangWatch CLI project (langwatch prompt sync "
        "pushes it as it is).")
    progress.close()
    assert json.loads((folder / "prompts.json").read_text()) == {
        "prompts": {handle: f"file:prompts/{handle}.prompt.yaml"}}
    written = sorted(folder.rglob("*"))
    assert run_async(window.transfers.export_prompts(folder, [handle], to_folder=True)) is None
    box = window.findChild(QMessageBox, "exportProblemDialog")
    assert box.informativeText() == f"{folder} is there and not empty: export into a new or empty folder. " \
        "Nothing was written."
    box.close()
    assert sorted(folder.rglob("*")) == written

    project = json.loads((folder / "prompts.json").read_text())
    (folder / "prompts.json").write_text(json.dumps({"prompts": {**project["prompts"], "shared/glossary": "latest"}}))

    with running_server(tmp_path / "prod") as prod:
        other = open_window(qtbot, run_async, tmp_path / "other-app", prod)
        assert other.import_folder_action in other.file_menu.actions()
        other.import_folder_action.trigger()
        qtbot.waitUntil(lambda: other.findChild(QFileDialog, "importFolderChooser") is not None, timeout=5000)
        chooser = other.findChild(QFileDialog, "importFolderChooser")
        assert chooser.fileMode() == QFileDialog.FileMode.Directory
        chooser.setDirectory(str(folder))
        chooser.accept()
        qtbot.waitUntil(lambda: other.findChild(QDialog, "importProgressDialog") is not None, timeout=5000)
        imported = other.findChild(QDialog, "importProgressDialog")
        summary = imported.findChild(QLabel, "importSummary")
        qtbot.waitUntil(summary.isVisible, timeout=15000)
        assert summary.text() == f"1 created: {handle}\n1 remote prompt of the folder left out (they live on their " \
            "server; only file: prompts are imported): shared/glossary"
        screenshots.take(imported, "import-folder-summary.png")
        opened = run_async(other.service.open_prompt(handle))
        assert opened.config == run_async(window.service.open_prompt(handle)).config, "the same content there"
        imported.close()
