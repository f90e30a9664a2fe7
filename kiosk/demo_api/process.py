"""The demo central API in a process of its own, as the real one is: the kiosk's demo mode then holds
none of FastAPI, uvicorn and the demo's records (about 25 MB a terminal never has), and what the kiosk
process costs in demo mode is what it costs on a terminal.

Tests that switch the server's faults or read what it stored use DemoServer in their own process instead
(`Services(cfg, demo_api_in_process=True)`); both answer the same HTTP."""

from __future__ import annotations

import logging
import subprocess
import sys
import threading
from pathlib import Path

log = logging.getLogger(__name__)


class DemoApiError(RuntimeError):
    """The demo API process did not start (its log says why)."""


class DemoApiProcess:
    def __init__(self, token: str = "demo-token", data_dir: str | Path | None = None,
                 log_path: str | Path | None = None) -> None:
        self.token, self.data_dir, self.log_path = token, data_dir, log_path
        self.base_url = ""
        self._proc: subprocess.Popen | None = None

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    def start(self, timeout: float = 30.0) -> str:
        """Start `python -m kiosk.demo_api --for-parent` and return its URL once it accepts connections.
        Blocks up to timeout (importing FastAPI takes about a second): call it off the UI thread."""
        cmd = [sys.executable, "-m", "kiosk.demo_api", "--port", "0", "--token", self.token, "--for-parent"]
        if self.data_dir is not None:
            cmd += ["--data-dir", str(self.data_dir)]
        err = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL   # noqa: SIM115 (the child keeps it)
        try:
            self._proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=err,
                                          cwd=str(Path(__file__).resolve().parents[2]))
        finally:
            if err is not subprocess.DEVNULL:
                err.close()
        line: list[bytes] = []
        reader = threading.Thread(target=lambda: line.append(self._proc.stdout.readline()), daemon=True)
        reader.start()
        reader.join(timeout)
        url = line[0].decode("ascii", "replace").strip() if line else ""
        if not url.startswith(("http://", "https://")):
            self.stop()
            raise DemoApiError(f"the demo API process did not start within {timeout:.0f} s (log: {self.log_path})")
        self.base_url = url
        return url

    def stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        try:
            proc.stdin.close()             # the child's signal to stop
        except OSError:
            pass
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            log.warning("demo API process %s did not stop when asked; killed", proc.pid)
            proc.kill()
            proc.wait()
        proc.stdout.close()
