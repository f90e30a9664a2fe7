"""Helpers for the deploy tests: stand-in kiosk bundles (a tiny `kiosk` shell script) and tree snapshots."""

from __future__ import annotations

import fcntl
import hashlib
import os
import subprocess
import sys
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


def build_bundle(out: Path, demo: bool) -> Path:
    """kiosk.spec built by PyInstaller into out/dist/kiosk (~30 s)."""
    env = {**os.environ, "KIOSK_BUNDLE_DEMO": "1" if demo else "0", "KIVY_LOG_MODE": "MIXED",
           "KIVY_HOME": str(out / "kivy-home")}
    r = subprocess.run([sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
                        "--distpath", str(out / "dist"), "--workpath", str(out / "build"), str(ROOT / "kiosk.spec")],
                       cwd=ROOT, env=env, capture_output=True, text=True, timeout=280)
    assert r.returncode == 0, r.stderr[-4000:]
    return out / "dist" / "kiosk"


def make_bundle(where: Path, version: str, selftest_rc: int = 0) -> Path:
    d = where / f"bundle-{version}-{selftest_rc}" / "kiosk"
    (d / "_internal" / "assets").mkdir(parents=True)
    (d / "_internal" / "assets" / "marker.txt").write_text(version)
    exe = d / "kiosk"
    exe.write_text(FAKE_KIOSK.format(version=version, selftest_rc=selftest_rc))
    exe.chmod(0o755)
    return d


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


def built_once(tmp_path_factory, name: str, demo: bool) -> tuple[Path, Path]:
    """(bundle dir, build dir) of kiosk.spec, built once per test run even when several xdist workers ask
    for it: they share the run's base temp directory and take turns on a lock."""
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent                       # popen-gwN/.. is shared by the run's workers
    out = base / name
    with open(base / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (out / ".built").exists():
            out.mkdir(exist_ok=True)
            build_bundle(out, demo=demo)
            (out / ".built").touch()
    return out / "dist" / "kiosk", out
