"""Helpers for the deploy tests: fake kiosk bundles (a tiny `kiosk` shell script) and tree snapshots."""

from __future__ import annotations

import hashlib
import os
import subprocess
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"

FAKE_KIOSK = """#!/bin/sh
# A stand-in bundle: answers --version and --selftest like the real one.
for a in "$@"; do
  case $a in
    --version) echo "kiosk {version}"; exit 0 ;;
    --selftest) echo "{version} $*" >> "$KIOSK_FAKE_LOG"; exit {selftest_rc} ;;
  esac
done
exit 0
"""


def make_bundle(where: Path, version: str, selftest_rc: int = 0) -> Path:
    d = where / f"bundle-{version}-{selftest_rc}" / "kiosk"
    (d / "_internal" / "assets").mkdir(parents=True)
    (d / "_internal" / "assets" / "marker.txt").write_text(version)
    exe = d / "kiosk"
    exe.write_text(FAKE_KIOSK.format(version=version, selftest_rc=selftest_rc))
    exe.chmod(0o755)
    return d


def make_tarball(where: Path, version: str, selftest_rc: int = 0) -> Path:
    d = make_bundle(where, version, selftest_rc)
    tgz = where / f"kiosk-{version}.tar.gz"
    with tarfile.open(tgz, "w:gz") as tar:
        tar.add(d, arcname=f"kiosk-{version}")
    return tgz


def snapshot(top: Path) -> dict[str, tuple]:
    """Every entry under top: type, mode, content hash, mtime (so any write shows)."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(top):
        for name in dirnames + filenames:
            p = Path(dirpath) / name
            st = p.lstat()
            digest = hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() and not p.is_symlink() else ""
            out[str(p.relative_to(top))] = (st.st_mode, digest, st.st_mtime_ns)
    return out


class Upgrader:
    def __init__(self, root: Path, tmp: Path):
        self.root, self.tmp = root, tmp
        self.log = tmp / "selftest.log"
        self.log.touch()
        self.systemctl_log = tmp / "systemctl.log"
        self.env = {**os.environ, "KIOSK_ROOT": str(root), "KIOSK_FAKE_LOG": str(self.log)}
        self.env.pop("KIOSK_SYSTEMCTL", None)

    def fake_systemctl(self, active: bool) -> None:
        script = self.tmp / "systemctl"
        script.write_text(f'#!/bin/sh\necho "$*" >> {self.systemctl_log}\n'
                          f'[ "$1" = is-active ] && exit {0 if active else 3}\nexit 0\n')
        script.chmod(0o755)
        self.env["KIOSK_SYSTEMCTL"] = str(script)

    def run(self, *args: str, **env: str) -> subprocess.CompletedProcess:
        return subprocess.run([str(DEPLOY / "kiosk-upgrade"), *args], env={**self.env, **env},
                              capture_output=True, text=True, timeout=30)

    def current(self) -> str:
        return os.readlink(self.root / "opt/kiosk/current")

    def previous(self) -> str:
        return os.readlink(self.root / "opt/kiosk/previous")


