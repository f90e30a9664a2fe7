"""技术维护: the screen of kiosk.flows.diagnostics.DiagnosticsFlow (live state of every part of the
terminal, test print and card read, port reassignment, log tail, diagnostics bundle), plus what only the
window can do: the touch test, restart and exit to the desktop. Reached by the technician PIN only."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from kivy.clock import Clock
from kivy.core.window import Window
from kivy.graphics import Color, Ellipse, Line
from kivy.lang import Builder
from kivy.properties import BooleanProperty, StringProperty
from kivy.uix.widget import Widget

from kiosk.a4 import job_words, marker_words, queue_words, status_words
from kiosk.flows.diagnostics import A4View, DiagnosticsFlow, a4_action
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
    a4_configured = BooleanProperty(False)
    a4_text = StringProperty("")
    a4_note = StringProperty("")

    def on_kv_post(self, base_widget):
        self.flow = DiagnosticsFlow(self.app.flow_deps())
        self._ports_drawn = None
        self._log_drawn = None
        self._a4_drawn: tuple | None = None
        self.flow.subscribe(self._show)
        self.app.bind(lang=lambda *_a: self._show())

    def _show(self) -> None:
        if self.app is None:
            return                       # a late answer after the app stopped
        f = self.flow
        screen = f"屏幕 {Window.size[0]}x{Window.size[1]}  {self.app.orientation}"
        self.status_text = "\n".join([*f.status, screen]) if f.status else ""
        self.card_text, self.note, self.log_filter = f.card_text, f.note, f.log_filter
        if f.ports is not self._ports_drawn:
            self._ports_drawn = f.ports
            self._draw_ports()
        self._show_a4(f.a4)
        if f.log_lines is not self._log_drawn:
            self._log_drawn = f.log_lines
            self.ids.log.text = "\n".join(f.log_lines or []) or tr._("（没有日志）")

    def _show_a4(self, view: A4View | None) -> None:
        self.a4_configured = self.flow.a4_configured
        self.a4_note = tr._(self.flow.a4_note) if self.flow.a4_note is not None else ""
        if not self.a4_configured:
            self.a4_text = tr._("本机没有配置 A4 打印机（[a4] queue）。")
        elif view is None:
            self.a4_text = tr._("正在查询 A4 打印机…")
        elif view.status is None:
            self.a4_text = f"{tr._(queue_words(view.queue, view.error))}\n{view.error_detail}"
        else:
            st = view.status
            lines = [tr._(queue_words(view.queue, status_words(st)))]
            if st.message:
                lines.append(tr._("打印机消息：") + st.message)
            lines.append(tr._("耗材：") + ("  ".join(tr._(marker_words(m)) for m in st.markers)
                                           or tr._("打印机未报告")))
            self.a4_text = "\n".join(lines)
        jobs = view.jobs if view is not None else None
        drawn = (tr.lang, jobs)
        if drawn != self._a4_drawn:
            self._a4_drawn = drawn
            self._draw_a4_jobs(jobs or ())

    def _draw_a4_jobs(self, jobs) -> None:
        box = self.ids.a4_jobs
        box.clear_widgets()
        if not jobs:
            box.add_widget(KLabel(text=tr._("（没有打印任务）"), role="small"))
        for job in jobs:
            row = _a4_job_row(tr._(job_words(job)))
            action = a4_action(job)
            if action:
                btn = KButton(kind="secondary", size_hint_x=0.3,
                              text=tr._("放行") if action == "release" else tr._("重新打印"))
                btn.bind(on_release=lambda _b, j=job.job_id, a=action:
                         (self.flow.a4_release if a == "release" else self.flow.a4_reprint)(j))
                row.add_widget(btn)
            box.add_widget(row)

    def on_activate(self, **params):
        svc = self.app.services
        self.demo = bool(svc is not None and svc.demo.reader_sim is not None)
        self._ev = Clock.schedule_interval(lambda _dt: self.flow.refresh(), REFRESH_SECONDS)
        self.flow.start()

    def on_deactivate(self):
        ev = getattr(self, "_ev", None)
        if ev is not None:
            ev.cancel()
            self._ev = None

    # -------------------------------------------------------------- taps → flow

    def refresh(self) -> None:
        self.flow.refresh()

    def test_print(self) -> None:
        self.flow.test_print()

    def a4_test_page(self) -> None:
        self.flow.a4_test_page()

    def reader_check(self) -> None:
        self.flow.reader_check()

    def speaker_test(self) -> None:
        self.flow.speaker_test()

    def on_card_inserted(self, card) -> None:
        self.flow.card_read(card)

    def demo_card(self) -> None:
        self.app.demo_toggle_card()

    def refresh_ports(self) -> None:
        self.flow.refresh_ports()

    def reassign(self, device: str, port: str) -> None:
        self.flow.reassign(device, port)

    def set_log_filter(self, text: str) -> None:
        self.flow.set_log_filter(text)

    def refresh_log(self) -> None:
        self.flow.refresh_log()

    def export(self, dest: str | None = None) -> None:
        self.flow.export(dest)

    def usb_targets(self) -> list[str]:
        return DiagnosticsFlow.usb_targets()     # kv asks before the flow exists

    def _draw_ports(self) -> None:
        box = self.ids.ports
        box.clear_widgets()
        candidates = self.flow.port_candidates()
        if not candidates:
            box.add_widget(KLabel(text=tr._("没有找到串口设备。")))
        for dev, info in candidates:
            row = Factory_row(dev, info.get("vid_pid"), info.get("description"))
            for device, label in (("printer", "设为打印机"), ("reader", "设为读卡器")):
                btn = KButton(kind="secondary", text=tr._(label), size_hint_x=0.3)
                btn.bind(on_release=lambda _b, d=device, p=dev: self.flow.reassign(d, p))
                row.add_widget(btn)
            box.add_widget(row)

    # -------------------------------------------------------------- the window itself

    def restart_app(self) -> None:
        self.app.staff_action("restart_app")
        self.app.stop()
        os.execv(sys.executable, [sys.executable, *sys.argv])

    def exit_to_desktop(self) -> None:
        self.app.staff_action("exit_to_desktop")
        self.app.leave_staff_mode("exit to desktop")
        # Stop on the next frame, after leaving staff mode has redrawn home (no sleep on the UI thread).
        Clock.schedule_once(lambda _dt: self.app.stop(), 0)

    def leave(self) -> None:
        self.app.leave_staff_mode("leave")

    def wipe(self) -> None:
        self.flow.reset()


def Factory_row(dev: str, vid_pid: str | None, description: str | None):
    from kivy.uix.boxlayout import BoxLayout

    row = BoxLayout(size_hint_y=None, spacing=12)
    label = KLabel(text=f"{dev}  {vid_pid or ''}  {description or ''}", size_hint_x=0.4)
    row.add_widget(label)
    row.bind(minimum_height=row.setter("height"))
    label.bind(height=lambda *_: setattr(row, "height", max(label.height, 64)))
    row.height = 64
    return row


def _a4_job_row(text: str):
    from kivy.uix.boxlayout import BoxLayout

    row = BoxLayout(size_hint_y=None, spacing=12, height=64)
    label = KLabel(text=text, role="small", size_hint_x=0.7)
    row.add_widget(label)
    label.bind(height=lambda *_: setattr(row, "height", max(label.height, 64)))
    return row
