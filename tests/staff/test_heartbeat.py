"""Heartbeat record, the scheduler thread, and sd_notify datagrams on a real AF_UNIX socket."""

import socket
import threading
import time
from datetime import datetime

import pytest

from kiosk.heartbeat import HeartbeatScheduler, Watchdog, build_heartbeat
from kiosk.validators import id_check_char

ID17 = "37010419900307123"
RAW_ID = ID17 + id_check_char(ID17)


def test_heartbeat_contents(tmp_path):
    started = time.monotonic() - 42
    hb = build_heartbeat("JN-HY-DDJ-01", "0.1.0", started, {"printer": "out", "reader": "ready"}, 3,
                         f"ApiUnavailable: upload for {RAW_ID} phone 13812345678 failed", data_dir=tmp_path)
    assert hb["terminal_id"] == "JN-HY-DDJ-01" and hb["version"] == "0.1.0"
    assert 42 <= hb["uptime_s"] < 100
    assert hb["memory_rss_mb"] > 1
    assert isinstance(hb["cpu_percent"], float)
    assert hb["disk_free_mb"] > 0
    assert hb["devices"] == {"printer": "out", "reader": "ready"}
    assert hb["outbox_depth"] == 3
    assert RAW_ID not in hb["last_error"] and "13812345678" not in hb["last_error"]
    assert "3701**********" in hb["last_error"] and "138****5678" in hb["last_error"]
    ts = datetime.fromisoformat(hb["timestamp"])
    assert ts.utcoffset().total_seconds() == 8 * 3600


def test_heartbeat_without_error_or_outbox(tmp_path):
    hb = build_heartbeat("T", "1", time.monotonic(), {}, None, None, data_dir=tmp_path / "not" / "yet")
    assert hb["last_error"] is None and hb["outbox_depth"] is None and hb["devices"] == {}
    assert hb["disk_free_mb"] > 0  # the nearest existing parent


def test_scheduler_enqueues_every_interval_and_survives_failures():
    got: list[tuple[str, dict]] = []
    enough = threading.Event()
    calls = {"n": 0}

    def build():
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("psutil hiccup")
        return {"n": calls["n"]}

    def enqueue(kind, payload):
        got.append((kind, payload))
        if len(got) >= 4:
            enough.set()

    sched = HeartbeatScheduler(interval=0.02, build=build, enqueue=enqueue)
    sched.start()
    try:
        assert enough.wait(5), got
    finally:
        sched.stop()
    assert sched._thread is None
    assert all(kind == "heartbeat" for kind, _ in got)
    assert [p["n"] for _, p in got[:4]] == [1, 3, 4, 5]  # the failed build was skipped, not fatal
    assert "psutil hiccup" in sched.last_error
    n = len(got)
    time.sleep(0.1)
    assert len(got) == n  # stopped means stopped


def test_scheduler_sends_the_first_beat_at_start():
    got = []
    sched = HeartbeatScheduler(interval=3600, build=lambda: {}, enqueue=lambda k, p: got.append(k))
    sched.start()
    deadline = time.monotonic() + 5
    while not got and time.monotonic() < deadline:
        time.sleep(0.005)
    sched.stop()
    assert got == ["heartbeat"]


@pytest.fixture
def notify_socket(tmp_path, monkeypatch):
    """A real AF_UNIX datagram socket standing in for systemd's notify socket."""
    path = tmp_path / "notify.sock"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(path))
    sock.settimeout(5)
    monkeypatch.setenv("NOTIFY_SOCKET", str(path))
    yield sock
    sock.close()


def test_watchdog_sends_datagrams(notify_socket):
    wd = Watchdog()
    assert wd.enabled
    wd.ready()
    wd.ping()
    wd.status("打印机缺纸\n   id 370104199003071234")
    wd.stopping()
    received = [notify_socket.recv(4096).decode() for _ in range(4)]
    wd.close()
    assert received[:2] == ["READY=1", "WATCHDOG=1"]
    assert received[2].startswith("STATUS=打印机缺纸 id ") and "\n" not in received[2]
    assert "370104199003071234" not in received[2]
    assert received[3] == "STOPPING=1"


def test_scheduler_pings_only_while_alive(notify_socket):
    alive = threading.Event()
    alive.set()
    sched = HeartbeatScheduler(interval=3600, build=dict, enqueue=lambda k, p: None, watchdog=Watchdog(),
                               watchdog_interval=0.01, alive=alive.is_set)
    sched.start()
    try:
        assert notify_socket.recv(64) == b"WATCHDOG=1"
        assert notify_socket.recv(64) == b"WATCHDOG=1"
        alive.clear()  # the UI froze: systemd must stop hearing from us
        deadline = time.monotonic() + 5
        while sched.withheld == 0 and time.monotonic() < deadline:
            time.sleep(0.005)
        assert sched.withheld >= 1
        notify_socket.settimeout(0)
        while True:  # drain what was sent before the thread saw the change
            try:
                notify_socket.recv(64)
            except BlockingIOError:
                break
        notify_socket.settimeout(0.2)
        with pytest.raises(TimeoutError):
            notify_socket.recv(64)
    finally:
        sched.stop()
        sched.watchdog.close()


def test_watchdog_is_a_no_op_without_notify_socket(monkeypatch):
    monkeypatch.delenv("NOTIFY_SOCKET", raising=False)
    wd = Watchdog()
    assert not wd.enabled
    wd.ready()
    wd.ping()
    wd.status("x")


def test_watchdog_interval_from_systemd_env(monkeypatch):
    monkeypatch.setenv("WATCHDOG_USEC", "30000000")
    monkeypatch.delenv("WATCHDOG_PID", raising=False)
    assert Watchdog.interval() == 15.0
    monkeypatch.setenv("WATCHDOG_PID", "1")  # meant for another process
    assert Watchdog.interval() is None
    monkeypatch.delenv("WATCHDOG_USEC")
    monkeypatch.delenv("WATCHDOG_PID")
    assert Watchdog.interval() is None
