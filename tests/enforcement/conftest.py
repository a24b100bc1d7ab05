"""The review UI's seeded world, reused for the enforcement tests."""

from tests.ui.conftest import add_hits, app, cheap_argon2, client, csrf, login_as, seeded, world  # noqa: F401
