"""Whether a match is being played: the venue's word on its real start, which the scheduled
`occurrence_datetime` is not (a later match of a session starts hours after it; ITF times are
round-hour placeholders). Built by the venue adapters from Kalshi's milestones and live data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class MatchState(StrEnum):
    NOT_STARTED = "not started"  # live data status "none": no ball played yet
    LIVE = "live"
    FINISHED = "finished"
    UNKNOWN = "unknown"  # no milestone or no live data for the match: the trades must tell


@dataclass(frozen=True, slots=True)
class MatchStatus:
    """One match's state as the venue reports it, where that came from, and the start it has on file
    (the milestone's start date, or the live data's scheduled time; None when it has neither)."""

    event_ticker: str
    state: MatchState
    source: str  # e.g. "live data", "no milestone listed", "live data unavailable: ..."
    scheduled: datetime | None = None

    @property
    def started(self) -> bool:
        return self.state in (MatchState.LIVE, MatchState.FINISHED)

    @property
    def why(self) -> str:
        """For a stop's reason: 'match has started (live data: live)'."""
        return f"match has started ({self.source}: {self.state.value})"
