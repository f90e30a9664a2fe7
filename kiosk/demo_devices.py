"""The demo's receipt printer and ID-card reader (the simulators on pseudo-terminals) in a process of
their own, as real devices are outside the kiosk: the kiosk's process in demo mode then runs what it
runs on a terminal, serial drivers talking to ports, and the simulators' threads neither wake it nor
share its interpreter (a UI thread busy drawing does not delay the reader's answers).

    python -m kiosk.demo_devices --dir DIR [--printer BAUD] [--reader BAUD] [--keep-jobs N]

The child prints {"printer": port, "reader": port} once both listen, then answers one line per command
on stdin: `put <card as JSON>` (a card on the reader), `remove`, `slip` (the picture of the last slip
printed, for the demo's print dialog); it stops when stdin closes, so it never outlives the kiosk. Tests that reach into a simulator (paper out, a faulty card) keep them in
their own process instead (`Services(cfg, demo_in_process=True)`)."""

from __future__ import annotations

import dataclasses
import json
import logging
import sys
from datetime import date
from pathlib import Path
from typing import Any

from kiosk.demo_child import ChildError, ParentedChild

log = logging.getLogger(__name__)

_DATES = ("birth_date", "valid_from", "valid_until")


def card_to_json(card: Any) -> str:
    fields = dataclasses.asdict(card)
    for name in _DATES:
        if fields.get(name) is not None:
            fields[name] = fields[name].isoformat()
    return json.dumps(fields, ensure_ascii=False)


def card_from_json(text: str) -> Any:
    from drivers.idcard import IdentityCard

    fields = json.loads(text)
    for name in _DATES:
        if fields.get(name) is not None:
            fields[name] = date.fromisoformat(fields[name])
    return IdentityCard(**fields)


class DemoDevicesError(ChildError):
    """The demo devices' process did not start or stopped answering (its log says why)."""


class DemoDevicesProcess:
    """The parent's side: start() returns (printer port, reader port), each None if not asked for."""

    def __init__(self, folder: Path, printer_baud: int | None, reader_baud: int | None, keep_jobs: int) -> None:
        cmd = [sys.executable, "-m", "kiosk.demo_devices", "--dir", str(folder), "--keep-jobs", str(keep_jobs)]
        if printer_baud is not None:
            cmd += ["--printer", str(printer_baud)]
        if reader_baud is not None:
            cmd += ["--reader", str(reader_baud)]
        self._child = ParentedChild("demo devices", cmd, folder / "devices.log", error=DemoDevicesError)

    @property
    def pid(self) -> int | None:
        return self._child.pid

    def start(self, timeout: float = 20.0) -> tuple[str | None, str | None]:
        line = self._child.start(timeout)
        try:
            ports = json.loads(line)
            return ports["printer"], ports["reader"]
        except (ValueError, KeyError, TypeError) as exc:
            self.stop()
            raise DemoDevicesError(f"the demo devices' process said {line[:80]!r}, not its ports") from exc

    def command(self, line: str, timeout: float = 5.0) -> str:
        """Send one command; what follows its "ok" (DemoDevicesError for anything else)."""
        answer = self._child.ask(line, timeout)
        word, _, rest = answer.partition(" ")
        if word != "ok":
            raise DemoDevicesError(f"the demo devices' process answered {answer[:120]!r}")
        return rest

    def last_slip(self) -> str | None:
        """The picture of the last slip the printer simulator drew (it waits for a drawing under way)."""
        return json.loads(self.command("slip", timeout=12.0))

    def stop(self) -> None:
        self._child.stop()


class RemoteCardSlot:
    """The demo reader's card slot across the process boundary: what DemoParts.toggle_card needs of an
    IdCardSimulator. Only the demo puts cards on the demo reader, so the card is known here."""

    def __init__(self, devices: DemoDevicesProcess) -> None:
        self._devices = devices
        self.card: Any = None

    def put_card(self, card: Any) -> None:
        self._devices.command("put " + card_to_json(card))
        self.card = card

    def remove_card(self) -> None:
        self._devices.command("remove")
        self.card = None

    def stop(self) -> None:
        """The process stops with DemoParts' stop of it."""


def serve(argv: list[str] | None = None) -> int:
    import argparse  # here: the kiosk imports this module for DemoDevicesProcess, not to run it

    p = argparse.ArgumentParser(prog="python -m kiosk.demo_devices", description="Run the demo's devices.")
    p.add_argument("--dir", required=True, help="folder for the ports' links and the printed slips")
    p.add_argument("--printer", type=int, default=None, help="baud rate of the receipt printer simulator")
    p.add_argument("--reader", type=int, default=None, help="baud rate of the ID-card reader simulator")
    p.add_argument("--keep-jobs", type=int, default=20, help="slips the printer keeps in memory")
    a = p.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    folder = Path(a.dir)
    printer = reader = None
    try:
        if a.printer is not None:
            from drivers.sim.printer import DEMO_IDLE_WAIT, PrinterSimulator

            # Asleep between the kiosk's polls: nothing else here needs the serving thread awake.
            printer = PrinterSimulator(baudrate=a.printer, link_dir=str(folder), out_dir=str(folder / "printed"),
                                       keep_jobs=a.keep_jobs, idle_wait=DEMO_IDLE_WAIT)
            printer.start()
        if a.reader is not None:
            from drivers.sim import idcard

            reader = idcard.IdCardSimulator(baudrate=a.reader, link_dir=str(folder), idle_wait=idcard.DEMO_IDLE_WAIT)
            reader.start()
        print(json.dumps({"printer": printer.port if printer else None, "reader": reader.port if reader else None}),
              flush=True)
        # One command a line until the parent closes stdin or dies (both end the loop).
        for line in sys.stdin:
            word, _, rest = line.strip().partition(" ")
            answer = "ok"
            try:
                if word == "put" and reader is not None:
                    reader.put_card(card_from_json(rest))
                elif word == "remove" and reader is not None:
                    reader.remove_card()
                elif word == "slip" and printer is not None:
                    answer = "ok " + json.dumps(printer.last_picture())
                else:
                    raise ValueError(f"unknown command {word!r}")
            except (ValueError, TypeError) as exc:
                log.error("demo devices: %s", exc)
                answer = f"error {exc}"
            print(answer, flush=True)
    finally:
        for part in (reader, printer):
            if part is not None:
                part.stop()
    return 0


if __name__ == "__main__":
    sys.exit(serve())
