"""The real app in demo mode for the in-process benchmarks (frames, soak, observers): one way to set
Kivy's environment and one way to start the app, so the three measure the same thing.

Import this before anything imports Kivy; `prepare()` runs at import for that reason."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def prepare() -> None:
    for path in (ROOT / "tests" / "ui", ROOT):
        if str(path) not in sys.path:
            sys.path.insert(0, str(path))
    os.environ.setdefault("KIVY_NO_ARGS", "1")
    os.environ.setdefault("KIVY_NO_CONSOLELOG", "1")
    os.environ.setdefault("KIVY_NO_FILELOG", "1")
    os.environ.setdefault("KIVY_HOME", tempfile.mkdtemp(prefix="kivy-bench-"))


prepare()


def start_demo_app(width: int = 1920, height: int = 1080, maxfps: int = 0, name: str = "bench",
                   api_url: str | None = None):
    """(app, services): the kiosk with simulators and the demo API, services up, API and printer ok.
    api_url: a demo API already running in another process (its records then live there, not here)."""
    from kivy.config import Config as KivyConfig

    KivyConfig.set("graphics", "width", str(width))
    KivyConfig.set("graphics", "height", str(height))
    KivyConfig.set("graphics", "maxfps", str(maxfps))
    for key, _ in KivyConfig.items("input"):
        KivyConfig.remove_option("input", key)
    from kivy.core.window import Window
    from kivyhelp import make_app, wait_until

    from kiosk.config import Config
    from kiosk.services import Services
    from screens.glue import register_font

    register_font()
    cfg = Config.demo(tempfile.mkdtemp(prefix=f"kiosk-{name}-"))
    if api_url:
        from dataclasses import replace

        cfg = replace(cfg, api=replace(cfg.api, base_url=api_url, token="demo-token"))
    # frames switches the server's latency (its own demo API, here); with the API in a process of its own
    # (the soak), the devices are in theirs too, as demo mode has them: the figure is then the kiosk's.
    services = Services(cfg, demo_in_process=api_url is None)
    app = make_app(services.cfg, services)
    Window.size = (width, height)                 # make_app sets 1920x1080
    wait_until(lambda: services.ready.is_set() and app.printer_ok and app.api_ok, 30, "services")
    return app, services


def start_api_process(port: int = 0):
    """(process, base_url): `python -m kiosk.demo_api` in its own process, answering on 127.0.0.1."""
    import socket
    import subprocess
    import time

    if not port:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
    # --for-parent: it stops when its stdin (a pipe only this process holds) ends, so a benchmark that is
    # killed leaves no server behind either.
    proc = subprocess.Popen([sys.executable, "-m", "kiosk.demo_api", "--port", str(port), "--for-parent"],
                            cwd=str(ROOT), stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    import atexit

    atexit.register(proc.kill)      # a benchmark that fails half-way leaves no server behind
    end = time.monotonic() + 30
    while time.monotonic() < end:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return proc, f"http://127.0.0.1:{port}"
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("the demo API process did not start")
