"""Run blocking work (a device, the network) off the UI thread and hand the result back on it.

The UI thread never waits: `Worker.submit(fn, on_result, on_error)` returns at once; the callbacks run
later through `post`, which in the app is Kivy's Clock (so they run on the UI thread between frames)
and in plain-Python tests can be anything that calls a function.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

log = logging.getLogger(__name__)

Post = Callable[[Callable[[], None]], None]


class Worker:
    """A small thread pool whose results come back through `post`."""

    def __init__(self, post: Post, max_workers: int = 4, name: str = "kiosk-io"):
        self._post = post
        self._pool = ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix=name)
        self._closed = False
        self._lock = threading.Lock()

    def submit(self, fn: Callable[[], Any], on_result: Callable[[Any], None] | None = None,
               on_error: Callable[[BaseException], None] | None = None) -> Future | None:
        with self._lock:
            if self._closed:
                return None
            future = self._pool.submit(fn)

        def done(f: Future) -> None:
            if f.cancelled():
                return
            error = f.exception()
            if error is not None:
                log.info("background call failed: %s: %s", type(error).__name__, error)
                if on_error is not None:
                    self._post(lambda: self._deliver(on_error, error))
                else:
                    log.error("unhandled background error", exc_info=error)
            elif on_result is not None:
                result = f.result()
                self._post(lambda: self._deliver(on_result, result))

        future.add_done_callback(done)
        return future

    def _deliver(self, callback: Callable[[Any], None], value: Any) -> None:
        # An answer that arrives after shutdown (the app stopped between the call and its answer) has
        # nobody left to tell: the screens it would update are gone.
        if not self._closed:
            callback(value)

    def shutdown(self, wait: bool = False) -> None:
        with self._lock:
            self._closed = True
        self._pool.shutdown(wait=wait, cancel_futures=True)
