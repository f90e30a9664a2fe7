"""Reference cache: ETag revalidation, stale copies when the API is down, nothing personal on disk."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kiosk.api import ApiClient
from kiosk.cache import CachedReference, NoReferenceData, ReferenceCache
from kiosk.demo_api import DEMO_IDENTITIES, DemoServer

from .conftest import TERMINAL, TOKEN


def test_fetch_then_offline_gives_stale_copy(tmp_path: Path) -> None:
    srv = DemoServer(token=TOKEN)
    srv.start()
    try:
        with ApiClient(srv.base_url, TOKEN, TERMINAL, retries=0) as client:
            ref = CachedReference(client, ReferenceCache(tmp_path))
            services, stale, fetched = ref.services()
            jobs, jobs_stale, _ = ref.jobs()
            assert len(services) == 62 and not stale and not jobs_stale and fetched > 0
    finally:
        srv.stop()
    # server gone; a fresh client and cache object, as after a restart of the terminal
    with ApiClient(srv.base_url, TOKEN, TERMINAL, retries=0, connect_timeout=0.5) as client:
        ref = CachedReference(client, ReferenceCache(tmp_path))
        again, stale, fetched_again = ref.services()
        assert stale and again == services and fetched_again == fetched
        assert ref.jobs()[1] is True
        with pytest.raises(NoReferenceData) as e:
            ref.policies()  # never fetched: nothing to fall back on
        assert e.value.code == "api.no_reference_data"


def test_etag_revalidation_and_change(tmp_path: Path, server: DemoServer, client: ApiClient) -> None:
    cache = ReferenceCache(tmp_path)
    ref = CachedReference(client, cache)
    policies, _, _ = ref.policies()
    etag = cache.load("policies").etag  # type: ignore[union-attr]
    assert etag and client.fetch_reference("policies", etag).not_modified
    again, stale, _ = ref.policies()  # answered by 304 from the cached copy
    assert again == policies and not stale
    changed = [p.model_dump(mode="json") for p in policies[:2]]
    server.state.update_reference("policies", changed)
    fresh, stale, _ = ref.policies()
    assert len(fresh) == 2 and not stale and cache.load("policies").etag != etag  # type: ignore[union-attr]


def test_bad_answer_falls_back_to_cache(tmp_path: Path, server: DemoServer, client: ApiClient) -> None:
    ref = CachedReference(client, ReferenceCache(tmp_path))
    jobs, _, _ = ref.jobs()
    server.faults.garbage = True
    assert ref.jobs()[:2] == (jobs, True)


def test_only_reference_lists_reach_the_disk(tmp_path: Path, server: DemoServer, client: ApiClient) -> None:
    cache = ReferenceCache(tmp_path)
    ref = CachedReference(client, cache)
    ref.services(), ref.policies(), ref.jobs()
    client.cases_by_id_number(DEMO_IDENTITIES[0].id_number)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["jobs.json", "policies.json", "services.json"]
    blob = "".join(p.read_text("utf-8") for p in tmp_path.iterdir())
    assert all(i.id_number not in blob and i.name not in blob for i in DEMO_IDENTITIES)
    assert json.loads((tmp_path / "services.json").read_text("utf-8"))["etag"]
    with pytest.raises(ValueError):
        cache.load("cases")
