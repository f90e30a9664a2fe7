"""A process of demo mode that lives only as long as the kiosk that started it: the demo central API and
the device simulators run this way, as the real ones do, outside the kiosk's process.

The child prints one line once it is ready (what the parent needs to reach it: a URL, ports), may answer
one line for each line the parent writes, and stops when its stdin closes, which happens as well when the
parent dies, however it dies. Its stderr goes to a log file in the demo folder."""

from __future__ import annotations

import logging
import queue
import subprocess
import threading
import time
from pathlib import Path

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[1]


class ChildError(RuntimeError):
    """A demo process did not start or stopped answering (its log says why)."""


class ParentedChild:
    """`error` is the ChildError subclass raised for this child (DemoApiError for the API)."""

    def __init__(self, what: str, cmd: list[str], log_path: str | Path | None = None,
                 error: type[ChildError] = ChildError) -> None:
        self.what, self.cmd, self.log_path, self.error = what, cmd, log_path, error
        self._proc: subprocess.Popen | None = None
        self._lock = threading.Lock()           # one question at a time: the answers come in order
        # readline() on a pipe cannot time out, so one thread reads the child's lines for its lifetime and
        # the callers wait on this queue as long as they may (None: the child closed its stdout).
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._owed = 0      # answers to questions that timed out: still to come, and not the next question's

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    def start(self, timeout: float = 30.0) -> str:
        """Start the child and return its first line. Blocks up to `timeout`: off the UI thread."""
        err = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL   # noqa: SIM115 (the child keeps it)
        try:
            self._proc = subprocess.Popen(self.cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=err,
                                          cwd=str(ROOT))
        finally:
            if err is not subprocess.DEVNULL:
                err.close()
        self._lines, self._owed = queue.Queue(), 0
        threading.Thread(target=self._read_lines, args=(self._proc.stdout, self._lines),
                         name=f"{self.what}-child-out", daemon=True).start()
        line = self._read_line(time.monotonic() + timeout)
        if not line:
            self.stop()
            raise self.error(f"the {self.what} process did not start within {timeout:.0f} s (log: {self.log_path})")
        return line

    def ask(self, line: str, timeout: float = 5.0) -> str:
        """Write one line, return the child's one-line answer.

        An answer that comes after its question timed out is the answer to that question: the next
        question skips it (were it taken, every answer from then on would be one question behind)."""
        with self._lock:
            proc = self._proc
            if proc is None:
                raise self.error(f"the {self.what} process is not running")
            try:
                proc.stdin.write(line.encode("utf-8") + b"\n")
                proc.stdin.flush()
            except (OSError, ValueError) as exc:
                raise self.error(f"the {self.what} process is gone (log: {self.log_path})") from exc
            deadline = time.monotonic() + timeout
            while self._owed:
                late = self._read_line(deadline)
                if not late:
                    break
                self._owed -= 1
                log.info("%s process: a late answer skipped: %.60s", self.what, late)
            answer = self._read_line(deadline) if not self._owed else ""
            if not answer:
                self._owed += 1
        if not answer:
            raise self.error(f"the {self.what} process did not answer {line.split()[0]!r} (log: {self.log_path})")
        return answer

    @staticmethod
    def _read_lines(stdout, lines: queue.Queue) -> None:
        try:
            for raw in stdout:
                lines.put(raw.decode("utf-8", "replace").strip())
        except (OSError, ValueError):
            pass            # closed by stop()
        lines.put(None)

    def _read_line(self, deadline: float) -> str:
        """The child's next line, or "" when none came by `deadline` or the child closed its stdout."""
        try:
            line = self._lines.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            return ""
        if line is None:
            self._lines.put(None)       # the end stays the end for whoever asks next
            return ""
        return line

    def stop(self) -> None:
        with self._lock:
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
            log.warning("%s process %s did not stop when asked; killed", self.what, proc.pid)
            proc.kill()
            proc.wait()
        proc.stdout.close()

