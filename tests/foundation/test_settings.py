"""Settings: MARKWATCH_ prefix, .env support, lazy construction, unsafe values refused."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import ValidationError

from shared_db.settings import (
    InsecureSettingsError,
    Settings,
    get_settings,
    reset_settings,
)


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """No MARKWATCH_* variables and a cwd without .env."""
    import os

    for key in list(os.environ):
        if key.startswith("MARKWATCH_"):
            monkeypatch.delenv(key)
    monkeypatch.chdir(tmp_path)
    reset_settings()
    yield tmp_path
    reset_settings()


def test_defaults(clean_env: Path) -> None:
    settings = Settings()
    assert (settings.env, settings.es_port, settings.embedded_es) == ("development", 9200, True)
    assert settings.resolved_es_url == "http://127.0.0.1:9200"
    assert settings.resolved_database_url == f"sqlite:///{(Path('var') / 'markwatch.sqlite3').resolve()}"
    assert settings.resolved_evidence_dir == Path("var/evidence")
    assert settings.resolved_models_dir == Path("var/models")
    assert settings.listings_alias == "markwatch-listings"


def test_environment_variables_need_the_prefix(clean_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MARKWATCH_ES_PORT", "9333")
    monkeypatch.setenv("ES_PORT", "1111")
    monkeypatch.setenv("MARKWATCH_DATA_DIR", "/srv/markwatch")
    monkeypatch.setenv("MARKWATCH_ES_URL", "http://es.internal:9200")
    settings = Settings()
    assert settings.es_port == 9333
    assert settings.resolved_evidence_dir == Path("/srv/markwatch/evidence")
    assert not settings.embedded_es and settings.resolved_es_url == "http://es.internal:9200"


def test_dotenv_is_read_and_the_environment_wins(clean_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (clean_env / ".env").write_text("MARKWATCH_ES_PORT=9444\nMARKWATCH_DATABASE_URL=postgresql+psycopg://db/mw\n")
    settings = Settings()
    assert settings.es_port == 9444 and settings.resolved_database_url == "postgresql+psycopg://db/mw"
    monkeypatch.setenv("MARKWATCH_ES_PORT", "9555")
    assert Settings().es_port == 9555


def test_production_needs_a_configured_secret(clean_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ValidationError, match="MARKWATCH_SECRET_KEY is not set"):
        Settings(env="production")
    assert Settings(env="production", secret_key="x" * 48).env == "production"
    assert Settings().secret_key is None  # development: a key is generated in the data dir
    monkeypatch.setenv("MARKWATCH_ENV", "production")
    with pytest.raises(InsecureSettingsError, match="token_urlsafe"):
        get_settings()


def test_get_settings_is_cached_until_reset(clean_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = get_settings()
    monkeypatch.setenv("MARKWATCH_ES_PORT", "9666")
    assert get_settings() is first and first.es_port == 9200
    reset_settings()
    assert get_settings().es_port == 9666


def test_importing_builds_no_settings_and_connects_to_nothing(tmp_path: Path) -> None:
    """An unusable configuration only fails when settings are first used, not at import."""
    code = (
        "import shared_db.settings, shared_db.db, shared_db.es.client, shared_db.es.listings, "
        "shared_db.importers, shared_db.repo.marks, markwatch.embedded_es, markwatch.cli\n"
        "from shared_db.settings import get_settings, InsecureSettingsError\n"
        "assert get_settings.cache_info().currsize == 0\n"
        "try:\n    get_settings()\nexcept InsecureSettingsError:\n    print('refused on first use')\n"
    )
    env = {"MARKWATCH_ENV": "production", "MARKWATCH_DATABASE_URL": "postgresql+psycopg://nowhere.invalid/x",
           "MARKWATCH_ES_URL": "http://nowhere.invalid:9200", "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-c", code], env=env, cwd=tmp_path, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "refused on first use"


def test_a_short_secret_key_is_refused_everywhere(clean_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for env in ("development", "production"):
        with pytest.raises(ValidationError, match="MARKWATCH_SECRET_KEY.*at least 32 bytes.*token_urlsafe"):
            Settings(env=env, secret_key="x" * 31)
    assert Settings(secret_key="x" * 32).secret_key is not None
    monkeypatch.setenv("MARKWATCH_SECRET_KEY", "change-me-in-production")
    with pytest.raises(InsecureSettingsError, match="MARKWATCH_SECRET_KEY"):
        get_settings()


def test_no_placeholder_key_exists(clean_env: Path) -> None:
    import shared_db.settings

    assert Settings().secret_key is None, "no key is configured by default: one is generated per data dir"
    assert not [name for name in vars(shared_db.settings) if "PLACEHOLDER" in name]


def test_key_file_is_created_once_with_0600_and_reused(clean_env: Path) -> None:
    from shared_db.secret_key import session_secret

    settings = Settings(data_dir=clean_env / "data")
    key = session_secret(settings)
    path = clean_env / "data" / "secret_key"
    assert path.stat().st_mode & 0o777 == 0o600 and len(key) >= 32
    assert session_secret(settings) == key == path.read_text().strip()
    assert session_secret(Settings(data_dir=clean_env / "other")) != key
    assert session_secret(Settings(data_dir=clean_env / "data", secret_key="k" * 40)) == "k" * 40


def test_key_file_readable_by_others_or_too_short_is_refused(clean_env: Path) -> None:
    from shared_db.secret_key import session_secret

    settings = Settings(data_dir=clean_env)
    path = clean_env / "secret_key"
    session_secret(settings)
    path.chmod(0o644)
    with pytest.raises(InsecureSettingsError, match=r"readable by other users.*chmod 600"):
        session_secret(settings)
    path.write_text("short\n")
    path.chmod(0o600)
    with pytest.raises(InsecureSettingsError, match="at least 32 bytes"):
        session_secret(settings)


def test_processes_started_together_agree_on_one_key(tmp_path: Path) -> None:
    """Several server processes on a fresh data dir race to create the key; all end up with the same one."""
    code = ("import sys\nfrom shared_db.settings import Settings\nfrom shared_db.secret_key import session_secret\n"
            "print(session_secret(Settings(data_dir=sys.argv[1])))\n")
    env = {"PATH": "/usr/bin:/bin"}
    workers = [subprocess.Popen([sys.executable, "-c", code, str(tmp_path / "var")], env=env, cwd=tmp_path,
                                stdout=subprocess.PIPE, text=True) for _ in range(6)]
    keys = {worker.communicate(timeout=60)[0].strip() for worker in workers}
    assert len(keys) == 1 and keys == {(tmp_path / "var" / "secret_key").read_text().strip()}
    assert not [p for p in (tmp_path / "var").iterdir() if p.name != "secret_key"], "no temporary file is left"


def test_trusted_proxies_must_be_addresses_or_networks(clean_env: Path) -> None:
    assert Settings(trusted_proxies=["127.0.0.1", "10.0.0.0/8", "::1"]).trusted_proxies[1] == "10.0.0.0/8"
    for wrong in ("*", "proxy.internal", "10.0.0.0/33"):
        with pytest.raises(ValidationError, match="MARKWATCH_TRUSTED_PROXIES.*not an IP address"):
            Settings(trusted_proxies=[wrong])
