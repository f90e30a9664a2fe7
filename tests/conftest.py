"""Test set-up shared by every test. Kivy's environment is fixed here, before anything imports kivy."""

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ["KIVY_HOME"] = tempfile.mkdtemp(prefix="kivy-home-")
os.environ.setdefault("KIVY_NO_ARGS", "1")
os.environ.setdefault("KIVY_NO_CONSOLELOG", "1")
os.environ.setdefault("KIVY_NO_FILELOG", "1")
os.environ.setdefault("KIVY_WINDOW", "sdl2")
os.environ.setdefault("KIVY_GL_BACKEND", "sdl2")
os.environ.setdefault("KIVY_CLIPBOARD", "dummy")
os.environ.setdefault("KIVY_METRICS_DENSITY", "1")
os.environ.setdefault("KIVY_DPI", "96")

ARTIFACTS = ROOT / "artifacts"


def pytest_addoption(parser):
    # The python-can idea: the device tests in tests/*/test_*_endpoints.py run against the simulators on
    # pseudo-terminals always, and against a real device too when one is attached at the bench.
    parser.addoption("--printer-port", default=os.environ.get("KIOSK_TEST_PRINTER_PORT", ""),
                     help="also run the printer endpoint tests against this real port (or pyserial URL)")
    parser.addoption("--printer-baud", type=int, default=int(os.environ.get("KIOSK_TEST_PRINTER_BAUD", "19200")))
    parser.addoption("--reader-port", default=os.environ.get("KIOSK_TEST_READER_PORT", ""),
                     help="also run the ID-card reader endpoint tests against this real port")
    parser.addoption("--reader-baud", type=int, default=int(os.environ.get("KIOSK_TEST_READER_BAUD", "115200")))


# Property-based tests are deterministic: the same examples on every run and no example database
# carried between runs, so a test cannot fail by chance (CI starts from a clean clone anyway).
from hypothesis import settings as _hypothesis_settings  # noqa: E402

_hypothesis_settings.register_profile("kiosk", derandomize=True, database=None, print_blob=True)
_hypothesis_settings.load_profile("kiosk")


# A real cupsd with virtual PDF printers for the A4 printer and everything that prints through it.
from a4.cups_fixtures import a4_printer, a4_queue, private_cupsd  # noqa: E402,F401
