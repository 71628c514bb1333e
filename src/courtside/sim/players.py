"""Name pools, competitions and distractor listings for the random tennis slate of `generator.py`.

Names include the cases that break naive parsers (kalshi-api.md §5.3): accents, hyphens,
multi-word surnames and siblings sharing a surname.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from courtside.domain.tennis import Tour

CODE_OVERRIDES = {"KWON": "KWON"}  # KXATPMATCH-26AUG24KWONLAJ: Kwon's code is 4 letters

ATP_NAMES = (
    "Alexander Zverev",
    "Mischa Zverev",
    "Botic Van de Zandschulp",
    "Felix Auger-Aliassime",
    "Francisco Cerúndolo",
    "Juan Manuel Cerúndolo",
    "Alejandro Davidovich Fokina",
    "Soonwoo Kwon",
    "Dusan Lajovic",
    "Taro Daniel",
    "Pablo Carreno Busta",
    "Karen Khachanov",
    "Luciano Darderi",
    "Stefanos Tsitsipas",
    "Lloyd Harris",
    "Jannik Sinner",
    "Carlos Alcaraz",
    "Novak Djokovic",
    "Daniil Medvedev",
    "Holger Rune",
    "Casper Ruud",
    "Hubert Hurkacz",
    "Alex de Minaur",
    "Taylor Fritz",
    "Tommy Paul",
    "Ben Shelton",
    "Frances Tiafoe",
    "Learner Tien",
    "Adam Walton",
    "Alexei Popyrin",
    "Jerry Roddick",
    "Hynek Barton",
    "Michael Mmoh",
    "Cristian Garin",
    "Daniel Altmaier",
    "Jaume Munar",
    "Roberto Bautista Agut",
    "Tomas Martin Etcheverry",
    "Ugo Humbert",
    "Arthur Fils",
)
WTA_NAMES = (
    "Varvara Lepchenko",
    "Victoria Jimenez Kasintseva",
    "Coco Gauff",
    "Eva Lys",
    "Iga Swiatek",
    "Aryna Sabalenka",
    "Karolina Pliskova",
    "Kristyna Pliskova",
    "Beatriz Haddad Maia",
    "Anna Kalinskaya",
    "Elena Rybakina",
    "Jessica Pegula",
    "Jasmine Paolini",
    "Qinwen Zheng",
    "Madison Keys",
    "Emma Navarro",
    "Daria Kasatkina",
    "Marta Kostyuk",
    "Leylah Fernandez",
    "Sara Sorribes Tormo",
    "Anna Karolina Schmiedlova",
    "Jelena Ostapenko",
    "Magda Linette",
    "Ons Jabeur",
    "Belinda Bencic",
    "Elise Mertens",
    "Donna Vekic",
    "Sofia Kenin",
    "Maria Sakkari",
    "Caroline Garcia",
)
COMPETITIONS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "KXATPMATCH": (
        ("ATP Bastad", "US Open Men Singles", "ATP Madrid", "ATP Tokyo", "ATP Halle"),
        ("Round Of 64", "Round Of 32", "Round Of 16", "Quarterfinal", "Qualification Final"),
    ),
    "KXWTAMATCH": (
        ("WTA Beijing", "US Open Women Singles", "WTA Madrid", "WTA Eastbourne"),
        ("Round Of 64", "Round Of 32", "Round Of 16", "Quarterfinal", "Semifinal"),
    ),
    "KXATPCHALLENGERMATCH": (
        ("Villena", "ATP Challenger Bergamo", "Tampere"),
        ("Round of 32", "Round of 16", "Quarterfinal"),
    ),
    "KXWTACHALLENGERMATCH": (("WTA 125K Modena", "WTA 125K Bari"), ("Round Of 16", "Quarterfinal")),
    "KXITFMATCH": (("M25 Edwardsville IL", "M15 Monastir"), ("Round of 32", "Round of 16")),
    "KXITFWMATCH": (("W35 Hechingen", "W15 Monastir"), ("Round of 32", "Round of 16")),
}
DOUBLES_TEAMS = (
    ("Granollers/Zeballos", "GRAZEB"),
    ("Krawietz/Puetz", "KRAPUE"),
    ("Arevalo/Pavic", "AREPAV"),
    ("Bolelli/Vavassori", "BOLVAV"),
)
TT_PLAYERS = (
    ("Fan Zhendong", "FAN"),
    ("Ma Long", "MA"),
    ("Truls Moregard", "MOR"),
    ("Hugo Calderano", "CAL"),
)
PICKLEBALL_PLAYERS = (
    ("Ben Johns", "JOH"),
    ("Federico Staksrud", "STA"),
    ("Anna Leigh Waters", "WAT"),
    ("Anna Bright", "BRI"),
)


def pool(tour: Tour) -> list[str]:
    return list(ATP_NAMES if tour is Tour.ATP else WTA_NAMES)


def competition(series: str, rng: random.Random) -> tuple[str, tuple[str, ...]]:
    names, rounds = COMPETITIONS[series]
    return rng.choice(names), rounds


def _distractor_market(
    ticker: str, event_ticker: str, name: str, start: datetime, now: datetime
) -> dict[str, Any]:
    close = start + timedelta(days=14)
    iso = start.isoformat().replace("+00:00", "Z")
    return {
        "ticker": ticker,
        "event_ticker": event_ticker,
        "title": f"{name} wins",
        "yes_sub_title": name,
        "no_sub_title": name,
        "rules_primary": f"If {name} wins, then the market resolves to Yes.",
        "open_time": min(now, start).isoformat().replace("+00:00", "Z"),
        "close_time": close.isoformat().replace("+00:00", "Z"),
        "expected_expiration_time": iso,
        "occurrence_datetime": iso,
        "status": "active",
        "exchange_index": 3,
    }


def add_distractors(bundle: dict[str, Any], rng: random.Random, now: datetime, count: int) -> None:
    """Doubles, set-winner, table-tennis and pickleball events a tennis scanner must skip."""
    if count <= 0:
        return
    bundle["series"] += [
        {"ticker": "KXATPDOUBLES", "title": "ATP Doubles Match", "category": "Sports", "tags": ["Tennis"]},
        {"ticker": "KXATPSETWINNER", "title": "ATP Set Winner", "category": "Sports", "tags": ["Tennis"]},
        {
            "ticker": "KXTTMATCH",
            "title": "Table Tennis Match",
            "category": "Sports",
            "tags": ["Table Tennis"],
        },
        {
            "ticker": "KXPICKLEBALLMATCH",
            "title": "Pickleball Match",
            "category": "Sports",
            "tags": ["Tennis"],
        },
    ]
    for i in range(count):
        start = (now + timedelta(hours=rng.randint(1, 48))).replace(minute=0, second=0, microsecond=0)
        day = f"{start:%y}{start:%b}{start:%d}".upper()
        kind = i % 4
        if kind == 0:
            (a, ca), (b, cb) = rng.sample(DOUBLES_TEAMS, 2)
            _pair(bundle, f"KXATPDOUBLES-{day}{ca}{cb}", "KXATPDOUBLES", (a, ca), (b, cb), start, now)
        elif kind == 1:
            a, b = rng.sample(ATP_NAMES, 2)
            ca, cb = a.split()[-1][:3].upper(), b.split()[-1][:3].upper()
            event = f"KXATPSETWINNER-{day}{ca}{cb}-{rng.randint(1, 3)}"
            _pair(bundle, event, "KXATPSETWINNER", (a, ca), (b, cb), start, now)
        else:
            series, names = (
                ("KXTTMATCH", TT_PLAYERS) if kind == 2 else ("KXPICKLEBALLMATCH", PICKLEBALL_PLAYERS)
            )
            (a, ca), (b, cb) = rng.sample(names, 2)
            _pair(bundle, f"{series}-{day}{ca}{cb}", series, (a, ca), (b, cb), start, now)


def _pair(
    bundle: dict[str, Any],
    event_ticker: str,
    series: str,
    a: tuple[str, str],
    b: tuple[str, str],
    start: datetime,
    now: datetime,
) -> None:
    if any(e["event_ticker"] == event_ticker for e in bundle["events"]):
        return
    bundle["events"].append(
        {
            "event_ticker": event_ticker,
            "series_ticker": series,
            "title": f"{a[0]} vs {b[0]}",
            "sub_title": f"{a[0]} vs {b[0]} ({start:%b %d})",
            "exchange_index": 3,
            "product_metadata": {"competition_scope": "Game"},
        }
    )
    for name, code in (a, b):
        bundle["markets"].append(_distractor_market(f"{event_ticker}-{code}", event_ticker, name, start, now))
