"""Search of the service guide by pinyin initials (typed on the A-Z keypad) or by a piece of the Chinese name.

    search(items, "GTGS")   -> items whose initials contain G-T-G-S (个体工商户设立登记 …), best first
    search(items, "社保")    -> items whose name contains 社保

An item is anything with `name` and, optionally, `pinyin_initials` (a ServiceItem, or a dict with those
keys). The API's initials are used first; the name's own initials are also computed here, per character
with every reading of a 多音字, so a citizen who types 重 as C or as Z, or 行 as H or as X, still finds it,
and items from an older cache without initials are still found.

Ranking (stable inside each rank, so the catalogue's order is kept): initials or name that START with the
query, then those that contain it. An empty query finds nothing: the screen shows the categories then.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

# pypinyin's phrase dictionary costs about 44 MB of RSS. Matching here does not need it: every reading
# of every character is tried (heteronym=True), and a phrase's reading is one of them.
os.environ.setdefault("PYPINYIN_NO_PHRASES", "1")
from pypinyin import Style, lazy_pinyin, pinyin  # noqa: E402

log = logging.getLogger(__name__)


def _field(item: Any, name: str) -> str:
    value = item.get(name) if isinstance(item, dict) else getattr(item, name, None)
    return str(value or "")


def _keep(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


@lru_cache(maxsize=1024)
def name_initials(name: str) -> tuple[frozenset[str], ...]:
    """The possible initials of each character of `name` (punctuation dropped; ASCII kept as itself)."""
    chars = [ch for ch in name if not ch.isspace()]
    # The phrase-aware reading (银行 -> YH) plus every single-character reading (行 -> H, X).
    phrase = lazy_pinyin(chars, style=Style.FIRST_LETTER, errors=lambda s: list(s))
    out: list[frozenset[str]] = []
    for ch, first in zip(chars, phrase, strict=False):
        if _keep(ch):
            out.append(frozenset({ch.upper()}))
            continue
        readings = {first.upper()} | {r.upper() for r in pinyin(ch, style=Style.FIRST_LETTER, heteronym=True)[0]}
        readings = {r for r in readings if len(r) == 1 and _keep(r)}
        if readings:
            out.append(frozenset(readings))
    return tuple(out)


def _match_at(sets: Sequence[frozenset[str]], query: str) -> int:
    """Position of the first run of characters whose initials spell `query`, or -1."""
    n = len(query)
    for start in range(len(sets) - n + 1):
        if all(query[i] in sets[start + i] for i in range(n)):
            return start
    return -1


def _initials_rank(item: Any, query: str) -> int | None:
    api = _field(item, "pinyin_initials").upper()
    if api.startswith(query):
        return 0
    pos = _match_at(name_initials(_field(item, "name")), query)
    if pos == 0:
        return 0
    if query in api or pos > 0:
        return 1
    return None


def _name_rank(item: Any, query: str) -> int | None:
    pos = _field(item, "name").find(query)
    if pos < 0:
        return None
    return 0 if pos == 0 else 1


def search(items: Iterable[Any], initials: str) -> list:
    """Items matching `initials` (A-Z pinyin initials, any case) or a Chinese name substring; best first."""
    query = "".join(initials.split())
    if not query:
        return []
    if all(_keep(c) for c in query):
        query = query.upper()
        rank = _initials_rank
    else:
        rank = _name_rank
    ranked = []
    for order, item in enumerate(items):
        r = rank(item, query)
        if r is not None:
            ranked.append((r, order, item))
    ranked.sort(key=lambda t: (t[0], t[1]))
    return [item for _r, _o, item in ranked]
