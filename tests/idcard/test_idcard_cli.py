"""The technician tool, run as a subprocess against the in-process simulator."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from drivers.sim.idcard import SYNTHETIC_CARDS

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str, timeout: float = 20) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run(
        [sys.executable, "-m", "drivers.idcard", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout,
    )  # fmt: skip


def test_read_prints_masked_card(sim):
    card = SYNTHETIC_CARDS[0]
    sim.put_card(card)
    p = run("read", "--port", sim.port, "--timeout", "2")
    assert p.returncode == 0, p.stderr
    assert card.id_number not in p.stdout and card.name not in p.stdout
    assert card.id_number[:4] in p.stdout and card.id_number[-4:] in p.stdout
    assert card.name[0] + "*" in p.stdout


def test_read_json_is_masked(sim):
    card = SYNTHETIC_CARDS[4]
    sim.put_card(card)
    p = run("read", "--port", sim.port, "--timeout", "2", "--json")
    assert p.returncode == 0, p.stderr
    data = json.loads(p.stdout)
    assert data["card_type"] == "foreign_2017"
    assert data["birth_date"] == "1985-06-12" and data["nationality"] == "USA"
    assert data["id_number"] != card.id_number and data["id_number"].endswith(card.id_number[-4:])
    assert data["name"] != card.name and data["english_name"] != card.english_name
    assert card.id_number not in p.stdout


def test_no_card_in_time_exits_1(sim):
    p = run("read", "--port", sim.port, "--timeout", "0.5")
    assert p.returncode == 1
    assert "no card" in p.stderr


def test_dead_reader_exits_3(sim):
    sim.set_fault("dead")
    p = run("read", "--port", sim.port, "--timeout", "0.3")
    assert p.returncode == 3
    assert "did not answer" in p.stderr


def test_missing_port_exits_3(tmp_path):
    p = run("read", "--port", str(tmp_path / "absent"), "--timeout", "0.3")
    assert p.returncode == 3


def test_usage_exits_2():
    assert run().returncode == 2
    assert run("read").returncode == 2  # --port missing
    assert run("read", "--port", "x", "--timeout", "-1").returncode == 2


def test_sam_and_selfcheck(sim):
    p = run("sam", "--port", sim.port, "--timeout", "1")
    assert (p.returncode, p.stdout.strip()) == (0, "05.01-20240115-0011292549-2147484208")
    assert run("selfcheck", "--port", sim.port, "--timeout", "1").returncode == 0
    sim.set_fault("sam_fail")
    assert run("selfcheck", "--port", sim.port, "--timeout", "1").returncode == 1


def test_watch_prints_each_card(sim):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen(
        [sys.executable, "-m", "drivers.idcard", "read", "--port", sim.port, "--timeout", "1", "--watch"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        sim.put_card(SYNTHETIC_CARDS[0])
        first = proc.stdout.readline()
        sim.remove_card()
        sim.put_card(SYNTHETIC_CARDS[3])
        second = proc.stdout.readline()
    finally:
        proc.terminate()
        proc.wait(timeout=5)
        proc.stdout.close()
        proc.stderr.close()
    assert first.startswith("resident:") and SYNTHETIC_CARDS[0].id_number not in first
    assert second.startswith("hmt:") and SYNTHETIC_CARDS[3].id_number not in second


def test_simulator_cli_is_controlled_on_stdin(tmp_path):
    from drivers.idcard import IdCardReader

    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen(
        [sys.executable, "-m", "drivers.sim.idcard", "--boot-delay", "0", "--link-dir", str(tmp_path)],
        cwd=ROOT, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        port = proc.stdout.readline().strip()
        assert port == str(tmp_path / "kiosk-idcard")
        proc.stdout.readline()  # the help line
        proc.stdin.write("put 4\n")
        proc.stdin.flush()
        assert proc.stdout.readline().strip() == "ok"
        with IdCardReader(port, timeout=1.0) as reader:
            assert reader.read_card() == SYNTHETIC_CARDS[4]
        proc.stdin.write("fault melted\n")
        proc.stdin.flush()
        assert proc.stdout.readline().startswith("?")
        proc.stdin.write("quit\n")
        proc.stdin.flush()
        assert proc.wait(timeout=5) == 0
        assert not (tmp_path / "kiosk-idcard").exists()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdin.close()
        proc.stdout.close()
