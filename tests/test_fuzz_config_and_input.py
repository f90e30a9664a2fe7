"""Fuzzing the text that comes from outside and is not a frame: config files and keypad input.
Only the named errors come out, and nothing hangs."""

from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.config import ConfigError, load_config
from kiosk.validators import id_prefix_ok, is_plausible_case_number, is_valid_id_number, is_valid_uscc

KEYS = ["data_dir", "log_level", "[terminal]", "id", "[api]", "base_url", "token", "[printer]", "port",
        "baudrate", "[session]", "idle_menu_seconds", "[ui]", "language", "size", "[hours]", "periods",
        "weekdays", "[security]", "helper_pin_hash", "=", '"', "[", "]", "\n", "1", "-3", "true", "x",
        '"sim"', '"demo"', '"09:00-12:00"', "[1, 2]", "{}", "\\", "\x00", "中文"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(KEYS), max_size=40))
def test_config_parser_only_raises_config_error(tmp_path_factory, parts):
    p = tmp_path_factory.mktemp("cfg") / "k.toml"
    p.write_text(" ".join(parts), encoding="utf-8")
    try:
        load_config(p)
    except ConfigError as e:
        assert str(p) in str(e) and e.key


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300))
def test_config_bytes_only_raise_config_error(tmp_path_factory, raw):
    p = tmp_path_factory.mktemp("cfgb") / "k.toml"
    p.write_bytes(raw)
    try:
        load_config(p)
    except ConfigError:
        pass


@given(st.text(max_size=40))
def test_validators_take_any_text(s):
    for check in (is_valid_id_number, is_valid_uscc, is_plausible_case_number, id_prefix_ok):
        assert check(s) in (True, False)
