"""Technician diagnostics: system figures, serial ports, log tail, a support bundle, status wording.

Plain Python for the technician screen (the screen only shows what these return). Everything that
leaves the terminal (the bundle) goes through mask_text and has the secrets removed from the config.
"""

from __future__ import annotations

import contextlib
import glob
import gzip
import json
import logging
import os
import platform
import re
import shutil
import socket
import time
import tomllib
import zipfile
from collections.abc import Iterable
from datetime import datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from kiosk import __version__
from kiosk.config_writer import entry_key, section_of, value_span
from kiosk.heartbeat import now_shanghai
from kiosk.hours import TZ
from kiosk.privacy import mask_text

log = logging.getLogger(__name__)

REMOVED = "<removed>"
_PACKAGES = ("kivy", "pyserial", "python-escpos", "urllib3", "pydantic", "psutil", "sdnotify",
             "qrcode", "pillow")
_BEARER = re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._~+/=-]+")


def _mb(n: float) -> float:
    return round(n / 2**20, 1)


def package_versions() -> dict[str, str | None]:
    """Installed versions, read from package metadata (nothing is imported, Kivy included)."""
    out: dict[str, str | None] = {}
    for name in _PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    return out


def versions() -> dict[str, Any]:
    return {"kiosk": __version__, "python": platform.python_version(), "platform": platform.platform(),
            "packages": package_versions()}


def system_figures(data_dir: str | os.PathLike) -> dict[str, Any]:
    """Disk, memory, CPU, uptimes, versions and host name, for the diagnostics screen."""
    p = Path(data_dir).absolute()
    while not p.exists() and p != p.parent:
        p = p.parent
    try:
        du = shutil.disk_usage(p)
        disk = {"disk_free_mb": _mb(du.free), "disk_total_mb": _mb(du.total)}
    except OSError:
        disk = {"disk_free_mb": None, "disk_total_mb": None}
    import psutil  # here, not at start-up: only the technician's screen asks (see kiosk.proc_stats)

    vm = psutil.virtual_memory()
    proc = psutil.Process()
    now = time.time()
    return {
        "hostname": socket.gethostname(),
        "data_dir": str(data_dir),
        **disk,
        "memory_total_mb": _mb(vm.total),
        "memory_available_mb": _mb(vm.available),
        "memory_percent": vm.percent,
        "process_rss_mb": _mb(proc.memory_info().rss),
        "cpu_percent": psutil.cpu_percent(interval=None),
        "cpu_count": psutil.cpu_count(),
        "process_uptime_s": round(now - proc.create_time(), 1),
        "machine_uptime_s": round(now - psutil.boot_time(), 1),
        "python": platform.python_version(),
        "kivy": package_versions().get("kivy"),
        "kiosk": __version__,
    }


# ---------------------------------------------------------------- serial ports


def serial_ports(dev_dir: str = "/dev") -> list[dict[str, Any]]:
    """Serial ports pyserial finds, then the /dev/kiosk-* names (udev symlinks) and their targets.

    Port entries: kind="port", device, description, vid_pid ("0403:6001" or None), serial_number,
    links (the kiosk-* names pointing at it). Link entries: kind="link", device, target, exists.
    """
    from serial.tools import list_ports

    links = []
    for link in sorted(glob.glob(os.path.join(dev_dir, "kiosk-*"))):
        links.append({"kind": "link", "device": link, "target": os.path.realpath(link),
                      "exists": os.path.exists(link)})
    out: list[dict[str, Any]] = []
    for info in sorted(list_ports.comports(), key=lambda i: i.device):
        real = os.path.realpath(info.device)
        out.append({
            "kind": "port",
            "device": info.device,
            "description": info.description if info.description != "n/a" else "",
            "vid_pid": f"{info.vid:04x}:{info.pid:04x}" if info.vid is not None and info.pid is not None
            else None,
            "serial_number": info.serial_number,
            "links": [x["device"] for x in links if x["target"] == real],
        })
    return out + links


# ---------------------------------------------------------------- log tail


def _lines_from_end(path: Path, block: int = 64 * 1024) -> Iterable[bytes]:
    """The lines of a file, last first, reading blocks from the end (logs can be 5 MB)."""
    with open(path, "rb") as f:
        f.seek(0, os.SEEK_END)
        pos = f.tell()
        rest = b""
        first = True
        while pos > 0:
            size = min(block, pos)
            pos -= size
            f.seek(pos)
            chunk = f.read(size) + rest
            lines = chunk.split(b"\n")
            rest = lines.pop(0)  # may be cut; completed by the next block
            if first and lines and lines[-1] == b"":
                lines.pop()  # the file's final newline
            first = False
            yield from reversed(lines)
        if rest:
            yield rest


def tail_log(path: str | os.PathLike, n: int = 200, filter: str = "") -> list[str]:  # noqa: A002
    """The last n lines (oldest first) containing filter (case-insensitive), masked again."""
    p = Path(path)
    if n <= 0 or not p.exists():
        return []
    needle = filter.casefold()
    picked: list[str] = []
    for raw in _lines_from_end(p):
        line = raw.decode("utf-8", errors="replace").rstrip("\r")
        if needle and needle not in line.casefold():
            continue
        picked.append(mask_text(line))
        if len(picked) >= n:
            break
    picked.reverse()
    return picked


# ---------------------------------------------------------------- support bundle


def _is_secret(section: str, key: str) -> bool:
    return (section == "api" and key == "token") or key.endswith("_pin_hash") \
        or any(w in key.lower() for w in ("password", "secret", "token"))


def _secret_values(doc: dict, section: str = "") -> list[str]:
    out = []
    for k, v in doc.items():
        if isinstance(v, dict):
            out += _secret_values(v, k)
        elif isinstance(v, str) and v and _is_secret(section, k):
            out.append(v)
    return out


def redact_config(text: str) -> tuple[str, list[str]]:
    """The config text with every secret value replaced by "<removed>" (comments kept), and the
    secret values found (to scrub them from logs and status too)."""
    try:
        secrets = _secret_values(tomllib.loads(text))
    except tomllib.TOMLDecodeError:
        secrets = []
    lines = text.splitlines(keepends=True)
    out: list[str] = []
    section = ""
    i = 0
    while i < len(lines):
        line = lines[i]
        name = section_of(line)
        if name is not None:
            section = name
        found = entry_key(line) if name is None else None
        if found and _is_secret(section, found[0].rsplit(".", 1)[-1]):
            key, rest = found
            last, comment = value_span(lines, i, rest)
            lead = line[: len(line) - len(line.lstrip())]
            eol = "\n" if lines[last].endswith("\n") else ""
            out.append(f'{lead}{line.split("=", 1)[0].strip()} = "{REMOVED}"{comment}{eol}')
            i = last + 1
            continue
        out.append(line)
        i += 1
    redacted = "".join(out)
    # Belt and braces: a secret written in a form the line edit missed (inline table...) drops the file.
    if any(s in redacted for s in secrets if len(s) >= 4 and s != REMOVED):
        redacted = "# config omitted: a secret could not be removed from it safely\n"
    return mask_text(redacted), secrets


def scrub(text: str, secrets: Iterable[str] = ()) -> str:
    """mask_text plus removal of known secret values and bearer tokens."""
    for s in secrets:
        if len(s) >= 4:
            text = text.replace(s, REMOVED)
    return mask_text(_BEARER.sub(lambda m: m.group(1) + REMOVED, text))


def _read_log(path: Path) -> str | None:
    try:
        raw = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    except (OSError, EOFError, gzip.BadGzipFile):
        return None
    if b"\0" in raw[:4096]:
        return None  # not a text log
    return raw.decode("utf-8", errors="replace")


def _terminal_id(config_text: str | None, status: dict) -> str:
    tid = ""
    if config_text:
        with contextlib.suppress(tomllib.TOMLDecodeError, AttributeError):
            tid = str(tomllib.loads(config_text).get("terminal", {}).get("id", ""))
    tid = tid or str(status.get("terminal_id", "")) or "unknown"
    return re.sub(r"[^A-Za-z0-9_-]", "_", tid)[:32]


def export_bundle(dest_dir: str | os.PathLike, *, config_path: str | os.PathLike | None,
                  log_dir: str | os.PathLike | None, status: dict, data_dir: str | os.PathLike | None = None,
                  now: datetime | None = None) -> Path:
    """Write kiosk-diag-<terminal>-<YYYYmmdd-HHMMSS>.zip into dest_dir (a USB stick, say); return it.

    Holds logs/<file> (every log file in log_dir, rotated ones too, each line masked), config.toml
    (secrets removed), status.json, system.json, serial_ports.json and versions.json.
    """
    dest = Path(dest_dir)
    dest.mkdir(parents=True, exist_ok=True)
    config_text = None
    if config_path:
        try:
            config_text = Path(config_path).read_text(encoding="utf-8", errors="replace")
        except OSError as e:
            config_text = f"# config {config_path} could not be read: {e.strerror}\n"
    redacted, secrets = redact_config(config_text) if config_text else ("# demo mode: no config file\n", [])
    stamp = (now or now_shanghai()).astimezone(TZ).strftime("%Y%m%d-%H%M%S")
    final = dest / f"kiosk-diag-{_terminal_id(config_text, status)}-{stamp}.zip"
    tmp = dest / f".{final.name}.tmp"

    def dumps(obj: Any) -> str:
        return scrub(json.dumps(obj, ensure_ascii=False, indent=2, default=str), secrets)

    try:
        with open(tmp, "wb") as raw, zipfile.ZipFile(raw, "w", compression=zipfile.ZIP_DEFLATED) as z:
            z.writestr("config.toml", redacted)
            z.writestr("status.json", dumps(status))
            z.writestr("versions.json", dumps(versions()))
            sys_dir = data_dir or (Path(log_dir).parent if log_dir else dest)
            try:
                z.writestr("system.json", dumps(system_figures(sys_dir)))
                z.writestr("serial_ports.json", dumps(serial_ports()))
            except Exception as e:  # figures are a nicety; the logs matter more
                z.writestr("system.json", dumps({"error": f"{type(e).__name__}: {e}"}))
            if log_dir and Path(log_dir).is_dir():
                for path in sorted(Path(log_dir).iterdir()):
                    if not path.is_file():
                        continue
                    text = _read_log(path)
                    if text is None:
                        continue
                    name = path.name[:-3] if path.suffix == ".gz" else path.name
                    z.writestr(f"logs/{name}", "".join(scrub(line, secrets)
                                                       for line in text.splitlines(keepends=True)))
            raw.flush()
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        os.replace(tmp, final)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    log.info("diagnostics bundle written: %s", final)
    return final


# ---------------------------------------------------------------- wording for the technician screen

QUEUE_STATE_TEXT = {"ready": "就绪", "near_end": "纸将尽", "out": "缺纸", "cover_open": "盖子打开",
                    "offline": "离线", "not_connected": "未连接", "unknown": "未知"}
CARD_STATE_TEXT = {"ready": "就绪", "not_connected": "未连接", "error": "故障"}
PAPER_TEXT = {"ok": "纸张正常", "near_end": "纸将尽", "out": "缺纸", "unknown": "纸张未知"}
ERROR_TEXT = {"unrecoverable error": "不可恢复故障", "autocutter error": "切刀故障",
              "auto-recoverable error": "可自动恢复故障", "error": "故障"}


def printer_status_lines(status: Any) -> list[str]:
    """A PrinterStatus (drivers.printer) as short Chinese phrases; None = not connected."""
    if status is None:
        return ["未连接"]
    online = {True: "在线", False: "离线", None: "未知"}[status.online]
    cover = {False: "盖子关闭", True: "盖子打开", None: "盖子未知"}[status.cover_open]
    lines = [online, PAPER_TEXT.get(status.paper, "纸张未知"), cover]
    if status.error:
        lines.append(ERROR_TEXT.get(status.error, f"故障：{status.error}"))
    return lines


def printer_status_text(status: Any) -> str:
    return "，".join(printer_status_lines(status))


def queue_state_text(state: str) -> str:
    """PrintQueue.state in Chinese."""
    return QUEUE_STATE_TEXT.get(state, state)


def card_state_text(state: str, last_error: str | None = None) -> str:
    """CardService.state (+ last_error) in Chinese."""
    text = CARD_STATE_TEXT.get(state, state)
    return f"{text}：{mask_text(last_error)}" if last_error and state != "ready" else text


def age_text(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    s = int(seconds)
    if s < 60:
        return f"{s} 秒"
    if s < 3600:
        return f"{s // 60} 分钟"
    if s < 86400:
        return f"{s // 3600} 小时 {s % 3600 // 60} 分钟"
    return f"{s // 86400} 天 {s % 86400 // 3600} 小时"


def api_status_text(client: Any) -> str:
    """An API client (duck-typed: last_latency_ms, last_error) in Chinese."""
    err = getattr(client, "last_error", None)
    latency = getattr(client, "last_latency_ms", None)
    if err:
        return f"连接异常：{mask_text(str(err))}"
    if latency is None:
        return "尚未连接"
    return f"正常（响应 {int(latency)} 毫秒）"


def outbox_text(outbox: Any) -> str:
    """An outbox (duck-typed: depth(), oldest_age() in seconds, dead_alert()) in Chinese, with the
    dead-letter alert after it."""
    depth = outbox.depth()
    text = f"待发送 {depth} 条，最早一条已等 {age_text(outbox.oldest_age())}" if depth else "无待发送记录"
    alert = dead_letter_text(outbox)
    return f"{text}；{alert}" if alert else text


def dead_letter_text(outbox: Any) -> str:
    """The technician's alert for records that will never arrive ("" when there are none)."""
    alert = outbox.dead_alert() if hasattr(outbox, "dead_alert") else None
    if not alert:
        return ""
    corrupt = f"，其中 {alert['corrupt']} 条记录损坏" if alert["corrupt"] else ""
    days = int(getattr(outbox, "dead_max_age", 30 * 86400) // 86400)
    return (f"⚠ {alert['count']} 条记录无法送达（已转入死信{corrupt}），最早一条 {age_text(alert['oldest_age_s'])}前，"
            f"请查看日志并联系中心；超过 {days} 天自动删除")


def print_queue_text(print_queue: Any) -> str:
    """Jobs waiting, and the alert for jobs set aside as corrupt (duck-typed PrintQueue)."""
    text = f"待打印 {len(print_queue.pending())} 张"
    bad = print_queue.quarantined() if hasattr(print_queue, "quarantined") else []
    if bad:
        text += f"；⚠ {len(bad)} 张凭条数据损坏，已搁置未打印（见日志）"
    return text


def collect_status(*, terminal_id: str, print_queue: Any = None, card_service: Any = None,
                   api_client: Any = None, outbox: Any = None) -> dict[str, Any]:
    """Device and API state as one dict (the bundle's status.json, the technician screen's summary).
    Every argument is optional and duck-typed (PrintQueue, CardService, ApiClient, Outbox)."""
    out: dict[str, Any] = {"terminal_id": terminal_id, "time": now_shanghai().isoformat(timespec="seconds")}
    if print_queue is not None:
        st = print_queue.status
        out["printer"] = {"state": print_queue.state, "text": printer_status_text(st) if st else
                          queue_state_text(print_queue.state), "pending_jobs": len(print_queue.pending())}
        if hasattr(print_queue, "quarantined"):
            out["printer"]["quarantined_jobs"] = len(print_queue.quarantined())
    if card_service is not None:
        out["reader"] = {"state": card_service.state, "last_error": card_service.last_error,
                         "text": card_state_text(card_service.state, card_service.last_error)}
    if api_client is not None:
        out["api"] = {"last_latency_ms": getattr(api_client, "last_latency_ms", None),
                      "last_error": getattr(api_client, "last_error", None),
                      "text": api_status_text(api_client)}
    if outbox is not None:
        out["outbox"] = {"depth": outbox.depth(), "oldest_age_s": outbox.oldest_age(),
                         "dead_letters": outbox.dead_alert() if hasattr(outbox, "dead_alert") else None,
                         "text": outbox_text(outbox)}
    return out


def device_states(print_queue: Any = None, card_service: Any = None) -> dict[str, str]:
    """{"printer": ..., "reader": ...} for build_heartbeat(devices=...)."""
    out = {}
    if print_queue is not None:
        out["printer"] = print_queue.state
    if card_service is not None:
        out["reader"] = card_service.state
    return out


__all__ = ["system_figures", "serial_ports", "tail_log", "export_bundle", "redact_config", "scrub",
           "printer_status_lines", "printer_status_text", "queue_state_text", "card_state_text",
           "api_status_text", "outbox_text", "dead_letter_text", "print_queue_text", "collect_status", "device_states", "versions"]
