"""Demo mode: the device simulators on pseudo-terminals and the demo central API on 127.0.0.1, started
for whatever the config marks "sim" / "demo". Used by the app, `--selftest` and the benchmarks."""

from __future__ import annotations

import logging
import sys
import tempfile
from pathlib import Path

from kiosk.config import DEMO_API, SIMULATOR, Config

log = logging.getLogger(__name__)

#: Slips the demo printer keeps in memory: the print dialog shows the last one; every slip's picture and
#: bytes stay in the demo folder. Keeping them all grew a demo kiosk by each slip (the soak's 1,100
#: sessions printed ~150).
DEMO_JOBS_KEPT = 20


def demo_cards() -> list:
    """Cards for the demo reader whose holders have cases at the demo central API."""
    from datetime import date

    from drivers.idcard import IdentityCard
    from kiosk.demo_api.seed import DEMO_IDENTITIES

    cards = []
    for who in DEMO_IDENTITIES:
        long_term = who.birth.year < 1975
        cards.append(IdentityCard(
            card_type="resident", name=who.name, gender=who.sex, nation="汉", birth_date=who.birth,
            address=who.address, id_number=who.id_number, issuer="济南市公安局槐荫分局",
            valid_from=date(2018, 6, 1), valid_until=None if long_term else date(2038, 6, 1)))
    return cards


class DemoParts:
    """in_process: the demo API on a thread of this process (DemoServer) and the device simulators on
    threads of it too, their faults, records and cards within reach of a test, instead of processes of
    their own (DemoApiProcess, DemoDevicesProcess: what demo mode runs, as a terminal has its central API
    and its devices outside the kiosk's process). A PyInstaller demo bundle has no interpreter to start
    them with, so it keeps them in process as well."""

    def __init__(self, cfg: Config, in_process: bool = False):
        self.cfg = cfg
        self.in_process = in_process or getattr(sys, "frozen", False)
        self.printer_sim = None         # PrinterSimulator, in process only
        self.reader_sim = None          # IdCardSimulator, or RemoteCardSlot: what toggle_card works on
        self.devices = None             # DemoDevicesProcess
        self.api_server = None
        self.cupsd = None
        self._dir: Path | None = None
        self._next_card = 0

    def start(self) -> Config:
        """Start what the config asks for; returns the config with real ports and the API's URL."""
        cfg = self.cfg
        if cfg.a4.queue == SIMULATOR:
            cfg = self.cfg = self._start_a4(cfg)       # the queue is no longer "sim" after this
        if not cfg.wants_demo_parts:
            return cfg
        self._dir = Path(tempfile.mkdtemp(prefix="kiosk-demo-"))
        printer_baud = cfg.printer.baudrate if cfg.printer.port == SIMULATOR else None
        reader_baud = cfg.reader.baudrate if cfg.reader.port == SIMULATOR else None
        if self.in_process:
            printer_port, reader_port = self._start_sims_here(printer_baud, reader_baud)
        else:
            printer_port, reader_port = self._start_devices(printer_baud, reader_baud)
        base_url = None
        if cfg.api.base_url == DEMO_API:
            base_url = self._start_api(cfg.api.token or "demo-token")
        self.cfg = cfg.with_ports(printer_port, reader_port, base_url)
        return self.cfg

    def _start_sims_here(self, printer_baud: int | None, reader_baud: int | None) -> tuple[str | None, str | None]:
        assert self._dir is not None
        printer_port = reader_port = None
        if printer_baud is not None:
            from drivers.sim.printer import PrinterSimulator

            self.printer_sim = PrinterSimulator(baudrate=printer_baud, link_dir=str(self._dir),
                                                out_dir=str(self._dir / "printed"), keep_jobs=DEMO_JOBS_KEPT)
            printer_port = self.printer_sim.start()
            log.info("demo: printer simulator on %s", printer_port)
        if reader_baud is not None:
            from drivers.sim.idcard import IdCardSimulator

            self.reader_sim = IdCardSimulator(baudrate=reader_baud, link_dir=str(self._dir))
            reader_port = self.reader_sim.start()
            log.info("demo: ID-card reader simulator on %s", reader_port)
        return printer_port, reader_port

    def _start_devices(self, printer_baud: int | None, reader_baud: int | None) -> tuple[str | None, str | None]:
        assert self._dir is not None
        if printer_baud is None and reader_baud is None:
            return None, None
        from kiosk.demo_devices import DemoDevicesProcess, RemoteCardSlot

        self.devices = DemoDevicesProcess(self._dir, printer_baud, reader_baud, keep_jobs=DEMO_JOBS_KEPT)
        printer_port, reader_port = self.devices.start()
        if reader_port is not None:
            self.reader_sim = RemoteCardSlot(self.devices)
        log.info("demo: devices simulated in process %s, log %s", self.devices.pid, self._dir / "devices.log")
        if printer_port is not None:
            log.info("demo: printer simulator on %s", printer_port)
        if reader_port is not None:
            log.info("demo: ID-card reader simulator on %s", reader_port)
        return printer_port, reader_port

    def _start_api(self, token: str) -> str:
        assert self._dir is not None
        if self.in_process:
            from kiosk.demo_api.server import DemoServer

            self.api_server = DemoServer(host="127.0.0.1", port=0, token=token, data_dir=str(self._dir / "api"))
        else:
            from kiosk.demo_api.process import DemoApiProcess

            self.api_server = DemoApiProcess(token=token, data_dir=self._dir / "api", log_path=self._dir / "api.log")
        base_url = self.api_server.start()
        pid = getattr(self.api_server, "pid", None)
        log.info("demo: central API on %s (%s)", base_url,
                 f"process {pid}, log {self._dir / 'api.log'}" if pid else "this process")
        return base_url

    def _start_a4(self, cfg: Config) -> Config:
        """A private cupsd whose queue kiosk-demo-pdf writes PDFs to DATA_DIR/a4-pdf (the newcomer opens
        them there); without root or the cups packages the demo has no A4 printer and says why. Job numbers
        go on from the PDFs already there (cups-pdf names files by job id), so no printout is overwritten."""
        from drivers.a4.private_cupsd import PrivateCupsd, PrivateCupsdError, next_job_id

        out_dir = cfg.data_path / "a4-pdf"
        cupsd = PrivateCupsd(queue="kiosk-demo-pdf", out_dir=str(out_dir), first_job_id=next_job_id(out_dir))
        try:
            cupsd.start()
        except (PrivateCupsdError, OSError) as exc:
            log.warning("demo: no A4 printer: %s", exc)
            cupsd.stop()
            return cfg.with_a4("", "")
        self.cupsd = cupsd
        log.info("demo: A4 printer kiosk-demo-pdf (private cupsd on %s) prints to %s", cupsd.socket, out_dir)
        return cfg.with_a4(cupsd.queue, cupsd.socket)

    def toggle_card(self) -> str:
        """The demo's "put a card on the reader" / "take it away". Returns what it did."""
        sim = self.reader_sim
        if sim is None:
            return "no reader simulator"
        if getattr(sim, "card", None) is not None:
            sim.remove_card()
            return "removed"
        cards = demo_cards()
        card = cards[self._next_card % len(cards)]
        self._next_card += 1
        sim.put_card(card)
        return "put"

    def last_slip_picture(self) -> str | None:
        """The picture of the last slip the demo printer printed (the print dialog shows it), wherever the
        simulator runs; it waits for a drawing under way. Blocks: off the UI thread."""
        if self.printer_sim is not None:
            return self.printer_sim.last_picture()
        if self.devices is not None:
            from kiosk.demo_child import ChildError

            try:
                return self.devices.last_slip()
            except ChildError as exc:          # the slip printed; only its picture is missing
                log.warning("demo: no picture of the last slip: %s", exc)
        return None

    def stop(self) -> None:
        for part in (self.api_server, self.reader_sim, self.printer_sim, self.devices, self.cupsd):
            if part is not None:
                try:
                    part.stop()
                except Exception:
                    log.exception("demo: stopping %s failed", type(part).__name__)
        self.api_server = self.reader_sim = self.printer_sim = self.devices = self.cupsd = None
