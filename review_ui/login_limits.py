"""Login limiting: per account, per client address and per known device, with exponential backoff.

Failures are counted in the database (every server process agrees). Past ``free`` failures of one key,
each further attempt waits 1, 2, 4 … seconds, at most 15 minutes: a backoff, never a hard lock. A browser
where the account's owner logged in before carries a signed *known-device* cookie; its attempts count only
against that device, so attackers' failures on the account or from the same address do not lock the owner
out, while a stolen device cookie still meets its own backoff.
"""

from __future__ import annotations

import math
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

from itsdangerous import BadData, URLSafeTimedSerializer
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response

from shared_db.repo import login_throttle
from shared_db.repo.login_throttle import ThrottleKey

BASE_DELAY_SECONDS = 1.0
MAX_DELAY_SECONDS = 15 * 60.0
DEVICE_COOKIE = "markwatch_device"
DEVICE_MAX_AGE = 90 * 24 * 60 * 60


@dataclass(frozen=True)
class Limit:
    """Failures of one kind of key allowed without delay, and how long a quiet key keeps its count."""

    free: int
    forget_after: float


@dataclass(frozen=True)
class Lockout:
    """A key whose failures now make the next attempt wait."""

    kind: str
    key: str
    failures: int
    seconds: float


def backoff(failures: int, free: int) -> float:
    """Seconds the next attempt waits after ``failures`` failures (0 below ``free``)."""
    if failures < free:
        return 0.0
    return min(MAX_DELAY_SECONDS, BASE_DELAY_SECONDS * 2.0 ** min(failures - free, 32))


class LoginThrottle:
    """Which keys a login attempt counts against, whether it must wait, and what a failure does."""

    def __init__(self, *, account_limit: int, address_limit: int, clock: Callable[[], float] = time.time) -> None:
        # A key must remember its failures for longer than the longest delay, or waiting would reset it.
        self.limits = {"account": Limit(account_limit, 24 * 3600.0), "device": Limit(account_limit, 24 * 3600.0),
                       "address": Limit(address_limit, 3600.0)}
        self.clock = clock

    @staticmethod
    def keys(*, email: str, address: str, device: str | None) -> list[ThrottleKey]:
        """A known device counts only against itself; any other attempt against its account and its address."""
        if device is not None:
            return [("device", device)]
        return [("account", email), ("address", address)]

    def retry_after(self, keys: list[ThrottleKey], *, session: Session) -> int:
        """Whole seconds to wait before ``keys`` may try again (0: try now)."""
        return max(0, math.ceil(login_throttle.blocked_until(keys, session=session) - self.clock()))

    def failed(self, keys: list[ThrottleKey], *, session: Session) -> list[Lockout]:
        """Count a failure against every key; returns the keys that must now wait."""
        now, lockouts = self.clock(), []
        for kind, key in keys:
            limit = self.limits[kind]
            failures = login_throttle.count_failure((kind, key), session=session, now=now,
                                                    forget_before=now - limit.forget_after)
            delay = backoff(failures, limit.free)
            if delay:
                login_throttle.block((kind, key), now + delay, session=session)
                lockouts.append(Lockout(kind, key, failures, delay))
        return lockouts

    def succeeded(self, keys: list[ThrottleKey], *, session: Session) -> None:
        """The owner logged in: forget the account's or device's failures (an address's stay)."""
        for kind, key in keys:
            if kind != "address":
                login_throttle.forget((kind, key), session=session)


class KnownDevices:
    """The signed long-lived cookie that marks a browser where an account's owner has logged in."""

    def __init__(self, secret: str, *, https: bool) -> None:
        self._serializer = URLSafeTimedSerializer(secret, salt="markwatch.known-device")
        self.https = https

    def device_for(self, request: Request, email: str) -> str | None:
        """The device id in the request's cookie when it was issued for ``email``, else None."""
        value = request.cookies.get(DEVICE_COOKIE)
        if not value:
            return None
        try:
            data = self._serializer.loads(value, max_age=DEVICE_MAX_AGE)
        except BadData:
            return None
        if not isinstance(data, dict) or data.get("email") != email or not isinstance(data.get("device"), str):
            return None
        return data["device"]

    def remember(self, response: Response, email: str, device: str | None) -> None:
        """Set (or renew) the cookie for ``email`` on ``response``."""
        value = self._serializer.dumps({"email": email, "device": device or secrets.token_urlsafe(16)})
        response.set_cookie(DEVICE_COOKIE, value, max_age=DEVICE_MAX_AGE, path="/login", httponly=True,
                            samesite="lax", secure=self.https)
