import subprocess
import sys

import pytest

from kiosk.config import Config, ConfigError, load_config, resolve_config

ROOT = __import__("pathlib").Path(__file__).resolve().parents[1]


def write(tmp_path, text):
    p = tmp_path / "k.toml"
    p.write_text(text, encoding="utf-8")
    return p


def example_text(token: str = "t0ken-for-this-terminal") -> str:
    return (ROOT / "config.example.toml").read_text(encoding="utf-8").replace('"CHANGE-ME"', f'"{token}"')


def test_example_config_is_valid_once_its_token_is_set(tmp_path):
    cfg = load_config(write(tmp_path, example_text()))
    assert cfg.terminal.id.startswith("JN-")
    assert cfg.printer.port == "/dev/kiosk-printer"
    assert cfg.hours is None            # the center's hours are not known to the software: none claimed
    assert not cfg.is_demo and cfg.mode == "terminal"


def test_no_config_means_demo(monkeypatch):
    monkeypatch.delenv("KIOSK_CONFIG", raising=False)
    cfg = resolve_config(None)
    assert cfg.is_demo and cfg.api.base_url == "demo" and cfg.printer.port == "sim"


def test_env_var_is_used(monkeypatch, tmp_path):
    p = write(tmp_path, 'mode = "demo"\ndata_dir = "/tmp/x"\n[terminal]\nid = "T-9"\n')
    monkeypatch.setenv("KIOSK_CONFIG", str(p))
    assert resolve_config(None).terminal.id == "T-9"


@pytest.mark.parametrize("text,key,words", [
    ('data_dir = "/x"\n[printer]\nbaudrate = 12345\n', "printer.baudrate", "must be one of"),
    ('data_dir = "/x"\n[printer]\nbaudrat = 9600\n', "printer.baudrat", "unknown key"),
    ('data_dir = "/x"\n[api]\nbase_url = "ftp://x"\n', "api.base_url", "http"),
    ('data_dir = "/x"\n[api]\nbase_url = "https://a.example"\ntoken = ""\n', "api.token", "must be set"),
    ('data_dir = "/x"\n[session]\nidle_menu_seconds = -1\n', "session.idle_menu_seconds", "more than 0"),
    ('data_dir = "/x"\n[session]\ncountdown_seconds = 5\n', "session.countdown_seconds", "at least 20"),
    ('data_dir = "/x"\n[ui]\nelder_mode = "yes"\n', "ui.elder_mode", "true or false"),
    ('data_dir = "/x"\n[ui]\nsize = "big"\n', "ui.size", "1920x1080"),
    ('data_dir = "/x"\n[hours]\nweekdays = [1]\nperiods = ["17:00-09:00"]\n', "hours.periods", "09:00-12:00"),
    ('data_dir = "/x"\n[hours]\nweekdays = [0]\nperiods = ["09:00-12:00"]\n', "hours.weekdays", "1 (Monday)"),
    ('data_dir = "/x"\n[hours]\nperiods = ["09:00-12:00"]\n', "hours.weekdays", "missing"),
    ('data_dir = "/x"\n[hours]\nweekdays = [1, 2]\n', "hours.periods", "missing"),
    ('data_dir = "/x"\n[hours]\nweekdays = [1, 2]\nperiods = []\n', "hours.periods", "at least one"),
    ('data_dir = "/x"\n[reader]\nport = "COM3x"\n', "reader.port", "device path"),
    ('data_dir = "/x"\n[security]\nhelper_pin_hash = "1234"\n', "security.helper_pin_hash", "plain PIN"),
    ('data_dir = "/x"\nterminal = 3\n', "terminal", "table"),
    ('[terminal]\nid = "A"\n', "data_dir", "must be set"),
    ('data_dir = "/x"\n[terminal\n', "(syntax)", ""),
])
def test_bad_config_names_file_and_key(tmp_path, text, key, words):
    p = write(tmp_path, text)
    with pytest.raises(ConfigError) as e:
        load_config(p)
    assert e.value.key == key
    assert str(p) in str(e.value) and words in str(e.value)


def test_no_hours_unless_configured(tmp_path):
    assert Config.demo(str(tmp_path)).hours is None
    assert load_config(write(tmp_path, 'mode = "demo"\ndata_dir = "/x"\n')).hours is None


def test_the_examples_hours_once_uncommented(tmp_path):
    text = example_text()
    block = text[text.index("# [hours]"):text.index("[security]")]
    uncommented = "\n".join(line.removeprefix("# ") for line in block.splitlines())
    cfg = load_config(write(tmp_path, text.replace(block, uncommented + "\n")))
    assert cfg.hours is not None and cfg.hours.weekdays == (1, 2, 3, 4, 5)
    assert [(s.hour, s.minute, e.hour, e.minute) for s, e in cfg.hours.periods] == [(9, 0, 12, 0), (13, 30, 17, 0)]


def test_missing_file(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "nope.toml")


def test_cli_bad_config_exits_2_with_one_line(tmp_path):
    p = write(tmp_path, 'data_dir = "/x"\n[printer]\nbaudrate = "fast"\n')
    r = subprocess.run([sys.executable, "-m", "kiosk", "--config", str(p), "--selftest"], cwd=ROOT,
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "printer.baudrate" in lines[0] and str(p) in lines[0]


def test_cli_version():
    r = subprocess.run([sys.executable, "-m", "kiosk", "--version"], cwd=ROOT, capture_output=True, text=True,
                       timeout=60)
    assert r.returncode == 0 and r.stdout.startswith("kiosk ")


def test_with_ports_fills_simulators():
    cfg = Config.demo("/tmp/d").with_ports(printer_port="/tmp/p", reader_port="/tmp/r", base_url="http://h")
    assert (cfg.printer.port, cfg.reader.port, cfg.api.base_url) == ("/tmp/p", "/tmp/r", "http://h")
