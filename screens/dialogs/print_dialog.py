"""The dialog that follows a print job: printing → 请取走凭条, or 打印机暂不可用 (the job waits in the
queue and prints when the printer is back: nothing is lost). In demo mode it also shows what the
simulated printer printed."""

from __future__ import annotations

from pathlib import Path

from kivy.lang import Builder
from kivy.properties import StringProperty
from kivy.uix.modalview import ModalView

import screens.widgets  # noqa: F401  (the kv uses its classes)

Builder.load_file(str(Path(__file__).with_suffix(".kv")))

MESSAGES = {
    "sending": "正在打印，请稍候…",
    "printed": "打印完成，请取走凭条。",
    "waiting": "打印机暂不可用，凭条已保存，恢复后会自动打印。请联系工作人员。",
    "failed": "打印没有成功，请联系工作人员补打。",
}
#: Why a job waits, when the printer tells us: the citizen (or a passing helper) can act on it.
WAITING_BECAUSE = {
    "out": "打印机缺纸，凭条已保存，装纸后会自动打印。请联系工作人员。",
    "cover_open": "打印机盖子没有关好，凭条已保存，关好后会自动打印。请联系工作人员。",
}


class PrintDialog(ModalView):
    status = StringProperty("sending")
    message_id = StringProperty(MESSAGES["sending"])
    preview = StringProperty("")      # demo mode: the simulator's picture of the printed receipt

    def __init__(self, app, job_id: int, **kwargs):
        super().__init__(**kwargs)
        self.app, self.job_id = app, job_id

    @classmethod
    def follow(cls, app, job_id: int) -> PrintDialog:
        d = cls(app, job_id)
        d.open()
        app.watch_job(job_id, d._on_job)
        app.bind(printer_ok=d._on_printer)
        d._on_printer()
        return d

    def _on_printer(self, *_args) -> None:
        # A job queued while the printer is unavailable hears nothing from the queue until it prints:
        # say that it waits, not "printing" for as long as the printer is gone.
        if self.status == "sending" and not self.app.printer_ok:
            self.status = "waiting"
        elif self.status == "waiting" and self.app.printer_ok:
            self.status = "sending"
        else:
            self._update_message()

    def on_status(self, _instance, _status: str) -> None:
        self._update_message()

    def _update_message(self) -> None:
        msgid = MESSAGES.get(self.status, MESSAGES["sending"])
        if self.status == "waiting":
            states = getattr(self.app.services, "states", None) or {}
            msgid = WAITING_BECAUSE.get(states.get("printer", ""), msgid)
        self.message_id = msgid

    def _on_job(self, _job_id: int, status: str) -> None:
        self.status = status
        if status == "printed":
            self._show_demo_print()

    def _show_demo_print(self) -> None:
        sim = getattr(getattr(self.app.services, "demo", None), "printer_sim", None)
        if sim is None or not sim.jobs:
            return
        png = sim.jobs[-1].png_path
        if png is not None and Path(png).exists():
            self.preview = str(png)

    def close(self) -> None:
        self.app.unwatch_job(self.job_id)
        self.dismiss()

    def on_dismiss(self) -> None:
        # However it was closed (its button, or the session ending): drop the app's references to it.
        self.app.unwatch_job(self.job_id)
        self.app.unbind(printer_ok=self._on_printer)
