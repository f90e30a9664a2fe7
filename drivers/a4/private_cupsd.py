"""A private cupsd with one virtual PDF printer (Debian's cups-pdf), for the tests and for demo mode.

It never touches the terminal's own CUPS: its own ServerRoot, spool, logs and a Unix socket under one
directory, no TCP port, no printcap. The only file outside that directory is the cups-pdf configuration
`/etc/cups/cups-pdf-NAME.conf` (cups-pdf reads its settings only from /etc/cups; the device URI
`cups-pdf:/NAME` selects that file), which says where this queue's PDFs land; `stop()` removes it, and
`start()` removes leftovers of earlier runs that were killed.

Each queue's device is the `kiosk-fault` backend in the private ServerBin: it reports what `set_fault`
wrote for that queue (paper out, jam, toner low, marker levels: the lines a real printer's backend sends
to cupsd) and then runs cups-pdf. So the tests see real CUPS reactions to printer faults (the queue
stopped, the job kept pending, the reasons and supplies in the IPP attributes), not mocked ones.

Needs root (cupsd runs the 0700 cups-pdf backend only as root) and the apt packages cups,
printer-driver-cups-pdf. No pycups here: only the command-line tools, so demo mode can say what is missing.
"""

from __future__ import annotations

import grp
import hashlib
import logging
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

log = logging.getLogger(__name__)

CUPSD = "/usr/sbin/cupsd"
SERVER_BIN = "/usr/lib/cups"
CUPS_PDF_BACKEND = f"{SERVER_BIN}/backend/cups-pdf"
#: The backend of every private queue: reports what set_fault() says, then runs cups-pdf.
FAULT_BACKEND = "kiosk-fault"
CUPS_PDF_CONF_DIR = Path("/etc/cups")
#: The PPD printer-driver-cups-pdf installs (A4 default, PostScript in, gs writes the PDF).
CUPS_PDF_PPD = "/usr/share/ppd/cups-pdf/CUPS-PDF_opt.ppd"
_CONF_PREFIX = "cups-pdf-kioskpriv-"


class PrivateCupsdError(RuntimeError):
    """The private cupsd cannot run here (not root, a package missing, cupsd did not come up)."""


def missing_parts() -> list[str]:
    """What this machine lacks to run a private cupsd with a PDF queue ([] = nothing)."""
    missing = []
    if os.geteuid() != 0:
        missing.append("root (cupsd runs the cups-pdf backend only as root)")
    for path, package in ((CUPSD, "cups"), ("/usr/sbin/lpadmin", "cups-client"),
                          (CUPS_PDF_BACKEND, "printer-driver-cups-pdf"), (CUPS_PDF_PPD, "printer-driver-cups-pdf")):
        if not Path(path).exists():
            missing.append(f"{path} (apt package {package})")
    return missing


def _remove_stale_confs() -> None:
    # A run that was killed leaves its cups-pdf-NAME.conf behind; its Out directory is gone with it.
    for conf in CUPS_PDF_CONF_DIR.glob(_CONF_PREFIX + "*.conf"):
        try:
            out = next((line.split(None, 1)[1].strip() for line in conf.read_text().splitlines()
                        if line.startswith("Out ")), "")
            if not out or not Path(out).exists():
                conf.unlink()
        except (OSError, IndexError):
            continue


class PrivateCupsd:
    """`start()` → the socket path (pass it as CUPS server); one queue `queue` printing PDFs to `out_dir`."""

    def __init__(self, queue: str = "kiosk-pdf", base_dir: str | None = None, out_dir: str | None = None,
                 first_job_id: int = 1):
        self.queue = queue
        self._own_dir = base_dir is None
        self.dir = Path(base_dir or tempfile.mkdtemp(prefix="kiosk-cupsd-")).resolve()
        self.out_dir = Path(out_dir) if out_dir else self.dir / "pdf"
        self.socket = str(self.dir / "cups.sock")
        # Unique per directory: other test runs or a demo may run their own private cupsd at the same time.
        self.name = _CONF_PREFIX.removeprefix("cups-pdf-") + hashlib.sha1(str(self.dir).encode()).hexdigest()[:12]
        self.pdf_conf = CUPS_PDF_CONF_DIR / f"cups-pdf-{self.name}.conf"
        self.first_job_id = first_job_id
        self._proc: subprocess.Popen | None = None
        self._pgid: int | None = None
        self._watchdog: subprocess.Popen | None = None

    # ------------------------------------------------------------ lifecycle

    def start(self, timeout: float = 30.0) -> str:
        """Start cupsd and add the queue. `base_dir` must be reachable by user lp (CUPS filters run as lp):
        under /tmp, not under /root."""
        try:
            missing = missing_parts()
            if missing:
                raise PrivateCupsdError("cannot run a private cupsd: missing " + ", ".join(missing))
            _remove_stale_confs()
            self._write_config()
            self._spawn(timeout)
            self.add_queue(self.queue)
        except BaseException:
            self.stop()             # no cupsd, directory or /etc/cups file left behind by a failed start
            raise
        return self.socket

    def stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None and proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=5)
        self._end_watch()
        self._reap_children()
        self.pdf_conf.unlink(missing_ok=True)
        if self._own_dir:
            shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self) -> PrivateCupsd:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def kill(self) -> None:
        """Stop cupsd but keep the directory and config (a test's "cupsd is down"); `restart()` brings it back."""
        proc, self._proc = self._proc, None
        if proc is not None and proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=15)
        self._end_watch()
        self._reap_children()

    def restart(self, timeout: float = 30.0) -> None:
        if self.running:
            return
        self._spawn(timeout)

    # ------------------------------------------------------------ admin (command-line tools)

    def lp(self, tool: str, *args: str) -> subprocess.CompletedProcess:
        """Run a CUPS tool (lpadmin, cupsdisable, cupsreject, lp, lpstat…) against this cupsd."""
        # lpadmin lives in /usr/sbin, which a non-login root shell or a service may not have on PATH.
        path = os.pathsep.join([os.environ.get("PATH", "/usr/bin:/bin"), "/usr/sbin", "/sbin"])
        exe = shutil.which(tool, path=path)
        if exe is None:
            raise PrivateCupsdError(f"{tool} not found (apt packages cups-client, cups-bsd)")
        env = dict(os.environ, CUPS_SERVER=self.socket)
        return subprocess.run([exe, "-h", self.socket, *args], env=env, capture_output=True, text=True,
                              timeout=60, check=True)

    def add_queue(self, name: str) -> None:
        """A cups-pdf queue, enabled and accepting, A4 by default. All queues share this cupsd's out_dir.
        Its backend is `kiosk-fault` (see `set_fault`), which hands every job on to cups-pdf."""
        self.set_fault(name)
        self.lp("lpadmin", "-p", name, "-E", "-v", f"{FAULT_BACKEND}:/{name}", "-P", CUPS_PDF_PPD,
                "-o", "PageSize=A4", "-o", "printer-error-policy=stop-printer")

    def set_fault(self, queue: str, *messages: str, exit_code: int = 0) -> None:
        """What the queue's printer reports during its next jobs, as a real printer's backend does:
        `messages` are CUPS backend lines ("STATE: +media-empty-error", "ATTR: marker-levels=5",
        "INFO: …"); exit_code 0 prints the job, else the backend fails with it (4: stop the queue, as a
        printer out of paper or jammed does; 1: the job fails, per printer-error-policy). No arguments:
        a healthy printer again (reasons it set stay until a later job's "STATE: -reason")."""
        faults = self.dir / "faults"
        faults.mkdir(exist_ok=True)
        text = "".join(f"{m}\n" for m in messages) + (f"EXIT={exit_code}\n" if exit_code else "")
        (faults / queue).write_text(text)

    def pdfs(self) -> list[Path]:
        return sorted(self.out_dir.glob("*.pdf"), key=lambda p: p.stat().st_mtime)


    # ------------------------------------------------------------ internals

    def _write_config(self) -> None:
        lp_gid = grp.getgrnam("lp").gr_gid
        # Filters run as user lp: every directory on the way to the spool must be traversable.
        os.chmod(self.dir, 0o755)
        conf, spool, tmp = self.dir / "conf", self.dir / "spool", self.dir / "spool" / "tmp"
        for d in (conf, conf / "ppd", conf / "ssl", self.dir / "cache", self.dir / "state", self.dir / "log",
                  spool, tmp, self.out_dir, self.dir / "pdf-spool"):
            d.mkdir(parents=True, exist_ok=True)
        for d, mode in ((spool, 0o710), (tmp, 0o1770), (self.dir / "cache", 0o770), (self.dir / "state", 0o755)):
            os.chown(d, 0, lp_gid)
            os.chmod(d, mode)
        (conf / "cups-files.conf").write_text(
            f"ServerRoot {conf}\nRequestRoot {spool}\nTempDir {tmp}\nCacheDir {self.dir / 'cache'}\n"
            f"StateDir {self.dir / 'state'}\nAccessLog {self.dir / 'log' / 'access_log'}\n"
            f"ErrorLog {self.dir / 'log' / 'error_log'}\nPageLog {self.dir / 'log' / 'page_log'}\n"
            f"ServerBin {self.dir / 'serverbin'}\nDataDir /usr/share/cups\nUser lp\nGroup lp\nSystemGroup root\n"
            "FileDevice No\nFatalErrors none\nPrintcap\n")
        # Only the socket, no network; no authentication: only root can reach the socket's directory's
        # files anyway, and the tests act as technician (lpadmin, cupsdisable) through it.
        (conf / "cupsd.conf").write_text(
            f"LogLevel info\nListen {self.socket}\nBrowsing No\nWebInterface No\nDefaultAuthType None\n"
            "JobRetryInterval 5\nMaxJobs 200\nPreserveJobHistory Yes\nPreserveJobFiles Yes\n"
            "<Location />\n  Order allow,deny\n  Allow all\n</Location>\n"
            "<Policy default>\n  JobPrivateAccess all\n  JobPrivateValues none\n"
            "  SubscriptionPrivateAccess all\n  SubscriptionPrivateValues none\n  <Limit All>\n    Order deny,allow\n  </Limit>\n</Policy>\n")
        for f in ("cupsd.conf", "cups-files.conf"):
            os.chmod(conf / f, 0o640)
            os.chown(conf / f, 0, lp_gid)
        self._write_serverbin()
        if self.first_job_id > 1:
            # cupsd numbers jobs on from the cache's NextJobId; cups-pdf names files by job id, so a new
            # private cupsd writing into an old out_dir must not start at 1 again.
            cache = self.dir / "cache" / "job.cache"
            if not cache.exists():
                cache.write_text(f"# Job cache file for CUPS\nNextJobId {self.first_job_id}\n")
        CUPS_PDF_CONF_DIR.mkdir(parents=True, exist_ok=True)
        # Label 2: every file name ends in the job id ("…-job_12.pdf"), so a test finds its job's PDF. (Debian's
        # cups-pdf 3.0.1 puts a scrap of its config between title and id; harmless.)
        self.pdf_conf.write_text(
            f"Out {self.out_dir}\nAnonDirName {self.out_dir}\nSpool {self.dir / 'pdf-spool'}\n"
            f"Log {self.dir / 'log'}\nLabel 2\nUserUMask 0022\nAnonUMask 0022\nGrp lp\n")

    def _write_serverbin(self) -> None:
        # The system's filters and backends, plus kiosk-fault: a backend that says what faults/QUEUE says
        # (the way a real printer's backend reports paper out, toner low, a jam) and then lets cups-pdf
        # write the PDF. cupsd runs a 0700 root-owned backend as root, which cups-pdf needs.
        sb = self.dir / "serverbin"
        (sb / "backend").mkdir(parents=True, exist_ok=True)
        for entry in Path(SERVER_BIN).iterdir():
            target = sb / entry.name if entry.name != "backend" else None
            if target is not None and not target.is_symlink():
                target.symlink_to(entry)
        for entry in (Path(SERVER_BIN) / "backend").iterdir():
            link = sb / "backend" / entry.name
            if not link.is_symlink():
                link.symlink_to(entry)
        script = sb / "backend" / FAULT_BACKEND
        script.write_text(
            "#!/bin/bash\n"
            "# CUPS backend of a private test/demo cupsd (drivers/a4/private_cupsd.py).\n"
            "[ $# -eq 0 ] && exit 0            # device discovery: nothing to offer\n"
            "code=0\n"
            f"faults={self.dir / 'faults'}/\"$PRINTER\"\n"
            "if [ -f \"$faults\" ]; then\n"
            "  while IFS= read -r line; do\n"
            "    case \"$line\" in EXIT=*) code=${line#EXIT=};; *) echo \"$line\" >&2;; esac\n"
            "  done < \"$faults\"\n"
            "fi\n"
            "[ \"$code\" != 0 ] && exit \"$code\"\n"
            f"DEVICE_URI=cups-pdf:/{self.name} exec {CUPS_PDF_BACKEND} \"$@\"\n")
        os.chmod(script, 0o700)

    def _spawn(self, timeout: float) -> None:
        with open(self.dir / "log" / "cupsd.out", "ab") as out:
            # -f: foreground, so the process is ours to stop; -c/-s: our files, not /etc/cups.
            self._proc = subprocess.Popen(
                [CUPSD, "-f", "-c", str(self.dir / "conf" / "cupsd.conf"),
                 "-s", str(self.dir / "conf" / "cups-files.conf")],
                stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, process_group=0)
        self._pgid = self._proc.pid
        self._watch_us(self._pgid)
        self._wait_up(timeout)

    def _watch_us(self, pgid: int) -> None:
        """A shell in cupsd's process group that waits for the end of its stdin and then stops the group:
        its stdin is a pipe only this process writes to, so it ends when this process stops cupsd, and as
        well when this process dies without stopping anything (SIGKILL, a crash): cupsd does not outlive
        us. (`kill 0`, the shell's own group: dash's kill takes no negative process group id.)"""
        self._watchdog = subprocess.Popen(["sh", "-c", "cat >/dev/null; kill -TERM 0"],
                                          stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                          stderr=subprocess.DEVNULL, process_group=pgid)

    def _end_watch(self) -> None:
        dog, self._watchdog = self._watchdog, None
        if dog is not None:
            dog.stdin.close()
            try:
                dog.wait(timeout=5)
            except subprocess.TimeoutExpired:
                dog.kill()
                dog.wait()

    def _wait_up(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._proc is not None and self._proc.poll() is not None:
                raise PrivateCupsdError(f"cupsd exited with {self._proc.returncode}: "
                                        + self._tail_log())
            if Path(self.socket).exists():
                try:
                    if "scheduler is running" in self.lp("lpstat", "-r").stdout:
                        return
                except subprocess.CalledProcessError:
                    pass
            time.sleep(0.05)
        raise PrivateCupsdError("cupsd did not come up: " + self._tail_log())

    def _tail_log(self) -> str:
        lines = []
        for name in ("cupsd.out", "error_log"):
            p = self.dir / "log" / name
            if p.exists():
                lines += p.read_text(errors="replace").splitlines()[-8:]
        return " | ".join(lines)

    def _reap_children(self) -> None:
        # cupsd ran in its own process group; a filter or gs that outlived it goes with it.
        if self._pgid is None:
            return
        try:
            os.killpg(self._pgid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self._pgid = None


def next_job_id(out_dir: str | Path) -> int:
    """One more than the highest job id in a cups-pdf out_dir's file names ("…job_12.pdf"), or 1."""
    ids = [int(m.group(1)) for p in Path(out_dir).glob("*.pdf") if (m := re.search(r"job_(\d+)\.pdf$", p.name))]
    return max(ids, default=0) + 1
