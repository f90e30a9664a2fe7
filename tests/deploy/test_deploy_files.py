"""The shipped unit files, udev rules and install.sh: systemd-analyze verify, a udev rule parser, and an
idempotent install into a temp root."""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
from pathlib import Path

import pytest
from deploy_helpers import DEPLOY, ROOT, snapshot

UNITS = ["kiosk.service", "kiosk-xorg.service", "kiosk-restart.service", "kiosk-restart.timer"]
# Commands that exist only on a terminal, not on the build machine.
TERMINAL_ONLY = {"/opt/kiosk/current/kiosk", "/usr/bin/Xorg", "/usr/bin/xauth", "/usr/bin/xset"}


def parse_unit(path: Path) -> dict[str, dict[str, list[str]]]:
    sections: dict[str, dict[str, list[str]]] = {}
    current = None
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            current = sections.setdefault(line.strip("[]"), {})
            continue
        key, _, value = line.partition("=")
        current.setdefault(key, []).append(value)
    return sections


def _verify(paths: list[Path]) -> list[str]:
    r = subprocess.run(["systemd-analyze", "verify", *map(str, paths)], capture_output=True, text=True,
                       timeout=60, env={**os.environ, "SYSTEMD_LOG_COLOR": "0"})
    problems = []
    for line in (r.stdout + r.stderr).splitlines():
        m = re.search(r"Command (\S+) is not executable", line)
        if m and m[1] in TERMINAL_ONLY:
            continue
        if line.strip():
            problems.append(line)
    return problems


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd-analyze missing (apt-get install systemd)")
def test_units_pass_systemd_analyze_verify(tmp_path):
    for unit in UNITS:
        shutil.copy(DEPLOY / unit, tmp_path / unit)
    assert _verify([tmp_path / u for u in UNITS]) == []
    # The check can fail: a misspelt key and a bad value are reported.
    bad = tmp_path / "bad.service"
    bad.write_text("[Service]\nExecStart=/bin/true\nRestrat=always\nRestart=sometimes\n")
    problems = _verify([bad])
    assert any("Restrat" in p for p in problems) and any("sometimes" in p for p in problems)


def test_kiosk_unit_settings():
    u = parse_unit(DEPLOY / "kiosk.service")
    s = u["Service"]
    assert s["Type"] == ["notify"] and s["Restart"] == ["always"] and s["WatchdogSec"] == ["120"]
    assert s["User"] == ["kiosk"] and s["Group"] == ["kiosk"]
    assert "dialout" in s["SupplementaryGroups"][0].split()
    assert "KIOSK_CONFIG=/etc/kiosk/config.toml" in s["Environment"] and "DISPLAY=:0" in s["Environment"]
    assert s["ExecStart"] == ["/opt/kiosk/current/kiosk"]
    assert s["ProtectSystem"] == ["strict"] and s["ReadWritePaths"] == ["/var/lib/kiosk"]
    assert s["PrivateTmp"] == ["yes"] and s["NoNewPrivileges"] == ["yes"]
    # Would hide the serial devices / break Mesa's shader JIT.
    assert "PrivateDevices" not in s and "MemoryDenyWriteExecute" not in s and "DevicePolicy" not in s
    assert "kiosk-xorg.service" in u["Unit"]["Requires"][0] and "kiosk-xorg.service" in u["Unit"]["After"][0]
    assert u["Unit"]["StartLimitIntervalSec"] == ["0"]       # never give up restarting


def test_xorg_unit_is_bare_and_never_blanks():
    s = parse_unit(DEPLOY / "kiosk-xorg.service")["Service"]
    cmd = s["ExecStart"][0].split()
    assert cmd[:2] == ["/usr/bin/Xorg", ":0"] and "vt7" in cmd
    for flag in ("-nocursor", "-dpms"):
        assert flag in cmd
    assert cmd[cmd.index("-nolisten") + 1] == "tcp" and cmd[cmd.index("-s") + 1] == "0"
    assert not any(wm in s["ExecStart"][0] for wm in ("matchbox", "openbox", "xfwm", "twm"))


def test_nightly_restart_timer():
    t = parse_unit(DEPLOY / "kiosk-restart.timer")
    assert t["Timer"]["OnCalendar"] == ["*-*-* 03:30:00"]
    assert t["Install"]["WantedBy"] == ["timers.target"]
    s = parse_unit(DEPLOY / "kiosk-restart.service")["Service"]
    assert s["ExecStart"] == ["/bin/systemctl try-restart kiosk.service"]


# ------------------------------------------------------------------ udev

RULE_PAIR = re.compile(r'^(?P<key>[A-Z_]+(?:\{[A-Za-z0-9_]+\})?)(?P<op>==|!=|\+=|-=|:=|=)"(?P<value>[^"]*)"$')
MATCH_KEYS = re.compile(r"^(SUBSYSTEM|SUBSYSTEMS|KERNEL|KERNELS|ACTION|DRIVERS|ATTRS\{\w+\}|ATTR\{\w+\}|ENV\{\w+\})$")
ASSIGN_KEYS = {"SYMLINK", "GROUP", "MODE", "OWNER", "TAG", "ENV"}


def parse_rule(line: str) -> list[tuple[str, str, str]]:
    pairs = []
    for part in (p.strip() for p in line.split(",")):
        m = RULE_PAIR.match(part)
        assert m, f"not a KEY==\"value\" / KEY=\"value\" pair: {part!r} in {line!r}"
        key, op, value = m["key"], m["op"], m["value"]
        if op in ("==", "!="):
            assert MATCH_KEYS.match(key), f"{key} cannot be matched in {line!r}"
        else:
            assert key.split("{")[0] in ASSIGN_KEYS, f"{key} cannot be assigned in {line!r}"
        pairs.append((key, op, value))
    return pairs


def rules_in(text: str, commented: bool = False) -> list[list[tuple[str, str, str]]]:
    out = []
    for line in text.splitlines():
        line = line.strip()
        if commented and line.startswith("# SUBSYSTEM=="):
            line = line[2:]
        if line and not line.startswith("#"):
            out.append(parse_rule(line))
    return out


def test_udev_rules_template():
    text = (DEPLOY / "99-kiosk.rules").read_text()
    rules = rules_in(text)
    links = []
    for pairs in rules:
        d = {(k, op): v for k, op, v in pairs}
        assert d[("SUBSYSTEM", "==")] == "tty"
        assert re.fullmatch(r"[0-9a-f]{4}", d[("ATTRS{idVendor}", "==")])
        assert re.fullmatch(r"[0-9a-f]{4}", d[("ATTRS{idProduct}", "==")])
        assert ("ATTRS{serial}", "==") in d
        assert d[("GROUP", "=")] == "dialout" and d[("MODE", "=")] == "0660"
        links.append(d[("SYMLINK", "+=")])
    assert sorted(links) == ["kiosk-idcard", "kiosk-printer"]
    # The commented example parses too, and the documented adapters are all named.
    assert len(rules_in(text, commented=True)) == 3
    for vid_pid in ("0403:6001", "1a86:7523", "067b:2303", "10c4:ea60"):
        assert vid_pid in text
    assert "udevadm info -a -n" in text


def test_udev_parser_rejects_broken_rules():
    for broken in ('SUBSYSTEM="tty", SYMLINK+="x"',          # assignment to a match-only key
                   'SUBSYSTEM=="tty" SYMLINK+="x"',          # missing comma
                   'SUBSYSTEM=="tty", SYMLINK+=kiosk-x',     # unquoted value
                   'ATTRS{idVendor}="0403"'):
        with pytest.raises(AssertionError):
            parse_rule(broken)


def test_udevadm_verify_when_available():
    udevadm = shutil.which("udevadm")
    if not udevadm or subprocess.run([udevadm, "verify", "--help"], capture_output=True).returncode != 0:
        pytest.skip("udevadm verify needs systemd >= 254")
    r = subprocess.run([udevadm, "verify", str(DEPLOY / "99-kiosk.rules")], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr


# ------------------------------------------------------------------ install.sh

def _fake_path(tmp_path: Path) -> tuple[dict, Path]:
    """PATH with tools that must not run in a prefix install, each recording that it was called."""
    bin_dir, called = tmp_path / "fakebin", tmp_path / "called.log"
    bin_dir.mkdir()
    for tool in ("systemctl", "udevadm", "useradd", "groupadd", "usermod", "apt-get", "chown"):
        p = bin_dir / tool
        p.write_text(f'#!/bin/sh\necho "{tool} $*" >> {called}\n')
        p.chmod(0o755)
    called.touch()
    return {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}"}, called


def _install(root: Path, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", str(DEPLOY / "install.sh")], env={**env, "KIOSK_ROOT": str(root)},
                          capture_output=True, text=True, timeout=30)


def _mode(p: Path) -> int:
    return stat.S_IMODE(p.stat().st_mode)


def test_install_into_prefix_is_complete_and_idempotent(tmp_path):
    env, called = _fake_path(tmp_path)
    root = tmp_path / "root"
    r = _install(root, env)
    assert r.returncode == 0, r.stderr
    assert called.read_text() == ""
    expect = {
        "opt/kiosk/releases": 0o755, "etc/kiosk": 0o750, "etc/kiosk/config.toml": 0o640,
        "var/lib/kiosk": 0o750, "var/lib/kiosk/logs": 0o750, "usr/local/sbin/kiosk-upgrade": 0o755,
        "etc/udev/rules.d/99-kiosk.rules": 0o644,
        **{f"etc/systemd/system/{u}": 0o644 for u in UNITS},
    }
    for rel, mode in expect.items():
        assert _mode(root / rel) == mode, rel
    assert (root / "etc/kiosk/config.toml").read_text() == (ROOT / "config.example.toml").read_text()

    # A technician's edits survive a second run; the second run changes nothing else.
    (root / "etc/kiosk/config.toml").write_text('data_dir = "/var/lib/kiosk"\n# edited\n')
    (root / "etc/udev/rules.d/99-kiosk.rules").write_text('SUBSYSTEM=="tty", SYMLINK+="kiosk-printer"\n')
    before = snapshot(root)
    r = _install(root, env)
    assert r.returncode == 0, r.stderr
    after = snapshot(root)
    new = set(after) - set(before)
    assert new == {"etc/udev/rules.d/99-kiosk.rules.dist"}
    changed = {k for k in before if before[k][:2] != after[k][:2]}
    assert changed == set()
    assert "# edited" in (root / "etc/kiosk/config.toml").read_text()
    assert called.read_text() == ""


def test_install_closes_a_world_readable_config(tmp_path):
    env, _ = _fake_path(tmp_path)
    root = tmp_path / "root"
    (root / "etc/kiosk").mkdir(parents=True)
    cfg = root / "etc/kiosk/config.toml"
    cfg.write_text('data_dir = "/var/lib/kiosk"\n')
    cfg.chmod(0o644)
    r = _install(root, env)
    assert r.returncode == 0, r.stderr
    assert _mode(cfg) == 0o640 and "open to others (mode 644)" in r.stdout
