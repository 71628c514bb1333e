"""Milestones and live data, shaped as Kalshi's docs give them (no recording exists): tolerant of added
fields, strict on the ones the trader acts on; the match's state from its live data."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from courtside.domain.errors import ParseError
from courtside.domain.live import MatchState
from courtside.kalshi.parse_live import (
    LiveData,
    milestone_for,
    parse_live_data_answer,
    parse_live_datas,
    parse_milestone,
    status_of,
)

EVENT = "KXATPMATCH-26SEP09ZVEVAN"
MILESTONE = {  # docs:python-sdk/models/Milestone, with a field Kalshi may add later
    "id": "7c8a3a3e-5b0c-4a1e-9e6d-2f0d6b1d9a10",
    "category": "Sports",
    "type": "tennis_match",
    "start_date": "2026-09-09T16:00:00Z",
    "end_date": None,
    "related_event_tickers": [EVENT, "KXATPSETWINNER-26SEP09ZVEVAN"],
    "title": "Zverev vs Van de Zandschulp",
    "notification_message": "",
    "source_id": None,
    "details": {"competitor1_id": "a", "competitor2_id": "b"},
    "primary_event_tickers": [EVENT],
    "last_updated_ts": "2026-09-09T12:00:00Z",
    "a_field_added_later": {"x": 1},
}


def _live(status: str, **extra: object) -> dict[str, object]:
    return {
        "type": "tennis_match",
        "milestone_id": MILESTONE["id"],
        "details": {"status": status, "scheduled": "2026-09-09T16:00:00Z", "widgetLiveText": "x", **extra},
    }


def test_a_milestone_parses_and_ignores_added_fields() -> None:
    m = parse_milestone(MILESTONE)
    assert m.milestone_id == MILESTONE["id"]
    assert m.related_event_tickers == (EVENT, "KXATPSETWINNER-26SEP09ZVEVAN")
    assert m.primary_event_tickers == (EVENT,)
    assert m.start_date == datetime(2026, 9, 9, 16, tzinfo=UTC)


@pytest.mark.parametrize("missing", ["id", "related_event_tickers"])
def test_a_milestone_without_what_the_trader_uses_is_an_error(missing: str) -> None:
    with pytest.raises(ParseError, match=missing):
        parse_milestone({k: v for k, v in MILESTONE.items() if k != missing})


def test_an_unreadable_start_date_is_only_absent() -> None:
    assert parse_milestone({**MILESTONE, "start_date": "TBD"}).start_date is None


def test_the_match_milestone_is_the_one_whose_primary_events_name_it() -> None:
    tournament = parse_milestone(
        {**MILESTONE, "id": "t", "type": "tennis_tournament", "primary_event_tickers": []}
    )
    match = parse_milestone(MILESTONE)
    assert milestone_for(EVENT, [tournament, match]) is match
    assert milestone_for(EVENT, [tournament]) is tournament
    assert milestone_for("KXATPMATCH-OTHER", [tournament, match]) is None


def test_live_data_one_and_batch() -> None:
    one = parse_live_data_answer({"live_data": _live("live")}, MILESTONE["id"])
    assert (one.milestone_id, one.status) == (MILESTONE["id"], "live")
    assert one.scheduled == datetime(2026, 9, 9, 16, tzinfo=UTC)
    without_id = {k: v for k, v in _live("none").items() if k != "milestone_id"}
    assert parse_live_data_answer({"live_data": without_id}, "m-1").milestone_id == "m-1"
    batch = parse_live_datas({"live_datas": [_live("finished")]})
    assert batch[MILESTONE["id"]].status == "finished"


def test_live_data_for_another_milestone_or_without_status_is_an_error() -> None:
    with pytest.raises(ParseError, match="not m-2"):
        parse_live_data_answer({"live_data": _live("live")}, "m-2")
    with pytest.raises(ParseError, match="status"):
        parse_live_data_answer({"live_data": {"type": "x", "details": {"scheduled": None}}}, MILESTONE["id"])
    with pytest.raises(ParseError, match="milestone_id"):  # a batch entry must say whose it is
        parse_live_datas({"live_datas": [{"type": "x", "details": {"status": "live"}}]})


@pytest.mark.parametrize(
    ("status", "state", "started"),
    [
        ("none", MatchState.NOT_STARTED, False),
        ("live", MatchState.LIVE, True),
        ("finished", MatchState.FINISHED, True),
        ("suspended", MatchState.UNKNOWN, False),  # a value we do not know: the trades decide
    ],
)
def test_the_state_of_a_match_comes_from_its_live_data(status: str, state: MatchState, started: bool) -> None:
    milestone = parse_milestone(MILESTONE)
    live = LiveData(milestone.milestone_id, "tennis_match", status, None)
    got = status_of(EVENT, milestone, live)
    assert (got.state, got.started) == (state, started)
    assert got.scheduled == milestone.start_date
    if started:
        assert got.why == f"match has started (live data: {state.value})"


def test_no_live_data_is_unknown() -> None:
    got = status_of(EVENT, parse_milestone(MILESTONE), None)
    assert got.state is MatchState.UNKNOWN
    assert got.source == "no live data for its milestone"
