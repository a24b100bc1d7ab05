"""Password hashing (argon2id) and the password policy."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from zxcvbn import zxcvbn

from shared_db.messages import forms

_hasher = PasswordHasher()
MIN_PASSWORD_LENGTH = 12
# zxcvbn's score 3 is "safely unguessable: moderate protection from offline slow-hash attacks" (~10^8 guesses).
MIN_STRENGTH_SCORE = 3
# zxcvbn's cost grows with length; the strength of a longer password is judged on its first part.
STRENGTH_CHECKED_CHARACTERS = 72


class WeakPasswordError(ValueError):
    """The password does not meet the policy."""


def check_policy(password: str, *, email: str = "") -> None:
    """Raise :class:`WeakPasswordError` naming the rule a password breaks."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPasswordError(forms.PASSWORD_SHORT(length=MIN_PASSWORD_LENGTH))
    if len(set(password)) < 5:
        raise WeakPasswordError(forms.PASSWORD_FEW_CHARACTERS())
    local = email.split("@", 1)[0].lower()
    if local and len(local) >= 4 and local in password.lower():
        raise WeakPasswordError(forms.PASSWORD_HAS_EMAIL())
    estimate = zxcvbn(password[:STRENGTH_CHECKED_CHARACTERS], user_inputs=[email, local, "markwatch"])
    if estimate["score"] < MIN_STRENGTH_SCORE:
        feedback = estimate["feedback"]
        hint = " ".join(filter(None, [feedback.get("warning"), *feedback.get("suggestions", [])]))
        raise WeakPasswordError(forms.PASSWORD_GUESSABLE(hint=f": {hint}" if hint else ""))


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
