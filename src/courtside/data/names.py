"""Name folding and parsing shared by the player registry and the odds join.

Folding makes "Félix Auger-Aliassime", "felix auger aliassime" and "AUGER ALIASSIME" compare equal;
parsing recognises the tennis-data "Surname I." form ("Galan D.E.", "Kuznetsov An.").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

_SEPARATORS = re.compile(r"[-\u2010-\u2015_/.,]+")
_DROPPED = re.compile(r"['’‘`´\"()]")
_SPACES = re.compile(r"\s+")
_SPECIAL = str.maketrans({"ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ß": "ss", "æ": "ae"})
_INITIALS = re.compile(
    r"^(?P<sur>.+?)\s+(?P<ini>(?:[A-Za-z]{1,3}[.-]\s*)*[A-Za-z]{1,3}\.|(?:[A-Z][.-])+[A-Z]|[A-Z])$"
)
SUFFIXES = frozenset({"jr", "sr", "ii", "iii"})


@lru_cache(maxsize=200_000)
def fold(name: str) -> str:
    """Lower-case ASCII, accents stripped, hyphens/dots as spaces, apostrophes dropped, spaces collapsed."""
    text = name
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text.translate(_SPECIAL))
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _DROPPED.sub("", text)
    text = _SEPARATORS.sub(" ", text)
    return _SPACES.sub(" ", text).strip().lower()


@lru_cache(maxsize=200_000)
def tokens(name: str) -> tuple[str, ...]:
    """The folded words of a name."""
    folded = fold(name)
    return tuple(folded.split(" ")) if folded else ()


def compact(name: str) -> str:
    """The folded name without spaces: 'Auger-Aliassime' and 'Auger Aliassime' give 'augeraliassime'."""
    return fold(name).replace(" ", "")


def strip_suffix(surname: str) -> str:
    """A surname without a trailing Jr/Sr/II ('Zverev Sr' -> 'Zverev')."""
    parts = tokens(surname)
    while len(parts) > 1 and parts[-1] in SUFFIXES:
        parts = parts[:-1]
    return " ".join(parts)


@dataclass(frozen=True, slots=True)
class ParsedName:
    """A query name: its folded tokens and, for the 'Surname I.' form, the surname and initials."""

    raw: str
    tokens: tuple[str, ...]
    surname: tuple[str, ...] | None = None
    initials: tuple[str, ...] | None = None


def parse_name(name: str) -> ParsedName:
    """Split 'Galan D.E.' into surname ('galan',) and initials ('d', 'e'); other forms keep tokens only."""
    raw = _SPACES.sub(" ", name).strip()
    m = _INITIALS.match(raw)
    if m is None:
        return ParsedName(raw, tokens(raw))
    chunks = tuple(c.lower() for c in re.split(r"[.\s-]+", m.group("ini")) if c)
    return ParsedName(raw, tokens(raw), tokens(m.group("sur")), chunks)


@lru_cache(maxsize=100_000)
def initials_match(initials: tuple[str, ...], first_tokens: tuple[str, ...]) -> bool:
    """'An.' fits Andrey, 'D.E.' Daniel Elahi, 'J.M.' Juan Manuel; a chunk beyond the names is ignored."""
    if not first_tokens:
        return False
    if len(initials) == 1 and len(first_tokens) > 1 and "".join(t[0] for t in first_tokens) == initials[0]:
        return True
    return all(token.startswith(chunk) for chunk, token in zip(initials, first_tokens, strict=False))
