"""``markwatch marks import|list|verify|add-image|refresh-distinctiveness``: registered marks (CSV or WIPO
ST.66), their reference photos and their distinctiveness.

The operator at the shell is trusted like an admin: marks imported here are verified, a ``weight``
column is taken.
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path

import typer
from rich.table import Table

from markwatch.cli.common import EXIT_FAILURE, EXIT_PARTIAL, EXIT_USAGE, clear_errors, console, fail

marks = typer.Typer(help="Import and list registered marks.", no_args_is_help=True)


class Format(StrEnum):
    csv = "csv"
    st66 = "st66"


def register(app: typer.Typer) -> None:
    """Add ``marks`` to ``app``."""
    app.add_typer(marks, name="marks")


@marks.command("import")
def import_file(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True,
                                help="A CSV (.csv) or WIPO ST.66 XML (.xml) file."),
    fmt: Format | None = typer.Option(None, "--format", help="File format (default: from the extension)."),
    owner: str | None = typer.Option(None, "--owner",
                                     help="The organisation that owns every mark in the file."),
) -> None:
    """Import marks; rejected rows are listed with line and reason, and the exit code is then 3."""
    from shared_db.db import transaction
    from shared_db.importers import MarkImportError, UnknownFormatError, guess_format, import_marks
    from shared_db.settings import get_settings

    with clear_errors():
        settings = get_settings()
        try:
            kind = fmt.value if fmt else guess_format(file.name)
        except UnknownFormatError as exc:
            raise fail(str(exc), EXIT_USAGE) from exc
        limit = settings.max_upload_bytes
        if file.stat().st_size > limit:
            raise fail(f"{file} has {file.stat().st_size:,} bytes, more than the limit of {limit:,}; "
                       "split it (or raise MARKWATCH_MAX_UPLOAD_BYTES)", EXIT_FAILURE)
        try:
            with transaction() as session:
                report = import_marks(file.read_bytes(), fmt=kind, session=session, owner=owner,
                                      max_bytes=limit)
        except MarkImportError as exc:
            raise fail(f"{file}: {exc}", EXIT_FAILURE) from exc
    console.print(f"{file}: {report.imported} imported, {report.updated} updated, "
                  f"{report.unchanged} unchanged, {len(report.rejected)} rejected.", highlight=False)
    if report.rejected:
        table = Table("line", "reason", title="rejected rows")
        for line, reason in report.rejected:
            table.add_row(str(line), reason)
        console.print(table)
        raise typer.Exit(EXIT_PARTIAL)


@marks.command("list")
def list_marks(
    owner: str | None = typer.Option(None, "--owner", help="Only the marks of this organisation."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
    pending: bool = typer.Option(False, "--pending", help="Only the marks awaiting verification."),
) -> None:
    """List registered marks (all, or one organisation's), with their verification."""
    from sqlalchemy import select

    from shared_db.db import transaction
    from shared_db.models import Organisation
    from shared_db.repo.marks import list_marks as repo_list_marks
    from shared_db.schemas import MarkPublic

    with clear_errors(), transaction() as session:
        org_id = None
        if owner is not None:
            org_id = session.scalar(select(Organisation.id).where(Organisation.name == owner.strip()))
            if org_id is None:
                raise fail(f"no organisation called {owner!r}; `markwatch marks list` shows the owners",
                           EXIT_FAILURE)
        rows = [(m.owner.name, MarkPublic.model_validate(m)) for m in repo_list_marks(session=session, org_id=org_id)
                if not pending or m.verification == "pending"]
    if as_json:
        data = [{"owner": name, **mark.model_dump(mode="json")} for name, mark in rows]
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    table = Table("id", "mark", "owner", "classes", "office", "registration", "status", "verification",
                  "distinctiveness", title=f"{len(rows)} mark(s)")
    for name, mark in rows:
        table.add_row(str(mark.id), mark.text, name, ",".join(map(str, mark.classes)), mark.office or "",
                      mark.registration_number or "", mark.status, mark.verification,
                      mark.distinctiveness.level if mark.distinctiveness else "not assessed")
    console.print(table)


@marks.command("verify")
def verify(
    mark_id: int = typer.Argument(..., help="The mark's id (see `markwatch marks list`)."),
    reject: bool = typer.Option(False, "--reject", help="Reject the claim instead of verifying it."),
    note: str | None = typer.Option(None, "--note", help="Why (shown to the owner; at most 500 characters)."),
) -> None:
    """Verify (or --reject) a rights holder's mark after checking its registration at its office."""
    from shared_db.db import transaction
    from shared_db.models import Mark
    from shared_db.repo.marks import verify_mark

    with clear_errors(), transaction() as session:
        mark = session.get(Mark, mark_id)
        if mark is None:
            raise fail(f"no mark {mark_id}; `markwatch marks list` shows the ids", EXIT_FAILURE)
        verify_mark(mark, "rejected" if reject else "verified", session=session, actor_id=None, note=note)
        console.print(f"mark {mark_id} ({mark.text}): {mark.verification}", highlight=False)


@marks.command("add-image")
def add_image(
    mark_id: int = typer.Argument(..., help="The mark's id (see `markwatch marks list`)."),
    files: list[Path] = typer.Argument(..., exists=True, dir_okay=False, readable=True,
                                       help="JPEG, PNG, GIF or WebP reference product photos."),
) -> None:
    """Attach reference product photos to a mark; a file that is not a usable image is listed (exit code 3)."""
    from shared_db.db import transaction
    from shared_db.imagehash import ImageRejected
    from shared_db.models import Mark
    from shared_db.repo.reference_images import TooManyReferenceImages, add_reference_image
    from shared_db.settings import get_settings

    rejected = []
    with clear_errors(), transaction() as session:
        settings = get_settings()
        mark = session.get(Mark, mark_id)
        if mark is None:
            raise fail(f"no mark {mark_id}; `markwatch marks list` shows the ids", EXIT_FAILURE)
        for file in files:
            if file.stat().st_size > settings.image_max_bytes:
                rejected.append(f"{file}: more than {settings.image_max_bytes:,} bytes")
                continue
            try:
                image = add_reference_image(mark, file.read_bytes(), session=session, settings=settings,
                                            filename=file.name)
            except (ImageRejected, TooManyReferenceImages) as exc:
                rejected.append(f"{file}: {exc}")
                continue
            console.print(f"{file}: pHash {image.phash}, sha256 {image.sha256}", highlight=False)
    for line in rejected:
        console.print(f"[red]rejected[/] {line}", highlight=False)
    if rejected:
        raise typer.Exit(EXIT_PARTIAL)


@marks.command("refresh-distinctiveness")
def refresh_distinctiveness() -> None:
    """Assess every mark's distinctiveness again and store what changed (housekeeping does it daily)."""
    from shared_db.db import transaction
    from shared_db.repo.distinctiveness import refresh_distinctiveness as refresh

    with clear_errors(), transaction() as session:
        changed = refresh(session=session)
    console.print(f"{changed} mark(s) reassessed", highlight=False)
