"""Cases and their exports; every export is recorded in the audit log."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Annotated

from fastapi import Query, Request
from fastapi.responses import PlainTextResponse, Response

from review_ui import exports
from review_ui.deps import Db, Scope, Viewer
from review_ui.routes.common import render, web_router
from review_ui.templating import t
from shared_db.repo import audit

router = web_router()
# A case's marketplace and seller; empty is a real value (a listing without either is a case of its own).
CaseKey = Annotated[str, Query(max_length=300)]
OptionalCaseKey = Annotated[str | None, Query(max_length=300)]


def _record(db: Db, scope: Scope, kind: str, marketplace: str | None, seller: str | None, count: int) -> None:
    audit.record(f"export.{kind}", session=db, actor_id=scope.user.id, object_type="case",
                 object_id=f"{marketplace or '*'}/{seller or '*'}", after={"hits": count})


def _attachment(body: str, media_type: str, filename: str) -> Response:
    return Response(body, media_type=media_type, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@router.get("/cases")
def cases(request: Request, db: Db, scope: Viewer) -> Response:
    return render(request, "cases.html", {"cases": exports.list_cases(scope, session=db)})


@router.get("/cases/view")
def case_view(request: Request, db: Db, scope: Viewer, marketplace: CaseKey, seller: CaseKey) -> Response:
    hits = exports.case_hits(scope, session=db, marketplace=marketplace, seller=seller)
    return render(request, "case.html", {"hits": hits, "marketplace": marketplace, "seller": seller},
                  status_code=200 if hits else 404)


@router.get("/cases/export.csv")
def export_csv(db: Db, scope: Viewer, marketplace: OptionalCaseKey = None,
               seller: OptionalCaseKey = None) -> Response:
    hits = exports.case_hits(scope, session=db, marketplace=marketplace, seller=seller)
    _record(db, scope, "csv", marketplace, seller, len(hits))
    return _attachment(exports.hits_csv(hits), "text/csv; charset=utf-8", "markwatch-cases.csv")


@router.get("/cases/export.json")
def export_json(db: Db, scope: Viewer, marketplace: OptionalCaseKey = None,
                seller: OptionalCaseKey = None) -> Response:
    hits = exports.case_hits(scope, session=db, marketplace=marketplace, seller=seller)
    _record(db, scope, "json", marketplace, seller, len(hits))
    body = json.dumps({"cases": [exports.hit_json(h, scope) for h in hits]}, ensure_ascii=False, indent=2)
    return _attachment(body, "application/json", "markwatch-cases.json")


@router.get("/cases/export.zip")
def export_zip(request: Request, db: Db, scope: Viewer, marketplace: OptionalCaseKey = None,
               seller: OptionalCaseKey = None) -> Response:
    """The JSON export with each hit's screenshot beside it (``screenshots/<sha256>.png``)."""
    from shared_db.evidence import EvidenceStore

    hits = exports.case_hits(scope, session=db, marketplace=marketplace, seller=seller)
    _record(db, scope, "zip", marketplace, seller, len(hits))
    store = EvidenceStore(request.app.state.settings.resolved_evidence_dir)
    return Response(exports.case_bundle(hits, scope, store=store), media_type="application/zip",
                    headers={"Content-Disposition": 'attachment; filename="markwatch-cases.zip"'})


@router.get("/cases/takedown")
def takedown(request: Request, db: Db, scope: Viewer, marketplace: CaseKey,
             seller: OptionalCaseKey = None) -> Response:
    hits = exports.case_hits(scope, session=db, marketplace=marketplace, seller=seller)
    if not hits:
        return render(request, "error.html", {"message": t(request, "No confirmed hits for this case.")},
                      status_code=404)
    _record(db, scope, "takedown", marketplace, seller, len(hits))
    text = exports.render_takedown(marketplace, hits, generated_at=datetime.now(UTC),
                                   settings=request.app.state.settings)
    return PlainTextResponse(text, headers={"Content-Disposition": 'inline; filename="takedown.txt"'})


@router.get("/exports/authority.json")
def authority(db: Db, scope: Viewer) -> Response:
    data = exports.authority_export(scope, session=db, generated_at=datetime.now(UTC))
    _record(db, scope, "authority", None, None, len(data["cases"]))
    return _attachment(json.dumps(data, ensure_ascii=False, indent=2), "application/json",
                       "markwatch-authority-export.json")
