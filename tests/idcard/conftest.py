"""Fixtures for the ID-card tests: a simulator on a real pty and a reader on it."""

from __future__ import annotations

import threading

import pytest

from drivers.idcard import IdCardReader
from drivers.sim.idcard import IdCardSimulator

OUR_THREADS = ("idcard-sim", "card-service")


@pytest.fixture(autouse=True)
def no_leaked_threads():
    before = {t.ident for t in threading.enumerate()}
    yield
    leaked = [t.name for t in threading.enumerate() if t.ident not in before and t.name in OUR_THREADS]
    assert not leaked, f"test leaked threads: {leaked}"


@pytest.fixture
def sim(tmp_path):
    s = IdCardSimulator(baudrate=115200, link_dir=str(tmp_path))
    s.start()
    yield s
    s.stop()


@pytest.fixture
def reader(sim):
    r = IdCardReader(sim.port, timeout=1.0)
    yield r
    r.close()
