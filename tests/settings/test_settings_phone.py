"""/settings → 📱 phone number through the real Application: only one's own shared contact is
kept, and only a number no one else registered; a refused one changes nothing."""

from __future__ import annotations

import pytest

from bot.context import Services
from models.core.people import find_person
from tests.factories import make_person
from tests.harness import BotHarness, SimUser
from tests.onboarding.onboarding_flow import share_button, snapshot

UID, OWNER = 4201, 4202
TAKEN = "+8613912345678"


async def _open_phone(user: SimUser, services: Services, lang: str) -> None:
    t = services.i18n.translator(lang)
    await user.send("/settings")
    assert t("settings.unset") in user.last_text()  # no number yet
    await user.choose(t("settings.item.phone"))
    assert user.last_text() == t("settings.phone.ask", phone=t("settings.unset"))
    assert share_button(user)["text"] == t("settings.phone.share")


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
async def test_someone_elses_number_is_refused_ones_own_is_kept(
    harness: BotHarness, services: Services, lang: str
) -> None:
    await make_person(services.sessions, UID, language=lang, name="Ann")
    await make_person(services.sessions, OWNER, phone="13912345678")
    t = services.i18n.translator(lang)
    user = harness.user(UID, language_code="en" if lang == "en" else "zh-hans")
    await _open_phone(user, services, lang)
    ask = t("settings.phone.ask", phone=t("settings.unset"))
    before = await snapshot(services)

    await user.share_contact(TAKEN)
    assert user.last_text() == t("person.phone.taken") + "\n\n" + ask
    await user.send("13800001234")  # typed, not shared
    assert user.last_text() == t("settings.phone.not_understood") + "\n\n" + ask
    assert await snapshot(services) == before

    await user.share_contact("+86 138 0000 4201")
    done = t("settings.phone.done", phone="138****4201")
    assert user.last_text().startswith(done + "\n\n")
    assert "138****4201" in user.last_text()  # and the menu shows it
    async with services.sessions() as session:
        me, owner = await find_person(session, UID), await find_person(session, OWNER)
    assert me is not None and (me.phone, me.phone_key) == ("+8613800004201", "13800004201")
    assert owner is not None and owner.phone_key == "13912345678"


async def test_a_forwarded_contact_is_not_kept(harness: BotHarness, services: Services) -> None:
    await make_person(services.sessions, UID)
    t = services.i18n.translator("zh_CN")
    user = harness.user(UID)
    await _open_phone(user, services, "zh_CN")
    before = await snapshot(services)
    forwarded = harness.state._user_message(
        UID, None, {"contact": {"phone_number": "+8613800009999", "first_name": "张", "user_id": 7}}
    )
    await harness.feed(forwarded)
    ask = t("settings.phone.ask", phone=t("settings.unset"))
    assert user.last_text() == t("settings.phone.not_yours") + "\n\n" + ask
    assert await snapshot(services) == before
    await user.choose(t("nav.back"))
    assert "我的设置" in user.last_text()
