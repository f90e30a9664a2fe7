"""kiosk-upgrade in a temp root: versioned releases, atomic symlink switch, selftest gate, rollback,
and the config and data directory never touched."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest
from deploy_helpers import DEPLOY, make_bundle, make_tarball, snapshot


def _untouched(terminal):
    return snapshot(terminal.root / "etc/kiosk"), snapshot(terminal.root / "var/lib/kiosk")


def test_install_upgrade_rollback_keep_config_and_data(terminal, tmp_path):
    before = _untouched(terminal)
    r = terminal.run("install", str(make_bundle(tmp_path, "1.0.0")))
    assert r.returncode == 0, r.stderr
    assert terminal.current() == "releases/1.0.0"
    assert not (terminal.root / "opt/kiosk/previous").exists()
    assert (terminal.root / "opt/kiosk/current/kiosk").is_file()

    r = terminal.run("install", str(make_tarball(tmp_path, "2.0.0")))
    assert r.returncode == 0, r.stderr
    assert terminal.current() == "releases/2.0.0"
    assert terminal.previous() == "releases/1.0.0"
    assert (terminal.root / "opt/kiosk/current/_internal/assets/marker.txt").read_text() == "2.0.0"
    # The new bundle's selftest ran with this terminal's config, before the switch.
    cfg = terminal.root / "etc/kiosk/config.toml"
    assert terminal.log.read_text().splitlines() == [f"1.0.0 --config {cfg} --selftest",
                                                     f"2.0.0 --config {cfg} --selftest"]

    r = terminal.run("rollback")
    assert r.returncode == 0, r.stderr
    assert terminal.current() == "releases/1.0.0"
    assert terminal.previous() == "releases/2.0.0"
    assert (terminal.root / "opt/kiosk/current/_internal/assets/marker.txt").read_text() == "1.0.0"

    r = terminal.run("list")
    assert r.returncode == 0
    assert sorted(r.stdout.splitlines()) == ["* 1.0.0", "p 2.0.0"]
    assert _untouched(terminal) == before
    # Switched by rename: no temp links or staging folders left behind.
    leftovers = [p.name for p in (terminal.root / "opt/kiosk").iterdir() if p.name.startswith(".")]
    leftovers += [p.name for p in (terminal.root / "opt/kiosk/releases").iterdir() if p.name.startswith(".")]
    assert leftovers == []


def test_failed_selftest_keeps_the_running_release(terminal, tmp_path):
    assert terminal.run("install", str(make_bundle(tmp_path, "1.0.0"))).returncode == 0
    before = _untouched(terminal)
    r = terminal.run("install", str(make_tarball(tmp_path, "1.1.0", selftest_rc=1)))
    assert r.returncode == 1
    assert "selftest of 1.1.0 failed" in r.stderr and "still on 1.0.0" in r.stderr
    assert terminal.current() == "releases/1.0.0"
    assert not (terminal.root / "opt/kiosk/previous").exists()
    assert _untouched(terminal) == before


def test_no_selftest_switch(terminal, tmp_path):
    r = terminal.run("install", "--no-selftest", str(make_bundle(tmp_path, "1.1.0", selftest_rc=1)))
    assert r.returncode == 0, r.stderr
    assert terminal.current() == "releases/1.1.0"
    assert terminal.log.read_text() == ""


def test_rollback_without_previous_fails_cleanly(terminal, tmp_path):
    assert terminal.run("rollback").returncode == 1
    assert terminal.run("install", str(make_bundle(tmp_path, "1.0.0"))).returncode == 0
    r = terminal.run("rollback")
    assert r.returncode == 1 and "no previous release" in r.stderr
    assert terminal.current() == "releases/1.0.0"


def test_same_version_twice_gets_its_own_folder(terminal, tmp_path):
    assert terminal.run("install", str(make_bundle(tmp_path, "1.0.0"))).returncode == 0
    shutil.rmtree(tmp_path / "bundle-1.0.0-0")
    assert terminal.run("install", str(make_bundle(tmp_path, "1.0.0"))).returncode == 0
    assert terminal.current() == "releases/1.0.0-r2"
    assert terminal.previous() == "releases/1.0.0"


def test_old_releases_pruned_but_current_and_previous_kept(terminal, tmp_path):
    for v in ("1.0.0", "1.1.0", "1.2.0", "1.3.0"):
        r = terminal.run("install", "--no-selftest", str(make_bundle(tmp_path, v)), KIOSK_KEEP="2")
        assert r.returncode == 0, r.stderr
    assert sorted(os.listdir(terminal.root / "opt/kiosk/releases")) == ["1.2.0", "1.3.0"]
    assert terminal.current() == "releases/1.3.0" and terminal.previous() == "releases/1.2.0"


def test_not_a_bundle_is_refused_without_leftovers(terminal, tmp_path):
    junk = tmp_path / "junk"
    junk.mkdir()
    (junk / "README").write_text("hello")
    r = terminal.run("install", str(junk))
    assert r.returncode == 1 and "no executable 'kiosk'" in r.stderr
    bad = tmp_path / "bad.tar.gz"
    bad.write_bytes(b"not gzip")
    r = terminal.run("install", str(bad))
    assert r.returncode == 1
    assert os.listdir(terminal.root / "opt/kiosk/releases") == []
    assert not (terminal.root / "opt/kiosk/current").exists()


def test_usage_errors_exit_2(terminal):
    assert terminal.run().returncode == 2
    assert terminal.run("frobnicate").returncode == 2
    assert terminal.run("install").returncode == 2
    assert terminal.run("install", "--bogus", "x").returncode == 2


def test_service_stopped_for_selftest_and_restarted(terminal, tmp_path):
    terminal.fake_systemctl(active=True)
    assert terminal.run("install", str(make_bundle(tmp_path, "1.0.0"))).returncode == 0
    assert terminal.systemctl_log.read_text().splitlines() == [
        "is-active --quiet kiosk.service", "stop kiosk.service", "restart kiosk.service"]


def test_failed_selftest_starts_the_old_release_again(terminal, tmp_path):
    terminal.fake_systemctl(active=True)
    assert terminal.run("install", str(make_bundle(tmp_path, "1.0.0", selftest_rc=3))).returncode == 1
    assert terminal.systemctl_log.read_text().splitlines() == [
        "is-active --quiet kiosk.service", "stop kiosk.service", "start kiosk.service"]


def test_stopped_service_is_not_started_by_an_upgrade(terminal, tmp_path):
    terminal.fake_systemctl(active=False)
    r = terminal.run("install", str(make_bundle(tmp_path, "1.0.0")))
    assert r.returncode == 0
    assert "was not running" in r.stdout
    assert "restart kiosk.service" not in terminal.systemctl_log.read_text()


@pytest.mark.parametrize("script", ["kiosk-upgrade", "install.sh"])
def test_shellcheck_clean(script):
    if not shutil.which("shellcheck"):
        pytest.skip("shellcheck not installed (apt-get install shellcheck)")
    r = subprocess.run(["shellcheck", str(DEPLOY / script)], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stdout
