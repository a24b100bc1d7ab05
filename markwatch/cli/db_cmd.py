"""``markwatch db upgrade|downgrade|current``: the relational schema (Alembic migrations)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import typer

from markwatch.cli.common import EXIT_USAGE, clear_errors, console, fail

if TYPE_CHECKING:
    from sqlalchemy import Engine

db = typer.Typer(help="Migrate the markwatch database (SQLite or PostgreSQL).", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Add ``db`` to ``app``."""
    app.add_typer(db, name="db")


@contextmanager
def _engine() -> Iterator[Engine]:
    from alembic.util.exc import CommandError

    from shared_db.db import make_engine
    from shared_db.settings import get_settings

    with clear_errors():
        engine = make_engine(get_settings().resolved_database_url)
        try:
            yield engine
        except CommandError as exc:
            raise fail(f"{exc}; `markwatch db current` shows where the database is", EXIT_USAGE) from exc
        finally:
            engine.dispose()


def _url(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=True)


@db.command()
def upgrade(revision: str = typer.Argument("head", help="Target revision (default: the newest).")) -> None:
    """Bring the schema up to REVISION; safe to run again."""
    from shared_db.migrate import current_revision
    from shared_db.migrate import upgrade as run_upgrade

    with _engine() as engine:
        run_upgrade(engine, revision)
        console.print(f"{_url(engine)} is at revision {current_revision(engine)}.")


@db.command()
def downgrade(revision: str = typer.Argument(..., help="Revision to go back to ('base' drops every table).")) -> None:
    """Take the schema back to REVISION (data in dropped tables is lost)."""
    from shared_db.migrate import current_revision
    from shared_db.migrate import downgrade as run_downgrade

    with _engine() as engine:
        run_downgrade(engine, revision)
        console.print(f"{_url(engine)} is at revision {current_revision(engine) or 'base (empty)'}.")


@db.command()
def current() -> None:
    """Print the schema revision of the configured database."""
    from shared_db.migrate import current_revision

    with _engine() as engine:
        console.print(f"{_url(engine)}: {current_revision(engine) or 'not migrated (run `markwatch db upgrade`)'}")
