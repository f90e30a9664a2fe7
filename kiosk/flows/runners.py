"""Runners for flows outside the app: tests, benchmarks and tools.

`ManualRunner` holds each call until the caller resolves it, so a test can answer requests late, out
of order or never, the way a slow network does, without a thread or a sleep. `InlineRunner` runs the
call at once on the caller's thread (tools, simple tests).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class PendingCall:
    fn: Callable[[], Any]
    on_result: Callable[[Any], None] | None
    on_error: Callable[[BaseException], None] | None
    done: bool = field(default=False)

    def run(self) -> None:
        """Call fn now and deliver its result or its error, as the worker would."""
        self.done = True
        try:
            value = self.fn()
        except Exception as e:  # the flow decides what a failure means
            if self.on_error is not None:
                self.on_error(e)
            return
        if self.on_result is not None:
            self.on_result(value)

    def fail(self, error: BaseException) -> None:
        """Deliver error without calling fn (a network that never answered)."""
        self.done = True
        if self.on_error is not None:
            self.on_error(error)


class ManualRunner:
    def __init__(self) -> None:
        self.calls: list[PendingCall] = []

    def submit(self, fn: Callable[[], Any], on_result: Callable[[Any], None] | None = None,
               on_error: Callable[[BaseException], None] | None = None) -> PendingCall:
        call = PendingCall(fn, on_result, on_error)
        self.calls.append(call)
        return call

    @property
    def pending(self) -> list[PendingCall]:
        return [c for c in self.calls if not c.done]

    def run_all(self) -> int:
        """Run every pending call in order (including calls that those make); returns how many ran."""
        ran = 0
        while self.pending:
            self.pending[0].run()
            ran += 1
        return ran


class InlineRunner:
    def submit(self, fn: Callable[[], Any], on_result: Callable[[Any], None] | None = None,
               on_error: Callable[[BaseException], None] | None = None) -> None:
        PendingCall(fn, on_result, on_error).run()
