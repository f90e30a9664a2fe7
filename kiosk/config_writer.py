"""Change one key of the TOML config file in place, keeping the installer's comments and layout.

Used by `kiosk --set-pin` (PIN hashes) and by the technician screen (printer.port / reader.port).
The edit is line-based: find `[section]`, then `key = value` inside it, and replace only the value
(a trailing `# comment` on that line stays). A missing key is added after the section's last entry,
a missing section at the end of the file. Only bare section and key names, and simple values
(str, int, float, bool), are supported: that is all the config has.

The new text is checked with `load_config` before it replaces the file, and the file is checked
again afterwards; if either check fails the old bytes are put back and the ConfigError is raised, so
a bad value never leaves a terminal that cannot start.
"""

from __future__ import annotations

import contextlib
import logging
import math
import os
import re
import stat
import tempfile
import tomllib
from pathlib import Path

from kiosk.config import SIMULATOR, ConfigError, load_config

log = logging.getLogger(__name__)

Value = str | int | float | bool

_BARE = re.compile(r"^[A-Za-z0-9_-]+$")
_HEADER = re.compile(r"^\s*\[\s*([A-Za-z0-9_.\"' -]+?)\s*\]\s*(#.*)?$")
_ARRAY_HEADER = re.compile(r"^\s*\[\[")
_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}


def toml_value(value: Value) -> str:
    """The TOML spelling of a simple value (strings as basic strings with escapes)."""
    if isinstance(value, bool):  # before int: bool is an int
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"not a finite number: {value!r}")
        return repr(value)
    if isinstance(value, str):
        out = []
        for ch in value:
            if ch in _ESCAPES:
                out.append(_ESCAPES[ch])
            elif ord(ch) < 0x20 or ord(ch) == 0x7F:
                out.append(f"\\u{ord(ch):04X}")
            else:
                out.append(ch)
        return '"' + "".join(out) + '"'
    raise TypeError(f"config values are str, int, float or bool, not {type(value).__name__}")


def _parses(value_text: str) -> bool:
    try:
        tomllib.loads("x = " + value_text)
    except tomllib.TOMLDecodeError:
        return False
    return True


def split_comment(rest: str) -> tuple[str, str]:
    """Split the text after `=` on one line into (value, trailing comment incl. leading space).

    A '#' inside a string is not a comment: the value ends at the first '#' before which the text
    parses as a TOML value on its own.
    """
    body = rest.rstrip("\r\n")
    for m in re.finditer("#", body):
        head = body[: m.start()]
        if head.strip() and _parses(head):
            spaces = len(head) - len(head.rstrip())
            return head.rstrip(), body[m.start() - spaces:]
    return body.rstrip(), ""


def value_span(lines: list[str], i: int, rest: str) -> tuple[int, str]:
    """For an entry starting on lines[i] whose text after '=' is `rest`: the index of its last line
    (multi-line strings and arrays go on) and the trailing comment of a one-line value."""
    if _parses(rest):
        return i, split_comment(rest)[1]
    text = rest
    for j in range(i + 1, len(lines)):
        text += lines[j]
        if _parses(text):
            return j, ""
    return i, ""  # not valid TOML at all; load_config will say so


def entry_key(line: str) -> tuple[str, str] | None:
    """(key, text after '=') for a `key = value` line, else None. Quoted keys are unquoted."""
    m = re.match(r"""^\s*("[^"]*"|'[^']*'|[A-Za-z0-9_.-]+)\s*=(.*)$""", line, re.S)
    if not m:
        return None
    key = m.group(1)
    if key[:1] in "\"'":
        key = key[1:-1]
    return key, m.group(2)


def section_of(line: str) -> str | None:
    """The table name of a `[table]` header line (None for other lines, '[[…]]' included)."""
    if _ARRAY_HEADER.match(line):
        return None
    m = _HEADER.match(line)
    if not m:
        return None
    return ".".join(part.strip().strip("\"'") for part in m.group(1).split("."))


def _newline(text: str) -> str:
    return "\r\n" if "\r\n" in text else "\n"


def edit_text(text: str, section: str, key: str, value: Value) -> str:
    """The config text with section.key set to value ("" = a top-level key such as data_dir)."""
    if section and not _BARE.match(section):
        raise ValueError(f"section must be a bare TOML name, not {section!r}")
    if not _BARE.match(key):
        raise ValueError(f"key must be a bare TOML name, not {key!r}")
    rendered = toml_value(value)
    nl = _newline(text)
    lines = text.splitlines(keepends=True)

    # The section's line range [start, end): after its header up to the next header.
    start: int | None = 0 if section == "" else None
    end = len(lines)
    for idx, line in enumerate(lines):
        name = section_of(line) if not _ARRAY_HEADER.match(line) else "[[array]]"
        if name is None:
            continue
        if start is None and name == section:
            start = idx + 1
        elif start is not None:
            end = idx
            break

    if start is None:  # no such section: append it
        if lines and not lines[-1].endswith(("\n", "\r")):
            lines[-1] += nl
        if lines and lines[-1].strip():
            lines.append(nl)
        lines += [f"[{section}]{nl}", f"{key} = {rendered}{nl}"]
        return "".join(lines)

    last_entry = None
    idx = start
    while idx < end:
        found = entry_key(lines[idx])
        if found is None:
            idx += 1
            continue
        name, rest = found
        last, comment = value_span(lines, idx, rest)
        if name == key:
            lead = lines[idx][: len(lines[idx]) - len(lines[idx].lstrip())]
            eol = nl if lines[last].endswith(("\n", "\r")) else ""
            lines[idx: last + 1] = [f"{lead}{key} = {rendered}{comment}{eol}"]
            return "".join(lines)
        last_entry = last
        idx = last + 1

    # Key missing: after the section's last entry (comments just above the next header belong to it).
    # With no entry yet: right after the header; top-level keys go just before the first header.
    at = (last_entry + 1) if last_entry is not None else (end if section == "" else start)
    if at > 0 and at <= len(lines) and not lines[at - 1].endswith(("\n", "\r")):
        lines[at - 1] += nl
    lines.insert(at, f"{key} = {rendered}{nl}")
    return "".join(lines)


def atomic_write(path: Path, data: bytes) -> None:
    """Replace path with data: temp file in the same directory, fsync, keep mode and owner, rename."""
    path = Path(path)
    try:
        st: os.stat_result | None = os.stat(path)
    except FileNotFoundError:
        st = None
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            if st is not None:
                os.fchmod(f.fileno(), stat.S_IMODE(st.st_mode))
                if (st.st_uid, st.st_gid) != (os.getuid(), os.getgid()):
                    try:
                        os.fchown(f.fileno(), st.st_uid, st.st_gid)
                    except PermissionError:
                        log.warning("cannot keep the owner of %s (not root); it now belongs to uid %d",
                                    path, os.getuid())
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    _fsync_dir(path.parent)


def _fsync_dir(directory: Path) -> None:
    try:
        dfd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        os.fsync(dfd)
    except OSError:
        pass
    finally:
        os.close(dfd)


def _check(candidate: Path, shown_as: str) -> None:
    try:
        load_config(candidate)
    except ConfigError as e:
        raise ConfigError(shown_as, e.key, e.problem) from None


def set_config_value(path: str | os.PathLike, section: str, key: str, value: Value) -> None:
    """Set section.key = value in the TOML file at path, atomically; ConfigError (file unchanged) if
    the result would not be a valid config."""
    p = Path(path)
    try:
        old = p.read_bytes()
    except FileNotFoundError:
        raise ConfigError(str(p), "(file)", "not found") from None
    try:
        text = old.decode("utf-8")
    except UnicodeDecodeError:
        raise ConfigError(str(p), "(file)", "is not UTF-8 text") from None
    new = edit_text(text, section, key, value).encode("utf-8")

    # Check the new text before it replaces anything (a crash mid-way must not leave a bad config).
    fd, probe = tempfile.mkstemp(dir=p.parent, prefix=f".{p.name}.", suffix=".check")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(new)
        _check(Path(probe), str(p))
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(probe)

    atomic_write(p, new)
    try:
        load_config(p)
    except ConfigError:
        atomic_write(p, old)
        log.error("config %s: %s.%s was rolled back", p, section or "(top)", key)
        raise
    log.info("config %s: %s%s set", p, f"{section}." if section else "", key)


def validate_port(port: str) -> str | None:
    """None if the port can be used, else a message for the technician (Chinese).

    "" (no device), "sim" and pyserial URLs (socket://, rfc2217://, spy://, loop://) are accepted as
    written; a device path must exist, be a character device and open as a serial port.
    """
    port = port.strip()
    if port in ("", SIMULATOR) or "://" in port:
        return None
    if not port.startswith("/"):
        return f"{port} 不是设备路径（应为 /dev/...）或 pyserial 地址（socket://...）"
    try:
        st = os.stat(port)  # follows /dev/kiosk-* symlinks
    except FileNotFoundError:
        if os.path.islink(port):
            return f"{port} 指向的设备 {os.path.realpath(port)} 不存在（设备未插好？）"
        return f"{port} 不存在（设备未插好？）"
    except OSError as e:
        return f"{port} 无法访问：{e.strerror}"
    if not stat.S_ISCHR(st.st_mode):
        return f"{port} 不是串口设备"
    import serial  # pyserial; imported here so config editing works without it

    try:
        s = serial.serial_for_url(port, do_not_open=False, timeout=0)
    except (serial.SerialException, OSError, ValueError) as e:
        return f"{port} 无法作为串口打开：{e}"
    s.close()
    return None
