"""The update path under a mixed load: the real Application against a bare PTB echo bot.

Both run in this process on the same in-process sandbox transport (no network), one update at a
time as PTB's update fetcher processes them, with persistence flushing every second as in
production. The workload (bench/_mixed_workload.py) is new residents registering, booking a
canteen meal and looking at "my bookings", interleaved with returning residents answering their
24 h reminder. Reported:

1. Throughput: updates/s of Tongxin and of the echo bot over the same updates, alternating
   ``--rounds`` times (best of each); ratio = Tongxin / echo.
   Also the process's CPU time per update of each (the least of the rounds) and their ratio
   (echo / Tongxin): steadier than the wall clock on a shared or throttled machine.
2. Latency until the first Bot API call of each update: p50 / p99 (ms).
3. SQL statements per update, by step kind (onboarding, menu, booking, booking_confirm, mine,
   reminder_answer) and the persistence flushes' statements and durations.
4. Offered load: updates arrive on a schedule (``--rates``, for ``--seconds`` each) while the
   bot processes them one by one; p99 from scheduled arrival to the first Bot API call, what
   was processed per second, and the backlog growth per second; and the persistence flushes'
   p99 during that load. The offered loads keep about 20 residents mid-flow at once
   (``staggered``), so their flushes are small; the issue's "flush at 200 active users" is the
   throughput rounds' ``flush_p99_ms`` (250 residents round-robin: 400-500 rows a flush).

Last line: key=value pairs. ``--quick`` runs a few residents for a smoke test.

    .venv/bin/python bench/mixed.py [--quick] [--database-url postgresql+asyncpg://…/postgres]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import math
import os
import sys

from _mixed_runs import EchoBot, TongxinBot, offered_load, percentile, throughput
from _receipt_costs import receipt_costs

os.environ.setdefault("PTB_TIMEDELTA", "1")


def _args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--new", type=int, default=200, help="new residents per round")
    parser.add_argument("--returning", type=int, default=50, help="residents answering")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds of each bot")
    parser.add_argument("--rates", default="200,40", help="offered loads, updates/s")
    parser.add_argument("--seconds", type=float, default=60.0, help="each offered load lasts")
    parser.add_argument("--database-url", default=None, help="a PostgreSQL admin URL")
    parser.add_argument("--quick", action="store_true", help="a few residents, short loads")
    args = parser.parse_args(argv)
    if args.quick:
        args.new, args.returning, args.rounds, args.seconds = 6, 3, 1, 1.0
    return args


async def main(argv: list[str]) -> None:
    """Run the rounds and the offered loads; print the figures."""
    args = _args(argv)
    logging.basicConfig(level=logging.WARNING)
    rates = [float(rate) for rate in args.rates.split(",") if rate]
    best_tongxin = best_echo = 0.0
    cpu_tongxin = cpu_echo = math.inf  # CPU seconds per update, the least of the rounds
    latencies: list[float] = []
    statements: dict[str, list[int]] = {}
    flushes: list[float] = []
    db = "sqlite"
    for round_no in range(args.rounds):
        async with TongxinBot(args.database_url, args.new, args.returning, round_no) as bot:
            db = bot.dialect
            rate, lat, cpu = await throughput(bot, bot.workload)
            best_tongxin, cpu_tongxin = max(best_tongxin, rate), min(cpu_tongxin, cpu)
            latencies.extend(lat)
            for kind, counts in bot.statements.items():
                statements.setdefault(kind, []).extend(counts)
            flushes.extend(bot.flush_seconds)
            updates = len(bot.workload)
            people, booked, coming = await bot.outcome()
            echo = EchoBot(bot.workload_texts())
        async with echo:
            echo_rate, _, cpu = await throughput(echo, echo.workload)
            best_echo, cpu_echo = max(best_echo, echo_rate), min(cpu_echo, cpu)
        print(
            f"round {round_no + 1}: tongxin {rate:.0f}/s, echo {echo_rate:.0f}/s ({updates} "
            f"updates; {people} registered, {booked} bookings, {coming} answered 'coming')"
        )
    ratio = best_tongxin / best_echo if best_echo else 0.0
    print(f"throughput: tongxin {best_tongxin:.0f}/s, echo {best_echo:.0f}/s, ratio {ratio:.3f}")
    cpu_ratio = cpu_echo / cpu_tongxin if cpu_tongxin else 0.0
    print(
        f"CPU per update: tongxin {cpu_tongxin * 1000:.2f} ms, echo {cpu_echo * 1000:.2f} ms, "
        f"ratio {cpu_ratio:.3f}"
    )
    p50, p99 = percentile(latencies, 50) * 1000, percentile(latencies, 99) * 1000
    print(f"latency to the first Bot API call: p50 {p50:.1f} ms, p99 {p99:.1f} ms")
    per_kind = {kind: sum(c) / len(c) for kind, c in sorted(statements.items()) if c}
    for kind, mean in per_kind.items():
        print(f"statements per update, {kind}: {mean:.1f}")
    total_statements = sum(sum(c) for c in statements.values())
    counted = sum(len(c) for c in statements.values())
    flush_p99 = percentile(flushes, 99) * 1000 if flushes else 0.0
    print(f"persistence flushes: {len(flushes)}, p99 {flush_p99:.1f} ms")
    qr_ms, qr_auto_ms, ics_ms = receipt_costs()
    print(f"receipt: QR {qr_ms:.2f} ms (segno choosing: {qr_auto_ms:.2f} ms), .ics {ics_ms:.2f} ms")
    loads: dict[str, str] = {}
    for rate in rates:
        async with TongxinBot(args.database_url, 0, 0, 99) as bot:
            result = await offered_load(bot, rate, args.seconds)
            load_flush_p99 = percentile(bot.flush_seconds, 99) * 1000
        print(
            f"offered {rate:.0f}/s for {args.seconds:.0f} s: "
            f"processed {result.processed_rate:.0f}/s, backlog +{result.backlog_growth:.1f}/s, "
            f"p99 from arrival {result.p99 * 1000:.1f} ms; "
            f"{len(bot.flush_seconds)} flushes, p99 {load_flush_p99:.1f} ms"
        )
        key = f"{rate:.0f}"
        loads[f"load{key}_processed_per_s"] = f"{result.processed_rate:.1f}"
        loads[f"load{key}_backlog_per_s"] = f"{result.backlog_growth:.2f}"
        loads[f"load{key}_p99_ms"] = f"{result.p99 * 1000:.1f}"
        loads[f"load{key}_flush_p99_ms"] = f"{load_flush_p99:.1f}"
    figures = {
        "db": db,
        "tongxin_per_s": f"{best_tongxin:.1f}",
        "echo_per_s": f"{best_echo:.1f}",
        "p50_ms": f"{p50:.1f}",
        "p99_ms": f"{p99:.1f}",
        "confirm_statements": f"{per_kind.get('booking_confirm', 0.0):.1f}",
        "statements_per_update": f"{total_statements / max(1, counted):.1f}",
        "flush_p99_ms": f"{flush_p99:.1f}",
        "qr_ms": f"{qr_ms:.2f}",
        "qr_auto_ms": f"{qr_auto_ms:.2f}",
        "ics_ms": f"{ics_ms:.2f}",
        "tongxin_cpu_ms": f"{cpu_tongxin * 1000:.2f}",
        "echo_cpu_ms": f"{cpu_echo * 1000:.2f}",
        "cpu_ratio": f"{cpu_ratio:.3f}",
        **loads,
        "ratio": f"{ratio:.3f}",
    }
    print(" ".join(f"{key}={value}" for key, value in figures.items()))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1:]))
