"""技术维护: the technician's view of the terminal and the tools to install, test and repair it. The
words here are Chinese only on purpose: the diagnostics screen is for the center's technicians.

Everything that touches a device, a file or the network runs through the runner (never on the UI
thread): gathering the status, the reader self-check, reassigning a port (validated, written to the
config file, then the running service switched), the diagnostics bundle and the log tail.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from drivers.a4 import A4Error, A4Job, A4Status
from kiosk import __version__, diagnostics
from kiosk.config_writer import set_config_value, validate_port
from kiosk.error_words import error_words
from kiosk.flows.base import Flow
from kiosk.flows.deps import FlowDeps
from kiosk.i18n import N_, Msg
from kiosk.privacy import mask_id_number, mask_name
from kiosk.receipts import templates

log = logging.getLogger(__name__)

DEVICE_NAMES = {"printer": "打印机", "reader": "读卡器"}


def status_lines(svc: Any) -> list[str]:
    """The live status block (blocking: it asks the devices and the outbox). Runs off the UI thread."""
    cfg = svc.cfg
    lines = [f"终端 {cfg.terminal.id}  版本 {__version__}  配置 {cfg.path or '（演示模式，无配置文件）'}"]
    pq = svc.printq
    status = pq.status if pq is not None else None
    lines.append(f"打印机 {cfg.printer.port or '未配置'}：{diagnostics.queue_state_text(svc.states.get('printer', ''))}"
                 + (f"；{diagnostics.printer_status_text(status)}" if status is not None else ""))
    if pq is not None:
        lines.append("  " + diagnostics.print_queue_text(pq))
    card = svc.card
    lines.append(f"读卡器 {cfg.reader.port or '未配置'}："
                 + diagnostics.card_state_text(svc.states.get("reader", ""), card.last_error if card else None))
    api = svc.api
    tls = "TLS 已校验" if cfg.api.base_url.startswith("https://") else "未加密（仅限演示/内网）"
    lines.append(f"中心接口 {cfg.api.base_url}：{svc.states.get('api', '')}；{tls}"
                 + (f"；{diagnostics.api_status_text(api)}" if api is not None else ""))
    if svc.outbox is not None:
        lines.append("待发送 " + diagnostics.outbox_text(svc.outbox))
    fig = diagnostics.system_figures(cfg.data_dir)
    lines.append("系统 " + "  ".join(f"{k} {v}" for k, v in fig.items() if not isinstance(v, dict)))
    return lines


def card_line(card: Any) -> str:
    """A test read, masked: the identity is shown to prove the reader works, never in full."""
    return (f"读卡成功：{card.card_type} {mask_name(card.name)} {mask_id_number(card.id_number)} "
            f"有效期至 {card.valid_until or '长期'}")


#: How many of the A4 queue's last jobs diagnostics shows.
A4_JOBS = 5


@dataclass(frozen=True)
class A4View:
    """What diagnostics shows of the A4 printer. status/jobs None: could not be read (error says why)."""

    queue: str
    status: A4Status | None = None
    jobs: tuple[A4Job, ...] | None = None
    error: Msg | None = None
    error_detail: str = ""


def a4_view(printer: Any) -> A4View:
    """Ask the A4 printer (blocking: off the UI thread). A failure is a view with words, not an error."""
    try:
        status = printer.status()
        jobs = tuple(printer.recent_jobs(A4_JOBS))
    except A4Error as exc:
        return A4View(queue=printer.queue, error=error_words(exc), error_detail=exc.detail)
    return A4View(queue=printer.queue, status=status, jobs=jobs)


def a4_action(job: A4Job) -> str:
    """What a technician can do with a job: "release" a held one, "reprint" one that ended unprinted."""
    if job.state == "held":
        return "release"
    if job.state in ("stopped", "aborted", "canceled"):
        return "reprint"
    return ""


class DiagnosticsFlow(Flow):
    def __init__(self, deps: FlowDeps) -> None:
        super().__init__(deps.runner)
        self.deps = deps
        self.status: list[str] = []
        self.card_text = ""
        self.note = ""
        self.ports: list[dict[str, Any]] = []
        self.log_lines: list[str] | None = None
        self.log_filter = ""
        #: The A4 printer as last asked; None: not asked yet this visit. a4_configured False: none.
        self.a4: A4View | None = None
        self.a4_note: Msg | None = None

    def _svc(self) -> Any:
        return self.deps.services()

    def _set(self, name: str, value: Any) -> None:
        setattr(self, name, value)
        self._changed()

    # ------------------------------------------------------------ status

    def start(self) -> None:
        """A visit: nothing of an earlier visit is shown as if it were now (a state that has changed
        since would mislead the technician), then everything is asked afresh."""
        self.status = []
        self.a4 = None
        self.a4_note = None
        self._changed()
        self.refresh()
        self.refresh_ports()
        self.refresh_log()

    def refresh(self) -> None:
        svc = self._svc()
        if svc is None:
            return
        self.deps.runner.submit(lambda: status_lines(svc), lambda lines: self._set("status", lines),
                                lambda e: self._set("status", [f"{type(e).__name__}: {e}"]))
        self.refresh_a4()

    # ------------------------------------------------------------ the A4 printer (CUPS)

    @property
    def a4_configured(self) -> bool:
        return self.deps.a4() is not None

    def refresh_a4(self) -> None:
        printer = self.deps.a4()
        if printer is None:
            return
        self.deps.runner.submit(lambda: a4_view(printer), lambda view: self._set("a4", view))

    def _a4_call(self, what: str, detail: str, work: Any, done: Any) -> None:
        printer = self.deps.a4()
        if printer is None:
            return
        self.deps.audit(what, f"{printer.queue} {detail}".strip())

        def failed(exc: BaseException) -> None:
            log.warning("a4: %s on %s failed: %s", what, printer.queue, getattr(exc, "detail", exc))
            self._set("a4_note", error_words(exc))
            self.refresh_a4()

        def succeeded(value: Any) -> None:
            self._set("a4_note", done(value))
            self.refresh_a4()

        self.deps.runner.submit(lambda: work(printer), succeeded, failed)

    def a4_test_page(self) -> None:
        """Send the test page; how it goes shows in the job list the refresh keeps up to date."""
        self._a4_call("a4_test_page", "", lambda p: p.test_page(),
                      lambda job_id: Msg(N_("A4 测试页已发送（任务 {id}），打印结果见任务列表"), id=job_id))

    def a4_release(self, job_id: int) -> None:
        self._a4_call("a4_release", str(job_id), lambda p: p.release(job_id),
                      lambda _r: Msg(N_("任务 {id} 已放行"), id=job_id))

    def a4_reprint(self, job_id: int) -> None:
        self._a4_call("a4_reprint", str(job_id), lambda p: p.reprint(job_id),
                      lambda _r: Msg(N_("任务 {id} 已重新打印"), id=job_id))

    # ------------------------------------------------------------ tests

    def test_print(self) -> None:
        self.deps.audit("test_print", "")
        page = templates.test_page(terminal_id=self.deps.cfg.terminal.id, version=__version__)
        self.deps.print_slip(page, "test", "test page")

    def reader_check(self) -> None:
        svc = self._svc()
        card = svc.card if svc is not None else None
        if card is None:
            self._set("card_text", "读卡器未配置")
            return
        self.deps.audit("reader_check", "")
        self.deps.runner.submit(
            lambda: (card.self_check(), card.sam_id()),
            lambda r: self._set("card_text", f"SAM 自检 {'通过' if r[0] else '失败'}，模块号 {r[1]}"),
            lambda e: self._set("card_text", f"读卡器无应答：{e}"))

    def speaker_test(self, **parts: Any) -> None:
        """Synthesise and play the test sentence whatever the citizen's switch and quiet hours say; the
        result (and what failed: engine, silence, no sound output) in the note. Blocks for the sentence's
        length, so it runs through the runner. parts: engine/player for tests."""
        from kiosk.voice import speaker_test

        cfg = self.deps.cfg
        self.deps.audit("speaker_test", "")
        self.deps.runner.submit(lambda: speaker_test(cfg, **parts),
                                lambda r: self._set("note", f"扬声器测试：{r.message}" + (f"（{r.detail}）"
                                                                                     if not r.ok else "")),
                                lambda e: self._set("note", f"扬声器测试失败：{e}"))

    def card_read(self, card: Any) -> None:
        self._set("card_text", card_line(card))

    # ------------------------------------------------------------ ports

    def refresh_ports(self) -> None:
        self.deps.runner.submit(diagnostics.serial_ports, lambda ports: self._set("ports", list(ports)))

    def port_candidates(self) -> list[tuple[str, dict[str, Any]]]:
        """(device path, its USB facts) of every port a device could be on, the configured ones too."""
        devices = [p for p in self.ports if p.get("kind") == "port"]
        links = [p for p in self.ports if p.get("kind") == "link"]
        candidates = [p["device"] for p in devices] + [p["device"] for p in links]
        svc = self._svc()
        if svc is not None:
            for port in (svc.cfg.printer.port, svc.cfg.reader.port):
                if port and port not in candidates:
                    candidates.append(port)
        return [(dev, next((p for p in devices if p["device"] == dev), {})) for dev in candidates]

    def reassign(self, device: str, port: str) -> None:
        """Validate the port, write it to the config file (so it survives a restart), switch the running
        service to it. The file write is checked and rolled back by config_writer on a bad value."""
        svc = self._svc()
        if svc is None or device not in DEVICE_NAMES:
            return
        path = svc.cfg.path

        def work() -> str:
            problem = validate_port(port)
            if problem:
                return problem
            if path:
                set_config_value(path, device, "port", port)
            svc.reassign_port(device, port)
            return (f"{DEVICE_NAMES[device]}已改为 {port}"
                    + ("，已写入配置文件" if path else "（演示模式：未写入文件）"))

        self.deps.audit("reassign_port", f"{device} -> {port}")
        self.deps.runner.submit(work, lambda msg: self._set("note", msg),
                                lambda e: self._set("note", f"没有改成：{e}"))

    # ------------------------------------------------------------ log, bundle

    def set_log_filter(self, text: str) -> None:
        self.log_filter = text
        self.refresh_log()

    def refresh_log(self) -> None:
        path = Path(self.deps.cfg.data_dir) / "logs" / "kiosk.log"
        flt = self.log_filter
        self.deps.runner.submit(lambda: diagnostics.tail_log(path, 40, flt) if path.exists() else [],
                                lambda lines: self._set("log_lines", list(lines)[-40:]))

    def export(self, dest: str | None = None) -> None:
        svc = self._svc()
        if svc is None:
            return
        cfg = svc.cfg
        dest = dest or str(Path(cfg.data_dir) / "exports")

        def work() -> Path:
            status = diagnostics.collect_status(terminal_id=cfg.terminal.id, print_queue=svc.printq,
                                                card_service=svc.card, api_client=svc.api, outbox=svc.outbox)
            return diagnostics.export_bundle(dest, config_path=cfg.path or None,
                                             log_dir=Path(cfg.data_dir) / "logs", status=status,
                                             data_dir=cfg.data_dir)

        self.deps.audit("export_bundle", dest)
        self.deps.runner.submit(work, lambda p: self._set("note", f"诊断包已导出：{p}"),
                                lambda e: self._set("note", f"导出失败：{e}"))

    @staticmethod
    def usb_targets(media: Path = Path("/media")) -> list[str]:
        """Mounted USB sticks (udisks/usbmount mount them under /media/<user>/<label>)."""
        return [str(p) for p in sorted(media.glob("*/*")) if p.is_dir()] if media.exists() else []

    def reset(self) -> None:
        super().reset()
        self.card_text = ""      # a test read's (masked) identity goes with the session
        self.note = ""
        self.a4_note = None
        self._changed()
