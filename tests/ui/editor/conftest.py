"""Fixtures for the prompt editor tests: a shown editor, a rich prompt, and a check that no window is left open."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication

from prompt_studio.ui.editor import PromptEditor

RICH_CONFIG: dict[str, Any] = {
    "prompt": (
        "You are a support agent for {{ product }}.\n"
        "{% if vip %}Be extra careful: this customer pays for priority support.{% endif %}\n"
        "Answer in a calm, friendly tone and never promise refunds you cannot give."
    ),
    "model": "openai/gpt-5",
    "messages": [
        {"role": "user", "content": "{{ question }}"},
        {"role": "assistant", "content": "Sure, here is what I found about your order.", "name": "agent"},
    ],
    "inputs": [
        {"identifier": "product", "type": "str"},
        {"identifier": "vip", "type": "bool"},
        {"identifier": "question", "type": "str"},
    ],
    "outputs": [
        {
            "identifier": "answer",
            "type": "json_schema",
            "json_schema": {
                "type": "object",
                "properties": {"reply": {"type": "string"}, "confidence": {"type": "number"}},
                "required": ["reply"],
            },
        },
        {"identifier": "summary", "type": "str"},
    ],
    "temperature": 0.7,
    "max_tokens": 1200,
    "top_p": 0.9,
    "frequency_penalty": 0.2,
    "presence_penalty": -0.5,
    "seed": 42,
    "top_k": 40,
    "min_p": 0.05,
    "repetition_penalty": 1.1,
    "reasoning": "medium",
    "reasoning_effort": "high",
    "thinkingLevel": "low",
    "effort": "medium",
    "verbosity": "low",
    "demonstrations": {
        "id": "demo_1",
        "name": "Support examples",
        "inline": {
            "records": {
                "question": ["Where is my order?", "Can I get a refund?"],
                "resolved": [True, False],
                "tags": [["shipping"], ["billing", "refund"]],
            },
            "columnTypes": [
                {"id": "col_q", "name": "question", "type": "string"},
                {"name": "resolved", "type": "boolean"},
                {"name": "tags", "type": "list"},
            ],
        },
    },
    "prompting_technique": {"type": "few_shot", "demonstrations": {"name": "inner"}},
    "response_format": {
        "type": "json_schema",
        "json_schema": {
            "name": "answer",
            "schema": {
                "type": "object",
                "properties": {"reply": {"type": "string"}, "confidence": {"type": "number"}},
                "required": ["reply"],
            },
        },
    },
    "a_future_field": {"kept": [1, 2, 3]},
}
RICH_PARAMETERS: dict[str, Any] = {
    "retries": 3,
    "escalate": True,
    "tone": "friendly",
    "number_as_text": "3",
    "limits": {"daily": 100},
    "nothing": None,
}


@pytest.fixture(autouse=True)
def no_window_left_open(qapp):
    """Fail a test that leaves a window open (qtbot closes the widgets it was given before this runs)."""
    yield
    QApplication.processEvents()
    left_open = [widget for widget in QApplication.topLevelWidgets() if widget.isVisible()]
    for widget in left_open:
        widget.close()
    assert not left_open, f"windows left open: {[widget.objectName() for widget in left_open]}"


@pytest.fixture
def rich_config() -> dict[str, Any]:
    return copy.deepcopy(RICH_CONFIG)


@pytest.fixture
def editor(qtbot) -> PromptEditor:
    """A shown editor holding the rich prompt."""
    widget = PromptEditor()
    qtbot.addWidget(widget)
    widget.set_content(copy.deepcopy(RICH_CONFIG), copy.deepcopy(RICH_PARAMETERS))
    widget.resize(900, 1000)
    widget.show()
    qtbot.waitExposed(widget)
    return widget
