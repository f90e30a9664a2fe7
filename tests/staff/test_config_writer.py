"""Line-based edits of the TOML config: comments kept, atomic, mode kept, bad values rolled back."""

import os
import pty
import stat
import tomllib

import pytest

from kiosk.config import ConfigError, load_config
from kiosk.config_writer import edit_text, set_config_value, toml_value, validate_port


def test_port_change_keeps_every_other_line(config_file):
    before = config_file.read_text(encoding="utf-8").splitlines()
    set_config_value(config_file, "printer", "port", "/dev/ttyUSB1")
    set_config_value(config_file, "reader", "port", "socket://127.0.0.1:7000")
    after = config_file.read_text(encoding="utf-8").splitlines()
    diff = [(a, b) for a, b in zip(before, after, strict=True) if a != b]
    assert diff == [('port = "/dev/kiosk-printer"', 'port = "/dev/ttyUSB1"'),
                    ('port = "/dev/kiosk-idcard"', 'port = "socket://127.0.0.1:7000"')]
    cfg = load_config(config_file)
    assert (cfg.printer.port, cfg.reader.port) == ("/dev/ttyUSB1", "socket://127.0.0.1:7000")


def test_trailing_comment_and_hash_inside_string_survive():
    text = '[api]\ntoken = "a#b" # issued 2024\n[printer]\nport = "x"\n'
    out = edit_text(text, "api", "token", "new")
    assert out == '[api]\ntoken = "new" # issued 2024\n[printer]\nport = "x"\n'


def test_missing_key_goes_after_the_sections_last_entry():
    text = 'data_dir = "/d"\n[printer]\nbaudrate = 9600\n\n# about the reader\n[reader]\nport = ""\n'
    out = edit_text(text, "printer", "port", "/dev/ttyS0")
    assert out == ('data_dir = "/d"\n[printer]\nbaudrate = 9600\nport = "/dev/ttyS0"\n\n'
                   '# about the reader\n[reader]\nport = ""\n')


def test_missing_section_is_appended_and_top_level_keys_work():
    out = edit_text('data_dir = "/d"', "security", "helper_pin_hash", "scrypt$1")
    assert tomllib.loads(out) == {"data_dir": "/d", "security": {"helper_pin_hash": "scrypt$1"}}
    out = edit_text('# top\n[ui]\nsize = ""\n', "", "log_level", "DEBUG")
    assert tomllib.loads(out) == {"log_level": "DEBUG", "ui": {"size": ""}}
    assert out == '# top\nlog_level = "DEBUG"\n[ui]\nsize = ""\n'


def test_crlf_files_stay_crlf():
    out = edit_text('[printer]\r\nport = "a"\r\n', "printer", "baudrate", 9600)
    assert out == '[printer]\r\nport = "a"\r\nbaudrate = 9600\r\n'


@pytest.mark.parametrize("value", ['quote " back \\ tab \t nl \n', "中文终端", "\x01\x7f", True, False, 0, -5,
                                   2.5, 1e-7])
def test_values_round_trip(value):
    assert tomllib.loads("x = " + toml_value(value))["x"] == value


def test_unsupported_values():
    with pytest.raises(TypeError):
        toml_value([1, 2])
    with pytest.raises(ValueError):
        toml_value(float("nan"))
    with pytest.raises(ValueError):
        edit_text("", "a b", "k", 1)


def test_invalid_value_is_rolled_back(config_file):
    before = config_file.read_bytes()
    with pytest.raises(ConfigError) as e:
        set_config_value(config_file, "printer", "baudrate", 12345)
    assert e.value.key == "printer.baudrate" and e.value.path == str(config_file)
    with pytest.raises(ConfigError) as e:
        set_config_value(config_file, "security", "helper_pin_hash", "1234")
    assert e.value.key == "security.helper_pin_hash"
    with pytest.raises(ConfigError):
        set_config_value(config_file, "printer", "colour", "red")  # unknown key
    assert config_file.read_bytes() == before
    assert sorted(p.name for p in config_file.parent.iterdir() if p.is_file()) == ["kiosk.toml"]


def test_mode_is_kept_and_file_replaced_atomically(config_file):
    os.chmod(config_file, 0o640)
    inode = config_file.stat().st_ino
    set_config_value(config_file, "printer", "port", "")
    st = config_file.stat()
    assert stat.S_IMODE(st.st_mode) == 0o640
    assert st.st_ino != inode
    assert load_config(config_file).printer.port == ""


def test_missing_file(tmp_path):
    with pytest.raises(ConfigError):
        set_config_value(tmp_path / "none.toml", "printer", "port", "")


def test_validate_port(tmp_path):
    master, slave = pty.openpty()
    try:
        assert validate_port(os.ttyname(slave)) is None
        link = tmp_path / "kiosk-printer"
        link.symlink_to(os.ttyname(slave))
        assert validate_port(str(link)) is None
    finally:
        os.close(master)
        os.close(slave)
    assert validate_port("socket://127.0.0.1:9") is None
    assert validate_port("") is None and validate_port("sim") is None
    assert "不存在" in validate_port("/dev/kiosk-nothing-here")
    dangling = tmp_path / "kiosk-idcard"
    dangling.symlink_to(tmp_path / "ttyUSB9")
    assert "不存在" in validate_port(str(dangling))
    assert "不是串口设备" in validate_port(str(tmp_path))
    assert "无法作为串口打开" in validate_port("/dev/null")
    assert validate_port("ttyUSB0") is not None
