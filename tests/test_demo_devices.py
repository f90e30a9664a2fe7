"""Demo mode's devices in a process of their own (kiosk/demo_devices.py): the kiosk reaches the printer
and the reader over their pseudo-terminals as it reaches real ones, the demo's card button works across
the process boundary, the printed slip lands in the demo folder, and the process never outlives the
kiosk. Real processes, real ptys, the real services; nothing mocked."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from processes import gone

from kiosk.config import Config
from kiosk.demo import demo_cards
from kiosk.demo_devices import DemoDevicesError, DemoDevicesProcess, card_from_json, card_to_json
from kiosk.receipts.model import Cut, Receipt, Text, Title
from kiosk.services import Services

ROOT = Path(__file__).resolve().parents[1]




@pytest.fixture
def services(tmp_path):
    svc = Services(Config.demo(str(tmp_path)))
    events: queue.Queue = queue.Queue()
    svc.subscribe(lambda event, payload: events.put((event, payload)))
    svc.start(post=lambda fn: fn())
    assert svc.ready.wait(30)
    svc.events = events
    try:
        yield svc
    finally:
        svc.stop()


def _next(events: queue.Queue, wanted: str, timeout: float, payload_is=None):
    end = time.monotonic() + timeout
    while (left := end - time.monotonic()) > 0:
        try:
            event, payload = events.get(timeout=left)
        except queue.Empty:
            break
        if event == wanted and (payload_is is None or payload == payload_is):
            return payload
    raise AssertionError(f"no {wanted} {payload_is or ''} event within {timeout} s")


def test_the_devices_run_in_their_own_process_and_answer_on_their_ports(services, tmp_path):
    pid = services.demo.devices.pid
    assert pid is not None and pid != os.getpid()
    assert services.demo.printer_sim is None            # nothing of the simulators in the kiosk's process
    assert services.card.state == "ready" and services.printq is not None

    assert services.demo.toggle_card() == "put"
    card = _next(services.events, "card_inserted", 10)
    assert card.id_number == demo_cards()[0].id_number      # read over the pty, from the other process
    assert services.demo.toggle_card() == "removed"
    _next(services.events, "card_removed", 10)

    receipt = Receipt([Title("演示小票"), Text("设备在独立进程中"), Cut()])
    job_id = services.printq.submit(receipt, "test", "demo devices")
    _next(services.events, "print_job", 20, payload_is=(job_id, "printed"))
    printed = Path(services.cfg.printer.port).parent / "printed"
    end = time.monotonic() + 10
    while not list(printed.glob("job-*.png")) and time.monotonic() < end:
        time.sleep(0.05)
    assert list(printed.glob("job-*.png")), "the slip's picture is in the demo folder"


def test_in_process_keeps_the_simulators_within_a_tests_reach(tmp_path):
    svc = Services(Config.demo(str(tmp_path)), demo_in_process=True)
    svc.start(post=lambda fn: fn())
    try:
        assert svc.ready.wait(30)
        assert svc.demo.devices is None
        assert svc.demo.printer_sim is not None and svc.demo.reader_sim.commands_seen >= 1
    finally:
        svc.stop()


def test_a_card_crosses_the_pipe_whole():
    for card in demo_cards():
        assert card_from_json(card_to_json(card)) == card
    long_term = next(c for c in demo_cards() if c.valid_until is None)
    assert card_from_json(card_to_json(long_term)).valid_until is None
    assert isinstance(card_from_json(card_to_json(long_term)).birth_date, date)


def test_an_unknown_command_is_answered_not_swallowed(tmp_path):
    devices = DemoDevicesProcess(tmp_path, None, 115200, keep_jobs=2)
    _printer, reader = devices.start()
    try:
        assert reader is not None and os.path.exists(reader)
        with pytest.raises(DemoDevicesError, match="unknown command"):
            devices.command("shake")
        devices.command("remove")                       # still answering after it
    finally:
        devices.stop()
    assert "unknown command 'shake'" in (tmp_path / "devices.log").read_text(encoding="utf-8")


def test_the_devices_process_stops_when_the_kiosk_is_killed(tmp_path):
    # A kiosk killed with SIGKILL cannot stop anything: its children see their stdin close and go.
    kiosk = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time\n"
         "from pathlib import Path\n"
         "from kiosk.demo_devices import DemoDevicesProcess\n"
         f"d = DemoDevicesProcess(Path({str(tmp_path)!r}), 19200, 115200, keep_jobs=2)\n"
         "d.start()\n"
         "print(d.pid, flush=True)\n"
         "time.sleep(60)\n"],
        cwd=str(ROOT), stdout=subprocess.PIPE, text=True)
    try:
        child = int(kiosk.stdout.readline())
        assert not gone(child, 0.3)
        kiosk.send_signal(signal.SIGKILL)
        kiosk.wait()
        assert gone(child, 10), "the devices' process outlived the kiosk"
        assert not (tmp_path / "kiosk-idcard").exists() and not (tmp_path / "kiosk-printer").exists()
    finally:
        kiosk.kill()
        kiosk.wait()
        kiosk.stdout.close()


def test_the_print_dialog_finds_the_slips_picture_across_the_process(services):
    """Demo mode's print dialog shows the simulator's picture of the slip: with the devices in a process of
    their own, DemoParts asks that process for it (the dialog asked an in-process simulator, and showed
    nothing once the simulators moved out)."""
    from PIL import Image

    assert services.demo.last_slip_picture() is None           # nothing printed yet
    for text in ("第一张", "第二张"):
        job_id = services.printq.submit(Receipt([Title(text), Cut()]), "test", text)
        _next(services.events, "print_job", 20, payload_is=(job_id, "printed"))
    png = services.demo.last_slip_picture()
    assert png is not None and Path(png).parent == Path(services.cfg.printer.port).parent / "printed"
    assert Path(png).name == "job-0002.png"                    # the last one, drawn whole
    with Image.open(png) as picture:
        assert picture.size[0] > 100
