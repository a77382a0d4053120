"""The variables a prompt template reads, so inputs that are used but not declared can be offered.

LangWatch adds every `{{ name }}` of the prompt and its messages as a `str` input when it saves; showing the
list before saving lets the author pick better types, and also catches names only tags read
(`{% if vip %}`, `{% for item in items %}`). Names a template binds itself (the loop variable, `assign`,
`capture`), filters and Liquid's own words are not inputs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from prompt_studio.ui.highlighting import TemplateSyntax

_IGNORED_BLOCKS = re.compile(
    r"\{%-?\s*(comment|raw)\s*-?%\}.*?\{%-?\s*end\1\s*-?%\}", re.DOTALL
)
_EXPRESSIONS = re.compile(r"\{\{-?(?P<output>.*?)-?\}\}|\{%-?\s*(?P<tag>\w+)(?P<arguments>.*?)-?%\}", re.DOTALL)
# The same expressions without groups: finding them as plain strings creates no match objects or tuples, which
# keeps a 1 MB prompt with an expression on every line at a few milliseconds.
_WHOLE_EXPRESSIONS = re.compile(r"\{\{-?.*?-?\}\}|\{%-?\s*\w+.*?-?%\}", re.DOTALL)
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")
_NAME = re.compile(r"(?P<filter>\|\s*)?(?<![\w.])(?P<name>[A-Za-z_]\w*)(?P<argument>\s*:)?")
_BINDING_TAGS = {"assign", "capture", "increment", "decrement"}
_LOOP_TAGS = {"for", "tablerow"}
_READING_TAGS = {"if", "elsif", "unless", "case", "when", "echo", "cycle", "assign", "for", "tablerow"}
_LIQUID_WORDS = frozenset({
    "and", "or", "not", "contains", "in", "reversed", "limit", "offset", "cols", "with", "as", "true", "false",
    "nil", "null", "empty", "blank", "forloop", "tablerowloop",
})
_ORKES_PLACEHOLDER = re.compile(r"\$\{\s*([A-Za-z_]\w*)")


def _names_read(expression: str) -> list[str]:
    """The root names an expression reads: not filters (`| upcase`), not filter arguments (`default:`)."""
    names = []
    for match in _NAME.finditer(_QUOTED.sub(" ", expression)):
        if match.group("filter") or match.group("argument") or match.group("name") in _LIQUID_WORDS:
            continue
        names.append(match.group("name"))
    return names


def _liquid_variables(text: str) -> tuple[list[str], set[str]]:
    """(names read in order, names the template binds itself)."""
    read: list[str] = []
    bound: set[str] = set()
    # A long prompt repeats a few expressions many times; each distinct one is read once, in order of first use.
    for expression in dict.fromkeys(_WHOLE_EXPRESSIONS.findall(_IGNORED_BLOCKS.sub(" ", text))):
        match = _EXPRESSIONS.fullmatch(expression)
        if match.group("output") is not None:
            read += _names_read(match.group("output"))
            continue
        tag, arguments = match.group("tag"), match.group("arguments")
        if tag in _BINDING_TAGS or tag in _LOOP_TAGS:
            first = _NAME.search(arguments)
            if first:
                bound.add(first.group("name"))
                arguments = arguments[first.end():]
        if tag in _READING_TAGS:
            read += _names_read(arguments.split("=", 1)[-1] if tag == "assign" else arguments)
    return read, bound


def template_variables(texts: Iterable[str], syntax: TemplateSyntax = "liquid") -> list[str]:
    """The input names the templates read, in order of first use, each once."""
    if syntax == "orkes":
        found = (match.group(1) for text in texts for match in _ORKES_PLACEHOLDER.finditer(text))
        return list(dict.fromkeys(found))
    read: list[str] = []
    bound: set[str] = set()
    for text in texts:
        text_read, text_bound = _liquid_variables(text)
        read += text_read
        bound |= text_bound
    return [name for name in dict.fromkeys(read) if name not in bound]
