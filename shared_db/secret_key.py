"""The key that signs session cookies: configured, or generated once per data dir and kept private there."""

from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path

from shared_db.settings import MIN_SECRET_KEY_BYTES, InsecureSettingsError, Settings

KEY_FILE_NAME = "secret_key"


def session_secret(settings: Settings) -> str:
    """``MARKWATCH_SECRET_KEY`` when set, else the data dir's key file, created on first use.

    Every process on the same data dir reads the same file, so several server workers agree on the key.
    """
    if settings.secret_key is not None:
        return settings.secret_key.get_secret_value()
    return load_or_create_key(settings.data_dir / KEY_FILE_NAME)


def load_or_create_key(path: Path) -> str:
    """The key stored in ``path``; a new random one, written with mode 0600, when the file does not exist."""
    try:
        return _read_key(path)
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w") as handle:
            handle.write(key + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        try:
            # link() never replaces an existing file and publishes the complete file at once.
            os.link(temporary, path)
        except FileExistsError:
            return _read_key(path)  # another process created it first: use that one
    finally:
        temporary.unlink(missing_ok=True)
    return key


def _read_key(path: Path) -> str:
    mode = path.stat().st_mode
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise InsecureSettingsError(
            f"the session key file {path} is readable by other users (mode {stat.S_IMODE(mode):04o}), so anyone "
            f"on this machine may have copied it and could forge sessions; delete it to have a new key generated "
            f"(everyone is logged out), or `chmod 600 {path}` if you are sure nobody read it")
    key = path.read_text(encoding="utf-8").strip()
    if len(key.encode()) < MIN_SECRET_KEY_BYTES:
        raise InsecureSettingsError(
            f"the session key in {path} is shorter than {MIN_SECRET_KEY_BYTES} bytes (at least {MIN_SECRET_KEY_BYTES} "
            f"bytes are needed); delete the file to have a new key generated")
    return key
