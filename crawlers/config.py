"""markwatch settings → Scrapy settings, and back inside components (configuration flows in)."""

from __future__ import annotations

from typing import Any

from pydantic import SecretStr

from shared_db.settings import Settings

SETTINGS_KEY = "MARKWATCH_SETTINGS"


def settings_values(settings: Settings) -> dict[str, Any]:
    """``settings`` as JSON values that build the same settings again, secrets included (not masked)."""
    values = settings.model_dump(mode="json")
    values.update({key: value.get_secret_value() for key, value in settings if isinstance(value, SecretStr)})
    return values


def scrapy_settings(settings: Settings, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Per-run Scrapy settings derived from markwatch's settings (applied over ``crawlers.settings``)."""
    values: dict[str, Any] = {
        SETTINGS_KEY: settings_values(settings),
        "USER_AGENT": settings.user_agent,
        "DOWNLOAD_MAXSIZE": settings.crawl_max_response_bytes,
        "DOWNLOAD_WARNSIZE": min(settings.crawl_max_response_bytes, 32 * 1024 * 1024),
        "DOWNLOAD_TIMEOUT": settings.crawl_timeout_seconds,
        "MARKWATCH_ALLOWED_PRIVATE_HOSTS": list(settings.allowed_private_hosts),
        "MARKWATCH_INDEX_BATCH": settings.crawl_index_batch,
    }
    values.update(overrides or {})
    if values.get("MARKWATCH_RENDER"):
        from crawlers.render import render_settings

        values.update(render_settings(executable=settings.browser_executable, user_agent=settings.user_agent,
                                      timeout_seconds=settings.render_timeout_seconds,
                                      max_pages=settings.render_max_pages))
    return values


def markwatch_settings(crawler: Any) -> Settings:
    """The markwatch settings a crawler was started with (or the process-wide ones)."""
    data = crawler.settings.getdict(SETTINGS_KEY)
    if data:
        return Settings.model_validate(data)
    from shared_db.settings import get_settings

    return get_settings()
