"""Collect the interface's messages (templates, Python, shared messages) for the translation catalogues.

Babel's extractors read the review UI's templates (``_()`` and ``gettext()``) and Python sources
(``_()``, ``t()``), and the messages declared in :mod:`shared_db.messages` (``message()``: detection's
reasons and explanations, URL-safety refusals, report reasons), which the UI translates when it shows them.
Run ``python -m review_ui.babel_extract`` to print the msgids missing from a catalogue (exit status 1
when any is missing); a test runs the same check.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.extract import extract_from_dir

from review_ui.i18n import LOCALES, catalogue

PACKAGE = Path(__file__).parent
SHARED_MESSAGES = PACKAGE.parent / "shared_db" / "messages"
KEYWORDS = {"_": None, "gettext": None, "t": (2,)}
METHODS = [("**/templates/takedown/**", "ignore"), ("**/templates/**.html", "jinja2.ext:babel_extract"),
           ("**.py", "python")]
SHARED_KEYWORDS = {"message": (1,)}
# Role and status names are shown through _() with a variable; list them so they are translated too.
ROW_WORDS = ("Select", "claimed", "Confirm", "Dismiss", "Escalate")
DYNAMIC = ("admin", "reviewer", "authority", "rights_holder", "new", "confirmed", "dismissed", "escalated", "all",
           "reopened")


def shared_messages() -> set[str]:
    """The msgids declared in shared_db.messages, as Babel's Python extractor finds them."""
    return {str(msg[2]) for msg in extract_from_dir(SHARED_MESSAGES, [("**.py", "python")],
                                                     keywords=SHARED_KEYWORDS) if msg[2]}


def messages() -> set[str]:
    """Every msgid the UI can show."""
    found = {str(msg[2]) for msg in extract_from_dir(PACKAGE, METHODS, keywords=KEYWORDS) if msg[2]}
    found |= shared_messages()
    found |= set(ROW_WORDS)
    return found | set(DYNAMIC) | set(case_words())


def case_words() -> tuple[str, ...]:
    """An enforcement case's statuses, answers and listing outcomes, shown through _() too (resolutions have
    their names in ``_case_words.html``)."""
    from shared_db.models import CaseStatus, ListingOutcome
    from shared_db.repo.cases import RESPONSES

    return (*(s.value for s in CaseStatus), *RESPONSES, *(o.value for o in ListingOutcome))


def missing(locale: str) -> list[str]:
    """The msgids without a translation in ``locale``'s catalogue, sorted."""
    known = catalogue(locale)
    return sorted(m for m in messages() if m not in known)


def main() -> int:
    absent = [(code, msgid) for code in LOCALES if code != "en" for msgid in missing(code)]
    for code, msgid in absent:
        print(f"{code}: {msgid!r}")
    return 1 if absent else 0


if __name__ == "__main__":
    sys.exit(main())
