"""帮办模式: the screen of kiosk.flows.staff.StaffFlow (reprint recent receipts, this terminal's help
requests, end the citizen's session), plus the two shell actions a helper needs (elder mode, leave)."""

from __future__ import annotations

from pathlib import Path

from kivy.lang import Builder
from kivy.properties import ListProperty, StringProperty

from kiosk.flows.staff import StaffFlow
from screens.base import BaseScreen
from screens.tr import tr
from screens.widgets import KButton, KLabel

Builder.load_file(str(Path(__file__).with_suffix(".kv")))


class StaffScreen(BaseScreen):
    title = "帮办模式"
    kind = "menu"
    jobs = ListProperty([])
    requests = ListProperty([])
    note = StringProperty("")

    def on_kv_post(self, base_widget):
        self.flow = StaffFlow(self.app.flow_deps())
        self._drawn: tuple = (None, None)      # the flow's lists last drawn (redraw only new ones)
        self.flow.subscribe(self._show)

    def _show(self) -> None:
        f = self.flow
        jobs, requests = self._drawn
        if f.jobs is not jobs:
            self.jobs = f.jobs
            self._draw_jobs()
        if f.requests is not requests:
            self.requests = f.requests
            self._draw_requests()
        self._drawn = (f.jobs, f.requests)
        self.note = self.app.error_text(f.error) if f.error is not None else tr._(f.message)

    def on_activate(self, **params):
        self.flow.refresh()

    def refresh(self) -> None:
        self.flow.refresh()

    def _draw_jobs(self) -> None:
        box = self.ids.jobs
        box.clear_widgets()
        if not self.jobs:
            box.add_widget(KLabel(text=tr._("最近没有打印记录。")))
        for job in self.jobs:
            btn = KButton(kind="secondary", text=tr._("补打") + "  " + self.flow.job_line(job))
            btn.bind(on_release=lambda _b, jid=job["id"]: self.reprint(jid))
            box.add_widget(btn)

    def reprint(self, job_id: int) -> None:
        from screens.dialogs.print_dialog import PrintDialog

        self.flow.reprint(job_id, on_queued=lambda new_id: PrintDialog.follow(self.app, new_id))

    def _draw_requests(self) -> None:
        box = self.ids.requests
        box.clear_widgets()
        if not self.requests:
            box.add_widget(KLabel(text=tr._("本机没有待处理的求助。")))
        for r in self.requests:
            btn = KButton(kind="primary", text=tr._("标记已处理") + "  " + self.flow.request_line(r))
            btn.bind(on_release=lambda _b, rid=r.id: self.flow.mark_handled(rid))
            box.add_widget(btn)

    def mark_handled(self, request_id) -> None:
        self.flow.mark_handled(request_id)

    def end_citizen_session(self) -> None:
        self.flow.end_citizen_session()

    def toggle_elder(self) -> None:
        self.app.staff_action("toggle_elder")
        self.app.toggle_elder()

    def leave(self) -> None:
        self.app.leave_staff_mode("leave")

    def wipe(self) -> None:
        self.flow.reset()
