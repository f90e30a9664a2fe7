"""The kiosk refuses a config file with secrets that others may read or change."""

import os
from dataclasses import replace
from pathlib import Path

import pytest

from kiosk.config import Config, load_config
from kiosk.permissions import check_secret_permissions, config_has_secrets

ROOT = Path(__file__).resolve().parents[2]


def _config_file(tmp_path: Path, token: str, pin_hash: str = "") -> Path:
    text = (ROOT / "config.example.toml").read_text(encoding="utf-8")
    text = text.replace('token = "CHANGE-ME"', f'token = "{token}"')
    text = text.replace('data_dir = "/var/lib/kiosk"', f'data_dir = "{tmp_path / "data"}"')
    text = text.replace('helper_pin_hash = ""', f'helper_pin_hash = "{pin_hash}"')
    p = tmp_path / "config.toml"
    p.write_text(text, encoding="utf-8")
    return p


@pytest.mark.parametrize("mode, words", [
    (0o644, "readable by others (mode 0644)"),
    (0o666, "readable and writable by others (mode 0666)"),
    (0o642, "writable by others (mode 0642)"),
    (0o641, "accessible by others (mode 0641)"),
])
def test_secret_config_open_to_others_is_refused(tmp_path, mode, words):
    p = _config_file(tmp_path, "tok-7f3a9c")
    os.chmod(p, mode)
    cfg = load_config(p)
    assert config_has_secrets(cfg)
    msg = check_secret_permissions(str(p), config_has_secrets(cfg))
    assert msg is not None
    assert "\n" not in msg
    assert str(p) in msg and words in msg
    assert f"chmod 640 {p}" in msg


@pytest.mark.parametrize("mode", [0o640, 0o600, 0o660, 0o400])
def test_secret_config_closed_to_others_is_accepted(tmp_path, mode):
    p = _config_file(tmp_path, "tok-7f3a9c")
    os.chmod(p, mode)
    assert check_secret_permissions(str(p), config_has_secrets(load_config(p))) is None


def test_world_readable_config_without_secrets_is_accepted(tmp_path):
    p = _config_file(tmp_path, "demo-token")
    text = p.read_text(encoding="utf-8").replace('"https://zwfw.example.gov.cn/kiosk"', '"demo"')
    text = text.replace('mode = "terminal"', 'mode = "demo"')
    p.write_text(text, encoding="utf-8")
    os.chmod(p, 0o644)
    cfg = load_config(p)
    assert not config_has_secrets(cfg)
    assert check_secret_permissions(str(p), config_has_secrets(cfg)) is None


def test_what_counts_as_a_secret():
    demo = Config.demo("/tmp/unused")
    assert not config_has_secrets(demo)
    assert not config_has_secrets(replace(demo, api=replace(demo.api, token="")))
    assert not config_has_secrets(replace(demo, api=replace(demo.api, token="  ")))
    assert config_has_secrets(replace(demo, api=replace(demo.api, token="real-token")))
    assert config_has_secrets(replace(demo, security=replace(demo.security, technician_pin_hash="scrypt$x")))
    assert config_has_secrets(replace(demo, security=replace(demo.security, helper_pin_hash="scrypt$y")))


def test_pin_hash_alone_makes_a_world_readable_file_refused(tmp_path):
    p = _config_file(tmp_path, "demo-token", pin_hash="scrypt$16384$8$1$c2FsdA$aGFzaA")
    os.chmod(p, 0o604)
    msg = check_secret_permissions(str(p), config_has_secrets(load_config(p)))
    assert msg is not None and "mode 0604" in msg


def test_missing_file_is_left_to_the_loader(tmp_path):
    assert check_secret_permissions(str(tmp_path / "nope.toml"), True) is None
