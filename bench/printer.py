"""Receipt sizes and serial time per template: native QR (GS ( k) beside the image-QR fallback.

    /work/main/.venv/bin/python bench/printer.py

Serial seconds = bytes × 10 / baud (8N1). Target: a queue ticket ≤ 1 KB, so ≤ 1 s at 9600 baud.
Also measures one status query against the simulator, answering and muted.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "printer")]

from printer_samples import samples  # noqa: E402

from drivers.printer import ReceiptPrinter  # noqa: E402
from drivers.sim.printer import PrinterSimulator  # noqa: E402
from kiosk.receipts import render_escpos  # noqa: E402

BAUDS = (9600, 115200)


from _summary import summary  # noqa: E402  (bench/ is on sys.path when run as a script)


def main() -> int:
    print(f"{'template':<14}{'native B':>10}" + "".join(f"{f'@{b}':>10}" for b in BAUDS)
          + f"{'image-QR B':>12}" + "".join(f"{f'@{b}':>10}" for b in BAUDS) + f"{'ratio':>8}")
    ok = True
    for name, receipt in samples().items():
        native = len(render_escpos(receipt, native_qr=True))
        image = len(render_escpos(receipt, native_qr=False))
        row = f"{name:<14}{native:>10}" + "".join(f"{native * 10 / b:>9.2f}s" for b in BAUDS)
        row += f"{image:>12}" + "".join(f"{image * 10 / b:>9.2f}s" for b in BAUDS) + f"{image / native:>7.1f}x"
        print(row)
        if name == "queue_ticket" and native > 1024:
            ok = False
    print("queue ticket ≤ 1 KB (≤ 1 s at 9600):", "yes" if ok else "NO")
    ticket = samples()["queue_ticket"]
    native, image = len(render_escpos(ticket, native_qr=True)), len(render_escpos(ticket, native_qr=False))
    summary("queue ticket bytes", f"{native} B ({native * 10 / 9600:.2f} s at 9600)", f"image QR {image} B",
            native / image, "<= 1 KB", ok)

    sim = PrinterSimulator(baudrate=19200)
    sim.start()
    try:
        with ReceiptPrinter(sim.port, 19200) as p:
            p.status()
            t = time.perf_counter()
            p.status()
            answered = time.perf_counter() - t
            sim.set_mute(True)
            t = time.perf_counter()
            s = p.status()
            muted = time.perf_counter() - t
        print(f"status query (DLE EOT 1-4) at 19200: answered {answered * 1000:.1f} ms; "
              f"muted {muted * 1000:.0f} ms -> {s.paper} (budget 300 ms; python-escpos 3.1: 1000 ms per query)")
        summary("printer status, no answer", f"{muted * 1000:.0f} ms -> {s.paper}", "budget 300 ms",
                muted / 0.3, "<= 300 ms, unknown", muted <= 0.33 and s.paper == "unknown")
    finally:
        sim.stop()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
