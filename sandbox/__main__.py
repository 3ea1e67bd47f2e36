"""``python -m sandbox``: run the Telegram Bot API emulator until interrupted."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal

from sandbox.server import start_sandbox, stop_sandbox
from sandbox.state import SandboxState


async def _serve(host: str, port: int, timeout_seconds: float, allowed_hosts: list[str]) -> None:
    state, runner, bound = await start_sandbox(
        host, port, SandboxState(timeout_seconds), allowed_hosts
    )
    base = f"http://{host}:{bound}"
    print(f"Telegram sandbox running: base_url={base}/bot base_file_url={base}/file/bot")  # noqa: T201
    json_type = "-H 'Content-Type: application/json'"
    print(f"Control API: {base}/control (e.g. curl -XPOST {base}/control/users {json_type} -d ...)")  # noqa: T201
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        await stop_sandbox(state, runner)


def main(argv: list[str] | None = None) -> int:
    """Parse arguments and run the sandbox server."""
    parser = argparse.ArgumentParser(prog="python -m sandbox", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--timeout-seconds", type=float, default=30.0)
    parser.add_argument(
        "--allow-host",
        action="append",
        default=[],
        metavar="NAME[:PORT]",
        help="also answer to this Host header, exactly as written (a reverse proxy's or a port "
        "mapping's name); loopback names and --host on the bound port always work",
    )
    parser.add_argument("--log-level", default="INFO")
    args = parser.parse_args(argv)
    logging.basicConfig(level=args.log_level.upper())
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(args.host, args.port, args.timeout_seconds, args.allow_host))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
