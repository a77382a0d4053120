"""Compare side by side and Run 5 times in the real window, against the fake OpenAI server: the draft and a saved
version answer at once in two columns with their own figures, the changed words are marked, Stop ends both runs,
and five runs of the draft report their spread and how many different answers came back.

support/triage (an example of the local library) has v2 (the draft on screen) and v1 (production), whose system
prompts differ: "Answer with exactly one of: ..." in v2, "Answer with one category." in v1.
"""

from __future__ import annotations

import itertools

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel, QPlainTextEdit, QTextBrowser

from tests.providers.window_support import try_it_window
from tests.ui.conftest import qt_loop, run_async  # noqa: F401  (the qasync fixtures, borrowed)

DRAFT_ANSWER = ["billing", " (the", " refund", " is", " late)"]
VERSION_ANSWER = ["billing", " (a", " refund", " question)"]


def _answer_by_prompt(body) -> list[str]:
    """v2's system prompt asks for "exactly one of"; v1's does not."""
    return DRAFT_ANSWER if "exactly one of" in body["messages"][0]["content"] else VERSION_ANSWER


def _comparing_window(qtbot, run_async, tmp_path, fakes):  # noqa: F811
    window, trials = try_it_window(qtbot, run_async, tmp_path / "app", fakes)
    qtbot.waitUntil(lambda: len(window.history_model.versions) == 2, timeout=10000)
    window.try_it.set_versions(window.history_model.versions)  # what the window is to call with its history
    window.try_it.findChild(QPlainTextEdit, "sampleInputField_product").setPlainText("Acme Mail")
    window.try_it.findChild(QPlainTextEdit, "sampleInputField_input").setPlainText("Where is my refund?")
    return window, trials


def _marked_words(browser: QTextBrowser) -> dict[str, list[str]]:
    """The runs of the text shown struck out, and those shown on a coloured background, as the user sees them."""
    marked: dict[str, list[str]] = {"struck out": [], "highlighted": []}
    block = browser.document().begin()
    while block.isValid():
        fragments = block.begin()
        while not fragments.atEnd():
            fragment = fragments.fragment()
            text, char_format = fragment.text().strip(), fragment.charFormat()
            if text and char_format.fontStrikeOut():
                marked["struck out"].append(text)
            elif text and char_format.background().style() != Qt.BrushStyle.NoBrush:
                marked["highlighted"].append(text)
            fragments += 1
        block = block.next()
    return marked


def _requests(fakes) -> list[dict]:
    return [recorded.body for recorded in fakes.fake.requests if recorded.path.endswith("/chat/completions")]


def test_compare_runs_the_draft_and_a_version_side_by_side(qtbot, run_async, tmp_path, fakes,  # noqa: F811
                                                           screenshots):
    fakes.fake.script.tokens_for = _answer_by_prompt
    fakes.fake.script.delay = 0.05
    window, trials = _comparing_window(qtbot, run_async, tmp_path, fakes)
    panel = window.try_it
    selector = panel.findChild(QComboBox, "compareWithSelector")
    assert [selector.itemText(row) for row in range(selector.count())] == ["v2 (latest)", "v1 (production)"]
    selector.setCurrentIndex(1)
    answer = panel.findChild(QPlainTextEdit, "runAnswer")
    compare_answer = panel.findChild(QPlainTextEdit, "compareRunAnswer")
    both_partial: list[bool] = []
    answer.textChanged.connect(lambda: both_partial.append(bool(compare_answer.toPlainText())
                                                           and compare_answer.toPlainText() != "".join(
                                                               VERSION_ANSWER)))

    with qtbot.waitSignal(panel.sig_comparison_finished, timeout=15000) as finished:
        panel.compare_button.click()

    draft, version = finished.args
    assert draft.ok and version.ok
    assert answer.toPlainText() == "".join(DRAFT_ANSWER)
    assert compare_answer.toPlainText() == "".join(VERSION_ANSWER)
    assert any(both_partial), "the two answers stream in at the same time, not one after the other"
    sent = _requests(fakes)
    assert len(sent) == 2
    systems = sorted(body["messages"][0]["content"] for body in sent)
    assert systems == [
        "You sort incoming support tickets for Acme Mail.\nAnswer with exactly one of: billing, bug, how-to, "
        "account, other.",
        "You sort incoming support tickets for Acme Mail. Answer with one category.",
    ], "the version's request carries the version's own text, with the same sample values"
    assert all(body["messages"][1]["content"] == "Ticket:\nWhere is my refund?" for body in sent)
    assert all(body["model"] == "gpt-5" and body["max_completion_tokens"] == 50 for body in sent), (
        "the version's parameters come from the version (gpt-5 is a reasoning model: no temperature is sent)")
    for name in ("runStats", "compareRunStats"):
        assert "to the first token" in panel.findChild(QLabel, name).text()
    assert panel.findChild(QLabel, "compareRunAnswerTitle").text() == "v1 (production)"
    differences = panel.findChild(QTextBrowser, "compareRunDifferences")
    assert differences.isVisible()
    marked = _marked_words(differences)
    assert marked["struck out"] == ["only in the answer of v1 (production)", "a", "question"]  # legend, words
    assert marked["highlighted"] == ["only in the answer of your draft", "the", "is late"]
    assert panel.run_button.isEnabled() and panel.compare_button.isEnabled()

    window.resize(1500, 950)
    window.resizeDocks([window.try_it_dock], [900], Qt.Orientation.Horizontal)
    screenshots.take(window, "try-it-compare.png")
    run_async(trials.aclose())


def test_the_same_answer_is_said_so(qtbot, run_async, tmp_path, fakes):  # noqa: F811
    window, trials = _comparing_window(qtbot, run_async, tmp_path, fakes)
    panel = window.try_it
    with qtbot.waitSignal(panel.sig_comparison_finished, timeout=15000):
        panel.compare()
    assert "The same answer" in panel.findChild(QTextBrowser, "compareRunDifferences").toPlainText()
    run_async(trials.aclose())


def test_stop_ends_both_runs_of_a_comparison(qtbot, run_async, tmp_path, fakes):  # noqa: F811
    fakes.fake.script.delay = 0.3
    fakes.fake.script.tokens = [f"word{number} " for number in range(40)]
    window, trials = _comparing_window(qtbot, run_async, tmp_path, fakes)
    panel = window.try_it
    answer = panel.findChild(QPlainTextEdit, "runAnswer")
    compare_answer = panel.findChild(QPlainTextEdit, "compareRunAnswer")
    panel.compare()
    qtbot.waitUntil(lambda: "word1" in answer.toPlainText() and "word1" in compare_answer.toPlainText(),
                    timeout=10000)
    with qtbot.waitSignal(panel.sig_comparison_finished, timeout=5000) as finished:
        panel.stop_button.click()
    assert finished.args == [None, None]
    stopped = answer.toPlainText(), compare_answer.toPlainText()
    qtbot.wait(700)  # the point of the test: nothing more arrives in either column after Stop
    assert (answer.toPlainText(), compare_answer.toPlainText()) == stopped
    for name in ("runStats", "compareRunStats"):
        assert panel.findChild(QLabel, name).text().startswith("Stopped")
    assert not panel.findChild(QTextBrowser, "compareRunDifferences").isVisible()
    assert panel.run_button.isEnabled()
    run_async(trials.aclose())


def test_run_five_times_reports_the_spread_and_the_distinct_answers(qtbot, run_async, tmp_path, fakes):  # noqa: F811
    answers = itertools.cycle([["bug"], ["billing"], ["bug"], ["how-to"], ["bug"]])
    fakes.fake.script.tokens_for = lambda _body: next(answers)
    window, trials = _comparing_window(qtbot, run_async, tmp_path, fakes)
    panel = window.try_it
    with qtbot.waitSignal(panel.sig_repeat_finished, timeout=20000) as finished:
        panel.findChild(type(panel.repeat_button), "runFiveTimesButton").click()
    summaries = finished.args[0]
    assert len(summaries) == 5 and all(summary.ok for summary in summaries)
    assert len(_requests(fakes)) == 5
    words = panel.findChild(QLabel, "runRepeatStats").text()
    assert words.startswith("5 runs: total time ") and "fastest" in words and "on average" in words
    assert "slowest" in words and words.endswith("3 different answers.")
    assert panel.findChild(QPlainTextEdit, "runAnswer").toPlainText() == "bug", "the last run's answer is shown"
    run_async(trials.aclose())


def test_an_old_version_on_view_runs_under_its_own_name_against_another(qtbot, run_async, tmp_path,  # noqa: F811
                                                                         fakes):
    window, trials = _comparing_window(qtbot, run_async, tmp_path, fakes)
    panel = window.try_it
    oldest = window.history_model.rowCount() - 1
    window.history_view.selectRow(oldest)
    qtbot.waitUntil(lambda: panel.subject == "v1 (production), on view", timeout=5000)
    assert "v1 (production), on view" in panel.draft_title.text()
    panel.compare_selector.setCurrentIndex(0)
    with qtbot.waitSignal(panel.sig_comparison_finished, timeout=15000) as finished:
        panel.compare_button.click()
    assert all(summary.ok for summary in finished.args), "two versions side by side"
    window.banner.back_button.click()
    qtbot.waitUntil(lambda: panel.subject == "Your draft", timeout=5000)
    run_async(trials.aclose())
