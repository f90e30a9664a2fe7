"""On-disk cache of reference data (service catalog, policies, job posts) for when the API is down.

Only these public lists are written to disk; cases and identities never are (they are personal data
and live only in the session). Each list is one JSON file holding its ETag and fetch time, replaced
atomically (write to a temporary file, fsync, rename), so a power cut leaves the old or the new copy.

    cache = ReferenceCache(data_dir / "reference")
    ref = CachedReference(client, cache)
    services, stale, fetched_at = ref.services()   # stale=True -> show "可能不是最新"
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, TypeAdapter, ValidationError

from kiosk.api import models as m
from kiosk.api.client import ApiClient
from kiosk.api.errors import ApiError

log = logging.getLogger(__name__)
T = TypeVar("T", bound=BaseModel)

NAMES = ("services", "policies", "jobs")


class NoReferenceData(ApiError):
    """The API cannot be reached and nothing was cached yet."""

    code = "api.no_reference_data"


@dataclass(frozen=True)
class Entry:
    data: list[dict[str, Any]]
    etag: str | None
    fetched_at: float  # time.time() of the last answer from the server (200 or 304)


class ReferenceCache:
    def __init__(self, directory: str | Path) -> None:
        self.dir = Path(directory)
        self.dir.mkdir(parents=True, exist_ok=True)

    def _path(self, name: str) -> Path:
        if name not in NAMES:
            raise ValueError(f"not a reference list: {name!r}")  # guards against caching personal data
        return self.dir / f"{name}.json"

    def load(self, name: str) -> Entry | None:
        path = self._path(name)
        try:
            raw = json.loads(path.read_text("utf-8"))
            return Entry(list(raw["data"]), raw.get("etag"), float(raw["fetched_at"]))
        except FileNotFoundError:
            return None
        except (ValueError, KeyError, TypeError, OSError) as e:
            log.warning("reference cache %s unreadable, ignored: %s", name, e)
            return None

    def save(self, name: str, entry: Entry) -> None:
        path = self._path(name)
        body = json.dumps({"etag": entry.etag, "fetched_at": entry.fetched_at, "data": entry.data},
                          ensure_ascii=False)
        try:
            fd, tmp = tempfile.mkstemp(prefix=f".{name}.", dir=self.dir)
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(body)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, path)
        except OSError as e:  # a full disk must not break the screen: the data is still in hand
            log.warning("reference cache %s not written: %s", name, e)


class CachedReference:
    """services() / policies() / jobs() -> (items, stale, fetched_at epoch seconds)."""

    def __init__(self, client: ApiClient, cache: ReferenceCache) -> None:
        self.client, self.cache = client, cache

    def services(self) -> tuple[list[m.ServiceItem], bool, float]:
        return self._get("services", m.ServiceItem)

    def policies(self) -> tuple[list[m.Policy], bool, float]:
        return self._get("policies", m.Policy)

    def jobs(self) -> tuple[list[m.JobPost], bool, float]:
        return self._get("jobs", m.JobPost)

    def _get(self, name: str, model: type[T]) -> tuple[list[T], bool, float]:
        cached = self.cache.load(name)
        try:
            answer = self.client.fetch_reference(name, cached.etag if cached else None)
        except ApiError as e:
            if cached is None:
                raise NoReferenceData(f"{name}: API failed ({type(e).__name__}: {e.detail}) and no cache") from None
            log.info("reference %s from cache (API: %s)", name, type(e).__name__)
            return self._models(cached.data, model), True, cached.fetched_at
        now = time.time()
        if answer.not_modified:
            if cached is None:  # 304 to a request without If-None-Match breaks the contract
                raise NoReferenceData(f"{name}: 304 without a cached copy")
            entry = Entry(cached.data, answer.etag or cached.etag, now)
        else:
            entry = Entry(answer.data, answer.etag, now)
        self.cache.save(name, entry)
        return self._models(entry.data, model), False, now

    @staticmethod
    def _models(data: list[dict[str, Any]], model: type[T]) -> list[T]:
        try:
            return TypeAdapter(list[model]).validate_python(data)  # type: ignore[valid-type]
        except ValidationError as e:
            raise NoReferenceData(f"cached {model.__name__} list is invalid: {e.error_count()} errors") from None
