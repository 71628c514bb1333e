"""Wire -> domain for milestones and live data: whether a match has really begun (kalshi-api.md §5.3:
"for the real start, use milestones and live data").

`GET /milestones?related_event_ticker=E` answers `{"milestones": [Milestone], "cursor"}`; a Milestone
carries `id`, `type`, `start_date`, `related_event_tickers`, `primary_event_tickers`, `details`.
`GET /live_data/milestone/{id}` answers `{"live_data": {"type", "details", "milestone_id"}}` and
`GET /live_data/batch?milestone_ids=...` `{"live_datas": [...]}`; `details.status` is none | live |
finished, `details.scheduled` the scheduled start (docs:getting_started/targets_and_milestones,
api-reference/live-data). Tolerant of added fields; strict on `id`, `related_event_tickers` and
`details.status`, which the trader acts on.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from courtside.domain.errors import ParseError
from courtside.domain.live import MatchState, MatchStatus
from courtside.domain.market import Event, MalformedEvent
from courtside.kalshi.fields import Wire

log = logging.getLogger(__name__)

STATES = {"none": MatchState.NOT_STARTED, "live": MatchState.LIVE, "finished": MatchState.FINISHED}


@dataclass(frozen=True, slots=True)
class Milestone:
    milestone_id: str
    type: str
    title: str
    start_date: datetime | None
    related_event_tickers: tuple[str, ...]
    primary_event_tickers: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class LiveData:
    milestone_id: str | None  # absent on some single answers: the caller knows which it asked for
    type: str
    status: str  # as sent: none | live | finished (kept raw, so a new value is seen, not guessed)
    scheduled: datetime | None


@dataclass(frozen=True, slots=True)
class EventPage:
    """One page of GET /events?with_milestones=true: its events, and the milestones Kalshi lists
    for them at the top level (kalshi-api.md §2.3); None when the answer carries no `milestones`
    at all (a server that ignores the parameter says nothing about the events' milestones)."""

    events: list[Event | MalformedEvent]
    milestones: list[Milestone] | None


def parse_milestones(raw: list[Any], what: str) -> list[Milestone]:
    """The milestones of a listing; a malformed one is logged and left out (its match is then asked
    about on its own)."""
    out: list[Milestone] = []
    for item in raw:
        try:
            out.append(parse_milestone(item))
        except ParseError as e:
            log.warning("skipping a milestone of %s: %s", what, e)
    return out


def _tickers(w: Wire, key: str, *, required: bool) -> tuple[str, ...]:
    values = w.array(key) if required else w.opt_array(key)
    if not all(isinstance(v, str) and v for v in values):
        raise w.fail(key, f"is not a list of event tickers: {values!r}")
    return tuple(values)


def _lenient_time(w: Wire, key: str) -> datetime | None:
    """A time we only show (never act on): unreadable is the same as absent."""
    try:
        return w.opt_time(key)
    except ParseError:
        return None


def parse_milestone(data: Any) -> Milestone:
    w = Wire(data, "milestone").named("id")
    return Milestone(
        milestone_id=w.string("id"),
        type=w.text("type"),
        title=w.text("title"),
        start_date=_lenient_time(w, "start_date"),
        related_event_tickers=_tickers(w, "related_event_tickers", required=True),
        primary_event_tickers=_tickers(w, "primary_event_tickers", required=False),
    )


def parse_live_data(data: Any, what: str = "live_data") -> LiveData:
    """One LiveData object (the value of `live_data`, or an element of `live_datas`)."""
    w = Wire(data, what).named("milestone_id")
    details = w.obj("details")
    status = details.string("status")
    return LiveData(
        milestone_id=w.opt_string("milestone_id") or None,
        type=w.text("type"),
        status=status,
        scheduled=_lenient_time(details, "scheduled"),
    )


def parse_live_data_answer(data: Any, milestone_id: str) -> LiveData:
    """`GET /live_data/milestone/{id}`: the one LiveData, with the id asked for when it has none."""
    w = Wire(data, f"live data of milestone {milestone_id}")
    live = parse_live_data(w.obj("live_data").data, w.what)
    if live.milestone_id not in (None, milestone_id):
        raise w.fail("live_data", f"is for milestone {live.milestone_id}, not {milestone_id}")
    return LiveData(milestone_id, live.type, live.status, live.scheduled)


def parse_live_datas(data: Any) -> dict[str, LiveData]:
    """`GET /live_data/batch`: by milestone id; an entry that does not say which milestone it is for
    cannot be used and fails the answer (the caller then asks one by one)."""
    w = Wire(data, "live data batch")
    out: dict[str, LiveData] = {}
    for i, raw in enumerate(w.array("live_datas")):
        live = parse_live_data(raw, f"live_datas[{i}]")
        if live.milestone_id is None:
            raise w.fail("live_datas", f"entry {i} has no milestone_id")
        out[live.milestone_id] = live
    return out


def milestone_for(event_ticker: str, milestones: list[Milestone]) -> Milestone | None:
    """The milestone of this match among those related to its event: one whose primary events name it
    first (a tournament milestone relates to many events), else the first related one."""
    related = [m for m in milestones if event_ticker in m.related_event_tickers]
    primary = [m for m in related if event_ticker in m.primary_event_tickers]
    found = primary or related
    return found[0] if found else None


def status_of(event_ticker: str, milestone: Milestone, live: LiveData | None) -> MatchStatus:
    """The match's state from its live data (the milestone's own status lags: Kalshi's docs say to
    prefer live data); an unknown status value is UNKNOWN, for the trades to decide."""
    scheduled = (live.scheduled if live else None) or milestone.start_date
    if live is None:
        return MatchStatus(event_ticker, MatchState.UNKNOWN, "no live data for its milestone", scheduled)
    state = STATES.get(live.status.strip().lower())
    if state is None:
        return MatchStatus(event_ticker, MatchState.UNKNOWN, f"live data status {live.status!r}", scheduled)
    return MatchStatus(event_ticker, state, "live data", scheduled)
