"""How fast prompts render: our renderer next to the official LangWatch SDK's `Prompt.compile`, in one run, and the
preview's update per keystroke on a typical prompt and on a 1 MB one.

Run: `python benchmarks/render_bench.py [--runs N] [--keystrokes N]`. Nothing is timed against a target here; the
figures are printed (medians, with the 95th percentile for keystrokes).

- "compile": the same prompts and variables through `langwatch.prompts.prompt.Prompt.compile` (which builds an
  environment and parses every text on every call) and through `render_messages` (which parses a text once and
  keeps it), and through `render_messages` with its caches emptied before each call (parse included).
- "keystroke": the author types one character at the end of the system prompt (and, for the 1 MB prompt, in its
  middle too); each keystroke is one `preview_messages` of the whole prompt, which is what the preview does.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from langwatch.prompts.prompt import Prompt as SdkPrompt
from langwatch.prompts.types import Message as SdkMessage
from langwatch.prompts.types import PromptData

from prompt_studio.rendering import (
    MessageTemplate,
    liquid_engine,
    preview_messages,
    render_messages,
    what_the_model_receives,
)

TYPICAL_SYSTEM = """You are {{ persona | default: "a helpful" }} assistant for {{ company }}.
{% if tone %}Answer in a {{ tone }} tone.{% endif %}
Follow these rules:
{% for rule in rules %}{{ forloop.index }}. {{ rule }}
{% endfor %}
{% if customer.vip %}This customer is a VIP: {{ customer.name }} since {{ customer.since }}.{% endif %}"""
TYPICAL_MESSAGES = [
    {"role": "user", "content": "Order {{ order_id }}: {{ question }}"},
    {"role": "assistant", "content": "Let me look at order {{ order_id }}."},
    {"role": "user", "content": "{{ follow_up | default: 'Thanks!' }}"},
]
TYPICAL_VARIABLES: dict[str, Any] = {
    "persona": "a pirate", "company": "ACME", "tone": "friendly", "rules": ["be brief", "be kind", "cite sources"],
    "customer": {"vip": True, "name": "Ada", "since": 2019}, "order_id": 1234, "question": "Where is my refund?",
}
WORDS = [
    "lorem", "ipsum", "dolor", "sit", "amet", "consectetur", "adipiscing", "elit", "sed", "do", "eiusmod", "tempor",
    "incididunt", "ut", "labore",
]


def prose(generator: random.Random, size: int) -> str:
    words, length = [], 0
    while length < size:
        word = generator.choice(WORDS)
        words.append(word)
        length += len(word) + 1
    return " ".join(words)


def long_prompt(size: int = 1_000_000) -> str:
    """About `size` characters: paragraphs of prose with a variable, a condition and a loop every ~1,700."""
    generator = random.Random(7)
    parts, length = [], 0
    while length < size:
        part = (f"{prose(generator, 800)} {{{{ question }}}}\n{prose(generator, 800)}\n"
                "{% if tone %}Keep it {{ tone }}.{% endif %} {% for rule in rules %}{{ rule }}; {% endfor %}\n\n")
        parts.append(part)
        length += len(part)
    return "".join(parts)


def timings_ms(action: Callable[[], object], runs: int) -> list[float]:
    action()
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def sdk_prompt(system: str, messages: list[dict[str, str]]) -> SdkPrompt:
    """The prompt as the SDK builds it from a LangWatch answer: `prompt`, and `messages` with the system first."""
    return SdkPrompt(PromptData(prompt=system, messages=[SdkMessage(role="system", content=system)]
                                + [SdkMessage(**message) for message in messages]))


def compile_cases() -> list[tuple[str, str, list[dict[str, str]], dict[str, Any]]]:
    cases = [("typical prompt", TYPICAL_SYSTEM, TYPICAL_MESSAGES, TYPICAL_VARIABLES)]
    cases.append(("short prompt", "You are a {{ persona }}.", [{"role": "user", "content": "{{ question }}"}],
                  TYPICAL_VARIABLES))
    big = long_prompt(100_000)
    cases.append(("100 KB prompt", big, TYPICAL_MESSAGES, TYPICAL_VARIABLES))
    return cases


def compare_compile(runs: int) -> None:
    print("\ncompile: the same prompt and variables (ms per call, median)")
    header = f"{'prompt':<16} {'SDK compile':>12} {'ours':>9} {'ours cold':>10} {'ratio':>8} {'ratio cold':>11}"
    print(header)
    print("-" * len(header))
    for name, system, messages, variables in compile_cases():
        theirs = sdk_prompt(system, messages)
        templates = what_the_model_receives(system, messages)
        expected = theirs.compile(variables).messages
        assert render_messages(templates, variables).to_wire()["messages"] == expected, name

        def cold(templates: tuple[MessageTemplate, ...] = templates, variables: dict[str, Any] = variables) -> None:
            liquid_engine.clear_caches()
            render_messages(templates, variables)

        count = runs if len(system) < 10_000 else max(5, runs // 20)
        sdk_ms = statistics.median(timings_ms(lambda p=theirs, v=variables: p.compile(v), count))
        ours_ms = statistics.median(timings_ms(lambda t=templates, v=variables: render_messages(t, v), count))
        cold_ms = statistics.median(timings_ms(cold, count))
        print(f"{name:<16} {sdk_ms:>12.3f} {ours_ms:>9.3f} {cold_ms:>10.3f} {sdk_ms / ours_ms:>7.1f}x "
              f"{sdk_ms / cold_ms:>10.2f}x")
    print("ratio: how many times faster than the SDK; cold: our caches emptied before each call (parse included)")


def keystrokes(system: str, messages: list[dict[str, str]], variables: dict[str, Any], count: int,
               *, where: str) -> list[float]:
    """Milliseconds per keystroke: type `count` characters into the system prompt, one preview each."""
    timings = []
    middle = len(system) // 2
    typed = ""
    for number in range(count):
        typed += "abcdefghij "[number % 11]
        text = system + typed if where == "end" else system[:middle] + typed + system[middle:]
        templates = what_the_model_receives(text, messages)
        started = time.perf_counter()
        preview_messages(templates, variables)
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def compare_keystrokes(count: int) -> None:
    print("\nkeystroke: one character typed, then the whole preview rendered again (ms)")
    header = f"{'prompt':<34} {'median':>8} {'p95':>8} {'max':>8}"
    print(header)
    print("-" * len(header))
    big = long_prompt()

    def row(name: str, timings: list[float]) -> None:
        print(f"{name:<34} {statistics.median(timings):>8.3f} {percentile(timings, 0.95):>8.3f} {max(timings):>8.3f}")

    liquid_engine.clear_caches()
    preview_messages(what_the_model_receives(TYPICAL_SYSTEM, TYPICAL_MESSAGES), TYPICAL_VARIABLES)
    row("typical prompt, at the end", keystrokes(TYPICAL_SYSTEM, TYPICAL_MESSAGES, TYPICAL_VARIABLES, count,
                                                 where="end"))
    started = time.perf_counter()
    preview_messages(what_the_model_receives(big, TYPICAL_MESSAGES), TYPICAL_VARIABLES)
    first = (time.perf_counter() - started) * 1000
    print(f"{f'1 MB prompt ({len(big):,} chars), first':<34} {first:>8.1f}")
    row("1 MB prompt, at the end", keystrokes(big, TYPICAL_MESSAGES, TYPICAL_VARIABLES, count, where="end"))
    row("1 MB prompt, in the middle", keystrokes(big, TYPICAL_MESSAGES, TYPICAL_VARIABLES, count, where="middle"))
    theirs = sdk_prompt(big + "x", TYPICAL_MESSAGES)
    sdk_ms = statistics.median(timings_ms(lambda: theirs.compile(TYPICAL_VARIABLES), 3))
    print(f"{'(SDK compile of the 1 MB prompt)':<34} {sdk_ms:>8.1f}")
    dense = "".join(f"{{{{ question }}}} w{number % 10} " for number in range(60_000))
    liquid_engine.clear_caches()
    preview_messages(what_the_model_receives(dense, []), TYPICAL_VARIABLES)
    row(f"markup every {len(dense) // 60_000} chars ({len(dense) // 1000} KB)",
        keystrokes(dense, [], TYPICAL_VARIABLES, max(3, count // 10), where="end"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=200, help="timed calls per compile case (default: 200)")
    parser.add_argument("--keystrokes", type=int, default=60, help="keystrokes per typing case (default: 60)")
    arguments = parser.parse_args()
    compare_compile(arguments.runs)
    compare_keystrokes(arguments.keystrokes)


if __name__ == "__main__":
    main()
