"""The shipped unit files, udev rules and lock-down files: systemd-analyze verify, a udev rule parser."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from deploy_helpers import DEPLOY, ROOT

UNITS = ["kiosk.service", "kiosk-xorg.service", "kiosk-restart.service", "kiosk-restart.timer"]
# Commands that exist only on a terminal, not on the build machine.
TERMINAL_ONLY = {"/usr/lib/kiosk/kiosk", "/usr/bin/Xorg", "/usr/bin/xauth", "/usr/bin/xset"}


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
    assert s["ExecStart"] == ["/usr/lib/kiosk/kiosk"]
    assert s["ProtectSystem"] == ["strict"] and s["ReadWritePaths"] == ["/var/lib/kiosk /etc/kiosk -/media"]
    assert s["PrivateTmp"] == ["yes"] and s["NoNewPrivileges"] == ["yes"]
    # Would hide the serial devices / break Mesa's shader JIT.
    assert "PrivateDevices" not in s and "MemoryDenyWriteExecute" not in s
    assert "kiosk-xorg.service" in u["Unit"]["Requires"][0] and "kiosk-xorg.service" in u["Unit"]["After"][0]
    assert u["Unit"]["StartLimitIntervalSec"] == ["0"]       # never give up restarting


def test_kiosk_unit_is_locked_down():
    s = parse_unit(DEPLOY / "kiosk.service")["Service"]
    assert s["CapabilityBoundingSet"] == [""] and s["AmbientCapabilities"] == [""]
    assert s["SystemCallFilter"] == ["@system-service"] and s["SystemCallArchitectures"] == ["native"]
    assert set(s["RestrictAddressFamilies"][0].split()) == {"AF_UNIX", "AF_INET", "AF_INET6", "AF_NETLINK"}
    assert s["LimitCORE"] == ["0"]
    assert s["DevicePolicy"] == ["closed"]
    allowed = [a.split() for a in s["DeviceAllow"]]
    assert ["/dev/kiosk-printer", "rw"] in allowed and ["/dev/kiosk-idcard", "rw"] in allowed
    # Nothing but serial ports and the GPU: no disks, no input devices, no /dev/mem.
    assert {a[0] for a in allowed} == {"/dev/kiosk-printer", "/dev/kiosk-idcard", "char-ttyUSB", "char-ttyACM",
                                       "char-drm"}


def test_console_lockdown_files():
    lock = DEPLOY / "lockdown"
    xorg = (lock / "50-kiosk-lockdown.conf").read_text()
    assert re.search(r'Section "ServerFlags".*Option "DontVTSwitch" "true".*Option "DontZap" "true".*EndSection',
                     xorg, re.S)
    assert re.search(r"^kernel\.sysrq = 0$", (lock / "50-kiosk-sysrq.conf").read_text(), re.M)
    logind = parse_unit(lock / "50-kiosk-vt.conf")["Login"]
    assert logind == {"NAutoVTs": ["0"], "ReserveVT": ["0"]}
    postinst = (ROOT / "packaging/debian/postinst").read_text()
    assert all(f"getty@tty{n}.service" in postinst and f"autovt@tty{n}.service" in postinst for n in range(2, 7))


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
