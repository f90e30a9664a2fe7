"""`[a4]` in the config, `open_a4`, and demo mode's private PDF printer."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from a4.pdfcheck import decode_qr, is_a4, page_sizes

from drivers.a4 import A4Unavailable
from drivers.a4.cups_printer import CupsPrinter
from drivers.a4.testpage import QR_PREFIX
from kiosk.a4 import UnreachableA4, open_a4
from kiosk.config import Config, ConfigError, load_config
from kiosk.demo import DemoParts

ROOT = Path(__file__).resolve().parents[2]
TERMINAL = ('data_dir = "/tmp/k"\n[terminal]\nid = "T-1"\n[api]\nbase_url = "https://a.example"\ntoken = "t"\n'
            '[printer]\nport = ""\n[reader]\nport = ""\n')


def load(tmp_path, extra: str, demo: bool = False) -> Config:
    p = tmp_path / "k.toml"
    p.write_text(('mode = "demo"\n' if demo else "") + TERMINAL + extra, encoding="utf-8")
    return load_config(p)


def test_a_terminal_without_a4_section_has_no_a4_printer(tmp_path):
    cfg = load(tmp_path, "")
    assert (cfg.a4.queue, cfg.a4.server) == ("", "")
    assert open_a4(cfg) is None


def test_a_named_queue_opens_the_cups_driver_on_first_use(tmp_path):
    cfg = load(tmp_path, '[a4]\nqueue = "HP_LaserJet_M404"\nserver = "/run/cups/cups.sock"\njob_timeout = 60\n')
    printer = open_a4(cfg)
    assert isinstance(printer.driver, CupsPrinter)
    assert (printer.queue, printer.server, printer.terminal_id, cfg.a4.job_timeout) == (
        "HP_LaserJet_M404", "/run/cups/cups.sock", "T-1", 60)


def test_pycups_stays_unloaded_until_the_printer_is_asked_something(tmp_path):
    """libcups and its libraries are ~4 MB resident: a kiosk that prints no licence does without them.
    In a fresh interpreter, as the kiosk starts: this one has imported pycups already."""
    cfg_path = tmp_path / "k.toml"
    cfg_path.write_text(TERMINAL + '[a4]\nqueue = "HP_LaserJet_M404"\nserver = "/nonexistent/cups.sock"\n',
                        encoding="utf-8")
    script = (
        "import sys\n"
        "from kiosk.a4 import open_a4\n"
        "from kiosk.config import load_config\n"
        f"printer = open_a4(load_config({str(cfg_path)!r}))\n"
        "before = 'cups' in sys.modules\n"
        "from drivers.a4 import A4Unavailable\n"
        "try:\n"
        "    printer.status()\n"
        "except A4Unavailable as exc:\n"
        "    print('unavailable', exc)\n"
        "print('before', before, 'after', 'cups' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert "before False after True" in out.stdout
    assert "unavailable" in out.stdout and "/nonexistent/cups.sock" in out.stdout


@pytest.mark.parametrize("extra, key, words", [
    ('[a4]\nqueue = "sim"\n', "a4.queue", "demo mode only"),
    ('[a4]\nqueue = "my printer"\n', "a4.queue", "CUPS queue name"),
    ('[a4]\nqueue = "a/b"\n', "a4.queue", "CUPS queue name"),
    ('[a4]\nserver = "http://x"\n', "a4.server", "socket path"),
    ('[a4]\njob_timeout = 0\n', "a4.job_timeout", "more than 0"),
    ('[a4]\nqueues = "x"\n', "a4.queues", ""),
])
def test_bad_a4_keys_are_named(tmp_path, extra, key, words):
    with pytest.raises(ConfigError) as err:
        load(tmp_path, extra)
    assert err.value.key == key and words in err.value.problem


def test_demo_mode_defaults_to_the_virtual_pdf_printer(tmp_path):
    assert Config.demo(str(tmp_path)).a4.queue == "sim"
    assert load(tmp_path, "", demo=True).a4.queue == "sim"


def test_a_sim_queue_that_was_never_started_is_unavailable_not_a_crash(tmp_path):
    printer = open_a4(Config.demo(str(tmp_path)))
    assert isinstance(printer, UnreachableA4)
    with pytest.raises(A4Unavailable):
        printer.status()


def test_demo_mode_prints_the_test_page_to_a_pdf_in_the_data_dir(tmp_path):
    parts = DemoParts(Config.demo(str(tmp_path)))
    cfg = parts.start()
    try:
        assert cfg.a4.queue == "kiosk-demo-pdf" and cfg.a4.server.endswith("cups.sock")
        printer = open_a4(cfg)
        assert printer.status().ready
        job_id = printer.test_page()
        assert printer.wait(job_id, 60).state == "completed"
        [pdf] = (tmp_path / "a4-pdf").glob(f"*job_{job_id}.pdf")
        assert is_a4(page_sizes(pdf)[0])
        assert decode_qr(pdf)[0].startswith(f"{QR_PREFIX}|DEMO-01|kiosk-demo-pdf|")
    finally:
        parts.stop()
    with pytest.raises(A4Unavailable):
        printer.status()
    assert pdf.exists()                 # the demo's printouts stay for the newcomer to open


def test_a_second_demo_run_numbers_on_and_overwrites_no_printout(tmp_path):
    names = []
    for _run in range(2):
        parts = DemoParts(Config.demo(str(tmp_path)))
        try:
            printer = open_a4(parts.start())
            printer.wait(printer.test_page(), 60)
        finally:
            parts.stop()
        names.append(sorted(p.name for p in (tmp_path / "a4-pdf").glob("*.pdf")))
    assert len(names[0]) == 1 and len(names[1]) == 2 and names[0][0] in names[1]


def test_selftest_checks_the_a4_queue(tmp_path, a4_queue):
    from dataclasses import replace

    from kiosk.selftest import FAULT, OK, SKIP, check_a4

    cfg = load(tmp_path, "")
    assert check_a4(cfg) == (SKIP, "not configured")
    cfg = replace(cfg, a4=replace(cfg.a4, queue=a4_queue.name, server=a4_queue.server))
    assert check_a4(cfg) == (OK, f"{a4_queue.name}: idle, accepting")
    a4_queue.lp("cupsreject", a4_queue.name)
    assert check_a4(cfg) == (FAULT, f"{a4_queue.name}: idle, not accepting")
    cfg = replace(cfg, a4=replace(cfg.a4, server=str(tmp_path / "no-cupsd.sock")))
    status, detail = check_a4(cfg)
    assert status == FAULT and detail.startswith(f"{a4_queue.name}: a4.unavailable: cupsd not reachable")
