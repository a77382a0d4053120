"""`prompt-studio render` in a subprocess, against a real `prompt-studio serve` on 127.0.0.1, the local library
(`--data-dir`) and a fake Orkes: the JSON it prints, exit status 2 with one line for every failure, and no Qt.

Most calls run in one subprocess (`main(argv)` for each, stdout and stderr captured per call), since starting
Python with httpx costs about half a second; one call goes through `python -m prompt_studio` as a user runs it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from prompt_studio.models.prompt import CreatePromptBody
from prompt_studio.paths import DataPaths
from prompt_studio.store import PromptLibrary
from tests.orkes.fake_orkes import FakeOrkes
from tests.support.payloads import create_body
from tests.support.server_process import free_port, serving_in_a_thread

pytestmark = pytest.mark.slow

KEY_VARIABLE = "PROMPT_STUDIO_TEST_KEY"
ORKES_ID_VARIABLE, ORKES_SECRET_VARIABLE = "PS_TEST_ORKES_ID", "PS_TEST_ORKES_SECRET"
ORKES_ID, ORKES_SECRET = "render-key", "render-secret-8c1f"

DRIVER = textwrap.dedent(
    """
    import io, json, sys, traceback
    from prompt_studio.cli import main

    results = []
    for argv in json.loads(sys.argv[1]):
        out, err = io.BytesIO(), io.BytesIO()
        sys.stdout = io.TextIOWrapper(out, encoding="utf-8", write_through=True)
        sys.stderr = io.TextIOWrapper(err, encoding="utf-8", write_through=True)
        try:
            code = main(argv)
        except SystemExit as exited:
            code = exited.code
        except BaseException:
            traceback.print_exc()
            code = "raised"
        sys.stdout.flush()
        sys.stderr.flush()
        results.append({"code": code, "stdout": out.getvalue().decode(), "stderr": err.getvalue().decode()})
    qt = sorted(name for name in sys.modules if name.split(".")[0] in ("PySide6", "shiboken6", "qasync"))
    sys.__stdout__.write(json.dumps({"results": results, "qt": qt}))
    """
)


def environment(**extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("LANGWATCH_", "OTEL_"))}
    env.update(NO_PROXY="127.0.0.1,localhost", QT_QPA_PLATFORM="offscreen", **extra)
    return env


def run_all(calls: list[list[str]], env: dict[str, str], cwd: Path) -> list[dict[str, Any]]:
    finished = subprocess.run([sys.executable, "-c", DRIVER, json.dumps(calls)], env=env, cwd=cwd,
                              capture_output=True, text=True, timeout=120)
    assert finished.returncode == 0, finished.stderr
    answer = json.loads(finished.stdout)
    assert answer["qt"] == [], "the render command imported Qt"
    for call, result in zip(calls, answer["results"], strict=True):
        assert "Traceback" not in result["stderr"], (call, result["stderr"])
    return answer["results"]


def messages(result: dict[str, Any]) -> list[dict[str, str]]:
    assert result["code"] == 0, result["stderr"]
    return json.loads(result["stdout"])["messages"]


def failure(result: dict[str, Any]) -> str:
    """The one line a failed call wrote, after checking it exited 2 and printed nothing on stdout."""
    assert result["code"] == 2, result
    assert result["stdout"] == ""
    return result["stderr"].strip()


@pytest.fixture(scope="module")
def server(module_server):
    return module_server


@pytest.fixture(scope="module")
def seeded(server) -> str:
    """`render/greeting` v1 (tagged production) and v2 on the server."""
    with httpx.Client(base_url=server.url, headers={"X-Auth-Token": server.api_key}, trust_env=False) as http:
        created = http.post("/api/prompts", json=create_body(
            "render/greeting", prompt="You are a {{ persona }} assistant.\nBe {{ tone | default: 'kind' }}.",
            messages=[{"role": "user", "content": "{% for q in questions %}{{ forloop.index }}. {{ q }}\n"
                                                   "{% endfor %}Thanks, {{ user.name }}"}]))
        assert created.status_code == 200, created.text
        updated = http.put("/api/prompts/render%2Fgreeting", json={
            "commitMessage": "v2", "prompt": "Version two for {{ persona }}.",
        })
        assert updated.status_code == 200, updated.text
        tagged = http.put("/api/prompts/render%2Fgreeting/tags/production",
                          json={"versionId": created.json()["versionId"]})
        assert tagged.status_code == 200, tagged.text
    return server.url


def test_render_against_a_langwatch_server(seeded, server, tmp_path):
    inputs = tmp_path / "inputs.json"
    inputs.write_text(json.dumps({"persona": "pirate", "tone": "warm", "questions": ["Where?", "When?"],
                                  "user": {"name": "Ann"}}))
    not_json, not_object = tmp_path / "broken.json", tmp_path / "list.json"
    not_json.write_text('{"persona": ')
    not_object.write_text("[1, 2]")
    connect = ["--server", seeded, "--api-key-env", KEY_VARIABLE]
    calls = [
        [*connect, "render", "render/greeting", "--inputs", str(inputs)],
        ["render", "render/greeting:1", "--input", "persona=robot", "--input", "questions=text", *connect],
        [*connect, "render", "render/greeting:production", "--input", "persona=ghost", "--input", "tone=brief"],
        [*connect, "render", "render/greeting:latest", "--strict", "--inputs", str(inputs)],
        [*connect, "render", "render/greeting:1", "--strict", "--input", "persona=x"],
        [*connect, "render", "render/greeting:1", "--strict", "--inputs", str(inputs)],
        [*connect, "render", "render/greeting", "--inputs", str(not_json)],
        [*connect, "render", "render/greeting", "--inputs", str(not_object)],
        [*connect, "render", "render/greeting", "--inputs", str(tmp_path / "absent.json")],
        [*connect, "render", "render/greeting", "--input", "no-equals-sign"],
        [*connect, "render", "render/nothing-here"],
        [*connect, "render", "render/greeting:9"],
        [*connect, "render", "render/greeting:no-such-tag"],
        [*connect, "render", "render/greeting:"],
        ["--server", f"http://127.0.0.1:{free_port()}", "--api-key-env", KEY_VARIABLE, "render", "render/greeting"],
        ["--server", seeded, "--api-key-env", "PS_TEST_UNSET_VARIABLE", "render", "render/greeting"],
        ["--server", seeded, "--api-key-env", "PS_TEST_WRONG_KEY", "render", "render/greeting"],
        [*connect, "render", "render/greeting", "--inputs", str(inputs), "--input", "a=b"],
    ]
    results = run_all(calls, environment(**{KEY_VARIABLE: server.api_key, "PS_TEST_WRONG_KEY": "sk-lw-wrong"}),
                      tmp_path)

    assert messages(results[0]) == [
        {"role": "system", "content": "Version two for pirate."},
        {"role": "user", "content": "1. Where?\n2. When?\nThanks, Ann"},
    ]
    first = messages(results[1])
    assert first[0] == {"role": "system", "content": "You are a robot assistant.\nBe kind."}
    assert first[1] == {"role": "user", "content": "1. text\nThanks, "}  # --input is text: a loop sees one item
    assert "{{ user.name }} has no value (message 1 (user), line 2); rendered empty" in results[1]["stderr"]
    assert messages(results[2])[0]["content"] == "You are a ghost assistant.\nBe brief."
    assert messages(results[3]) == messages(results[0])
    # `default` does not save a missing variable in strict mode: StrictUndefined refuses to be looked at
    assert failure(results[4]) == ("prompt-studio render: {{ tone }} has no value (the system prompt, line 2); "
                                   "give it with --input tone=VALUE or in --inputs FILE.json")
    assert messages(results[5])[1]["content"] == "1. Where?\n2. When?\nThanks, Ann"
    assert "is not valid JSON: Expecting value at line 1, column 13" in failure(results[6])
    assert "must hold a JSON object of input names to values, not list" in failure(results[7])
    assert "cannot read the inputs file" in failure(results[8])
    assert failure(results[9]) == "prompt-studio render: --input 'no-equals-sign' is not NAME=VALUE"
    assert "has no prompt render/nothing-here" in failure(results[10])
    assert "has no prompt render/greeting:9" in failure(results[11])
    assert "has no prompt render/greeting:no-such-tag" in failure(results[12])
    assert "nothing after ':'" in failure(results[13])
    assert "Could not reach the server." in failure(results[14])
    assert "PS_TEST_UNSET_VARIABLE is empty or not set" in failure(results[15])
    assert "did not accept the API key" in failure(results[16])
    assert results[17]["code"] == 2 and "not allowed with argument" in results[17]["stderr"]  # argparse's usage
    for result in results:
        assert server.api_key not in result["stdout"] + result["stderr"]


def test_render_from_the_local_library(tmp_path):
    data = tmp_path / "data"
    library = PromptLibrary(DataPaths.resolve(data).library)
    library.create_prompt(CreatePromptBody.model_validate(create_body(
        "local/one", prompt="", messages=[{"role": "user", "content": "Ünïcødé {{ word | upcase }} 🎉"}])))
    library.close()
    results = run_all([
        ["--data-dir", str(data), "render", "local/one", "--input", "word=grüße"],
        ["render", "local/one", "--data-dir", str(data), "--strict"],
        ["render", "local/absent", "--data-dir", str(data)],
    ], environment(PYTHONIOENCODING="ascii"), tmp_path)
    assert messages(results[0]) == [{"role": "system", "content": ""},
                                    {"role": "user", "content": "Ünïcødé GRÜSSE 🎉"}]
    assert failure(results[1]).startswith("prompt-studio render: {{ word }} has no value (message 1 (user), line 1);")
    assert "Local library has no prompt local/absent" in failure(results[2])


@pytest.fixture(scope="module")
def orkes_url() -> Iterator[tuple[str, FakeOrkes]]:
    fake = FakeOrkes()
    fake.add_key(ORKES_ID, ORKES_SECRET, user="me@example.com")
    with serving_in_a_thread(fake.app, "the fake Orkes server") as url:
        yield url, fake


def test_render_from_orkes(orkes_url, tmp_path):
    url, fake = orkes_url
    fake.post_template("greet", "Hi ${name}, about ${topic}: ${items}", models=["openai:gpt-4o"])
    connect = ["--orkes", url, "--key-id-env", ORKES_ID_VARIABLE, "--key-secret-env", ORKES_SECRET_VARIABLE]
    inputs = tmp_path / "inputs.json"
    inputs.write_text(json.dumps({"name": "Ada", "items": [1, 2.5, True]}))
    results = run_all([
        [*connect, "--data-dir", str(tmp_path / "d"), "render", "greet", "--inputs", str(inputs)],
        [*connect, "--data-dir", str(tmp_path / "d"), "render", "greet:1", "--strict", "--inputs", str(inputs)],
        [*connect, "--data-dir", str(tmp_path / "d"), "render", "greet:production"],
    ], environment(**{ORKES_ID_VARIABLE: ORKES_ID, ORKES_SECRET_VARIABLE: ORKES_SECRET}), tmp_path)
    assert messages(results[0]) == [{"role": "system", "content": "Hi Ada, about ${topic}: [1,2.5,true]"}]
    assert "${topic} has no value (the system prompt, line 1); rendered as written" in results[0]["stderr"]
    assert failure(results[1]).startswith("prompt-studio render: ${topic} has no value (the system prompt, line 1);")
    assert "no version tags" in failure(results[2])


def test_the_installed_command_line_prints_utf8_json_and_reads_inputs_from_stdin(tmp_path):
    data = tmp_path / "data"
    library = PromptLibrary(DataPaths.resolve(data).library)
    library.create_prompt(CreatePromptBody.model_validate(create_body(
        "cli/one", prompt="Sys {{ a }}", messages=[{"role": "user", "content": "{{ b.c }}"}])))
    library.close()
    finished = subprocess.run(
        [sys.executable, "-m", "prompt_studio", "--data-dir", str(data), "render", "cli/one", "--inputs", "-"],
        input='{"a": "ä", "b": {"c": 3}}', env=environment(PYTHONIOENCODING="ascii"), cwd=tmp_path,
        capture_output=True, text=True, encoding="utf-8", timeout=60,
    )
    assert finished.returncode == 0, finished.stderr
    assert json.loads(finished.stdout) == {"messages": [{"role": "system", "content": "Sys ä"},
                                                        {"role": "user", "content": "3"}]}
