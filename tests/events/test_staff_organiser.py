"""The volunteer-organiser, through the real Application in both languages: a town admin
invites a volunteer as 活动组织者 (/invite); before that the volunteer is refused politely;
after it they create, publish, announce (a broadcast, with the approval rules broadcasts
apply) and change an event of their own town, and another town's event named in forged
callback data is refused with nothing changed."""

from __future__ import annotations

import pytest

from bot.context import Services
from jobs.broadcasts import ProgressBoard
from models.broadcasts import BroadcastStatus
from models.core.authz import Role
from models.events import Event, EventStatus
from tests.booking.booking_staff_support import LANGS, staff
from tests.broadcasts.broadcast_support import broadcasts, job
from tests.events.events_support import make_event, towns
from tests.events.staff_support import (
    event_of,
    events,
    inline_data,
    last,
    names_of_towns,
    now_of,
)
from tests.factories import make_person
from tests.harness import BotHarness, SimUser
from tests.roles.test_roles_flow import code_in

ADMIN_TG, VOLUNTEER_TG, RESIDENT_TG, Q_RESIDENT_TG = 9661, 9662, 9663, 9664
NAME = "邻里茶话会"


async def _create(user: SimUser, services: Services, lang: str) -> Event:
    """The creation conversation, shortest path: one language, no poster, no question."""
    t = services.i18n.translator(lang)
    before = len(await events(services))
    town = (await names_of_towns(services, lang))[(await towns(services.sessions))["D"]]
    await user.send("/eventadmin")
    await user.tap(last(user), "evm:new")
    await user.choose(t("events_staff.opt.zh_only"))
    await user.send(NAME)
    await user.send("一起喝茶聊天")
    await user.choose(t("events_staff.opt.no_poster"))
    hosts = [b for b in user.buttons() if b[0].isdigit()]
    assert hosts == ["1. " + town], "an organiser hosts in their own town only"
    await user.choose(town)
    await user.choose(t("events_staff.opt.no_cohost"))
    await user.choose(t("events_staff.opt.other_place"))
    await user.send("长江新村活动室")
    await user.send("小区东门进")
    await user.send("后天")
    await user.send("9:30")
    await user.send("11:00")
    await user.send("30")
    await user.choose(t("events_staff.opt.no_limit"))
    await user.choose(t("events_staff.opt.no_limit"))
    await user.choose(t("events_staff.opt.none_held"))
    await user.choose(t("events_staff.opt.until_start"))
    await user.choose(t("events_staff.opt.everyone"))
    await user.choose("1. " + t("topic.events"))
    await user.choose(t.n("events_staff.opt.party", 0, n=0))
    await user.choose(t("events_staff.opt.no_question"))
    await user.choose(t("events_staff.opt.publish"))
    (event,) = (await events(services))[before:]
    return event


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
async def test_an_invited_volunteer_organises_events_of_their_town(
    harness: BotHarness, services: Services, lang: str
) -> None:
    services.settings.broadcast_approval_towns = ["D"]  # D town's notices need a second person
    t = services.i18n.translator(lang)
    await staff(services, ADMIN_TG, Role.ADMIN, "D", name="管理员老张")
    await staff(services, VOLUNTEER_TG, Role.VOLUNTEER, "D", name="志愿者小李", language=lang)
    await make_person(services.sessions, RESIDENT_TG, name="王阿姨")
    await make_person(
        services.sessions, Q_RESIDENT_TG, town_code="Q", community_code="q-xinglong", name="周叔"
    )
    q_event = await make_event(services.sessions, code="q-town")
    async with services.sessions() as session, session.begin():  # Q town's alone
        row = await session.get(Event, q_event)
        assert row is not None
        ids = await towns(services.sessions)
        row.host_town_id, row.cohost_town_id = ids["Q"], None
    admin = harness.user(ADMIN_TG)
    volunteer = harness.user(VOLUNTEER_TG, language_code=LANGS[lang])
    resident, q_resident = harness.user(RESIDENT_TG), harness.user(Q_RESIDENT_TG)

    await volunteer.send("/eventadmin")  # a plain volunteer: refused politely
    assert volunteer.last_text() == t("error.not_allowed")
    await volunteer.forge_tap("evm:new")
    assert volunteer.state.callback_answers(VOLUNTEER_TG)[-1]["text"] == t("error.not_allowed")

    await admin.send("/invite")
    await admin.tap(last(admin), "inv:role:organiser")  # a town admin: their own town
    await volunteer.send(f"/start inv_{code_in(admin.last_text())}")

    event = await _create(volunteer, services, lang)
    assert (event.host_town_id, event.status) == (ids["D"], EventStatus.PUBLISHED.value)
    card = last(volunteer)
    assert f"evm:ann:{event.id}" in inline_data(card)

    await volunteer.tap(card, f"evm:ann:{event.id}")  # a volunteer may send notices
    [notice] = await broadcasts(services)
    assert notice.status == BroadcastStatus.PENDING_APPROVAL.value
    assert NAME in notice.text and notice.author_id is not None
    shown = now_of(volunteer, card)["text"]
    assert shown.startswith(
        t.n("events_staff.announce.pending", notice.recipients, recipients=notice.recipients)
    )
    await harness.drain_outbox()
    assert NAME in (admin.state.last_message(ADMIN_TG) or {}).get("text", "")
    await admin.send("1")  # the D admin approves
    await job(harness, ProgressBoard())
    await harness.drain_outbox()
    got = [m.get("text") or m.get("caption") or "" for m in resident.state.messages(RESIDENT_TG)]
    assert any(NAME in text for text in got), got
    assert q_resident.state.messages(Q_RESIDENT_TG) == []  # beyond a volunteer's town

    await volunteer.tap(card, f"evm:ed:{event.id}")  # managing it: the capacity
    await volunteer.tap(card, f"evm:f:{event.id}:capacity")
    await volunteer.send("25")
    assert (await event_of(services, event.id or 0)).capacity == 25

    before = (await event_of(services, q_event)).model_dump()
    for data in (f"evm:e:{q_event}", f"evm:xx:{q_event}", f"evm:f:{q_event}:capacity",
                 f"evm:ann:{q_event}", f"evm:qt:{q_event}:{ids['Q']}"):  # fmt: skip
        await volunteer.forge_tap(data)
        answer = volunteer.state.callback_answers(VOLUNTEER_TG)[-1]
        assert answer["show_alert"] and answer["text"] == t("error.not_allowed"), data
    await volunteer.send("20")  # no question waits: nothing changes
    assert (await event_of(services, q_event)).model_dump() == before
    assert len(await broadcasts(services)) == 1
