"""Smoke test of ``bench/events.py --quick``: it runs end to end and prints its figures.

Only the shape of the last line and the bench's own correctness check are asserted, never a
timing (see bench/README.md).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import PG_ADMIN_URL, USE_PG

ROOT = Path(__file__).resolve().parents[2]
KEYS = {
    "registrations_per_s", "bookings_per_s", "registrations", "events", "year_events",
    "query_p50_ms", "query_p95_ms", "errors", "correct", "db", "ratio",
}  # fmt: skip


def test_quick_events_bench_prints_its_figures() -> None:
    args = [sys.executable, "bench/events.py", "--quick"]
    if USE_PG:
        args += ["--database-url", PG_ADMIN_URL]
    env = {k: v for k, v in os.environ.items() if not k.startswith("TONGXIN_")}
    done = subprocess.run(
        args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=180, check=False
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "upcoming_events, first page" in done.stdout
    assert "exactly the capacity confirmed per event, the rest waiting" in done.stdout
    figures = dict(pair.split("=", 1) for pair in done.stdout.strip().splitlines()[-1].split())
    assert set(figures) == KEYS
    assert figures["db"] == ("postgresql" if USE_PG else "sqlite")
    assert figures["registrations"] == "200" and figures["events"] == "5"
    assert figures["year_events"] == "150"
    assert figures["errors"] == "0" and figures["correct"] == "yes"
    for key in ("registrations_per_s", "bookings_per_s", "query_p50_ms", "query_p95_ms", "ratio"):
        assert float(figures[key]) > 0, key
    assert float(figures["query_p50_ms"]) <= float(figures["query_p95_ms"])
