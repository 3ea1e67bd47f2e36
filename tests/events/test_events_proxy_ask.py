"""A family member registers a resident without standing consent: the resident is asked once
(1 yes this time / 2 yes, and from now on / 3 no), through the real Application; the request
holds no places, lapses unanswered, can be withdrawn, and only the resident may answer it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import col, select

from bot.context import Services
from jobs.events import tick_once
from models.booking import ProxyConsent
from models.core.base import utcnow
from models.core.outbox import OutboxMessage
from models.core.people import find_person
from models.core.questions import record_question
from models.events import (
    PROXY_QUESTION,
    Event,
    NotYourRegistration,
    ProxyRequest,
    RequestLapsed,
    answer_proxy_request,
    withdraw_request,
)
from tests.events.resident_support import (
    NAME,
    event,
    register_tg,
    registrations,
    resident,
    texts,
    tr,
)
from tests.harness import BotHarness, SimUser

PHONE = "13955558888"
WHO, PROXY, STRANGER = 7601, 7602, 7603
CUT = "\x01"  # where a rendered text is cut to compare its fixed start


def start(t: Any, msgid: str, **params: Any) -> str:
    """The text of ``msgid`` up to its first parameter given as ``CUT`` (times, names…)."""
    return str(t(msgid, **params)).split(CUT)[0]


async def _people(
    harness: BotHarness, services: Services, rlang: str, plang: str
) -> tuple[SimUser, SimUser]:
    who = await resident(harness, services, WHO, rlang, name="王阿姨", phone=PHONE)
    proxy = await resident(harness, services, PROXY, plang, name="小王")
    return who, proxy


async def _ask(proxy: SimUser, services: Services, plang: str) -> list[Any]:
    """The proxy registers the resident for the event named NAME, one person."""
    t = tr(services, plang)
    await proxy.choose(t("menu.events"))
    await proxy.choose(NAME[plang])
    await proxy.choose(t("events_resident.action.proxy"))
    await proxy.send(PHONE)
    await proxy.choose(t("events_resident.resident.yes"))
    await proxy.choose(t("events_resident.party.one"))
    return await proxy.choose(t("events_resident.confirm.yes"))


async def _requests(services: Services) -> list[ProxyRequest]:
    async with services.sessions() as session:
        query = select(ProxyRequest).order_by(col(ProxyRequest.id))
        return list((await session.execute(query)).scalars())


async def _outbox(services: Services, like: str) -> list[OutboxMessage]:
    async with services.sessions() as session:
        query = select(OutboxMessage).where(col(OutboxMessage.dedupe_key).like(like))
        return list((await session.execute(query.order_by(col(OutboxMessage.id)))).scalars())


async def _ids(services: Services) -> tuple[int, int]:
    async with services.sessions() as session:
        who, proxy = await find_person(session, WHO), await find_person(session, PROXY)
    assert who is not None and proxy is not None
    return who.id or 0, proxy.id or 0


async def _consents(services: Services) -> int:
    async with services.sessions() as session:
        return len(list((await session.execute(select(ProxyConsent))).scalars()))


async def _taken(services: Services, event_id: int) -> int:
    async with services.sessions() as session:
        found = await session.get(Event, event_id)
        assert found is not None
        return found.taken


async def _told(harness: BotHarness, tg: int) -> list[str]:
    """Send what is due; what ``tg`` got."""
    since = int(harness.state.last_message_id(tg) or 0)
    await harness.drain_outbox()
    return texts(harness.state.messages(tg, since=since))


@pytest.mark.parametrize("answer", ["ok", "always", "no"])
@pytest.mark.parametrize(("rlang", "plang"), [("zh_CN", "en"), ("en", "zh_CN")])
async def test_the_resident_is_asked_once(
    harness: BotHarness, services: Services, answer: str, rlang: str, plang: str
) -> None:
    rt, pt = tr(services, rlang), tr(services, plang)
    who, proxy = await _people(harness, services, rlang, plang)
    event_id = await event(services)

    replies = await _ask(proxy, services, plang)

    asked = start(pt, "events_resident.asked", name="王*姨", event=CUT, when="")
    assert texts(replies)[0].startswith(asked)
    assert await registrations(services) == []  # nothing registered, no place held
    assert await _taken(services, event_id) == 0
    [request] = await _requests(services)
    who_id, proxy_id = await _ids(services)
    assert (request.person_id, request.proxy_id, request.status) == (who_id, proxy_id, "asked")
    [question] = await _outbox(services, "event:%:ask:%:question")
    assert question.person_id == who_id and question.urgent
    assert question.payload["msgid"] == "events.proxy.ask"
    assert question.payload["question"]["kind"] == PROXY_QUESTION
    assert [c[0] for c in question.payload["question"]["choices"]] == ["ok", "always", "no"]

    got = await _told(harness, WHO)  # in the resident's language, the proxy named in full
    ask = rt.n(
        "events.proxy.ask", 1, proxy="小王", event=CUT, when="", where="", party=1, answer=""
    )
    assert got[-1].startswith(ask.split(CUT)[0])
    assert NAME[rlang] in got[-1]
    assert any(rt("events.proxy.yes_always") in b for b in who.buttons())

    number = str(("ok", "always", "no").index(answer) + 1)
    replies = await who.send(number)

    made = await registrations(services)
    [request] = await _requests(services)
    assert (await _consents(services) == 1) is (answer == "always")
    lead = f"events_resident.proxy.answered.{answer}"
    assert texts(replies)[0].startswith(start(rt, lead, proxy="小王", name=CUT, when=""))
    told = await _told(harness, PROXY)
    name = "王阿姨" if answer == "always" else "王*姨"  # in full once consent is on record
    if answer == "no":
        assert made == [] and request.status == "declined"
        assert [m["kind"] for m in replies] == ["text"]
        assert len(told) == 1
        declined = start(pt, "events.proxy.told.declined", name=name, event=CUT, when="")
        assert told[0].startswith(declined)
        return
    [row] = made
    assert (row.person_id, row.booked_by_id, row.status) == (who_id, proxy_id, "confirmed")
    assert request.status == "agreed" and request.registration_id == row.id
    assert await _taken(services, event_id) == 1
    assert [m["kind"] for m in replies] == ["text", "text", "document", "photo"]  # + receipt
    [receipt] = await _outbox(services, f"event:{event_id}:reg:{row.id}:receipt:%")
    assert receipt.status == "cancelled"  # shown on the resident's screen instead
    assert len(told) == 1
    assert told[0].startswith(
        start(pt, "events.proxy.told.confirmed", name=name, event=CUT, when="")
    )
    assert await _told(harness, WHO) == []  # no second receipt by message


async def test_from_now_on_needs_no_second_question(
    harness: BotHarness, services: Services
) -> None:
    who, proxy = await _people(harness, services, "zh_CN", "en")
    await event(services)
    await _ask(proxy, services, "en")
    await harness.drain_outbox()
    await who.send("2")  # yes, and from now on
    await event(services, code="second-event", starts_in=timedelta(days=4))
    await proxy.send("/menu")

    t = tr(services, "en")
    await proxy.choose(t("menu.events"))
    second = [b for b in proxy.buttons() if NAME["en"] in b]
    assert len(second) == 2
    await proxy.press(second[1])
    await proxy.choose(t("events_resident.action.proxy"))
    await proxy.send(PHONE)
    await proxy.choose(t("events_resident.resident.yes"))
    await proxy.choose(t("events_resident.party.one"))
    replies = await proxy.choose(t("events_resident.confirm.yes"))

    assert texts(replies)[0].startswith(t("events_resident.receipt.for", name="王阿姨"))
    assert len(await registrations(services)) == 2
    assert len(await _requests(services)) == 1  # no second question


async def test_an_unanswered_request_lapses(harness: BotHarness, services: Services) -> None:
    _who, proxy = await _people(harness, services, "zh_CN", "en")
    await event(services)
    await _ask(proxy, services, "en")
    pt = tr(services, "en")

    counts = await tick_once(services, utcnow() + timedelta(hours=25))
    again = await tick_once(services, utcnow() + timedelta(hours=26))

    assert (counts["requests_lapsed"], again["requests_lapsed"]) == (1, 0)
    [request] = await _requests(services)
    assert request.status == "lapsed"
    [question] = await _outbox(services, "event:%:ask:%:question")
    assert question.status == "cancelled"  # never sent: nothing to answer
    since = int(harness.state.last_message_id(PROXY) or 0)
    assert await _told(harness, WHO) == []
    told = texts(harness.state.messages(PROXY, since=since))
    assert len(told) == 1  # told once
    assert told[0].startswith(
        start(pt, "events.proxy.told.lapsed", name="王*姨", event=CUT, when="")
    )
    assert await registrations(services) == []
    async with services.sessions() as session, session.begin():
        who = await find_person(session, WHO)
        assert who is not None
        with pytest.raises(RequestLapsed):
            await answer_proxy_request(session, person=who, request_id=request.id or 0, answer="ok")


@pytest.mark.parametrize("delivered", [True, False])
async def test_the_proxy_withdraws_before_the_answer(
    harness: BotHarness, services: Services, delivered: bool
) -> None:
    who, proxy = await _people(harness, services, "zh_CN", "en")
    await event(services)
    await _ask(proxy, services, "en")
    rt, pt = tr(services, "zh_CN"), tr(services, "en")
    if delivered:
        await harness.drain_outbox()

    await proxy.send("/myevents")
    await proxy.choose("王*姨")
    assert proxy.last_text().startswith(
        start(pt, "events_resident.asked.one", resident="王*姨", name=CUT, when="")
    )
    replies = await proxy.choose(pt("events_resident.asked.withdraw"))

    assert texts(replies)[0].startswith(pt("events_resident.asked.withdrawn"))
    [request] = await _requests(services)
    assert request.status == "withdrawn"
    got = await _told(harness, WHO)
    if not delivered:
        [question] = await _outbox(services, "event:%:ask:%:question")
        assert question.status == "cancelled" and got == []
        return
    assert got[0].startswith(start(rt, "events.proxy.withdrawn", proxy="小王", event=CUT, when=""))
    replies = await who.send("1")  # the question was still on screen: nothing changes
    assert texts(replies)[0] == rt("proxy.error.withdrawn")
    assert await registrations(services) == [] and await _consents(services) == 0


async def test_a_forged_answer_is_refused(harness: BotHarness, services: Services) -> None:
    _who, proxy = await _people(harness, services, "zh_CN", "zh_CN")
    stranger = await resident(harness, services, STRANGER, "en", name="Stranger")
    await event(services)
    await _ask(proxy, services, "zh_CN")
    [request] = await _requests(services)
    async with services.sessions() as session, session.begin():
        other = await find_person(session, STRANGER)
        assert other is not None
        await record_question(  # a question naming someone else's request, as if forged
            session, person_id=other.id or 0, kind=PROXY_QUESTION, subject=str(request.id),
            choices=[["ok", "1"], ["always", "2"], ["no", "3"]], asked_at=utcnow(),
        )  # fmt: skip

    replies = await stranger.send("1")

    assert texts(replies)[0] == tr(services, "en")("events.error.not_yours")
    async with services.sessions() as session, session.begin():
        other = await find_person(session, STRANGER)
        owner = await find_person(session, PROXY)
        assert other is not None and owner is not None
        with pytest.raises(NotYourRegistration):
            await answer_proxy_request(
                session, person=other, request_id=request.id or 0, answer="always"
            )
        with pytest.raises(NotYourRegistration):  # only the proxy may withdraw
            await withdraw_request(session, request_id=request.id or 0, person=other)
    [request] = await _requests(services)
    assert request.status == "asked"
    assert await registrations(services) == [] and await _consents(services) == 0


@pytest.mark.parametrize(
    ("rlang", "how", "status", "lasting"),
    [
        ("zh_CN", "以后都可以", "agreed", True),  # the words typed
        ("zh_CN", "好的", "agreed", False),
        ("en", "tap:events.proxy.no", "declined", False),  # the button tapped
        ("en", "tap:events.proxy.yes_once", "agreed", False),
    ],
)
async def test_words_and_taps_answer_too(
    harness: BotHarness, services: Services, rlang: str, how: str, status: str, lasting: bool
) -> None:
    who, proxy = await _people(harness, services, rlang, "zh_CN")
    await event(services)
    await _ask(proxy, services, "zh_CN")
    await harness.drain_outbox()

    if how.startswith("tap:"):
        await who.choose(tr(services, rlang)(how[4:]))
    else:
        await who.send(how)

    [request] = await _requests(services)
    assert request.status == status
    assert (await _consents(services) == 1) is lasting
    assert len(await registrations(services)) == (status == "agreed")


async def test_keeping_a_request_and_nonsense_change_nothing(
    harness: BotHarness, services: Services
) -> None:
    _who, proxy = await _people(harness, services, "zh_CN", "zh_CN")
    await event(services)
    await _ask(proxy, services, "zh_CN")
    t = tr(services, "zh_CN")
    await proxy.send("/myevents")
    await proxy.choose("王*姨")
    shown = proxy.last_text()

    replies = await proxy.sticker()  # not an answer: asked again, nothing changes

    assert texts(replies)[0].startswith(t("events_resident.not_understood"))
    assert shown in texts(replies)[0]
    assert any("⬅️" in b for b in proxy.buttons()) and any("🏠" in b for b in proxy.buttons())
    assert proxy.buttons()[0].startswith("1. " + t("events_resident.asked.keep"))
    replies = await proxy.choose(t("events_resident.asked.keep"))
    assert texts(replies)[0].startswith(t("events_resident.asked.kept"))
    [request] = await _requests(services)
    assert request.status == "asked"


async def test_a_yes_to_a_full_event_joins_the_line(
    harness: BotHarness, services: Services
) -> None:
    who, proxy = await _people(harness, services, "zh_CN", "en")
    await resident(harness, services, STRANGER, "zh_CN", name="李叔")
    event_id = await event(services, capacity=1)
    await _ask(proxy, services, "en")
    await register_tg(services, STRANGER, event_id)  # the last place goes meanwhile
    await harness.drain_outbox()

    await who.send("1")

    mine = [r for r in await registrations(services) if r.booked_by_id is not None]
    assert [r.status for r in mine] == ["waitlisted"]
    assert await _taken(services, event_id) == 1
    told = await _told(harness, PROXY)
    pt = tr(services, "en")
    line = start(pt, "events.proxy.told.waitlisted", name="王*姨", position=CUT, event="", when="")
    assert len(told) == 1 and told[0].startswith(line)
    assert told[0].startswith(line + "1 ")


async def test_a_yes_to_a_cancelled_event_registers_nobody(
    harness: BotHarness, services: Services
) -> None:
    who, proxy = await _people(harness, services, "en", "zh_CN")
    event_id = await event(services)
    await _ask(proxy, services, "zh_CN")
    await harness.drain_outbox()
    async with services.sessions() as session, session.begin():
        found = await session.get(Event, event_id)
        assert found is not None
        found.status = "cancelled"

    replies = await who.send("2")

    assert texts(replies)[0] == tr(services, "en")("events.error.closed")
    [request] = await _requests(services)
    assert request.status == "closed" and await registrations(services) == []
    assert await _consents(services) == 1  # "from now on" stands on its own
    told = await _told(harness, PROXY)
    closed = start(tr(services, "zh_CN"), "events.proxy.told.closed", name=CUT, event="", when="")
    assert len(told) == 1 and told[0].startswith(closed)
