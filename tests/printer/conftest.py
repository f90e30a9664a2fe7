"""Printer fixtures: a simulator on a pseudo-terminal, stopped after each test."""

from __future__ import annotations

import pytest

from drivers.printer import ReceiptPrinter
from drivers.sim.printer import PrinterSimulator

BAUD = 115200


@pytest.fixture
def sim(tmp_path):
    s = PrinterSimulator(baudrate=BAUD, link_dir=tmp_path, out_dir=tmp_path / "jobs")
    s.start()
    yield s
    s.stop()


@pytest.fixture
def printer(sim):
    p = ReceiptPrinter(sim.port, baudrate=BAUD)
    yield p
    p.close()
