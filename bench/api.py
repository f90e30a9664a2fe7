"""Case lookup latency over loopback against the demo central API, with GET /v1/health as the baseline.

    python bench/api.py [-n 300] [--in-process]

The server runs in its own process (python -m kiosk.demo_api) unless --in-process. Prints p50/p95 of
both calls and the ratio case/health measured in the same run: the ratio, not the milliseconds, is
what to compare between machines.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kiosk.api import ApiClient, ApiError  # noqa: E402
from kiosk.demo_api import DEMO_IDENTITIES, DemoServer  # noqa: E402

TOKEN = "bench-token"


from _summary import summary  # noqa: E402  (bench/ is on sys.path when run as a script)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _measure(fn: Callable[[], object], n: int) -> list[float]:
    for _ in range(10):  # warm the connection pool and the server
        fn()
    out = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def _pct(xs: list[float], p: float) -> float:
    return statistics.quantiles(xs, n=100, method="inclusive")[int(p) - 1]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", type=int, default=300)
    ap.add_argument("--in-process", action="store_true")
    a = ap.parse_args()
    proc = srv = None
    if a.in_process:
        srv = DemoServer(token=TOKEN)
        base = srv.start()
    else:
        port = _free_port()
        proc = subprocess.Popen([sys.executable, "-m", "kiosk.demo_api", "--port", str(port), "--token", TOKEN],
                                cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{port}"
    try:
        client = ApiClient(base, TOKEN, "BENCH-01")
        deadline = time.monotonic() + 15
        while True:
            try:
                client.health()
                break
            except ApiError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        who = DEMO_IDENTITIES[0]
        case_no = client.cases_by_id_number(who.id_number)[0].case_no
        health = _measure(client.health, a.n)
        by_no = _measure(lambda: client.case_by_number(case_no, who.phone[-4:]), a.n)
        by_id = _measure(lambda: client.cases_by_id_number(who.id_number), a.n)
        h50, h95 = _pct(health, 50), _pct(health, 95)
        print(f"server: {'in-process thread' if srv else 'separate process'}, n={a.n}")
        print(f"{'call':32} {'p50 ms':>8} {'p95 ms':>8} {'p50/health':>11} {'p95/health':>11}")
        for name, xs in (("GET /v1/health (baseline)", health), ("GET /v1/cases/{no}?phone_last4", by_no),
                         ("POST /v1/case-search", by_id)):
            p50, p95 = _pct(xs, 50), _pct(xs, 95)
            print(f"{name:32} {p50:8.2f} {p95:8.2f} {p50 / h50:11.2f} {p95 / h95:11.2f}")
        p95_id = _pct(by_id, 95)
        summary("case lookup by ID, p95", f"{p95_id:.2f} ms", f"/v1/health p95 {h95:.2f} ms", p95_id / h95,
                "(figure)", True)
        client.close()
    finally:
        if srv is not None:
            srv.stop()
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=10)


if __name__ == "__main__":
    main()
