"""Try it: sample values for the prompt's inputs, what the model receives with them, and the model's answer.

The fields of the inputs are `ui.sample_inputs`; the rendering is `prompt_studio.rendering` (the official SDK's
Liquid, or Orkes's `${name}`), a run goes through `services.trying`; this panel only collects values and shows
results: the messages with their roles, each variable without a value marked, a template that cannot render said
at its message, and the answer as it streams in with its figures, or the provider's refusal in plain words, never
as a dialog. Compare side by side runs the draft and a version of the history at once with the same values, in two
columns, and marks the words that changed between the two answers; Run 5 times repeats the draft and tells the
spread of its times and how many different answers came back.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
from collections.abc import Coroutine
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from prompt_studio.models import config_from_prompt
from prompt_studio.models.labels import INPUT_TYPE_LABELS
from prompt_studio.models.prompt import Prompt
from prompt_studio.models.variables import orkes_variables, variables_read
from prompt_studio.rendering import Rendering, image_marker, preview_messages, templates_of_config, with_images
from prompt_studio.services.compare import WordChange, word_changes
from prompt_studio.services.trying import RunSummary, TextDelta, Trials
from prompt_studio.ui.sample_inputs import SampleInput
from prompt_studio.ui.test_case_bar import TestCaseBar
from prompt_studio.ui.when import duration_words

DRAFT_SUBJECT = "Your draft"
PREVIEW_DELAY_MS = 80
"""A pause in typing before the preview follows: a typical prompt renders in well under a millisecond, so this
only spares a 1 MB one from rendering on every keystroke."""
REPEAT_TIMES = 5
"""How many runs "Run 5 times" makes, one after another (as Langfuse's repeated runs, a spread, not a benchmark)."""
class TryItPanel(QWidget):
    """What the model receives for the prompt on screen (draft included) and the sample values given here."""

    sig_run_finished = Signal(object)
    """A run ended (its RunSummary), stopped or not."""
    sig_comparison_finished = Signal(object, object)
    """A side-by-side comparison ended, stopped or not: the draft's RunSummary and the version's (None if stopped)."""
    sig_repeat_finished = Signal(object)
    """Run 5 times ended, stopped or not: the RunSummary of every run that finished."""
    sig_history_requested = Signal()
    """The author asked to see the runs of the prompt."""
    sig_add_inputs_requested = Signal()
    """The author asked to declare the variables the texts read as inputs (the form does it)."""

    def __init__(self, parent: QWidget | None = None, trials: Trials | None = None):
        super().__init__(parent)
        self.trials = trials
        self._running: asyncio.Task | None = None
        self.setObjectName("tryItPanel")
        self.setAccessibleName("Try it")
        self._config: dict[str, Any] = {}
        self._syntax = "liquid"
        self.inputs: dict[str, SampleInput] = {}
        self.rendering: Rendering | None = None
        self.inputs_title = QLabel("<b>Sample inputs</b>")
        self.test_cases = TestCaseBar(self.values)
        self._filling = False
        """Set while a test case's values are put in the inputs: that is no edit of the case."""
        self.no_inputs = QLabel("This prompt has no inputs.")
        self.no_inputs.setObjectName("tryItNoInputs")
        self.undeclared = QWidget()
        self.undeclared.setObjectName("tryItUndeclared")
        self.undeclared_label = QLabel()
        self.undeclared_label.setWordWrap(True)
        self.add_inputs_button = QPushButton("Add as input")
        self.add_inputs_button.setObjectName("tryItAddInputsButton")
        self.add_inputs_button.setAccessibleName("Add the variables the texts read as inputs")
        undeclared_row = QHBoxLayout(self.undeclared)
        undeclared_row.setContentsMargins(0, 0, 0, 0)
        undeclared_row.addWidget(self.undeclared_label, 1)
        undeclared_row.addWidget(self.add_inputs_button)
        self.undeclared.hide()
        self.inputs_area = QWidget()
        self.inputs_form = QFormLayout(self.inputs_area)
        self.inputs_form.setContentsMargins(0, 0, 0, 0)
        self.preview_title = QLabel("<b>What the model receives</b>")
        self.preview = QTextBrowser()
        self.preview.setObjectName("renderedPreview")
        self.preview.setAccessibleName("What the model receives")
        self.run_action = QAction("Run", self)
        self.run_action.setObjectName("runAction")
        self.run_action.setShortcuts([QKeySequence("Ctrl+Return"), QKeySequence("Ctrl+Enter")])
        self.run_button = QPushButton("Run  (Ctrl+Enter)")
        self.run_button.setObjectName("runButton")
        self.run_button.setAccessibleName("Run the prompt on its model")
        self.stop_button = QPushButton("Stop")
        self.stop_button.setObjectName("stopRunButton")
        self.stop_button.setAccessibleName("Stop the run")
        self.stop_button.setEnabled(False)
        self.answer = QPlainTextEdit()
        self.answer.setObjectName("runAnswer")
        self.answer.setAccessibleName("The model's answer")
        self.answer.setReadOnly(True)
        self.answer.setPlaceholderText("The model's answer appears here as it is written.")
        self.stats = QLabel()
        self.stats.setObjectName("runStats")
        self.stats.setWordWrap(True)
        self.stats.setTextFormat(Qt.TextFormat.PlainText)
        self.subject = DRAFT_SUBJECT
        """What runs in the first column: the draft, or the old version on view ("v2")."""
        self.draft_title = QLabel(f"<b>{DRAFT_SUBJECT}</b>")
        self.draft_title.setObjectName("runAnswerTitle")
        self.compare_label = QLabel("Compare with:")
        self.compare_selector = QComboBox()
        self.compare_selector.setObjectName("compareWithSelector")
        self.compare_selector.setAccessibleName("The version to compare the draft with")
        self.compare_selector.setPlaceholderText("No saved version")
        self.compare_label.setBuddy(self.compare_selector)
        self.compare_button = QPushButton("Compare side by side")
        self.compare_button.setObjectName("compareRunsButton")
        self.compare_button.setAccessibleName("Run the draft and the chosen version side by side")
        self.compare_button.setEnabled(False)
        self.history_button = QPushButton("Runs...")
        self.history_button.setObjectName("runHistoryButton")
        self.history_button.setAccessibleName("The runs of this prompt, kept on this computer")
        self.history_button.setToolTip("Every run of this prompt: what was sent, the answer, tokens, cost, time")
        self.repeat_button = QPushButton(f"Run {REPEAT_TIMES} times")
        self.repeat_button.setObjectName("runFiveTimesButton")
        self.repeat_button.setAccessibleName(f"Run the draft {REPEAT_TIMES} times, one after another")
        self.compare_column = QWidget()
        self.compare_column.setObjectName("compareColumn")
        self.compare_title = QLabel()
        self.compare_title.setObjectName("compareRunAnswerTitle")
        self.compare_title.setTextFormat(Qt.TextFormat.PlainText)
        font = self.compare_title.font()
        font.setBold(True)
        self.compare_title.setFont(font)
        self.compare_answer = QPlainTextEdit()
        self.compare_answer.setObjectName("compareRunAnswer")
        self.compare_answer.setAccessibleName("The chosen version's answer")
        self.compare_answer.setReadOnly(True)
        self.compare_stats = QLabel()
        self.compare_stats.setObjectName("compareRunStats")
        self.compare_stats.setWordWrap(True)
        self.compare_stats.setTextFormat(Qt.TextFormat.PlainText)
        self.compare_column.hide()
        self.differences = QTextBrowser()
        self.differences.setObjectName("compareRunDifferences")
        self.differences.setAccessibleName("The words that changed between the two answers")
        self.differences.setMaximumHeight(self.fontMetrics().lineSpacing() * 8)
        self.differences.hide()
        self.repeat_stats = QLabel()
        self.repeat_stats.setObjectName("runRepeatStats")
        self.repeat_stats.setWordWrap(True)
        self.repeat_stats.setTextFormat(Qt.TextFormat.PlainText)
        self.repeat_stats.hide()
        self._versions: list[Prompt] = []
        self.preview_timer = QTimer(self)
        self.preview_timer.setSingleShot(True)
        self.preview_timer.setInterval(PREVIEW_DELAY_MS)

        layout = QVBoxLayout(self)
        layout.addWidget(self.inputs_title)
        layout.addWidget(self.test_cases)
        layout.addWidget(self.no_inputs)
        layout.addWidget(self.inputs_area)
        layout.addWidget(self.undeclared)
        layout.addWidget(self.preview_title)
        layout.addWidget(self.preview, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.run_button)
        buttons.addWidget(self.stop_button)
        buttons.addWidget(self.repeat_button)
        buttons.addStretch(1)
        buttons.addWidget(self.history_button)
        layout.addLayout(buttons)
        comparing = QHBoxLayout()
        comparing.addWidget(self.compare_label)
        comparing.addWidget(self.compare_selector, 1)
        comparing.addWidget(self.compare_button)
        layout.addLayout(comparing)
        columns = QHBoxLayout()
        draft_column = QVBoxLayout()
        draft_column.addWidget(self.draft_title)
        draft_column.addWidget(self.answer, 1)
        draft_column.addWidget(self.stats)
        version_column = QVBoxLayout(self.compare_column)
        version_column.setContentsMargins(0, 0, 0, 0)
        version_column.addWidget(self.compare_title)
        version_column.addWidget(self.compare_answer, 1)
        version_column.addWidget(self.compare_stats)
        columns.addLayout(draft_column, 1)
        columns.addWidget(self.compare_column, 1)
        layout.addLayout(columns, 1)
        layout.addWidget(self.differences)
        layout.addWidget(self.repeat_stats)

        self.preview_timer.timeout.connect(self.refresh)
        self.test_cases.sig_chosen.connect(self._on_test_cases_chosen)
        self.run_action.triggered.connect(self.run)
        self.run_button.clicked.connect(self.run)
        self.stop_button.clicked.connect(self.stop)
        self.compare_button.clicked.connect(self.compare)
        self.repeat_button.clicked.connect(self.run_repeatedly)
        self.history_button.clicked.connect(self.sig_history_requested)
        self.add_inputs_button.clicked.connect(self.sig_add_inputs_requested)

    def show_prompt(self, config: dict[str, Any], syntax: str = "liquid", subject: str = DRAFT_SUBJECT) -> None:
        """The prompt as it is on screen now (`subject`: the draft, or the old version on view); the inputs follow
        its declared inputs, keeping values typed."""
        self._config, self._syntax = config, syntax
        self.subject = subject
        self.draft_title.setText(f"<b>{html.escape(subject)}</b>")
        declared = [(str(item.get("identifier") or ""), str(item.get("type") or "str"))
                    for item in config.get("inputs") or [] if isinstance(item, dict) and item.get("identifier")]
        if syntax == "orkes":
            declared = [(name, "str") for name in orkes_variables([str(config.get("prompt") or "")])]
        if [(name, widget.kind) for name, widget in self.inputs.items()] != declared:
            self._rebuild_inputs(declared)
        self._show_undeclared([] if syntax == "orkes" else [
            name for name in variables_read([template.content for template in templates_of_config(config)])
            if name not in dict(declared)])
        self.preview_timer.start()

    def _show_undeclared(self, names: list[str]) -> None:
        """The variables the texts read that are no input: they render empty until they are declared."""
        self.undeclared_label.setText(f"Read by the text but not an input: {', '.join(names)}")
        self.add_inputs_button.setText("Add as inputs" if len(names) > 1 else "Add as input")
        self.undeclared.setVisible(bool(names))

    def values(self) -> dict[str, Any]:
        """The sample values that are given (an empty one counts as missing, as a missing variable would)."""
        return {name: value for name, widget in self.inputs.items() if (value := widget.value()) is not None}

    def _rebuild_inputs(self, declared: list[tuple[str, str]]) -> None:
        kept = {name: widget.value() for name, widget in self.inputs.items()}
        while self.inputs_form.rowCount():
            self.inputs_form.removeRow(0)
        self.inputs = {}
        for name, kind in declared:
            widget = SampleInput(name, kind, self.inputs_area)
            if kept.get(name) is not None:
                widget.set_value(kept[name])
            widget.sig_changed.connect(self._on_sample_changed)
            label = QLabel(name)
            label.setToolTip(INPUT_TYPE_LABELS.get(kind, kind))
            label.setBuddy(widget.field)
            self.inputs_form.addRow(label, widget)
            self.inputs[name] = widget
        self.no_inputs.setVisible(not declared)

    def _on_sample_changed(self) -> None:
        self.preview_timer.start()
        if not self._filling:
            self.test_cases.follow_values(self.values())

    def _on_test_cases_chosen(self, values: dict[str, Any]) -> None:
        """Put a test case's values in the inputs (an input the case has no value for is emptied)."""
        self._filling = True
        try:
            for name, widget in self.inputs.items():
                widget.set_value(values.get(name))
        finally:
            self._filling = False
        self.preview_timer.start()

    def refresh(self) -> None:
        """Render now (the timer calls this after a pause in typing)."""
        self.preview_timer.stop()
        self.rendering = self._rendered(self._config)
        self.preview.setHtml(_rendering_html(self.rendering))

    def _rendered(self, config: dict[str, Any]) -> Rendering:
        """What the model receives with the values given: an image input reads as its name in the text and goes
        with each message that reads it as an image."""
        templates = templates_of_config(config, self._syntax)
        values = self.values()
        images = {name: value for name, value in values.items() if self.inputs[name].kind == "image"}
        shown = {**values, **{name: image_marker(name) for name in images}}
        return with_images(preview_messages(templates, shown, syntax=self._syntax), templates, images, self._syntax)

    # -- running ------------------------------------------------------------------------------------------------

    def set_versions(self, versions: list[Prompt]) -> None:
        """The saved versions of the prompt on screen, newest first: what the draft can be compared with."""
        chosen = self.compare_selector.currentData()
        self._versions = list(versions)
        self.compare_selector.clear()
        for version in self._versions:
            self.compare_selector.addItem(version_label(version), version.version)
        kept = self.compare_selector.findData(chosen) if chosen is not None else -1
        self.compare_selector.setCurrentIndex(kept if kept >= 0 else (0 if self._versions else -1))
        self._set_running(self._running is not None)

    def chosen_version(self) -> Prompt | None:
        index = self.compare_selector.currentIndex()
        return self._versions[index] if 0 <= index < len(self._versions) else None

    def run(self) -> asyncio.Task | None:
        """Send what the model receives (as on screen now, draft included) to the prompt's model."""
        if not self._can_start():
            return None
        self._show_columns(compare=False)
        return self._start(self._run(dict(self._config), self.rendering))

    def compare(self) -> asyncio.Task | None:
        """Run the draft and the chosen version at once with the same sample values, in two columns."""
        version = self.chosen_version()
        if version is None or not self._can_start():
            return None
        version_config = config_from_prompt(version).to_wire()
        version_rendering = self._rendered(version_config)
        self.compare_title.setText(version_label(version))
        self._show_columns(compare=True)
        self.compare_stats.setText(f"Asking {version_config.get('model') or 'the model'}...")
        return self._start(self._compare(dict(self._config), self.rendering, version_config, version_rendering))

    def run_repeatedly(self) -> asyncio.Task | None:
        """Run the draft 5 times, one after another, then say the spread of the times and the distinct answers."""
        if not self._can_start():
            return None
        self._show_columns(compare=False)
        self.repeat_stats.setText(f"Run 1 of {REPEAT_TIMES}...")
        self.repeat_stats.show()
        return self._start(self._repeat(dict(self._config), self.rendering))

    def stop(self) -> None:
        """End the run now (both runs of a comparison, the rest of Run 5 times): the connections close and no
        more of the answers arrives."""
        if self._running is not None:
            self._running.cancel()

    def _can_start(self) -> bool:
        """Whether a run can start now; when it can, the preview is rendered now (what the runs will send)."""
        if self.trials is None or self._running is not None or not self._config:
            return False
        self.refresh()
        return True

    def _show_columns(self, compare: bool) -> None:
        self.compare_column.setVisible(compare)
        self.differences.clear()
        self.differences.hide()
        self.repeat_stats.hide()
        self.compare_answer.clear()
        self.compare_stats.clear()

    def _start(self, work: Coroutine[Any, Any, Any]) -> asyncio.Task:
        """The one place a run starts: the buttons say a run is on, Stop ends it."""
        self.answer.clear()
        self.stats.setText(f"Asking {self._config.get('model') or 'the model'}...")
        self._set_running(True)
        self._running = asyncio.ensure_future(work)
        return self._running

    def _set_running(self, running: bool) -> None:
        self.run_button.setEnabled(not running)
        self.repeat_button.setEnabled(not running)
        self.compare_button.setEnabled(not running and bool(self._versions))
        self.compare_selector.setEnabled(not running)
        self.stop_button.setEnabled(running)

    def _finish(self) -> None:
        self._running = None
        self._set_running(False)

    async def _stream(self, config: dict[str, Any], rendering: Rendering, answer: QPlainTextEdit,
                      stats: QLabel) -> RunSummary | None:
        """One run into one column: its answer as it streams in, then its figures (or "Stopped")."""
        summary: RunSummary | None = None
        try:
            async with contextlib.aclosing(self.trials.run(config, rendering)) as events:
                async for event in events:
                    if isinstance(event, TextDelta):
                        answer.moveCursor(answer.textCursor().MoveOperation.End)
                        answer.insertPlainText(event.text)
                    else:
                        summary = event
        except asyncio.CancelledError:
            stats.setText("Stopped: what arrived before Stop is shown; nothing more will come.")
            raise
        stats.setText(_stats_words(summary) if summary is not None else "")
        return summary

    async def _run(self, config: dict[str, Any], rendering: Rendering) -> RunSummary | None:
        summary: RunSummary | None = None
        try:
            summary = await self._stream(config, rendering, self.answer, self.stats)
        except asyncio.CancelledError:
            pass
        finally:
            self._finish()
            self.sig_run_finished.emit(summary)
        return summary

    async def _compare(self, config: dict[str, Any], rendering: Rendering, version_config: dict[str, Any],
                       version_rendering: Rendering) -> tuple[RunSummary | None, RunSummary | None]:
        draft: RunSummary | None = None
        version: RunSummary | None = None
        try:
            await self.trials.runner()  # one runner for both runs, made before they start side by side
            draft, version = await asyncio.gather(
                self._stream(config, rendering, self.answer, self.stats),
                self._stream(version_config, version_rendering, self.compare_answer, self.compare_stats))
            self.differences.setHtml(_differences_html(draft, version, self.subject, self.compare_title.text()))
            self.differences.show()
        except asyncio.CancelledError:
            pass
        finally:
            self._finish()
            self.sig_comparison_finished.emit(draft, version)
        return draft, version

    async def _repeat(self, config: dict[str, Any], rendering: Rendering) -> list[RunSummary]:
        summaries: list[RunSummary] = []
        try:
            for number in range(1, REPEAT_TIMES + 1):
                self.repeat_stats.setText(f"Run {number} of {REPEAT_TIMES}...")
                if number > 1:
                    self.answer.clear()
                summary = await self._stream(config, rendering, self.answer, self.stats)
                if summary is not None:
                    summaries.append(summary)
            self.repeat_stats.setText(_repeat_words(summaries))
        except asyncio.CancelledError:
            self.repeat_stats.setText(f"Stopped after {len(summaries)} of {REPEAT_TIMES} runs."
                                      + (f" {_repeat_words(summaries)}" if summaries else ""))
        finally:
            self._finish()
            self.sig_repeat_finished.emit(summaries)
        return summaries


def version_label(version: Prompt) -> str:
    """"v3 (production)": a version as the compare selector and its column name it."""
    tags = ", ".join(version.tag_names)
    return f"v{version.version} ({tags})" if tags else f"v{version.version}"


def _stats_words(summary: RunSummary) -> str:
    """The run's figures in one or two lines, or what went wrong and what to do."""
    if summary.error is not None:
        return summary.error.message
    tokens = (f"{summary.input_tokens} + {summary.output_tokens} tokens"
              if summary.input_tokens is not None and summary.output_tokens is not None else "tokens unknown")
    lines = [f"{duration_words(summary.time_to_first_token)} to the first token, "
             f"{duration_words(summary.total_time)} in all, {tokens}, cost {summary.cost_words}, "
             f"finished: {summary.finish_reason or 'unknown'}"]
    if summary.cut_off:
        lines.append("The answer was cut off: the provider ended the stream before saying it was complete.")
    if summary.schema_check is not None and summary.schema_check.problem:
        lines.append(summary.schema_check.problem)
    lines += summary.parameters.notes
    lines += [f"Not sent: {name}: {why}" for name, why in summary.parameters.left_out.items()]
    return "\n".join(lines)


def _repeat_words(summaries: list[RunSummary]) -> str:
    """"5 runs: 1.2 s fastest, 1.4 s on average, 1.7 s slowest; 3 different answers" (failed runs said apart)."""
    finished = [summary for summary in summaries if summary.ok]
    failed = [summary for summary in summaries if not summary.ok]
    words = []
    if finished:
        times = [summary.total_time for summary in finished]
        distinct = len({summary.text for summary in finished})
        words.append(f"{len(finished)} run{'s' if len(finished) != 1 else ''}: total time "
                     f"{duration_words(min(times))} fastest, {duration_words(sum(times) / len(times))} on average, "
                     f"{duration_words(max(times))} slowest; "
                     + ("the same answer every time" if distinct == 1 and len(finished) > 1
                        else f"{distinct} different answer{'s' if distinct != 1 else ''}"))
    if failed:
        words.append(f"{len(failed)} failed: {failed[-1].error.message}")
    return "; ".join(words) + "." if words else "No run finished."


_CHANGE_STYLES = {
    "added": "background-color:#d7f5dd; color:#0b5a1e;",
    "removed": "background-color:#fbdcdc; color:#8a1111; text-decoration:line-through;",
}


def _lowered(subject: str) -> str:
    """"your draft" in the middle of a sentence; a version's name ("v2") as it is."""
    return subject[:1].lower() + subject[1:] if subject == DRAFT_SUBJECT else subject


def _differences_html(draft: RunSummary | None, version: RunSummary | None, subject: str, version_name: str) -> str:
    """The version's answer turned into the draft's (or the version on view), word by word: added words green,
    removed ones red."""
    if draft is None or version is None or not draft.ok or not version.ok:
        return "<p>No comparison of the answers: one of the runs did not answer.</p>"
    changes: list[WordChange] = word_changes(version.text, draft.text)
    if all(change.kind == "same" for change in changes):
        return (f"<p><b>The same answer</b> from {html.escape(_lowered(subject))} and from "
                f"{html.escape(version_name)}.</p>")
    pieces = []
    for previous, change in zip([None, *changes], changes, strict=False):
        text = html.escape(change.text).replace("\n", "<br>")
        style = _CHANGE_STYLES.get(change.kind)
        if previous is not None and previous.kind == "removed" and change.kind == "added":
            pieces.append(" ")  # "a" replaced by "the" reads "a the", not "athe"
        pieces.append(f"<span style='{style}'>{text}</span>" if style else text)
    legend = (f"<span style='{_CHANGE_STYLES['added']}'>only in the answer of {html.escape(_lowered(subject))}</span> "
              f"<span style='{_CHANGE_STYLES['removed']}'>only in the answer of {html.escape(version_name)}</span>")
    return f"<p><b>What changed between the answers</b> &nbsp; {legend}</p><p>{''.join(pieces)}</p>"


def _image_words(address: str) -> str:
    """An image as the preview names it: its web address, or the kind and size of a chosen file."""
    if not address.startswith("data:"):
        return address
    kind = address[5:address.find(";")].removeprefix("image/").upper()
    data = address[address.find(",") + 1:]
    size = len(data) * 3 // 4 - (len(data) - len(data.rstrip("=")))
    return f"a {kind} file of {size} bytes" if size < 1024 else f"a {kind} file of {size // 1024} KB"


def _rendering_html(rendering: Rendering) -> str:
    blocks = []
    for index, message in enumerate(rendering.messages):
        notes = [f"<span style='color:#b06000;'>! {html.escape(item.description)}</span>"
                 for item in rendering.missing if item.message == index]
        notes += [f"<span style='color:#d93025;'>This text cannot be rendered: {html.escape(problem.reason)}</span>"
                  for problem in rendering.problems if problem.message == index]
        text = html.escape(message.content) or "<i style='color:gray;'>(empty)</i>"
        notes += [f"<span style='color:#1a73e8;'>+ an image: {html.escape(_image_words(address))}</span>"
                  for address in message.images]
        blocks.append(
            f"<p><b>{html.escape(message.role.capitalize())}</b><br>{text.replace(chr(10), '<br>')}</p>"
            + "".join(f"<p style='margin-top:0;'>{note}</p>" for note in notes)
        )
    return "".join(blocks)
