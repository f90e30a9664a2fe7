"""Chinese line breaking (禁则, after GB/T 15834 and the W3C "Requirements for Chinese Text Layout").

`break_lines(text, measure, width)` is the one line breaker for slips and on-screen labels; the caller
brings the measure (printer columns, or a font's advance in pixels), so both wrap by the same rules:

- A line never begins with closing punctuation (，。、；：？！）》」』】〕… and their kin) and never ends
  with opening punctuation (（《「『【〔“ …): a break is only taken where neither would happen, so the
  character before a closing mark goes down with it (the usual 挤进/推出 choice: we push out).
- Runs of ASCII (and other non-CJK letters and digits, full-width ones too) without spaces are one token — numbers, case
  numbers such as SD2024050100012, phone numbers, URLs, Latin words — and are never split. "……" and
  "——" are one token too.
- Between Han characters a break may fall anywhere; at spaces it falls on the space, which is dropped.

Choices where the rules cannot all hold:
- A piece that is wider than the whole line (a token, or a token glued to its punctuation) is still
  split, by character, rather than overflow the line; the split pushes a character down when that keeps
  a closing mark off the start of a line. So every line fits, unless one single character is wider
  than `width` (then it stands alone on its line).
- A paragraph does not end on a line of one lone Han character (孤字, with or without its closing
  mark): the character before it comes down too, when the line above keeps at least two pieces.
  "企业信息查询" in a narrow tile is "企业信息 / 查询", not "企业信息查 / 询".
- Whitespace at the start and end of every paragraph and at every soft break is dropped; whitespace
  inside a line stays as written. "\\n" is a hard break; an empty paragraph gives one empty line.
So "".join(lines) equals the text minus whitespace at breaks and paragraph ends, and nothing else.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

Measure = Callable[[str], float]

#: Must not begin a line (行首禁则).
CLOSING = frozenset("，。、；：？！）》」』】〕〉〗〙〛］｝”’…‥・·％‰℃°．,.;:?!)]}%")
#: Must not end a line (行尾禁则). Currency signs stay with the amount that follows.
OPENING = frozenset("（《「『【〔〈〖〘〚［｛“‘([{￥¥$")
#: Marks that come in pairs and must not be parted: …… and ——.
_PAIRED = frozenset("…—")


def _is_word_char(ch: str) -> bool:
    """Part of an unbreakable token: ASCII that is not a space, or a narrow letter/digit (é, ß, Ⅳ…)."""
    if ch.isspace():
        return False
    if ord(ch) < 0x80:
        return True
    if "\uff10" <= ch <= "\uff5a":  # full-width digits and Latin letters (１２３, ＡＢＣ) are tokens too
        return ch.isalnum()
    if unicodedata.east_asian_width(ch) in ("W", "F"):
        return False
    return unicodedata.category(ch)[0] in "LN"


def _joins_previous(ch: str) -> bool:
    """Combining marks, variation selectors and ZWJ belong to the character before them."""
    return bool(unicodedata.combining(ch)) or unicodedata.category(ch) in ("Mn", "Me", "Cf")


def _atoms(para: str) -> tuple[list[str], list[str]]:
    """Split a paragraph (no leading/trailing whitespace) into unbreakable atoms and the whitespace gaps
    between them: atoms[i] + gaps[i] + atoms[i + 1]; an empty gap is a break between two Han characters."""
    atoms: list[str] = []
    gaps: list[str] = []
    i, n = 0, len(para)
    while i < n:
        ch = para[i]
        j = i + 1
        if ch.isspace():
            while j < n and para[j].isspace():
                j += 1
            gaps[-1] += para[i:j]
            i = j
            continue
        if _is_word_char(ch):
            while j < n and (_is_word_char(para[j]) or _joins_previous(para[j])):
                j += 1
        elif ch in _PAIRED:
            while j < n and (para[j] == ch or _joins_previous(para[j])):
                j += 1
        else:
            while j < n and _joins_previous(para[j]):
                j += 1
        if atoms and not gaps[-1] and _joins_previous(ch):
            atoms[-1] += para[i:j]  # a stray mark after a token stays with it
        else:
            atoms.append(para[i:j])
            gaps.append("")
        i = j
    return atoms, gaps[:-1] if gaps else gaps


def _may_break(before: str, after: str) -> bool:
    return before[-1] not in OPENING and after[0] not in CLOSING


def _clusters(atoms: list[str], gaps: list[str]) -> tuple[list[str], list[str]]:
    """Glue atoms across the gaps where no break is allowed; what is left are the break opportunities."""
    clusters = [atoms[0]]
    out_gaps: list[str] = []
    for gap, atom in zip(gaps, atoms[1:], strict=True):
        if _may_break(clusters[-1], atom):
            out_gaps.append(gap)
            clusters.append(atom)
        else:
            clusters[-1] += gap + atom
    return clusters, out_gaps


def _chars(s: str) -> list[str]:
    """Characters with their combining marks attached: the smallest pieces a forced split may make."""
    out: list[str] = []
    for ch in s:
        if out and _joins_previous(ch):
            out[-1] += ch
        else:
            out.append(ch)
    return out


def _force_split(s: str, measure: Measure, width: float) -> list[str]:
    """Split a piece wider than the line by character. Best effort for the punctuation rules: a
    character is pushed down with a closing mark (or an opening mark goes down) when the line keeps
    something and the pushed pair still fits."""
    lines: list[str] = []
    cur: list[str] = []
    for ch in _chars(s):
        if cur and measure("".join(cur) + ch) > width:
            carry: list[str] = []
            if len(cur) > 1 and (ch[0] in CLOSING or cur[-1][-1] in OPENING) \
                    and measure(cur[-1] + ch) <= width:
                carry = [cur.pop()]
            lines.append("".join(cur).rstrip())
            cur = [c for c in carry if not c.isspace()]
        if cur or not ch.isspace():
            cur.append(ch)
    if cur:
        lines.append("".join(cur))
    return lines


def _lone_han(cluster: str) -> bool:
    """One Han character, perhaps with the closing marks glued to it: an orphan if it ends a paragraph."""
    core = cluster.rstrip("".join(CLOSING))
    return len(_chars(core)) == 1 and unicodedata.east_asian_width(core[0]) in ("W", "F") \
        and unicodedata.category(core[0]) == "Lo"


def _break_paragraph(para: str, measure: Measure, width: float) -> list[str]:
    para = para.strip()
    if not para:
        return [""]
    clusters, gaps = _clusters(*_atoms(para))
    # Each line as the (gap before, cluster) pieces it was made of, so the orphan rule can move one down.
    lines: list[list[tuple[str, str]]] = []
    cur: list[tuple[str, str]] = []

    def text(pieces: list[tuple[str, str]]) -> str:
        return "".join(g + c for g, c in pieces).strip() if pieces else ""

    for k, cluster in enumerate(clusters):
        gap = gaps[k - 1] if k else ""
        if cur and measure(text(cur) + gap + cluster) <= width:
            cur.append((gap, cluster))
            continue
        if cur:
            lines.append(cur)
        if measure(cluster) <= width:
            cur = [(gap, cluster)]       # the gap at a break is dropped by text(), kept if it moves inside
            continue
        pieces = _force_split(cluster, measure, width)
        lines.extend([("", p)] for p in pieces[:-1])
        cur = [("", pieces[-1])]
    if lines and len(cur) == 1 and _lone_han(cur[0][1]) and len(lines[-1]) >= 3:
        joined = [lines[-1][-1], cur[0]]
        if measure(text(joined)) <= width:
            lines[-1] = lines[-1][:-1]
            cur = joined
    lines.append(cur)
    return [text(line) for line in lines]


def break_lines(text: str, measure: Measure, width: float) -> list[str]:
    """Break `text` into lines no wider than `width` as `measure` measures them, by the rules above.

    measure: text → width in any unit (columns, pixels), the same unit as `width`."""
    lines: list[str] = []
    for para in text.split("\n"):
        lines.extend(_break_paragraph(para, measure, width))
    return lines

