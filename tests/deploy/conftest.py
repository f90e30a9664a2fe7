"""Fixtures of the deploy tests."""

import pytest
from deploy_helpers import Upgrader


@pytest.fixture
def terminal(tmp_path):
    """A terminal's file tree in a temp folder: config and data directory with content."""
    root = tmp_path / "root"
    (root / "etc/kiosk").mkdir(parents=True)
    cfg = root / "etc/kiosk/config.toml"
    cfg.write_text('data_dir = "/var/lib/kiosk"\n[api]\ntoken = "tok"\n')
    cfg.chmod(0o640)
    data = root / "var/lib/kiosk"
    for sub in ("outbox", "cache", "logs"):
        (data / sub).mkdir(parents=True)
    (data / "outbox/outbox.sqlite").write_bytes(b"SQLite format 3\x00" + b"\x01" * 64)
    (data / "print_queue.sqlite").write_bytes(b"SQLite format 3\x00" + b"\x02" * 64)
    (data / "cache/catalog.json").write_text('{"items": 62}')
    (data / "logs/kiosk.log").write_text("2026-11-26 INFO started\n")
    (root / "opt/kiosk").mkdir(parents=True)
    return Upgrader(root, tmp_path)
