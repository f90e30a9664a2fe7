"""kiosk-upgrade over real apt in a terminal chroot (debrepo.Terminal): packages from an aptly repository
signed with a throwaway key, install / upgrade / rollback, the selftest gate, a repository signed by
another key refused, and the config and data directory kept. The packages are real .debs built by
scripts/build_deb.sh around a stand-in bundle (a shell script `kiosk` whose --selftest exits as told), so
these tests need no PyInstaller build; test_deploy_deb.py installs the real bundle."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from debrepo import Key, Repo, fake_deb, sh
from deploy_helpers import DEPLOY, ROOT, snapshot

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]

CONFIG = "etc/kiosk/config.toml"
TECHNICIAN_EDIT = '\n# filled in by the technician\n[terminal]\nid = "JN-HY-DDJ-07"\n'


@pytest.fixture(scope="module")
def debs(tmp_path_factory):
    """1.0.0-1 and 1.1.0-1 pass their selftest, 1.2.0-1 fails it."""
    where = tmp_path_factory.mktemp("debs")
    return {v: fake_deb(where, v, rc) for v, rc in (("1.0.0-1", 0), ("1.1.0-1", 0), ("1.2.0-1", 1))}


@pytest.fixture
def center_repo(tmp_path, center_key):
    return Repo(tmp_path / "repo", center_key)


def _ready(terminal, repo, key, tmp_path):
    terminal.serve(repo.public)
    terminal.trust(key.export(tmp_path / "trusted.gpg"))


def _ok(r: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    return r


def test_install_upgrade_rollback_keep_config_and_data(terminal, center_repo, center_key, debs, tmp_path):
    center_repo.add(debs["1.0.0-1"])
    _ready(terminal, center_repo, center_key, tmp_path)
    _ok(terminal.upgrade("install", "--no-selftest"))
    assert terminal.version() == "1.0.0-1"
    assert terminal.selftest_log() == []

    # The technician's config and the app's data, which no upgrade may touch.
    cfg = terminal.root / CONFIG
    cfg.write_text(cfg.read_text() + TECHNICIAN_EDIT)
    data = terminal.root / "var/lib/kiosk"
    (data / "outbox.sqlite").write_bytes(b"SQLite format 3\x00" + b"\x01" * 64)
    (data / "logs/kiosk.log").write_text("2026-11-26 INFO started\n")
    kept = snapshot(data), cfg.read_text()

    center_repo.add(debs["1.1.0-1"])
    r = _ok(terminal.upgrade("install"))
    assert terminal.version() == "1.1.0-1"
    assert "installed kiosk 1.1.0-1 (before: 1.0.0-1)" in r.stdout
    # The new version's own selftest ran, with this terminal's config, as the kiosk user.
    assert terminal.selftest_log() == ["1.1.0-1 --config /etc/kiosk/config.toml --selftest"]
    assert "runuser -u kiosk" in r.stdout
    assert (snapshot(data), cfg.read_text()) == kept
    assert (terminal.root / "usr/lib/kiosk/_internal/assets/marker.txt").read_text() == "1.1.0-1"

    r = _ok(terminal.upgrade("list"))
    assert r.stdout.splitlines() == ["* 1.1.0-1", "  1.0.0-1"]

    r = _ok(terminal.upgrade("rollback"))
    assert "rolled back: kiosk 1.0.0-1 (was 1.1.0-1)" in r.stdout
    assert terminal.version() == "1.0.0-1"
    assert (terminal.root / "usr/lib/kiosk/_internal/assets/marker.txt").read_text() == "1.0.0-1"
    assert (snapshot(data), cfg.read_text()) == kept
    # Held: a plain `apt upgrade` cannot bring 1.1.0-1 back past the selftest gate.
    assert _ok(terminal.run("apt-mark showhold")).stdout.split() == ["kiosk"]
    r = _ok(terminal.run("apt-get -s -o Dir::Etc::sourceparts=/etc/apt/sources.list.d upgrade"))
    assert "Inst kiosk" not in r.stdout

    # And forward again to a named version.
    _ok(terminal.upgrade("install", "1.1.0-1"))
    assert terminal.version() == "1.1.0-1"


def test_failed_selftest_puts_the_previous_version_back(terminal, center_repo, center_key, debs, tmp_path):
    center_repo.add(debs["1.0.0-1"])
    _ready(terminal, center_repo, center_key, tmp_path)
    _ok(terminal.upgrade("install"))
    center_repo.add(debs["1.2.0-1"])
    r = terminal.upgrade("install")
    assert r.returncode == 1, r.stdout + r.stderr
    assert "selftest of 1.2.0-1 failed; back on 1.0.0-1" in r.stderr
    assert terminal.version() == "1.0.0-1"
    assert terminal.selftest_log() == ["1.0.0-1 --config /etc/kiosk/config.toml --selftest",
                                       "1.2.0-1 --config /etc/kiosk/config.toml --selftest"]
    assert (terminal.root / "usr/lib/kiosk/_internal/assets/marker.txt").read_text() == "1.0.0-1"


def test_repository_signed_by_another_key_is_refused(terminal, center_repo, center_key, debs, tmp_path):
    center_repo.add(debs["1.0.0-1"])
    _ready(terminal, center_repo, center_key, tmp_path)
    _ok(terminal.upgrade("install", "--no-selftest"))

    # Someone else's repository at the same address, with a newer version, signed by their key.
    other = Repo(tmp_path / "other-repo", Key(tmp_path / "other-key", "Not The Center"))
    other.add(debs["1.1.0-1"])
    terminal.serve(other.public)
    r = terminal.upgrade("install", "1.1.0-1")
    assert r.returncode == 1
    assert "not signed by the key this terminal trusts; nothing installed" in r.stderr
    assert "NO_PUBKEY" in r.stderr or "not signed" in r.stderr
    assert terminal.version() == "1.0.0-1"
    # apt itself refuses it too, not only the wrapper: it keeps the old, verified index (and says so
    # only as a warning), so the new version stays unknown to it.
    r = terminal.run("apt-get update -o Dir::Etc::sourceparts=/etc/apt/sources.list.d")
    assert "NO_PUBKEY" in r.stdout + r.stderr
    r = terminal.run("apt-get install -s -o Dir::Etc::sourceparts=/etc/apt/sources.list.d kiosk=1.1.0-1")
    assert r.returncode != 0 and "Version '1.1.0-1' for 'kiosk' was not found" in r.stderr


def test_a_new_terminal_trusting_another_key_installs_nothing(terminal, center_repo, center_key, debs, tmp_path):
    center_repo.add(debs["1.0.0-1"])
    terminal.serve(center_repo.public)
    terminal.trust(Key(tmp_path / "wrong", "Wrong Key").export(tmp_path / "wrong.gpg"))
    r = terminal.upgrade("install", "--no-selftest")
    assert r.returncode == 1 and "nothing installed" in r.stderr
    assert terminal.version() == ""
    assert not (terminal.root / "usr/lib/kiosk").exists()


def test_remove_and_purge(terminal, center_repo, center_key, debs, tmp_path):
    center_repo.add(debs["1.0.0-1"])
    _ready(terminal, center_repo, center_key, tmp_path)
    _ok(terminal.upgrade("install", "--no-selftest"))
    etc = terminal.root / "etc/systemd/system"
    assert str((etc / "getty@tty3.service").readlink()) == "/dev/null"        # masked by postinst
    _ok(terminal.run("apt-mark unhold kiosk && apt-get -y -q remove kiosk"))
    assert not (terminal.root / "usr/lib/kiosk").exists()
    assert not (etc / "getty@tty3.service").is_symlink()           # consoles given back
    assert not (etc / "autovt@tty3.service").is_symlink()
    assert (terminal.root / CONFIG).exists()                       # remove keeps the config
    _ok(terminal.run("apt-get -y -q purge kiosk"))
    assert not (terminal.root / CONFIG).exists()
    assert not (terminal.root / "var/lib/kiosk").exists()
    assert "/etc/kiosk" not in _ok(terminal.run("dpkg-statoverride --list")).stdout
    assert not (etc / "multi-user.target.wants/kiosk.service").exists()


def test_usage_errors_exit_2():
    tool = str(DEPLOY / "kiosk-upgrade")
    for args in ([], ["frobnicate"], ["install", "1.0", "2.0"], ["install", "--bogus"], ["rollback", "x"]):
        r = subprocess.run([tool, *args], capture_output=True, text=True, timeout=30)
        assert r.returncode == 2, args


@pytest.mark.parametrize("script", ["deploy/kiosk-upgrade", "scripts/build_deb.sh", "packaging/debian/postinst",
                                    "packaging/debian/prerm", "packaging/debian/postrm"])
def test_shellcheck_clean(script):
    if not shutil.which("shellcheck"):
        pytest.skip("shellcheck not installed (apt-get install shellcheck)")
    r = sh("shellcheck", ROOT / script, check=False)
    assert r.returncode == 0, r.stdout
