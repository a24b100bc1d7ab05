"""The Jinja2 environment: autoescaping templates, safe-URL and highlight filters, per-user language."""

from __future__ import annotations

import html
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from fastapi.templating import Jinja2Templates
from markupsafe import Markup
from starlette.requests import Request

from review_ui.i18n import LOCALES, normalise_locale, translator
from review_ui.security import csrf_token
from shared_db.messages import translate

TEMPLATE_DIR = Path(__file__).parent / "templates"


def safe_url(url: str | None) -> str | None:
    """``url`` if it is an absolute http(s) URL, else None (so ``javascript:`` never becomes a link)."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    return url.strip() if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def highlight(text: str | None, start: int | None, end: int | None) -> Markup:
    """``text`` escaped, with the matched span ``[start, end)`` wrapped in ``<mark>``."""
    # html.escape (quotes included) on the parts, marked safe once: a fraction of what markupsafe's escape
    # costs per part, which counts here and in options() (every row and option of the queue page).
    text = text or ""
    if start is None or end is None or not 0 <= start < end <= len(text):
        return Markup(html.escape(text))
    before, match, after = (html.escape(part) for part in (text[:start], text[start:end], text[end:]))
    return Markup(f"{before}<mark>{match}</mark>{after}")


@lru_cache(maxsize=64)
def options(choices: tuple[tuple[object, object], ...], selected: object = None) -> Markup:
    """``<option>`` elements for (value, label) pairs, ``selected`` chosen.

    Memoized: a long menu (every visible mark) is the same on page after page of the queue.
    """
    return Markup("".join(
        f'<option value="{html.escape(str(value))}"{" selected" if value == selected else ""}>'
        f"{html.escape(str(label))}</option>" for value, label in choices))


def money(value: Decimal | float | None, currency: str | None = None) -> str:
    """``1,234.50 USD``; a dash when the price is missing or not a number (never an error)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
        return "—"
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return "—"
    if not amount.is_finite():
        return "—"
    return f"{amount:,.2f} {currency if isinstance(currency, str) else ''}".strip()


def ago(moment: datetime | None, _: Any, *, now: datetime | None = None) -> str:
    """``5 minutes ago``, translated with the page's gettext ``_``; naive times are UTC (as SQLite returns them)."""
    if moment is None:
        return ""
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    seconds = max(0, int(((now or datetime.now(UTC)) - moment).total_seconds()))
    if seconds >= 86400:
        return _("{n} days ago", n=seconds // 86400)
    if seconds >= 3600:
        return _("{n} hours ago", n=seconds // 3600)
    if seconds >= 60:
        return _("{n} minutes ago", n=seconds // 60)
    return _("just now")


def translated(text: str | None, gettext: Any) -> str:
    """A stored message (a match reason, a report's reason) in the page's language (see shared_db.messages)."""
    return translate(text, gettext) if text else ""


def row_labels(gettext: Any) -> dict[str, str]:
    """The words of a queue row, translated once per page."""
    words = {"select": "Select", "claimed": "claimed", "confirm": "Confirm", "dismiss": "Dismiss",
             "escalate": "Escalate", "new": "new", "confirmed": "confirmed", "dismissed": "dismissed",
             "escalated": "escalated"}
    return {key: gettext(text) for key, text in words.items()}


def request_locale(request: Request) -> str:
    """The language of this request: the logged-in user's (remembered at login), else the session's choice."""
    remembered = getattr(request.state, "locale", None)
    if remembered:
        return remembered
    user = getattr(request.state, "user", None)
    if user is not None:
        return normalise_locale(user.locale)
    return normalise_locale(request.session.get("locale") if "session" in request.scope else None)


def _context(request: Request) -> dict[str, Any]:
    locale = request_locale(request)
    return {
        "_": translator(locale), "locale": locale, "locales": LOCALES, "user": getattr(request.state, "user", None),
        "csrf_token": csrf_token(request), "flash": request.session.pop("flash", None),
    }


def make_templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(TEMPLATE_DIR), context_processors=[_context])
    templates.env.filters.update(safe_url=safe_url, highlight=highlight, money=money, options=options,
                                 translated=translated)
    templates.env.globals.update(row_labels=row_labels, ago=ago)
    templates.env.autoescape = True
    templates.env.auto_reload = False  # templates ship with the package; skip a stat() per include
    return templates


def tr(request: Request) -> Any:
    """The gettext function for the current user's language (for messages built in routes)."""
    return translator(request_locale(request))


def t(request: Request, message: str, **values: object) -> str:
    """``message`` translated for the current user (the msgid extractor knows this name)."""
    return tr(request)(message, **values)


def flash(request: Request, message: str) -> None:
    """Show ``message`` once on the next page rendered for this session."""
    request.session["flash"] = message
