"""Diagnostics: the support bundle holds no personal numbers or secrets; log tail; ports; wording."""

import json
import os
import pty
import zipfile
from datetime import datetime

import pytest

from drivers.printer import PrinterStatus
from kiosk.config_writer import set_config_value
from kiosk.diagnostics import (
    api_status_text,
    card_state_text,
    collect_status,
    device_states,
    export_bundle,
    outbox_text,
    printer_status_lines,
    printer_status_text,
    queue_state_text,
    redact_config,
    serial_ports,
    system_figures,
    tail_log,
)
from kiosk.hours import TZ as SHANGHAI
from kiosk.security import hash_pin
from kiosk.validators import id_check_char, is_valid_id_number

ID17 = "37010419850615432"
RAW_ID = ID17 + id_check_char(ID17)
ID17_X = "37010320011130001"
RAW_ID2 = ID17_X + id_check_char(ID17_X)
PHONE = "13912345678"
TOKEN = "tk-9f8e7d6c5b4a-secret"


def test_synthetic_ids_are_valid():
    assert is_valid_id_number(RAW_ID) and is_valid_id_number(RAW_ID2)


@pytest.fixture
def terminal(config_file, tmp_path):
    """A config with a real token and PIN hash, and a log dir whose files hold raw personal numbers
    (written directly, as if a handler without the mask had written them)."""
    set_config_value(config_file, "api", "token", TOKEN)
    set_config_value(config_file, "security", "helper_pin_hash", hash_pin("246813"))
    log_dir = tmp_path / "data" / "logs"
    log_dir.mkdir(parents=True)
    (log_dir / "kiosk.log").write_text(
        f"2025-01-02 09:00:00 INFO kiosk.session: card read {RAW_ID}\n"
        f"2025-01-02 09:00:01 INFO kiosk.api: feedback phone {PHONE} sent with Authorization: Bearer {TOKEN}\n"
        "2025-01-02 09:00:02 WARNING drivers.printer: paper near end\n", encoding="utf-8")
    (log_dir / "kiosk.log.1").write_text(f"old line {RAW_ID2} and 联系电话{PHONE}\n", encoding="utf-8")
    return config_file, log_dir


def read_zip(path):
    with zipfile.ZipFile(path) as z:
        return {name: z.read(name).decode("utf-8") for name in z.namelist()}


def test_export_bundle_is_masked_and_holds_no_secret(terminal, tmp_path):
    config_file, log_dir = terminal
    status = {"printer": {"state": "out"}, "last_error": f"lookup of {RAW_ID} failed", "token": TOKEN}
    when = datetime(2025, 3, 4, 5, 6, 7, tzinfo=SHANGHAI)
    path = export_bundle(tmp_path / "usb", config_path=config_file, log_dir=log_dir, status=status, now=when)

    assert path.name == "kiosk-diag-JN-HY-DDJ-01-20250304-050607.zip"
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temp file left
    files = read_zip(path)
    assert {"config.toml", "status.json", "versions.json", "system.json", "serial_ports.json",
            "logs/kiosk.log", "logs/kiosk.log.1"} <= set(files)
    everything = "\n".join(files.values())
    for secret in (RAW_ID, RAW_ID2, PHONE, TOKEN, "scrypt$"):
        assert secret not in everything, secret
    assert "3701**********" in files["logs/kiosk.log"] and "139****5678" in files["logs/kiosk.log"]
    assert "paper near end" in files["logs/kiosk.log"]
    assert "139****5678" in files["logs/kiosk.log.1"]
    assert json.loads(files["status.json"])["printer"] == {"state": "out"}

    cfg = files["config.toml"]
    assert 'token = "<removed>"' in cfg and 'helper_pin_hash = "<removed>"' in cfg
    assert "# Bearer token issued for this terminal." in cfg  # comments kept
    assert 'technician_pin_hash = ""' not in cfg  # every *_pin_hash goes, set or not
    assert 'port = "/dev/kiosk-printer"' in cfg
    assert json.loads(files["versions.json"])["python"]


def test_redact_config_fallback_when_line_edit_cannot_remove_it():
    text = f'data_dir = "/d"\napi = {{ base_url = "https://x", token = "{TOKEN}" }}\n'
    out, secrets = redact_config(text)
    assert TOKEN not in out and secrets == [TOKEN]


def test_redact_multiline_token_and_keep_trailing_comment():
    text = f'[api]\ntoken = """\n{TOKEN}"""\nbase_url = "https://x" # prod\n[security]\n' \
           'helper_pin_hash = "scrypt$1$2" # set 2025\n'
    out, _ = redact_config(text)
    assert TOKEN not in out and "scrypt$" not in out
    assert 'helper_pin_hash = "<removed>" # set 2025' in out
    assert 'base_url = "https://x" # prod' in out


def test_bundle_in_demo_mode(tmp_path):
    path = export_bundle(tmp_path, config_path=None, log_dir=None, status={"terminal_id": "DEMO-01"})
    assert path.name.startswith("kiosk-diag-DEMO-01-")
    assert "demo mode" in read_zip(path)["config.toml"]


def test_tail_log_filter_and_mask(tmp_path):
    log = tmp_path / "kiosk.log"
    lines = [f"line {i} {'PRINTER paper' if i % 3 == 0 else 'api ok'}" for i in range(5000)]
    lines[4998] = f"line 4998 printer card {RAW_ID}"
    log.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert tail_log(log, n=3) == ["line 4997 api ok", "line 4998 printer card 3701**********" + RAW_ID[-4:],
                                  "line 4999 api ok"]
    got = tail_log(log, n=4, filter="printer")
    assert got == ["line 4989 PRINTER paper", "line 4992 PRINTER paper", "line 4995 PRINTER paper",
                   "line 4998 printer card 3701**********" + RAW_ID[-4:]]
    assert len(tail_log(log, n=10_000)) == 5000
    assert tail_log(log, n=5, filter="nothing matches") == []
    assert tail_log(tmp_path / "missing.log") == []


def test_tail_log_small_blocks_and_no_final_newline(tmp_path):
    from kiosk import diagnostics

    log = tmp_path / "k.log"
    log.write_text("α first\nβ second\n\nγ third", encoding="utf-8")
    assert list(diagnostics._lines_from_end(log, block=3)) == \
        ["γ third".encode(), b"", "β second".encode(), "α first".encode()]
    assert tail_log(log, n=2) == ["", "γ third"]


def test_system_figures(tmp_path):
    fig = system_figures(tmp_path)
    assert fig["disk_free_mb"] > 0 and fig["disk_total_mb"] >= fig["disk_free_mb"]
    assert fig["memory_total_mb"] > fig["process_rss_mb"] > 0
    assert fig["process_uptime_s"] >= 0 and fig["machine_uptime_s"] >= fig["process_uptime_s"] - 5
    assert fig["hostname"] and fig["python"].startswith("3.")
    assert fig["kivy"]  # installed in the venv; read from metadata, not imported


def test_serial_ports_lists_kiosk_links(tmp_path):
    master, slave = pty.openpty()
    try:
        target = os.ttyname(slave)
        (tmp_path / "kiosk-printer").symlink_to(target)
        (tmp_path / "kiosk-idcard").symlink_to(tmp_path / "ttyUSB7")
        (tmp_path / "ttyS0").touch()  # not a kiosk-* name: ignored
        ports = serial_ports(dev_dir=str(tmp_path))
    finally:
        os.close(master)
        os.close(slave)
    links = {p["device"]: p for p in ports if p["kind"] == "link"}
    assert links == {
        str(tmp_path / "kiosk-idcard"): {"kind": "link", "device": str(tmp_path / "kiosk-idcard"),
                                         "target": str(tmp_path / "ttyUSB7"), "exists": False},
        str(tmp_path / "kiosk-printer"): {"kind": "link", "device": str(tmp_path / "kiosk-printer"),
                                          "target": os.path.realpath(target), "exists": True},
    }
    for p in ports:
        if p["kind"] == "port":
            assert p["vid_pid"] is None or len(p["vid_pid"]) == 9


def test_printer_wording():
    assert printer_status_lines(PrinterStatus(online=True, paper="ok", cover_open=False, error=None)) == \
        ["在线", "纸张正常", "盖子关闭"]
    assert printer_status_text(PrinterStatus(online=False, paper="out", cover_open=True,
                                             error="autocutter error")) == "离线，缺纸，盖子打开，切刀故障"
    assert printer_status_lines(PrinterStatus(online=None, paper="unknown", cover_open=None, error=None)) \
        == ["未知", "纸张未知", "盖子未知"]
    assert printer_status_lines(PrinterStatus(online=True, paper="near_end", cover_open=False,
                                              error=None))[1] == "纸将尽"
    assert printer_status_text(None) == "未连接"
    assert queue_state_text("cover_open") == "盖子打开" and queue_state_text("not_connected") == "未连接"


class FakeQueue:
    state = "near_end"
    status = PrinterStatus(online=True, paper="near_end", cover_open=False, error=None)

    def pending(self):
        return [{"id": 1}, {"id": 2}]


class FakeCard:
    state = "error"
    last_error = f"CardReadError: card {RAW_ID}"


class FakeApi:
    last_latency_ms = 87.4
    last_error = None


class FakeOutbox:
    def depth(self):
        return 3

    def oldest_age(self):
        return 754.0


def test_status_collection_and_wording():
    st = collect_status(terminal_id="T1", print_queue=FakeQueue(), card_service=FakeCard(),
                        api_client=FakeApi(), outbox=FakeOutbox())
    assert st["printer"] == {"state": "near_end", "text": "在线，纸将尽，盖子关闭", "pending_jobs": 2}
    assert st["reader"]["text"].startswith("故障：CardReadError") and RAW_ID not in st["reader"]["text"]
    assert st["api"]["text"] == "正常（响应 87 毫秒）"
    assert st["outbox"]["text"] == "待发送 3 条，最早一条已等 12 分钟"
    assert device_states(FakeQueue(), FakeCard()) == {"printer": "near_end", "reader": "error"}
    broken = FakeApi()
    broken.last_error = "ApiUnavailable: timeout"
    assert api_status_text(broken) == "连接异常：ApiUnavailable: timeout"
    assert card_state_text("ready", "old") == "就绪"

    class Empty(FakeOutbox):
        def depth(self):
            return 0

    assert outbox_text(Empty()) == "无待发送记录"
