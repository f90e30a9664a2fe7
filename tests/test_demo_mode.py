"""Demo mode only when asked for: a terminal's config that leaves something out is an error, never a demo.

A config that silently got `base_url = "demo"` or `port = "sim"` would print fake case results on a real
printer and "deliver" citizens' feedback to a fake server. These tests go through the real file parser,
the real command line (subprocesses) and the real services (simulators on ptys, the demo server over
HTTP on 127.0.0.1) configured as a terminal would be.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from kiosk.config import Config, ConfigError, load_config, resolve_config
from kiosk.demo_pins import DEMO_PIN_HASHES, DEMO_PINS
from kiosk.security import verify_pin

ROOT = Path(__file__).resolve().parents[1]

TERMINAL = '''data_dir = "{data}"
[terminal]
id = "JN-HY-DDJ-01"
[api]
base_url = "https://zwfw.example.gov.cn/kiosk"
token = "t0ken-for-this-terminal"
[printer]
port = "/dev/kiosk-printer"
[reader]
port = "/dev/kiosk-idcard"
'''


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "kiosk.toml"
    p.write_text(text.format(data=tmp_path / "data"), encoding="utf-8")
    p.chmod(0o640)
    return p


def without(key: str) -> str:
    return "\n".join(line for line in TERMINAL.splitlines() if not line.startswith(f"{key} ")) + "\n"


@pytest.mark.parametrize("section,key", [("terminal", "id"), ("api", "base_url"), ("api", "token"), ("printer", "port"),
                                         ("reader", "port")])
def test_a_terminal_config_that_leaves_out_a_key_is_an_error(tmp_path, section, key):
    text = TERMINAL
    # Drop exactly that section's key (port appears in two sections).
    lines, out, current = text.splitlines(), [], ""
    for line in lines:
        if line.startswith("["):
            current = line.strip("[]")
        if not (current == section and line.startswith(f"{key} ")):
            out.append(line)
    p = write(tmp_path, "\n".join(out) + "\n")
    with pytest.raises(ConfigError) as e:
        load_config(p)
    assert e.value.key == f"{section}.{key}" and "missing" in e.value.problem
    assert str(p) in str(e.value)


def test_a_whole_missing_section_is_named_too(tmp_path):
    p = write(tmp_path, 'data_dir = "{data}"\n[terminal]\nid = "T-1"\n[api]\nbase_url = "https://a.example"\n'
                        'token = "x"\n')
    with pytest.raises(ConfigError) as e:
        load_config(p)
    assert e.value.key == "printer.port"


@pytest.mark.parametrize("old,new,key,words", [
    ('base_url = "https://zwfw.example.gov.cn/kiosk"', 'base_url = "demo"', "api.base_url", "demo mode only"),
    ('port = "/dev/kiosk-printer"', 'port = "sim"', "printer.port", "demo mode only"),
    ('port = "/dev/kiosk-idcard"', 'port = "sim"', "reader.port", "demo mode only"),
    ('token = "t0ken-for-this-terminal"', 'token = "CHANGE-ME"', "api.token", "placeholder"),
    ('token = "t0ken-for-this-terminal"', 'token = ""', "api.token", "must be set"),
])
def test_demo_values_and_the_placeholder_token_are_refused_on_a_terminal(tmp_path, old, new, key, words):
    p = write(tmp_path, TERMINAL.replace(old, new))
    with pytest.raises(ConfigError) as e:
        load_config(p)
    assert e.value.key == key and words in e.value.problem


def test_a_complete_terminal_config_is_not_demo(tmp_path):
    cfg = load_config(write(tmp_path, TERMINAL))
    assert cfg.mode == "terminal" and not cfg.is_demo
    # No PIN on a terminal until --set-pin writes one: the demo PINs never leak into it.
    assert cfg.security.helper_pin_hash == "" and cfg.security.technician_pin_hash == ""


def test_no_device_is_said_with_an_empty_port(tmp_path):
    cfg = load_config(write(tmp_path, TERMINAL.replace('port = "/dev/kiosk-printer"', 'port = ""')))
    assert cfg.printer.port == "" and not cfg.is_demo


def test_mode_demo_in_the_file_fills_what_it_leaves_out(tmp_path):
    cfg = load_config(write(tmp_path, 'mode = "demo"\ndata_dir = "{data}"\n[printer]\nbaudrate = 9600\n'))
    assert cfg.is_demo
    assert (cfg.api.base_url, cfg.printer.port, cfg.reader.port) == ("demo", "sim", "sim")
    assert cfg.printer.baudrate == 9600


def test_demo_flag_turns_a_terminal_config_into_a_demo(tmp_path, monkeypatch):
    monkeypatch.delenv("KIOSK_CONFIG", raising=False)
    p = write(tmp_path, 'data_dir = "{data}"\n[terminal]\nid = "T-7"\n')
    with pytest.raises(ConfigError):
        resolve_config(str(p))
    cfg = resolve_config(str(p), demo=True)
    assert cfg.is_demo and cfg.terminal.id == "T-7" and cfg.api.base_url == "demo"


def test_unknown_mode_is_refused(tmp_path):
    with pytest.raises(ConfigError) as e:
        load_config(write(tmp_path, 'mode = "test"\n' + TERMINAL))
    assert e.value.key == "mode"


def test_demo_pins_work_in_demo_mode_only(tmp_path):
    cfg = Config.demo(str(tmp_path))
    for role, pin in DEMO_PINS.items():
        assert len(pin) >= 6
        stored = getattr(cfg.security, f"{role}_pin_hash")
        assert stored == DEMO_PIN_HASHES[role] and verify_pin(pin, stored)
        assert not verify_pin("000000", stored)
    assert DEMO_PIN_HASHES["helper"] not in (ROOT / "config.example.toml").read_text(encoding="utf-8")


def test_readme_documents_the_demo_pins():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for pin in DEMO_PINS.values():
        assert pin in readme


def _kiosk(*args: str, timeout: float = 90) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kiosk", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout, env={"PATH": "/usr/bin:/bin", "HOME": "/tmp"})


def test_cli_refuses_a_terminal_config_without_its_keys(tmp_path):
    p = write(tmp_path, without("token"))
    r = _kiosk("--config", str(p), "--selftest")
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "api.token" in lines[0] and str(p) in lines[0]


def test_selftest_says_demo_on_its_first_line(tmp_path):
    p = write(tmp_path, 'mode = "demo"\ndata_dir = "{data}"\n')
    r = _kiosk("--config", str(p), "--selftest")
    first = r.stdout.splitlines()[0]
    assert "demo" in first.lower() and "DEMO" in first, r.stdout
    assert r.returncode == 0, r.stdout + r.stderr


def test_selftest_of_a_terminal_does_not_say_demo(tmp_path):
    # Nothing answers on these ports and URL: the selftest faults, but never calls it a demo.
    text = TERMINAL.replace("/dev/kiosk-printer", str(tmp_path / "no-printer")) \
        .replace("/dev/kiosk-idcard", str(tmp_path / "no-reader")) \
        .replace("https://zwfw.example.gov.cn/kiosk", "http://127.0.0.1:9")
    r = _kiosk("--config", str(write(tmp_path, text)), "--selftest")
    assert r.returncode == 1
    assert "demo" not in r.stdout.lower(), r.stdout
    assert "mode terminal" in r.stdout.splitlines()[0]


def test_a_terminal_starts_nothing_fake_and_its_heartbeat_says_not_demo(tmp_path, monkeypatch):
    """A terminal config whose ports and URL are real: simulators on ptys stand in for the hardware and
    the demo server, started apart, for the central API (its real HTTP over 127.0.0.1)."""
    import kiosk.services as services_module
    from drivers.sim.idcard import IdCardSimulator
    from drivers.sim.printer import PrinterSimulator
    from kiosk.demo_api import DemoServer
    from kiosk.services import Services

    monkeypatch.setattr(services_module, "HEARTBEAT_INTERVAL", 0.3)
    printer = PrinterSimulator(link_dir=str(tmp_path), out_dir=str(tmp_path / "printed"))
    reader = IdCardSimulator(link_dir=str(tmp_path))
    server = DemoServer(host="127.0.0.1", port=0, token="t0ken-for-this-terminal", data_dir=str(tmp_path / "api"))
    svc = None
    try:
        text = TERMINAL.replace("/dev/kiosk-printer", printer.start()) \
            .replace("/dev/kiosk-idcard", reader.start()) \
            .replace("https://zwfw.example.gov.cn/kiosk", server.start())
        cfg = load_config(write(tmp_path, text))
        assert not cfg.is_demo
        svc = Services(cfg)
        svc.start(post=lambda fn: fn())
        assert svc.ready.wait(20)
        assert svc.demo.api_server is None and svc.demo.printer_sim is None and svc.demo.reader_sim is None
        end = time.monotonic() + 15
        while not server.received("heartbeats"):
            assert time.monotonic() < end, "no heartbeat arrived"
            time.sleep(0.05)
        assert server.received("heartbeats")[-1]["demo"] is False
    finally:
        if svc is not None:
            svc.stop()
        server.stop()
        reader.stop()
        printer.stop()


def test_a_demo_whose_only_demo_part_is_the_a4_printer_still_starts_it(tmp_path):
    """One test for "the demo's to start" (Config.wants_demo_parts): the services used to ask only about
    the simulators and the demo API, so a demo with real devices left its A4 printer unreachable."""
    from dataclasses import replace

    from kiosk.demo import DemoParts
    from kiosk.services import NoDemoParts, demo_parts

    cfg = Config.demo(str(tmp_path))
    cfg = replace(cfg, printer=replace(cfg.printer, port=""), reader=replace(cfg.reader, port=""),
                  api=replace(cfg.api, base_url="http://127.0.0.1:9/kiosk", token="t0ken"))
    assert cfg.wants_demo_parts
    parts = demo_parts(cfg)
    assert isinstance(parts, DemoParts)
    try:
        started = parts.start()
        assert started.a4.queue == "kiosk-demo-pdf" and parts.cupsd is not None and parts.devices is None
    finally:
        parts.stop()
    terminal = load_config(write(tmp_path, TERMINAL))
    assert not terminal.wants_demo_parts and isinstance(demo_parts(terminal), NoDemoParts)
