"""One phone number, one person: a contact whose number someone else registered is refused
politely at onboarding and nothing is kept; once that person erased themselves, it is free."""

from __future__ import annotations

import pytest

from bot.context import Services
from models.core.people import phone_key
from tests.factories import make_person
from tests.harness import BotHarness
from tests.onboarding.onboarding_flow import label, person, share_button, snapshot, tr, walk_to

OWNER, NEWCOMER = 1401, 1402
NUMBER = "+8613912345678"


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
async def test_a_number_someone_else_registered_is_refused_and_nothing_kept(
    harness: BotHarness, services: Services, lang: str
) -> None:
    await make_person(services.sessions, OWNER, phone="139 1234 5678")
    t = tr(services, lang)
    user = harness.user(NEWCOMER)
    await walk_to(user, services, "phone", lang=lang)
    before = await snapshot(services)

    await user.share_contact("+86 139-1234-5678")  # the same number, written another way
    note = t("person.phone.taken")
    assert user.last_text() == t("onboarding.with_note", note=note, question=t("onboarding.phone"))
    assert await snapshot(services) == before
    share_button(user)  # still asking: another number, or Skip
    await user.press(label(1, t("onboarding.skip")))
    saved = await person(services, NEWCOMER)
    assert saved is not None and saved.onboarded_at is not None
    assert (saved.phone, saved.phone_key) == (None, None)
    owner = await person(services, OWNER)
    assert owner is not None and owner.phone_key == "13912345678"


async def test_an_erased_persons_number_is_free_again(
    harness: BotHarness, services: Services
) -> None:
    await make_person(services.sessions, OWNER, phone=NUMBER)
    owner = harness.user(OWNER)
    await owner.send("/deleteme")
    await owner.choose("确认删除")
    assert await person(services, OWNER) is None

    user = harness.user(NEWCOMER)
    await walk_to(user, services, "phone")
    receipt = await user.share_contact(NUMBER)
    assert "登记完成" in receipt[0]["text"]
    saved = await person(services, NEWCOMER)
    assert saved is not None and (saved.phone, saved.phone_key) == (NUMBER, phone_key(NUMBER))
