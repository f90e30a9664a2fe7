"""Compiled bytecode for the code a benchmark starts, as an installed kiosk has it.

pip compiles every module when it installs, and the terminal's PyInstaller bundle carries bytecode only;
a source checkout run with PYTHONDONTWRITEBYTECODE=1 (as on this build machine) instead compiles each of
our ~200 modules again at every start, which put 20-30 ms of compiling into the first frame that no
terminal ever spends. Python still reads .pyc files that exist under that variable, so compiling them
once before measuring is enough. The bare app's imports (Kivy's) come compiled from pip already."""

from __future__ import annotations

import compileall
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("kiosk", "screens", "drivers")


def compile_sources(root: Path = ROOT) -> None:
    for package in PACKAGES:
        if (root / package).is_dir():
            compileall.compile_dir(str(root / package), quiet=1)
    print(f"bytecode compiled for {', '.join(PACKAGES)} in {root} (as an installed kiosk has it)")
