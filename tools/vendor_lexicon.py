"""Rebuild the vendored word lists in ``detection/data`` (run by hand; nothing is downloaded at run time).

- ``known_spellings.tsv.gz``: every spelling wordfreq 3.1.1 has seen on the web often enough to be
  somebody's word or name — English words at Zipf ≥ 1.0, German, French, Spanish, Italian, Dutch and
  Portuguese ones at Zipf ≥ 2.0 — normalised as detection normalises titles (ASCII letters and
  digits, 3+ characters, at least one letter), with the highest Zipf frequency seen (one decimal).
- ``dictionary_en.txt``: the lower-case entries of SCOWL's ``american-english-large`` and
  ``british-english-large`` (Debian packages wamerican-large, wbritish-large), normalised the same
  way: words of the language, as opposed to names (which the dictionaries capitalise).

Usage: ``pip install wordfreq==3.1.1; apt-get install wamerican-large wbritish-large;
python tools/vendor_lexicon.py``
"""

from __future__ import annotations

import gzip
import math
from pathlib import Path

from wordfreq import get_frequency_dict

from detection.normalise import normalise

DATA = Path(__file__).resolve().parents[1] / "detection" / "data"
THRESHOLDS = {"en": 1.0, "de": 2.0, "fr": 2.0, "es": 2.0, "it": 2.0, "nl": 2.0, "pt": 2.0}
DICTIONARIES = ("/usr/share/dict/american-english-large", "/usr/share/dict/british-english-large")


def _usable(word: str) -> bool:
    return len(word) >= 3 and word.isascii() and word.isalnum() and not word.isdigit()


def known_spellings() -> dict[str, float]:
    best: dict[str, float] = {}
    for language, threshold in THRESHOLDS.items():
        for word, frequency in get_frequency_dict(language, "large").items():
            zipf = math.log10(frequency * 1e9)
            folded = normalise(word)
            if zipf >= threshold and _usable(folded) and zipf > best.get(folded, 0.0):
                best[folded] = zipf
    return best


def dictionary_words() -> set[str]:
    words: set[str] = set()
    for path in DICTIONARIES:
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            word = line.strip()
            if word and word == word.lower() and "'" not in word:
                folded = normalise(word)
                if _usable(folded):
                    words.add(folded)
    return words


def main() -> None:
    spellings = known_spellings()
    lines = ["# word\tzipf (wordfreq 3.1.1, CC-BY-SA 4.0; see detection/data/README.md)\n"]
    lines += [f"{word}\t{spellings[word]:.1f}\n" for word in sorted(spellings)]
    # mtime=0: the same data gives the same bytes
    (DATA / "known_spellings.tsv.gz").write_bytes(gzip.compress("".join(lines).encode(), mtime=0))
    words = sorted(dictionary_words())
    (DATA / "dictionary_en.txt").write_text(
        "# Lower-case entries of SCOWL american/british-english-large (see detection/data/README.md)\n"
        + "".join(f"{w}\n" for w in words), encoding="utf-8")
    print(f"{len(spellings)} known spellings, {len(words)} dictionary words")


if __name__ == "__main__":
    main()
