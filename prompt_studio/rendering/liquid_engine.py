"""Liquid exactly as the official LangWatch Python SDK renders it, fast enough to re-render on every keystroke.

The SDK (`langwatch/prompts/prompt.py`) renders each text with `Environment(undefined=Undefined)` for `compile` and
`Environment(undefined=StrictUndefined)` for `compile_strict`, with every other option at python-liquid's default,
and calls `template.render(**variables)`. `LENIENT` and `STRICT` are those two environments, and `render` calls
`render(**variables)` the same way (a variable named `self` fails there as it fails in the SDK).

The preview renders with a third environment whose undefined type behaves exactly like `Undefined` (so the text
is the same) and notes every use that `StrictUndefined` would refuse: that is python-liquid's own answer to "which
variables have no value in this render", each with the place python-liquid gives it.

Speed: parsed templates are cached by their text. python-liquid parses about 5 MB/s of markup-rich text, so a
1 MB prompt would take some 200 ms to parse again after each keystroke. A long text is therefore cut into pieces
at places where cutting cannot change how python-liquid reads it (inside plain text at the top level, right after
a character that is not white space and before more text that is not all white space; see `_cuts`), each piece
is parsed and cached on its own, and the pieces' nodes are rendered as one template in one render context, which
is what python-liquid does with the nodes of the whole text. An edit then parses one piece again: the pieces
after it are cut where they were before (moved by the edit's length), so they come from the cache too. Anything
unusual (an unknown tag, a block left open, markup that does not close) leaves the text whole, so python-liquid
itself decides.
"""

from __future__ import annotations

import bisect
import re
import threading
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from liquid import Environment, StrictUndefined, Undefined
from liquid.ast import Node
from liquid.exceptions import LiquidError, UndefinedError
from liquid.template import BoundTemplate
from liquid.token import TOKEN_CONTENT, Token
from liquid.undefined import UNDEFINED

LENIENT = Environment(undefined=Undefined)
"""`Prompt.compile`'s environment: a variable without a value renders empty."""
STRICT = Environment(undefined=StrictUndefined)
"""`Prompt.compile_strict`'s environment: using a variable without a value is an error."""

PIECES_FROM = 32 * 1024
"""Texts shorter than this are parsed whole, as the SDK parses them (well under a millisecond when typical)."""
PIECE_SIZE = 8 * 1024
"""About how long the pieces of a longer text are."""
CACHE_CHARACTERS = 48 * 1024 * 1024
"""How much template text the caches keep, whole texts and pieces together (about 50 versions of a 1 MB prompt)."""
CACHE_ENTRIES = 4096


# --- where a render is, for the positions of what it notes ---------------------------------------------------


class _RenderState:
    """One render of one parsed text: which piece is rendering, and what the preview noted."""

    __slots__ = ("noted", "parsed", "piece")

    def __init__(self, parsed: ParsedTemplate, *, noting: bool = False):
        self.parsed = parsed
        self.piece = 0
        self.noted: dict[tuple[int | None, str], Noted] | None = {} if noting else None

    def offset_of(self, token: Token | None) -> int | None:
        """The offset of `token` in the whole text, or None when python-liquid gave no place."""
        if token is None or token.start_index < 0:
            return None
        pieces = self.parsed.pieces
        for index in range(min(self.piece, len(pieces) - 1), -1, -1):
            source, offset = pieces[index]
            if source is token.source:
                return offset + token.start_index
        return None


_STATE: ContextVar[_RenderState | None] = ContextVar("prompt_studio_liquid_render", default=None)


@dataclass(frozen=True, slots=True)
class Noted:
    """A use of a variable without a value: the name python-liquid gives it, its offset, python-liquid's words."""

    name: str
    offset: int | None
    reason: str


_QUIET = frozenset(StrictUndefined.allowed_properties) | {"_noted_in", "_offset"}
"""The attributes `StrictUndefined` lets a template read without an error (and this class's own)."""


def _note(undefined: _NotingUndefined) -> None:
    state = object.__getattribute__(undefined, "_noted_in")
    if state is None or state.noted is None:
        return
    name = object.__getattribute__(undefined, "name")
    offset = object.__getattribute__(undefined, "_offset")
    key = (offset, name)
    if key not in state.noted:
        hint = object.__getattribute__(undefined, "hint")
        state.noted[key] = Noted(name, offset, hint or f"'{name}' is undefined")


class _NotingUndefined(Undefined):
    """`Undefined` in every result; notes each use for which `StrictUndefined` would raise.

    `StrictUndefined` raises on every attribute but a few (`allowed_properties`) and in each special method it
    defines; this class notes the same attributes and the same special methods, then answers as `Undefined` does.
    """

    __slots__ = ("_noted_in", "_offset")

    def __init__(self, name: str, *, token: Token | None = None, obj: object = UNDEFINED, hint: str | None = None):
        super().__init__(name, token=token, obj=obj, hint=hint)
        state = _STATE.get()
        self._noted_in = state
        self._offset = state.offset_of(token) if state is not None else None

    def __getattribute__(self, name: str) -> Any:
        if name not in _QUIET:
            _note(self)
        return object.__getattribute__(self, name)

    def __contains__(self, item: object) -> bool:
        _note(self)
        return Undefined.__contains__(self, item)

    def __eq__(self, other: object) -> bool:
        _note(self)
        return Undefined.__eq__(self, other)

    def __getitem__(self, key: str) -> object:
        _note(self)
        return Undefined.__getitem__(self, key)

    def __len__(self) -> int:
        _note(self)
        return Undefined.__len__(self)

    def __iter__(self) -> Iterator[Any]:
        _note(self)
        return Undefined.__iter__(self)

    def __str__(self) -> str:
        _note(self)
        return Undefined.__str__(self)

    def __bool__(self) -> bool:
        _note(self)
        return False  # `Undefined` has no __bool__: its length, 0, makes it false

    def __int__(self) -> int:
        _note(self)
        return Undefined.__int__(self)

    def __hash__(self) -> int:
        _note(self)
        return Undefined.__hash__(self)

    def __reversed__(self) -> Any:
        _note(self)
        return Undefined.__reversed__(self)


NOTING = Environment(undefined=_NotingUndefined)
"""The preview's environment: renders as `LENIENT` does and notes what `STRICT` would refuse."""


# --- parsing, in pieces for long texts ------------------------------------------------------------------------


class LiquidFailure(Exception):
    """A text that python-liquid cannot parse or render: its words, where (an offset in the whole text), and
    for a strict render the variable that had no value."""

    def __init__(self, reason: str, offset: int | None, undefined: bool = False, name: str | None = None):
        super().__init__(reason)
        self.reason = reason
        self.offset = offset
        self.undefined = undefined
        self.name = name


class _PieceStart(Node):
    """Marks where the next piece begins, so a note or an error finds its offset in the whole text."""

    __slots__ = ("index",)

    def __init__(self, index: int, source: str):
        super().__init__(Token(TOKEN_CONTENT, "", 0, source))
        self.index = index

    def render_to_output(self, context: Any, buffer: Any) -> int:
        state = _STATE.get()
        if state is not None:
            state.piece = self.index
        return 0


class ParsedTemplate:
    """One text, parsed once; rendered in any of the three environments."""

    __slots__ = ("_bound", "failure", "nodes", "pieces", "source")

    def __init__(self, source: str, nodes: list[Node], pieces: tuple[tuple[str, int], ...],
                 failure: LiquidFailure | None = None):
        self.source = source
        self.nodes = nodes
        self.pieces = pieces
        """(the text python-liquid parsed, its offset in `source`) for each piece; one piece for a short text."""
        self.failure = failure
        self._bound: dict[int, BoundTemplate] = {}

    @property
    def cuts(self) -> tuple[int, ...]:
        """Where the pieces after the first begin."""
        return tuple(offset for _, offset in self.pieces[1:])

    def bound(self, env: Environment) -> BoundTemplate:
        """These nodes as a template of `env`, built as `env.from_string` builds one."""
        template = self._bound.get(id(env))
        if template is None:
            template = env.template_class(env=env, name="", path=None, nodes=self.nodes,
                                          globals=env.make_globals(None), matter=None)
            self._bound[id(env)] = template
        return template


class _TextCache:
    """Least recently used, bounded by the characters of the texts it keeps; safe across threads."""

    def __init__(self, characters: int, entries: int):
        self._items: OrderedDict[str, Any] = OrderedDict()
        self._characters = 0
        self._limit = characters
        self._entries = entries
        self._lock = threading.Lock()

    def get(self, text: str) -> Any:
        with self._lock:
            item = self._items.get(text)
            if item is not None:
                self._items.move_to_end(text)
            return item

    def put(self, text: str, item: Any) -> None:
        with self._lock:
            if text in self._items:
                return
            self._items[text] = item
            self._characters += len(text) + 64
            while self._items and (self._characters > self._limit or len(self._items) > self._entries):
                old, _ = self._items.popitem(last=False)
                self._characters -= len(old) + 64

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._characters = 0


_TEMPLATES = _TextCache(CACHE_CHARACTERS // 2, CACHE_ENTRIES)
_PIECES = _TextCache(CACHE_CHARACTERS // 2, CACHE_ENTRIES)


def clear_caches() -> None:
    _TEMPLATES.clear()
    _PIECES.clear()


def _rules() -> re.Pattern[str] | None:
    """python-liquid's own lexer rules (the one regular expression its tokenizer runs), or None if this
    version hides them: then no text is cut."""
    keywords = getattr(LENIENT.tokenizer(), "keywords", None) or {}
    rules = keywords.get("rules")
    return rules if isinstance(rules, re.Pattern) else None


def _tag_table() -> tuple[dict[str, str], frozenset[str], frozenset[str]]:
    blocks = {name: tag.end for name, tag in LENIENT.tags.items() if getattr(tag, "block", False) and tag.end}
    inline = frozenset(name for name, tag in LENIENT.tags.items() if not getattr(tag, "block", False))
    return blocks, frozenset(blocks.values()), inline


_RULES = _rules()
_BLOCKS, _ENDS, _INLINE = _tag_table()
_INTERMEDIATE = frozenset({"else", "elsif", "when"})
_PSEUDO_TAGS = frozenset({"content", "output", "illegal"})
_MARKUP_START = re.compile(r"\{[{%]")
_NOT_SPACE = re.compile(r"\S")  # `\S` and str.strip agree on what white space is (both Py_UNICODE_ISSPACE)


def _after_text(source: str, separator: str, start: int, end: int) -> int | None:
    """The first `separator` in `source[start:end]` that follows a character that is not white space."""
    found = source.find(separator, start, end)
    while found != -1 and source[found - 1].isspace():
        found = source.find(separator, found + 1, end)
    return None if found == -1 else found


def _cut_in(source: str, at: int, start: int, end: int) -> int | None:
    """A place in the plain text `source[start:end]`, at or after `at`, where cutting changes nothing.

    python-liquid strips the white space at the start of a text after `-%}` and at its end before `{%-`. Cut
    after a character that is not white space, before one that is not all white space to the end: each half
    then keeps some text that is not white space, so stripping each half strips what stripping the whole did.
    The cut goes before a newline where one is near, else at the end of a word: places found by the text, so
    after an edit the later pieces are cut where they were (and come from the cache) rather than a character off.
    """
    anywhere = at
    while anywhere < end and source[anywhere - 1].isspace():
        anywhere += 1
    for cut in (_after_text(source, "\n", at, min(end, at + 2048)), _after_text(source, " ", at, min(end, at + 256)),
                anywhere):
        if cut is not None and _can_cut(source, cut, start, end):
            return cut
    return None


def _can_cut(source: str, cut: int, start: int, end: int) -> bool:
    """Whether cutting the plain text `source[start:end]` at `cut` keeps text that is not white space on each side
    next to the cut (see `_cut_in`)."""
    return start < cut < end and not source[cut - 1].isspace() and _NOT_SPACE.search(source, cut, end) is not None


_WAIT = -1


def _hinted(source: str, hints: list[int], at: int, start: int, end: int, size: int) -> int | None:
    """The first of `hints` (where the text this one was edited from was cut) at or after `at` if it is near:
    itself if it is in this plain text and can still be cut, `_WAIT` if it is in a later one, else None."""
    index = bisect.bisect_left(hints, at)
    if index == len(hints) or hints[index] >= at + size:
        return None
    if hints[index] >= end:
        return _WAIT
    return hints[index] if _can_cut(source, hints[index], start, end) else None


def _cuts(source: str, size: int, hints: list[int] | None = None) -> list[int] | None:
    """Where `source` can be cut into pieces that python-liquid reads as it reads the whole, or None.

    Reads the text with python-liquid's own lexer rules, token by token, keeping the blocks that are open; a cut
    goes only into plain text outside every block and comment, followed by more markup (the last text of a
    template is lexed differently at its final newline), never into markup. Any token this cannot place
    (markup that does not close, an unknown tag, a block closed by the wrong tag or left open) means None.

    `hints` are places to prefer where they still qualify: where the text this one was edited from was cut, so
    that after an edit the later pieces are the same texts as before (and come from the cache).
    """
    rules = _RULES
    if rules is None:
        return None
    length = len(source)
    cuts: list[int] = []
    open_blocks: list[str] = []
    comment_depth = 0
    position = 0
    next_cut = size
    while position < length:
        if source.startswith(("{{", "{%"), position):
            match = rules.match(source, position)
            if match is None or match.lastgroup == TOKEN_CONTENT:
                return None  # markup that does not close: python-liquid raises, with its own words
            if match.lastgroup == "TAG":
                name = match.group("name")
                if comment_depth:
                    if name == "comment":
                        comment_depth += 1
                    elif name == "endcomment":
                        comment_depth -= 1
                elif name == "comment":
                    comment_depth = 1
                elif name in _BLOCKS:
                    open_blocks.append(_BLOCKS[name])
                elif name in _ENDS:
                    if not open_blocks or open_blocks.pop() != name:
                        return None
                elif name in _INTERMEDIATE:
                    if not open_blocks:
                        return None
                elif name not in _INLINE or name in _PSEUDO_TAGS:
                    return None
            position = match.end()
            continue
        following = _MARKUP_START.search(source, position + 1)
        end = following.start() if following is not None else length
        if following is not None and not open_blocks and not comment_depth:
            while next_cut < end:
                at = max(next_cut, position + 1)
                cut = _hinted(source, hints, at, position, end, size) if hints else None
                if cut == _WAIT:
                    break
                if cut is None:
                    cut = _cut_in(source, at, position, end)
                if cut is None:
                    break
                cuts.append(cut)
                next_cut = cut + size
        position = end
    if open_blocks or comment_depth:
        return None
    return cuts


def _failure(error: BaseException, offset_of: Any) -> LiquidFailure:
    if isinstance(error, LiquidError):
        reason = str(error.message) if error.message is not None else type(error).__name__
        undefined = isinstance(error, UndefinedError)
        name = error.token.value if undefined and error.token is not None else None
        return LiquidFailure(reason, offset_of(error.token), undefined, name)
    return LiquidFailure(str(error) or type(error).__name__, None)  # the SDK's words: str(error)


def _parse_whole(source: str) -> ParsedTemplate:
    try:
        nodes = LENIENT.from_string(source).nodes
    except Exception as error:
        failure = _failure(error, lambda token: _offset_in(token, source, 0))
        return ParsedTemplate(source, [], ((source, 0),), failure)
    return ParsedTemplate(source, nodes, ((source, 0),))


def _offset_in(token: Token | None, source: str, offset: int) -> int | None:
    if token is None or token.start_index < 0 or token.source is not source:
        return None
    return offset + token.start_index


def _piece(text: str) -> tuple[str, list[Node]] | None:
    cached = _PIECES.get(text)
    if cached is not None:
        return cached
    try:
        nodes = LENIENT.from_string(text).nodes
    except Exception:
        return None
    _PIECES.put(text, (text, nodes))
    return text, nodes


def _parse_in_pieces(source: str, cuts: list[int]) -> ParsedTemplate | None:
    nodes: list[Node] = []
    pieces: list[tuple[str, int]] = []
    for index, (start, end) in enumerate(zip([0, *cuts], [*cuts, len(source)], strict=True)):
        parsed = _piece(source[start:end])
        if parsed is None:
            return None
        text, piece_nodes = parsed
        nodes.append(_PieceStart(index, text))
        nodes.extend(piece_nodes)
        pieces.append((text, start))
    return ParsedTemplate(source, nodes, tuple(pieces))


_last_cut: list[ParsedTemplate] = []
"""The long text cut most recently: the text being typed into, most of the time."""


def _common_suffix(first: str, second: str) -> int:
    """How many characters `first` and `second` end with in common (a binary search over slices, in C)."""
    known, most = 0, min(len(first), len(second))
    while known < most:
        middle = (known + most + 1) // 2
        if first[len(first) - middle:len(first) - known] == second[len(second) - middle:len(second) - known]:
            known = middle
        else:
            most = middle - 1
    return known


def _hints_for(source: str) -> list[int]:
    """Where the last long text was cut after the place this one differs from it, moved to this text's offsets."""
    if not _last_cut:
        return []
    last = _last_cut[0]
    suffix = _common_suffix(last.source, source)
    shift = len(source) - len(last.source)
    first = len(last.source) - suffix + 1  # the character before a cut must be in the common part too
    return [cut + shift for cut in last.cuts if cut >= first]


def parse(source: str, *, pieces_from: int | None = None, piece_size: int | None = None) -> ParsedTemplate:
    """The parsed template of `source`, from the cache when this text was parsed before.

    A text that cannot be parsed gives a template with `failure` set (also cached: the error is the same).
    `pieces_from` and `piece_size` override `PIECES_FROM` and `PIECE_SIZE` (tests cut tiny texts with them).
    """
    threshold = PIECES_FROM if pieces_from is None else pieces_from
    size = PIECE_SIZE if piece_size is None else piece_size
    key = source if pieces_from is None and piece_size is None else f"{threshold}:{size}:{source}"
    parsed = _TEMPLATES.get(key)
    if parsed is not None:
        return parsed
    parsed = None
    if len(source) >= threshold:
        cuts = _cuts(source, size, _hints_for(source))
        if cuts:
            parsed = _parse_in_pieces(source, cuts)
            if parsed is not None:
                _last_cut[:] = [parsed]
    if parsed is None:
        parsed = _parse_whole(source)
    _TEMPLATES.put(key, parsed)
    return parsed


# --- rendering ------------------------------------------------------------------------------------------------


def render(parsed: ParsedTemplate, variables: Mapping[str, Any], *, strict: bool = False) -> str:
    """The text `Prompt.compile` (or `compile_strict`) makes of this template; raises `LiquidFailure`."""
    if parsed.failure is not None:
        raise parsed.failure
    state = _RenderState(parsed)
    reset = _STATE.set(state)
    try:
        return parsed.bound(STRICT if strict else LENIENT).render(**variables)
    except Exception as error:
        raise _failure(error, state.offset_of) from None
    finally:
        _STATE.reset(reset)


@dataclass(frozen=True, slots=True)
class Preview:
    text: str
    noted: tuple[Noted, ...]
    failure: LiquidFailure | None


def preview(parsed: ParsedTemplate, variables: Mapping[str, Any]) -> Preview:
    """The lenient text and what strict mode would refuse in it; never raises (a failure is returned)."""
    if parsed.failure is not None:
        return Preview("", (), parsed.failure)
    state = _RenderState(parsed, noting=True)
    reset = _STATE.set(state)
    try:
        text = parsed.bound(NOTING).render(**variables)
        failure = None
    except Exception as error:
        text, failure = "", _failure(error, state.offset_of)
    finally:
        _STATE.reset(reset)
    return Preview(text, tuple(state.noted.values()) if state.noted else (), failure)
