"""Which central-API addresses the terminal may use: https anywhere, plain http only to this machine.

Citizens' data (ID numbers, phones, feedback) must not cross a network in clear text; the demo server
and tests listen on the loopback, where there is no network to cross.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit


def is_loopback_host(host: str | None) -> bool:
    """127.0.0.0/8, ::1 or the name localhost (RFC 6761 reserves it for the loopback)."""
    if not host:
        return False
    if host.lower().rstrip(".") == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def base_url_problem(url: str) -> str | None:
    """None when `url` may be used as the API base URL, else what is wrong with it (one line)."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError as e:
        return f"is not a valid URL ({e})"
    if parts.scheme not in ("http", "https") or not host:
        return "must be an https:// URL"
    if parts.scheme == "http" and not is_loopback_host(host):
        return f"plain http:// is refused for {host}: use https:// (http only for 127.0.0.1, ::1, localhost)"
    return None
