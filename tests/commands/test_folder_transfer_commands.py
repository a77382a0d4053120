"""`prompt-studio import FOLDER` and `export --format folder` refusing what they cannot do, whole processes on the
local library: a bad folder is named by file and line and writes nothing anywhere; a folder is never written over."""

from __future__ import annotations

import json

import pytest

from tests.cli_folders.conftest import folder_bytes
from tests.commands.test_transfer_commands import _cli

FINE = "model: openai/gpt-5\nmessages:\n  - role: system\n    content: Fine.\n"


def _library_handles(library) -> set[str]:
    listed = _cli("export", "-", "--data-dir", str(library))
    assert listed.returncode == 0, listed.stderr
    return {item["handle"] for item in json.loads(listed.stdout)["prompts"]}


def _folder(root, prompts: dict[str, str], files: dict[str, str], project_text: str | None = None):
    (root / "prompts").mkdir(parents=True)
    text = project_text or json.dumps({"prompts": prompts}, indent=2) + "\n"
    (root / "prompts.json").write_text(text, encoding="utf-8")
    for name, content in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(content, encoding="utf-8")
    return root


BAD_FOLDERS = [
    ({}, {}, '{\n  "prompts": {\n    "fine": "file:prompts/fine.prompt.yaml",,\n  }\n}\n',
     "prompts.json, line 3: this is not valid JSON"),
    ({"bad": "file:prompts/bad.prompt.yaml"}, {"prompts/bad.prompt.yaml": "model: openai/gpt-5\nmessages: [\n"}, None,
     "prompts/bad.prompt.yaml, line 3: this is not valid YAML"),
    ({"bad": "file:prompts/bad.prompt.yaml"},
     {"prompts/bad.prompt.yaml": "model: openai/gpt-5\nmessages:\n  - role: narrator\n    content: Hi.\n"}, None,
     "prompts/bad.prompt.yaml, line 3: role: is system, user or assistant."),
    ({"bad": "file:prompts/bad.prompt.yaml"}, {"prompts/bad.prompt.yaml": "messages:\n  - role: user\n"
                                                                          "    content: Hi.\n"}, None,
     "prompts/bad.prompt.yaml, line 1: model: is required"),
    ({"gone": "file:prompts/gone.prompt.yaml"}, {}, None,
     "prompts.json, line 4: the file prompts/gone.prompt.yaml of 'gone' does not exist."),
    ({"away": "file:../outside.prompt.yaml"}, {"../outside.prompt.yaml": FINE}, None,
     "prompts.json, line 4: '../outside.prompt.yaml' points outside the project folder."),
]


@pytest.mark.parametrize(("prompts", "files", "project_text", "said"), BAD_FOLDERS)
def test_a_bad_folder_is_refused_naming_the_file_and_line_and_nothing_is_written(tmp_path, prompts, files,
                                                                                 project_text, said):
    root = _folder(tmp_path / "project", {"fine": "file:prompts/fine.prompt.yaml", **prompts},
                   {"prompts/fine.prompt.yaml": FINE, **files}, project_text)
    library = tmp_path / "library"
    before, in_folder = _library_handles(library), folder_bytes(root)

    refused = _cli("import", str(root), "--data-dir", str(library))

    assert refused.returncode == 2, refused.stderr
    assert said in refused.stderr and "A file of this prompt folder cannot be read." in refused.stderr
    assert "Traceback" not in refused.stderr
    assert _library_handles(library) == before, "not even the fine prompt before the bad one"
    assert folder_bytes(root) == in_folder


def test_a_folder_goes_in_with_its_local_prompts_and_says_which_remote_ones_it_left(tmp_path):
    root = _folder(tmp_path / "project", {"team/fine": "file:prompts/team/fine.prompt.yaml", "shared": "latest"},
                   {"prompts/team/fine.prompt.yaml": FINE})
    library = tmp_path / "library"

    imported = _cli("import", str(root), "--data-dir", str(library))

    assert imported.returncode == 0, imported.stderr
    assert "1 remote prompt of the folder left out (they live on their server; only file: prompts are " \
        "imported): shared" in imported.stderr
    assert "1/1 team/fine" in imported.stderr and "1 created: team/fine" in imported.stderr
    assert "team/fine" in _library_handles(library) and "shared" not in _library_handles(library)


def test_a_folder_export_never_writes_into_a_folder_that_holds_files(tmp_path):
    taken = tmp_path / "taken"
    taken.mkdir()
    (taken / "notes.txt").write_text("mine", encoding="utf-8")

    refused = _cli("export", str(taken), "--format", "folder", "--data-dir", str(tmp_path / "library"))

    assert refused.returncode == 2
    assert f"{taken} is there and not empty: export into a new or empty folder. Nothing was written." \
        in refused.stderr
    assert folder_bytes(taken) == {"notes.txt": b"mine"}
    bundle_only = _cli("export", str(tmp_path / "new"), "--format", "folder", "--all-versions")
    assert bundle_only.returncode == 2 and "(--all-versions is for bundles)" in bundle_only.stderr
    assert not (tmp_path / "new").exists()


def test_the_local_library_exports_as_a_folder_into_an_empty_one(tmp_path):
    library, destination = tmp_path / "library", tmp_path / "empty"
    destination.mkdir()
    handles = _library_handles(library)

    exported = _cli("export", str(destination), "--format", "folder", "--data-dir", str(library))

    assert exported.returncode == 0, exported.stderr
    project = json.loads((destination / "prompts.json").read_text(encoding="utf-8"))
    assert set(project["prompts"]) == handles
    assert all((destination / spec.removeprefix("file:")).is_file() for spec in project["prompts"].values())
    assert not list(tmp_path.glob(".empty.*")), "nothing left beside it"
    assert "support/triage: a prompt file does not keep its outputs as they are" in exported.stderr, \
        "its one output is named category: a file holds a text answer named output"
