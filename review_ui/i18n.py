"""English and Simplified Chinese: gettext catalogues (.po) read with Babel, chosen per user."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from babel.messages.pofile import read_po

LOCALE_DIR = Path(__file__).parent / "locale"
LOCALES = {"en": "English", "zh_Hans": "简体中文"}
DEFAULT_LOCALE = "en"


def normalise_locale(value: str | None) -> str:
    """Map stored forms (``zh``, ``zh-CN``, ``zh_Hans``) to a supported locale."""
    if value and value.replace("-", "_").lower().startswith("zh"):
        return "zh_Hans"
    return DEFAULT_LOCALE


@lru_cache(maxsize=8)
def catalogue(locale: str) -> dict[str, str]:
    """msgid -> msgstr for ``locale`` (empty for English, whose msgids are the text)."""
    path = LOCALE_DIR / locale / "LC_MESSAGES" / "messages.po"
    if not path.exists():
        return {}
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=locale.replace("_Hans", ""))
    return {str(m.id): str(m.string) for m in catalog if m.id and m.string}


def translator(locale: str) -> Callable[..., str]:
    """A gettext function for ``locale``; ``_("{n} hits", n=3)`` formats after translating."""
    messages = catalogue(normalise_locale(locale))

    def gettext(message: str, **values: object) -> str:
        text = messages.get(message, message)
        return text.format(**values) if values else text

    return gettext
