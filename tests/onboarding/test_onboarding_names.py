"""Names at registration: hidden characters are dropped before the name is kept or shown, and
nobody registers under the name of a member of staff."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlmodel import col

from bot.context import Services
from models.core.authz import Role, grant_role
from models.core.places import Town
from tests.conftest import ADMIN_ID
from tests.factories import make_person
from tests.harness import BotHarness, SimUser
from tests.onboarding.onboarding_flow import label, person, snapshot, texts, tr, walk_to

UID = 1301
D_VOLUNTEER, GLOBAL_MEDIATOR = 1390, 1391


async def staff(services: Services) -> None:
    """A D-town volunteer 张社工, a mediator of both towns "Mr Li", the settings' admin 总管理员."""
    await make_person(services.sessions, ADMIN_ID, name="总管理员")
    volunteer = await make_person(services.sessions, D_VOLUNTEER, name="张社工")
    mediator = await make_person(
        services.sessions, GLOBAL_MEDIATOR, town_code="Q", community_code="q-xinglong", name="Mr Li"
    )
    async with services.sessions() as session, session.begin():
        d_town = (await session.execute(select(Town).where(col(Town.code) == "D"))).scalar_one()
        assert volunteer.id is not None and mediator.id is not None
        await grant_role(session, volunteer.id, Role.VOLUNTEER, d_town.id)
        await grant_role(session, mediator.id, Role.MEDIATOR, None)


def refused(services: Services, note_id: str) -> str:
    """The name question asked again under ``note_id``'s explanation."""
    t = tr(services, "zh_CN")
    question = t.n("onboarding.name", 20, max=20)
    return t("onboarding.with_note", note=t(note_id), question=question)


async def finish(user: SimUser, services: Services) -> str:
    """Skip the phone; the receipt."""
    msgs = await user.press(label(1, tr(services, "zh_CN")("onboarding.skip")))
    return texts(msgs)[0]


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("\u202e王阿姨\u200b", "王阿姨"),  # right-to-left override, zero-width space
        ("王\u200d阿\u2066姨\u2069\ufeff", "王阿姨"),  # joiner, isolate, byte-order mark
        ("\u3164王\u3164阿姨", "王阿姨"),  # Hangul fillers: letters that draw nothing
        ("Ｍｒ．\u00a0Ｌｉ", "Mr. Li"),  # full-width letters, no-break space (NFKC)
    ],
)
async def test_hidden_characters_are_dropped_before_the_name_is_kept(
    harness: BotHarness, services: Services, typed: str, kept: str
) -> None:
    user = harness.user(UID)
    await walk_to(user, services, "name")
    await user.send(typed)
    assert user.last_text() == tr(services, "zh_CN")("onboarding.phone")
    assert (await person(services, UID)).display_name == kept  # type: ignore[union-attr]
    receipt = await finish(user, services)
    assert f"：{kept}\n" in receipt
    hidden = set(typed) - set(kept) - {" "}
    assert not set(receipt) & hidden


@pytest.mark.parametrize("typed", ["\u200b\u200b", "\u202e\u202d", "\u3164\u3164", "\u200b/start"])
async def test_a_name_of_hidden_characters_is_refused(
    harness: BotHarness, services: Services, typed: str
) -> None:
    user = harness.user(UID)
    await walk_to(user, services, "name")
    before = await snapshot(services)
    msgs = await user.send(typed)
    assert texts(msgs) == [refused(services, "onboarding.invalid.name")]
    assert await snapshot(services) == before


@pytest.mark.parametrize(
    "typed",
    ["张社工", "\u200b张社工\u202c", "MR LI", "mr\u00a0li", "总管理员"],
)
async def test_a_staff_members_name_is_refused(
    harness: BotHarness, services: Services, typed: str
) -> None:
    await staff(services)
    user = harness.user(UID)
    await walk_to(user, services, "name")  # a D-town resident
    before = await snapshot(services)
    msgs = await user.send(typed)
    assert texts(msgs) == [refused(services, "person.name.staff")]
    assert await snapshot(services) == before
    await user.send("王阿姨")  # another name is fine
    assert (await person(services, UID)).display_name == "王阿姨"  # type: ignore[union-attr]


async def test_a_town_volunteers_name_is_free_in_the_other_town(
    harness: BotHarness, services: Services
) -> None:
    await staff(services)
    user = harness.user(UID)
    await walk_to(user, services, "name", town=2)  # a Q-town resident
    await user.send("张社工")
    assert user.last_text() == tr(services, "zh_CN")("onboarding.phone")
    assert (await person(services, UID)).display_name == "张社工"  # type: ignore[union-attr]
