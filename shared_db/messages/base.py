"""Messages as templates with named parameters: English where made and stored, translated where shown."""

from __future__ import annotations

import re
import string
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

Gettext = Callable[..., str]
REGISTRY: list[Message] = []


@dataclass(frozen=True)
class Message:
    """``Message("the site answered HTTP {status}")(status=404)`` is the English text stored and exported.

    ``nested`` names the parameters whose values are messages themselves (translated in turn); the
    other parameters are data (a listing's words, a number) and are shown as they are.
    """

    msgid: str
    nested: tuple[str, ...] = ()
    names: tuple[str, ...] = field(init=False, default=())

    def __post_init__(self) -> None:
        parts = list(string.Formatter().parse(self.msgid))
        if any(spec or conversion for _, _, spec, conversion in parts):
            raise ValueError(f"message {self.msgid!r}: format numbers before, keep placeholders plain")
        object.__setattr__(self, "names", tuple(dict.fromkeys(name for _, name, _, _ in parts if name)))

    def __call__(self, **params: object) -> str:
        return self.msgid.format(**params)

    @property
    def pattern(self) -> re.Pattern[str]:
        return _pattern(self.msgid)


def message(msgid: str, *, nested: tuple[str, ...] = ()) -> Message:
    """Declare a message (the catalogue test and Babel's extraction find it by this name)."""
    declared = Message(msgid, nested)
    REGISTRY.append(declared)
    _ordered.cache_clear()
    return declared


@lru_cache(maxsize=512)
def _pattern(msgid: str) -> re.Pattern[str]:
    seen: set[str] = set()
    out = []
    for literal, name, _, _ in string.Formatter().parse(msgid):
        out.append(re.escape(literal))
        if name:
            out.append(f"(?P={name})" if name in seen else f"(?P<{name}>.*?)")
            seen.add(name)
    return re.compile("".join(out), re.DOTALL)


@lru_cache(maxsize=1)
def _ordered() -> tuple[Message, ...]:
    """Most literal text first, so a specific template wins over a general one."""
    def literal_length(m: Message) -> int:
        return sum(len(literal) for literal, *_ in string.Formatter().parse(m.msgid))

    return tuple(sorted(REGISTRY, key=lambda m: (-literal_length(m), m.msgid)))


def parse(text: str) -> tuple[Message, dict[str, str]] | None:
    """The declared message ``text`` was made from, with its parameters; None for any other text."""
    for declared in _ordered():
        found = declared.pattern.fullmatch(text)
        if found:
            return declared, found.groupdict()
    return None


def translate(text: str, gettext: Gettext, *, depth: int = 0) -> str:
    """``text`` in the language of ``gettext`` when it was made from a declared message, else as it is."""
    found = parse(text) if isinstance(text, str) and depth < 4 else None
    if found is None:
        return text
    declared, params = found
    values = {name: translate(value, gettext, depth=depth + 1) if name in declared.nested else value
              for name, value in params.items()}
    return gettext(declared.msgid, **values) if values else gettext(declared.msgid)
