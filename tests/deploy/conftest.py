"""Fixtures of the deploy tests: the production bundle (built once per session), a throwaway signing
key, and a terminal (a copy-on-write chroot of this machine, see debrepo.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from debrepo import Key, Terminal, can_mount_overlay
from deploy_helpers import built_once


@pytest.fixture(scope="session")
def production_bundle(tmp_path_factory) -> tuple[Path, Path]:
    """(bundle dir, build dir): what scripts/build_deb.sh packages. Shared by the bundle and package tests."""
    return built_once(tmp_path_factory, "bundle-production", demo=False)


@pytest.fixture(scope="session")
def center_key(tmp_path_factory) -> Key:
    """The key the center signs its repository with; terminals trust it."""
    return Key(tmp_path_factory.mktemp("keys") / "center", "Daodejie Center Repository")


@pytest.fixture
def terminal(tmp_path):
    why = can_mount_overlay()
    if why:
        pytest.skip(f"terminal chroot: {why}")
    try:
        t = Terminal(tmp_path / "terminal")
    except AssertionError as e:
        # A container without the right to mount: the apt signature test (AltApt) still runs.
        if "permission denied" in str(e).lower() or "not permitted" in str(e).lower():
            pytest.skip(f"terminal chroot: mount refused here: {str(e).splitlines()[-1]}")
        raise
    try:
        log = t.root / "tmp/selftest.log"
        log.touch()
        log.chmod(0o666)
        yield t
    finally:
        t.close()


@pytest.fixture(scope="session", autouse=True)
def _no_gpg_agents_left():
    """No daemon outlives the suite (each throwaway key's GNUPGHOME starts a gpg-agent)."""
    yield
    Key.stop_agents()
