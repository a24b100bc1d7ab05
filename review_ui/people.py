"""How people are named to a viewer: staff see e-mail addresses, rights holders a role and a stable number."""

from __future__ import annotations

from collections.abc import Callable

from review_ui.deps import Scope
from shared_db.models import User


def _english(message: str, **values: object) -> str:
    return message.format(**values) if values else message


def person_name(scope: Scope, user: User | None, gettext: Callable[..., str] | None = None) -> str | None:
    """``user`` as ``scope`` may see them: the e-mail for staff, else e.g. "Reviewer #3" (None for nobody)."""
    if user is None:
        return None
    if scope.can("see_staff"):
        return user.email
    _ = gettext or _english
    titles = {"admin": _("Administrator #{number}"), "reviewer": _("Reviewer #{number}"),
              "authority": _("Authority #{number}"), "rights_holder": _("Rights holder #{number}")}
    return titles.get(user.role, titles["reviewer"]).format(number=user.id)
