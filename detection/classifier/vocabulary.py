"""Counterfeit vocabulary (English and Chinese) matched on word boundaries.

The terms live in ``data/counterfeit_terms.tsv`` (a maintained list, not code). Latin letters and
digits at the edge of a term must not touch other Latin letters or digits ("replica" matches in
"replica watch" but not in "replicant"); CJK characters have no spaces between words, so a CJK
edge needs no boundary ("高仿耐克鞋" contains "高仿"). Text is NFKC-normalised, casefolded and
converted from Traditional to Simplified Chinese before matching.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib import resources
from pathlib import Path

GROUPS = ("copy", "lookalike", "grey")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN_EDGE = re.compile(r"[0-9a-z]")


class VocabularyError(ValueError):
    """The vocabulary file has a malformed line; fix the line named in the message."""


@dataclass(frozen=True)
class TermMatch:
    term: str
    group: str
    start: int
    end: int


@dataclass(frozen=True)
class Vocabulary:
    """A compiled term list; ``find(text)`` returns the terms present, left to right."""

    terms: tuple[tuple[str, str, tuple[str, ...]], ...]

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        return _compile(self.terms)

    @cached_property
    def _lookup(self) -> dict[str, tuple[str, tuple[str, ...]]]:
        return {term: (group, unless) for term, group, unless in self.terms}

    def find(self, text: str | None) -> list[TermMatch]:
        """Every non-overlapping term in ``text`` (longest first at each position)."""
        if not text:
            return []
        folded = fold(text)
        # Most listings contain no term: a plain substring scan is much cheaper than the regex.
        if not any(term in folded for term in self._lookup):
            return []
        found = []
        for m in self.pattern.finditer(folded):
            term = m.group(0)
            group, unless = self._lookup[term]
            following = folded[m.end():m.end() + 40].lstrip(" -")
            if unless and any(re.match(rf"{re.escape(word)}(?![0-9a-z])", following) for word in unless):
                continue
            found.append(TermMatch(term, group, m.start(), m.end()))
        return found


def fold(text: str) -> str:
    """NFKC, casefold, Traditional→Simplified Chinese, collapsed whitespace."""
    text = " ".join(unicodedata.normalize("NFKC", text).casefold().split())
    if _CJK.search(text):
        text = _t2s().convert(text)
    return text


@lru_cache(maxsize=1)
def _t2s():  # type: ignore[no-untyped-def]
    from opencc import OpenCC

    return OpenCC("t2s")


@lru_cache(maxsize=8)
def _compile(terms: tuple[tuple[str, str, tuple[str, ...]], ...]) -> re.Pattern[str]:
    parts = []
    for term, _group, _unless in sorted(terms, key=lambda t: -len(t[0])):
        left = r"(?<![0-9a-z])" if _LATIN_EDGE.match(term[0]) else ""
        right = r"(?![0-9a-z])" if _LATIN_EDGE.match(term[-1]) else ""
        parts.append(f"{left}{re.escape(term)}{right}")
    return re.compile("|".join(parts))


def parse_terms(text: str, *, source: str = "<string>") -> Vocabulary:
    """Parse the tab-separated term list (see the header of ``data/counterfeit_terms.tsv``)."""
    terms = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if len(cells) not in (2, 3) or cells[1] not in GROUPS or not cells[0].strip():
            raise VocabularyError(
                f"{source}:{number}: expected 'term<TAB>group[<TAB>unless|words]' with group one of "
                f"{', '.join(GROUPS)}, got {line!r}"
            )
        unless = tuple(fold(w) for w in cells[2].split("|") if w.strip()) if len(cells) == 3 else ()
        terms.append((fold(cells[0]), cells[1], unless))
    return Vocabulary(tuple(terms))


@lru_cache(maxsize=4)
def load_vocabulary(path: Path | None = None) -> Vocabulary:
    """The maintained vocabulary (or the list at ``path``)."""
    if path is not None:
        return parse_terms(Path(path).read_text(encoding="utf-8"), source=str(path))
    resource = resources.files("detection.classifier").joinpath("data/counterfeit_terms.tsv")
    return parse_terms(resource.read_text(encoding="utf-8"), source="counterfeit_terms.tsv")
