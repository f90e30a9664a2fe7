"""Entry point of the PyInstaller bundle (`dist/kiosk/kiosk`).

`kiosk [options]` runs screens.launch.main. A bundle has no `python -m`, so the technician tools of the drivers
are reached through it as well:

    kiosk tool printer status --port /dev/kiosk-printer     (= python -m drivers.printer ...)
    kiosk tool idcard read --port /dev/kiosk-idcard         (= python -m drivers.idcard ...)
"""

from __future__ import annotations

import importlib
import sys

TOOLS = {"printer": "drivers.printer.__main__", "idcard": "drivers.idcard.__main__"}


def run(argv: list[str]) -> int:
    if argv[:1] == ["tool"]:
        if len(argv) < 2 or argv[1] not in TOOLS:
            print(f"usage: kiosk tool {{{','.join(TOOLS)}}} ARGS...", file=sys.stderr)
            return 2
        tool = importlib.import_module(TOOLS[argv[1]])
        sys.argv[0] = f"kiosk tool {argv[1]}"
        try:
            return tool.main(argv[2:])
        except SystemExit as e:  # argparse usage errors and --help
            return e.code if isinstance(e.code, int) else (0 if e.code is None else 2)
    from screens.launch import main

    return main(argv)


if __name__ == "__main__":
    sys.exit(run(sys.argv[1:]))
