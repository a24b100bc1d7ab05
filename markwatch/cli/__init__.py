"""The ``markwatch`` command line. Each role's commands live in their own module."""

from __future__ import annotations

import typer

from markwatch.cli import (
    airflow_cmd,
    cases_cmd,
    crawl_cmd,
    db_cmd,
    demo_cmd,
    detect_cmd,
    marks_cmd,
    models_cmd,
    serve_cmd,
    services_cmd,
    users_cmd,
    vocabulary_cmd,
)

app = typer.Typer(
    name="markwatch",
    help="Find marketplace listings that infringe registered marks, and route them to reviewers.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

for module in (services_cmd, db_cmd, users_cmd, marks_cmd, crawl_cmd, detect_cmd, vocabulary_cmd, models_cmd,
               cases_cmd, serve_cmd, airflow_cmd, demo_cmd):
    module.register(app)


def main() -> None:
    app()
