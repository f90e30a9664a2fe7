"""`kiosk --config FILE --set-pin helper|technician`, end to end in a subprocess."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.config import load_config
from kiosk.security import verify_pin

ROOT = Path(__file__).resolve().parents[2]


def run_set_pin(args, stdin):
    env = {k: v for k, v in os.environ.items() if k != "KIOSK_CONFIG"}
    return subprocess.run([sys.executable, "-m", "kiosk", *args], input=stdin, capture_output=True,
                          text=True, cwd=ROOT, env=env, timeout=60)


def test_set_helper_pin(config_file):
    before = config_file.read_text(encoding="utf-8")
    r = run_set_pin(["--config", str(config_file), "--set-pin", "helper"], "246813\n246813\n")
    assert r.returncode == 0, r.stderr
    assert "security.helper_pin_hash" in r.stdout
    assert "246813" not in r.stdout + r.stderr
    cfg = load_config(config_file)
    assert cfg.security.helper_pin_hash.startswith("scrypt$")
    assert verify_pin("246813", cfg.security.helper_pin_hash)
    assert not verify_pin("246814", cfg.security.helper_pin_hash)
    assert cfg.security.technician_pin_hash == ""
    # Only that one line changed; the comments are all still there.
    after = config_file.read_text(encoding="utf-8")
    changed = [(a, b) for a, b in zip(before.splitlines(), after.splitlines(), strict=True) if a != b]
    assert len(changed) == 1 and changed[0][0] == 'helper_pin_hash = ""'


def test_set_technician_pin_then_helper_keeps_both(config_file):
    assert run_set_pin(["--config", str(config_file), "--set-pin", "technician"], "13572468\n13572468\n"
                       ).returncode == 0
    assert run_set_pin(["--config", str(config_file), "--set-pin", "helper"], "111111\n111111\n").returncode == 0
    cfg = load_config(config_file)
    assert verify_pin("13572468", cfg.security.technician_pin_hash)
    assert verify_pin("111111", cfg.security.helper_pin_hash)


def test_mismatch_writes_nothing(config_file):
    before = config_file.read_bytes()
    r = run_set_pin(["--config", str(config_file), "--set-pin", "helper"], "246813\n246812\n")
    assert r.returncode == 1
    assert "differ" in r.stderr
    assert config_file.read_bytes() == before


@pytest.mark.parametrize("pin", ["12", "2468", "12345", "1234567890123", "12345a"])
def test_pin_outside_6_to_12_digits_writes_nothing(config_file, pin):
    before = config_file.read_bytes()
    r = run_set_pin(["--config", str(config_file), "--set-pin", "helper"], f"{pin}\n{pin}\n")
    assert r.returncode == 1 and "6 to 12 digits" in r.stderr and "nothing written" in r.stderr
    assert "6-12" in r.stderr  # the prompt says it before asking
    assert config_file.read_bytes() == before


def test_no_pin_writes_nothing(config_file):
    before = config_file.read_bytes()
    r = run_set_pin(["--config", str(config_file), "--set-pin", "helper"], "")
    assert r.returncode == 1
    assert config_file.read_bytes() == before


def test_demo_mode_needs_a_config_file():
    r = run_set_pin(["--set-pin", "helper"], "246813\n246813\n")
    assert r.returncode == 2 and "--config" in r.stderr


def test_world_readable_config_with_secrets_is_refused(config_file):
    config_file.chmod(0o644)
    r = run_set_pin(["--config", str(config_file), "--selftest"], "")
    assert r.returncode == 2
    assert "readable by others" in r.stderr and "chmod 640" in r.stderr
