"""Crawl /mycases (the reporter's list and case screens: view, relay, withdraw, chase) by
pressing every offered button (and typing on the relay screen), from a fresh start each time
with the cases put back as they were: every screen answers, ends with ⬅️ and 🏠, holds at most
the layout's choices, and answers a sticker without changing the screen or the cases. Leaving
always lands on the main menu. The follow-up's answers and ✏️ reply under a mediator's message
are tapped too."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlmodel import col
from telegram.ext import ConversationHandler

from bot.context import Services
from handlers.disputes.reporter.mine import RELAY as RELAY_STATE
from handlers.kit import ELDER_CHOICES, MAX_CHOICES, conversation_state
from models.core.base import utcnow
from models.disputes import (
    CASE,
    CaseStatus,
    Category,
    DisputeCase,
    Parties,
    RelayMessage,
    Report,
    accept_case,
    record_outcome,
    relay_to_reporter,
    report_case,
    send_followups,
    withdraw_case,
)
from tests.disputes.disputes_support import Cast, file_report, person_and_scopes
from tests.disputes.mediator_support import with_button
from tests.disputes.report_support import cast_in_chats, tr
from tests.harness import BotHarness, SimUser

TG = 7001  # 李大爷 (d_res)
CAP = 1  # expansions of one screen (state and buttons)
MAX_TAPS = 3000
KEPT = (
    "status", "closed_at", "chase_used_at", "escalation_level", "realerted_at",
    "head_alerted_at", "admins_alerted_at", "last_update_at", "followup_answered_at", "solved",
    "rating", "accepted_at",
)  # fmt: skip


async def _cases(services: Services, cast: Cast) -> dict[str, int]:
    """李大爷's cases in every status a reporter meets: new, accepted, resolved (follow-up
    asked), withdrawn, and one a proxy reported that waits for his yes."""
    ids = {}
    for key in ("new", "accepted", "resolved", "withdrawn"):
        ids[key] = (await file_report(services, cast.ids["d_res"], description=key)).case_id
    async with services.sessions() as session, session.begin():
        med, scopes = await person_and_scopes(session, cast.ids["d_med"])
        res, res_scopes = await person_and_scopes(session, cast.ids["d_res"])
        proxy, _ = await person_and_scopes(session, cast.ids["d_res2"])
        for key in ("accepted", "resolved"):
            await accept_case(session, person=med, scopes=scopes, case_id=ids[key])
        await record_outcome(session, person=med, scopes=scopes, case_id=ids["resolved"],
                             outcome="噪音", agreed_terms="十点后不拖椅子")  # fmt: skip
        await withdraw_case(session, person=res, scopes=res_scopes, case_id=ids["withdrawn"])
        await relay_to_reporter(session, person=med, scopes=scopes, case_id=ids["accepted"],
                                kind="text", text="您好，我是调解员")  # fmt: skip
        waiting = Report(Category.FAMILY, Parties.SAME_COMMUNITY, description="代报")
        receipt = await report_case(session, person=proxy, report=waiting, resident=res)
        ids["awaiting"] = receipt.case_id
    async with services.sessions() as session, session.begin():
        assert await send_followups(session, utcnow() + timedelta(days=8)) == 1
    return ids


class Crawler:
    """Walks /mycases as 李大爷, checking every screen."""

    def __init__(self, harness: BotHarness, services: Services, user: SimUser) -> None:
        self.harness, self.services, self.user = harness, services, user
        self.t = tr(services, "zh_CN")
        assert harness.app is not None
        [self.flow] = [
            h
            for h in harness.app.handlers[0]
            if isinstance(h, ConversationHandler) and h.name == "disputes_mine"
        ]
        self.expanded: Counter[Any] = Counter()
        self.states: Counter[Any] = Counter()
        self.taps = 0
        self.kept: dict[int, dict[str, Any]] = {}

    def state(self) -> Any:
        return conversation_state(self.flow, TG, TG)

    async def keep(self) -> None:
        """Remember the cases as they are, to put them back before every replay."""
        async with self.services.sessions() as session:
            for case in (await session.execute(select(DisputeCase))).scalars():
                self.kept[case.id or 0] = {k: getattr(case, k) for k in KEPT}

    async def restore(self) -> None:
        async with self.services.sessions() as session, session.begin():
            for cid, values in self.kept.items():
                await session.execute(
                    update(DisputeCase).where(col(DisputeCase.id) == cid).values(**values)
                )

    async def data(self) -> tuple[Any, ...]:
        """What a screen's answer could change: the cases' columns and the relay messages."""
        async with self.services.sessions() as session:
            cases = (await session.execute(select(DisputeCase))).scalars().all()
            relays = (
                await session.execute(select(func.count()).select_from(RelayMessage))
            ).scalar()
            return (tuple(tuple(getattr(c, k) for k in KEPT) for c in cases), relays)

    def on_main_menu(self) -> bool:
        labels = self.user.buttons()
        return bool(labels) and labels[0] == "1. " + self.t("menu.book")

    async def act(self, kind: str, value: str) -> None:
        self.taps += 1
        assert self.taps < MAX_TAPS, "the crawl does not end"
        replies = await (self.user.press(value) if kind == "press" else self.user.send(value))
        assert replies, f"no answer to {value!r} (a dead end)"
        if self.state() is None:  # left the flow: always for the main menu
            assert self.on_main_menu(), (value, self.user.last_text(), self.user.buttons())

    async def replay(self, path: list[tuple[str, str]]) -> None:
        await self.restore()
        await self.user.send("/mycases")
        for kind, value in path:
            await self.act(kind, value)

    async def check_screen(self) -> None:
        keyboard = self.user.keyboard()
        assert keyboard[-1] == [self.t("nav.back"), self.t("nav.home")], keyboard
        assert len(keyboard) - 1 <= max(ELDER_CHOICES, MAX_CHOICES), keyboard
        state, text, before = self.state(), self.user.last_text(), await self.data()
        replies = await self.user.sticker()
        assert replies, f"no answer to a sticker on {text!r}"
        assert self.state() == state and await self.data() == before, text
        assert self.user.keyboard()[-1] == [self.t("nav.back"), self.t("nav.home")]

    async def crawl(self, path: list[tuple[str, str]]) -> None:
        state = self.state()
        if state is None:
            return
        self.states[state] += 1
        here = (state, tuple(self.user.buttons()))
        self.expanded[here] += 1
        if self.expanded[here] > CAP:
            return
        await self.check_screen()
        labels = [b for row in self.user.keyboard() for b in row]
        typed = ["今晚又吵了"] if state == RELAY_STATE else []
        actions = [("press", b) for b in labels] + [("send", v) for v in typed]
        for action in actions:
            await self.replay(path)
            await self.act(*action)
            await self.crawl([*path, action])


async def test_crawl_mycases_has_no_dead_ends(harness: BotHarness, services: Services) -> None:
    cast, _users = await cast_in_chats(harness)
    await _cases(services, cast)
    crawler = Crawler(harness, services, harness.user(TG))
    await crawler.keep()
    await crawler.user.send("/mycases")
    await crawler.crawl([])
    assert len(crawler.states) == 4, crawler.states  # list, case, relay, withdraw
    # ✏️ reply under the mediator's message opens the same relay screen.
    await crawler.restore()
    await harness.drain_outbox()
    reply = CASE.data("reply", (await _case_ids(services))["accepted"])
    await crawler.user.tap(with_button(harness, TG, reply), reply)
    assert crawler.state() == RELAY_STATE
    await crawler.check_screen()


async def _case_ids(services: Services) -> dict[str, int]:
    async with services.sessions() as session:
        rows = (await session.execute(select(DisputeCase))).scalars().all()
    return {c.description or "awaiting": c.id or 0 for c in rows}


async def test_followup_answers_lead_to_the_main_menu_once(
    harness: BotHarness, services: Services
) -> None:
    cast, users = await cast_in_chats(harness)
    ids = await _cases(services, cast)
    user, t = users["d_res"], tr(services, "zh_CN")
    crawler = Crawler(harness, services, user)
    await crawler.keep()
    await harness.drain_outbox()
    cid = ids["resolved"]
    first = CASE.data("solved", cid)
    for data in (first, CASE.data("star", cid, 4), CASE.data("unsolved", cid)):
        await crawler.restore()
        if data == first:  # the real button; then the others, as the same message holds them
            await user.tap(with_button(harness, TG, first), first)
        else:
            await user.forge_tap(data)
        assert crawler.on_main_menu(), (data, user.last_text())
        before = await crawler.data()
        assert await user.sticker()  # answered (the main menu's "not understood")
        assert await crawler.data() == before
        await user.forge_tap(data)  # answered already: a second tap changes nothing
        assert await crawler.data() == before, data
        answer = harness.state.callback_answers(user.id)[-1]
        assert answer["text"] == t("disputes.error.followup_closed"), data
    async with services.sessions() as session:
        case = await session.get(DisputeCase, cid)
    assert case is not None and case.status == CaseStatus.IN_MEDIATION.value  # the last: reopened
    assert t("report.followup.reopened") in "\n".join(
        str(m.get("text")) for m in harness.state.messages(TG)[-4:]
    )
