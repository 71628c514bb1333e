from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from courtside.domain.errors import (
    AuthenticationError,
    DuplicateOrderError,
    ExchangeError,
    ExchangeUnavailableError,
    InsufficientBalanceError,
    NotFoundError,
    OrderRejectedError,
    PermissionDeniedError,
    RateLimitedError,
)
from courtside.kalshi.errors import auth_hint, error_for, parse_error_body

RECORDED_ERRORS: dict[str, tuple[type[ExchangeError], str | None]] = {
    "auth__bad_signature": (AuthenticationError, "authentication_error"),
    "auth__unknown_key_id": (AuthenticationError, "authentication_error"),
    "auth__missing_signature_header": (AuthenticationError, "signature_is_missing_from_headers"),
    "auth__skew_minus30s": (AuthenticationError, "header_timestamp_expired"),
    "auth__skew_minus5min": (AuthenticationError, "header_timestamp_expired"),
    "auth__skew_plus5min": (AuthenticationError, "header_timestamp_expired"),
    "cleanup__leftover_0": (NotFoundError, "not_found"),
    "cleanup__leftover_1": (NotFoundError, "not_found"),
    "cleanup__leftover_2": (NotFoundError, "not_found"),
    "orders__cancel_already_canceled": (NotFoundError, "not_found"),
    "orders__cancel_executed": (NotFoundError, "not_found"),
    "orders__cancel_unknown_id": (NotFoundError, "not_found"),
    "orders__duplicate_client_order_id": (DuplicateOrderError, "order_already_exists"),
    "orders__reuse_canceled_client_id": (DuplicateOrderError, "order_already_exists"),
    "orders__insufficient_balance": (InsufficientBalanceError, "insufficient_balance"),
    "orders__invalid_price_structure": (OrderRejectedError, "invalid_price"),
    "orders__post_only_cross": (OrderRejectedError, "invalid_order"),
    "orders__numeric_field_types": (OrderRejectedError, "bad_request"),
    "markets__limit_over_max": (OrderRejectedError, None),
}


@pytest.mark.parametrize("name", sorted(RECORDED_ERRORS))
def test_every_recorded_error_maps_to_its_class(recorded: Any, name: str) -> None:
    info = recorded.meta(name)
    err = error_for(info["status"], recorded.raw(name), method=info["method"], path="/trade-api/v2/x")
    cls, code = RECORDED_ERRORS[name]
    assert type(err) is cls
    assert err.code == code
    assert err.status == info["status"]


def test_every_recorded_non_2xx_file_is_covered(recorded_dir: Path) -> None:
    import json

    failing = {
        p.name.removesuffix(".meta.json")
        for p in recorded_dir.glob("*.meta.json")
        if json.loads(p.read_text()).get("status", 200) >= 400
    }
    assert failing == set(RECORDED_ERRORS)


def test_four_body_shapes() -> None:
    nested = parse_error_body(
        b'{"error":{"code":"invalid_order","message":"invalid order","details":"post only cross"}}'
    )
    assert (nested.code, nested.message, nested.details) == (
        "invalid_order",
        "invalid order",
        "post only cross",
    )
    flat = parse_error_body(
        '{"code":"bad_request","message":"bad request","details":"json: cannot unmarshal"}'
    )
    assert (flat.code, flat.details) == ("bad_request", "json: cannot unmarshal")
    bare = parse_error_body('{"msg":"Parameter validation failed for GetMarkets"}')
    assert bare.code is None
    assert "GetMarkets" in bare.message
    too_many = parse_error_body('{"error": "too many requests"}')
    assert too_many.message == "too many requests"
    assert parse_error_body(b"<html>bad gateway</html>").message.startswith("<html>")


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (403, PermissionDeniedError),
        (429, RateLimitedError),
        (500, ExchangeUnavailableError),
        (503, ExchangeUnavailableError),
    ],
)
def test_status_codes(status: int, cls: type[ExchangeError]) -> None:
    err = error_for(status, b'{"error":"too many requests"}', method="GET", path="/trade-api/v2/markets")
    assert type(err) is cls
    assert err.retryable is (status in (429, 500, 503))


def test_code_prefix_matches_ids_embedded_in_codes() -> None:
    err = error_for(
        400, b'{"error":{"code":"insufficient_balance:_shard_3","message":"m"}}', method="POST", path="/p"
    )
    assert isinstance(err, InsufficientBalanceError)


def test_401_messages_explain_the_cause() -> None:
    bad_sig = parse_error_body(
        b'{"error":{"code":"authentication_error","details":"INCORRECT_API_KEY_SIGNATURE"}}'
    )
    assert "wrong private key" in (auth_hint(bad_sig) or "")
    skew = error_for(
        401, b'{"error":{"code":"header_timestamp_expired","message":"x"}}', method="GET", path="/b"
    )
    assert "NTP" in str(skew)
