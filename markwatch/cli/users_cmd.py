"""``markwatch users add|password|list|token``: accounts for reviewers, authorities, rights holders, admins."""

from __future__ import annotations

import json
import sys

import typer
from rich.table import Table

from markwatch.cli.common import EXIT_FAILURE, EXIT_USAGE, clear_errors, console, fail
from shared_db.roles import Role

users = typer.Typer(help="Manage markwatch user accounts.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Add ``users`` to ``app``."""
    app.add_typer(users, name="users")


@users.command()
def add(
    email: str = typer.Argument(..., help="The user's e-mail address (the login)."),
    role: Role = typer.Option(..., "--role", help="What the user may do."),
    org: str | None = typer.Option(None, "--org", help="The user's organisation (required for rights_holder)."),
    password_stdin: bool = typer.Option(False, "--password-stdin",
                                        help="Read the password from the first line of stdin."),
) -> None:
    """Create a user; prompts for the password twice (hidden) unless --password-stdin."""
    from shared_db.db import transaction
    from shared_db.passwords import WeakPasswordError
    from shared_db.repo.users import UserExistsError, create_user

    password = _read_password(password_stdin)
    with clear_errors():
        try:
            with transaction() as session:
                user = create_user(email, password, role, session=session, org_name=org)
                user_id, user_email = user.id, user.email
        except UserExistsError as exc:
            raise fail(str(exc), EXIT_FAILURE) from exc
        except (WeakPasswordError, ValueError) as exc:
            raise fail(str(exc), EXIT_USAGE) from exc
    console.print(f"user {user_email} created (id {user_id}, role {role.value}"
                  + (f", organisation {org}" if org else "") + ").")


@users.command()
def password(
    email: str = typer.Argument(..., help="The user whose password changes."),
    password_stdin: bool = typer.Option(False, "--password-stdin",
                                        help="Read the new password from the first line of stdin."),
) -> None:
    """Set a new password for EMAIL (same policy as `users add`); ends the user's sessions everywhere."""
    from shared_db.db import transaction
    from shared_db.passwords import WeakPasswordError
    from shared_db.repo import audit
    from shared_db.repo.users import get_user_by_email, set_password

    new_password = _read_password(password_stdin)
    with clear_errors():
        try:
            with transaction() as session:
                user = get_user_by_email(email, session=session)
                if user is None:
                    raise fail(f"no user with e-mail {email}; create it with `markwatch users add`", EXIT_FAILURE)
                set_password(user, new_password, session=session)
                audit.record("user.password", session=session, actor_id=None, object_type="user", object_id=user.id)
        except WeakPasswordError as exc:
            raise fail(str(exc), EXIT_USAGE) from exc
    console.print(f"password of {email} changed; their sessions have ended.")


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return typer.prompt("Password", hide_input=True, confirmation_prompt=True)


@users.command("list")
def list_users(as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table.")) -> None:
    """List every user with role, organisation and status."""
    from sqlalchemy import select

    from shared_db.db import transaction
    from shared_db.models import User

    with clear_errors(), transaction() as session:
        rows = [
            {"id": u.id, "email": u.email, "role": u.role,
             "organisation": u.organisation.name if u.organisation else None, "active": u.is_active,
             "has_api_token": u.api_token_hash is not None, "created_at": u.created_at.isoformat()}
            for u in session.scalars(select(User).order_by(User.email))
        ]
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    table = Table("id", "e-mail", "role", "organisation", "active", "API token", title=f"{len(rows)} user(s)")
    for row in rows:
        table.add_row(str(row["id"]), row["email"], row["role"], row["organisation"] or "",
                      "yes" if row["active"] else "no", "yes" if row["has_api_token"] else "")
    console.print(table)


@users.command()
def token(email: str = typer.Argument(..., help="The user who gets the token.")) -> None:
    """Issue a new API token for EMAIL (replaces the previous one); it is shown only once."""
    from shared_db.db import transaction
    from shared_db.repo.users import get_user_by_email, issue_api_token

    with clear_errors(), transaction() as session:
        user = get_user_by_email(email, session=session)
        if user is None:
            raise fail(f"no user with e-mail {email}; create it with `markwatch users add`", EXIT_FAILURE)
        value = issue_api_token(user, session=session)
    console.print(f"API token for {email} (shown once; send it as 'Authorization: Bearer <token>'):",
                  highlight=False)
    typer.echo(value)
