"""Dashboard: hits over time, by marketplace and status, reviewer throughput, precision."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from fastapi import Request
from fastapi.responses import Response
from sqlalchemy import func, select

from review_ui.charts import bar_chart, column_chart
from review_ui.deps import Db, Scope, Viewer
from review_ui.people import person_name
from review_ui.routes.common import render, web_router
from review_ui.templating import tr
from shared_db.models import Decision, Hit, User, Verdict, utcnow
from shared_db.repo.cases import removal_stats

router = web_router()
DAYS = 30


def dashboard_stats(scope: Scope, db: Db,
                    gettext: Callable[..., str] | None = None) -> dict[str, list[tuple[str, float]]]:
    """The figures behind the charts, all limited to the user's scope (reviewers named as the user may see them)."""
    since = utcnow() - timedelta(days=DAYS)
    day = func.date(Hit.created_at)
    per_day = {str(d): n for d, n in db.execute(
        scope.hits(select(day, func.count(Hit.id)).where(Hit.created_at >= since)).group_by(day))}
    days = [(since + timedelta(days=i + 1)).date().isoformat() for i in range(DAYS)]
    by_market = db.execute(scope.hits(select(Hit.marketplace, func.count(Hit.id))).group_by(Hit.marketplace)
                           .order_by(func.count(Hit.id).desc()).limit(12)).all()
    by_status = db.execute(scope.hits(select(Hit.status, func.count(Hit.id))).group_by(Hit.status)
                           .order_by(Hit.status)).all()
    # an undone decision decided nothing: it counts neither as throughput nor in a model's precision
    decided = scope.hits(select(Decision.id).join(Hit, Hit.id == Decision.hit_id)
                         .where(Decision.undone_at.is_(None))).subquery()
    throughput = db.execute(
        select(User, func.count(Decision.id)).join(User, User.id == Decision.reviewer_id)
        .where(Decision.id.in_(select(decided.c.id)), Decision.created_at >= since)
        .group_by(User.id).order_by(func.count(Decision.id).desc(), User.id).limit(12)).all()
    verdicts = db.execute(
        select(func.coalesce(Hit.model_version, "—"), Decision.verdict, func.count(Decision.id))
        .join(Hit, Hit.id == Decision.hit_id).where(Decision.id.in_(select(decided.c.id)))
        .group_by(Hit.model_version, Decision.verdict)).all()
    counts: dict[str, dict[str, int]] = {}
    for model, verdict, n in verdicts:
        counts.setdefault(model, {}).setdefault(verdict, 0)
        counts[model][verdict] += n
    precision = [(model, c.get(Verdict.CONFIRM.value, 0) / (c.get(Verdict.CONFIRM.value, 0)
                                                             + c.get(Verdict.DISMISS.value, 0)))
                 for model, c in sorted(counts.items())
                 if c.get(Verdict.CONFIRM.value, 0) + c.get(Verdict.DISMISS.value, 0)]
    return {"per_day": [(d, float(per_day.get(d, 0))) for d in days],
            "by_market": [(m or "—", float(n)) for m, n in by_market],
            "by_status": [((gettext or str)(s), float(n)) for s, n in by_status],
            "throughput": [(person_name(scope, user, gettext) or "—", float(n)) for user, n in throughput],
            "precision": precision}


@router.get("/dashboard")
def dashboard(request: Request, db: Db, scope: Viewer) -> Response:
    _ = tr(request)
    stats = dashboard_stats(scope, db, gettext=_)
    charts = {
        "per_day": column_chart(stats["per_day"], title=_("Hits per day (last 30 days)")),
        "by_market": bar_chart(stats["by_market"], title=_("Hits by marketplace")),
        "by_status": bar_chart(stats["by_status"], title=_("Hits by status")),
        "throughput": bar_chart(stats["throughput"], title=_("Decisions per reviewer (30 days)")),
        "precision": bar_chart(stats["precision"], title=_("Precision (confirmed / decided) by model"),
                               value_format="{:.0%}"),
    }
    removals = removal_stats(session=db, org_id=scope.org_id)
    return render(request, "dashboard.html", {"charts": charts, "stats": stats, "removals": removals})
