"""``markwatch airflow standalone|dags-folder``, ``markwatch housekeeping``, ``markwatch suspects process``.

The last two run the same work as the ``markwatch_housekeeping`` DAG and the suspects task of
``markwatch_crawl``, without Airflow.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import typer

from markwatch.cli.common import EXIT_FAILURE, EXIT_UNAVAILABLE, clear_errors, console, fail

airflow = typer.Typer(help="Run the markwatch DAGs on a local Airflow.", no_args_is_help=True)
suspects = typer.Typer(help="Suspect listings reported by URL.", no_args_is_help=True)

DAGS_FOLDER_ENV = "MARKWATCH_DAGS_FOLDER"


def register(app: typer.Typer) -> None:
    """Add ``airflow``, ``housekeeping`` and ``suspects`` to ``app``."""
    app.add_typer(airflow, name="airflow")
    app.add_typer(suspects, name="suspects")
    app.command("housekeeping")(housekeeping)


def find_dags_folder() -> Path:
    """The project's ``dags/``: ``$MARKWATCH_DAGS_FOLDER``, else beside the source tree, else ``./dags``."""
    override = os.environ.get(DAGS_FOLDER_ENV)
    if override:
        folder = Path(override).expanduser().resolve()
        if not folder.is_dir():
            raise FileNotFoundError(f"{DAGS_FOLDER_ENV}={override} is not a directory")
        return folder
    import markwatch

    for candidate in (Path(markwatch.__file__).resolve().parents[1] / "dags", Path.cwd() / "dags"):
        if (candidate / "markwatch_crawl.py").is_file():
            return candidate
    raise FileNotFoundError(
        "cannot find the markwatch dags/ folder (the package is installed outside its checkout); "
        f"set {DAGS_FOLDER_ENV} to the checkout's dags/ directory"
    )


def standalone_env(data_dir: Path, dags_folder: Path) -> dict[str, str]:
    """Environment for ``airflow standalone``: its home under the data dir, the project's DAGs only,
    the API server on loopback unless ``AIRFLOW__API__HOST`` says otherwise."""
    home = (data_dir / "airflow").resolve()
    return {
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(dags_folder),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__API__HOST": os.environ.get("AIRFLOW__API__HOST", "127.0.0.1"),
    }


@airflow.command("dags-folder")
def dags_folder_cmd() -> None:
    """Print the dags/ folder to point an existing Airflow's dags_folder (or a DAG bundle) at."""
    try:
        console.print(str(find_dags_folder()), highlight=False, soft_wrap=True)
    except FileNotFoundError as exc:
        raise fail(str(exc), EXIT_FAILURE) from exc


@airflow.command("standalone")
def standalone(
    dry_run: bool = typer.Option(False, "--dry-run", help="Print the environment and command, start nothing."),
) -> None:
    """Start Airflow standalone (scheduler, API server, DAG processor, triggerer) on the project's DAGs.

    AIRFLOW_HOME is ``$MARKWATCH_DATA_DIR/airflow``; the admin password is printed by Airflow on
    first start (and kept in that directory).
    """
    from shared_db.settings import get_settings

    try:
        folder = find_dags_folder()
    except FileNotFoundError as exc:
        raise fail(str(exc), EXIT_FAILURE) from exc
    env = standalone_env(get_settings().data_dir, folder)
    executable = Path(sys.executable).with_name("airflow")
    command = [str(executable) if executable.exists() else (shutil.which("airflow") or "airflow"), "standalone"]
    for key, value in env.items():
        console.print(f"{key}={value}", highlight=False, soft_wrap=True)
    if dry_run:
        console.print(" ".join(command), highlight=False)
        return
    if not Path(command[0]).exists():
        raise fail("the `airflow` command is not installed here: pip install 'markwatch[airflow]'",
                   EXIT_UNAVAILABLE)
    Path(env["AIRFLOW_HOME"]).mkdir(parents=True, exist_ok=True)
    # `airflow standalone` starts its components as `airflow ...` found on PATH: put ours first.
    path = os.pathsep.join([str(Path(command[0]).parent), os.environ.get("PATH", "")])
    os.execve(command[0], command, {**os.environ, **env, "PATH": path})


def housekeeping(
    dry_run: bool = typer.Option(False, "--dry-run", help="Report the evidence that would be deleted; change nothing."),
    reindex: bool = typer.Option(False, "--reindex", help="Rebuild the listings index even without mapping drift."),
    skip_index: bool = typer.Option(False, "--skip-index",
                                    help="Leave the listings index alone (no reindex, no vocabulary)."),
) -> None:
    """Evidence retention, stale claims, old login counters, marks' distinctiveness, takedown re-checks, index upkeep,
    the vocabulary and seller networks (daily in Airflow)."""
    from markwatch.jobs import housekeeping as jobs
    from markwatch.jobs.networks import link_sellers
    from markwatch.jobs.recheck import recheck_listings
    from markwatch.jobs.runtime import jsonable
    from markwatch.jobs.vocabulary import learn_vocabulary
    from shared_db.db import get_engine
    from shared_db.settings import get_settings

    with clear_errors():
        settings = get_settings()
        engine = get_engine(settings.resolved_database_url)
        result: dict[str, object] = {
            "evidence": jsonable(jobs.prune_evidence(settings=settings, engine=engine, dry_run=dry_run)),
        }
        if not dry_run:
            result["claims_released"] = jobs.release_stale_claims(settings=settings, engine=engine)
            result["login_counters_purged"] = jobs.purge_login_counters(engine=engine)
            result["marks_reassessed"] = jobs.reassess_marks(engine=engine)
            result["takedowns"] = jsonable(recheck_listings(settings=settings, engine=engine))
        if not (skip_index or dry_run):
            result["index"] = jsonable(jobs.reindex_listings(settings=settings, force=reindex))
            result["vocabulary"] = jsonable(learn_vocabulary(settings=settings))
            result["seller_links"] = link_sellers(settings=settings, engine=engine)
    console.print_json(json.dumps(result))


@suspects.command("process")
def process(
    limit: int = typer.Option(200, "--limit", min=1, help="Most reports to crawl in this pass."),
    timeout: float = typer.Option(2400.0, "--timeout", min=1, help="Seconds before the crawl is stopped."),
) -> None:
    """Check, crawl and detect the queued suspect URLs; each report ends refused, fetch_failed, no_match or hit."""
    from markwatch.jobs.runtime import jsonable
    from markwatch.jobs.suspects import process_suspects
    from shared_db.db import get_engine
    from shared_db.settings import get_settings

    with clear_errors():
        settings = get_settings()
        try:
            report = process_suspects(settings=settings, engine=get_engine(settings.resolved_database_url),
                                      limit=limit, timeout=timeout)
        except Exception as exc:
            raise fail(f"the suspects crawl failed ({exc}); the reports are marked fetch_failed with the reason",
                       EXIT_FAILURE) from exc
    console.print_json(json.dumps(jsonable(report)))
