"""Test set-up shared by every test. Kivy's environment is fixed here, before anything imports kivy."""

import atexit
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))      # shared test helpers (fixed_clock) import by name
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

#: Modules that take a minute or more, longest first: handed out first, so the suite does not end
#: waiting on one of them (measured with --durations; order only, nothing depends on it).
LONG_MODULES = (
    "tests/deploy/",
    "tests/ui/test_feedback.py",
    "tests/ui/test_text_walk.py",
    "tests/ui/faults/",
    "tests/ui/test_guide.py",
    "tests/ui/test_ticket.py",
    "tests/ui/test_cases.py",
    "tests/ui/test_staff.py",
    "tests/a4/",
    "tests/ui/test_enterprise.py",
    "tests/api/test_contract_run.py",
    "tests/handwriting/",
)


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


def _own_x_server() -> str:
    """An Xvfb of this process's own: xdist workers must not draw into, or take screenshots of, one
    window stacked over another's on a shared display."""
    r, w = os.pipe()
    xvfb = subprocess.Popen(["Xvfb", "-displayfd", str(w), "-screen", "0", "1920x1080x24", "-nolisten", "tcp"],
                            pass_fds=(w,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(w)
    with os.fdopen(r) as f:
        number = f.readline().strip()
    if not number.isdigit():
        raise RuntimeError("Xvfb did not start for this test worker")

    def stop() -> None:
        xvfb.terminate()
        xvfb.wait(timeout=10)

    atexit.register(stop)
    return f":{number}"


def pytest_configure(config):
    # Only in an xdist worker, before any test module imports Kivy (test conftests below load later).
    if os.environ.get("PYTEST_XDIST_WORKER") and os.environ.get("DISPLAY") and shutil.which("Xvfb"):
        os.environ["DISPLAY"] = _own_x_server()


def pytest_collection_modifyitems(config, items):
    """The longest modules first, so that under `--dist loadfile` (a module's tests stay on one worker:
    UI modules share one app per module, see tests/ui/kivyhelp.py) the run does not end waiting on one
    of them. Without xdist only the order changes."""
    def rank(item) -> int:
        module = item.nodeid.split("::", 1)[0]
        return next((i for i, long in enumerate(LONG_MODULES) if module.startswith(long)), len(LONG_MODULES))

    items.sort(key=rank)      # stable: within each rank the collection order stays
