"""Live language switching for kv rules: `text: tr._("办件查询")` re-evaluates when `tr.switch()` runs.

Kivy's kv compiler binds every `obj.attr` it sees in an expression; binding the pseudo-attribute `_` of
this Observable registers the rule as an observer, and `switch()` calls them all. Python code that
builds text binds to `App.lang` instead.
"""

from __future__ import annotations

from kivy.event import Observable

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
        for entry in list(self._observers):
            func, largs, _kwargs = entry
            try:
                func(*largs, None, None)
            except ReferenceError:
                # The widget of that kv rule is gone (a rebuilt keypad key, a closed dialog).
                self._observers.remove(entry)

    def forget_observers(self) -> None:
        """Drop the kv observers of a finished app (tests build many apps in one process)."""
        self._observers.clear()


tr = Translator()
