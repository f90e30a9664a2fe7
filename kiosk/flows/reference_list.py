"""A list the reference cache serves (the guide's 62 items, policies, job posts): shown offline too and
then marked stale, with the loading rules the three lists share."""

from __future__ import annotations

import logging
from typing import Any

from kiosk.flows.base import Flow
from kiosk.flows.deps import FlowDeps

log = logging.getLogger(__name__)


class ReferenceListFlow(Flow):
    """Loading, a failed load that keeps what was shown (now stale), and an answer equal to what is shown
    that changes nothing on screen.

    A subclass has a `stage` StrEnum with "loading" and "error" members, fetches in `fetch(reference)` and
    says in `_first_shown()` where the first list lands."""

    what = "list"                # for the technician's log line

    def __init__(self, deps: FlowDeps) -> None:
        super().__init__(deps.runner)
        self.deps = deps
        self.entries: list[Any] = []
        self.stale = False
        self.fetched_at = 0.0
        self.error: BaseException | None = None

    def fetch(self, reference: Any) -> tuple[list[Any], bool, float]:
        """(entries, stale, fetched_at) from the reference cache; runs on a worker."""
        raise NotImplementedError

    def _first_shown(self) -> None:
        """The first list (or the first after an error) arrived: set the stage it opens on."""
        raise NotImplementedError

    def _error_stage(self) -> Any:
        return type(self.stage)("error")

    def _load(self) -> None:
        ref = self.deps.reference()
        if ref is None:
            self._failed(RuntimeError("no reference service"))
            return
        self._call(lambda: self.fetch(ref), self._loaded, self._failed)

    def network_ready(self) -> None:
        """The central API answers (again, or for the first time since start-up) while the list is on
        screen: a list that could not load, or is shown stale, loads now instead of leaving the error
        there until the citizen comes back."""
        error = self._error_stage()
        if self.stage != error and not self.stale:
            return
        if self.stage == error:
            self.error = None
            self.stage = type(self.stage)("loading")
            self._changed()
        self._load()

    def _loaded(self, answer: tuple[list[Any], bool, float]) -> None:
        entries, stale, fetched_at = answer
        unchanged = list(entries) == self.entries and stale == self.stale
        self.entries, self.stale, self.fetched_at = list(entries), stale, fetched_at
        if self.stage in ("loading", "error"):
            self._first_shown()
        elif unchanged:
            return          # the same list: don't rebuild the buttons under the citizen's finger
        self._changed()

    def _failed(self, exc: BaseException) -> None:
        log.warning("%s not loaded: %s", self.what, type(exc).__name__)
        if self.entries:
            self.stale = True       # keep what was shown; it is now older than the server's
        else:
            self.error = exc
            self.stage = self._error_stage()
        self._changed()
