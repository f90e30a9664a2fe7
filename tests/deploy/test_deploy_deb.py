"""The real package: scripts/build_deb.sh around the production PyInstaller bundle (the session fixture of
test_deploy_bundle.py), checked by lintian and dpkg-deb, verified by apt from a signed aptly repository,
installed by apt and dpkg in a terminal chroot (debrepo.Terminal), and the kiosk.service sandbox's
writable paths checked against what the diagnostics screen's code writes."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from debrepo import AltApt, Key, Repo, build_deb, sh
from deploy_helpers import DEPLOY, ROOT

from kiosk import __version__

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]

VERSION = f"{__version__}-1"


@pytest.fixture(scope="module")
def real_deb(production_bundle, tmp_path_factory) -> Path:
    bundle, _ = production_bundle
    return build_deb(bundle, VERSION, tmp_path_factory.mktemp("real-deb"))


@pytest.fixture(scope="module")
def real_repo(real_deb, center_key, tmp_path_factory) -> Repo:
    repo = Repo(tmp_path_factory.mktemp("real-repo") / "repo", center_key)
    repo.add(real_deb)
    return repo


def _lintian(deb: Path) -> list[str]:
    r = sh("lintian", "--tag-display-limit", "0", deb, check=False, timeout=300)
    # 0 clean; lintian 2.116 answers 1 or 2 when it found tags of error severity. A run that failed
    # to look at the package prints no tags at all (checked by the callers).
    assert r.returncode in (0, 1, 2), r.stderr
    return r.stdout.splitlines()


def test_lintian_reports_no_errors(real_deb, tmp_path):
    tags = _lintian(real_deb)
    assert [t for t in tags if t.startswith("E:")] == []
    assert any(t.startswith("W: kiosk: no-manual-page") for t in tags)     # it did look at the package
    # lintian does see errors in a package that has them: a file in /opt, no copyright, a bad mail host.
    bad = tmp_path / "bad"
    (bad / "DEBIAN").mkdir(parents=True)
    (bad / "opt/x").mkdir(parents=True)
    (bad / "opt/x/run").write_text("#!/bin/sh\n")
    (bad / "DEBIAN/control").write_text("Package: bad\nVersion: 1.0-1\nArchitecture: all\n"
                                        "Maintainer: X <x@localhost>\nDescription: bad\n bad package\n")
    sh("dpkg-deb", "--root-owner-group", "--build", bad, tmp_path / "bad.deb")
    errors = [t for t in _lintian(tmp_path / "bad.deb") if t.startswith("E:")]
    assert any("dir-or-file-in-opt" in t for t in errors), errors


def test_package_contents(real_deb, tmp_path):
    info = sh("dpkg-deb", "--info", real_deb).stdout
    assert re.search(rf"^ Version: {re.escape(VERSION)}$", info, re.M)
    assert re.search(r"^ Depends: .*\badduser\b", info, re.M)
    listing = {}
    for line in sh("dpkg-deb", "--contents", real_deb).stdout.splitlines():
        perms, owner, _size, _date, _time, name, *rest = line.split()
        listing[name.removeprefix(".")] = (perms, owner, rest)
    assert listing["/etc/kiosk/config.toml"][:2] == ("-rw-r-----", "root/root")
    assert listing["/usr/lib/kiosk/kiosk"][0] == "-rwxr-xr-x"
    assert listing["/usr/bin/kiosk"][2] == ["->", "../lib/kiosk/kiosk"]
    assert listing["/usr/sbin/kiosk-upgrade"][0] == "-rwxr-xr-x"
    for unit in ("kiosk.service", "kiosk-xorg.service", "kiosk-restart.service", "kiosk-restart.timer"):
        assert f"/lib/systemd/system/{unit}" in listing
    for path in ("/lib/udev/rules.d/99-kiosk.rules", "/etc/X11/xorg.conf.d/50-kiosk-lockdown.conf",
                 "/usr/lib/sysctl.d/50-kiosk-sysrq.conf", "/usr/lib/systemd/logind.conf.d/50-kiosk-vt.conf",
                 "/usr/share/doc/kiosk/copyright", "/usr/share/doc/kiosk/install.md.gz"):
        assert path in listing, path
    assert not any(p.startswith(("/opt", "/usr/local")) for p in listing)
    assert not any(owner != "root/root" for _, owner, _ in listing.values())   # nothing owned by kiosk in it

    control = tmp_path / "control"
    sh("dpkg-deb", "--control", real_deb, control)
    assert (control / "conffiles").read_text().split() == ["/etc/kiosk/config.toml",
                                                          "/etc/X11/xorg.conf.d/50-kiosk-lockdown.conf"]
    sh("sh", "-n", control / "postinst")

    # No library looks for others in a folder of the build machine (RUNPATH /root/.pyenv/...).
    tree = tmp_path / "tree"
    sh("dpkg-deb", "--extract", real_deb, tree)
    found = []
    for lib in (tree / "usr/lib/kiosk").rglob("*.so*"):
        out = sh("readelf", "-d", lib, check=False).stdout
        found += [f"{lib.name}: {m}" for m in re.findall(r"R(?:UN)?PATH.*\[(.*)\]", out) if "$ORIGIN" not in m]
    assert found == []
    # Debian's own libraries are not copied in (kiosk.spec): every library the bundle links to is either
    # in it or in a package the .deb depends on.
    depends = {d.split()[0] for d in re.search(r"^ Depends: (.*)$", info, re.M).group(1).split(", ")}
    assert {"libssl3", "libcups2", "libsqlite3-0", "libxcb1"} <= depends, depends
    inside = {p.name for p in (tree / "usr/lib/kiosk").rglob("*")}
    needed = set()
    for elf in (tree / "usr/lib/kiosk").rglob("*"):
        if elf.is_file() and not elf.is_symlink() and elf.open("rb").read(4) == b"\x7fELF":
            out = sh("readelf", "-d", elf).stdout
            needed |= set(re.findall(r"\(NEEDED\)\s+Shared library: \[(.+?)\]", out))
    assert "libpython3.11.so.1.0" not in needed and "libssl.so.3" in needed     # it did read them
    system = sorted(needed - inside)
    assert not {"libssl.so.3", "libcrypto.so.3", "libcups.so.2", "libsqlite3.so.0"} & inside
    owners = {}
    where = [f"{d}/{n}" for n in system for d in ("/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu")]
    for line in sh("dpkg", "-S", *where, check=False).stdout.splitlines():
        pkg, path = line.split(": ", 1)
        owners[Path(path).name] = pkg.split(":")[0]
    assert sorted(owners) == system, sorted(set(system) - set(owners))
    assert {n: p for n, p in owners.items() if p not in depends} == {}
    # The packaged bundle, with its libraries changed so, still runs.
    r = sh(tree / "usr/bin/kiosk", "--version", cwd=tmp_path)
    assert r.stdout.strip() == f"kiosk {__version__}"


def test_apt_verifies_the_signed_repository(real_repo, center_key, tmp_path):
    """Without chroot or mount: apt on a private tree downloads the package only when the repository's
    signature checks out against the key it was given."""
    good = AltApt(tmp_path / "good", real_repo.public, center_key.export(tmp_path / "center.gpg"))
    r = good.run("update")
    assert r.returncode == 0 and "NO_PUBKEY" not in r.stdout + r.stderr, r.stdout + r.stderr
    r = good.run("download", f"kiosk={VERSION}")
    assert r.returncode == 0, r.stderr
    debs = list((good.root / "dl").glob("kiosk_*.deb"))
    assert len(debs) == 1 and debs[0].stat().st_size > 1_000_000

    wrong = AltApt(tmp_path / "wrong", real_repo.public,
                   Key(tmp_path / "wrong-key", "Wrong Key").export(tmp_path / "wrong.gpg"))
    r = wrong.run("update")
    assert r.returncode != 0
    assert "NO_PUBKEY" in r.stdout + r.stderr and "is not signed" in r.stdout + r.stderr
    r = wrong.run("download", f"kiosk={VERSION}")
    assert r.returncode != 0
    assert list((wrong.root / "dl").glob("*.deb")) == []


def test_real_package_installs_on_a_terminal(terminal, real_repo, center_key, tmp_path):
    terminal.serve(real_repo.public)
    terminal.trust(center_key.export(tmp_path / "center.gpg"))
    r = terminal.upgrade("install", "--no-selftest")
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    assert terminal.version() == VERSION

    # The app runs as the unprivileged user the postinst created.
    r = terminal.run("id -nG kiosk; getent passwd kiosk; runuser -u kiosk -- kiosk --version")
    groups, passwd, version = r.stdout.splitlines()
    assert {"kiosk", "dialout", "video"} <= set(groups.split())
    assert passwd.split(":")[5:] == ["/var/lib/kiosk", "/usr/sbin/nologin"]
    assert version == f"kiosk {__version__}"

    r = terminal.run("stat -c '%U:%G %a %n' /etc/kiosk /etc/kiosk/config.toml /var/lib/kiosk /var/lib/kiosk/logs")
    assert r.stdout.splitlines() == ["root:kiosk 770 /etc/kiosk", "root:kiosk 640 /etc/kiosk/config.toml",
                                     "kiosk:kiosk 750 /var/lib/kiosk", "kiosk:kiosk 750 /var/lib/kiosk/logs"]
    r = terminal.run("dpkg-query -W -f='${Conffiles}' kiosk")
    assert "/etc/kiosk/config.toml" in r.stdout

    etc = terminal.root / "etc/systemd/system"
    for unit in ("multi-user.target.wants/kiosk.service", "multi-user.target.wants/kiosk-xorg.service",
                 "timers.target.wants/kiosk-restart.timer"):
        assert (etc / unit).is_symlink(), unit
    for n in range(2, 7):
        for name in (f"getty@tty{n}.service", f"autovt@tty{n}.service"):
            assert str((etc / name).readlink()) == "/dev/null", name

    # The units as installed still pass systemd's own check (with the bundle really in place now).
    units = [f"/lib/systemd/system/{u}" for u in ("kiosk.service", "kiosk-restart.service", "kiosk-restart.timer")]
    r = terminal.run("SYSTEMD_LOG_COLOR=0 systemd-analyze verify " + " ".join(units))
    problems = [line for line in (r.stdout + r.stderr).splitlines()
                if line.strip() and not re.search(r"/usr/bin/(Xorg|xauth|xset)", line)]
    assert problems == []


WRITER = """
import sys
from kiosk.config_writer import set_config_value
from kiosk import diagnostics

set_config_value("/etc/kiosk/config.toml", "printer", "port", "/dev/ttyUSB1")       # port reassignment
for dest in ("/var/lib/kiosk/exports", "/media/kiosk/usb"):                         # default, USB stick
    print(diagnostics.export_bundle(dest, config_path="/etc/kiosk/config.toml", log_dir="/var/lib/kiosk/logs",
                                    status={"terminal_id": "JN-HY-DDJ-07"}, data_dir="/var/lib/kiosk"))
"""

# kiosk.service's file system as systemd builds it (ProtectSystem=strict: everything read-only except
# ReadWritePaths; PrivateTmp: an empty /tmp), then a USB stick mounted for the kiosk user, then the code
# as the kiosk user. The kernel enforces the read-only mounts, as it does under systemd.
SANDBOX = """
set -e
for p in {rw}; do mkdir -p "$p" && mount --bind "$p" "$p"; done
mount -o remount,bind,ro /
for p in {rw}; do mount -o remount,bind,rw "$p"; done
mount -t tmpfs tmpfs /tmp
mkdir -p /media/kiosk/usb 2>/dev/null || true
mount -t tmpfs -o uid=$(id -u kiosk),gid=$(id -g kiosk),mode=0700 usbstick /media/kiosk/usb
cd /
exec runuser -u kiosk -- env PYTHONDONTWRITEBYTECODE=1 PYTHONPATH={pythonpath} /usr/bin/python3 /srv/writer.py
"""


def _writable_paths() -> list[str]:
    text = (DEPLOY / "kiosk.service").read_text()
    paths = []
    for line in re.findall(r"^ReadWritePaths=(.*)$", text, re.M):
        paths += [p.lstrip("-") for p in line.split()]
    return paths


def _in_sandbox(terminal, rw: list[str]) -> subprocess.CompletedProcess:
    # The code under test is bound in at /srv/kiosk-src: the checkout itself may live under /tmp, which
    # the sandbox (PrivateTmp) covers with an empty tmpfs, as a CI clone in /tmp would be.
    src = terminal.root / "srv/kiosk-src"
    src.mkdir(parents=True, exist_ok=True)
    subprocess.run(["mount", "--bind", str(ROOT), str(src)], check=True)
    try:
        site = next((ROOT / ".venv/lib").glob("python3*/site-packages")).relative_to(ROOT)
        script = SANDBOX.format(rw=" ".join(rw), pythonpath=f"/srv/kiosk-src:/srv/kiosk-src/{site}")
        return terminal.run(f"unshare --mount --propagation private bash -c {sh_quote(script)}", timeout=120)
    finally:
        subprocess.run(["umount", str(src)], check=False)


def sh_quote(s: str) -> str:
    return "'" + s.replace("'", "'\\''") + "'"


def test_unit_writable_paths_cover_what_the_diagnostics_screen_writes(terminal, real_repo, center_key, tmp_path):
    # The diagnostics screen offers /media/*/* as USB targets (kiosk/flows/diagnostics.py usb_targets).
    import inspect

    from kiosk.flows.diagnostics import DiagnosticsFlow

    assert inspect.signature(DiagnosticsFlow.usb_targets).parameters["media"].default == Path("/media")
    stick = tmp_path / "media" / "kiosk" / "usb"
    stick.mkdir(parents=True)
    assert DiagnosticsFlow.usb_targets(tmp_path / "media") == [str(stick)]
    rw = _writable_paths()
    assert rw == ["/var/lib/kiosk", "/etc/kiosk", "/media"]

    terminal.serve(real_repo.public)
    terminal.trust(center_key.export(tmp_path / "center.gpg"))
    r = terminal.upgrade("install", "--no-selftest")
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    # A filled-in config, as the technician leaves it (owner, group and mode as the package set them).
    cfg = terminal.root / "etc/kiosk/config.toml"
    cfg.write_text(cfg.read_text().replace('token = "CHANGE-ME"', 'token = "tok-7f3a9c55e1"'))
    (terminal.root / "var/lib/kiosk/logs/kiosk.log").write_text("2026-11-26 INFO started\n")
    terminal.run("chown kiosk:kiosk /var/lib/kiosk/logs/kiosk.log")
    (terminal.root / "srv/writer.py").write_text(WRITER)

    # Without /etc/kiosk among them the port reassignment fails: the sandbox does bite.
    r = _in_sandbox(terminal, [p for p in rw if p != "/etc/kiosk"])
    assert r.returncode != 0 and "Read-only file system" in r.stderr, r.stdout + r.stderr
    assert "/dev/ttyUSB1" not in cfg.read_text()

    r = _in_sandbox(terminal, rw)
    assert r.returncode == 0, r.stdout + r.stderr
    assert re.search(r'^port = "/dev/ttyUSB1"', cfg.read_text(), re.M)
    exports = r.stdout.split()
    assert [Path(p).parent.as_posix() for p in exports] == ["/var/lib/kiosk/exports", "/media/kiosk/usb"]
    assert (terminal.root / exports[0].lstrip("/")).is_file()
    # The config is still closed to others after the kiosk user rewrote it.
    r = terminal.run("stat -c '%a' /etc/kiosk/config.toml")
    assert r.stdout.strip() == "640"
