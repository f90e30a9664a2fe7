"""What every flow shares: change notification, the stale-answer guard and the runner it calls through.

A flow is one citizen or staff task without a window: its steps, its rules, the requests it sends,
the receipt it prints and the words it shows (as `Msg`). The screen binds to it and lays out.

Threads: a flow is used from one thread (the UI thread in the app). Blocking work (the network, a
device) goes through the `Runner` it was given; the runner calls back on that same thread. In the app
the runner is `kiosk.workers.Worker` with Kivy's Clock as its `post`, the only thread hop there is;
in tests it is a `ManualRunner` that the test resolves in whatever order it likes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Protocol

from kiosk.i18n import Msg

log = logging.getLogger(__name__)

Listener = Callable[[], None]


class Runner(Protocol):
    def submit(self, fn: Callable[[], Any], on_result: Callable[[Any], None] | None = None,
               on_error: Callable[[BaseException], None] | None = None) -> Any: ...


class Flow:
    """Base of the flows. Subclasses keep their state in plain attributes and call `_changed()`."""

    def __init__(self, runner: Runner) -> None:
        self._runner = runner
        self._listeners: list[Listener] = []
        self._request = 0
        self.busy = False
        self.message: Msg | None = None

    # ------------------------------------------------------------ observers

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """listener() after every change; returns the function that unsubscribes it."""
        self._listeners.append(listener)

        def unsubscribe() -> None:
            if listener in self._listeners:
                self._listeners.remove(listener)

        return unsubscribe

    def _changed(self) -> None:
        for listener in list(self._listeners):
            listener()

    def _say(self, msgid: str = "", **values: object) -> None:
        self.message = Msg(msgid, **values) if msgid else None

    # ------------------------------------------------------------ requests

    def _call(self, fn: Callable[[], Any], on_result: Callable[[Any], None],
              on_error: Callable[[BaseException], None]) -> None:
        """Run fn through the runner. Only the answer to the newest request is taken: a person who went
        on (or back) must not have the screen changed under them by a late answer to an old question."""
        self._request += 1
        req = self._request

        def result(value: Any) -> None:
            if req == self._request:
                on_result(value)
            else:
                log.debug("%s: a late answer dropped", type(self).__name__)

        def error(exc: BaseException) -> None:
            if req == self._request:
                on_error(exc)
            else:
                log.debug("%s: a late failure dropped: %s", type(self).__name__, type(exc).__name__)

        self._runner.submit(fn, result, error)

    def _drop_pending(self) -> None:
        """Answers still on their way are no longer wanted."""
        self._request += 1

    def reset(self) -> None:
        """Back to the start, forgetting everything personal (session end). Subclasses extend it."""
        self._drop_pending()
        self.busy = False
        self.message = None


def categories(items: list[Any]) -> list[tuple[str, int]]:
    """(category, number of items) of service items, in the order the API lists them (the guide and
    the ticket flow show the same categories the same way)."""
    counts: dict[str, int] = {}
    for item in items:
        counts[item.category] = counts.get(item.category, 0) + 1
    return list(counts.items())
