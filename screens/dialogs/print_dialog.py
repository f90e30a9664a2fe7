"""The dialog that follows a print job: printing → 请取走凭条, or 打印机暂不可用 (the job waits in the
queue and prints when the printer is back: nothing is lost). In demo mode it also shows what the
simulated printer printed.

One dialog per app is built (at a quiet moment: `prepare`) and reused for every print: building it took
15-45 ms of the UI thread in the frame that showed a citizen's answer. `follow` resets everything a
previous print left in it (status, message, the demo receipt picture) before it opens."""

from __future__ import annotations

import weakref
from pathlib import Path

from kivy.app import App
from kivy.clock import Clock
from kivy.lang import Builder
from kivy.properties import StringProperty
from kivy.uix.modalview import ModalView

import screens.widgets  # noqa: F401  (the kv uses its classes)
from screens.pictures import off_ui, png_pixels, texture, warm

_KV = str(Path(__file__).with_suffix(".kv"))

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


#: The reusable dialog of each app (tests build many apps in one process).
_reusable: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


class PrintDialog(ModalView):
    status = StringProperty("sending")
    message_id = StringProperty(MESSAGES["sending"])
    preview = StringProperty("")      # demo mode: the simulator's picture of the printed receipt

    def __init__(self, app, job_id: int = 0, **kwargs):
        # Its kv rules are read with the first dialog (built a second after start-up), not when every
        # screen imports this module on the way to the first frame.
        if _KV not in Builder.files:
            Builder.load_file(_KV)
        super().__init__(**kwargs)
        self.app, self.job_id = app, job_id

    @classmethod
    def prepare(cls, app) -> PrintDialog:
        """The app's reusable dialog, built now if it is not yet."""
        d = _reusable.get(app)
        if d is None:
            d = _reusable[app] = cls(app)
            warm()                        # the pictures' thread too (QR codes, the demo receipt)
        return d

    @classmethod
    def prepare_soon(cls, app, delay: float = 1.0) -> None:
        """Build the reusable dialog in a frame of its own a little later (every screen calls this when it
        is shown, screens.base: the first is home at start-up, so no citizen's print pays for it)."""
        def build(_dt) -> None:
            # Not for an app that stopped meanwhile (tests start many): its kv rules would find no app.
            if App.get_running_app() is app:
                cls.prepare(app)

        if app not in _reusable:
            Clock.schedule_once(build, delay)

    @classmethod
    def follow(cls, app, job_id: int) -> PrintDialog:
        d = cls.prepare(app)
        if d.parent is not None:
            d = cls(app, job_id)          # the reusable one shows another job still: one of its own
        d._start(job_id)
        d.open()
        app.watch_job(job_id, d._on_job)
        app.bind(printer_ok=d._on_printer)
        d._on_printer()
        return d

    def _start(self, job_id: int) -> None:
        """Nothing of an earlier print (another citizen's receipt) stays in the dialog."""
        self.job_id = job_id
        self.preview = ""
        self.ids.preview.texture = None
        self.status = "sending"
        self._update_message()

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
        demo = getattr(self.app.services, "demo", None)
        if demo is None:
            return
        job_id = self.job_id

        def picture():
            # Off the UI thread: the demo printer (here or in its own process) waits for its drawing of
            # the slip, and the decoding takes 30-60 ms with Kivy's loader.
            png = demo.last_slip_picture()
            if png is None or not Path(png).exists():
                return None
            return png, png_pixels(png)

        off_ui(picture, lambda found: self._show_picture(job_id, found))

    def _show_picture(self, job_id: int, found) -> None:
        # Shown only if this dialog still follows that print when the picture is ready.
        if found is None or self.job_id != job_id or self.parent is None:
            return
        self.preview, pixels = found
        self.ids.preview.texture = texture(pixels)

    def on_parent(self, _instance, parent) -> None:
        if parent is None:               # faded out and gone: the receipt picture goes with it
            self.preview = ""
            self.ids.preview.texture = None
            # Kivy 2.3's ModalView.open() binds center and size to its centring again on every open and
            # never unbinds them: the one reused dialog gained two bindings per print (found by the soak).
            self.funbind("center", self._align_center)
            self.funbind("size", self._align_center)

    def close(self) -> None:
        self.app.unwatch_job(self.job_id)
        self.dismiss()

    def on_dismiss(self) -> None:
        # However it was closed (its button, or the session ending): drop the app's references to it.
        self.app.unwatch_job(self.job_id)
        self.app.unbind(printer_ok=self._on_printer)
