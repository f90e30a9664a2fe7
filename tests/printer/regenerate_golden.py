"""Regenerate tests/printer/golden/*.bin and previews. Review the diff (and the PNGs) before committing:

    /work/main/.venv/bin/python tests/printer/regenerate_golden.py
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parents[1]), str(HERE)]

from printer_samples import samples  # noqa: E402

from kiosk.receipts import render_escpos, save_png  # noqa: E402

if __name__ == "__main__":
    out = HERE / "golden"
    out.mkdir(exist_ok=True)
    previews = HERE.parents[1] / "artifacts" / "printer"
    for name, receipt in samples().items():
        (out / f"{name}.bin").write_bytes(render_escpos(receipt))
        save_png(receipt, previews / f"{name}.png")
        print(name, len(render_escpos(receipt)), "bytes; preview", previews / f"{name}.png")
