"""The A4 printer the config names: `open_a4(cfg)` gives an `A4Printer`, or None when `[a4] queue` is "".

pycups is imported on first use (the first question a flow or diagnostics asks the printer), not when the
kiosk starts: it brings libcups with its TLS, Kerberos and D-Bus libraries, about 4 MB resident that a
kiosk whose citizens print no licence never needs. A terminal whose libcups or pycups is missing still
starts, and its A4 printer reports `a4.unavailable` (diagnostics says why) instead.
"""

from __future__ import annotations

import logging
import threading

from drivers.a4 import A4Job, A4Printer, A4Status, A4Unavailable, Marker
from kiosk.assets import FONT_PATH
from kiosk.config import SIMULATOR, Config
from kiosk.i18n import N_, Msg

log = logging.getLogger(__name__)


# ---------------------------------------------------------------- words for what CUPS reports

STATE_WORDS = {"idle": N_("空闲"), "processing": N_("正在打印"), "stopped": N_("已停止")}
JOB_STATE_WORDS = {"pending": N_("排队中"), "held": N_("已挂起"), "processing": N_("打印中"),
                   "stopped": N_("已停止"), "canceled": N_("已取消"), "aborted": N_("已中止"),
                   "completed": N_("已完成")}
#: printer-state-reasons keywords (RFC 8011, PWG 5100.x; CUPS' own), without the severity suffix.
REASON_WORDS = {
    "media-empty": N_("缺纸"), "media-needed": N_("缺纸"), "media-low": N_("纸张快用完了"),
    "media-jam": N_("卡纸"), "input-tray-missing": N_("纸盒没有装好"), "output-area-full": N_("出纸盒已满"),
    "toner-low": N_("墨粉不足"), "toner-empty": N_("墨粉已用完"), "marker-supply-low": N_("耗材不足"),
    "marker-supply-empty": N_("耗材已用完"), "marker-waste-almost-full": N_("废粉盒快满了"),
    "marker-waste-full": N_("废粉盒已满"), "door-open": N_("机盖打开"), "cover-open": N_("机盖打开"),
    "offline": N_("打印机离线"), "paused": N_("队列已暂停"), "shutdown": N_("打印机已关机"),
    "stopped": N_("打印机已停止"), "connecting-to-device": N_("正在连接打印机"),
    "timed-out": N_("打印机无应答"), "other": N_("打印机报告其他故障"),
}
#: job-state-reasons a technician meets on a failed job; others are shown as CUPS names them.
JOB_REASON_WORDS = {
    "job-hold-until-specified": N_("等待放行"), "printer-stopped": N_("打印机已停止"),
    "job-canceled-by-user": N_("被提交者取消"), "job-canceled-by-operator": N_("被管理员取消"),
    "job-canceled-at-device": N_("在打印机上被取消"), "aborted-by-system": N_("被打印系统中止"),
    "document-format-error": N_("文件格式有误"), "document-unprintable-error": N_("文件无法打印"),
}
MARKER_UNKNOWN = {-1: N_("未知"), -2: N_("无"), -3: N_("有余量")}


def reason_keyword(reason: str) -> str:
    """"media-empty-error" → "media-empty" (the severity suffix says how bad, not what)."""
    for suffix in ("-error", "-warning", "-report"):
        if reason.endswith(suffix):
            return reason[: -len(suffix)]
    return reason


def reason_words(reason: str) -> Msg:
    words = REASON_WORDS.get(reason_keyword(reason))
    return Msg(words) if words else Msg(N_("打印机报告：{reason}"), reason=reason)


def status_words(status: A4Status) -> Msg:
    """One line: state, whether it takes jobs, and the reasons in plain words."""
    ready = Msg(N_("可以打印")) if status.ready else Msg(N_("不能打印"))
    reasons = [reason_words(r) for r in status.reasons]
    line = Msg(N_("{state}，{ready}"), state=Msg(STATE_WORDS[status.state]), ready=ready)
    if not status.accepting:
        line = Msg(N_("{line}，不接收新任务"), line=line)
    for r in reasons:
        line = Msg(N_("{line}；{reason}"), line=line, reason=r)
    return line


def queue_words(queue: str, what: Msg) -> Msg:
    """"kiosk-demo-pdf：空闲，可以打印" — the queue's name before its state or error."""
    return Msg(N_("{queue}：{what}"), queue=queue, what=what)


def marker_words(marker: Marker) -> Msg:
    level = (f"{marker.level}%" if marker.level >= 0
             else Msg(MARKER_UNKNOWN.get(marker.level, MARKER_UNKNOWN[-1])))
    if 0 <= marker.level <= marker.low_level:
        return Msg(N_("{name}：{level}（偏低）"), name=marker.name, level=level)
    return Msg(N_("{name}：{level}"), name=marker.name, level=level)


def job_words(job: A4Job) -> Msg:
    state = Msg(JOB_STATE_WORDS[job.state])
    # A pending job's reasons are often stale ("job-printing" after a stop): only an ended one's are shown.
    if job.state in ("held", "stopped", "aborted", "canceled") and job.reasons:
        reasons: Msg | str = job.reasons[0] if job.reasons[0] not in JOB_REASON_WORDS \
            else Msg(JOB_REASON_WORDS[job.reasons[0]])
        return Msg(N_("任务 {id}  {title}  {state}（{reasons}）"), id=job.job_id, title=job.title, state=state,
                   reasons=reasons)
    return Msg(N_("任务 {id}  {title}  {state}"), id=job.job_id, title=job.title, state=state)


class UnreachableA4:
    """Stands in for a configured A4 printer whose driver cannot load: every call says why."""

    def __init__(self, queue: str, detail: str) -> None:
        self.queue = queue
        self.detail = detail

    def _fail(self, *_: object, **__: object):
        raise A4Unavailable(self.detail)

    def status(self) -> A4Status:
        return self._fail()

    def submit(self, pdf: bytes, title: str) -> int:
        return self._fail()

    def job(self, job_id: int) -> A4Job:
        return self._fail()

    def wait(self, job_id: int, timeout: float) -> A4Job:
        return self._fail()

    def recent_jobs(self, limit: int = 10) -> list[A4Job]:
        return self._fail()

    def test_page(self) -> int:
        return self._fail()

    def release(self, job_id: int) -> None:
        return self._fail()

    def reprint(self, job_id: int) -> int:
        return self._fail()

    def forget(self, job_id: int) -> None:
        return self._fail()


def open_a4(cfg: Config) -> A4Printer | None:
    """The terminal's A4 printer, or None when it has none. In demo mode call this after DemoParts.start(),
    which replaces queue "sim" by its private queue (or by "" when no private cupsd can run here)."""
    queue = cfg.a4.queue
    if not queue:
        return None
    if queue == SIMULATOR:
        return UnreachableA4(queue, "the demo's private cupsd was not started")
    return CupsOnFirstUse(queue, server=cfg.a4.server or None, terminal_id=cfg.terminal.id,
                          font_path=str(FONT_PATH))


class CupsOnFirstUse:
    """The CUPS driver for a queue, loaded when it is first asked something (see the module's words)."""

    def __init__(self, queue: str, **driver_args: object) -> None:
        self.queue = queue
        self._args = driver_args
        self._driver: A4Printer | None = None
        self._lock = threading.Lock()

    @property
    def driver(self) -> A4Printer:
        with self._lock:            # two workers asking at once load it once
            if self._driver is None:
                try:
                    from drivers.a4.cups_printer import CupsPrinter
                except ImportError as exc:
                    log.error("a4: the CUPS driver cannot load (%s); install pycups and libcups2", exc)
                    self._driver = UnreachableA4(self.queue, f"CUPS driver not installed: {exc}")
                else:
                    self._driver = CupsPrinter(self.queue, **self._args)
            return self._driver

    def __getattr__(self, name: str) -> object:
        if name.startswith("_"):        # not set yet (a copy made without __init__): never recurse
            raise AttributeError(name)
        return getattr(self.driver, name)
