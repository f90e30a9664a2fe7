"""The printer driver against every endpoint it can meet: the simulator on a pseudo-terminal always,
and a real printer when one is attached (`pytest --printer-port /dev/ttyUSB0`, or
KIOSK_TEST_PRINTER_PORT). One test body for both, so the bench checks the same things CI does."""

from __future__ import annotations

import re
import time

import pytest

from drivers.printer import ReceiptPrinter
from drivers.printer.bench_page import bench_page
from drivers.sim.printer import PrinterSimulator


def endpoints(config) -> list[str]:
    return ["sim"] + (["real"] if config.getoption("--printer-port") else [])


def pytest_generate_tests(metafunc):
    if "endpoint" in metafunc.fixturenames:
        metafunc.parametrize("endpoint", endpoints(metafunc.config), indirect=True)


@pytest.fixture
def endpoint(request, tmp_path):
    """(port, baud, simulator or None)."""
    if request.param == "real":
        yield request.config.getoption("--printer-port"), request.config.getoption("--printer-baud"), None
        return
    sim = PrinterSimulator(baudrate=115200, link_dir=tmp_path, out_dir=tmp_path / "jobs")
    sim.start()
    try:
        yield sim.port, 115200, sim
    finally:
        sim.stop()


def test_status_answers_and_the_printer_is_ready(endpoint):
    port, baud, _sim = endpoint
    with ReceiptPrinter(port, baudrate=baud) as printer:
        st = printer.status()
    assert st.answered and st.online and st.ready, st


def test_the_test_page_prints_and_the_printer_stays_ready(endpoint):
    port, baud, sim = endpoint
    page = bench_page("BENCH-01", "test", time.strftime("%Y-%m-%d %H:%M:%S"))
    with ReceiptPrinter(port, baudrate=baud) as printer:
        printer.print_receipt(page)        # raises unless the status after the job says it printed
        assert printer.status().ready
    if sim is not None:                    # the simulator also tells what came out of it
        assert sim.wait_for_jobs(1, 5)
        transcript = sim.jobs[0].transcript
        assert "打印测试页" in transcript and "喆 堃 玥 珺 镕" in transcript
        assert re.search(r"\[QR [^\]]*example\.gov\.cn", transcript) and "[BARCODE " in transcript
