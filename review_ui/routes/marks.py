"""Rights-holder portal: list, register and edit marks; bulk import by upload."""

from __future__ import annotations

import re
from typing import Any

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy import select

from review_ui import queries
from review_ui.deps import Db, MarkEditor, MarkId, Scope, Viewer
from review_ui.errors import problem
from review_ui.routes.common import UploadTooLarge, read_upload, render, web_router
from review_ui.templating import flash, t, tr
from shared_db.models import Mark, Organisation
from shared_db.repo.marks import CLEARABLE, CuratedFieldError, update_mark, upsert_mark
from shared_db.schemas import MarkCreate, MarkUpdate

router = web_router()
# Textareas take one entry per line (an alias or seller name may contain a comma); the short inputs
# take comma-separated codes.
LINE_FIELDS = ("aliases", "transliterations", "authorised_sellers", "authorised_domains", "categories")
CODE_FIELDS = ("classes", "jurisdictions")
TEXT_FIELDS = ("text", "registration_number", "application_number", "office", "reference_price", "currency",
               "status", "weight")


def split_list(value: Any, separators: str = r"[\n,;]") -> list[str]:
    """Form text as a list: one entry per line, or also comma- or semicolon-separated."""
    return [part.strip() for part in re.split(separators, str(value or "")) if part.strip()]


def mark_form_data(form: Any, *, clear_empty: bool = False) -> dict[str, Any]:
    """The fields the form has, as the dict MarkCreate/MarkUpdate validate.

    A field the form lacks is left out (so it is not changed); an empty one is left out too, or, with
    ``clear_empty`` (the edit form), sent as null for the optional fields a null clears.
    """
    data: dict[str, Any] = {name: split_list(form.get(name), r"[\r\n]") for name in LINE_FIELDS if name in form}
    data |= {name: split_list(form.get(name)) for name in CODE_FIELDS if name in form}
    for name in TEXT_FIELDS:
        value = str(form.get(name) or "").strip()
        if value:
            data[name] = value
        elif clear_empty and name in form and name in CLEARABLE:
            data[name] = None
    return data


def _errors(request: Request, exc: ValidationError) -> list[str]:
    """The form's refused values, each as "field: what is wrong" in the user's language."""
    return [problem(e, tr(request)) for e in exc.errors()]


def owner_name(scope: Scope, form: Any, db: Db) -> str | None:
    """Rights holders register for their own organisation; admins pick one by name."""
    if scope.org_id is not None:
        org = db.get(Organisation, scope.org_id)
        return org.name if org else None
    return str(form.get("owner") or "").strip() or None


def _form(request: Request, scope: Scope, mark: Mark | None, *, values: Any = None, errors: list[str] | None = None,
          orgs: list[str] | None = None, status_code: int = 200) -> Response:
    return render(request, "mark_form.html", {"mark": mark, "values": dict(values or {}), "errors": errors or [],
                                              "orgs": orgs or [], "can_weigh": scope.curator},
                  status_code=status_code)


@router.get("/marks")
def list_marks(request: Request, db: Db, scope: Viewer) -> Response:
    return render(request, "marks.html", {"marks": queries.visible_marks(scope, session=db),
                                          "can_edit": scope.can("edit_marks"), "can_curate": scope.curator})


@router.get("/marks/new")
def new_mark(request: Request, db: Db, scope: MarkEditor) -> Response:
    return _form(request, scope, None, orgs=_orgs(scope, db))


def _orgs(scope: Scope, db: Db) -> list[str]:
    if scope.org_id is not None:
        return []
    return list(db.scalars(select(Organisation.name).order_by(Organisation.name)))


@router.post("/marks/new")
async def create_mark(request: Request, db: Db, scope: MarkEditor) -> Response:
    form = await request.form()
    try:
        data = MarkCreate(owner=owner_name(scope, form, db) or "", **mark_form_data(form))
        mark, _ = upsert_mark(data, session=db, actor_id=scope.user.id, curator=scope.curator)
    except ValidationError as exc:
        return _form(request, scope, None, values=form, errors=_errors(request, exc), orgs=_orgs(scope, db), status_code=422)
    except CuratedFieldError as exc:
        return _form(request, scope, None, values=form, errors=[str(exc)], orgs=_orgs(scope, db), status_code=403)
    flash(request, t(request, "Mark saved."))
    return RedirectResponse(f"/marks/{mark.id}/edit", status_code=303)


@router.get("/marks/{mark_id}/edit")
def edit_mark_form(request: Request, mark_id: MarkId, db: Db, scope: MarkEditor) -> Response:
    mark = queries.get_mark(scope, mark_id, session=db)
    if mark is None:
        return render(request, "error.html", {"message": t(request, "No such mark.")}, status_code=404)
    return _form(request, scope, mark)


@router.post("/marks/{mark_id}/edit")
async def edit_mark(request: Request, mark_id: MarkId, db: Db, scope: MarkEditor) -> Response:
    mark = queries.get_mark(scope, mark_id, session=db)
    if mark is None:
        return render(request, "error.html", {"message": t(request, "No such mark.")}, status_code=404)
    form = await request.form()
    data = mark_form_data(form, clear_empty=True)
    data.pop("text", None)
    try:
        update_mark(mark, MarkUpdate(**data), session=db, actor_id=scope.user.id, curator=scope.curator)
    except ValidationError as exc:
        return _form(request, scope, mark, values=form, errors=_errors(request, exc), status_code=422)
    except CuratedFieldError as exc:
        return _form(request, scope, mark, values=form, errors=[str(exc)], status_code=403)
    flash(request, t(request, "Mark saved."))
    return RedirectResponse(f"/marks/{mark.id}/edit", status_code=303)


@router.get("/marks/import")
def import_form(request: Request, scope: MarkEditor) -> Response:
    return render(request, "mark_import.html", {"report": None, "error": None})


@router.post("/marks/import")
async def import_upload(request: Request, db: Db, scope: MarkEditor) -> Response:
    """Bulk import (CSV or WIPO ST.66 XML), with the importer's per-row report."""
    limit = request.app.state.settings.max_upload_bytes
    try:
        form, upload, data = await read_upload(request, "file", limit)
    except UploadTooLarge:
        too_big = t(request, "The file is larger than {limit} bytes; split it and upload the parts.", limit=limit)
        return render(request, "mark_import.html", {"report": None, "error": too_big}, status_code=413)
    fmt = str(form.get("fmt") or "csv")
    if upload is None or fmt not in ("csv", "st66"):
        return render(request, "mark_import.html", {"report": None,
                                                    "error": t(request, "Choose a CSV or ST.66 file.")},
                      status_code=422)
    try:
        from shared_db.importers import import_marks
    except ImportError:
        return render(request, "mark_import.html", {
            "report": None, "error": t(request, "Bulk import is not available in this build.")}, status_code=503)
    owner = owner_name(scope, form, db)
    try:
        report = import_marks(data, fmt=fmt, session=db, owner=owner, actor_id=scope.user.id, curator=scope.curator,
                              max_bytes=limit)
    except ValueError as exc:
        return render(request, "mark_import.html", {"report": None, "error": str(exc)}, status_code=422)
    return render(request, "mark_import.html", {"report": report, "error": None})
