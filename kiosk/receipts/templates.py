"""Receipt templates. They take plain dicts/values (not API models) and return a Receipt.

Identity data is masked here, before it becomes part of a receipt: what the print queue stores and
what reaches paper is already masked.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from drivers.printer.bench_page import TEST_PUNCTUATION  # one list of test characters, the driver's
from kiosk.privacy import mask_id_number, mask_name
from kiosk.receipts.model import Receipt

DEFAULT_CENTER = "道德街便民服务中心"


def _center(d: Mapping[str, Any]) -> str:
    return str(d.get("center_name") or DEFAULT_CENTER)


def queue_ticket(t: Mapping[str, Any]) -> Receipt:
    """t: number, service ("" for a general ticket), waiting (people ahead), wait_area, window, priority
    (绿色通道), delegable (帮代办), time, url (the queue status page), center_name."""
    r = Receipt()
    r.title(_center(t), size=1)
    r.text("排队凭条（绿色通道）" if t.get("priority") else "排队凭条", align="center")
    r.separator()
    r.title(str(t["number"]), size=4)
    rows = [
        ("办理业务", str(t.get("service") or "未选事项，到窗口说明即可")),
        ("前面等候", f"{int(t['waiting'])} 人"),
    ]
    if t.get("wait_area"):
        rows.append(("等候区域", str(t["wait_area"])))
    rows.append(("办理窗口", str(t.get("window") or "请留意叫号屏")))
    if t.get("delegable"):
        rows.append(("代办服务", "本事项可申请帮代办"))
    rows.append(("取号时间", str(t["time"])))
    r.kv(*rows)
    if t.get("url"):
        r.qr(str(t["url"]), module=6)
        r.text("手机扫码，查看排队进度", align="center")
    r.separator()
    r.text("过号请重新取号。请妥善保管本凭条。", align="center")
    return r.cut()


def case_status_slip(c: Mapping[str, Any]) -> Receipt:
    """c: case_number, service, status, applicant_name, applicant_id, next_step [heading, line…],
    timeline [(time, step)], url."""
    r = Receipt()
    r.title(_center(c), size=1)
    r.title("办件进度查询单", size=2)
    r.separator()
    rows = [("办件编号", str(c["case_number"])), ("办理事项", str(c["service"]))]
    if c.get("applicant_name"):
        rows.append(("申请人", mask_name(str(c["applicant_name"]))))
    if c.get("applicant_id"):
        rows.append(("证件号码", mask_id_number(str(c["applicant_id"]))))
    rows.append(("当前状态", str(c["status"])))
    r.kv(*rows)
    # What the citizen must do next comes before the history: it is why they print the slip.
    step = [str(x) for x in c.get("next_step") or []]
    if step:
        r.separator()
        r.text(f"下一步：{step[0]}", bold=True)
        for line in step[1:]:
            r.text(line)
    timeline: Iterable = c.get("timeline") or []
    if timeline:
        r.separator()
        r.text("办理进程", bold=True)
        steps = list(timeline)
        for i, (when, step) in enumerate(steps):
            mark = "●" if i == len(steps) - 1 else "○"
            r.text(f"{mark} {when}  {step}")
    if c.get("url"):
        r.separator()
        r.qr(str(c["url"]), module=6)
        r.text("手机扫码，随时查看办件进度", align="center")
    if c.get("time"):
        r.text(f"打印时间：{c['time']}", align="center")
    return r.cut()


def materials_checklist(item: Mapping[str, Any]) -> Receipt:
    """item: name, material_lines [str] (each numbered and worded with its count, exactly as the screen
    lists it: kiosk/flows/guide.py material_words), conditions [str], promised_days, legal_days, window,
    fee, url, phone."""
    r = Receipt()
    r.title(_center(item), size=1)
    r.title("一次性告知单", size=2)
    r.separator()
    r.kv(("事项名称", str(item["name"])))
    r.separator()
    r.text("一、申请材料", bold=True)
    for line in item.get("material_lines") or []:
        r.text(str(line))
    conditions = item.get("conditions") or []
    if conditions:
        r.text("二、办理条件", bold=True)
        for i, cond in enumerate(conditions, 1):
            r.text(f"{i}. {cond}")
    r.text("三、办理须知", bold=True)
    rows = []
    if item.get("promised_days") is not None:
        rows.append(("承诺时限", f"{item['promised_days']}个工作日"))
    if item.get("legal_days") is not None:
        rows.append(("法定时限", f"{item['legal_days']}个工作日"))
    rows.append(("办理窗口", str(item.get("window") or "综合受理窗口")))
    rows.append(("收费标准", str(item.get("fee") or "不收费")))
    if item.get("phone"):
        rows.append(("咨询电话", str(item["phone"])))
    r.kv(*rows)
    if item.get("url"):
        r.separator()
        r.qr(str(item["url"]), module=5)
        r.text("扫码查看办事指南，也可网上办理", align="center")
    return r.cut()


def feedback_receipt(f: Mapping[str, Any]) -> Receipt:
    """f: tracking_number, category, summary, time, url."""
    r = Receipt()
    r.title(_center(f), size=1)
    r.title("诉求受理回执", size=2)
    r.separator()
    r.kv(
        ("受理编号", str(f["tracking_number"])),
        ("诉求类别", str(f.get("category") or "其他")),
        ("提交时间", str(f["time"])),
    )
    r.text("诉求摘要：", bold=True)
    r.text(str(f["summary"]))
    if f.get("url"):
        r.separator()
        r.qr(str(f["url"]), module=6)
        r.text("扫码查看办理进展和答复", align="center")
    r.text("我们将在5个工作日内答复，请留意。", align="center")
    return r.cut()




def licence_print_slip(p: Mapping[str, Any]) -> Receipt:
    """p: licence, number, holder (masked for a person), issuer, pages, terminal_id, time, verify_url.
    What was printed here, so the holder can tell the center "printed on this terminal at this time"."""
    r = Receipt()
    r.title(_center(p), size=1)
    r.title("证照自助打印凭条", size=2)
    r.separator()
    r.kv(("证照名称", str(p["licence"])), ("证照编号", str(p["number"])), ("持证者", str(p["holder"])),
         ("发证机关", str(p["issuer"])), ("打印页数", f"{p['pages']} 页"), ("终端编号", str(p["terminal_id"])),
         ("打印时间", str(p["time"])))
    r.separator()
    r.text("证照上印有“自助打印”标记和本终端编号。", align="center")
    if p.get("verify_url"):
        r.qr(str(p["verify_url"]), module=5)
        r.text("扫码核验证照真伪", align="center")
    return r.cut()


def test_page(terminal_id: str, version: str, time: str = "", url: str = "https://example.gov.cn/kiosk/test") -> Receipt:
    """Technician test page: every character size, CJK punctuation, a ruler, a QR and a barcode."""
    r = Receipt()
    r.title("打印测试页", size=2)
    r.separator("=")
    for s in (1, 2, 3, 4):
        r.text(f"字号{s}x{s} Aa1", size=s)
    r.separator()
    r.text(TEST_PUNCTUATION)
    r.text("生僻字：喆 堃 玥 珺 镕")
    r.text("0123456789" * 5)
    r.separator()
    r.qr(url, module=6)
    r.barcode(terminal_id)
    r.kv(("终端编号", terminal_id), ("软件版本", version))
    if time:
        r.kv(("打印时间", time))
    return r.cut()
