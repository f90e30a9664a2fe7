"""Receipt model, layout, ESC/POS bytes (golden) and the PNG preview."""

from pathlib import Path

import pytest
import zxingcpp
from printer_samples import CASE_URL, QUEUE_URL, SYNTHETIC_ID, SYNTHETIC_NAME, samples

from kiosk.receipts import Receipt, ReceiptError, render_escpos, render_png, wrap
from kiosk.receipts.layout import LineOp, layout

GOLDEN = Path(__file__).parent / "golden"
FS_ON, FS_OFF = b"\x1c\x26", b"\x1c\x2e"


@pytest.mark.parametrize("name", sorted(samples()))
def test_golden_bytes(name):
    """Regenerate with tests/printer/regenerate_golden.py, then review the diff."""
    assert render_escpos(samples()[name]) == (GOLDEN / f"{name}.bin").read_bytes()


@pytest.mark.parametrize("name", sorted(samples()))
def test_every_job_is_framed_the_same_way(name):
    b = render_escpos(samples()[name])
    assert b.startswith(b"\x1b\x40" + FS_ON)  # ESC @, then Chinese mode
    assert b.endswith(b"\x1b\x64\x06\x1d\x56\x00")  # feed + full cut
    assert b.rindex(FS_OFF) < b.rindex(b"\x1d\x56\x00")  # Chinese mode left before the cut
    assert b"?" not in b.replace(b"https://", b"")  # nothing became a question mark


def test_queue_ticket_bytes_reviewed():
    b = render_escpos(samples()["queue_ticket"])
    assert FS_ON + b"\x1b\x61\x01\x1b\x45\x01" + "道德街便民服务中心".encode("gbk") + b"\n" in b
    assert b"\x1d\x21\x33A023\n" in b  # GS ! 4x4 for the number
    assert "办理业务：社会保障卡申领".encode("gbk") in b
    for row in ("等候区域：综合服务区", "办理窗口：综合窗口", "代办服务：本事项可申请帮代办"):    # 一窗受理
        assert row.encode("gbk") in b
    # native QR after leaving Chinese mode: FS . then ESC a 1 then GS ( k model/size/ec/store/print
    qr = FS_OFF + b"\x1b\x61\x01\x1d\x28\x6b\x04\x00\x31\x41\x32\x00\x1d\x28\x6b\x03\x00\x31\x43\x06"
    assert qr in b
    assert b"\x1d\x28\x6b" + bytes([len(QUEUE_URL) + 3, 0]) + b"\x31\x50\x30" + QUEUE_URL.encode() in b
    assert len(b) <= 1024  # ≤ 1 s at 9600 baud


def test_queue_ticket_general_and_priority():
    from kiosk.receipts import queue_ticket
    general = render_escpos(queue_ticket({"number": "V024", "priority": True, "service": "", "waiting": 0,
                                          "wait_area": "综合服务区", "window": "综合窗口", "time": "2024-05-01 09:13"}))
    assert "排队凭条（绿色通道）".encode("gbk") in general
    assert "办理业务：未选事项，到窗口说明即可".encode("gbk") in general
    assert "帮代办".encode("gbk") not in general and b"\x1d\x28\x6b" not in general   # no QR without a URL


def test_cjk_punctuation_and_rare_name_characters_are_gbk():
    text = "【】：，。、“”喆堃玥珺镕"
    b = render_escpos(Receipt().text(text).cut())
    assert FS_ON + bytes.fromhex("a1be a1bf a3ba a3ac a1a3 a1a2 a1b0 a1b1") in b
    assert text.encode("gbk") in b
    assert bytes.fromhex("86b4 88d2") in b  # 喆 堃 are GBK-extension lead bytes (not GB2312)


@pytest.mark.parametrize("bad", ["𠀀", "¥", "€", "😀", "〇\x07"])
def test_non_gbk_character_is_refused_at_build_time(bad):
    with pytest.raises(ReceiptError) as e:
        Receipt().text(f"金额{bad}")
    assert isinstance(e.value, ValueError)
    assert f"U+{ord(bad[-1]):04X}" in str(e.value)


def test_refused_in_every_block_kind():
    with pytest.raises(ReceiptError):
        Receipt().kv(("姓名", "𠀀"))
    with pytest.raises(ReceiptError):
        Receipt().title("𠀀")
    with pytest.raises(ReceiptError):
        Receipt().barcode("中文")


def test_wrap_by_display_width():
    assert wrap("中" * 30, 48) == ["中" * 24, "中" * 6]
    assert wrap("中" * 20, 32) == ["中" * 16, "中" * 4]
    assert wrap("a" * 50, 48) == ["a" * 48, "aa"]
    # no paragraph ends on one lone Han character (孤字): the piece before it comes down too
    assert wrap("中" * 23 + "a" + "中", 48) == ["中" * 23, "a中"]
    # a closing mark never starts a line: the previous character moves down with it (and, not to be
    # a lone one, one more)
    assert wrap("中" * 24 + "。", 48) == ["中" * 22, "中中。"]
    assert wrap("hello world", 8) == ["hello", "world"]


def test_layout_uses_58mm_columns():
    ops = [o for o in layout(Receipt().text("中" * 20), 384) if isinstance(o, LineOp)]
    assert [o.text for o in ops] == ["中" * 16, "中" * 4]
    big = [o for o in layout(Receipt().title("中" * 20, size=2), 576) if isinstance(o, LineOp)]
    assert [len(o.text) for o in big] == [12, 8]


def test_image_qr_fallback_is_raster_not_gs_k():
    r = Receipt().text("扫码").qr(QUEUE_URL).cut()
    b = render_escpos(r, native_qr=False)
    assert b"\x1d\x28\x6b" not in b and b"\x1d\x76\x30" in b
    assert len(b) > 5 * len(render_escpos(r))


def test_case_slip_masks_identity():
    r = samples()["case_status"]
    js = r.to_json()
    assert SYNTHETIC_ID not in js and SYNTHETIC_NAME not in js
    assert "3701**********" in js and "王**" in js


def test_json_roundtrip():
    r = samples()["materials"]
    again = Receipt.from_json(r.to_json())
    assert render_escpos(again) == render_escpos(r)


@pytest.mark.parametrize("name, url", [("queue_ticket", QUEUE_URL), ("case_status", CASE_URL)])
def test_qr_decodes_from_preview(name, url, tmp_path):
    img = render_png(samples()[name])
    assert img.width == 576
    assert url in [r.text for r in zxingcpp.read_barcodes(img)]


def test_preview_draws_chinese_not_boxes():
    # a Hanzi and a missing-glyph box differ; two different Hanzi must draw differently too
    a = render_png(Receipt().text("中").cut(), 384).crop((0, 0, 48, 60))
    b = render_png(Receipt().text("国").cut(), 384).crop((0, 0, 48, 60))
    assert a.tobytes() != b.tobytes()
    assert a.getextrema()[0] == 0
