"""`tongxin` / `python -m bot`: run, worker, migrate, seed-demo, demo.

Invalid configuration prints one line naming the setting to stderr and exits with code 2.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence

from telegram.error import InvalidToken

from bot.app import build_services, configure_logging
from bot.settings import Settings, SettingsError, load_settings

logger = logging.getLogger(__name__)

EXIT_CONFIG = 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tongxin", description="同心 Tongxin bot. Without a command: run."
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser("run", help="run the bot (TONGXIN_MODE=polling or webhook)")
    commands.add_parser("worker", help="only send outbox messages (scale-out; no updates)")
    commands.add_parser("migrate", help="bring the database schema to the newest revision")
    commands.add_parser("seed-demo", help="load the demo towns, places and people (idempotent)")
    demo = commands.add_parser("demo", help="run the bot against a local Telegram sandbox")
    demo.add_argument("--port", type=int, default=8081, help="sandbox port (default 8081)")
    demo.add_argument(
        "--exit-after", type=float, default=None, metavar="SECONDS", help="stop after SECONDS"
    )
    return parser


async def _run(settings: Settings) -> None:
    from bot.runner import BotRunner

    await BotRunner(settings).run()


async def _migrate(settings: Settings) -> None:
    from bot.migrate import upgrade_to_head

    services = build_services(settings)
    try:
        await upgrade_to_head(services.engine)
    finally:
        await services.engine.dispose()


async def _seed_demo(settings: Settings) -> dict[str, int]:
    from models.demo import seed_places
    from models.demo_people import seed_demo_people

    services = build_services(settings)
    try:
        async with services.sessions() as session, session.begin():
            places = await seed_places(session)
            people = await seed_demo_people(session)
    finally:
        await services.engine.dispose()
    return {"places": len(places), "people": len(people)}


def _echo(text: str) -> None:
    print(text, flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the process exit code."""
    args = _parser().parse_args(argv)
    command = args.command or "run"
    try:
        settings = load_settings()
        configure_logging(settings.log_level)
        if command == "run":
            settings.require_runnable()
            asyncio.run(_run(settings))
        elif command == "worker":
            from bot.worker import run_worker

            asyncio.run(run_worker(settings))
        elif command == "migrate":
            asyncio.run(_migrate(settings))
            _echo("database is up to date / 数据库已是最新")
        elif command == "seed-demo":
            counts = asyncio.run(_seed_demo(settings))
            _echo(f"demo data ready / 演示数据已就绪: {counts['people']} people")
        elif command == "demo":
            from bot.demo import run_demo

            asyncio.run(run_demo(args.port, args.exit_after, _echo))
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        return EXIT_CONFIG
    except InvalidToken:
        print(
            "TONGXIN_BOT_TOKEN: rejected by the Bot API (check it with @BotFather)", file=sys.stderr
        )
        return EXIT_CONFIG
    except KeyboardInterrupt:
        return 130
    return 0
