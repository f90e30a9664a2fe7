"""Installed size of the terminal's package: the production PyInstaller bundle from kiosk.spec
(KIOSK_BUNDLE_DEMO=0, what scripts/build_deb.sh puts in /usr/lib/kiosk), beside the demo bundle's
size and the 60 MB target; the largest parts, so a reader sees where the megabytes are. With --deb,
also the .deb from scripts/build_deb.sh (its Installed-Size and Depends: the production bundle carries no
copy of a library Debian 12 ships, see kiosk.spec). Prints; asserts nothing. What is left out and why:
packaging/bundle_excludes.py and kiosk.spec.

    xvfb-run -a python bench/bundle.py [--build] [--dist DIR] [--deb]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from _summary import summary

ROOT = Path(__file__).resolve().parents[1]
TARGET_MB = 60.0


def build(out: Path, demo: bool) -> Path:
    env = dict(os.environ, KIOSK_BUNDLE_DEMO="1" if demo else "0", KIVY_LOG_MODE="MIXED")
    subprocess.run([sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "ERROR",
                    "--distpath", str(out / "dist"), "--workpath", str(out / "work"), str(ROOT / "kiosk.spec")],
                   cwd=ROOT, env=env, check=True, capture_output=True, timeout=1800)
    return out / "dist" / "kiosk"


def size_mb(path: Path) -> float:
    """Bytes of the files (what dpkg counts as installed), in MB."""
    if path.is_file():
        return path.stat().st_size / 2**20
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink()) / 2**20


def parts(bundle: Path, top: int = 12) -> list[tuple[str, float]]:
    internal = bundle / "_internal"
    items = [(p.name, size_mb(p)) for p in internal.iterdir() if not p.is_symlink()]
    items.append(("kiosk (executable + Python archive)", size_mb(bundle / "kiosk")))
    return sorted(items, key=lambda x: -x[1])[:top]


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--build", action="store_true", help="build both bundles from kiosk.spec first (minutes)")
    p.add_argument("--dist", default=str(ROOT / "build" / "bench-bundle"), help="where the bundles are built")
    p.add_argument("--deb", action="store_true", help="also build the .deb (scripts/build_deb.sh --bundle)")
    a = p.parse_args()
    out = Path(a.dist)
    prod, demo = out / "production" / "dist" / "kiosk", out / "demo" / "dist" / "kiosk"
    if a.build:
        prod, demo = build(out / "production", False), build(out / "demo", True)
    if not (prod / "kiosk").exists():
        print(f"no production bundle in {prod}: run with --build")
        return 1
    version = subprocess.run([str(prod / "kiosk"), "--version"], capture_output=True, text=True, timeout=60)
    prod_mb = size_mb(prod)
    print(f"production bundle (the terminal's package): {prod_mb:.1f} MB installed; `kiosk --version`: "
          f"{version.stdout.strip() or version.stderr.strip()[-200:]}")
    if (demo / "kiosk").exists():
        print(f"demo bundle (adds the demo API and the simulators): {size_mb(demo):.1f} MB")
    print("largest parts of the production bundle:")
    for name, mb in parts(prod):
        print(f"  {mb:6.1f} MB  {name}")
    if a.deb:
        r = subprocess.run(["bash", str(ROOT / "scripts" / "build_deb.sh"), "--bundle", str(prod), "--out",
                            str(out / "deb")], cwd=ROOT, capture_output=True, text=True, timeout=1800,
                           env=dict(os.environ, DEB_COMPRESS="gzip"))
        debs = sorted((out / "deb").glob("kiosk_*.deb"))
        if r.returncode == 0 and debs:
            info = subprocess.run(["dpkg-deb", "-f", str(debs[-1]), "Installed-Size"], capture_output=True,
                                  text=True).stdout.strip()
            print(f".deb {debs[-1].name}: {size_mb(debs[-1]):.1f} MB download (gzip), Installed-Size "
                  f"{int(info) / 1024:.1f} MB")
            depends = subprocess.run(["dpkg-deb", "-f", str(debs[-1]), "Depends"], capture_output=True,
                                     text=True).stdout.strip()
            print(f"  Depends (Debian's own libraries come from these, not from copies in the bundle): {depends}")
        else:
            print(f".deb not built: {r.stderr.strip()[-300:]}")
    summary("bundle: installed size", f"{prod_mb:.1f} MB", f"target {TARGET_MB:.0f} MB", prod_mb / TARGET_MB,
            "<= 60 MB", prod_mb <= TARGET_MB)
    return 0


if __name__ == "__main__":
    sys.exit(main())
