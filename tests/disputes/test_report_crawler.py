"""Crawl the reporting flow from /report by tapping every offered button (and typing on the
screens that take words): every screen answers (no dead end), ends with ⬅️ and 🏠 (the receipt
returns to the main menu), holds at most the layout's choices, and answers a sticker without
changing the draft or the cases."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from sqlalchemy import delete, func, select
from telegram.ext import ConversationHandler

from bot.context import Services
from bot.settings import Settings
from handlers.disputes.reporter.draft import DESCRIBE, PHONE
from handlers.kit import ELDER_CHOICES, conversation_state
from models.disputes import DisputeCase
from tests.conftest import make_settings
from tests.disputes.disputes_support import PHONES
from tests.disputes.report_support import cast_in_chats, tr
from tests.harness import BotHarness, SimUser

TG = 7001
TYPED = {DESCRIBE: ["邻居装修太吵"], PHONE: [PHONES["d_res2"], "12345"]}
CAP = 1  # expansions of one screen (state, buttons, proxy or not)
MAX_TAPS = 6000


@pytest.fixture
def settings(database_url: str) -> Settings:
    """The crawl replays the phone screen often: the hourly lookup limit (booking's tests) would
    stop it, so it gets a generous one."""
    return make_settings(database_url).model_copy(update={"proxy_lookups_per_hour": 1000})


class Crawler:
    """Walks the reporting flow as one resident, checking every screen."""

    def __init__(self, harness: BotHarness, services: Services, user: SimUser) -> None:
        self.harness, self.services, self.user = harness, services, user
        self.t = tr(services, "zh_CN")
        assert harness.app is not None
        [self.flow] = [
            h
            for h in harness.app.handlers[0]
            if isinstance(h, ConversationHandler) and h.name == "disputes_report"
        ]
        self.expanded: Counter[Any] = Counter()
        self.states: Counter[Any] = Counter()
        self.taps = 0
        self.filed = 0

    def state(self) -> Any:
        return conversation_state(self.flow, TG, TG)

    def draft(self) -> dict[str, Any]:
        assert self.harness.app is not None
        return dict(self.harness.app.user_data[TG].get("draft", {}))

    async def count(self) -> int:
        async with self.services.sessions() as session:
            return int(
                (await session.execute(select(func.count()).select_from(DisputeCase))).scalar() or 0
            )

    async def act(self, kind: str, value: str) -> None:
        self.taps += 1
        assert self.taps < MAX_TAPS, "the crawl does not end"
        replies = await (self.user.press(value) if kind == "press" else self.user.send(value))
        assert replies, f"no answer to {value!r} (a dead end)"
        if self.state() is None:
            labels = self.user.buttons()
            assert labels and labels[0] == "1. " + self.t("menu.book"), (value, labels)
            if await self.count():
                self.filed += 1
                async with self.services.sessions() as session, session.begin():
                    await session.execute(delete(DisputeCase))

    async def replay(self, path: list[tuple[str, str]]) -> None:
        await self.user.send("/report")
        for kind, value in path:
            await self.act(kind, value)

    async def check_screen(self) -> None:
        keyboard = self.user.keyboard()
        assert keyboard[-1] == [self.t("nav.back"), self.t("nav.home")], keyboard
        choices = [row for row in keyboard[:-1]]
        assert len(choices) <= ELDER_CHOICES and all(len(r) == 1 for r in choices), keyboard
        before, cases = self.draft(), await self.count()
        await self.user.sticker()
        assert self.state() is not None and self.draft() == before and await self.count() == cases

    async def crawl(self, path: list[tuple[str, str]]) -> None:
        state = self.state()
        if state is None:
            return
        self.states[state] += 1
        draft = self.draft()
        here = (state, tuple(self.user.buttons()), bool(draft.get("proxy")), draft.get("parties"))
        self.expanded[here] += 1
        if self.expanded[here] > CAP:
            return
        await self.check_screen()
        labels = [b for row in self.user.keyboard() for b in row]
        actions = [("press", b) for b in labels] + [("send", v) for v in TYPED.get(state, [])]
        for action in actions:
            await self.replay(path)
            await self.act(*action)
            await self.crawl([*path, action])


async def test_crawl_reporting_has_no_dead_ends(harness: BotHarness, services: Services) -> None:
    await cast_in_chats(harness)
    crawler = Crawler(harness, services, harness.user(TG))
    await crawler.user.send("/report")
    await crawler.crawl([])
    assert crawler.filed >= 1, (crawler.states, crawler.taps)
    assert len(crawler.states) >= 9, crawler.states  # every screen but "report or my cases?"
