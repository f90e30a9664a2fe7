"""Fixtures for the staff (helper / technician) tests."""

import logging
import shutil
from pathlib import Path

import pytest

from kiosk.logging_setup import AUDIT

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def config_file(tmp_path):
    """The shipped example config, with data_dir pointing into tmp_path."""
    p = tmp_path / "kiosk.toml"
    shutil.copy(ROOT / "config.example.toml", p)
    text = p.read_text(encoding="utf-8").replace('data_dir = "/var/lib/kiosk"',
                                                  f'data_dir = "{tmp_path / "data"}"')
    text = text.replace('token = "CHANGE-ME"', 'token = "t0ken-for-this-terminal"')   # as an installer would
    p.write_text(text, encoding="utf-8")
    p.chmod(0o640)      # it holds the API token: the kiosk refuses a world-readable one
    return p


@pytest.fixture
def audit_lines(caplog):
    """The audit lines logged during the test (as the masked, formatted messages)."""
    caplog.set_level(logging.INFO, logger=AUDIT)

    def lines():
        return [r.getMessage() for r in caplog.records if r.name == AUDIT]

    return lines
