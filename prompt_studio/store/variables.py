"""Template variables of a LangWatch prompt, found the way the LangWatch server finds them on sync.

LangWatch templates are Liquid. A sync adds every variable the prompt or a message uses to `inputs` as `str`,
so that a prompt file never references an input the server does not know. The rules follow the server's
tokenizer: `{{ name }}`, `{{ name | filter }}` and `{{ a.b }}` (root `a`) are inputs, so are the collection of
a `for` loop and the names an `if`/`elsif`/`unless` condition reads; loop iterators and `assign`ed names are
not, and neither are Liquid keywords. A tag or expression must sit on one line, as in the server (its regex
`.` stops at a newline).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from prompt_studio.models import Input

_LIQUID_TOKEN = re.compile(r"\{%.*?%\}|\{\{.*?\}\}")
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
_NUMBER = re.compile(r"^\d+(\.\d+)?$")
_OPERATORS = frozenset({"==", "!=", "<", ">", "<=", ">="})
_KEYWORDS = frozenset({
    "if", "elsif", "else", "endif", "unless", "endunless", "for", "endfor", "in", "assign", "capture",
    "endcapture", "case", "endcase", "when", "comment", "endcomment", "raw", "endraw", "break", "continue",
    "cycle", "tablerow", "endtablerow", "increment", "decrement", "include", "render", "true", "false", "nil",
    "null", "empty", "blank", "and", "or", "not", "contains", "limit", "offset", "reversed", "forloop",
})
AUTO_INPUT_TYPE = "str"
PRIMARY_INPUT = "input"


def _root_name(expression: str) -> str | None:
    """The variable an expression like `a.b`, `items[0]` or `name` reads, or None for a literal or keyword."""
    root = re.split(r"[.\[]", expression.strip(), maxsplit=1)[0].strip()
    if not _IDENTIFIER.match(root) or root in _KEYWORDS:
        return None
    return root


def _is_operator_or_literal(word: str) -> bool:
    quoted = len(word) >= 2 and word[0] == word[-1] and word[0] in "'\""
    return word in _OPERATORS or quoted or bool(_NUMBER.match(word)) or word in _KEYWORDS


def template_variables(text: str) -> list[str]:
    """The input variables `text` reads, in order of first use."""
    found: dict[str, None] = {}
    bound: set[str] = set()
    for match in _LIQUID_TOKEN.finditer(text or ""):
        token = match.group(0)
        inner = token[2:-2].strip().strip("-")
        if token.startswith("{{"):
            name = _root_name(inner.split("|", 1)[0])
            if name:
                found.setdefault(name)
            continue
        words = inner.split()
        if not words:
            continue
        keyword = words[0]
        if keyword == "for" and len(words) >= 4 and words[2] == "in":
            bound.add(words[1])
            if not words[3].startswith("("):
                name = _root_name(words[3])
                if name:
                    found.setdefault(name)
        elif keyword == "assign" and len(words) >= 2:
            bound.add(words[1].split("=", 1)[0])
        elif keyword in ("if", "elsif", "unless"):
            for word in words[1:]:
                name = None if _is_operator_or_literal(word) else _root_name(word)
                if name:
                    found.setdefault(name)
    return [name for name in found if name not in bound]


def _input_order(identifier: str) -> tuple[bool, str, str]:
    return identifier != PRIMARY_INPUT, identifier.casefold(), identifier


def ordered_inputs(inputs: Iterable[Input]) -> list[Input]:
    """Inputs as LangWatch orders them: `input` first, then alphabetically."""
    return sorted(inputs, key=lambda item: _input_order(item.identifier))


def merge_template_inputs(texts: Iterable[str], inputs: Iterable[Input]) -> list[Input]:
    """The explicit inputs (types kept) plus every variable the texts use as `str`, in LangWatch order.

    `texts` are the prompt and the content of every message.
    """
    merged = {item.identifier: item for item in inputs}
    for text in texts:
        for name in template_variables(text):
            if name not in merged:
                merged[name] = Input(identifier=name, type=AUTO_INPUT_TYPE)
    return ordered_inputs(merged.values())
