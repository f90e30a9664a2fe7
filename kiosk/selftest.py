"""`kiosk --selftest`: check the config, each configured device and the central API, one line each.

Exit 0 when everything configured works, 1 on any fault (2, a config error, is decided before this).
A device with no port configured is reported as "not configured" and is not a fault: some terminals
have no printer. In demo mode the simulators and the demo API are started first and checked the same
way, over their real serial and HTTP paths.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable

from kiosk import __version__
from kiosk.config import Config

OK, FAULT, SKIP = "OK", "FAULT", "--"


def _line(status: str, what: str, detail: str, out) -> None:
    print(f"{status:<5} {what:<8} {detail}", file=out, flush=True)


def check_printer(cfg: Config) -> tuple[str, str]:
    from drivers.printer import PrinterError, ReceiptPrinter

    p = cfg.printer
    if not p.port:
        return SKIP, "not configured"
    try:
        with ReceiptPrinter(p.port, baudrate=p.baudrate, profile=p.profile or None,
                            paper_width_mm=p.paper_width_mm, flow_control=p.flow_control) as printer:
            st = printer.status()
    except PrinterError as e:
        return FAULT, f"{p.port}: {e}"
    detail = f"{p.port}: online={st.online} paper={st.paper} cover_open={st.cover_open}"
    if st.error:
        detail += f" error={st.error}"
    return (OK if st.ready else FAULT), detail


def check_reader(cfg: Config) -> tuple[str, str]:
    from drivers.idcard import IdCardReader, ReaderError

    r = cfg.reader
    if not r.port:
        return SKIP, "not configured"
    try:
        with IdCardReader(r.port, baudrate=r.baudrate, timeout=3.0) as reader:
            ok = reader.self_check()
            sam = reader.sam_id() if ok else "-"
    except ReaderError as e:
        return FAULT, f"{r.port}: {e}"
    return (OK if ok else FAULT), f"{r.port}: SAM {'self-check passed' if ok else 'self-check FAILED'}, id {sam}"


def check_a4(cfg: Config) -> tuple[str, str]:
    from drivers.a4 import A4Error
    from kiosk.a4 import open_a4

    printer = open_a4(cfg)
    if printer is None:
        return SKIP, "not configured"
    try:
        st = printer.status()
    except A4Error as e:
        return FAULT, f"{cfg.a4.queue}: {e.code}: {e.detail}"
    detail = f"{st.queue}: {st.state}, {'accepting' if st.accepting else 'not accepting'}"
    if st.reasons:
        detail += f", {','.join(st.reasons)}"
    return (OK if st.ready else FAULT), detail


def check_api(cfg: Config) -> tuple[str, str]:
    from kiosk.api import ApiClient, ApiError

    a = cfg.api
    client = ApiClient(a.base_url, a.token, cfg.terminal.id, connect_timeout=a.connect_timeout,
                       read_timeout=a.read_timeout, ca_bundle=a.ca_bundle or None, retries=0)
    started = time.monotonic()
    try:
        client.health()
    except ApiError as e:
        return FAULT, f"{a.base_url}: {e.detail or e}"
    return OK, f"{a.base_url}: healthy in {(time.monotonic() - started) * 1000:.0f} ms"


def run_selftest(cfg: Config, out=None) -> int:
    out = out or sys.stdout
    where = cfg.path or "none"
    if cfg.is_demo:
        # First, so that nobody mistakes a demo for a terminal that is ready for citizens.
        _line("DEMO", "mode", "DEMO MODE: simulated devices and the demo central API; not for citizens", out)
    _line(OK, "config", f"{where}; mode {cfg.mode}; terminal {cfg.terminal.id}; kiosk {__version__}", out)
    from kiosk.services import demo_parts  # not kiosk.demo: a production bundle leaves it out

    demo = demo_parts(cfg)
    faults = 0
    try:
        try:
            cfg = demo.start()
        except Exception as e:  # a simulator or the demo API could not start: that is the fault
            _line(FAULT, "demo", f"could not start: {e}", out)
            return 1
        checks: list[tuple[str, Callable[[Config], tuple[str, str]]]] = [
            ("printer", check_printer), ("reader", check_reader), ("a4", check_a4), ("api", check_api)]
        for name, check in checks:
            try:
                status, detail = check(cfg)
            except Exception as e:  # a check must report, never crash the selftest
                status, detail = FAULT, f"unexpected {type(e).__name__}: {e}"
            faults += status == FAULT
            _line(status, name, detail, out)
    finally:
        demo.stop()
    return 1 if faults else 0
