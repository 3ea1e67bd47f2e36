"""Demo people: an onboarded person for every role, in both towns, on top of the demo places."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from models.booking import ProxyConsent, has_consent, id_of
from models.core.authz import Role, grant_role
from models.core.base import utcnow
from models.core.people import Person, find_person, phone_key
from models.demo.places import seed_places

# Demo people: fixed Telegram ids in the reserved range 100001-100009 (the demo bot itself is
# 100000). (tg id, display name, town, community, language, roles as (role, town) pairs)
DEMO_ID_RANGE = range(100001, 100010)
DEMO_PEOPLE: list[tuple[int, str, str, str, str, tuple[tuple[str, str], ...]]] = [
    (100001, "王阿姨", "D", "d-changjiang", "zh_CN", ()),  # elderly resident, D town
    (100002, "李大爷", "Q", "q-xinglong", "zh_CN", ()),  # elderly resident, Q town
    (100003, "王小红（王阿姨的女儿）", "D", "d-changjiang", "zh_CN", ()),  # family proxy
    (100004, "张志愿者", "D", "d-hongmei", "zh_CN", (("volunteer", "D"),)),
    (100005, "陈调解员", "D", "d-changjiang", "zh_CN", (("mediator", "D"),)),
    (100006, "刘调解员", "Q", "q-xinglong", "zh_CN", (("mediator", "Q"),)),
    (100007, "赵主任（D镇管理员）", "D", "d-hongmei", "zh_CN", (("admin", "D"),)),
    (100008, "Emma (Q town admin)", "Q", "q-haibin", "en", (("admin", "Q"),)),
]


def demo_phone(tg_id: int) -> str:
    """The made-up phone number of a demo person (the sandbox shares the same one)."""
    return f"+86138{tg_id % 100_000_000:08d}"


# The family proxy may book for 王阿姨 without asking each time (her standing consent).
DEMO_PROXY_CONSENTS = ((100001, 100003),)


async def seed_demo_people(session: AsyncSession) -> dict[int, int]:
    """Onboarded demo people for every role (idempotent); returns person ids by Telegram id.

    Needs :func:`seed_places` first. Roles are granted with ``RoleGrant`` rows scoped to a town;
    the family proxy holds 王阿姨's standing consent to book for her (she is found by her phone).
    """
    places = await seed_places(session)
    ids: dict[int, int] = {}
    for tg_id, name, town, community, language, roles in DEMO_PEOPLE:
        person = await find_person(session, tg_id)
        if person is None:
            now = utcnow()
            person = Person(
                tg_user_id=tg_id,
                chat_id=tg_id,
                display_name=name,
                town_id=places[town],
                community_id=places[community],
                language=language,
                phone=demo_phone(tg_id),
                phone_key=phone_key(demo_phone(tg_id)),
                consent_at=now,
                onboarded_at=now,
            )
            session.add(person)
            await session.flush()
        person_id = id_of(person)
        for role, role_town in roles:
            await grant_role(session, person_id, Role(role), places[role_town])
        ids[tg_id] = person_id
    for resident, proxy in DEMO_PROXY_CONSENTS:
        if not await has_consent(session, ids[resident], ids[proxy]):
            session.add(ProxyConsent(resident_id=ids[resident], proxy_id=ids[proxy]))
    await session.flush()
    return ids
