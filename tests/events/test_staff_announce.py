"""Announcing a published event (📣 on its card) goes through the broadcasts to the event's
audience (everyone, a town, a community) within the author's reach, with the approval rules
broadcasts apply; an organiser who may not send notices, or an event not yet published, is
refused with nothing sent."""

from __future__ import annotations

import pytest
from sqlalchemy import update
from sqlmodel import col, select

from bot.context import Services
from jobs.broadcasts import ProgressBoard
from models.broadcasts import BroadcastStatus
from models.core.authz import Role
from models.core.places import Community
from models.events import Event, EventStatus
from tests.booking.booking_staff_support import LANGS, staff
from tests.broadcasts.broadcast_support import broadcasts, job
from tests.conftest import ADMIN_ID
from tests.events.events_support import make_event, towns
from tests.events.staff_support import inline_data, last, now_of
from tests.factories import make_person
from tests.harness import BotHarness

D_ADMIN_TG, ORGANISER_TG = 9671, 9672
RESIDENTS = {  # Telegram id → (town, community)
    9681: ("D", "d-changjiang"),
    9682: ("D", "d-hongmei"),
    9683: ("Q", "q-xinglong"),
}
NAME = {"zh_CN": "边界联谊会", "en": "Border gathering"}


async def _residents(harness: BotHarness, services: Services, lang: str) -> None:
    for tg, (town, community) in RESIDENTS.items():
        await make_person(
            services.sessions, tg, town_code=town, community_code=community, language=lang
        )
        harness.user(tg)


async def _for(services: Services, event_id: int, kind: str) -> None:
    """Make the event's audience everyone, Q town, or the d-hongmei community."""
    ids = await towns(services.sessions)
    async with services.sessions() as session, session.begin():
        community = (
            await session.execute(select(Community).where(col(Community.code) == "d-hongmei"))
        ).scalar_one()
        audiences: dict[str, dict[str, object]] = {
            "all": {},
            "town": {"audience_town_id": ids["Q"]},
            "community": {"audience_community_id": community.id},
        }
        values = audiences[kind]
        if values:
            await session.execute(update(Event).where(col(Event.id) == event_id).values(**values))


def _got(harness: BotHarness, lang: str) -> set[int]:
    """The residents who received the announcement."""
    return {
        tg
        for tg in RESIDENTS
        if any(
            NAME[lang] in (m.get("text") or m.get("caption") or "")
            for m in harness.state.messages(tg)
        )
    }


@pytest.mark.parametrize(
    ("kind", "reached"),
    [("all", {9681, 9682, 9683}), ("town", {9683}), ("community", {9682})],
)
@pytest.mark.parametrize("lang", ["zh_CN", "en"])
async def test_an_admins_announcement_goes_to_the_events_audience(
    harness: BotHarness, services: Services, kind: str, reached: set[int], lang: str
) -> None:
    t = services.i18n.translator(lang)
    await make_person(services.sessions, ADMIN_ID, name="总管理员", language=lang)
    await _residents(harness, services, lang)
    event_id = await make_event(services.sessions)
    await _for(services, event_id, kind)
    admin = harness.user(ADMIN_ID, language_code=LANGS[lang])

    await admin.send("/eventadmin")
    screen = last(admin)
    await admin.tap(screen, f"evm:e:{event_id}")
    await admin.tap(screen, f"evm:ann:{event_id}")

    [notice] = await broadcasts(services)
    assert notice.status == BroadcastStatus.SCHEDULED.value  # no town asks for approval
    assert (notice.audience_kind, notice.topic) == (kind, "events")
    sent = t.n("events_staff.announce.sent", notice.recipients, recipients=notice.recipients)
    assert now_of(admin, screen)["text"].startswith(sent)
    assert NAME[lang] in notice.text
    await job(harness, ProgressBoard())
    await harness.drain_outbox()
    assert _got(harness, lang) == reached


async def test_a_town_admins_announcement_stays_within_their_town(
    harness: BotHarness, services: Services
) -> None:
    await staff(services, D_ADMIN_TG, Role.ADMIN, "D", name="管理员老张")
    await _residents(harness, services, "zh_CN")
    event_id = await make_event(services.sessions)  # for everyone, co-hosted by Q town
    admin = harness.user(D_ADMIN_TG)
    await admin.send("/eventadmin")
    await admin.forge_tap(f"evm:ann:{event_id}")
    await job(harness, ProgressBoard())
    await harness.drain_outbox()
    assert _got(harness, "zh_CN") == {9681, 9682}  # Q town's admins announce to Q town


async def test_an_announcement_in_a_town_that_asks_approval_waits_for_it(
    harness: BotHarness, services: Services
) -> None:
    services.settings.broadcast_approval_towns = ["D"]
    await staff(services, D_ADMIN_TG, Role.ADMIN, "D", name="管理员老张")
    await _residents(harness, services, "zh_CN")
    event_id = await make_event(services.sessions)
    admin = harness.user(D_ADMIN_TG)
    await admin.send("/eventadmin")
    await admin.forge_tap(f"evm:ann:{event_id}")
    [notice] = await broadcasts(services)
    assert notice.status == BroadcastStatus.PENDING_APPROVAL.value
    await job(harness, ProgressBoard())
    await harness.drain_outbox()
    assert _got(harness, "zh_CN") == set()  # nothing goes before a second person approves


async def test_an_organiser_who_may_not_send_notices_or_a_draft_is_refused(
    harness: BotHarness, services: Services
) -> None:
    t = services.i18n.translator("zh_CN")
    await staff(services, ORGANISER_TG, Role.ORGANISER, "D", name="组织者老王")
    await _residents(harness, services, "zh_CN")
    event_id = await make_event(services.sessions)
    draft_id = await make_event(services.sessions, code="draft")
    async with services.sessions() as session, session.begin():
        await session.execute(
            update(Event).where(col(Event.id) == draft_id).values(status=EventStatus.DRAFT.value)
        )
    user = harness.user(ORGANISER_TG)
    await user.send("/eventadmin")
    screen = last(user)
    await user.tap(screen, f"evm:e:{event_id}")
    assert f"evm:ann:{event_id}" in inline_data(now_of(user, screen))

    await user.tap(screen, f"evm:ann:{event_id}")  # an organiser only: no notices
    answer = user.state.callback_answers(ORGANISER_TG)[-1]
    assert answer["show_alert"] and answer["text"] == t("error.not_allowed")
    await user.forge_tap(f"evm:ann:{draft_id}")  # not published yet
    answer = user.state.callback_answers(ORGANISER_TG)[-1]
    assert answer["show_alert"] and answer["text"] == t("events.error.closed")
    assert await broadcasts(services) == []
