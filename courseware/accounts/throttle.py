"""Failed sign-ins: slow the attacker down without locking the owner out.

Counted per account *and address*, and per address, in the rate-limit storage every worker shares
(RATELIMIT_STORAGE_URI; see core/rate_limits.py):

- 10 failures for one account from one address in 15 minutes: that address is refused for that
  account until the window ends. The owner, from anywhere else, still signs in with the right password.
- 50 failures from one address in 15 minutes (any accounts): that address is refused for signing in
  (SPEC section 4: a whole city office may share one address).
- 10 failures for one account from all addresses together: the owner is told by mail, once per window.

Each attempt takes its place in the counters *before* the password is checked, and gives it back when
the password was right, so the limits hold exactly even when an attacker sends many attempts at once,
and successful sign-ins are never counted.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass

from limits.storage import Storage

from .service import normalise_email

WINDOW_SECONDS = 15 * 60
PER_ACCOUNT_AND_ADDRESS = 10
PER_ADDRESS = 50
ALERT_AFTER = 10


@dataclass(frozen=True)
class Refusal:
    message: str
    retry_at: float               # seconds since the epoch

    @property
    def retry_minutes(self) -> int:
        return max(1, math.ceil((self.retry_at - time.time()) / 60))

    @property
    def retry_seconds(self) -> int:
        return max(1, math.ceil(self.retry_at - time.time()))


@dataclass(frozen=True)
class Attempt:
    """One sign-in attempt's place in the counters."""

    email: str
    address: str

    @property
    def pair_key(self) -> str:
        return f"sign-in/account-address/{self.email}/{self.address}"

    @property
    def address_key(self) -> str:
        return f"sign-in/address/{self.address}"

    @property
    def account_key(self) -> str:
        return f"sign-in/account/{self.email}"


class SignInThrottle:
    def __init__(self, storage: Storage):
        self.storage = storage

    def begin(self, email: str, address: str) -> tuple[Attempt, Refusal | None]:
        """Take a place for one attempt; a Refusal when the address has used up its attempts."""
        attempt = Attempt(normalise_email(email)[:254], address)
        from_address = self.storage.incr(attempt.address_key, WINDOW_SECONDS)
        for_account = self.storage.incr(attempt.pair_key, WINDOW_SECONDS)
        if from_address > PER_ADDRESS:
            return attempt, Refusal("Too many failed sign-ins from your network.",
                                    self.storage.get_expiry(attempt.address_key))
        if for_account > PER_ACCOUNT_AND_ADDRESS:
            return attempt, Refusal("Too many failed sign-ins for this account from your network. You can "
                                    "still sign in from another network, or reset your password.",
                                    self.storage.get_expiry(attempt.pair_key))
        return attempt, None

    def succeeded(self, attempt: Attempt) -> None:
        """The password was right: give the places back, so successful sign-ins never count."""
        for key in (attempt.address_key, attempt.pair_key):
            if self.storage.get(key) > 0:
                self.storage.incr(key, WINDOW_SECONDS, amount=-1)

    def failed(self, attempt: Attempt) -> int | None:
        """The password was wrong (the places stay taken). Returns the end of the current window, in
        seconds since the epoch, when the account's failures from all addresses have just reached
        ALERT_AFTER: the moment to tell the owner, once per window."""
        if self.storage.incr(attempt.account_key, WINDOW_SECONDS) == ALERT_AFTER:
            return int(self.storage.get_expiry(attempt.account_key))
        return None
