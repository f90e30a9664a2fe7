"""The driver against the simulator over a real pseudo-terminal."""

import subprocess
import sys
import time

import pytest

from drivers.printer import CoverOpen, NoAnswer, NotConnected, Offline, PaperOut, ReceiptPrinter, WriteTimeout
from kiosk.receipts import Receipt, render_escpos


def test_status_in_every_state(sim, printer):
    s = printer.status()
    assert (s.online, s.paper, s.cover_open, s.error, s.ready) == (True, "ok", False, None, True)
    sim.set_paper("near_end")
    s = printer.status()
    assert s.paper == "near_end" and s.ready
    sim.set_paper("out")
    s = printer.status()
    assert s.paper == "out" and s.online is False and not s.ready
    sim.set_paper("ok")
    sim.set_cover_open(True)
    s = printer.status()
    assert s.cover_open is True and s.online is False and s.paper == "ok" and not s.ready
    sim.set_cover_open(False)
    sim.set_offline(True)
    s = printer.status()
    assert s.online is False and s.cover_open is False and not s.ready
    sim.set_offline(False)
    assert printer.status().ready


def test_mute_printer_is_unknown_never_ok(sim, printer):
    sim.set_mute(True)
    t0 = time.monotonic()
    s = printer.status()
    elapsed = time.monotonic() - t0
    assert (s.online, s.paper, s.cover_open) == (None, "unknown", None)
    assert not s.ready
    # hang guard, not a benchmark: python-escpos 3.1 would spend a full timeout per query
    assert elapsed < 1.0


def test_stale_input_is_flushed(sim, printer):
    printer.open()
    sim.set_paper("out")
    printer._ser.write(b"\x10\x04\x01\x10\x04\x04")  # replies we never read become stale bytes
    time.sleep(0.05)
    sim.set_paper("ok")
    assert printer.status().paper == "ok"


def test_unplug_and_replug_reconnects(sim, printer):
    assert printer.status().ready
    sim.unplug()
    with pytest.raises(NotConnected) as e:
        printer.status()
    assert e.value.code == "printer.not_connected"
    with pytest.raises(NotConnected):
        printer.status()  # the path is gone: still not connected, no hang
    sim.replug()
    assert printer.status().ready


def test_print_receipt_prints_chinese_and_checks_status(sim, printer):
    r = Receipt().title("排队凭条").text("前面等候：3 人").qr("https://example.gov.cn/q/A1").cut()
    printer.print_receipt(render_escpos(r))
    assert sim.wait_for_jobs(1, 5)
    t = sim.jobs[0].transcript
    assert "排队凭条" in t and "前面等候：3 人" in t and "[QR https://example.gov.cn/q/A1]" in t


@pytest.mark.parametrize(
    "setup, error",
    [
        (lambda s: s.set_paper("out"), PaperOut),
        (lambda s: s.set_cover_open(True), CoverOpen),
        (lambda s: s.set_offline(True), Offline),
        (lambda s: s.set_mute(True), NoAnswer),
    ],
)
def test_print_receipt_refuses_when_not_ready(sim, printer, setup, error):
    setup(sim)
    with pytest.raises(error) as e:
        printer.print_receipt(render_escpos(Receipt().text("测试").cut()))
    assert e.value.code.startswith("printer.") and e.value.detail
    assert not sim.wait_for_jobs(1, 0.2)


def test_paper_out_mid_job_is_reported_after(sim, printer):
    sim.set_paper_out_after(20)
    with pytest.raises(PaperOut):
        printer.print_receipt(render_escpos(Receipt().text("一二三四五六七八九十" * 4).cut()))
    assert sim.jobs == []


def test_stalled_printer_raises_write_timeout(sim, printer):
    sim.set_stalled(True)
    with pytest.raises(WriteTimeout) as e:
        printer.send_raw(b"\x1b@" + b"A" * 400_000)
    assert e.value.code == "printer.write_timeout"


def test_bad_arguments():
    with pytest.raises(ValueError):
        ReceiptPrinter("loop://", flow_control="dsrdtr")
    with pytest.raises(ValueError):
        ReceiptPrinter("loop://", paper_width_mm=76)


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "drivers.printer", *args], capture_output=True, text=True,
                          timeout=30)


def test_cli_status_exit_codes(sim):
    r = _cli("status", "--port", sim.port, "--baud", "115200")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "paper:      ok" in r.stdout and "cover_open: False" in r.stdout
    sim.set_paper("out")
    assert _cli("status", "--port", sim.port, "--baud", "115200").returncode == 1
    sim.set_mute(True)
    r = _cli("status", "--port", sim.port, "--baud", "115200")
    assert r.returncode == 3 and "paper:      unknown" in r.stdout
    assert _cli("status").returncode == 2
    assert _cli("status", "--port", "/nonexistent/printer").returncode == 3


def test_cli_test_page(sim):
    r = _cli("test", "--port", sim.port, "--baud", "115200")
    assert r.returncode == 0, r.stdout + r.stderr
    assert sim.wait_for_jobs(1, 5)
    t = sim.jobs[0].transcript
    assert "打印测试页" in t and "【测试】：你好，世界。" in t and "喆 堃 玥 珺 镕" in t
    assert "[BARCODE " in t and "[QR " in t
