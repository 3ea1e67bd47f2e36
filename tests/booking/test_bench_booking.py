"""Smoke test of ``bench/booking.py --quick``: it runs end to end and prints its figures.

Only the shape of the last line is checked, never a timing (see bench/README.md).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import PG_ADMIN_URL, USE_PG

ROOT = Path(__file__).resolve().parents[2]
KEYS = {
    "query_p50_ms", "query_p95_ms", "index_used", "bookings_per_s", "bare_inserts_per_s",
    "booking_vs_bare_ratio", "venues", "slots", "bookings", "booking_errors", "db", "ratio",
}  # fmt: skip


def test_quick_booking_bench_prints_its_figures() -> None:
    args = [sys.executable, "bench/booking.py", "--quick"]
    if USE_PG:
        args += ["--database-url", PG_ADMIN_URL]
    env = {k: v for k, v in os.environ.items() if not k.startswith("TONGXIN_")}
    done = subprocess.run(
        args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.strip().splitlines()
    assert "open_slots, any centre, next 7 days" in done.stdout
    figures = dict(pair.split("=", 1) for pair in lines[-1].split())
    assert set(figures) == KEYS
    assert figures["db"] == ("postgresql" if USE_PG else "sqlite")
    assert figures["venues"] == "12" and figures["bookings"] == "2000"
    assert int(figures["slots"]) > 1000
    assert figures["booking_errors"] == "0"  # every booking went through the real rules
    assert figures["index_used"] in ("yes", "no")
    for key in ("query_p50_ms", "query_p95_ms", "bookings_per_s", "bare_inserts_per_s", "ratio"):
        assert float(figures[key]) > 0, key
    assert float(figures["query_p50_ms"]) <= float(figures["query_p95_ms"])
