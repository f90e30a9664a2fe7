"""The simulator's decoder and renderer."""

import zxingcpp
from PIL import Image
from printer_samples import QUEUE_URL, samples

from drivers.sim.printer import EscPosDecoder
from kiosk.receipts import Receipt, render_escpos


def _names(data, split):
    dec = EscPosDecoder()
    events = []
    for i in range(0, len(data), split):
        events += dec.feed(data[i : i + split])
    merged = []
    for e in events:  # ASCII runs may arrive in pieces: join adjacent text
        if e.name == "text" and merged and merged[-1][0] == "text":
            merged[-1] = ("text", {"text": merged[-1][1]["text"] + e.args["text"]})
        else:
            merged.append((e.name, e.args))
    return merged, dec


def test_decoder_gives_the_same_events_in_any_split():
    data = render_escpos(samples()["test_page"])
    whole, _ = _names(data, len(data))
    assert _names(data, 1)[0] == whole
    assert _names(data, 7)[0] == whole
    names = [n for n, _ in whole]
    assert names[:2] == ["init", "kanji_on"] and names[-1] == "cut"
    assert "unknown" not in names
    text = "".join(a["text"] for n, a in whole if n == "text")
    assert "【测试】：你好，世界。" in text and "喆 堃 玥 珺 镕" in text


def test_sim_job_transcript_and_png(sim, printer):
    printer.send_raw(render_escpos(samples()["queue_ticket"]))
    assert sim.wait_for_jobs(1, 5)
    job = sim.jobs[0]
    assert "[4x4 B C] A023" in job.transcript
    assert "办理业务：社会保障卡申领" in job.transcript
    assert f"[QR {QUEUE_URL}]" in job.transcript and job.transcript.rstrip().endswith("[CUT]")
    img = Image.open(job.png_path)
    assert [r.text for r in zxingcpp.read_barcodes(img)] == [QUEUE_URL]


def test_sim_renders_image_qr_and_barcode(sim, printer):
    from kiosk.receipts import Receipt

    printer.send_raw(render_escpos(Receipt().qr(QUEUE_URL).barcode("A023").cut(), native_qr=False))
    assert sim.wait_for_jobs(1, 10)
    job = sim.jobs[0]
    assert "[IMAGE " in job.transcript and "[BARCODE A023]" in job.transcript
    found = {r.text for r in zxingcpp.read_barcodes(Image.open(job.png_path))}
    assert {QUEUE_URL, "A023"} <= found


def test_bytes_while_paper_out_never_complete_a_job(sim, printer):
    job = render_escpos(samples()["feedback"])
    sim.set_paper_out_after(50)
    printer.send_raw(job)
    assert printer.status(1.0).paper == "out"
    sim.set_paper("ok")
    assert not sim.wait_for_jobs(1, 0.3)  # the torn job's tail (with its cut) is not a job
    printer.send_raw(job)
    assert sim.wait_for_jobs(1, 5) and sim.jobs[0].raw == job


def test_status_is_answered_while_the_last_job_is_still_being_drawn(sim, printer):
    """A real printer answers DLE EOT at once after a cut; drawing the slip's picture is the simulator's
    bookkeeping and must not hold the answer back (it once did, and missed the driver's budget)."""
    import threading

    drawing, release = threading.Event(), threading.Event()
    draw = sim._draw

    def slow_draw(*args):
        drawing.set()
        release.wait(10)
        return draw(*args)

    sim._draw = slow_draw
    try:
        printer.send_raw(render_escpos(samples()["queue_ticket"]))
        assert drawing.wait(10), "the job was never cut"
        status = printer.status()                 # drawing is held: the answer must come anyway
        assert status.ready and status.complete
        assert not sim.wait_for_jobs(1, 0.05)     # and the job is indeed not drawn yet
    finally:
        release.set()
    assert len(sim.jobs) == 1 and "A023" in sim.jobs[0].transcript   # `jobs` waits for the drawing
    sim.forget_jobs()
    assert sim.jobs == [] and sim.torn_jobs == 0


def test_only_the_last_jobs_are_kept_but_all_are_counted(tmp_path):
    from drivers.printer import ReceiptPrinter
    from drivers.sim.printer import PrinterSimulator

    sim = PrinterSimulator(baudrate=115200, link_dir=tmp_path, out_dir=tmp_path / "jobs", keep_jobs=2)
    sim.start()
    printer = ReceiptPrinter(sim.port, baudrate=115200)
    try:
        for number in ("A001", "A002", "A003"):
            printer.send_raw(render_escpos(Receipt().text(number).cut()))
        assert sim.wait_for_jobs(3, 10)                # counted from the start, dropped ones too
        assert [j.index for j in sim.jobs] == [2, 3]
        assert "A003" in sim.jobs[-1].transcript
        assert (tmp_path / "jobs" / "job-0001.png").exists()   # its picture stays on disk
    finally:
        printer.close()
        sim.stop()


def test_the_demo_simulator_sleeps_while_idle_and_still_answers_at_once(tmp_path):
    """The demo's devices process runs it with DEMO_IDLE_WAIT: it woke 20 times a second for nothing."""
    import time

    from drivers.printer import ReceiptPrinter
    from drivers.sim.printer import DEMO_IDLE_WAIT, PrinterSimulator

    sim = PrinterSimulator(baudrate=115200, link_dir=tmp_path, out_dir=tmp_path / "jobs", idle_wait=DEMO_IDLE_WAIT)
    sim.start()
    printer = ReceiptPrinter(sim.port, baudrate=115200)
    try:
        assert printer.status(1.0).ready
        before = sim.wakeups
        time.sleep(1.5)
        assert sim.wakeups - before <= 4, sim.wakeups - before
        start = time.monotonic()
        assert printer.status(1.0).ready             # asleep, it still answers the next query at once
        assert time.monotonic() - start < 0.9
        printer.send_raw(render_escpos(Receipt().text("A001").cut()))
        assert sim.wait_for_jobs(1, 10)
        sim.unplug()                                 # unplugging and replugging wake it: the new line is read
        sim.replug()
        printer.close()
        printer = ReceiptPrinter(sim.port, baudrate=115200)
        assert printer.status(1.0).ready
    finally:
        printer.close()
        t = time.monotonic()
        sim.stop()                                   # and stop() does not wait out its sleep
        assert time.monotonic() - t < 0.9
