"""Historical match tables, filled by `courtside data ingest` (courtside.data.ingest).

Natural keys make the ingest idempotent: players by key ('atp:104925'), matches by
(tour, tourney_id, round, match_num) (the WTA reuses match_num between qualifying and main draw),
odds rows by (tour, date, winner, loser, round). `row_hash` tells an unchanged row from one corrected in
its source file: it covers the file's columns, not the derived ones (a player's first/last seen and match
counts, an odds row's join to its match), which the ingest refreshes by comparing values.
`history_source_files` holds the size and blake2b digest of every file whose rows are in, so an ingest
reads only the files that changed since.
Bookmaker odds are prices, so they are stored as exact Decimal text.
Tennis databases, files, and algorithms by Jeff Sackmann / Tennis Abstract (CC BY-NC-SA 4.0);
odds from tennis-data.co.uk.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import BigInteger, Boolean, Date, Float, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from courtside.store.db import Base
from courtside.store.journal_tables import DecimalText, UTCDateTime

__all__ = [
    "STAT_FIELDS",
    "Base",
    "HistoryMatch",
    "HistoryOdds",
    "HistoryPlayer",
    "IngestRun",
    "SourceFile",
]

STAT_FIELDS = ("ace", "df", "svpt", "1stIn", "1stWon", "2ndWon", "SvGms", "bpSaved", "bpFaced")


class HistoryPlayer(Base):
    """One Sackmann player, with when they played (from the match files)."""

    __tablename__ = "history_players"
    key: Mapped[str] = mapped_column(String(16), primary_key=True)
    tour: Mapped[str] = mapped_column(String(3), index=True)
    player_id: Mapped[int] = mapped_column(Integer)
    name_first: Mapped[str] = mapped_column(String(80))
    name_last: Mapped[str] = mapped_column(String(80), index=True)
    full_name: Mapped[str] = mapped_column(String(160))
    hand: Mapped[str | None] = mapped_column(String(1))
    dob: Mapped[date | None] = mapped_column(Date)
    ioc: Mapped[str | None] = mapped_column(String(3))
    height: Mapped[float | None] = mapped_column(Float)
    first_seen: Mapped[date | None] = mapped_column(Date)
    last_seen: Mapped[date | None] = mapped_column(Date)
    n_matches: Mapped[int] = mapped_column(Integer, default=0)
    n_tour_matches: Mapped[int] = mapped_column(Integer, default=0)
    row_hash: Mapped[int] = mapped_column(BigInteger)


class HistoryMatch(Base):
    """One Sackmann match, columns as in courtside.data.sources.load_matches."""

    __tablename__ = "history_matches"
    __table_args__ = (
        UniqueConstraint("tour", "tourney_id", "round", "match_num", name="uq_history_match"),
        Index("ix_history_matches_date", "tourney_date"),
        Index("ix_history_matches_winner", "winner_key"),
        Index("ix_history_matches_loser", "loser_key"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tour: Mapped[str] = mapped_column(String(3))
    source: Mapped[str] = mapped_column(String(12))
    tourney_id: Mapped[str] = mapped_column(String(48))
    tourney_name: Mapped[str | None] = mapped_column(String(120))
    surface: Mapped[str | None] = mapped_column(String(8))
    draw_size: Mapped[float | None] = mapped_column(Float)
    tourney_level: Mapped[str | None] = mapped_column(String(8))
    level: Mapped[str] = mapped_column(String(16))
    tourney_date: Mapped[date] = mapped_column(Date)
    match_num: Mapped[int] = mapped_column(Integer)
    round: Mapped[str] = mapped_column(String(6))
    round_order: Mapped[int] = mapped_column(Integer)
    best_of: Mapped[int] = mapped_column(Integer)
    winner_id: Mapped[int] = mapped_column(Integer)
    winner_key: Mapped[str] = mapped_column(String(16))
    winner_seed: Mapped[float | None] = mapped_column(Float)
    winner_entry: Mapped[str | None] = mapped_column(String(8))
    winner_name: Mapped[str | None] = mapped_column(String(120))
    winner_hand: Mapped[str | None] = mapped_column(String(1))
    winner_ht: Mapped[float | None] = mapped_column(Float)
    winner_ioc: Mapped[str | None] = mapped_column(String(3))
    winner_age: Mapped[float | None] = mapped_column(Float)
    winner_rank: Mapped[float | None] = mapped_column(Float)
    winner_rank_points: Mapped[float | None] = mapped_column(Float)
    loser_id: Mapped[int] = mapped_column(Integer)
    loser_key: Mapped[str] = mapped_column(String(16))
    loser_seed: Mapped[float | None] = mapped_column(Float)
    loser_entry: Mapped[str | None] = mapped_column(String(8))
    loser_name: Mapped[str | None] = mapped_column(String(120))
    loser_hand: Mapped[str | None] = mapped_column(String(1))
    loser_ht: Mapped[float | None] = mapped_column(Float)
    loser_ioc: Mapped[str | None] = mapped_column(String(3))
    loser_age: Mapped[float | None] = mapped_column(Float)
    loser_rank: Mapped[float | None] = mapped_column(Float)
    loser_rank_points: Mapped[float | None] = mapped_column(Float)
    score: Mapped[str | None] = mapped_column(String(80))
    minutes: Mapped[float | None] = mapped_column(Float)
    w_ace: Mapped[float | None] = mapped_column(Float)
    w_df: Mapped[float | None] = mapped_column(Float)
    w_svpt: Mapped[float | None] = mapped_column(Float)
    w_1stIn: Mapped[float | None] = mapped_column(Float)
    w_1stWon: Mapped[float | None] = mapped_column(Float)
    w_2ndWon: Mapped[float | None] = mapped_column(Float)
    w_SvGms: Mapped[float | None] = mapped_column(Float)
    w_bpSaved: Mapped[float | None] = mapped_column(Float)
    w_bpFaced: Mapped[float | None] = mapped_column(Float)
    l_ace: Mapped[float | None] = mapped_column(Float)
    l_df: Mapped[float | None] = mapped_column(Float)
    l_svpt: Mapped[float | None] = mapped_column(Float)
    l_1stIn: Mapped[float | None] = mapped_column(Float)
    l_1stWon: Mapped[float | None] = mapped_column(Float)
    l_2ndWon: Mapped[float | None] = mapped_column(Float)
    l_SvGms: Mapped[float | None] = mapped_column(Float)
    l_bpSaved: Mapped[float | None] = mapped_column(Float)
    l_bpFaced: Mapped[float | None] = mapped_column(Float)
    outcome: Mapped[str] = mapped_column(String(10))
    row_hash: Mapped[int] = mapped_column(BigInteger)


class HistoryOdds(Base):
    """One tennis-data.co.uk row with closing odds, joined to its Sackmann match when found."""

    __tablename__ = "history_odds"
    __table_args__ = (
        UniqueConstraint("tour", "date", "winner", "loser", "round", name="uq_history_odds"),
        Index("ix_history_odds_match", "tour", "tourney_id", "match_num"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tour: Mapped[str] = mapped_column(String(3))
    date: Mapped[date] = mapped_column(Date)
    location: Mapped[str | None] = mapped_column(String(80))
    tournament: Mapped[str | None] = mapped_column(String(120))
    series: Mapped[str | None] = mapped_column(String(40))
    court: Mapped[str | None] = mapped_column(String(16))
    surface: Mapped[str | None] = mapped_column(String(16))
    round: Mapped[str] = mapped_column(String(24))
    best_of: Mapped[int] = mapped_column(Integer)
    winner: Mapped[str] = mapped_column(String(80))
    loser: Mapped[str] = mapped_column(String(80))
    wrank: Mapped[float | None] = mapped_column(Float)
    lrank: Mapped[float | None] = mapped_column(Float)
    comment: Mapped[str | None] = mapped_column(String(24))
    PSW: Mapped[Decimal | None] = mapped_column(DecimalText)
    PSL: Mapped[Decimal | None] = mapped_column(DecimalText)
    B365W: Mapped[Decimal | None] = mapped_column(DecimalText)
    B365L: Mapped[Decimal | None] = mapped_column(DecimalText)
    MaxW: Mapped[Decimal | None] = mapped_column(DecimalText)
    MaxL: Mapped[Decimal | None] = mapped_column(DecimalText)
    AvgW: Mapped[Decimal | None] = mapped_column(DecimalText)
    AvgL: Mapped[Decimal | None] = mapped_column(DecimalText)
    tourney_id: Mapped[str | None] = mapped_column(String(48))
    match_num: Mapped[int | None] = mapped_column(Integer)
    match_round: Mapped[str | None] = mapped_column(String(6))
    winner_key: Mapped[str | None] = mapped_column(String(16))
    loser_key: Mapped[str | None] = mapped_column(String(16))
    join_status: Mapped[str] = mapped_column(String(10))
    join_reason: Mapped[str] = mapped_column(String(120))
    row_hash: Mapped[int] = mapped_column(BigInteger)


class IngestRun(Base):
    """One `courtside data ingest`: where from, which files it read or skipped and what it added or
    refused and why (JSON); `full` when --full made it read every file."""

    __tablename__ = "history_ingest_runs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    source_dir: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12), default="running")
    counts: Mapped[str] = mapped_column(Text, default="{}")
    rejections: Mapped[str] = mapped_column(Text, default="{}")
    join_rate: Mapped[float | None] = mapped_column(Float)
    full: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    files: Mapped[str | None] = mapped_column(Text, nullable=True)


class SourceFile(Base):
    """A data file whose rows are in the store, as it was when they went in (same transaction)."""

    __tablename__ = "history_source_files"
    path: Mapped[str] = mapped_column(String(255), primary_key=True)  # relative to the data folder
    kind: Mapped[str] = mapped_column(String(8))  # players, matches or odds
    size: Mapped[int] = mapped_column(BigInteger)
    blake2b: Mapped[str] = mapped_column(String(64))  # hex digest (32 bytes) of the file's bytes
    reader: Mapped[int] = mapped_column(Integer)  # courtside.data.manifest.READER_VERSION that read it
    run_id: Mapped[int] = mapped_column(Integer)
    read_at: Mapped[datetime] = mapped_column(UTCDateTime)
