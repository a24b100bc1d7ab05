"""Helpers shared by the CLI modules: consoles, exit codes, error reporting."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import typer
from rich.console import Console

console = Console()
err_console = Console(stderr=True)

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2
EXIT_PARTIAL = 3
EXIT_UNAVAILABLE = 4


def fail(message: str, code: int = EXIT_FAILURE) -> typer.Exit:
    """Print ``message`` on stderr and return the exit to raise."""
    err_console.print(f"[bold red]error:[/] {message}", highlight=False)
    return typer.Exit(code)


@contextmanager
def clear_errors() -> Iterator[None]:
    """Turn the known failures of services into one-line messages and meaningful exit codes."""
    from sqlalchemy.exc import OperationalError, ProgrammingError

    from shared_db.es.client import IndexRefused, IndexUnavailable
    from shared_db.settings import InsecureSettingsError

    try:
        yield
    except IndexUnavailable as exc:
        raise fail(str(exc), EXIT_UNAVAILABLE) from exc
    except IndexRefused as exc:  # retrying will not help: the message says what to fix
        raise fail(str(exc), EXIT_FAILURE) from exc
    except InsecureSettingsError as exc:
        raise fail(str(exc), EXIT_USAGE) from exc
    except (OperationalError, ProgrammingError) as exc:
        reason = str(exc.orig or exc).splitlines()[0]
        raise fail(f"the database refused the request ({reason}); check MARKWATCH_DATABASE_URL "
                   "and run `markwatch db upgrade`", EXIT_UNAVAILABLE) from exc
