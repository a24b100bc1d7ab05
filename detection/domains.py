"""Find registered marks in host names and URLs: ``DomainMatcher(marks).match("rothysshoessale.com")``.

A host name is not a title: its words run together ("tireracktires"), marks are written without
their spaces and apostrophes ("rothys" for ROTHY'S) and a typo hides inside a longer label
("sodoxe"). So a host is matched as one (:mod:`detection.hosts` finds its labels), each label is
split at hyphens and then into words (:mod:`detection.segment`, with the register's own mark forms
as words), and a mark is found when one of its forms is

- a piece or a run of pieces, exactly (apostrophes, hyphens and spaces ignored: "tire-rack", "tirerack");
- or, for forms of :data:`FUZZY_MIN_LENGTH` letters or more, one edit away — a letter added, dropped,
  changed, two neighbours swapped, or two letters one apart swapped ("sodoxe" for SODEXO) — where the
  misspelt piece is no spelling the web already uses (:func:`detection.lexicon.is_known_spelling`).

Weak forms need more: a form of three letters or fewer (TVB) counts only as a whole piece among
dictionary words or digits ("watch" + "tvb"), and a form that is an ordinary word (ORANGE) only
as a whole hyphen-separated part or a whole label ("orange-login", not "orangecountyhomes").
Only the host is matched: the path and query of a URL are the sender's free text and are ignored.
Look-alike characters are folded (:mod:`detection.normalise`), ``xn--`` labels decoded first.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz.distance import OSA

from detection import lexicon
from detection.context import common_word_marks
from detection.hosts import Host, Label, split_host
from detection.marks import MarkSpec
from detection.matcher import DEFAULT_CUTOFF, Match
from detection.normalise import Form, normalise, title_forms
from detection.segment import Piece, Segmentation
from shared_db.messages import detection as M

FUZZY_MIN_LENGTH = 5  # forms this long also match one edit away
SHORT_MAX_LENGTH = 3  # forms this short match only as a whole piece among dictionary words
MARK_COST = 4.5  # a mark form as one piece costs what a fairly common word costs (see detection.segment)
FUZZY_COST = 2.0  # added for a misspelt mark form
MAX_RUN = 4  # hyphen-separated parts joined to meet a multi-word form
CACHE_SIZE = 50_000  # parts whose candidates are kept
MARGIN = 3.0  # a mark form may read this much worse than the best split of its part (see detection.segment)
LONG_TYPO_LENGTH = 7  # a typo of a form this long may cut through the words around it ("lloydbank" + "ing")
STRONG_WORD_ZIPF = 3.0  # an exact form may not cut through a word this frequent ("boos tmobile")
SHORT_NEIGHBOUR_LENGTH = 4  # beside a three-letter form, only dictionary words this long (or digits)
# First letters a look-alike may change ("lnstagram", "0range"): any other first letter makes another name.
LOOK_ALIKE_STARTS = frozenset({("l", "i"), ("i", "l"), ("1", "l"), ("1", "i"), ("0", "o")})
_SWAP = "\x00"  # prefix of the keys for letters one apart swapped (apart from the deletion keys)


@dataclass(frozen=True)
class _DomainForm:
    mark: int  # index into DomainMatcher.marks
    text: str  # normalised, spaces removed
    registered: str
    source: str  # text | alias | transliteration
    short: bool
    ordinary: bool


@dataclass(frozen=True)
class Candidate:
    """A mark form found at ``[start, end)`` of a hyphen-separated part, with ``edits`` 0 or 1."""

    start: int
    end: int
    form: int
    edits: int


KEYBOARD = ("1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm")
VOWELS = frozenset("aeiou")
LOOK_ALIKES = frozenset({("l", "i"), ("i", "l"), ("1", "l"), ("l", "1"), ("1", "i"), ("i", "1"), ("0", "o"),
                         ("o", "0"), ("u", "v"), ("v", "u"), ("5", "s"), ("s", "5"), ("3", "e"), ("e", "3")})


def _adjacent_keys() -> dict[str, frozenset[str]]:
    near: dict[str, set[str]] = {}
    for r, row in enumerate(KEYBOARD):
        for c, char in enumerate(row):
            for dr, dc in ((0, -1), (0, 1), (-1, 0), (-1, 1), (1, 0), (1, -1)):
                if 0 <= r + dr < len(KEYBOARD) and 0 <= c + dc < len(KEYBOARD[r + dr]):
                    near.setdefault(char, set()).add(KEYBOARD[r + dr][c + dc])
    return {char: frozenset(chars) for char, chars in near.items()}


_NEAR = _adjacent_keys()


def _slip(intended: str, typed: str) -> bool:
    """Whether typing ``typed`` for ``intended`` is a slip: a neighbouring key, a look-alike, another vowel."""
    return (typed in _NEAR.get(intended, ()) or (intended, typed) in LOOK_ALIKES
            or (intended in VOWELS and typed in VOWELS))


def plausible_typo(piece: str, form: str) -> bool:
    """Whether ``piece``, one edit from ``form``, is the kind of typo people and typosquatters make.

    A letter dropped, two letters swapped (neighbours or one apart), a letter doubled or a
    neighbouring key struck too, or a key slipped to a neighbour, a look-alike or another vowel ("instsgram", "paypai", "sodoxe"). Any
    other change makes another name: "typeform" is no TYPEORM, "labex" no LATEX, "stencyl" no STENCIL.
    """
    if len(piece) < len(form):
        return True  # an omission
    if len(piece) == len(form):
        diff = [i for i in range(len(form)) if piece[i] != form[i]]
        return len(diff) != 1 or _slip(form[diff[0]], piece[diff[0]])
    for k in range(len(piece)):  # an insertion: some piece[k] is extra
        if piece[:k] + piece[k + 1:] == form:
            neighbours = [c for c in (piece[k - 1] if k else "", piece[k + 1] if k + 1 < len(piece) else "") if c]
            if any(piece[k] == c or piece[k] in _NEAR.get(c, ()) for c in neighbours):
                return True
    return False


def one_edit(a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` differ by one edit: OSA distance 1, or two letters one apart swapped."""
    if OSA.distance(a, b, score_cutoff=1) <= 1:
        return a != b
    if len(a) != len(b):
        return False
    diff = [i for i in range(len(a)) if a[i] != b[i]]
    return len(diff) == 2 and diff[1] - diff[0] == 2 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]


def edit_keys(text: str) -> set[str]:
    """Keys two strings one edit apart always share (symmetric deletion, plus keys for one-apart swaps)."""
    keys = {text}
    keys.update(text[:i] + text[i + 1:] for i in range(len(text)))
    keys.update(_SWAP + text[:i] + text[i + 1] + text[i + 3:] for i in range(len(text) - 2))
    return keys


class DomainMatcher:
    """Matches host names and URLs against a fixed set of marks."""

    def __init__(self, marks: Iterable[MarkSpec]) -> None:
        self.marks: list[MarkSpec] = list(marks)
        self._forms: list[_DomainForm] = []
        self._exact: dict[str, list[int]] = {}
        self._keys: dict[str, list[int]] = {}
        ordinary_marks = common_word_marks()
        for position, mark in enumerate(self.marks):
            seen: set[str] = set()
            sources = [("text", mark.text)] + [("alias", a) for a in mark.aliases] + [
                ("transliteration", t) for t in mark.transliterations]
            for source, registered in sources:
                text = normalise(registered).replace(" ", "")
                if not text or text in seen:
                    continue
                seen.add(text)
                short = len(text) <= SHORT_MAX_LENGTH
                ordinary = lexicon.is_dictionary_word(text) or text in ordinary_marks
                index = len(self._forms)
                self._forms.append(_DomainForm(position, text, registered, source, short, ordinary))
                self._exact.setdefault(text, []).append(index)
                if len(text) >= FUZZY_MIN_LENGTH:
                    for key in edit_keys(text):
                        self._keys.setdefault(key, []).append(index)
        self._cache: dict[str, list[Candidate]] = {}  # parts recur: "secure", "login", "000webhostapp"
        self._slice_lengths = sorted({len(f.text) + d for f in self._forms if len(f.text) >= FUZZY_MIN_LENGTH
                                      for d in (-1, 0, 1)})
        self._authorised = [{_registrable(d) for d in mark.authorised_domains if d}
                            for mark in self.marks]

    def __len__(self) -> int:
        return len(self.marks)

    def match(self, host_or_url: str, *, score_cutoff: float = DEFAULT_CUTOFF) -> list[Match]:
        """Marks found in the host of ``host_or_url``, best first; empty if the text is no host or URL.

        Spans are in ``host_or_url``'s own coordinates.
        """
        host = split_host(host_or_url or "")
        if host is None:
            return []
        best: dict[int, Match] = {}
        for label in host.labels:
            for position, match in self._match_label(host_or_url, host, label):
                if match.score < score_cutoff or host.registrable in self._authorised[position]:
                    continue
                current = best.get(position)
                if current is None or (match.score, -match.span[0]) > (current.score, -current.span[0]):
                    best[position] = match
        return sorted(best.values(), key=lambda m: (-m.score, m.span, str(m.mark_id)))

    def match_many(self, texts: Sequence[str], *, score_cutoff: float = DEFAULT_CUTOFF) -> list[list[Match]]:
        """``match`` for many texts; results in input order."""
        return [self.match(text, score_cutoff=score_cutoff) for text in texts]

    # -- one label ---------------------------------------------------------------------------------

    def _match_label(self, text: str, host: Host, label: Label) -> list[tuple[int, Match]]:
        found: list[tuple[int, Match]] = []
        for form in _label_forms(label.text):
            parts = _parts(form.text)
            splits = [Segmentation(part) for _, part in parts]
            for number, (offset, part) in enumerate(parts):
                split = splits[number]
                for candidate in self.candidates(part):
                    info = self._forms[candidate.form]
                    if not self._allowed(info, candidate, label, form, part, split):
                        continue
                    others = [*split.before(candidate.start), *split.after(candidate.end)]
                    others += [p for n, s in enumerate(splits) if n != number for p in s.pieces()]
                    found.append((info.mark, self._explain(text, host, label, form, info, candidate.edits,
                                                           offset + candidate.start, offset + candidate.end, others)))
            # A multi-word form written with hyphens ("range-rover"): whole parts joined.
            for first in range(len(parts)):
                for last in range(first + 1, min(first + MAX_RUN, len(parts))):
                    joined = "".join(part for _, part in parts[first:last + 1])
                    start, end = parts[first][0], parts[last][0] + len(parts[last][1])
                    others = [p for n, s in enumerate(splits) if not first <= n <= last for p in s.pieces()]
                    for candidate in self.candidates(joined):
                        info = self._forms[candidate.form]
                        if (candidate.start, candidate.end) == (0, len(joined)) and self._allowed(
                                info, candidate, label, form, joined, None):
                            found.append((info.mark, self._explain(text, host, label, form, info, candidate.edits,
                                                                   start, end, others)))
        return found

    def candidates(self, part: str) -> list[Candidate]:
        """Every mark form exactly at, or one edit from, a slice of ``part`` (spans in ``part``).

        Exact forms by dictionary lookup of every slice; misspellings through the edit keys of every
        slice as long as a fuzzy form, one letter more or one less. A misspelt slice must not be a
        spelling the web already uses ("pixma" is no PRIMA), must keep the form's first letter (or a
        look-alike of it: "dfinity" is a name of its own, not a typo of XFINITY) and must be a
        plausible typo (:func:`plausible_typo`).
        """
        cached = self._cache.get(part)
        if cached is not None:
            return cached
        out: list[Candidate] = []
        n = len(part)
        for start in range(n):
            for end in range(start + 1, n + 1):
                for index in self._exact.get(part[start:end], ()):
                    out.append(Candidate(start, end, index, 0))
        for length in self._slice_lengths:
            for start in range(n - length + 1):
                piece = part[start:start + length]
                if piece in self._exact:
                    continue
                hits = {index for key in edit_keys(piece) for index in self._keys.get(key, ())}
                if not hits:
                    continue
                close = [index for index in sorted(hits) if _same_start(piece, self._forms[index].text)
                         and one_edit(piece, self._forms[index].text)
                         and plausible_typo(piece, self._forms[index].text)]
                if close and not lexicon.is_known_spelling(piece):
                    out.extend(Candidate(start, start + length, index, 1) for index in close)
        if len(self._cache) >= CACHE_SIZE:
            self._cache.clear()
        self._cache[part] = out
        return out

    def _allowed(self, info: _DomainForm, candidate: Candidate, label: Label, form: Form, part: str,
                 split: Segmentation | None) -> bool:
        """Whether the rules let ``candidate`` stand in ``part`` (see the module docstring).

        ``split`` is None for a run of whole hyphen-separated parts.
        """
        weak = info.short or info.ordinary
        if weak and label.role == "subdomain" and not (label.before_suffix or "-" in label.text):
            return False  # "git.", "dash.", "render.": a subdomain naming a service; "irs.gov." or "amazon-jp." spoof
        if form.kind != "base" and (candidate.edits or weak):
            return False  # digits read as letters, letters collapsed: only the mark itself, and a strong one
        start, end = candidate.start, candidate.end
        if split is None or (start, end) == (0, len(part)):
            return not (info.short and candidate.edits)  # the whole part is the mark, or a typo of it
        if info.ordinary or (info.short and (candidate.edits or len(info.text) < SHORT_MAX_LENGTH)):
            return False  # "glass" in "glassdoor", "signal" in "appsignal": ordinary words join others everywhere
        best = split.pieces()
        covering = [p for p in best if p.kind == "word" and p.start <= start and end <= p.end]
        if covering and not (info.short or candidate.edits) and _inflected(covering[0], start, end, info.text):
            return True  # "facebooks": the mark with an ending
        if covering and covering[0].end - covering[0].start > end - start:
            return False  # a slice of a word of its own: "elon" in "delonghi", "belk" in "belkin"
        if split.forced_cost(start, end, MARK_COST + FUZZY_COST * candidate.edits) - split.cost > MARGIN:
            return False  # the letters read better as other words
        cut = [p for p in best if p.kind == "word" and p.start < end and start < p.end
               and not (start <= p.start and p.end <= end)]
        long_typo = candidate.edits and len(info.text) >= LONG_TYPO_LENGTH
        if candidate.edits and not long_typo and cut:
            return False  # a typo cutting through words: "rivcs" in "atari vcs", "deepg" in "deep gram"
        if not long_typo and any(lexicon.zipf(p.text) >= STRONG_WORD_ZIPF for p in cut):
            return False  # "tmobile" across "boost mobile", "asana" across "sana sana"
        before, after = split.before(start), split.after(end)
        if info.short:
            return all(p.kind == "digits" or (len(p.text) >= SHORT_NEIGHBOUR_LENGTH
                                              and lexicon.is_dictionary_word(p.text)) for p in before + after)
        glued = any(p.kind == "junk" for p in before[-1:] + after[:1])
        if glued and (len(info.text) < FUZZY_MIN_LENGTH or (candidate.edits and len(info.text) < LONG_TYPO_LENGTH)):
            return False  # a four-letter form or a typo glued to letters that are no word: "absa" + "b", "bentl" + "ey"
        return True

    def _explain(self, text: str, host: Host, label: Label, form: Form, info: _DomainForm, edits: int,
                 start: int, end: int, others: list[Piece]) -> Match:
        mark = self.marks[info.mark]
        if label.punycode:
            span = (label.start, label.end)
        else:
            span = (label.start + form.offsets[start], label.start + form.offsets[end - 1] + 1)
        matched, read = text[span[0]:span[1]], form.text[start:end]
        what = (M.WHAT_ALIAS if info.source == "alias" else
                M.WHAT_TRANSLITERATION if info.source == "transliteration" else M.WHAT_MARK)()
        host_name = host.name if host.readable == host.name else f"{host.name} ({host.readable})"
        if edits:
            score = round(100.0 * (1 - 1 / max(len(read), len(info.text))), 2)
            relation = M.ONE_EDIT(what=what, registered=info.registered, score=f"{score:.0f}")
        else:
            score = 100.0
            spaces = M.WITHOUT_SPACES() if read != normalise(info.registered) else ""
            relation = M.IS_THE(what=what, registered=info.registered, spaces=spaces)
        words = " ".join(p.text for p in others if p.kind == "digits" or _dictionary_like(p.text))
        rest = any(p.kind != "digits" and not _dictionary_like(p.text) for p in others)
        joined = (M.JOINED_WORDS(words=words, rest=M.AND_OTHER_LETTERS() if rest else "") if words else
                  M.JOINED_OTHER() if rest else "")
        reasons = [M.IN_HOST(read=read, host=host_name, relation=relation, joined=joined)]
        if form.kind in ("leet", "leet_l"):
            reasons.append(M.HOST_DIGITS(read=read, matched=matched))
        elif form.kind == "collapsed":
            reasons.append(M.HOST_REPEATED(read=read, matched=matched))
        if label.punycode or any(form.homoglyph[start:end]):
            reasons.append(M.HOST_LOOKALIKE(read=read, matched=matched))
        if info.short:
            reasons.append(M.HOST_SHORT(registered=info.registered))
        elif info.ordinary:
            reasons.append(M.HOST_ORDINARY(registered=info.registered))
        return Match(mark_id=mark.id, score=score, span=span, matched_text=matched, kind="domain", reasons=reasons)


def _parts(text: str) -> list[tuple[int, str]]:
    """The space-separated parts of a normalised label (hyphens became spaces), with their offsets."""
    parts, offset = [], 0
    for part in text.split(" "):
        if part:
            parts.append((offset, part))
        offset += len(part) + 1
    return parts


def _inflected(piece: Piece, start: int, end: int, form: str) -> bool:
    """Whether the word ``piece`` is the mark at ``[start, end)`` with an ending of a letter or two, and rarer.

    "facebooks" is Facebook inflected; "belkin", though it starts with BELK, is a name of its own (more
    frequent), and "scalar" a word of its own (in the dictionary), not SCALA inflected.
    """
    return (piece.start == start and 0 < piece.end - end <= 2 and not lexicon.is_dictionary_word(piece.text)
            and lexicon.zipf(piece.text) < lexicon.zipf(form))


def _label_forms(label: str) -> list[Form]:
    """The forms a label is read in: base, and where it has them, digits read as letters, tripled letters and
    letter pairs drawn as one ("sarnsung")."""
    return [form for form in title_forms(label) if form.kind in ("base", "leet", "leet_l", "collapsed", "glyphs")]


def _dictionary_like(word: str) -> bool:
    return lexicon.is_dictionary_word(word) or lexicon.zipf(word) >= STRONG_WORD_ZIPF


def _same_start(piece: str, form: str) -> bool:
    """Whether a misspelling keeps the form's first letter, or writes it with a look-alike."""
    return piece[0] == form[0] or (form[0], piece[0]) in LOOK_ALIKE_STARTS


def _registrable(domain: str) -> str:
    host = split_host(domain.strip().lower())
    return host.registrable if host is not None else domain.strip().lower()

