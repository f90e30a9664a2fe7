"""One machine-readable line per headline figure, which bench/run_all.py gathers into the summary
table at the top of RESULTS.md. The human-readable lines stay as each benchmark prints them."""

from __future__ import annotations

PREFIX = "SUMMARY|"


def summary(metric: str, figure: str, baseline: str, ratio: float | None, target: str, met: bool) -> None:
    ratio_text = "" if ratio is None else f"{ratio:.2f}"
    print(f"{PREFIX}{metric}|{figure}|{baseline}|{ratio_text}|{target}|{'yes' if met else 'no'}")
