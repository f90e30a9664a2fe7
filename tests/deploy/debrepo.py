"""Real parts for the package tests: .deb builds (scripts/build_deb.sh), throwaway GPG keys, an aptly
repository signed with one, apt on an alternate root, and a terminal: a copy-on-write chroot of this
machine (overlayfs over / with a tmpfs on top) in which apt, dpkg and the maintainer scripts run for real
without changing the machine itself."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

from deploy_helpers import ROOT, make_bundle

BUILD_DEB = ROOT / "scripts" / "build_deb.sh"
SUITE = "bookworm"


def sh(*cmd: str | os.PathLike, check: bool = True, timeout: float = 300, **kw) -> subprocess.CompletedProcess:
    text = kw.pop("text", True)
    r = subprocess.run([str(c) for c in cmd], capture_output=True, text=text, timeout=timeout, **kw)
    if check and r.returncode != 0:
        raise AssertionError(f"{' '.join(map(str, cmd))} -> {r.returncode}\n{r.stdout[-3000:]}\n{r.stderr[-3000:]}")
    return r


def build_deb(bundle: Path, version: str, out: Path) -> Path:
    # gzip: 5x faster than the release's xz on a loaded machine; what is packed is the same.
    sh("bash", BUILD_DEB, "--bundle", bundle, "--version", version, "--out", out, cwd=ROOT,
       env={**os.environ, "DEB_COMPRESS": "gzip"})
    arch = sh("dpkg", "--print-architecture").stdout.strip()
    deb = out / f"kiosk_{version}_{arch}.deb"
    assert deb.is_file()
    return deb


def fake_deb(where: Path, version: str, selftest_rc: int = 0) -> Path:
    """A real package around a stand-in bundle (a shell script `kiosk` that answers --selftest with
    selftest_rc and writes what it was asked to $KIOSK_FAKE_LOG)."""
    bundle = make_bundle(where, version, selftest_rc)
    return build_deb(bundle, version, where / "debs")


class Key:
    """A throwaway signing key in its own GNUPGHOME (no passphrase)."""

    homes: list[Path] = []      # every GNUPGHOME made, so the session can stop their gpg-agents

    def __init__(self, home: Path, name: str):
        self.home = home
        Key.homes.append(home)
        home.mkdir(parents=True, mode=0o700)
        self.env = {**os.environ, "GNUPGHOME": str(home)}
        batch = home / "key.batch"
        batch.write_text(f"%no-protection\nKey-Type: RSA\nKey-Length: 2048\nKey-Usage: sign\n"
                         f"Name-Real: {name}\nName-Email: {name.lower().replace(' ', '-')}@example.org\n"
                         "Expire-Date: 0\n%commit\n")
        sh("gpg", "--batch", "--gen-key", batch, env=self.env, timeout=120)
        out = sh("gpg", "--batch", "--with-colons", "--list-secret-keys", env=self.env).stdout
        self.fingerprint = next(line.split(":")[9] for line in out.splitlines() if line.startswith("fpr:"))

    @classmethod
    def stop_agents(cls) -> None:
        """gpg starts an agent per GNUPGHOME that outlives the test; stop them all."""
        for home in cls.homes:
            subprocess.run(["gpgconf", "--homedir", str(home), "--kill", "all"], capture_output=True, timeout=30)
        cls.homes.clear()

    def export(self, dest: Path) -> Path:
        """The public key as a binary keyring, what a terminal's Signed-By points to."""
        dest.write_bytes(sh("gpg", "--batch", "--export", self.fingerprint, env=self.env,
                            text=False).stdout)
        return dest


class Repo:
    """An aptly repository of the kiosk package, published to <root>/public and signed by key."""

    def __init__(self, root: Path, key: Key):
        self.root, self.key = root, key
        root.mkdir(parents=True)
        self.conf = root / "aptly.conf"
        arch = sh("dpkg", "--print-architecture").stdout.strip()
        self.conf.write_text(json.dumps({"rootDir": str(root / "db"), "gpgProvider": "gpg2",
                                         "architectures": [arch]}))
        self.published = False
        self.aptly("repo", "create", f"-distribution={SUITE}", "-component=main", "kiosk")

    @property
    def public(self) -> Path:
        return self.root / "db" / "public"

    def aptly(self, *args: str | os.PathLike) -> subprocess.CompletedProcess:
        return sh("aptly", f"-config={self.conf}", *args, env=self.key.env)

    def add(self, *debs: Path) -> None:
        for deb in debs:
            self.aptly("repo", "add", "kiosk", deb)
        sign = ["-batch", f"-gpg-key={self.key.fingerprint}"]
        if self.published:
            self.aptly("publish", "update", *sign, SUITE)
        else:
            self.aptly("publish", "repo", *sign, "kiosk")
            self.published = True


def sources_file(uri: str, keyring: str) -> str:
    return f"Types: deb\nURIs: {uri}\nSuites: {SUITE}\nComponents: main\nSigned-By: {keyring}\n"


class AltApt:
    """apt-get on a private directory tree: its own sources, lists, cache and an empty dpkg status.
    No chroot and no mount: it proves what apt verifies, not what dpkg installs."""

    def __init__(self, root: Path, repo_public: Path, keyring: Path):
        self.root = root
        for d in ("etc/apt/sources.list.d", "etc/apt/preferences.d", "etc/apt/apt.conf.d",
                  "var/lib/apt/lists/partial", "var/cache/apt/archives/partial", "var/lib/dpkg", "dl"):
            (root / d).mkdir(parents=True, exist_ok=True)
        (root / "var/lib/dpkg/status").touch()
        (root / "etc/apt/sources.list.d/kiosk.sources").write_text(sources_file(f"file:{repo_public}", str(keyring)))

    def opts(self) -> list[str]:
        r = self.root
        return ["-o", f"Dir={r}", "-o", f"Dir::State::status={r}/var/lib/dpkg/status",
                "-o", "Dir::Etc::trustedparts=/nonexistent", "-o", "Dir::Etc::trusted=/nonexistent",
                "-o", "APT::Sandbox::User=root", "-o", "Debug::NoLocking=1"]

    def run(self, *args: str) -> subprocess.CompletedProcess:
        return sh("apt-get", *self.opts(), *args, check=False, cwd=self.root / "dl",
                  env={**os.environ, "LC_ALL": "C"})


def can_mount_overlay() -> str | None:
    """None when this machine lets us build a terminal chroot; else why not."""
    if os.geteuid() != 0:
        return "needs root (mount, chroot)"
    for tool in ("mount", "umount", "chroot"):
        if not shutil.which(tool):
            return f"{tool} missing"
    return None


class Terminal:
    """A copy-on-write chroot of this machine: every write (dpkg database, /etc/passwd, /usr/lib/kiosk)
    lands on a tmpfs and disappears with close()."""

    def __init__(self, tmp: Path):
        self.tmp = tmp
        self.layer = tmp / "layer"
        self.root = tmp / "merged"
        self.layer.mkdir(parents=True)
        self.root.mkdir(parents=True)
        self.mounts: list[Path] = []
        try:
            self._build()
        except BaseException:
            self.close()                 # no half-built chroot left mounted
            raise

    def _build(self) -> None:
        sh("mount", "-t", "tmpfs", "-o", "mode=0755", "tmpfs", self.layer)
        self.mounts.append(self.layer)
        (self.layer / "upper").mkdir()
        (self.layer / "work").mkdir()
        sh("mount", "-t", "overlay", "overlay", "-o",
           f"lowerdir=/,upperdir={self.layer}/upper,workdir={self.layer}/work", self.root)
        self.mounts.append(self.root)
        for src, fstype in (("/dev", None), ("/proc", "proc")):
            dst = self.root / src.lstrip("/")
            if fstype:
                sh("mount", "-t", fstype, fstype, dst)
            else:
                sh("mount", "--rbind", src, dst)
                sh("mount", "--make-rslave", dst)
            self.mounts.append(dst)
        # Only the kiosk repository: no Debian mirror, no lists from this machine's own apt.
        for d in ("etc/apt/sources.list.d", "var/lib/apt/lists"):
            shutil.rmtree(self.root / d)
            (self.root / d).mkdir()
        (self.root / "var/lib/apt/lists/partial").mkdir()
        (self.root / "etc/apt/sources.list").write_text("")
        (self.root / "etc/apt/keyrings").mkdir(exist_ok=True)
        (self.root / "srv/repo").mkdir(parents=True, exist_ok=True)
        (self.root / "tmp").chmod(0o1777)

    def serve(self, repo_public: Path) -> None:
        """The repository appears at file:/srv/repo inside (bind mount, read-only)."""
        dst = self.root / "srv/repo"
        if dst in self.mounts:
            sh("umount", dst)
            self.mounts.remove(dst)
        sh("mount", "--bind", repo_public, dst)
        sh("mount", "-o", "remount,bind,ro", dst)
        self.mounts.append(dst)

    def trust(self, keyring: Path) -> None:
        shutil.copy(keyring, self.root / "etc/apt/keyrings/kiosk.gpg")
        (self.root / "etc/apt/sources.list.d/kiosk.sources").write_text(
            sources_file("file:/srv/repo", "/etc/apt/keyrings/kiosk.gpg"))

    def run(self, script: str, timeout: float = 300, **env: str) -> subprocess.CompletedProcess:
        base = {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL": "C.UTF-8",
                "HOME": "/root", "KIOSK_FAKE_LOG": "/tmp/selftest.log", **env}
        return subprocess.run(["chroot", str(self.root), "/bin/bash", "-c", script], capture_output=True,
                              text=True, timeout=timeout, env=base)

    def upgrade(self, *args: str) -> subprocess.CompletedProcess:
        """The shipped kiosk-upgrade when the package is installed, else the one in the worktree."""
        tool = self.root / "usr/sbin/kiosk-upgrade"
        if not tool.exists():
            shutil.copy(ROOT / "deploy" / "kiosk-upgrade", self.root / "tmp/kiosk-upgrade")
            return self.run(" ".join(["bash", "/tmp/kiosk-upgrade", *args]))
        return self.run(" ".join(["kiosk-upgrade", *args]))

    def version(self) -> str:
        r = self.run("dpkg-query -W -f='${db:Status-Status} ${Version}' kiosk")
        status, _, version = r.stdout.partition(" ")
        return version if status == "installed" else ""

    def selftest_log(self) -> list[str]:
        log = self.root / "tmp/selftest.log"
        return log.read_text().splitlines() if log.exists() else []

    def close(self) -> None:
        for m in reversed(self.mounts):
            r = subprocess.run(["umount", "-R", str(m)], capture_output=True, timeout=60)
            if r.returncode != 0:
                subprocess.run(["umount", "-R", "-l", str(m)], capture_output=True, timeout=60)
        self.mounts.clear()
