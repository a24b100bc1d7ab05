"""The `markwatch` CLI through typer's CliRunner against real SQLite: output and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from markwatch.cli import app
from markwatch.cli.common import EXIT_FAILURE, EXIT_PARTIAL, EXIT_UNAVAILABLE, EXIT_USAGE
from shared_db.settings import Settings, reset_settings

DATA = Path(__file__).parent / "data"
PASSWORD = "correct horse battery"
runner = CliRunner()


def mw(*args: str, input: str | None = None):  # type: ignore[no-untyped-def]
    reset_settings()
    return runner.invoke(app, list(args), input=input, env={"COLUMNS": "200"})


@pytest.fixture
def migrated(settings: Settings) -> Settings:
    result = mw("db", "upgrade")
    assert result.exit_code == 0, result.output
    return settings


@pytest.mark.parametrize("command", [
    [], ["services"], ["services", "up"], ["services", "down"], ["services", "status"], ["db"],
    ["db", "upgrade"], ["db", "downgrade"], ["db", "current"], ["users"], ["users", "add"], ["users", "list"],
    ["users", "token"], ["marks"], ["marks", "import"], ["marks", "list"], ["marks", "verify"], ["marks", "add-image"],
    ["marks", "refresh-distinctiveness"],
])
def test_every_command_has_help(command: list[str]) -> None:
    result = mw(*command, "--help")
    assert result.exit_code == 0 and "Usage" in result.output


def test_db_upgrade_current_downgrade(settings: Settings) -> None:
    from alembic.script import ScriptDirectory

    from shared_db.migrate import MIGRATIONS_DIR

    head = ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head()
    before = mw("db", "current")
    assert before.exit_code == 0 and "not migrated" in before.output
    assert f"revision {head}" in mw("db", "upgrade").output
    assert mw("db", "upgrade").exit_code == 0
    assert head in mw("db", "current").output
    down = mw("db", "downgrade", "base")
    assert down.exit_code == 0 and "base" in down.output
    bad = mw("db", "downgrade", "nonsense")
    assert bad.exit_code == EXIT_USAGE and "nonsense" in bad.output
    assert mw("db", "downgrade").exit_code == EXIT_USAGE  # REV is required


def test_commands_on_an_unmigrated_database_say_what_to_do(settings: Settings) -> None:
    result = mw("marks", "list")
    assert result.exit_code == EXIT_UNAVAILABLE and "markwatch db upgrade" in result.output


def test_users_add_from_stdin_list_and_token(migrated: Settings) -> None:
    added = mw("users", "add", "Holder@Acme.test", "--role", "rights_holder", "--org", "Acme",
               "--password-stdin", input=PASSWORD + "\n")
    assert added.exit_code == 0, added.output
    assert "holder@acme.test created" in added.output
    listed = mw("users", "list", "--json")
    assert listed.exit_code == 0
    assert [(u["email"], u["role"], u["organisation"]) for u in json.loads(listed.output)] == [
        ("holder@acme.test", "rights_holder", "Acme")]
    token = mw("users", "token", "holder@acme.test")
    assert token.exit_code == 0
    value = token.output.strip().splitlines()[-1]
    assert value.startswith("mw_")
    from shared_db.db import transaction
    from shared_db.repo.users import user_for_token

    with transaction() as session:
        assert user_for_token(value, session=session).email == "holder@acme.test"
    assert "holder@acme.test" in mw("users", "list").output


def test_users_add_prompts_twice_for_the_password(migrated: Settings) -> None:
    result = mw("users", "add", "rev@example.org", "--role", "reviewer", input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert result.output.count("Password") >= 1 and "Repeat" in result.output
    assert PASSWORD not in result.output
    mismatch = mw("users", "add", "rev2@example.org", "--role", "reviewer",
                  input=f"{PASSWORD}\nsomething else entirely\n{PASSWORD}\n{PASSWORD}\n")
    assert mismatch.exit_code == 0 and "do not match" in mismatch.output


@pytest.mark.parametrize(("args", "stdin", "code", "message"), [
    (["--role", "reviewer"], "short\n", EXIT_USAGE, "12 characters"),
    (["--role", "rights_holder"], PASSWORD + "\n", EXIT_USAGE, "needs an organisation"),
    (["--role", "wizard"], PASSWORD + "\n", EXIT_USAGE, "wizard"),
    (["--role", "reviewer"], "password1234\n", EXIT_USAGE, "too easy to guess"),
    (["--role", "reviewer"], "qwertyuiop12\n", EXIT_USAGE, "too easy to guess"),
])
def test_users_add_refusals(migrated: Settings, args: list[str], stdin: str, code: int, message: str) -> None:
    result = mw("users", "add", "x@example.org", *args, "--password-stdin", input=stdin)
    assert result.exit_code == code and message in result.output


def test_users_add_twice_and_unknown_token_user_fail(migrated: Settings) -> None:
    args = ["users", "add", "a@example.org", "--role", "admin", "--password-stdin"]
    assert mw(*args, input=PASSWORD + "\n").exit_code == 0
    again = mw(*args, input=PASSWORD + "\n")
    assert again.exit_code == EXIT_FAILURE and "already exists" in again.output
    missing = mw("users", "token", "ghost@example.org")
    assert missing.exit_code == EXIT_FAILURE and "users add" in missing.output


def test_marks_import_guesses_the_format_and_is_idempotent(migrated: Settings) -> None:
    first = mw("marks", "import", str(DATA / "st66_sample.xml"))
    assert first.exit_code == 0, first.output
    assert "4 imported, 0 updated, 0 unchanged, 0 rejected" in first.output
    again = mw("marks", "import", str(DATA / "st66_sample.xml"))
    assert "0 imported, 0 updated, 4 unchanged" in again.output
    csv = mw("marks", "import", str(DATA / "marks_good.csv"))
    assert csv.exit_code == 0 and "rejected" in csv.output
    listed = json.loads(mw("marks", "list", "--json").output)
    texts = {m["text"] for m in listed}
    assert {"华为", "李宁", "ADIDAS", "Sportif Élan", "NIKE", "耐克"} <= texts
    nike = json.loads(mw("marks", "list", "--owner", "Nike, Inc.", "--json").output)
    assert sorted(m["text"] for m in nike) == ["NIKE", "耐克"] and nike[0]["owner"] == "Nike, Inc."
    table = mw("marks", "list")
    assert table.exit_code == 0 and "李宁" in table.output
    assert mw("marks", "list", "--owner", "Nobody").exit_code == EXIT_FAILURE


def test_marks_import_with_rejected_rows_exits_3(migrated: Settings, tmp_path: Path) -> None:
    path = tmp_path / "marks.csv"
    path.write_bytes(b"mark,classes,reference_price\nGOOD,25,10\nBAD,25,ten\n,25,1\nX\xff,25,1\n")
    result = mw("marks", "import", str(path), "--owner", "Acme")
    assert result.exit_code == EXIT_PARTIAL
    assert "1 imported" in result.output and "3 rejected" in result.output
    for line, reason in [("3", "not a number"), ("4", "empty mark"), ("5", "invalid UTF-8")]:
        assert any(row.split("│")[1].strip() == line and reason in row for row in result.output.splitlines()
                   if row.count("│") >= 3), (line, result.output)


def test_marks_add_image_keeps_good_photos_and_lists_bad_ones(migrated: Settings, tmp_path: Path,
                                                               images) -> None:  # type: ignore[no-untyped-def]
    assert mw("marks", "import", str(DATA / "marks_good.csv")).exit_code == 0
    mark_id = str(json.loads(mw("marks", "list", "--json").output)[0]["id"])
    good, bad = tmp_path / "official.jpg", tmp_path / "logo.jpg"
    good.write_bytes(images.photo("official"))
    bad.write_bytes(b"<svg/>")
    result = mw("marks", "add-image", mark_id, str(good), str(bad))
    assert result.exit_code == EXIT_PARTIAL
    assert "official.jpg: pHash" in result.output and "logo.jpg: the bytes are not a JPEG" in result.output
    assert mw("marks", "add-image", "999999", str(good)).exit_code == EXIT_FAILURE


def test_marks_import_refusals(migrated: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    unknown = tmp_path / "marks.xlsx"
    unknown.write_bytes(b"mark\nA\n")
    assert mw("marks", "import", str(unknown)).exit_code == EXIT_USAGE
    assert mw("marks", "import", str(unknown), "--format", "csv", "--owner", "Acme").exit_code == 0
    bomb = tmp_path / "bomb.xml"
    bomb.write_bytes(b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;">]><x>&b;</x>')
    refused = mw("marks", "import", str(bomb))
    assert refused.exit_code == EXIT_FAILURE and "entities" in refused.output
    no_owner = tmp_path / "no_owner.csv"
    no_owner.write_bytes(b"mark\nA\n")
    assert mw("marks", "import", str(no_owner)).exit_code == EXIT_FAILURE
    assert mw("marks", "import", str(tmp_path / "missing.csv")).exit_code == EXIT_USAGE
    monkeypatch.setenv("MARKWATCH_MAX_UPLOAD_BYTES", "10")
    big = mw("marks", "import", str(DATA / "marks_good.csv"))
    assert big.exit_code == EXIT_FAILURE and "more than the limit" in big.output


def test_insecure_production_settings_exit_2(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MARKWATCH_ENV", "production")
    result = mw("marks", "list")
    assert result.exit_code == EXIT_USAGE and "MARKWATCH_SECRET_KEY" in result.output


def test_a_short_secret_key_exits_2_naming_the_setting(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MARKWATCH_SECRET_KEY", "too-short-to-be-safe")
    for command in (["marks", "list"], ["serve", "--host", "256.256.256.256"]):
        result = mw(*command)
        assert result.exit_code == EXIT_USAGE, command
        assert "MARKWATCH_SECRET_KEY is too short" in result.output and "token_urlsafe" in result.output


def test_serve_refuses_a_key_file_others_can_read(migrated: Settings) -> None:
    from shared_db.secret_key import session_secret

    session_secret(migrated)
    (migrated.data_dir / "secret_key").chmod(0o640)
    result = mw("serve", "--host", "256.256.256.256")
    assert result.exit_code == EXIT_USAGE and "readable by other users" in result.output


def test_users_password_changes_it_under_the_same_policy(migrated: Settings) -> None:
    assert mw("users", "add", "p@example.org", "--role", "reviewer", "--password-stdin",
              input=PASSWORD + "\n").exit_code == 0
    weak = mw("users", "password", "p@example.org", "--password-stdin", input="123456789012\n")
    assert weak.exit_code == EXIT_USAGE and "too easy to guess" in weak.output
    changed = mw("users", "password", "p@example.org", "--password-stdin", input="a different passphrase 8\n")
    assert changed.exit_code == 0 and "sessions have ended" in changed.output
    assert mw("users", "password", "ghost@example.org", "--password-stdin",
              input="a different passphrase 8\n").exit_code == EXIT_FAILURE


def test_marks_verify_checks_a_rights_holders_claim(migrated: Settings) -> None:
    from sqlalchemy.orm import Session

    from shared_db.db import make_engine
    from shared_db.repo.marks import upsert_mark
    from shared_db.schemas import MarkCreate

    engine = make_engine(migrated.resolved_database_url)
    with Session(engine) as session, session.begin():
        mark, _ = upsert_mark(MarkCreate(text="CANON", owner="Claimant", registration_number="JP-1"),
                              session=session, curator=False)
        mark_id = str(mark.id)
    engine.dispose()
    assert mw("marks", "import", str(DATA / "marks_good.csv")).exit_code == 0
    pending = json.loads(mw("marks", "list", "--pending", "--json").output)
    assert [(m["text"], m["verification"]) for m in pending] == [("CANON", "pending")]
    rejected = mw("marks", "verify", mark_id, "--reject", "--note", "no such registration")
    assert rejected.exit_code == 0 and "rejected" in rejected.output
    assert mw("marks", "list", "--pending", "--json").output.strip() == "[]"
    assert "verified" in mw("marks", "verify", mark_id).output
    assert mw("marks", "verify", "999999").exit_code == EXIT_FAILURE
