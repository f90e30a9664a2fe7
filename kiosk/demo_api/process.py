"""The demo central API in a process of its own, as the real one is: the kiosk's demo mode then holds
none of FastAPI, uvicorn and the demo's records (about 25 MB a terminal never has), and what the kiosk
process costs in demo mode is what it costs on a terminal.

Tests that switch the server's faults or read what it stored use DemoServer in their own process instead
(`Services(cfg, demo_in_process=True)`); both answer the same HTTP. kiosk/demo_child.py starts and stops it."""

from __future__ import annotations

import sys
from pathlib import Path

from kiosk.demo_child import ChildError, ParentedChild


class DemoApiError(ChildError):
    """The demo API process did not start (its log says why)."""


class DemoApiProcess:
    def __init__(self, token: str = "demo-token", data_dir: str | Path | None = None,
                 log_path: str | Path | None = None) -> None:
        self.token, self.data_dir, self.log_path = token, data_dir, log_path
        self.base_url = ""
        self._child: ParentedChild | None = None

    @property
    def pid(self) -> int | None:
        return self._child.pid if self._child is not None else None

    def start(self, timeout: float = 30.0) -> str:
        """Start `python -m kiosk.demo_api --for-parent` and return its URL once it accepts connections.
        Blocks up to timeout (importing FastAPI takes about a second): call it off the UI thread."""
        cmd = [sys.executable, "-m", "kiosk.demo_api", "--port", "0", "--token", self.token, "--for-parent"]
        if self.data_dir is not None:
            cmd += ["--data-dir", str(self.data_dir)]
        self._child = ParentedChild("demo API", cmd, self.log_path, error=DemoApiError)
        url = self._child.start(timeout)
        if not url.startswith(("http://", "https://")):
            self.stop()
            raise DemoApiError(f"the demo API process said {url[:80]!r}, not its URL (log: {self.log_path})")
        self.base_url = url
        return url

    def stop(self) -> None:
        child, self._child = self._child, None
        if child is not None:
            child.stop()
