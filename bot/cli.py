"""`tongxin` / `python -m bot`: run, worker, wechat, migrate, seed-demo, demo, import, export.

Invalid configuration prints one line naming the setting to stderr and exits with code 2.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import logging
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from telegram.error import InvalidToken

from bot.app import build_services
from bot.logs import configure_logging
from bot.settings import Settings, SettingsError, load_settings
from channels.wechat.settings import WechatSettingsError, load_wechat_settings

logger = logging.getLogger(__name__)

EXIT_CONFIG = 2
EXIT_REJECTED = 1
EXIT_NO_DEMO = 1
NO_DEMO = (
    "tongxin demo: the demo is not part of this installation (the production image has no "
    "sandbox package); run it from a source checkout with `make demo`"
)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tongxin", description="同心 Tongxin bot. Without a command: run."
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser("run", help="run the bot (TONGXIN_MODE=polling or webhook)")
    commands.add_parser("worker", help="only send outbox messages (scale-out; no updates)")
    commands.add_parser(
        "wechat", help="serve the WeChat Official Account callback (TONGXIN_WECHAT_*)"
    )
    commands.add_parser("migrate", help="bring the database schema to the newest revision")
    commands.add_parser("seed-demo", help="load the demo towns, places and people (idempotent)")
    demo = commands.add_parser("demo", help="run the bot against a local Telegram sandbox")
    demo.add_argument("--port", type=int, default=8081, help="sandbox port (default 8081)")
    demo.add_argument(
        "--exit-after", type=float, default=None, metavar="SECONDS", help="stop after SECONDS"
    )
    importing = commands.add_parser(
        "import",
        help="import venues, slots, events or roster CSV: every row, or nothing if any row is bad",
    )
    importing.add_argument("file", type=Path, help="CSV file, UTF-8 (Excel's BOM is fine)")
    importing.add_argument(
        "--kind",
        choices=("venues", "slots", "events", "roster"),
        help="default: told by the header (events-only columns: events; home_town: roster; "
        "starts_at: slots)",
    )
    exporting = commands.add_parser(
        "export", help="write the venues, slots, events, registrations or roster as CSV"
    )
    exporting.add_argument("kind", choices=("venues", "slots", "events", "registrations", "roster"))
    exporting.add_argument("file", type=Path, nargs="?", help="default: standard output")
    exporting.add_argument("--from", dest="first", type=date.fromisoformat, metavar="DATE")
    exporting.add_argument("--to", dest="last", type=date.fromisoformat, metavar="DATE")
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
    from models.demo import seed_demo_people, seed_places

    services = build_services(settings)
    try:
        async with services.sessions() as session, session.begin():
            places = await seed_places(session)
            people = await seed_demo_people(session)
    finally:
        await services.engine.dispose()
    return {"places": len(places), "people": len(people)}


async def _import(settings: Settings, text: str, kind: str | None) -> str:
    from models.booking import import_catalogue
    from models.events import import_events, is_events_file
    from models.governance import import_roster, is_roster_file

    services = build_services(settings)
    try:
        async with services.sessions() as session, session.begin():
            if kind == "roster" or (kind is None and is_roster_file(text)):
                report = await import_roster(session, text=text)
            elif kind == "events" or (kind is None and is_events_file(text)):
                report = await import_events(session, text=text, tz=settings.tz)
            else:
                report = await import_catalogue(session, text=text, kind=kind, tz=settings.tz)
    finally:
        await services.engine.dispose()
    return report.summary()


async def _export(settings: Settings, kind: str, first: date | None, last: date | None) -> str:
    from models.booking import export_catalogue
    from models.events import export_events, export_registrations
    from models.governance import export_roster

    services = build_services(settings)
    try:
        async with services.sessions() as session:
            if kind == "roster":
                return await export_roster(session)
            if kind in ("events", "registrations"):
                export = export_events if kind == "events" else export_registrations
                return await export(session, first=first, last=last, tz=settings.tz)
            return await export_catalogue(
                session, kind=kind, first=first, last=last, tz=settings.tz
            )
    finally:
        await services.engine.dispose()


def _import_file(settings: Settings, path: Path, kind: str | None) -> int:
    from models.booking import CatalogueRejected

    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"{path}: cannot read it as UTF-8 text ({exc})", file=sys.stderr)
        return EXIT_REJECTED
    try:
        _echo(asyncio.run(_import(settings, text, kind)))
    except CatalogueRejected as rejected:
        for error in rejected.errors:
            print(f"{path}: {error}", file=sys.stderr)
        count = len(rejected.errors)
        print(f"{path}: nothing imported ({count} problem(s) to fix)", file=sys.stderr)
        return EXIT_REJECTED
    return 0


def _export_file(settings: Settings, args: argparse.Namespace) -> int:
    text = asyncio.run(_export(settings, args.kind, args.first, args.last))
    if args.file is None:
        sys.stdout.write(text)
        return 0
    # A BOM lets Excel show the Chinese text; the importer accepts it.
    args.file.write_text(text, encoding="utf-8-sig")
    print(f"{args.kind} written to {args.file}", file=sys.stderr)
    return 0


def _demo(args: argparse.Namespace) -> int:
    """Run the demo; without the sandbox package (production image) say so in one line."""
    if importlib.util.find_spec("sandbox") is None:
        print(NO_DEMO, file=sys.stderr)
        return EXIT_NO_DEMO
    from bot.demo import run_demo  # the only place bot imports sandbox (through bot.demo)

    asyncio.run(run_demo(args.port, args.exit_after, _echo))
    return 0


def _wechat(settings: Settings) -> None:
    from bot.wechat import run_wechat

    wechat = load_wechat_settings()
    configure_logging(settings, also=wechat.secrets())
    wechat.require_runnable()
    asyncio.run(run_wechat(settings, wechat))


def _echo(text: str) -> None:
    print(text, flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the process exit code."""
    args = _parser().parse_args(argv)
    command = args.command or "run"
    try:
        settings = load_settings()
        configure_logging(settings)
        if command == "run":
            settings.require_runnable()
            asyncio.run(_run(settings))
        elif command == "worker":
            from bot.worker import run_worker

            asyncio.run(run_worker(settings))
        elif command == "wechat":
            _wechat(settings)
        elif command == "migrate":
            asyncio.run(_migrate(settings))
            _echo("database is up to date / 数据库已是最新")
        elif command == "seed-demo":
            counts = asyncio.run(_seed_demo(settings))
            _echo(f"demo data ready / 演示数据已就绪: {counts['people']} people")
        elif command == "demo":
            return _demo(args)
        elif command == "import":
            return _import_file(settings, args.file, args.kind)
        elif command == "export":
            return _export_file(settings, args)
    except (SettingsError, WechatSettingsError) as exc:
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
