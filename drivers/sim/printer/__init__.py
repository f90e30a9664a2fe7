"""ESC/POS receipt printer simulator (pseudo-terminal). See sim.py."""

from drivers.sim.printer.decoder import EscPosDecoder, Event
from drivers.sim.printer.sim import DEMO_IDLE_WAIT, PrinterSimulator, SimJob

__all__ = ["DEMO_IDLE_WAIT", "PrinterSimulator", "SimJob", "EscPosDecoder", "Event"]
