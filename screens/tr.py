"""Live language switching for kv rules: `text: tr._("办件查询")` re-evaluates when `tr.switch()` runs.

Kivy's kv compiler binds every `obj.attr` it sees in an expression; binding the pseudo-attribute `_` of
this Observable registers the rule as an observer, and `switch()` calls them all. Python code that
builds text binds to `App.lang` instead.
"""

from __future__ import annotations

from kivy.event import Observable
from kivy.weakproxy import WeakProxy

from kiosk.i18n import DEFAULT_LANGUAGE, Msg, render


class Translator(Observable):
    def __init__(self) -> None:
        super().__init__()
        self.lang = DEFAULT_LANGUAGE
        self._observers: list[tuple] = []

    def _(self, text: Msg | str | None) -> str:
        """The one translation call of the UI: a msgid or a flow's Msg, in the current language."""
        return render(text, self.lang)

    def fbind(self, name, func, *largs, **kwargs):
        if name == "_":
            self._observers.append((func, largs, kwargs))
            return len(self._observers)
        return super().fbind(name, func, *largs, **kwargs)

    def funbind(self, name, func, *largs, **kwargs):
        if name == "_":
            key = (func, largs, kwargs)
            if key in self._observers:
                self._observers.remove(key)
            return None
        return super().funbind(name, func, *largs, **kwargs)

    def switch(self, lang: str) -> None:
        if lang == self.lang:
            return
        self.lang = lang
        dead: list[int] = []
        for i, (func, largs, _kwargs) in enumerate(list(self._observers)):
            try:
                func(*largs, None, None)
            except ReferenceError:
                # The widget of that kv rule is gone (a rebuilt keypad key, a closed dialog).
                dead.append(i)
        # Dropped by position: list.remove() compares entries with ==, which touches the weak proxies
        # of other dead widgets and raises ReferenceError itself.
        for i in reversed(dead):
            del self._observers[i]

    def prune(self) -> int:
        """Drop, without calling them, the observers whose widget is gone (a closed dialog, a rebuilt
        list). switch() drops them as well, but on a terminal where nobody switches the language they
        would pile up for weeks: a few per print dialog. Returns how many were dropped."""
        kept = [entry for entry in self._observers if _alive(entry[1])]
        dropped = len(self._observers) - len(kept)
        self._observers = kept
        return dropped

    def forget_observers(self) -> None:
        """Drop the kv observers of a finished app (tests build many apps in one process)."""
        self._observers.clear()


def _alive(args: tuple, depth: int = 0) -> bool:
    """False when a weak proxy among a kv observer's arguments (kivy's (proxy, key, code, rule, idmap))
    points at a widget that is gone."""
    for arg in args:
        if isinstance(arg, WeakProxy):
            try:
                bool(arg)
            except ReferenceError:
                return False
        elif isinstance(arg, tuple) and depth < 2 and not _alive(arg, depth + 1):
            return False
    return True


tr = Translator()
