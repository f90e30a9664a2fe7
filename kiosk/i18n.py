"""gettext-style catalogs: the source strings are Chinese (zh_CN, the default); assets/i18n/<lang>/*.po
hold the translations, one file per screen (so screens are translated and reviewed on their own). A missing translation falls back to the Chinese source and is logged once, so
a gap shows as Chinese, never as an empty button.

The .po reader handles what our catalogs use (msgctxt-free entries, msgid/msgstr with continuation
lines and C escapes); it replaces compiling .mo files at build time.
"""

from __future__ import annotations

import ast
import logging
import threading
from pathlib import Path

log = logging.getLogger(__name__)

I18N_DIR = Path(__file__).resolve().parents[1] / "assets" / "i18n"
LANGUAGES = ("zh_CN", "en")
DEFAULT_LANGUAGE = "zh_CN"


class CatalogError(ValueError):
    pass


def _unquote(s: str, where: str) -> str:
    s = s.strip()
    if not (len(s) >= 2 and s[0] == s[-1] == '"'):
        raise CatalogError(f"{where}: expected a quoted string, got {s!r}")
    return ast.literal_eval(s)


def parse_po(text: str, name: str = "<po>") -> dict[str, str]:
    entries: dict[str, str] = {}
    msgid: str | None = None
    msgstr: str | None = None
    current = None

    def flush() -> None:
        if msgid is not None and msgid != "" and msgstr:
            entries[msgid] = msgstr

    for no, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        where = f"{name}:{no}"
        if not line or line.startswith("#"):
            continue
        if line.startswith("msgid "):
            flush()
            msgid, msgstr, current = _unquote(line[6:], where), None, "id"
        elif line.startswith("msgstr "):
            if msgid is None:
                raise CatalogError(f"{where}: msgstr without msgid")
            msgstr, current = _unquote(line[7:], where), "str"
        elif line.startswith('"'):
            if current == "id" and msgid is not None:
                msgid += _unquote(line, where)
            elif current == "str" and msgstr is not None:
                msgstr += _unquote(line, where)
            else:
                raise CatalogError(f"{where}: continuation outside an entry")
        else:
            raise CatalogError(f"{where}: cannot read {line!r}")
    flush()
    return entries


def load_language(folder: Path) -> dict[str, str]:
    """All .po files of one language; one msgid translated two ways is an error, not a coin toss."""
    merged: dict[str, str] = {}
    origin: dict[str, str] = {}
    for path in sorted(folder.glob("*.po")):
        for msgid, msgstr in parse_po(path.read_text(encoding="utf-8"), path.name).items():
            if msgid in merged and merged[msgid] != msgstr:
                raise CatalogError(f"{path.name}: {msgid!r} is translated differently in {origin[msgid]}")
            merged[msgid], origin[msgid] = msgstr, path.name
    return merged


class Translations:
    """The catalogs, each read when its language is first wanted: the English one (60 KB of .po, ~10 ms)
    is not on the way to the home screen's first frame; the app reads it a little later (`load`)."""

    def __init__(self, directory: Path = I18N_DIR):
        self.directory = directory
        self.catalogs: dict[str, dict[str, str]] = {}
        self._missing: set[tuple[str, str]] = set()
        self._lock = threading.Lock()

    def load(self, lang: str) -> dict[str, str]:
        found = self.catalogs.get(lang)
        if found is None:
            with self._lock:             # the app may read one on a worker while the UI asks for it
                found = self.catalogs.get(lang)
                if found is None:
                    found = self.catalogs[lang] = (load_language(self.directory / lang) if lang in LANGUAGES
                                                   else {})
        return found

    def gettext(self, msgid: str, lang: str) -> str:
        if lang == DEFAULT_LANGUAGE:
            return self.load(DEFAULT_LANGUAGE).get(msgid, msgid)
        found = self.load(lang).get(msgid)
        if found is None:
            if (lang, msgid) not in self._missing:
                self._missing.add((lang, msgid))
                log.warning("no %s translation for %r", lang, msgid)
            return msgid
        return found


_translations: Translations | None = None


def translations() -> Translations:
    global _translations
    if _translations is None:
        _translations = Translations()
    return _translations


def gettext(msgid: str, lang: str) -> str:
    return translations().gettext(msgid, lang)


def load_all() -> None:
    """Read every language's catalog now (blocking: a worker's job), not at a citizen's first tap."""
    for lang in LANGUAGES:
        translations().load(lang)


def N_(msgid: str) -> str:
    """Marks a Chinese source string for the catalogs where it is written (flows, error codes); the UI
    translates it later with its one `_`. Returns msgid unchanged."""
    return msgid


class Msg:
    """Words for people, not yet in a language: a msgid and the values for its placeholders.

    Flows say what to show with a Msg; the UI renders it in the current language, so a language
    switch re-renders the same Msg. A value may itself be a Msg (translated too) or a callable taking
    the language code (dates and opening hours that are written differently per language)."""

    __slots__ = ("msgid", "values")

    def __init__(self, msgid: str, **values: object) -> None:
        self.msgid = msgid
        self.values = values

    def render(self, lang: str) -> str:
        text = gettext(self.msgid, lang)
        if not self.values:
            return text
        return text.format(**{k: _value(v, lang) for k, v in self.values.items()})

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Msg) and (self.msgid, self.values) == (other.msgid, other.values)

    def __hash__(self) -> int:
        return hash(self.msgid)

    def __repr__(self) -> str:
        return f"Msg({self.msgid!r}, {self.values!r})" if self.values else f"Msg({self.msgid!r})"


def _value(v: object, lang: str) -> object:
    if isinstance(v, Msg):
        return v.render(lang)
    if callable(v):
        return v(lang)
    return v


def render(text: Msg | str | None, lang: str) -> str:
    """A Msg, a msgid or nothing, in lang ("" for nothing)."""
    if text is None or text == "":
        return ""
    if isinstance(text, Msg):
        return text.render(lang)
    return gettext(text, lang)
