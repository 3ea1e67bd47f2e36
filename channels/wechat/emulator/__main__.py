"""Run the emulated WeChat for the demo: ``python -m channels.wechat.emulator``.

It reads the bridge's own ``TONGXIN_WECHAT_*`` settings (app id, secret, token, AES key, the
callback path) and posts the users' acts to ``--callback`` (the bridge's callback URL); point
the bridge's ``TONGXIN_WECHAT_API_URL`` at ``--listen``.
"""

from __future__ import annotations

import argparse
import logging

from aiohttp import web

from channels.wechat.emulator.server import Player, build_emulator_app
from channels.wechat.emulator.world import World
from channels.wechat.settings import load_wechat_settings


def main() -> None:
    """Serve the emulator until interrupted."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--listen", default="127.0.0.1:8091", help="host:port to serve on")
    parser.add_argument(
        "--callback", default="http://127.0.0.1:8090/wechat", help="the bridge's callback URL"
    )
    args = parser.parse_args()
    settings = load_wechat_settings()
    settings.require_runnable()
    world = World(app_id=settings.app_id, secret=settings.secret_value())
    player = Player(
        world,
        callback_url=args.callback,
        token=settings.token_value(),
        aes_key=settings.aes_key_value(),
    )
    host, _, port = args.listen.rpartition(":")
    logging.basicConfig(level=logging.INFO)
    web.run_app(build_emulator_app(world, player), host=host, port=int(port))


if __name__ == "__main__":
    main()
