"""The production bundle (what the .deb installs) as a terminal runs it: its selftest over real devices
(printer and ID-card reader simulators on pseudo-terminals, an A4 queue on a private cupsd, the demo
central API on 127.0.0.1), the app itself started in terminal configuration until its UI thread pings the
systemd watchdog, and what kiosk.spec leaves out: absent from the bundle and imported by no module of
the kiosk. A module the terminal imports but the bundle lacks fails here, not on a terminal."""

from __future__ import annotations

import ast
import os
import re
import runpy
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest
from deploy_helpers import ROOT

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]

NEVER_IMPORTED = runpy.run_path(str(ROOT / "packaging" / "bundle_excludes.py"))["NEVER_IMPORTED"]
TOKEN = "tok-deploy-7f3a9c55e1"
#: Files kiosk.spec leaves out besides modules (patterns on paths inside _internal).
LEFT_OUT_FILES = (r"kivy_install/modules/.*", r"kivy_install/data/keyboards/.*", r".*libSDL2_mixer.*",
                  r".*lib(xcb|Xau)-[0-9a-f]{8}\.so.*", r"libcrypto\.so.*", r"libssl\.so.*", r"libcups\.so.*",
                  r"libgnutls\.so.*", r"libsqlite3\.so.*", r"libstdc\+\+\.so.*")


def _env(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KIOSK_", "PYTHON", "KIVY_"))}
    env.update(XDG_DATA_HOME=str(tmp / "xdg"), HOME=str(tmp / "home"), KIVY_HOME=str(tmp / "kivy-home"))
    return env


def _terminal_config(tmp: Path, api_url: str, printer: str, reader: str, a4_queue: str = "",
                     a4_server: str = "") -> Path:
    cfg = tmp / "config.toml"
    cfg.write_text(f"""mode = "terminal"
data_dir = "{tmp / 'data'}"
[terminal]
id = "JN-HY-DDJ-DEPLOY"
[api]
base_url = "{api_url}"
token = "{TOKEN}"
[printer]
port = "{printer}"
baudrate = 19200
[reader]
port = "{reader}"
baudrate = 115200
[a4]
queue = "{a4_queue}"
server = "{a4_server}"
""")
    cfg.chmod(0o600)            # it holds a token: the kiosk refuses a file others may read
    return cfg


@pytest.fixture
def devices(tmp_path):
    """(api base URL, printer port, reader port): real serial and HTTP peers for the bundle."""
    from drivers.sim.idcard import IdCardSimulator
    from drivers.sim.printer import PrinterSimulator
    from kiosk.demo_api.server import DemoServer

    printer = PrinterSimulator(baudrate=19200, link_dir=tmp_path, out_dir=tmp_path / "jobs")
    reader = IdCardSimulator(baudrate=115200, link_dir=str(tmp_path))
    api = DemoServer(host="127.0.0.1", port=0, token=TOKEN)
    printer.start()
    reader.start()
    try:
        url = api.start()
        yield url, printer.port, reader.port
    finally:
        api.stop()
        reader.stop()
        printer.stop()


def test_production_selftest_passes_on_every_device(production_bundle, devices, a4_queue, tmp_path):
    bundle, _ = production_bundle
    url, printer, reader = devices
    cfg = _terminal_config(tmp_path, url, printer, reader, a4_queue.name, a4_queue.server)
    r = subprocess.run([str(bundle / "kiosk"), "--config", str(cfg), "--selftest"], cwd=tmp_path,
                       env=_env(tmp_path), capture_output=True, text=True, timeout=120)
    out = r.stdout + r.stderr
    assert r.returncode == 0, out[-4000:]
    # One OK line per device: the bundle's serial, ESC/POS, CUPS (pycups on Debian's libcups), HTTP and
    # pydantic code all ran.
    for name in ("config", "printer", "reader", "a4", "api"):
        assert re.search(rf"^OK +{name} ", r.stdout, re.M), out[-4000:]
    assert "DEMO" not in r.stdout


def test_production_bundle_says_it_has_no_demo_mode(production_bundle, tmp_path):
    """The terminal's package leaves the simulators and the demo API out: `kiosk --demo` (or no config
    at all) says so in words and exits 2, not with a traceback."""
    bundle, _ = production_bundle
    for args in (["--demo"], ["--demo", "--selftest"]):
        r = subprocess.run([str(bundle / "kiosk"), *args], cwd=tmp_path, env=_env(tmp_path),
                           capture_output=True, text=True, timeout=60)
        assert r.returncode == 2, (args, r.stdout[-500:], r.stderr[-2000:])
        assert "this package has no demo mode" in r.stderr and "Traceback" not in r.stderr


def _mapped_files(pid: int) -> set[str]:
    with open(f"/proc/{pid}/maps") as f:
        return {line.split(None, 5)[5].strip() for line in f if len(line.split(None, 5)) == 6
                and line.split(None, 5)[5].startswith("/")}


def _not_from_debian(paths: set[str]) -> set[str]:
    """The paths no Debian package installed (dpkg knows a file by its package's path: /lib or /usr/lib)."""
    forms = {p: {p, os.path.realpath(p), p.removeprefix("/usr"), os.path.realpath(p).removeprefix("/usr")}
             for p in paths}
    r = subprocess.run(["dpkg", "-S", *sorted(set().union(*forms.values()))], capture_output=True, text=True)
    owned = {line.split(": ", 1)[1] for line in r.stdout.splitlines() if ": " in line}
    return {p for p, f in forms.items() if not f & owned}


def test_production_app_starts_in_terminal_configuration(production_bundle, devices, tmp_path):
    """The app itself, as kiosk.service starts it: READY=1, and WATCHDOG=1 pings for longer than the 10 s
    the app counts as alive from its construction: the heartbeat pings only while the UI clock ticks, so
    the window is up and the event loop runs."""
    bundle, _ = production_bundle
    url, printer, reader = devices
    cfg = _terminal_config(tmp_path, url, printer, reader)
    notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    notify.bind(str(tmp_path / "notify.sock"))
    notify.settimeout(1.0)
    env = _env(tmp_path)
    env.update(NOTIFY_SOCKET=str(tmp_path / "notify.sock"), WATCHDOG_USEC="1000000")
    log = (tmp_path / "stderr.log").open("w")
    proc = subprocess.Popen([str(bundle / "kiosk"), "--config", str(cfg), "--size", "800x600"], cwd=tmp_path,
                            env=env, stdout=log, stderr=subprocess.STDOUT)
    messages: list[str] = []
    first = last_ping = None
    try:
        deadline = time.monotonic() + 150
        while proc.poll() is None and time.monotonic() < deadline:
            try:
                got = notify.recv(4096).decode().splitlines()
            except TimeoutError:
                continue
            now = time.monotonic()
            first = first or now
            messages += got
            if "WATCHDOG=1" in got:
                last_ping = now
            if "READY=1" in messages and last_ping and last_ping - first > 12:
                break
        output = (tmp_path / "stderr.log").read_text(errors="replace")
        assert "READY=1" in messages, (messages[:5], output[-4000:])
        assert last_ping and last_ping - first > 12, (messages[-5:], output[-4000:])
        # Every library it runs with is the bundle's own or one of Debian's (the .deb depends on those);
        # nothing of the build machine's Python (/root/.pyenv, a venv) leaks in.
        outside = {p for p in _mapped_files(proc.pid) if ".so" in p and not p.startswith(str(bundle))}
        assert outside, "no system library mapped: /proc/PID/maps not read"
        assert _not_from_debian(outside) == set()
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            log.close()
            notify.close()
    output = (tmp_path / "stderr.log").read_text(errors="replace")
    for logfile in (tmp_path / "data").rglob("*.log"):
        output += logfile.read_text(errors="replace")
    assert not re.search(r"ModuleNotFoundError|ImportError|No module named|cannot open shared object", output), \
        output[-4000:]
    assert proc.returncode == 0, output[-4000:]


def _bundle_modules(out: Path) -> set[str]:
    return set(re.findall(r"\('([\w.]+)',", (out / "build" / "kiosk" / "PYZ-00.toc").read_text()))


def test_left_out_parts_are_absent_from_the_production_bundle(production_bundle):
    bundle, out = production_bundle
    mods = _bundle_modules(out)
    assert "kiosk.cli" in mods and "pydantic.main" in mods          # it did read the bundle's module list
    files = [p.relative_to(bundle / "_internal").as_posix() for p in (bundle / "_internal").rglob("*")]
    # Extension modules of the standard library sit in python3.X/lib-dynload, named as top-level modules.
    stems = [re.sub(r"^python3\.\d+/lib-dynload/", "", f) for f in files]
    for name in NEVER_IMPORTED:
        assert not any(m == name or m.startswith(name + ".") for m in mods), name
        stem = name.replace(".", "/")
        assert not any(f == stem or f.startswith((stem + "/", stem + ".")) for f in stems), name
    for pattern in LEFT_OUT_FILES:
        assert not [f for f in files if re.fullmatch(pattern, f)], pattern
    assert "kivy_install/data/style.kv" in files and "PIL/_imaging" in " ".join(files)


def _imports(path: Path) -> set[str]:
    """Every module a source file names in an import statement, at the top or inside a function."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names |= {node.module} | {f"{node.module}.{a.name}" for a in node.names}
    return names


def test_nothing_in_the_kiosk_imports_what_the_bundle_leaves_out(tmp_path):
    """The static half: an import of a left-out module added anywhere in the kiosk's code (even a lazy one
    in a rarely used function) fails here. Checked to bite on a file that does."""
    def offenders(files) -> set[str]:
        return {f"{f.name}: {left}" for f in files for name in _imports(f) for left in NEVER_IMPORTED
                if name == left or name.startswith(left + ".")}

    sources = [p for d in ("kiosk", "drivers", "screens") for p in (ROOT / d).rglob("*.py")]
    sources.append(ROOT / "deploy" / "kiosk_entry.py")
    assert len(sources) > 50
    assert offenders(sources) == set()
    bad = tmp_path / "bad.py"
    bad.write_text("from PIL import Image\n\ndef later():\n    from pydantic.v1 import BaseModel\n"
                   "    import PIL.ImageCms\n    from PIL import ImageTk\n")
    assert offenders([bad]) == {"bad.py: pydantic.v1", "bad.py: PIL.ImageCms", "bad.py: PIL.ImageTk"}
