"""Which variables a template reads: LangWatch's own rule, quirks included, and Orkes's `${name}`.

A LangWatch sync adds every variable the prompt text and the messages read to `inputs` as `str`. The form offers
the same names as "add as input", so both must follow the server exactly, or the form would promise one thing
and a save store another. The server's rule (its Liquid tokenizer and `mergeAutoDetectedInputs`) is a pair of
regular expressions and string splits, not a Liquid parser, and this module keeps its quirks on purpose:

- a tag or output sits on one line (JavaScript's `.` stops at any line terminator);
- `{{ x }}` reads the text before the first `|` and the first `.`, whatever it is: `{{ items[0] }}` reads
  `items[0]`, `{{ größe }}` reads `größe`, `{{- name -}}` reads `- name -`;
- `{% for a in b %}` reads `b` and binds `a`, `{% assign a = 1 %}` binds `a`, `{% if %}`/`{% elsif %}`/
  `{% unless %}` read every word of their condition that is not an operator, a literal or a Liquid keyword;
- names bound anywhere in one text are not inputs of that text; `raw`, `capture`, `case`, `echo` and
  `tablerow` are nothing special.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from prompt_studio.models.config import Input

PRIMARY_INPUT = "input"
"""The input LangWatch's CLI creates and its server sorts first."""
DETECTED_INPUT_TYPE = "str"

# JavaScript's `.` (without the s flag) matches anything but these line terminators.
_NOT_LINE_END = r"[^\n\r\u2028\u2029]"
_LIQUID_TOKEN = re.compile(rf"\{{%{_NOT_LINE_END}*?%\}}|\{{\{{{_NOT_LINE_END}*?\}}\}}")
# JavaScript's white space, as `String.prototype.trim` and `\s` know it (Python's differs at a few code points).
_JS_SPACE = "\t\n\x0b\x0c\r \xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
_JS_SPACES = re.compile(f"[{_JS_SPACE}]+")
_JS_TRIM = re.compile(f"^[{_JS_SPACE}]+|[{_JS_SPACE}]+$")
_NUMBER = re.compile(r"[0-9]+(\.[0-9]+)?")
_OPERATORS = frozenset({"==", "!=", "<", ">", "<=", ">="})
_KEYWORDS = frozenset({
    "if", "elsif", "else", "endif", "unless", "endunless", "for", "endfor", "in", "assign", "capture",
    "endcapture", "case", "endcase", "when", "comment", "endcomment", "raw", "endraw", "break", "continue",
    "cycle", "tablerow", "endtablerow", "increment", "decrement", "include", "render", "true", "false", "nil",
    "null", "empty", "blank", "and", "or", "not", "contains", "limit", "offset", "reversed", "forloop",
})
_ORKES_PLACEHOLDER = re.compile(r"\$\{\s*([A-Za-z_]\w*)")


def _trim(text: str) -> str:
    return _JS_TRIM.sub("", text)


def _root(expression: str) -> str:
    return _trim(expression.split(".", 1)[0])


def _is_operator_or_literal(word: str) -> bool:
    quoted = (word.startswith("'") and word.endswith("'")) or (word.startswith('"') and word.endswith('"'))
    return word in _OPERATORS or quoted or bool(_NUMBER.fullmatch(word)) or word in _KEYWORDS


def _read_by_tag(inner: str, read: dict[str, None], bound: set[str]) -> None:
    words = _JS_SPACES.split(inner)
    keyword = words[0]
    if keyword == "for" and len(words) >= 4 and words[2] == "in":
        bound.add(words[1])
        if not words[3].startswith("("):
            name = words[3].split(".", 1)[0]
            if name and name not in _KEYWORDS:
                read.setdefault(name)
    elif keyword == "assign" and len(words) >= 2:
        name = words[1].removesuffix("=")
        if name:
            bound.add(name)
    elif keyword in ("if", "elsif", "unless"):
        for word in words[1:]:
            if _is_operator_or_literal(word):
                continue
            name = word.split(".", 1)[0]
            if name and name not in _KEYWORDS:
                read.setdefault(name)


def template_variables(text: str) -> list[str]:
    """The names one LangWatch template reads as inputs, in order of first use (the server's rule)."""
    read: dict[str, None] = {}
    bound: set[str] = set()
    for token in dict.fromkeys(_LIQUID_TOKEN.findall(text or "")):
        inner = _trim(token[2:-2])
        if not inner:
            continue
        if token.startswith("{{"):
            name = _root(_trim(inner.split("|", 1)[0]))
            if name and name not in _KEYWORDS:
                read.setdefault(name)
        else:
            _read_by_tag(inner, read, bound)
    return [name for name in read if name not in bound]


def prompt_variables(texts: Iterable[str]) -> list[str]:
    """The names the prompt text and the messages read, each once, in order of first use.

    Each text is judged alone, as the server does: a name a loop binds in one message is still an input of
    another message that reads it.
    """
    found: dict[str, None] = {}
    for text in texts:
        if text:
            found.update(dict.fromkeys(template_variables(text)))
    return list(found)


def orkes_variables(texts: Iterable[str]) -> list[str]:
    """The `${name}` placeholders of Orkes templates, as Orkes computes a template's `variables`."""
    return list(dict.fromkeys(match.group(1) for text in texts for match in _ORKES_PLACEHOLDER.finditer(text)))


def _input_order(item: Input) -> tuple[bool, str, str]:
    return item.identifier != PRIMARY_INPUT, item.identifier.casefold(), item.identifier


def ordered_inputs(inputs: Iterable[Input]) -> list[Input]:
    """Inputs as LangWatch orders them: `input` first, then alphabetically."""
    return sorted(inputs, key=_input_order)


def with_detected_inputs(texts: Iterable[str], inputs: Iterable[Input]) -> list[Input]:
    """What a sync stores as inputs: the declared ones (types kept) plus every name the texts read, as `str`."""
    merged = {item.identifier: item for item in inputs}
    for name in prompt_variables(texts):
        merged.setdefault(name, Input(identifier=name, type=DETECTED_INPUT_TYPE))
    return ordered_inputs(merged.values())


def variables_read(texts: Iterable[str], syntax: str = "liquid") -> list[str]:
    """The variables a prompt's texts read, by its template language: "liquid" (LangWatch) or "orkes"."""
    return orkes_variables(texts) if syntax == "orkes" else prompt_variables(texts)
