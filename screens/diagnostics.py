"""Technician diagnostics: live state of every part of the terminal, and the tools to install, test
and repair it (test print, test card read, port reassignment, touch test, log tail, diagnostics
bundle, restart, exit to the desktop). Reached by the technician PIN only."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from kivy.clock import Clock
from kivy.core.window import Window
from kivy.graphics import Color, Ellipse, Line
from kivy.lang import Builder
from kivy.properties import BooleanProperty, StringProperty
from kivy.uix.widget import Widget

from kiosk import __version__, diagnostics
from kiosk.privacy import mask_id_number, mask_name
from screens.base import BaseScreen
from screens.tr import tr
from screens.widgets import KButton, KLabel

Builder.load_file(str(Path(__file__).with_suffix(".kv")))

REFRESH_SECONDS = 1.0


class TouchTest(Widget):
    """Draws a dot where it is touched and a grid, so a technician sees whether touches land true."""

    def on_touch_down(self, touch):
        if not self.collide_point(*touch.pos):
            return super().on_touch_down(touch)
        with self.canvas.after:
            Color(0.7, 0.15, 0.12, 1)
            Ellipse(pos=(touch.x - 8, touch.y - 8), size=(16, 16))
        self.last = touch.pos
        return True

    def clear(self) -> None:
        self.canvas.after.clear()

    def on_size(self, *_args):
        self.canvas.before.clear()
        with self.canvas.before:
            Color(0.8, 0.83, 0.87, 1)
            step = 80
            for x in range(int(self.x), int(self.right) + 1, step):
                Line(points=[x, self.y, x, self.top])
            for y in range(int(self.y), int(self.top) + 1, step):
                Line(points=[self.x, y, self.right, y])

    on_pos = on_size


class DiagnosticsScreen(BaseScreen):
    title = "技术维护"
    kind = "menu"
    status_text = StringProperty("")
    card_text = StringProperty("")
    note = StringProperty("")
    log_filter = StringProperty("")
    demo = BooleanProperty(False)

    def on_activate(self, **params):
        svc = self.app.services
        self.demo = bool(svc is not None and svc.demo.reader_sim is not None)
        self._ev = Clock.schedule_interval(lambda _dt: self.refresh(), REFRESH_SECONDS)
        self.refresh()
        self.refresh_ports()
        self.refresh_log()

    def on_deactivate(self):
        ev = getattr(self, "_ev", None)
        if ev is not None:
            ev.cancel()
            self._ev = None

    # -------------------------------------------------------------- live status

    def refresh(self) -> None:
        svc = self.app.services if self.app is not None else None
        if svc is None:
            return
        cfg = svc.cfg

        def gather() -> str:
            lines = [f"终端 {cfg.terminal.id}  版本 {__version__}  配置 {cfg.path or '（演示模式，无配置文件）'}"]
            pq = svc.printq
            status = pq.status if pq is not None else None
            lines.append(f"打印机 {cfg.printer.port or '未配置'}：{diagnostics.queue_state_text(svc.states.get('printer', ''))}"
                         + (f"；{diagnostics.printer_status_text(status)}" if status is not None else ""))
            if pq is not None:
                lines.append("  " + diagnostics.print_queue_text(pq))
            card = svc.card
            lines.append(f"读卡器 {cfg.reader.port or '未配置'}："
                         + diagnostics.card_state_text(svc.states.get('reader', ''), card.last_error if card else None))
            api = svc.api
            tls = "TLS 已校验" if cfg.api.base_url.startswith("https://") else "未加密（仅限演示/内网）"
            lines.append(f"中心接口 {cfg.api.base_url}：{svc.states.get('api', '')}；{tls}"
                         + (f"；{diagnostics.api_status_text(api)}" if api is not None else ""))
            if svc.outbox is not None:
                lines.append("待发送 " + diagnostics.outbox_text(svc.outbox))
            fig = diagnostics.system_figures(cfg.data_dir)
            lines.append("系统 " + "  ".join(f"{k} {v}" for k, v in fig.items() if not isinstance(v, dict)))
            lines.append(f"屏幕 {Window.size[0]}x{Window.size[1]}  {self.app.orientation}")
            return "\n".join(lines)

        self.app.call(gather, lambda text: setattr(self, "status_text", text),
                      lambda e: setattr(self, "status_text", f"{type(e).__name__}: {e}"))

    # -------------------------------------------------------------- tests

    def test_print(self) -> None:
        from kiosk.receipts import templates

        self.app.staff_action("test_print")
        self.app.print_receipt(templates.test_page(terminal_id=self.app.cfg.terminal.id, version=__version__),
                               "test", "test page")

    def reader_check(self) -> None:
        card = self.app.services.card
        if card is None:
            self.card_text = tr._("读卡器未配置")
            return
        self.app.staff_action("reader_check")
        self.app.call(lambda: (card.self_check(), card.sam_id()),
                      lambda r: setattr(self, "card_text", f"SAM 自检 {'通过' if r[0] else '失败'}，模块号 {r[1]}"),
                      lambda e: setattr(self, "card_text", f"读卡器无应答：{e}"))

    def on_card_inserted(self, card) -> None:
        # Test read: shown masked, and the identity is not kept in the session beyond this screen.
        self.card_text = (f"读卡成功：{card.card_type} {mask_name(card.name)} {mask_id_number(card.id_number)} "
                          f"有效期至 {card.valid_until or '长期'}")

    def demo_card(self) -> None:
        self.app.demo_toggle_card()

    # -------------------------------------------------------------- ports

    def refresh_ports(self) -> None:
        self.app.call(diagnostics.serial_ports, self._show_ports)

    def _show_ports(self, ports) -> None:
        box = self.ids.ports
        box.clear_widgets()
        devices = [p for p in ports if p.get("kind") == "port"]
        links = [p for p in ports if p.get("kind") == "link"]
        sim = self.app.services.cfg if self.app.services else None
        candidates = [p["device"] for p in devices] + [p["device"] for p in links]
        if sim is not None:
            for port in (sim.printer.port, sim.reader.port):
                if port and port not in candidates:
                    candidates.append(port)
        if not candidates:
            box.add_widget(KLabel(text=tr._("没有找到串口设备。")))
        for dev in candidates:
            info = next((p for p in devices if p["device"] == dev), {})
            row = Factory_row(dev, info.get("vid_pid"), info.get("description"))
            for device, label in (("printer", "设为打印机"), ("reader", "设为读卡器")):
                btn = KButton(kind="secondary", text=tr._(label), size_hint_x=0.3)
                btn.bind(on_release=lambda _b, d=device, p=dev: self.reassign(d, p))
                row.add_widget(btn)
            box.add_widget(row)

    def reassign(self, device: str, port: str) -> None:
        from kiosk.config_writer import set_config_value, validate_port

        svc = self.app.services
        path = svc.cfg.path

        def work() -> str:
            problem = validate_port(port)
            if problem:
                return problem
            if path:
                set_config_value(path, device, "port", port)
            svc.reassign_port(device, port)
            return (f"{'打印机' if device == 'printer' else '读卡器'}已改为 {port}"
                    + ("，已写入配置文件" if path else "（演示模式：未写入文件）"))

        self.app.staff_action("reassign_port", f"{device} -> {port}")
        self.app.call(work, lambda msg: setattr(self, "note", msg),
                      lambda e: setattr(self, "note", f"没有改成：{e}"))

    # -------------------------------------------------------------- log, bundle, app

    def set_log_filter(self, text: str) -> None:
        self.log_filter = text
        self.refresh_log()

    def refresh_log(self) -> None:
        path = Path(self.app.cfg.data_dir) / "logs" / "kiosk.log"
        flt = self.log_filter
        self.app.call(lambda: diagnostics.tail_log(path, 40, flt) if path.exists() else [],
                      lambda lines: setattr(self.ids.log, "text", "\n".join(lines[-40:]) or tr._("（没有日志）")))

    def export(self, dest: str | None = None) -> None:
        svc = self.app.services
        cfg = svc.cfg
        dest = dest or str(Path(cfg.data_dir) / "exports")

        def work():
            status = diagnostics.collect_status(terminal_id=cfg.terminal.id, print_queue=svc.printq,
                                                card_service=svc.card, api_client=svc.api, outbox=svc.outbox)
            return diagnostics.export_bundle(dest, config_path=cfg.path or None,
                                             log_dir=Path(cfg.data_dir) / "logs", status=status,
                                             data_dir=cfg.data_dir)

        self.app.staff_action("export_bundle", dest)
        self.app.call(work, lambda p: setattr(self, "note", f"诊断包已导出：{p}"),
                      lambda e: setattr(self, "note", f"导出失败：{e}"))

    def usb_targets(self) -> list[str]:
        return [str(p) for p in sorted(Path("/media").glob("*/*")) if p.is_dir()] if Path("/media").exists() else []

    def restart_app(self) -> None:
        self.app.staff_action("restart_app")
        self.app.stop()
        os.execv(sys.executable, [sys.executable, *sys.argv])

    def exit_to_desktop(self) -> None:
        self.app.staff_action("exit_to_desktop")
        self.app.leave_staff_mode("exit to desktop")
        time.sleep(0.05)
        self.app.stop()

    def leave(self) -> None:
        self.app.leave_staff_mode("leave")


def Factory_row(dev: str, vid_pid: str | None, description: str | None):
    from kivy.uix.boxlayout import BoxLayout

    row = BoxLayout(size_hint_y=None, spacing=12)
    label = KLabel(text=f"{dev}  {vid_pid or ''}  {description or ''}", size_hint_x=0.4)
    row.add_widget(label)
    row.bind(minimum_height=row.setter("height"))
    label.bind(height=lambda *_: setattr(row, "height", max(label.height, 64)))
    row.height = 64
    return row
