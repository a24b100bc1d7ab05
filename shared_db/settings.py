"""One typed settings object, read from ``MARKWATCH_*`` variables and ``.env``, built lazily."""

from __future__ import annotations

import ipaddress
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared_db.netsafety import AllowListError, parse_allow_list

MIN_SECRET_KEY_BYTES = 32
GENERATE_KEY = "python -c 'import secrets; print(secrets.token_urlsafe(48))'"


class InsecureSettingsError(ValueError):
    """A setting is unsafe for the environment it is used in."""


class Settings(BaseSettings):
    """markwatch configuration. Every field is documented in README.md (a test checks it)."""

    model_config = SettingsConfigDict(env_prefix="MARKWATCH_", env_file=".env", extra="ignore")

    env: Literal["development", "production"] = "development"
    data_dir: Path = Path("var")
    database_url: str | None = None
    es_url: str | None = None
    es_api_key: SecretStr | None = None
    es_username: str | None = None
    es_password: SecretStr | None = None
    es_ca_certs: Path | None = None
    es_compatibility: bool = False
    es_port: int = 9200
    es_index_prefix: str = "markwatch"
    es_replicas: int = 0
    es_shards: int = 1
    es_heap: str = "512m"
    es_transport_port: int | None = None
    es_cluster_name: str | None = None
    es_node_name: str | None = None
    es_seed_hosts: list[str] = Field(default_factory=list)
    es_initial_master_nodes: list[str] = Field(default_factory=list)
    es_node_master: bool = True
    evidence_dir: Path | None = None
    models_dir: Path | None = None
    spool_dir: Path | None = None
    # None: shared_db.secret_key generates one per data dir (development only).
    secret_key: SecretStr | None = None
    allowed_private_hosts: list[str] = Field(default_factory=list)
    user_agent: str = "markwatch/0.1 (+https://github.com/markwatch/markwatch)"
    crawl_max_response_bytes: int = 10_000_000
    crawl_timeout_seconds: int = 30
    crawl_index_batch: int = Field(default=500, ge=1)  # listings per bulk request while crawling
    crawl_images_per_listing: int = 3
    # headless Chromium for profiles with ``render = true`` and for screenshot evidence (Debian's build)
    browser_executable: Path = Path("/usr/bin/chromium")
    render_timeout_seconds: int = Field(default=20, ge=1)
    render_max_pages: int = Field(default=2, ge=1)
    screenshot_max_height: int = Field(default=12_000, ge=500)
    image_max_bytes: int = 5_000_000
    image_max_pixels: int = 40_000_000
    fx_rates: dict[str, Decimal] = Field(
        default_factory=lambda: {
            "USD": Decimal("1"), "EUR": Decimal("1.08"), "GBP": Decimal("1.27"),
            "CNY": Decimal("0.14"), "JPY": Decimal("0.0067"), "PLN": Decimal("0.25"),
        }
    )
    match_threshold: float = 80.0
    detection_skew_seconds: float = Field(default=60.0, ge=0)
    claim_ttl_minutes: int = 30
    evidence_retention_days: int = 365
    login_rate_limit: int = Field(default=5, ge=1)
    login_address_limit: int = Field(default=10, ge=1)
    trusted_proxies: list[str] = Field(default_factory=list)
    max_upload_bytes: int = 5_000_000
    https: bool = False
    notice_agent_name: str = "markwatch enforcement desk"
    notice_agent_email: str = "enforcement@markwatch.invalid"
    recheck_interval_hours: float = Field(default=24.0, ge=0)

    @field_validator("trusted_proxies")
    @classmethod
    def _proxies_are_addresses(cls, value: list[str]) -> list[str]:
        for entry in value:
            try:
                ipaddress.ip_network(entry, strict=False)
            except ValueError as exc:
                raise ValueError(f"MARKWATCH_TRUSTED_PROXIES: {entry!r} is not an IP address or network "
                                 "(e.g. 127.0.0.1 or 10.0.0.0/8); list only your own proxies") from exc
        return value

    @field_validator("allowed_private_hosts")
    @classmethod
    def _one_port_per_allowed_host(cls, entries: list[str]) -> list[str]:
        try:
            parse_allow_list(tuple(entries))
        except AllowListError as exc:
            raise InsecureSettingsError(str(exc)) from exc
        return entries

    @model_validator(mode="after")
    def _refuse_weak_secret(self) -> Settings:
        if self.secret_key is None:
            if self.env != "development":
                raise InsecureSettingsError(
                    "MARKWATCH_SECRET_KEY is not set; in production every server must sign sessions with the "
                    f"same configured key: generate one with {GENERATE_KEY}")
        elif len(self.secret_key.get_secret_value().encode()) < MIN_SECRET_KEY_BYTES:
            raise InsecureSettingsError(
                f"MARKWATCH_SECRET_KEY is too short: it needs at least {MIN_SECRET_KEY_BYTES} bytes of random "
                f"text; generate one with {GENERATE_KEY}")
        return self

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.data_dir / 'markwatch.sqlite3').resolve()}"

    @property
    def embedded_es(self) -> bool:
        """True when markwatch runs its own Elasticsearch (no external URL configured)."""
        return self.es_url is None

    @property
    def resolved_es_url(self) -> str:
        return self.es_url or f"http://127.0.0.1:{self.es_port}"

    @property
    def listings_alias(self) -> str:
        return f"{self.es_index_prefix}-listings"

    @property
    def resolved_evidence_dir(self) -> Path:
        return self.evidence_dir or self.data_dir / "evidence"

    @property
    def resolved_models_dir(self) -> Path:
        return self.models_dir or self.data_dir / "models"

    @property
    def resolved_spool_dir(self) -> Path:
        return self.spool_dir or self.data_dir / "spool"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, built on first use.

    Raises :class:`InsecureSettingsError` itself (not pydantic's wrapper) for an unsafe configuration.
    """
    try:
        return Settings()
    except ValidationError as exc:
        for error in exc.errors():
            cause = (error.get("ctx") or {}).get("error")
            if isinstance(cause, InsecureSettingsError):
                raise InsecureSettingsError(str(cause)) from exc
        raise


def reset_settings() -> None:
    """Forget the cached settings (tests, or after changing the environment)."""
    get_settings.cache_clear()
