"""Collect the interface's messages (templates and Python) for the translation catalogues.

Run ``python -m review_ui.babel_extract`` to print msgids missing from a catalogue; a test runs the same check.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.extract import extract_from_dir

from review_ui.i18n import LOCALES, catalogue

PACKAGE = Path(__file__).parent
KEYWORDS = {"_": None, "t": (2,)}
METHODS = [("**/templates/takedown/**", "ignore"), ("**/templates/**.html", "jinja2.ext:babel_extract"),
           ("**.py", "python")]
# Role and status names are shown through _() with a variable; list them so they are translated too.
ROW_WORDS = ("Select", "claimed", "Confirm", "Dismiss", "Escalate")
DYNAMIC = ("admin", "reviewer", "authority", "rights_holder", "new", "confirmed", "dismissed", "escalated", "all")


def messages() -> set[str]:
    """Every msgid the UI can show."""
    found = {str(msg[2]) for msg in extract_from_dir(PACKAGE, METHODS, keywords=KEYWORDS) if msg[2]}
    found |= set(ROW_WORDS)
    return found | set(DYNAMIC)


def missing(locale: str) -> list[str]:
    known = catalogue(locale)
    return sorted(m for m in messages() if m not in known)


if __name__ == "__main__":
    for code in LOCALES:
        if code != "en":
            for msgid in missing(code):
                print(f"{code}: {msgid}")
    sys.exit(0)
