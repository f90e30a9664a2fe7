"""Soak: scripted citizen sessions through every screen in one process (the real app in demo mode,
simulators, demo API). Reports RSS at start and end, growth per 100 sessions after warm-up, open file
descriptors and threads. Targets: <= 5 MB growth per 1,000 sessions, no fd or thread leak.
Prints figures; asserts nothing.

    xvfb-run -a python bench/soak.py [--sessions 1000]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "ui"))
os.environ.setdefault("KIVY_NO_ARGS", "1")
os.environ.setdefault("KIVY_NO_CONSOLELOG", "1")
os.environ.setdefault("KIVY_NO_FILELOG", "1")
os.environ.setdefault("KIVY_HOME", tempfile.mkdtemp(prefix="kivy-soak-"))

CITIZEN_SCREENS_SKIP = {"home", "pin", "staff", "diagnostics", "evaluation"}


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--sessions", type=int, default=1000)
    p.add_argument("--warmup", type=int, default=50)
    args = p.parse_args()

    from kivy.config import Config as KivyConfig

    KivyConfig.set("graphics", "maxfps", "0")
    for key, _ in KivyConfig.items("input"):
        KivyConfig.remove_option("input", key)
    import psutil
    from kivyhelp import advance_frames, make_app, stop_app, wait_until

    from kiosk.cli import register_font
    from kiosk.config import Config
    from kiosk.receipts import templates
    from kiosk.services import Services
    from screens import SCREENS

    register_font()
    services = Services(Config.demo(tempfile.mkdtemp(prefix="kiosk-soak-")))
    app = make_app(services.cfg, services)
    wait_until(lambda: services.ready.is_set() and app.printer_ok, 30, "services")
    proc = psutil.Process()
    names = [n for n in SCREENS if n not in CITIZEN_SCREENS_SKIP]
    samples = []
    started = time.perf_counter()
    for i in range(args.sessions + args.warmup):
        for name in names:
            app.go(name)
            advance_frames(2)
        if i % 10 == 0:
            app.demo_toggle_card()                      # a card read (and the next time, removal)
        if i % 25 == 0:
            app.print_receipt(templates.test_page(terminal_id="SOAK", version="0"), "test", "soak")
            advance_frames(2)
            from kivy.core.window import Window

            from screens.dialogs.print_dialog import PrintDialog

            for w in list(Window.children):
                if isinstance(w, PrintDialog):
                    w.close()
        app.end_session("soak")
        advance_frames(2)
        if i == args.warmup or (i > args.warmup and (i - args.warmup) % 100 == 0):
            samples.append((i - args.warmup, proc.memory_info().rss / 2**20, proc.num_fds(), proc.num_threads()))
    if samples[-1][0] != args.sessions:
        samples.append((args.sessions, proc.memory_info().rss / 2**20, proc.num_fds(), proc.num_threads()))
    took = time.perf_counter() - started
    stop_app(app)
    first, last = samples[0], samples[-1]
    per_100 = (last[1] - first[1]) / max(1, (last[0] - first[0]) / 100)
    print(f"{args.sessions} sessions through {len(names)} screens in {took:.0f} s "
          f"({took / (args.sessions + args.warmup) * 1000:.0f} ms each)")
    print(f"RSS after warm-up {first[1]:.1f} MB, at end {last[1]:.1f} MB: {per_100:+.2f} MB per 100 sessions "
          f"({per_100 * 10:+.1f} MB per 1,000; target <= 5)")
    print(f"fds {first[2]} -> {last[2]}, threads {first[3]} -> {last[3]}")
    for s in samples:
        print(f"  after {s[0]:5d}: RSS {s[1]:.1f} MB, fds {s[2]}, threads {s[3]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
