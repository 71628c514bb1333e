"""The one exception tree of courtside, classified by what the caller should do.

CourtsideError
 +-- ConfigError                 stop: the user must fix a setting, a key file or a path
 +-- DataError                   skip: one object (market, row, response) is malformed; log why
 |    +-- ParseError             a wire object lacks or garbles a field we rely on
 +-- ModelError                  stop: no usable model artifact or training data
 +-- StoreError                  stop: the journal database is unusable
 +-- ExchangeError               anything the venue said or failed to say
      +-- AuthenticationError    stop: key id, key or clock is wrong (401)
      +-- PermissionDeniedError  stop: the key lacks the scope (403)
      +-- NotFoundError          skip: unknown market, order or path (404)
      +-- OrderRejectedError     skip this order: Kalshi refused it (400), `code` says why
      |    +-- InsufficientBalanceError
      |    +-- DuplicateOrderError    the client_order_id exists already (409): look it up
      +-- RetryableError         retry later with backoff
           +-- RateLimitedError       429
           +-- ExchangeUnavailableError  5xx / maintenance
           +-- NetworkError           connect/read failure or timeout
                +-- OutcomeUnknownError  a write was sent and no answer came: resolve by client_order_id

Secrets never appear in these messages.
"""

from __future__ import annotations


class CourtsideError(Exception):
    """Root of every error courtside raises on purpose."""

    retryable: bool = False


class ConfigError(CourtsideError):
    """A setting, path or credential is missing or wrong; the user must act."""


class DataError(CourtsideError):
    """One object is malformed; skip it and log the reason."""


class ParseError(DataError):
    """A wire object lacks or garbles a field we rely on."""

    def __init__(self, what: str, reason: str) -> None:
        super().__init__(f"{what}: {reason}")
        self.what = what
        self.reason = reason


class ModelError(CourtsideError):
    """No usable model artifact or training data."""


class StoreError(CourtsideError):
    """The journal database cannot be used."""


class ExchangeError(CourtsideError):
    """The venue refused, failed or could not be reached."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        code: str | None = None,
        details: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.details = details

    def __str__(self) -> str:
        parts = [super().__str__()]
        if self.status is not None:
            parts.append(f"http={self.status}")
        if self.code:
            parts.append(f"code={self.code}")
        if self.details:
            parts.append(f"details={self.details}")
        return " ".join(parts)


class AuthenticationError(ExchangeError):
    """401: wrong key id, wrong key, bad signature or a clock out of the window."""


class PermissionDeniedError(ExchangeError):
    """403: the API key lacks the scope for this call."""


class NotFoundError(ExchangeError):
    """404: unknown market, order, or an order that is no longer resting."""


class OrderRejectedError(ExchangeError):
    """400 on an order: Kalshi refused it; `code` says why (invalid_price, market_inactive, ...)."""


class InsufficientBalanceError(OrderRejectedError):
    """400 insufficient_balance: not enough collateral on the market's shard."""


class DuplicateOrderError(ExchangeError):
    """409 order_already_exists: this client_order_id was used before, by us."""


class RetryableError(ExchangeError):
    """A passing failure: retry with backoff."""

    retryable = True


class RateLimitedError(RetryableError):
    """429 too many requests."""


class ExchangeUnavailableError(RetryableError):
    """5xx or a maintenance pause."""


class NetworkError(RetryableError):
    """Connection refused, reset or timed out."""


class OutcomeUnknownError(NetworkError):
    """A write was sent but no answer came; resolve it by its client_order_id before anything else."""

    def __init__(self, message: str, *, client_order_id: str | None = None) -> None:
        super().__init__(message)
        self.client_order_id = client_order_id
