"""client_order_id: the same decision always gives the same id, valid for Kalshi, within 64 chars."""

from __future__ import annotations

import re
from datetime import date

from courtside.execution.order_ids import client_order_id

VALID = re.compile(r"^[-\w:+=/]{1,64}$", re.ASCII)


def test_same_decision_same_id() -> None:
    a = client_order_id("KXATPMATCH-26SEP09ZVEVAN", "Y-ZVE", date(2026, 9, 8))
    assert a == client_order_id("KXATPMATCH-26SEP09ZVEVAN", "Y-ZVE", date(2026, 9, 8))
    assert a == "cs-KXATPMATCH-26SEP09ZVEVAN-Y-ZVE-260908"


def test_route_day_and_attempt_change_the_id() -> None:
    ids = {
        client_order_id("KXATPMATCH-26SEP09ZVEVAN", "Y-ZVE", date(2026, 9, 8)),
        client_order_id("KXATPMATCH-26SEP09ZVEVAN", "N-VAN", date(2026, 9, 8)),
        client_order_id("KXATPMATCH-26SEP09ZVEVAN", "Y-ZVE", date(2026, 9, 9)),
        client_order_id("KXATPMATCH-26SEP09ZVEVAN", "Y-ZVE", date(2026, 9, 8), attempt=1),
    }
    assert len(ids) == 4
    assert all(VALID.match(i) for i in ids)


def test_long_tickers_are_hashed_deterministically_within_64() -> None:
    event = "KXWTACHALLENGERMATCH-26JUN112140JIMENEZKASINTSEVALEPCHENKO"
    a = client_order_id(event, "N-JIMENEZKASINTSEVA", date(2026, 6, 11), attempt=12)
    assert len(a) <= 64
    assert VALID.match(a)
    assert a == client_order_id(event, "N-JIMENEZKASINTSEVA", date(2026, 6, 11), attempt=12)
    assert a != client_order_id(event, "N-JIMENEZKASINTSEVA", date(2026, 6, 11), attempt=13)
