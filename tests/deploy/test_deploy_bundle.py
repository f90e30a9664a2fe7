"""Builds the PyInstaller bundle from kiosk.spec into a temp folder and runs it (slow: ~30 s per build;
the production build is the session fixture the package tests reuse)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from deploy_helpers import ROOT, built_once

from kiosk import __version__

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]


def _run(bundle: Path, *args: str, tmp: Path, timeout: float = 90) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KIOSK_", "PYTHON"))}
    env.update(XDG_DATA_HOME=str(tmp / "xdg"), HOME=str(tmp / "home"))
    return subprocess.run([str(bundle / "kiosk"), *args], cwd=tmp, env=env, capture_output=True, text=True,
                          timeout=timeout)


def _pyz_modules(out: Path) -> str:
    return (out / "build" / "kiosk" / "PYZ-00.toc").read_text()


@pytest.fixture(scope="module")
def demo_bundle(tmp_path_factory):
    return built_once(tmp_path_factory, "bundle-demo", demo=True)


def test_bundle_layout_matches_what_the_code_expects(demo_bundle):
    bundle, out = demo_bundle
    internal = bundle / "_internal"
    assert (bundle / "kiosk").is_file() and os.access(bundle / "kiosk", os.X_OK)
    # kiosk/assets.py: Path(kiosk.__file__).parents[1] / "assets"
    assert (internal / "assets" / "fonts" / "NotoSansSC-Kiosk.otf").is_file()
    for po in (ROOT / "assets" / "i18n").glob("*.po"):
        assert (internal / "assets" / "i18n" / po.name).is_file()
    # screens/*.py load the .kv beside them
    kvs = sorted(p.name for p in (ROOT / "screens").glob("*.kv"))
    assert kvs and sorted(p.name for p in (internal / "screens").glob("*.kv")) == kvs
    assert (internal / "escpos" / "capabilities.json").is_file()
    mods = _pyz_modules(out)
    for name in ("'kiosk.cli'", "'kiosk.permissions'", "'screens.home'", "'drivers.printer.driver'",
                 "'drivers.idcard.reader'", "'drivers.sim.printer.sim'", "'drivers.sim.idcard'"):
        assert name in mods, name
    for name in ("'pytest'", "'hypothesis'", "'numpy'"):
        assert name not in mods, name


def test_bundle_version_and_bad_config(demo_bundle, tmp_path):
    bundle, _ = demo_bundle
    r = _run(bundle, "--version", tmp=tmp_path)
    assert r.returncode == 0 and r.stdout.strip() == f"kiosk {__version__}"
    bad = tmp_path / "bad.toml"
    bad.write_text('data_dir = "/var/lib/kiosk"\n[printer]\nbaudrate = 12345\n')
    r = _run(bundle, "--config", str(bad), "--selftest", tmp=tmp_path)
    assert r.returncode == 2
    assert "printer.baudrate" in r.stderr


def test_bundle_technician_tool_runs(demo_bundle, tmp_path):
    bundle, _ = demo_bundle
    r = _run(bundle, "tool", "printer", "status", "--port", str(tmp_path / "no-such-tty"), tmp=tmp_path)
    assert r.returncode == 3 and "connected:  no" in r.stdout
    r = _run(bundle, "tool", "scanner", tmp=tmp_path)
    assert r.returncode == 2


@pytest.mark.skipif(not (ROOT / "kiosk" / "selftest.py").exists(),
                    reason="kiosk/selftest.py (run_selftest) not merged into this branch yet")
def test_bundle_selftest_in_demo_mode(demo_bundle, tmp_path):
    bundle, _ = demo_bundle
    r = _run(bundle, "--selftest", tmp=tmp_path, timeout=120)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-4000:]


def test_production_bundle_leaves_demo_parts_out(production_bundle, tmp_path):
    bundle, out = production_bundle
    mods = _pyz_modules(out)
    assert "'kiosk.cli'" in mods and "'drivers.printer.driver'" in mods
    for name in ("'drivers.sim'", "'drivers.sim.idcard'", "'kiosk.demo_api'", "'fastapi'", "'uvicorn'"):
        assert name not in mods, name
    r = _run(bundle, "--version", tmp=tmp_path)
    assert r.returncode == 0 and r.stdout.strip() == f"kiosk {__version__}"
