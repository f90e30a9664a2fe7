"""帮办模式: what a helper (帮办专员) does for a citizen at the terminal: reprint recent receipts, see this
terminal's help requests and mark them handled, switch elder mode for them, end their session, leave."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from kivy.lang import Builder
from kivy.properties import ListProperty, StringProperty

from kiosk.app import TZ
from screens.base import BaseScreen
from screens.tr import tr
from screens.widgets import KButton, KLabel

Builder.load_file(str(Path(__file__).with_suffix(".kv")))


def _time(ts) -> str:
    if isinstance(ts, (int, float)):
        return datetime.fromtimestamp(ts, TZ).strftime("%m-%d %H:%M")
    if isinstance(ts, datetime):
        return ts.astimezone(TZ).strftime("%m-%d %H:%M")
    return str(ts or "")


class StaffScreen(BaseScreen):
    title = "帮办模式"
    kind = "menu"
    jobs = ListProperty([])
    requests = ListProperty([])
    note = StringProperty("")

    def on_activate(self, **params):
        self.refresh()

    def refresh(self) -> None:
        svc = self.app.services
        if svc is not None and svc.printq is not None:
            self.app.call(lambda: svc.printq.recent(8), self._show_jobs)
        if svc is not None and svc.api is not None:
            self.app.call(svc.api.help_requests, self._show_requests,
                          lambda e: setattr(self, "note", self.app.error_text(e)))

    def _show_jobs(self, jobs) -> None:
        box = self.ids.jobs
        box.clear_widgets()
        if not jobs:
            box.add_widget(KLabel(text=tr._("最近没有打印记录。")))
        for job in jobs:
            text = f"#{job['id']}  {_time(job.get('created'))}  {job.get('summary', '')}  ({job.get('state', '')})"
            btn = KButton(kind="secondary", text=tr._("补打") + "  " + text)
            btn.bind(on_release=lambda _b, jid=job["id"]: self.reprint(jid))
            box.add_widget(btn)

    def reprint(self, job_id: int) -> None:
        self.app.staff_action("reprint", f"job {job_id}")
        svc = self.app.services

        def queued(new_id: int) -> None:
            from screens.dialogs.print_dialog import PrintDialog

            PrintDialog.follow(self.app, new_id)
            self.refresh()

        self.app.call(lambda: svc.printq.reprint(job_id), queued)

    def _show_requests(self, requests) -> None:
        box = self.ids.requests
        box.clear_widgets()
        pending = [r for r in requests if not getattr(r, "handled", False) and getattr(r, "status", "") != "handled"]
        if not pending:
            box.add_widget(KLabel(text=tr._("本机没有待处理的求助。")))
        for r in pending:
            text = f"{_time(getattr(r, 'created_at', ''))}  {getattr(r, 'screen', '') or ''}  {getattr(r, 'reason', '') or ''}"
            btn = KButton(kind="primary", text=tr._("标记已处理") + "  " + text)
            btn.bind(on_release=lambda _b, rid=r.id: self.mark_handled(rid))
            box.add_widget(btn)

    def mark_handled(self, request_id) -> None:
        self.app.staff_action("help_handled", str(request_id))
        api = self.app.services.api
        self.app.call(lambda: api.mark_help_handled(request_id), lambda _r: self.refresh())

    def end_citizen_session(self) -> None:
        self.app.staff_action("end_citizen_session")
        self.app.session.end("ended by helper")
        for scr in self.app._screens.values():
            if scr is not self:
                scr.wipe()
        self.note = tr._("已结束该市民的办理，信息已清除。")

    def toggle_elder(self) -> None:
        self.app.staff_action("toggle_elder")
        self.app.toggle_elder()

    def leave(self) -> None:
        self.app.leave_staff_mode("leave")
