"""Terminal configuration: a TOML file, validated at start.

Every problem is reported as one `ConfigError` naming the file, the key and what is wrong, before
anything starts.

Two modes, and demo mode only when asked for: a terminal in a public hall must never print fake case
results or "deliver" citizens' feedback to a fake server because a section was left out.
- Demo mode: no config file at all (`Config.demo()`), `kiosk --demo`, or `mode = "demo"` in the file.
  Keys left out get the demo values: `api.base_url = "demo"` starts the built-in demo central API on
  127.0.0.1, `printer.port` / `reader.port = "sim"` start the device simulators on pseudo-terminals.
- Terminal mode (any config file without `mode = "demo"`): `terminal.id`, `api.base_url`, `api.token`,
  `printer.port` and `reader.port` must be written out, the demo values are refused, and so is the example's
  placeholder token. `port = ""` says that this terminal has no such device (functions that need it are
  disabled, and say so).
"""

from __future__ import annotations

import os
import re
import shlex
import string
from dataclasses import dataclass, field, fields, replace
from datetime import time
from pathlib import Path
from typing import Any

from kiosk.api.urls import base_url_problem

DEMO, TERMINAL = "demo", "terminal"
#: `api.base_url` value that starts the built-in demo central API (demo mode only).
DEMO_API = "demo"
#: `printer.port` / `reader.port` value that starts a device simulator (demo mode only).
SIMULATOR = "sim"
#: The token written in config.example.toml: a terminal that still has it was never set up.
PLACEHOLDER_TOKEN = "CHANGE-ME"
#: Keys a terminal's config must write out: left out, they would silently mean demo parts.
#: terminal.id too: the central API would otherwise count every such terminal as "DEMO-01".
TERMINAL_REQUIRED = (("terminal", "id"), ("api", "base_url"), ("api", "token"), ("printer", "port"),
                     ("reader", "port"))


class ConfigError(Exception):
    """A config file that cannot be used. str() is the one line shown to the installer."""

    def __init__(self, path: str, key: str, problem: str):
        self.path, self.key, self.problem = path, key, problem
        super().__init__(f"{path}: {key}: {problem}")


@dataclass(frozen=True)
class TerminalSection:
    """[terminal]: this terminal and the center it stands in, as the home screen names them."""

    id: str = "DEMO-01"
    name: str = "自助终端 1号"
    center_name: str = "道德街街道便民服务中心"
    center_name_en: str = "Daodejie Subdistrict Convenience Service Center"
    location: str = "一楼自助服务区"
    # What the center tells its visitors on the home screen; "" = not set here (the central API's
    # value, if it gives one, is shown; else nothing: never a made-up number or address).
    phone: str = ""
    address: str = ""


@dataclass(frozen=True)
class ApiSection:
    """[api]: the central government-service API ("demo": the built-in demo API)."""

    base_url: str = DEMO_API
    token: str = "demo-token"
    connect_timeout: float = 3.0
    read_timeout: float = 10.0
    ca_bundle: str = ""


@dataclass(frozen=True)
class PrinterSection:
    """[printer]: the ESC/POS receipt printer's serial line ("sim": the simulator)."""

    port: str = SIMULATOR
    baudrate: int = 19200
    profile: str = ""
    paper_width_mm: int = 80
    flow_control: str = "none"


@dataclass(frozen=True)
class A4Section:
    """The A4 printer (证照打印) as a CUPS queue. queue "": this terminal has none; "sim" (demo mode): a
    private cupsd with a virtual PDF printer. server "": the system's cupsd (libcups's default)."""

    queue: str = ""
    server: str = ""
    job_timeout: float = 180.0           # seconds a job may take before the kiosk calls it failed


@dataclass(frozen=True)
class ReaderSection:
    """[reader]: the ID-card reader's serial line ("sim": the simulator)."""

    port: str = SIMULATOR
    baudrate: int = 115200


@dataclass(frozen=True)
class SessionSection:
    """[session]: how long an untouched screen waits before the session ends (seconds)."""

    idle_menu_seconds: float = 60.0
    idle_form_seconds: float = 120.0
    countdown_seconds: float = 20.0
    staff_idle_seconds: float = 300.0


@dataclass(frozen=True)
class UiSection:
    """[ui]: language, elder mode and the window at start."""

    language: str = "zh_CN"
    elder_mode: bool = False
    orientation: str = "landscape"
    size: str = ""          # "WxH"; empty = the display's size
    fullscreen: bool = True


@dataclass(frozen=True)
class HoursSection:
    """When the center issues queue tickets (取号时间), as the center configured it. There is no default:
    the hours are not known to this software, and a made-up value would turn citizens away."""

    weekdays: tuple[int, ...]
    periods: tuple[tuple[time, time], ...]


@dataclass(frozen=True)
class SecuritySection:
    """[security]: the helper's and the technician's PINs, as salted hashes."""

    helper_pin_hash: str = ""
    technician_pin_hash: str = ""


@dataclass(frozen=True)
class VoiceSection:
    """[voice]: the spoken prompts and the offline speech engine that makes them."""

    enabled: bool = True                 # the terminal speaks at all (each citizen may still switch it off)
    volume: int = 80                     # 0-100, applied to the synthesised sound
    elder_default: bool = True           # voice starts on in 长辈模式; off otherwise until switched on
    quiet_hours: tuple[time, time] | None = None   # silent from..to (may wrap midnight); None: never
    engine: str = "espeak-ng"            # "espeak-ng" or "command"
    command: str = ""                    # engine = "command": the offline TTS command line ({text} {out} {lang})
    player: str = ""                     # command line that plays a WAV ({file}); "": aplay, paplay or sox play


@dataclass(frozen=True)
class Config:
    """A terminal's whole configuration, read once at start (load_config) and never changed."""

    path: str = ""                       # the file it came from; "" in demo mode without a file
    mode: str = TERMINAL                 # DEMO or TERMINAL; see the module docstring
    terminal: TerminalSection = field(default_factory=TerminalSection)
    api: ApiSection = field(default_factory=ApiSection)
    printer: PrinterSection = field(default_factory=PrinterSection)
    reader: ReaderSection = field(default_factory=ReaderSection)
    a4: A4Section = field(default_factory=A4Section)
    session: SessionSection = field(default_factory=SessionSection)
    ui: UiSection = field(default_factory=UiSection)
    #: None: not configured; the kiosk then claims no hours and the central API decides on each ticket.
    hours: HoursSection | None = None
    security: SecuritySection = field(default_factory=SecuritySection)
    voice: VoiceSection = field(default_factory=VoiceSection)
    data_dir: str = ""
    log_level: str = "INFO"

    @property
    def is_demo(self) -> bool:
        # The mode, not the values: once the simulators run, their ports are real pseudo-terminals.
        return self.mode == DEMO

    @property
    def wants_demo_parts(self) -> bool:
        """Something here is the demo's to start: a device simulator, the demo API or the demo's A4
        printer (kiosk.demo.DemoParts). One test for the start-up, the services and the command line."""
        return SIMULATOR in (self.printer.port, self.reader.port, self.a4.queue) or self.api.base_url == DEMO_API

    @property
    def data_path(self) -> Path:
        return Path(self.data_dir)

    @classmethod
    def demo(cls, data_dir: str | None = None) -> Config:
        if data_dir is None:
            base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
            data_dir = str(Path(base) / "kiosk-demo")
        return cls(mode=DEMO, data_dir=data_dir, security=demo_security(), a4=A4Section(queue=SIMULATOR))

    def with_ports(self, printer_port: str | None = None, reader_port: str | None = None,
                   base_url: str | None = None) -> Config:
        """A copy with simulator ports or the demo API's URL filled in (demo mode, port reassignment)."""
        cfg = self
        if printer_port is not None:
            cfg = replace(cfg, printer=replace(cfg.printer, port=printer_port))
        if reader_port is not None:
            cfg = replace(cfg, reader=replace(cfg.reader, port=reader_port))
        if base_url is not None:
            cfg = replace(cfg, api=replace(cfg.api, base_url=base_url))
        return cfg

    def with_a4(self, queue: str, server: str) -> Config:
        """A copy with the demo's private CUPS queue filled in (or queue "" when it cannot run)."""
        return replace(self, a4=replace(self.a4, queue=queue, server=server))


# ---------------------------------------------------------------- validation

_LANGS = ("zh_CN", "en")
_FLOW = ("none", "xonxoff", "rtscts")
_ORIENT = ("landscape", "portrait")
_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
_BAUDS = (4800, 9600, 19200, 38400, 57600, 115200)
_PERIOD = re.compile(r"^(\d{2}):(\d{2})-(\d{2}):(\d{2})$")
_SIZE = re.compile(r"^(\d{3,5})x(\d{3,5})$")


class _Reader:
    """Typed access to one TOML table that remembers which keys were used."""

    def __init__(self, path: str, section: str, table: Any):
        if not isinstance(table, dict):
            raise ConfigError(path, section, f"must be a table ([{section}])")
        self.path, self.section, self.table = path, section, table
        self.used: set[str] = set()

    def key(self, name: str) -> str:
        return f"{self.section}.{name}" if self.section else name

    def fail(self, name: str, problem: str) -> ConfigError:
        return ConfigError(self.path, self.key(name), problem)

    def get(self, name: str, kind: type, default: Any) -> Any:
        self.used.add(name)
        if name not in self.table:
            return default
        value = self.table[name]
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if kind is bool and not isinstance(value, bool):
            raise self.fail(name, f"must be true or false, not {value!r}")
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise self.fail(name, f"must be a {kind.__name__}, not {value!r}")
        return value

    def choice(self, name: str, options: tuple, default: Any) -> Any:
        value = self.get(name, type(default), default)
        if value not in options:
            raise self.fail(name, f"must be one of {', '.join(map(str, options))}, not {value!r}")
        return value

    def positive(self, name: str, default: float, maximum: float) -> float:
        value = self.get(name, float, default)
        if not 0 < value <= maximum:
            raise self.fail(name, f"must be more than 0 and at most {maximum:g}, not {value!r}")
        return value

    def done(self) -> None:
        unknown = sorted(set(self.table) - self.used)
        if unknown:
            raise self.fail(unknown[0], "unknown key (misspelt?)")


def demo_security() -> SecuritySection:
    """The documented demo PINs (README), so a newcomer can try helper mode and diagnostics."""
    from kiosk.demo_pins import DEMO_PIN_HASHES

    return SecuritySection(helper_pin_hash=DEMO_PIN_HASHES["helper"],
                           technician_pin_hash=DEMO_PIN_HASHES["technician"])


def _port(r: _Reader, default: str, demo: bool) -> str:
    value = r.get("port", str, default).strip()
    if value == SIMULATOR and not demo:
        raise r.fail("port", f"\"{SIMULATOR}\" (the simulator) is for demo mode only: set the device, "
                             "or \"\" for none, or mode = \"demo\"")
    if value and value != SIMULATOR and not (value.startswith("/") or "://" in value):
        raise r.fail("port", f"must be a device path (/dev/...), a pyserial URL, \"sim\" or \"\", not {value!r}")
    return value


#: CUPS refuses these in a queue name (and a name is at most 127 bytes).
_CUPS_NAME = re.compile(r"^[^\s/#\\'\"]{1,127}$")


def _a4(r: _Reader, demo: bool) -> A4Section:
    queue = r.get("queue", str, SIMULATOR if demo else "").strip()
    if queue == SIMULATOR and not demo:
        raise r.fail("queue", f"\"{SIMULATOR}\" (a virtual PDF printer) is for demo mode only: set the CUPS "
                              "queue's name (lpstat -e), or \"\" for none, or mode = \"demo\"")
    if queue and not _CUPS_NAME.match(queue):
        raise r.fail("queue", f"must be a CUPS queue name (no spaces, /, # or quotes), not {queue!r}")
    server = r.get("server", str, "").strip()
    if server and not (server.startswith("/") or re.match(r"^[A-Za-z0-9.-]+(:\d{1,5})?$", server)):
        raise r.fail("server", f"must be a socket path, host or host:port (or \"\" for this machine's cupsd), "
                               f"not {server!r}")
    return A4Section(queue=queue, server=server,
                     job_timeout=r.positive("job_timeout", A4Section.job_timeout, 3600))


def _require_terminal_keys(path: str, doc: dict) -> None:
    for section, key in TERMINAL_REQUIRED:
        table = doc.get(section, {})
        if key not in table:
            raise ConfigError(path, f"{section}.{key}",
                              "missing: a terminal needs it written out (or mode = \"demo\" for a demo)")


def _hours(r: _Reader) -> HoursSection:
    """[hours], when the file has it: both keys must be written out (no guessed half)."""
    def need(name: str) -> None:
        if name not in r.table:
            raise r.fail(name, "missing: [hours] needs both weekdays and periods (or leave [hours] out: "
                               "then the kiosk claims no hours and the central API decides)")

    need("weekdays")
    days = r.get("weekdays", list, [])
    if not days or any(not isinstance(d, int) or isinstance(d, bool) or not 1 <= d <= 7 for d in days):
        raise r.fail("weekdays", f"must be a list of numbers 1 (Monday) to 7 (Sunday), not {days!r}")
    need("periods")
    periods = []
    for text in r.get("periods", list, []):
        m = _PERIOD.match(text) if isinstance(text, str) else None
        try:
            start, end = (time(int(m[1]), int(m[2])), time(int(m[3]), int(m[4]))) if m else (None, None)
        except ValueError:
            start = end = None
        if start is None or end is None or start >= end:
            raise r.fail("periods", f"each period must look like \"09:00-12:00\", not {text!r}")
        periods.append((start, end))
    if not periods:
        raise r.fail("periods", "must list at least one period like \"09:00-12:00\"")
    return HoursSection(weekdays=tuple(days), periods=tuple(periods))


def _parse(path: str, doc: dict, force_demo: bool = False) -> Config:
    top = _Reader(path, "", doc)
    mode = top.choice("mode", (DEMO, TERMINAL), TERMINAL)
    if force_demo:
        mode = DEMO
    demo = mode == DEMO
    sections = {}
    for name in ("terminal", "api", "printer", "reader", "a4", "session", "ui", "hours", "security", "voice"):
        top.used.add(name)
        sections[name] = _Reader(path, name, doc.get(name, {}))

    r = sections["terminal"]
    terminal = TerminalSection(
        id=r.get("id", str, TerminalSection.id), name=r.get("name", str, TerminalSection.name),
        center_name=r.get("center_name", str, TerminalSection.center_name),
        center_name_en=r.get("center_name_en", str, TerminalSection.center_name_en),
        location=r.get("location", str, TerminalSection.location),
        phone=r.get("phone", str, "").strip(), address=r.get("address", str, "").strip())
    if not re.match(r"^[A-Za-z0-9_-]{1,32}$", terminal.id):
        raise r.fail("id", f"must be 1-32 letters, digits, '-' or '_', not {terminal.id!r}")
    if not re.match(r"^[0-9+()（） -]{0,40}$", terminal.phone) or \
            (terminal.phone and not re.search(r"[0-9]{3}", terminal.phone)):
        raise r.fail("phone", f"must be a phone number such as \"0531-12345678\" (or \"\"), not {terminal.phone!r}")
    if len(terminal.address) > 200 or "\n" in terminal.address:
        raise r.fail("address", "must be one line of at most 200 characters")

    r = sections["api"]
    # Outside demo mode a key left out stays empty here and is named by _require_terminal_keys.
    base_url = r.get("base_url", str, ApiSection.base_url if demo else "").strip().rstrip("/")
    if base_url == DEMO_API and not demo:
        raise r.fail("base_url", f"\"{DEMO_API}\" (the built-in demo API) is for demo mode only: set the "
                                 "central API's https:// URL, or mode = \"demo\"")
    if base_url and base_url != DEMO_API and (problem := base_url_problem(base_url)) is not None:
        raise r.fail("base_url", f"{problem} (or \"demo\"), not {base_url!r}")
    ca = r.get("ca_bundle", str, "")
    if ca and not Path(ca).is_file():
        raise r.fail("ca_bundle", f"file not found: {ca}")
    api = ApiSection(base_url=base_url, token=r.get("token", str, ApiSection.token if demo else ""),
                     connect_timeout=r.positive("connect_timeout", ApiSection.connect_timeout, 60),
                     read_timeout=r.positive("read_timeout", ApiSection.read_timeout, 300), ca_bundle=ca)
    if base_url and base_url != DEMO_API and "token" in r.table and not api.token:
        raise r.fail("token", "must be set for a real central API")
    if api.token == PLACEHOLDER_TOKEN and not demo:
        raise r.fail("token", f"is still the example's placeholder {PLACEHOLDER_TOKEN!r}: set the token "
                              "issued for this terminal")

    r = sections["printer"]
    printer = PrinterSection(port=_port(r, PrinterSection.port if demo else "", demo),
                             baudrate=r.choice("baudrate", _BAUDS, PrinterSection.baudrate),
                             profile=r.get("profile", str, ""),
                             paper_width_mm=r.choice("paper_width_mm", (58, 80), 80),
                             flow_control=r.choice("flow_control", _FLOW, "none"))
    r = sections["reader"]
    reader = ReaderSection(port=_port(r, ReaderSection.port if demo else "", demo),
                           baudrate=r.choice("baudrate", _BAUDS, ReaderSection.baudrate))

    a4 = _a4(sections["a4"], demo)

    r = sections["session"]
    session = SessionSection(
        idle_menu_seconds=r.positive("idle_menu_seconds", 60.0, 3600),
        idle_form_seconds=r.positive("idle_form_seconds", 120.0, 3600),
        countdown_seconds=r.positive("countdown_seconds", 20.0, 600),
        staff_idle_seconds=r.positive("staff_idle_seconds", 300.0, 7200))
    if session.countdown_seconds < 20:
        raise r.fail("countdown_seconds", "must be at least 20 (people need time to answer the warning)")

    r = sections["ui"]
    size = r.get("size", str, "")
    if size and not _SIZE.match(size):
        raise r.fail("size", f"must look like 1920x1080, not {size!r}")
    ui = UiSection(language=r.choice("language", _LANGS, "zh_CN"), elder_mode=r.get("elder_mode", bool, False),
                   orientation=r.choice("orientation", _ORIENT, "landscape"), size=size,
                   fullscreen=r.get("fullscreen", bool, True))

    r = sections["hours"]
    hours = _hours(r) if "hours" in doc else None

    r = sections["security"]
    security = SecuritySection(helper_pin_hash=r.get("helper_pin_hash", str, ""),
                               technician_pin_hash=r.get("technician_pin_hash", str, ""))
    for name in ("helper_pin_hash", "technician_pin_hash"):
        value = getattr(security, name)
        if value and not value.startswith("scrypt$"):
            raise r.fail(name, "must be a hash written by `kiosk --set-pin`, not a plain PIN")
    if demo:
        # The README's demo PINs, unless the file sets its own; never outside demo mode.
        defaults = demo_security()
        security = SecuritySection(helper_pin_hash=security.helper_pin_hash or defaults.helper_pin_hash,
                                   technician_pin_hash=security.technician_pin_hash
                                   or defaults.technician_pin_hash)

    voice = _voice(sections["voice"])

    data_dir = top.get("data_dir", str, "")
    if not data_dir:
        raise top.fail("data_dir", "must be set (e.g. \"/var/lib/kiosk\")")
    log_level = top.choice("log_level", _LEVELS, "INFO")
    for s in sections.values():
        s.done()
    top.done()
    if not demo:
        _require_terminal_keys(path, doc)
    return Config(path=path, mode=mode, terminal=terminal, api=api, printer=printer, reader=reader, a4=a4,
                  session=session,
                  ui=ui, hours=hours, security=security, voice=voice, data_dir=data_dir,
                  log_level=log_level)


def _voice(r: _Reader) -> VoiceSection:
    volume = r.get("volume", int, VoiceSection.volume)
    if not 0 <= volume <= 100:
        raise r.fail("volume", f"must be 0 to 100, not {volume!r}")
    quiet = r.get("quiet_hours", str, "").strip()
    quiet_hours = None
    if quiet:
        m = _PERIOD.match(quiet)
        try:
            quiet_hours = (time(int(m[1]), int(m[2])), time(int(m[3]), int(m[4]))) if m else None
        except ValueError:
            quiet_hours = None
        # start == end would be silent all day or never: neither is what anyone means.
        if quiet_hours is None or quiet_hours[0] == quiet_hours[1]:
            raise r.fail("quiet_hours", f"must look like \"22:00-07:00\" (or \"\" for none), not {quiet!r}")
    engine = r.choice("engine", ("espeak-ng", "command"), VoiceSection.engine)
    command = _command(r, "command", ("text", "out", "lang"))
    if engine == "command" and not command:
        raise r.fail("command", "must be set when engine = \"command\" (the TTS command line)")
    return VoiceSection(enabled=r.get("enabled", bool, True), volume=volume,
                        elder_default=r.get("elder_default", bool, True), quiet_hours=quiet_hours,
                        engine=engine, command=command, player=_command(r, "player", ("file",)))


def _command(r: _Reader, name: str, placeholders: tuple[str, ...]) -> str:
    """A command line run without a shell: it must split, and use only the placeholders it is given."""
    text = r.get(name, str, "").strip()
    if not text:
        return ""
    try:
        words = shlex.split(text)
        used = {f for w in words for _, f, _, _ in string.Formatter().parse(w) if f is not None}
    except ValueError as e:
        raise r.fail(name, f"is not a command line we can run ({e}); write literal braces as {{{{ }}}}") from None
    unknown = sorted(used - set(placeholders))
    if unknown:
        allowed = ", ".join(f"{{{p}}}" for p in placeholders)
        raise r.fail(name, f"unknown placeholder {{{unknown[0]}}}; allowed: {allowed}")
    return text


def load_config(path: str | os.PathLike, force_demo: bool = False) -> Config:
    """Read and validate a config file. Raises ConfigError with the file, key and problem.

    force_demo (`kiosk --demo`): demo mode whatever the file says, keys left out get demo values."""
    p = str(path)
    try:
        raw = Path(p).read_bytes()
    except FileNotFoundError:
        raise ConfigError(p, "(file)", "not found") from None
    except OSError as e:
        raise ConfigError(p, "(file)", f"cannot be read: {e.strerror}") from None
    import tomllib  # here, not at the top: a demo without a config file never parses TOML

    try:
        doc = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(p, "(file)", "is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(p, "(syntax)", str(e)) from None
    return _parse(p, doc, force_demo)


def resolve_config(cli_path: str | None, demo: bool = False) -> Config:
    """--config, else $KIOSK_CONFIG, else demo mode (the only way to demo mode without asking)."""
    path = cli_path or os.environ.get("KIOSK_CONFIG")
    return load_config(path, force_demo=demo) if path else Config.demo()


def section_names() -> list[str]:
    return [f.name for f in fields(Config)]
