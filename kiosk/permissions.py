"""The config file holds the terminal's API token and the staff PIN hashes: refuse to start when anyone
on the machine may read or change it.

Only "others" (mode & 0o007) are checked: the recommended owner root:kiosk with mode 0640 lets the kiosk
service read the file through its group, and only root change it.
"""

from __future__ import annotations

import os
import stat

from kiosk.config import ApiSection, Config

DEMO_TOKEN = ApiSection.token


def config_has_secrets(cfg: Config) -> bool:
    """True when the config holds a real API token or a staff PIN hash of its own (the demo PINs are
    published in the README, so their hashes are no secret)."""
    from kiosk.demo_pins import DEMO_PIN_HASHES

    token = cfg.api.token.strip()
    if token and token != DEMO_TOKEN:
        return True
    hashes = {cfg.security.helper_pin_hash, cfg.security.technician_pin_hash} - {""}
    return bool(hashes - set(DEMO_PIN_HASHES.values()))


def check_secret_permissions(path: str, has_secrets: bool) -> str | None:
    """None when the file may be used; else one line naming the file, its mode and the chmod to run.

    A file that cannot be stat()ed is left to the config loader, which already names that problem.
    """
    if not has_secrets or not path:
        return None
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        return None
    others = mode & 0o007
    if not others:
        return None
    what = []
    if others & 0o004:
        what.append("readable")
    if others & 0o002:
        what.append("writable")
    if others & 0o001 and not what:
        what.append("accessible")
    return (f"{path} holds secrets (API token or PIN hashes) and is {' and '.join(what)} by others "
            f"(mode {mode:04o}); run: chmod 640 {path} && chown root:kiosk {path}")
