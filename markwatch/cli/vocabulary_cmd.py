"""``markwatch vocabulary learn`` and ``export``: the ordinary words of the listings' domain, for detection."""

from __future__ import annotations

from pathlib import Path

import typer

from markwatch.cli.common import clear_errors, console

vocabulary = typer.Typer(help="The domain vocabulary: words fuzzy matching does not report.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Add ``vocabulary`` to ``app``."""
    app.add_typer(vocabulary, name="vocabulary")


@vocabulary.command("learn")
def learn(
    min_brands: int = typer.Option(3, "--min-brands", min=2,
                                   help="A word is ordinary once listings of this many brands use it."),
) -> None:
    """Learn the words used across brands in the collected listings; every detection worker reads them from
    the database on its next run."""
    from markwatch.jobs.vocabulary import learn_vocabulary
    from shared_db.settings import get_settings

    with clear_errors():
        report = learn_vocabulary(settings=get_settings(), min_brands=min_brands)
    console.print(f"{report.words} words from {report.listings} listings stored as vocabulary version "
                  f"{report.version}", highlight=False)


@vocabulary.command("export")
def export(path: Path = typer.Argument(..., dir_okay=False, help="File to write, one word per line.")) -> None:
    """Write the current vocabulary to a file, for ``markwatch match --vocabulary`` (offline matching)."""
    from markwatch.jobs.vocabulary import export_vocabulary
    from shared_db.settings import get_settings

    with clear_errors():
        count = export_vocabulary(path, settings=get_settings())
    console.print(f"{count} words written to {path}", highlight=False)
