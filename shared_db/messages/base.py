"""Messages as templates with named parameters: English where made and stored, translated where shown."""

from __future__ import annotations

import string
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

Gettext = Callable[..., str]
REGISTRY: list[Message] = []
LIST_SEPARATOR = ", "
MAX_DEPTH = 4


@dataclass(frozen=True)
class Message:
    """``Message("the site answered HTTP {status}")(status=404)`` is the English text stored and exported.

    ``nested`` names the parameters whose values are messages themselves (empty only when also
    ``optional``), ``lists`` those that are messages joined by ", "; both are translated in turn. Other parameters are data (a listing's
    words, a number) and are shown as they are.
    """

    msgid: str
    nested: tuple[str, ...] = ()
    lists: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()
    parts: tuple[tuple[bool, str], ...] = field(init=False, default=())

    def __post_init__(self) -> None:
        parts: list[tuple[bool, str]] = []
        for literal, name, spec, conversion in string.Formatter().parse(self.msgid):
            if spec or conversion:
                raise ValueError(f"message {self.msgid!r}: format numbers before, keep placeholders plain")
            if literal:
                parts.append((False, literal))
            if name:
                if any(is_name and other == name for is_name, other in parts):
                    raise ValueError(f"message {self.msgid!r}: each placeholder once")
                parts.append((True, name))
        object.__setattr__(self, "parts", tuple(parts))

    def __call__(self, **params: object) -> str:
        return self.msgid.format(**params)

    @property
    def literal_length(self) -> int:
        return sum(len(text) for is_name, text in self.parts if not is_name)

    def match(self, text: str, depth: int = 0) -> dict[str, str] | None:
        """The parameters ``text`` was made with, or None; nested parameters must be messages themselves."""
        return self._match(0, text, 0, depth)

    def _match(self, index: int, text: str, pos: int, depth: int) -> dict[str, str] | None:
        if index == len(self.parts):
            return {} if pos == len(text) else None
        is_name, value = self.parts[index]
        if not is_name:
            return self._match(index + 1, text, pos + len(value), depth) if text.startswith(value, pos) else None
        for end in self._ends(index, text, pos):
            piece = text[pos:end]
            if value in self.nested and (piece or value not in self.optional) and _parse(piece, depth + 1) is None:
                continue
            if value in self.lists and not all(_parse(p, depth + 1) for p in piece.split(LIST_SEPARATOR)):
                continue
            rest = self._match(index + 1, text, end, depth)
            if rest is not None:
                return {value: piece, **rest}
        return None

    def _ends(self, index: int, text: str, pos: int) -> list[int]:
        """Where the placeholder at ``index`` may end: before each occurrence of the next literal, shortest first."""
        if index + 1 == len(self.parts):
            return [len(text)]
        is_name, following = self.parts[index + 1]
        if is_name:
            return list(range(pos, len(text) + 1))
        ends, start = [], text.find(following, pos)
        while start != -1:
            ends.append(start)
            start = text.find(following, start + 1)
        return ends


def message(msgid: str, *, nested: tuple[str, ...] = (), lists: tuple[str, ...] = (),
            optional: tuple[str, ...] = ()) -> Message:
    """Declare a message (the catalogue test and Babel's extraction find it by this name)."""
    declared = Message(msgid, nested + optional, lists, optional)
    REGISTRY.append(declared)
    _ordered.cache_clear()
    _parse.cache_clear()
    return declared


@lru_cache(maxsize=1)
def _ordered() -> tuple[Message, ...]:
    """Most literal text first, so a specific template wins over a general one."""
    return tuple(sorted({m.msgid: m for m in REGISTRY}.values(), key=lambda m: (-m.literal_length, m.msgid)))


@lru_cache(maxsize=8192)
def _parse(text: str, depth: int = 0) -> tuple[Message, dict[str, str]] | None:
    if depth > MAX_DEPTH or not text:
        return None
    for declared in _ordered():
        params = declared.match(text, depth)
        if params is not None:
            return declared, params
    return None


def parse(text: str) -> tuple[Message, dict[str, str]] | None:
    """The declared message ``text`` was made from, with its parameters; None for any other text."""
    return _parse(text) if isinstance(text, str) else None


def translate(text: str, gettext: Gettext) -> str:
    """``text`` in the language of ``gettext`` when it was made from a declared message, else as it is."""
    found = parse(text)
    if found is None:
        return text
    declared, params = found
    values = {}
    for name, value in params.items():
        if name in declared.lists:
            value = gettext(LIST_SEPARATOR).join(translate(piece, gettext) for piece in value.split(LIST_SEPARATOR))
        elif name in declared.nested and value:
            value = translate(value, gettext)
        values[name] = value
    return gettext(declared.msgid, **values) if values else gettext(declared.msgid)
