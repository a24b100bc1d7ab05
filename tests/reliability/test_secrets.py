"""Secrets come from the environment only: nothing secret-looking is committed."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SECRET_PATTERNS = {
    "private key": re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"),
    "AWS access key": re.compile(r"AKIA[0-9A-Z]{16}"),
    "markwatch API token": re.compile(r"mw_[A-Za-z0-9_-]{40,}"),
    "hard-coded secret key": re.compile(r"""(?i)secret_key\s*=\s*["'][^"'\s]{16,}["']"""),
    "password in a database URL": re.compile(r"postgresql(\+\w+)?://[^:/@\s]+:[^@\s]{3,}@"),
}


def _tracked_files() -> list[Path]:
    try:
        listed = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout")
    return [ROOT / name for name in listed.stdout.splitlines() if (ROOT / name).is_file()]


def test_no_secrets_in_tracked_files() -> None:
    files = _tracked_files()
    assert not any(path.name == ".env" for path in files), ".env is committed"
    findings = []
    for path in files:
        if path.stat().st_size > 2_000_000 or path.suffix in {".png", ".gz", ".mo"}:
            continue
        text = path.read_text(errors="ignore")
        for what, pattern in SECRET_PATTERNS.items():
            if pattern.search(text):
                findings.append(f"{path.relative_to(ROOT)}: {what}")
    assert not findings, findings


def test_the_patterns_catch_what_they_are_for() -> None:
    # split literals, so this file does not trip its own scan
    assert SECRET_PATTERNS["hard-coded secret key"].search("SECRET_" 'KEY = "s3cr3t-value-that-is-long"')
    assert SECRET_PATTERNS["password in a database URL"].search("postgresql+psycopg://app:" "hunter22@db/x")
    assert not SECRET_PATTERNS["password in a database URL"].search("postgresql+psycopg://postgres@127.0.0.1/x")
