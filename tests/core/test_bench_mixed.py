"""Smoke test of ``bench/mixed.py --quick``: it drives the real workload and prints its figures.

Only the shape of the last line and what the workload did are checked, never a timing.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from tests.conftest import PG_ADMIN_URL, USE_PG

ROOT = Path(__file__).resolve().parents[2]


def test_quick_mixed_bench_prints_its_figures() -> None:
    args = [sys.executable, "bench/mixed.py", "--quick"]
    if USE_PG:
        args += ["--database-url", PG_ADMIN_URL]
    env = {k: v for k, v in os.environ.items() if not k.startswith("TONGXIN_")}
    done = subprocess.run(
        args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=180, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    # 6 new and 3 returning residents: all registered, all booked, every reminder answered.
    assert re.search(r"9 registered, 9 bookings, 3 answered 'coming'", done.stdout), done.stdout
    figures = dict(pair.split("=", 1) for pair in done.stdout.strip().splitlines()[-1].split())
    assert figures["db"] == ("postgresql" if USE_PG else "sqlite")
    for key in ("tongxin_per_s", "echo_per_s", "p99_ms", "confirm_statements", "ratio"):
        assert float(figures[key]) > 0, key
    assert {"load200_p99_ms", "load40_backlog_per_s", "flush_p99_ms"} <= set(figures)
