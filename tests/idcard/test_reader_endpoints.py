"""The ID-card reader driver against every endpoint it can meet: the simulator on a pseudo-terminal
always, and a real reader when one is attached (`pytest --reader-port /dev/ttyUSB1`, or
KIOSK_TEST_READER_PORT). One test body for both."""

from __future__ import annotations

import re

import pytest

from drivers.idcard import IdCardReader
from drivers.sim.idcard import IdCardSimulator

SAM_ID = re.compile(r"^\d{2}\.\d{2}-\d{8}-\d{10}-\d{10}$")


def pytest_generate_tests(metafunc):
    if "endpoint" in metafunc.fixturenames:
        real = ["real"] if metafunc.config.getoption("--reader-port") else []
        metafunc.parametrize("endpoint", ["sim", *real], indirect=True)


@pytest.fixture
def endpoint(request, tmp_path):
    """(port, baud)."""
    if request.param == "real":
        yield request.config.getoption("--reader-port"), request.config.getoption("--reader-baud")
        return
    sim = IdCardSimulator(baudrate=115200, link_dir=str(tmp_path))
    sim.start()
    try:
        yield sim.port, 115200
    finally:
        sim.stop()


def test_the_sam_module_passes_its_self_check_and_names_itself(endpoint):
    port, baud = endpoint
    with IdCardReader(port, baudrate=baud, timeout=3.0) as reader:
        assert reader.self_check()
        assert SAM_ID.match(reader.sam_id()), reader.sam_id()


def test_no_card_on_the_reader_reads_as_none(endpoint):
    port, baud = endpoint
    with IdCardReader(port, baudrate=baud, timeout=3.0) as reader:
        assert reader.read_card() is None
