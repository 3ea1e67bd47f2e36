"""models.settings.privacy without Telegram: export, erasure, anonymised audit, UI-state keys."""

from __future__ import annotations

import json
import re

from sqlmodel import select

from bot.context import Services
from models.core.audit import AuditLog, record_audit
from models.core.authz import Role, RoleGrant, grant_role, scopes_of
from models.core.people import NotificationOptOut, Person, toggle_topic
from models.core.runtime import PtbState
from models.roles.invites import Invite, create_invite, redeem_invite
from models.settings.privacy import erase_person, export_person
from tests.conftest import ADMIN_ID
from tests.factories import make_person

TG = 1001


async def _ui_rows(services: Services, tg: int, other: int) -> None:
    rows = [
        ("user_data", str(tg)),
        ("chat_data", str(tg)),
        ("conversation", f"onboarding:[{tg}, {tg}]"),
        ("conversation", f"settings:[{tg}, {tg}]"),
        ("user_data", str(other)),
        ("conversation", f"settings:[{other}, {other}]"),
        ("conversation", f"settings:[1{tg}, 1{tg}]"),
    ]
    async with services.sessions() as session, session.begin():
        session.add_all(PtbState(kind=k, key=key, data={"x": 1}) for k, key in rows)


async def test_export_contains_everything(services: Services) -> None:
    person = await make_person(services.sessions, TG, phone="13800001111", language="en")
    assert person.id is not None
    await _ui_rows(services, TG, 2002)
    async with services.sessions() as session, session.begin():
        await toggle_topic(session, person.id, "culture")
        await record_audit(session, None, "case.status", "person", person.id)
        data = await export_person(session, person)
    text = json.dumps(data, ensure_ascii=False)
    assert data["person"]["phone"] == "13800001111" and data["person"]["language"] == "en"
    assert data["community"]["code"] == "d-changjiang" and data["town"]["code"] == "D"
    assert data["muted_topics"] == ["culture"]
    assert [a["action"] for a in data["audit"]] == ["case.status"]
    ui = data["conversation_state"]
    assert ui["user_data"] == {"x": 1} and ui["chat_data"] == {"x": 1}
    assert set(ui["conversations"]) == {f"onboarding:[{TG}, {TG}]", f"settings:[{TG}, {TG}]"}
    assert "notification_opt_out" in data["related"]  # generic: every table pointing at person
    # Not the other person's ids (as whole numbers: a timestamp's microseconds may hold "2002").
    assert re.findall(rf"(?<!\d)(?:2002|1{TG})(?!\d)", text) == []


async def test_erase_removes_person_keeps_anonymised_audit(services: Services) -> None:
    admin = await make_person(services.sessions, ADMIN_ID, name="管理员")
    person = await make_person(services.sessions, TG, name="张三", phone="13800001111")
    other = await make_person(services.sessions, 2002, name="李四")
    await _ui_rows(services, TG, 2002)
    async with services.sessions() as session, session.begin():
        scopes = await scopes_of(session, admin, [ADMIN_ID])
        invite = await create_invite(session, admin, scopes, Role.VOLUNTEER, admin.town_id)
        await redeem_invite(session, invite.code, person)
        # The erased person also granted a role and issued an invite once.
        await grant_role(session, other.id, Role.VOLUNTEER, other.town_id, granted_by=person.id)  # type: ignore[arg-type]
        await record_audit(session, person.id, "broadcast.send", "person", other.id)
        await toggle_topic(session, person.id, "events")  # type: ignore[arg-type]
    async with services.sessions() as session, session.begin():
        await erase_person(session, person)
    async with services.sessions() as session:
        people = (await session.execute(select(Person.tg_user_id))).scalars().all()
        assert sorted(people) == sorted([ADMIN_ID, 2002])
        grants = (await session.execute(select(RoleGrant))).scalars().all()
        assert [(g.person_id, g.granted_by) for g in grants] == [(other.id, None)]
        assert (await session.execute(select(NotificationOptOut))).scalars().all() == []
        used = (await session.execute(select(Invite))).scalar_one()
        assert used.used_by is None and used.used_at is not None
        audit = (await session.execute(select(AuditLog))).scalars().all()
        assert len(audit) >= 3  # invite.create, invite.redeem, role.grant, broadcast.send
        for row in audit:
            assert row.actor_id != person.id
            assert not (row.subject_type == "person" and row.subject_id == person.id)
            assert person.id not in [v for k, v in row.details.items() if k.startswith("person")]
        send = next(a for a in audit if a.action == "broadcast.send")
        assert send.actor_id is None and send.subject_id == other.id
        keys = sorted((r.kind, r.key) for r in (await session.execute(select(PtbState))).scalars())
    assert keys == [
        ("conversation", f"settings:[1{TG}, 1{TG}]"),
        ("conversation", "settings:[2002, 2002]"),
        ("user_data", "2002"),
    ]
