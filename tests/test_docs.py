"""Every CLI command and every setting is documented in README.md."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer.main

from markwatch.cli import app
from shared_db.settings import Settings

README = Path(__file__).resolve().parents[1] / "README.md"


def _command_paths(command: Any, prefix: str) -> list[str]:
    if hasattr(command, "commands"):
        paths = []
        for name, sub in command.commands.items():
            paths.extend(_command_paths(sub, f"{prefix} {name}"))
        return paths
    return [prefix]


def test_every_cli_command_is_in_the_readme() -> None:
    text = README.read_text()
    paths = _command_paths(typer.main.get_command(app), "markwatch")
    assert len(paths) >= 10
    missing = [path for path in paths if f"`{path}" not in text]
    assert not missing, f"README.md does not document: {missing}"


def test_every_setting_is_in_the_readme() -> None:
    text = README.read_text()
    missing = [f"MARKWATCH_{name.upper()}" for name in Settings.model_fields
               if f"`MARKWATCH_{name.upper()}`" not in text]
    assert not missing, f"README.md does not document: {missing}"


def test_every_spider_and_profile_is_in_the_readme() -> None:
    from scrapy.settings import Settings as ScrapySettings
    from scrapy.spiderloader import SpiderLoader

    from crawlers.profile import list_profiles

    text = README.read_text()
    spiders = SpiderLoader.from_settings(ScrapySettings({"SPIDER_MODULES": ["crawlers.spiders"]})).list()
    names = sorted(set(spiders) | set(list_profiles()))
    assert "demo_market" in names and "demo_market_selectors" in names
    missing = [name for name in names if f"`{name}`" not in text]
    assert not missing, f"README.md does not document: {missing}"
