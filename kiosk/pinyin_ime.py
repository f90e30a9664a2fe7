"""A small offline 拼音 input method for the touch keyboard (帮办模式: a helper types for a citizen).

Why our own: Kivy's VKeyboard is Latin only, the kiosk has no network and no system IME is guaranteed.
The index is built from the pinyin data that pypinyin ships (pinyin_dict: code point -> readings,
phrases_dict: phrase -> readings), tones stripped, ü written as v, as people type it.

Only characters that GBK encodes are offered: the receipt printer prints GBK and the app font is a GBK
subset, so anything else would print or draw as a box.

Ranking (pypinyin has no frequency list):
  1. GB2312 level-1 hanzi (GBK B0A1–D7F9) before level-2 (D8A1–F7FE) before the rest of GBK;
  2. inside a level, characters used more often with THIS reading in pypinyin's phrase list first
     (a proxy for frequency: 水 is in hundreds of phrases, 氵 in none; 行 counts for xing and hang apart);
  3. then characters whose first (main) reading this is, then GBK order.
Phrases: fewer characters first, then by their characters' ranks.

    ime = PinyinIme()
    ime.candidates("shui")      -> ['水', '睡', '税', '谁', …]
    ime.candidates("zh")        -> characters of zha, zhai, zhan, … ranked together
    ime.candidates("beijing")   -> ['北京', '背景', …, then characters of bei]
    ime.lookup("zhangsan")      -> [Candidate('张三', 8), …, Candidate('张', 5), …]

`lookup` says how many typed letters each candidate consumes, so a keyboard can take a character for the
first syllable and keep composing the rest (zhang|san -> 张, then san -> 三).

The index is built lazily, once per process, in memory (about 0.4 s of CPU including pypinyin's own
import; `build_seconds` records the wall time, which grows on a loaded machine) and shared by every PinyinIme.
"""

from __future__ import annotations

import bisect
import logging
import re
import threading
import time
import unicodedata
from collections import defaultdict
from typing import NamedTuple

log = logging.getLogger(__name__)

_LETTERS = re.compile(r"[a-z]+")
# How many candidates of each kind a lookup returns at most; the keyboard pages through them.
MAX_PREFIX_PHRASES = 40
MAX_CANDIDATES = 400
_INTERJECTIONS = frozenset({"n", "m", "ng", "hm", "hng"})


class Candidate(NamedTuple):
    text: str
    consumed: int          # how many letters of the typed pinyin this candidate stands for


def strip_tone(reading: str) -> str:
    """'shuǐ' -> 'shui', 'lǜ' -> 'lv', 'ń' -> 'n'; '' when the reading is not plain pinyin afterwards."""
    s = reading.strip().lower()
    for u in "üǖǘǚǜ":
        s = s.replace(u, "v")
    s = "".join(c for c in unicodedata.normalize("NFD", s) if not unicodedata.combining(c))
    s = s.replace("u:", "v")
    return s if _LETTERS.fullmatch(s) else ""


def gbk_level(ch: str) -> int | None:
    """0 for GB2312 level-1 hanzi, 1 for level-2, 2 for any other GBK character; None if GBK lacks it."""
    try:
        b = ch.encode("gbk")
    except UnicodeEncodeError:
        return None
    if len(b) != 2:
        return 2
    hi, lo = b[0], b[1]
    if 0xB0 <= hi <= 0xD7 and 0xA1 <= lo <= 0xFE and not (hi == 0xD7 and lo > 0xF9):
        return 0
    if 0xD8 <= hi <= 0xF7 and 0xA1 <= lo <= 0xFE:
        return 1
    return 2


class _Index:
    """Everything a lookup needs. Built once (see _index()); lists are ranked on first use and kept."""

    def __init__(self) -> None:
        from pypinyin.phrases_dict import phrases_dict
        from pypinyin.pinyin_dict import pinyin_dict

        t0, c0 = time.perf_counter(), time.process_time()
        plain_cache: dict[str, str] = {}

        # Walk GBK's code space rather than pypinyin's 42 000 code points: fewer, and the level follows
        # from the bytes without encoding each character.
        levels: dict[str, int] = {}
        main_reading: dict[str, str] = {}
        by_syllable: dict[str, list[str]] = defaultdict(list)
        for hi in range(0x81, 0xFF):
            for lo in range(0x40, 0xFF):
                try:
                    ch = bytes((hi, lo)).decode("gbk")
                except UnicodeDecodeError:
                    continue
                readings = pinyin_dict.get(ord(ch))
                if readings is None:
                    continue
                if 0xB0 <= hi <= 0xD7 and lo >= 0xA1 and not (hi == 0xD7 and lo > 0xF9):
                    levels[ch] = 0
                elif 0xD8 <= hi <= 0xF7 and lo >= 0xA1:
                    levels[ch] = 1
                else:
                    levels[ch] = 2
                for i, r in enumerate(readings.split(",")):
                    p = plain_cache.get(r)
                    if p is None:
                        p = plain_cache[r] = strip_tone(r)
                    if not p:
                        continue
                    if i == 0:
                        main_reading[ch] = p
                    by_syllable[p].append(ch)

        # Usage counts per (character, reading) and the phrase index, from one pass over the phrases.
        # pypinyin's phrase list is mostly phrases with a 多音字, so the counts are a rough proxy only.
        uses: dict[tuple[str, str], int] = {}
        phrases: dict[str, list[str]] = defaultdict(list)
        for phrase, readings in phrases_dict.items():
            if len(phrase) != len(readings):
                continue
            sylls = []
            for c, r in zip(phrase, readings, strict=True):
                if c not in levels or not r:
                    break
                p = plain_cache.get(r[0])
                if p is None:
                    p = plain_cache[r[0]] = strip_tone(r[0])
                if not p:
                    break
                sylls.append(p)
            else:
                for pair in zip(phrase, sylls, strict=True):
                    uses[pair] = uses.get(pair, 0) + 1
                phrases["".join(sylls)].append(phrase)

        best_uses: dict[str, int] = {}
        for (ch, _p), n in uses.items():
            if n > best_uses.get(ch, 0):
                best_uses[ch] = n

        self.levels = levels
        self.main_reading = main_reading
        self.uses = uses
        self._phrase_texts: list[str] = []
        self.best_uses = best_uses
        self._raw_syllables = by_syllable
        self._raw_phrases = phrases
        self._ranked_syllables: dict[str, list[str]] = {}
        self._ranked_phrases: dict[str, list[str]] = {}
        self.sorted_syllables = sorted(by_syllable)
        self.phrase_keys = sorted(phrases)
        self.build_seconds = time.perf_counter() - t0
        self.build_cpu_seconds = time.process_time() - c0
        log.info("pinyin index: %d syllables, %d characters, %d phrase keys in %.3f s",
                 len(by_syllable), len(levels), len(phrases), self.build_seconds)

    def char_key(self, ch: str, syll: str) -> tuple[int, int, int, bytes]:
        return (self.levels[ch], -self.uses.get((ch, syll), 0), 0 if self.main_reading.get(ch) == syll else 1,
                ch.encode("gbk"))

    def phrase_key(self, ph: str) -> tuple:
        # Fewer characters first; then no rare character; then words that start other words; then
        # characters common in phrases.
        return (len(ph), max(self.levels[c] for c in ph), -self.extensions(ph),
                -sum(self.best_uses.get(c, 0) for c in ph) / len(ph), ph.encode("gbk"))

    def extensions(self, ph: str) -> int:
        """How many longer phrases start with `ph`: 北京 starts 北京人, 北京市, 北京大学 …, a sign of a common word."""
        if not self._phrase_texts:
            self._phrase_texts = sorted({p for group in self._raw_phrases.values() for p in group})
        texts = self._phrase_texts
        i = bisect.bisect_right(texts, ph)
        j = bisect.bisect_left(texts, ph + "\U0010ffff")
        return j - i

    def chars(self, syll: str) -> list[str]:
        """The characters read `syll`, best first."""
        ranked = self._ranked_syllables.get(syll)
        if ranked is None:
            raw = self._raw_syllables.get(syll, [])
            ranked = sorted(set(raw), key=lambda c: self.char_key(c, syll))
            self._ranked_syllables[syll] = ranked
        return ranked

    def phrases(self, key: str) -> list[str]:
        """The phrases whose toneless pinyin run is exactly `key`, best first."""
        ranked = self._ranked_phrases.get(key)
        if ranked is None:
            ranked = sorted(self._raw_phrases.get(key, []), key=self.phrase_key)
            self._ranked_phrases[key] = ranked
        return ranked

    def is_syllable(self, s: str) -> bool:
        return s in self._raw_syllables


_lock = threading.Lock()
_built: _Index | None = None
_import_seconds: float = 0.0


def _index() -> _Index:
    global _built, _import_seconds
    if _built is None:
        with _lock:
            if _built is None:
                t0 = time.perf_counter()
                import pypinyin.phrases_dict  # noqa: F401
                import pypinyin.pinyin_dict  # noqa: F401

                _import_seconds = time.perf_counter() - t0
                _built = _Index()
    return _built


class PinyinIme:
    """Candidates for toneless pinyin typed on the touch keyboard. Cheap to create; the index is shared."""

    @property
    def build_seconds(self) -> float:
        """Seconds the shared index took to build (pypinyin's import included)."""
        idx = _index()
        return idx.build_seconds + _import_seconds

    def warm_up(self) -> None:
        """Build the index now (e.g. on a worker thread at start-up) instead of at the first key."""
        _index()

    def is_syllable(self, s: str) -> bool:
        return _index().is_syllable(s)

    def is_prefix(self, s: str) -> bool:
        """True when some syllable starts with `s` (the letters so far may still become a syllable)."""
        keys = _index().sorted_syllables
        i = bisect.bisect_left(keys, s)
        return bool(s) and i < len(keys) and keys[i].startswith(s)

    def split_syllables(self, s: str) -> list[str]:
        """'beijing' -> ['bei', 'jing']; the last piece may be an unfinished syllable ('zhangs' -> ['zhang', 's']).

        Longest syllable first, backing off when the rest cannot be split ('xian' -> ['xian'],
        'fangan' -> ['fang', 'an']). [] when `s` cannot be split at all.
        """
        s = s.lower()
        if not _LETTERS.fullmatch(s or "-"):
            return []
        idx = _index()
        memo: dict[int, list[str] | None] = {}

        def go(i: int) -> list[str] | None:
            if i == len(s):
                return []
            if i in memo:
                return memo[i]
            out = None
            for j in range(min(len(s), i + 6), i, -1):
                piece = s[i:j]
                if idx.is_syllable(piece):
                    rest = go(j)
                    if rest is not None:
                        out = [piece, *rest]
                        break
            if out is None and self.is_prefix(s[i:]):
                out = [s[i:]]
            memo[i] = out
            return out

        return go(0) or []

    def _chars_for_prefix(self, p: str) -> list[str]:
        idx = _index()
        keys = idx.sorted_syllables
        i = bisect.bisect_left(keys, p)
        ranked: dict[str, tuple] = {}
        while i < len(keys) and keys[i].startswith(p):
            s = keys[i]
            for ch in idx.chars(s):
                k = idx.char_key(ch, s)
                if ch not in ranked or k < ranked[ch]:
                    ranked[ch] = k
            i += 1
        return sorted(ranked, key=ranked.__getitem__)

    def _phrases_with_prefix(self, p: str, limit: int) -> list[str]:
        idx = _index()
        keys = idx.phrase_keys
        i = bisect.bisect_right(keys, p)        # skip the exact key: the caller already has it
        found: list[str] = []
        while i < len(keys) and keys[i].startswith(p) and len(found) < limit * 4:
            found.extend(idx.phrases(keys[i]))
            i += 1
        found.sort(key=idx.phrase_key)
        return found[:limit]

    def lookup(self, pinyin: str) -> list[Candidate]:
        """Candidates for `pinyin`, best first, each with how many letters it consumes. [] for no match."""
        s = (pinyin or "").strip().lower()
        if not _LETTERS.fullmatch(s or "-"):
            return []
        idx = _index()
        out: list[Candidate] = []
        seen: set[str] = set()

        def add(texts: list[str], consumed: int) -> None:
            for t in texts:
                if t not in seen:
                    seen.add(t)
                    out.append(Candidate(t, consumed))

        parts = self.split_syllables(s)
        add(idx.phrases(s), len(s))
        if len(parts) <= 1:
            if s not in _INTERJECTIONS:       # typing n or m means na/ni/ma/mi …, not 嗯 or 呣 first
                add(idx.chars(s), len(s))
            add(self._chars_for_prefix(s), len(s))
            add(self._phrases_with_prefix(s, MAX_PREFIX_PHRASES), len(s))
        else:
            # Completions of the whole run (beij -> 北京), then the longest leading phrase, then the first
            # syllable's characters, so the rest can be typed on.
            add(self._phrases_with_prefix(s, MAX_PREFIX_PHRASES), len(s))
            for k in range(len(parts) - 1, 1, -1):
                head = "".join(parts[:k])
                add(idx.phrases(head), len(head))
            add(idx.chars(parts[0]), len(parts[0]))
        return out[:MAX_CANDIDATES]

    def candidates(self, pinyin: str) -> list[str]:
        """The candidate texts for `pinyin` (a syllable, a prefix like 'zh', or a run like 'beijing')."""
        return [c.text for c in self.lookup(pinyin)]
