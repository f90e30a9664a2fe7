"""ESC/POS receipt printer simulator (pseudo-terminal). See sim.py."""

from drivers.sim.printer.decoder import EscPosDecoder, Event
from drivers.sim.printer.sim import PrinterSimulator, SimJob

__all__ = ["PrinterSimulator", "SimJob", "EscPosDecoder", "Event"]
