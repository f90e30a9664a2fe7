"""Subprocess of the outbox crash test: enqueue N feedback records and deliver them to the demo API.

    python tests/api/outbox_worker.py DB BASE_URL TOKEN RUN N

Prints "ENQ <run>-<i> <key> <tracking_no>" after each enqueue returned (the record is durable then),
"DONE" after everything was delivered. The parent kills it with SIGKILL at random points.
"""

from __future__ import annotations

import random
import sys
import time

from kiosk.api import ApiClient
from kiosk.outbox import Outbox


def main() -> None:
    db, base, token, run, n = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
    client = ApiClient(base, token, "DDJ-T01", connect_timeout=1.0, read_timeout=2.0, retries=0)

    def send(kind: str, payload: dict, key: str) -> object:
        answer = client.send_outbox(kind, payload, key)
        # Widen the window between the server's receipt and the local delete, where a crash forces
        # a resend that only the Idempotency-Key can make harmless.
        time.sleep(random.uniform(0, 0.01))
        return answer

    box = Outbox(db, send, base_delay=0.02, max_delay=0.2)
    box.start()
    for i in range(n):
        payload = {"category": "测试", "content": f"{run}-{i}", "terminal_id": "DDJ-T01"}
        key, tracking_no = box.enqueue_feedback(payload, "DDJ-T01")
        print(f"ENQ {run}-{i} {key} {tracking_no}", flush=True)
        time.sleep(random.uniform(0, 0.004))
    if not box.flush(20):
        print("NOT-FLUSHED", flush=True)
        sys.exit(1)
    print("DONE", flush=True)
    box.stop()


if __name__ == "__main__":
    main()
