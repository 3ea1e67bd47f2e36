"""The authz matrix's audience-scope cases: each author × each audience × each approval setting.

Through the real Application: the author writes a notice with /broadcast and picks the audience;
the preview's head count, who is asked to approve, and the chats the notice reaches (outbox rows
sent per chat, messages in the sandbox) must all say the same: the audience, intersected with the
towns the author's grant covers. Only an admin of both towns reaches both, and then every town in
TONGXIN_BROADCAST_APPROVAL_TOWNS it reaches has to approve.
"""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import select
from sqlmodel import col

from bot.context import Services
from jobs.broadcasts import ProgressBoard
from models.broadcasts import BroadcastStatus, create_broadcast
from models.core.authz import Role, scopes_of
from models.core.base import utcnow
from models.core.errors import NotAllowed
from models.core.outbox import OutboxKind, OutboxMessage, OutboxStatus
from models.core.people import NotificationOptOut, find_person
from tests.broadcasts.broadcast_support import broadcasts, job, staff
from tests.conftest import ADMIN_ID
from tests.factories import make_person
from tests.harness import BotHarness

NOTICE = "范围测试通知：周六上午有健康讲座。"

# Residents: Telegram id → (town, community, muted health notices).
RESIDENTS = {
    9101: ("D", "d-changjiang", False),
    9102: ("D", "d-changjiang", True),
    9103: ("D", "d-hongmei", False),
    9111: ("Q", "q-xinglong", False),
    9112: ("Q", "q-xinglong", True),
    9113: ("Q", "q-kenqu", False),
}
# Authors (residents too): key → (Telegram id, role granted, town, community).
AUTHORS = {
    "volunteer_d": (9201, Role.VOLUNTEER, "D", "d-changjiang"),
    "volunteer_q": (9202, Role.VOLUNTEER, "Q", "q-xinglong"),
    "admin_d": (9203, Role.ADMIN, "D", "d-changjiang"),
    "admin_q": (9204, Role.ADMIN, "Q", "q-kenqu"),
    "global_admin": (ADMIN_ID, Role.ADMIN, "D", "d-hongmei"),  # from TONGXIN_ADMIN_IDS
}
REACH = {
    "volunteer_d": {"D"},
    "volunteer_q": {"Q"},
    "admin_d": {"D"},
    "admin_q": {"Q"},
    "global_admin": {"D", "Q"},
}
# Who approves for which towns, in the order they are asked to tap.
APPROVERS = {"admin_d": {"D"}, "admin_q": {"Q"}, "global_admin": {"D", "Q"}}
# Audience → (kind, value, the button chosen for the value, towns it lies in).
AUDIENCES = {
    "all": ("all", None, None, {"D", "Q"}),
    "town_d": ("town", "D", "崇明区D镇", {"D"}),
    "town_q": ("town", "Q", "启东市Q镇", {"Q"}),
    "community_d": ("community", "d-changjiang", "长江新村社区", {"D"}),
    "community_q": ("community", "q-xinglong", "兴隆社区", {"Q"}),
    "topic_health": ("topic", "health", "健康服务通知", {"D", "Q"}),
}
APPROVAL_SETTINGS = {"none": [], "q": ["Q"], "d_and_q": ["D", "Q"]}


def everyone() -> dict[int, tuple[str, str, bool]]:
    """Every person of the cast: residents and authors (no author muted anything)."""
    people = dict(RESIDENTS)
    for tg, _role, town, community in AUTHORS.values():
        people[tg] = (town, community, False)
    return people


def addressed(audience: str, town: str, community: str, muted_health: bool) -> bool:
    """Whether the audience, before any scope, addresses this person."""
    kind, value, _label, _towns = AUDIENCES[audience]
    if kind == "town":
        return town == value
    if kind == "community":
        return community == value
    if kind == "topic":
        return not muted_health
    return True


def expected_recipients(role: str, audience: str) -> set[int]:
    """The audience's people who live in a town the author's grant covers."""
    return {
        tg
        for tg, (town, community, muted) in everyone().items()
        if town in REACH[role] and addressed(audience, town, community, muted)
    }


async def populate(services: Services) -> None:
    """Residents and authors, each registered in their town with their grant."""
    for tg, (town, community, muted) in RESIDENTS.items():
        person = await make_person(services.sessions, tg, town, community, name=f"居民{tg}")
        if muted and person.id is not None:
            async with services.sessions() as session, session.begin():
                session.add(NotificationOptOut(person_id=person.id, topic="health"))
    for tg, role, town, community in AUTHORS.values():
        await staff(services, tg, role, town, community)


async def sent_chats(services: Services) -> Counter[int]:
    """Notices sent, counted per chat (outbox rows of kind broadcast)."""
    async with services.sessions() as session:
        query = select(col(OutboxMessage.chat_id), col(OutboxMessage.status)).where(
            col(OutboxMessage.kind) == OutboxKind.BROADCAST.value
        )
        rows = (await session.execute(query)).all()
    assert all(status == OutboxStatus.SENT.value for _chat, status in rows)
    return Counter(int(chat) for chat, _status in rows)


async def refused_by_the_model(services: Services, role: str, audience: str) -> None:
    """Even a forged draft cannot create it: the domain refuses an audience out of scope."""
    kind, value, _label, _towns = AUDIENCES[audience]
    async with services.sessions() as session, session.begin():
        author = await find_person(session, AUTHORS[role][0])
        assert author is not None
        with pytest.raises(NotAllowed):
            await create_broadcast(
                session,
                person=author,
                scopes=await scopes_of(session, author, services.settings.admin_ids),
                text=NOTICE,
                topic="events",
                audience_kind=kind,
                audience_value=value,
                send_at=utcnow(),
                approval_towns=[],
                admin_ids=services.settings.admin_ids,
                tz=services.settings.tz,
            )


@pytest.mark.parametrize("approval", APPROVAL_SETTINGS)
@pytest.mark.parametrize("audience", AUDIENCES)
@pytest.mark.parametrize("role", AUTHORS)
async def test_audience_scope(
    harness: BotHarness, services: Services, role: str, audience: str, approval: str
) -> None:
    towns_needing = APPROVAL_SETTINGS[approval]
    services.settings.broadcast_approval_towns = towns_needing
    t = services.i18n.translator("zh_CN")
    await populate(services)
    people = everyone()
    users = {tg: harness.user(tg) for tg in people}
    author_tg = AUTHORS[role][0]
    user = users[author_tg]
    kind, _value, label, audience_towns = AUDIENCES[audience]
    reached_towns = audience_towns & REACH[role]
    expected = expected_recipients(role, audience)

    await user.send("/broadcast")
    await user.send(NOTICE)
    await user.press("1. " + t("topic.events"))
    shown = await user.choose(t(f"broadcast.audience.{kind}"))
    if label is not None:
        if not reached_towns:  # another town's place is not even offered
            assert not any(label in b for b in user.buttons()), user.buttons()
            await refused_by_the_model(services, role, audience)
            await user.press(t("nav.home"))
            assert await broadcasts(services) == []
            return
        shown = await user.choose(label)
    preview = shown[-1]["text"]
    assert f"共 {len(expected)} 人（0 人不接收此类通知）" in preview, preview
    await user.choose(t("broadcast.when.now"))
    assert f"共 {len(expected)} 人" in user.last_text()
    await user.choose(t("broadcast.confirm.yes"))
    [broadcast] = await broadcasts(services)
    assert broadcast.recipients == len(expected)

    waiting = reached_towns & set(towns_needing)
    asked = {a for a, towns in APPROVERS.items() if a != role and towns & waiting}
    await harness.drain_outbox()
    requests = {
        key: [
            m
            for m in users[AUTHORS[key][0]].state.messages(AUTHORS[key][0])
            if f"#{broadcast.id}" in str(m.get("text") or m.get("caption"))
            and "1. " + t("broadcast.approve") in str(m.get("reply_markup"))  # the question
        ]
        for key in APPROVERS
    }
    assert {key for key, found in requests.items() if found} == asked
    if waiting:
        assert broadcast.status == BroadcastStatus.PENDING_APPROVAL.value
        undecided = set(waiting)
        for key in (a for a in APPROVERS if a in asked):
            if not undecided:
                break
            assert (await broadcasts(services))[0].status == BroadcastStatus.PENDING_APPROVAL.value
            assert len(requests[key]) == 1
            approver = users[AUTHORS[key][0]]
            await approver.send("1")  # the request is their current screen
            assert approver.last_text() in {
                t(f"broadcast.decided.{how}", id=broadcast.id) for how in ("approved", "waiting")
            }
            undecided -= APPROVERS[key]
        assert not undecided, f"nobody could approve for {undecided}"
    assert (await broadcasts(services))[0].status == BroadcastStatus.SCHEDULED.value

    board = ProgressBoard()
    await job(harness, board)
    await harness.drain_outbox()
    sent = await sent_chats(services)
    assert set(sent) == expected and set(sent.values()) <= {1}
    notice = t("broadcast.notice", text=NOTICE)
    for tg in people:
        if tg == author_tg:
            continue  # the author also saw the preview
        got = [m for m in users[tg].state.messages(tg) if m.get("text") == notice]
        assert len(got) == (1 if tg in expected else 0), (tg, people[tg])
