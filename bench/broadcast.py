"""Broadcast throughput: N recipients through the sandbox over HTTP, Telegram's limits ON.

The outbox pump (the real one, as in `tongxin worker`) sends one notice to each recipient at
the configured rate (default 25/s). The sandbox runs in its own process and refuses, with a
429, anything above Telegram's limits (30/s overall, 1/s per private chat, 20/min per group).

Prints the achieved rate / configured rate (target >= 0.95), the 429s (target 0) and the
pump process's CPU time per message. Last line: key=value pairs.

    .venv/bin/python bench/broadcast.py [--recipients 10000] [--rate 25]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import time

import aiohttp
from _common import add_people, bench_services, sandbox_process

from jobs.outbox import OutboxPump
from models.broadcasts import NOTICE_MSGID
from models.core.outbox import OutboxKind, OutboxStatus, enqueue, message_payload

NOTICE = "本周六上午九点，D镇和Q镇在边界广场联合举办义诊，欢迎参加。"


async def _setup_sandbox(session: aiohttp.ClientSession, base: str, ids: list[int]) -> None:
    semaphore = asyncio.Semaphore(32)

    async def register(uid: int) -> None:
        async with semaphore, session.post(f"{base}/control/users", json={"user_id": uid}) as r:
            r.raise_for_status()

    await asyncio.gather(*(register(uid) for uid in ids))
    async with session.post(f"{base}/control/limits", json={"enabled": True}) as r:
        r.raise_for_status()


async def main(recipients: int, rate: float) -> None:
    """Run the benchmark and print its figures."""
    ids = list(range(100_001, 100_001 + recipients))
    async with sandbox_process() as base, aiohttp.ClientSession() as http:
        await _setup_sandbox(http, base, ids)
        async with bench_services(f"{base}/bot", outbox_rate=rate) as services:
            people = await add_people(services, ids)
            async with services.sessions() as session, session.begin():
                for uid in ids:
                    await enqueue(
                        session, chat_id=uid, person_id=people[uid], kind=OutboxKind.BROADCAST,
                        payload=message_payload(NOTICE_MSGID, text=NOTICE),
                        dedupe_key=f"bench:{uid}",
                    )  # fmt: skip
            pump = OutboxPump(services)
            cpu0, wall0 = time.process_time(), time.monotonic()
            await pump.drain(quiet=False)
            wall, cpu = time.monotonic() - wall0, time.process_time() - cpu0
            await pump.close()
            sent = int(
                services.metrics.outbox_sends.labels(result=OutboxStatus.SENT.value)._value.get()
            )
        async with http.get(f"{base}/control/stats") as r:
            stats = await r.json()
    http_429 = int(stats["status"].get("429", 0))
    achieved = sent / wall
    print(f"recipients={recipients} sent={sent} in {wall:.1f} s; configured {rate:g}/s")
    print(f"achieved {achieved:.2f} msg/s; sandbox answered {http_429} x 429")
    print(f"pump CPU {cpu:.1f} s = {1000 * cpu / max(sent, 1):.2f} ms per message")
    ratio = achieved / rate
    print(
        f"recipients={recipients} sent={sent} rate={rate:g} achieved={achieved:.2f} "
        f"rate_ratio={ratio:.3f} http_429={http_429} "
        f"cpu_ms_per_msg={1000 * cpu / max(sent, 1):.2f} ratio={ratio:.3f}"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--recipients", type=int, default=10_000)
    parser.add_argument("--rate", type=float, default=25.0)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    asyncio.run(main(args.recipients, args.rate))
