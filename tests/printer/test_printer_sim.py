"""The simulator's decoder and renderer."""

import zxingcpp
from PIL import Image
from printer_samples import QUEUE_URL, samples

from drivers.sim.printer import EscPosDecoder
from kiosk.receipts import render_escpos


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
