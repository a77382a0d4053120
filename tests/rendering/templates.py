"""Liquid templates for the rendering tests: a fixed list of cases and a hypothesis strategy that combines the
constructs LangWatch prompts use (variables, filters, conditionals, loops with `forloop`, whitespace control,
nested objects, `case`, `assign`/`capture`, `raw`, comments, numbers, Unicode, missing variables, broken markup)."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

VARIABLES: dict[str, Any] = {
    "name": "Ada",
    "n": 3,
    "x": 2.5,
    "big": 12345678901234567890,
    "neg": -7,
    "flag": True,
    "off": False,
    "blank_text": "",  # not `empty`: that is a Liquid keyword, and filters on it print an object's address
    "nothing": None,
    "items": ["b", "a", "c"],
    "nums": [3, 1, 2],
    "user": {"name": "Grace", "age": 37, "tags": ["x", "y"], "profile": {"city": "Zürich"}},
    "users": [{"name": "Ann", "age": 20}, {"name": "Bob", "age": 15}],
    "text": "héllo wörld — 日本語 🎉",
    "html": "<b>Tom & \"Jerry\"</b>",
    "spaced": "  padded  \n",
}
"""Every value a generated template may read; each example gives a random part of it, so others are missing."""

NAMES = [*VARIABLES, "ghost", "missing_var"]

FIXED_CASES: list[tuple[str, list[tuple[str, str]], dict[str, Any]]] = [
    # (system prompt, messages, variables)
    ("You are a {{ persona }} assistant.", [("user", "{{ question }}")], {"persona": "pirate", "question": "Hi?"}),
    ("", [("user", "{{ question }}")], {"question": "an empty system prompt"}),
    ("", [], {}),
    ("Hello {{ name }}, {{ ghost }}!", [], {"name": "Ada"}),
    ("{{ user.name }} from {{ user.profile.city }} ({{ user.age }})", [], VARIABLES),
    ("{{ user.nope }} {{ users[1].name }} {{ users[5].name }} {{ items[0] }} {{ items.first }}-{{ items.last }}",
     [], VARIABLES),
    ("{{ name | upcase }} {{ text | downcase }} {{ name | append: '!' | prepend: '> ' }} {{ text | size }}",
     [], VARIABLES),
    ("{{ items | join: ', ' }} {{ items | sort | join }} {{ nums | sort | reverse | join: '-' }} {{ nums | uniq }}",
     [], VARIABLES),
    ("{{ n | plus: 2 }} {{ n | minus: 5 }} {{ x | times: 3 }} {{ n | divided_by: 2 }} {{ x | divided_by: 2 }} "
     "{{ 7 | modulo: 3 }} {{ x | round }} {{ 3.14159 | round: 2 }} {{ neg | abs }} {{ big }} {{ 1e3 }} {{ 0.1 }}",
     [], VARIABLES),
    ("{{ n | divided_by: 0 }}", [], VARIABLES),
    ("{{ ghost | default: 'fallback' }} {{ blank_text | default: 'was empty' }} "
     "{{ off | default: 'x', allow_false: true }}", [], VARIABLES),
    ("{{ html | escape }} {{ html | strip_html }} {{ spaced | strip }}|{{ text | truncate: 7 }}|"
     "{{ text | slice: 1, 3 }}|{{ 'a b c' | split: ' ' | last }}|{{ text | url_encode }}", [], VARIABLES),
    ("{% if flag %}yes{% elsif n > 2 %}big{% else %}no{% endif %} {% unless off %}not off{% endunless %}",
     [], VARIABLES),
    ("{% if ghost %}g{% else %}no ghost{% endif %}{% if ghost == nil %} nil{% endif %}", [], VARIABLES),
    ("{% if user.age >= 18 and flag %}adult{% endif %}{% if items contains 'b' %} has b{% endif %}"
     "{% if empty == blank %} blank{% endif %}{% if nothing == empty %} nothing{% endif %}", [], VARIABLES),
    ("{% for it in items %}{{ forloop.index }}/{{ forloop.length }}:{{ it }}{% unless forloop.last %}, "
     "{% endunless %}{% endfor %}", [], VARIABLES),
    ("{% for it in nums reversed limit: 2 %}{{ it }}{% if forloop.first %}!{% endif %}{% endfor %}"
     "{% for it in items offset: 1 %}[{{ forloop.rindex0 }}{{ it }}]{% endfor %}", [], VARIABLES),
    ("{% for u in users %}{% if u.age < 18 %}{% continue %}{% endif %}{{ u.name }}{% break %}{% endfor %}"
     "{% for i in (1..n) %}{{ i }}{% endfor %}{% for g in ghost %}x{% else %}none{% endfor %}", [], VARIABLES),
    ("{% for a in (1..2) %}{% for b in items %}{{ forloop.parentloop.index }}{{ b }}{% endfor %}{% endfor %}",
     [], VARIABLES),
    ("{{ forloop.index }}{% for a in items %}{{ forloop.parentloop.index }}{% endfor %}", [], VARIABLES),
    ("{%- if flag -%}\n  trimmed  \n{%- endif -%}\n{{- name -}}  ,  {{- n }}\n", [], VARIABLES),
    ("{% case name %}{% when 'Ada' %}Lovelace{% when 'Bob', 'Ann' %}other{% else %}?{% endcase %}"
     "{% case n %}{% when 1 %}one{% when 3 %}three{% endcase %}{% case ghost %}{% when 1 %}x{% else %}e{% endcase %}",
     [], VARIABLES),
    ("{% assign greeting = 'Hi ' | append: name %}{{ greeting }}{% capture c %}{{ n | times: 2 }} items{% endcapture %}"
     " {{ c | upcase }}{% assign lst = items | sort %}{{ lst[0] }}", [], VARIABLES),
    ("{% raw %}{{ not rendered }} {% if x %}{% endraw %} {% comment %}{{ hidden }}{% endcomment %}{% # inline %}done",
     [], VARIABLES),
    ("{% liquid\nassign q = name | upcase\necho q\n%} {% echo n | plus: 1 %} {% increment c %}{% increment c %}"
     " {% cycle 'a', 'b' %}{% cycle 'a', 'b' %}{% cycle 'a', 'b' %}", [], VARIABLES),
    ("{% tablerow it in items cols: 2 %}{{ it }}{% endtablerow %}", [], VARIABLES),
    ("Emoji 🎉 {{ text }} — «{{ name }}» 中文 {{ '日本' | append: 'ご' }}", [], VARIABLES),
    ("{{ nums }} {{ user.tags }} {{ user.profile }} {{ flag }} {{ nothing }} {{ x }}", [], VARIABLES),
    ("{% if flag %}unclosed", [], VARIABLES),
    ("{% endif %}", [], VARIABLES),
    ("{{ name | nosuchfilter }}", [], VARIABLES),
    ("{{ unterminated", [], VARIABLES),
    ("{% nosuchtag %}", [], VARIABLES),
    ("{{ name | truncate: 'abc' }}", [], VARIABLES),
    ("a { b } c {{ '}}' }} d {% raw %}{%{% endraw %} e %} f }}", [], VARIABLES),
    ("line one\nline two {{ ghost }}\n\nline four {{ user.ghost.deeper }}", [("user", "q: {{ question }}"),
     ("assistant", "a: {{ answer | default: 'none' }}"), ("user", "{% for i in items %}{{ i }}{% endfor %}")],
     {"items": [1, 2]}),
    ("{{ partial }} {{ template }}", [], {}),
    ("{{ self }}", [], {"self": "a variable named self"}),
    ("{{ a-b }} {{ ['weird key'] }}", [], {"a-b": 1, "weird key": 2}),
]

_WORDS = st.sampled_from([
    "Hello ", "world", " ", "  ", "\n", "\n\n", "\t", "Grüße, ", "日本語 ", "🎉", "«ok» ", "a{b}c", "{ x }", "100% ",
    "}", "%", "-", "x", "end.",
])
_PATHS = st.sampled_from([
    "name", "n", "x", "big", "neg", "flag", "off", "blank_text", "nothing", "items", "nums", "text", "html", "spaced",
    "user", "user.name", "user.age", "user.tags", "user.profile.city", "user.nope", "users", "users[0].name",
    "users[1].age", "items[0]", "items[9]", "items.first", "items.last", "items.size", "ghost", "ghost.deep",
    "missing_var", "'literal'", "42", "-1.5", "forloop.index",
])
# Not `compact`: python-liquid 2.3.6 renders `'' | compact` as an object's repr, with its memory address.
_FILTERS = st.sampled_from([
    "upcase", "downcase", "capitalize", "size", "default: 'none'", "append: '!'", "prepend: '> '",
    "replace: 'a', 'b'", "truncate: 4", "join: ', '", "first", "last", "plus: 2", "minus: 1", "times: 3",
    "divided_by: 2", "modulo: 2", "round", "strip", "escape", "split: ' '", "sort", "reverse", "uniq", "abs",
    "at_least: 5", "at_most: 1", "slice: 1, 2", "url_encode", "strip_html", "newline_to_br",
    "default: ghost", "append: name",
])
_CONDITIONS = st.sampled_from([
    "flag", "off", "nothing", "n > 2", "x <= 2.5", "name == 'Ada'", "items contains 'b'", "user.age >= 18 and flag",
    "ghost", "ghost == nil", "empty == blank", "items == empty", "n != 3 or off", "user.profile", "users.size > 1",
    "missing_var.size > 0", "forloop.first",
])
_SEQUENCES = st.sampled_from(["items", "nums", "users", "user.tags", "(1..n)", "(1..3)", "ghost", "text", "blank_text"])
_LOOP_OPTIONS = st.sampled_from(["", " limit: 2", " offset: 1", " reversed", " reversed limit: 1"])
_FORLOOP = st.sampled_from([
    "{{ it }}", "{{ forloop.index }}", "{{ forloop.index0 }}", "{{ forloop.rindex }}", "{{ forloop.length }}",
    "{% if forloop.first %}^{% endif %}", "{% unless forloop.last %}, {% endunless %}", "{% break %}",
    "{% if forloop.index > 1 %}{% continue %}{% endif %}", "{{ it.name }}", "{{ forloop.parentloop.index }}",
])


def _dash() -> st.SearchStrategy[tuple[str, str]]:
    return st.sampled_from([("", ""), ("-", ""), ("", "-"), ("-", "-")])


@st.composite
def _output(draw: st.DrawFn) -> str:
    left, right = draw(_dash())
    filters = draw(st.lists(_FILTERS, max_size=2))
    expression = " | ".join([draw(_PATHS), *filters])
    return f"{{{{{left} {expression} {right}}}}}"


_LEAVES = st.one_of(
    _WORDS, _WORDS, _output(), _output(),
    st.sampled_from([
        "{% raw %}{{ raw }} {% if %}{% endraw %}", "{% comment %}{{ hidden }} {% if x %}{% endcomment %}",
        "{% # a note %}", "{% increment counter %}", "{% cycle 'a', 'b', 'c' %}", "{% echo name | upcase %}",
        "{% assign a = n | plus: 1 %}{{ a }}", "{% assign b = ghost %}{{ b }}", "{{ 1.5 | plus: n }}",
        "{{ 10 | divided_by: 4.0 }}", "{% liquid\n  assign q = 'x'\n  echo q | upcase\n%}",
    ]),
)
_BROKEN = st.sampled_from(["{% if flag %}open", "{% endfor %}", "{{ name", "{% nosuch %}", "{{ name | nosuch }}", "{"])


def _extend(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    body = st.lists(children, min_size=0, max_size=3).map("".join)

    @st.composite
    def block(draw: st.DrawFn) -> str:
        kind = draw(st.sampled_from(["if", "unless", "for", "case", "capture", "loop_body"]))
        left, right = draw(_dash())
        if kind == "if":
            text = f"{{%{left} if {draw(_CONDITIONS)} {right}%}}{draw(body)}"
            if draw(st.booleans()):
                text += f"{{% elsif {draw(_CONDITIONS)} %}}{draw(body)}"
            if draw(st.booleans()):
                text += f"{{% else %}}{draw(body)}"
            return text + f"{{%{left} endif {right}%}}"
        if kind == "unless":
            return f"{{% unless {draw(_CONDITIONS)} %}}{draw(body)}{{% endunless %}}"
        if kind in ("for", "loop_body"):
            inner = "".join(draw(st.lists(st.one_of(_FORLOOP, children), min_size=1, max_size=3)))
            text = f"{{%{left} for it in {draw(_SEQUENCES)}{draw(_LOOP_OPTIONS)} {right}%}}{inner}"
            if draw(st.booleans()):
                text += f"{{% else %}}{draw(body)}"
            return text + "{% endfor %}"
        if kind == "case":
            return (f"{{% case {draw(_PATHS)} %}}{{% when 'Ada' %}}{draw(body)}{{% when 3, 'b' %}}{draw(body)}"
                    f"{{% else %}}{draw(body)}{{% endcase %}}")
        return f"{{% capture cap %}}{draw(body)}{{% endcapture %}}{{{{ cap | size }}}}:{{{{ cap }}}}"

    return block()


def _broken_at(text: str, broken: str | None, where: int) -> str:
    if broken is None:
        return text
    at = where % (len(text) + 1)
    return text[:at] + broken + text[at:]


_WELL_FORMED = st.recursive(st.lists(_LEAVES, max_size=4).map("".join), _extend, max_leaves=10).flatmap(
    lambda first: st.lists(st.one_of(st.just(first), _LEAVES), max_size=3).map(lambda rest: first + "".join(rest))
)
TEMPLATES = st.builds(_broken_at, _WELL_FORMED, st.one_of(st.none(), st.none(), st.none(), _BROKEN),
                      st.integers(0, 999))
"""A Liquid template of up to a few hundred characters, nested a few blocks deep; about one in four has a piece
of broken markup somewhere (which may land inside other markup)."""

GIVEN = st.one_of(
    st.just(VARIABLES),
    st.sets(st.sampled_from(sorted(VARIABLES))).map(lambda names: {name: VARIABLES[name] for name in names}),
)
"""The values one render gets: all of `VARIABLES`, or a random part of it."""

MESSAGES = st.lists(st.tuples(st.sampled_from(["user", "assistant"]), TEMPLATES), max_size=2)
