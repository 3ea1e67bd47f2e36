"""The proxy's phone lookup through the real Application is no oracle: a few lookups an hour,
counted in the database (a restart forgets nothing), each one audited, and the resident's name
masked until the resident's standing consent to this proxy is on record."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select
from sqlmodel import col

from bot.context import Services
from models.booking import LOOKUP_WINDOW
from models.core.audit import AuditLog
from tests.booking.proxy_booking_support import PHONE, PROXY, RESIDENT, cast, consent, ids
from tests.booking.test_booking_flow_helpers import for_someone_else, nav_ok, person, town_name, tr
from tests.harness import BotHarness, SimUser


async def _audit(services: Services, actor_id: int) -> list[AuditLog]:
    async with services.sessions() as session:
        query = (
            select(AuditLog).where(col(AuditLog.actor_id) == actor_id).order_by(col(AuditLog.id))
        )
        return list((await session.execute(query)).scalars())


def _actions(rows: list[AuditLog]) -> list[str]:
    return [row.action for row in rows if row.action.startswith("proxy.lookup")]


async def _to_phone_screen(proxy: SimUser, services: Services) -> None:
    t = tr(services, "zh_CN")
    await proxy.send("/book")
    await for_someone_else(proxy, t)
    assert proxy.last_text() == t("booking.ask_phone.short")


async def test_a_few_lookups_an_hour_even_across_a_restart(
    harness: BotHarness, services: Services, pinned_now: datetime
) -> None:
    limit = services.settings.proxy_lookups_per_hour
    assert limit == 5  # the documented default
    proxy = await person(harness, PROXY, name="小张", phone="13700000001")
    await person(harness, RESIDENT, town="Q", name="王阿姨", phone=PHONE)
    proxy_id, resident_id = await ids(services)
    t = tr(services, "zh_CN")
    await _to_phone_screen(proxy, services)

    for guess in range(limit):  # guessing: every miss counts
        await proxy.send(f"1300000000{guess}")
        assert proxy.last_text() == t("proxy.error.not_found") + "\n\n" + t(
            "booking.ask_phone.short"
        )
    await proxy.send(PHONE)  # the right number, one lookup too many: nothing said about it
    refusal = t.n("proxy.error.too_many", 60, minutes=60)
    assert proxy.last_text() == refusal + "\n\n" + t("booking.ask_who") and nav_ok(proxy, t)
    assert "王" not in proxy.last_text()
    assert _actions(await _audit(services, proxy_id)) == ["proxy.lookup"] * limit + [
        "proxy.lookup_refused"
    ]

    await harness.restart()  # the count is in the database, not in the process
    await for_someone_else(proxy, t)
    await proxy.send(PHONE)
    assert proxy.last_text() == refusal + "\n\n" + t("booking.ask_who")

    later = pinned_now + LOOKUP_WINDOW + timedelta(minutes=1)
    with time_machine.travel(later, tick=True):  # the first lookups are an hour old
        await proxy.send("/book")  # (the screen left open an hour has closed: start again)
        await for_someone_else(proxy, t)
        await proxy.send("+86 139 1234 5678")
        town = await town_name(services, "Q", "zh_CN")
        assert proxy.last_text() == t("booking.ask_resident", name="王*姨", town=town)
    rows = await _audit(services, proxy_id)
    assert _actions(rows) == ["proxy.lookup"] * limit + ["proxy.lookup_refused"] * 2 + [
        "proxy.lookup"
    ]
    assert [(r.subject_type, r.subject_id, r.details) for r in rows[-1:]] == [
        ("person", resident_id, {"found": True})
    ]
    assert all("1300000000" not in str(r.details) and "139" not in str(r.details) for r in rows)


async def test_a_number_too_short_or_ones_own_costs_no_lookup(
    harness: BotHarness, services: Services
) -> None:
    proxy = await person(harness, PROXY, name="小张", phone="+86 137 0000 0001")
    t = tr(services, "zh_CN")
    await _to_phone_screen(proxy, services)
    for _ in range(services.settings.proxy_lookups_per_hour + 1):
        await proxy.send("123")
        assert proxy.last_text().startswith(t("proxy.error.not_found"))
        await proxy.send("137-0000-0001")
        assert proxy.last_text().startswith(t("proxy.error.self"))
    async with services.sessions() as session:
        rows = (await session.execute(select(AuditLog))).scalars().all()
    assert _actions(list(rows)) == []


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
async def test_the_name_is_masked_until_the_resident_consents(
    harness: BotHarness, services: Services, lang: str
) -> None:
    proxy, _resident = await cast(harness, lang, "zh_CN")
    t = tr(services, lang)
    town = await town_name(services, "Q", lang)
    await proxy.send("/book")
    await for_someone_else(proxy, t)
    await proxy.send(PHONE)
    assert proxy.last_text() == t("booking.ask_resident", name="王*姨", town=town)
    await proxy.choose(t("booking.resident.yes"))
    assert proxy.last_text() == t("booking.ask_kind.proxy", name="王*姨")
    assert "王阿姨" not in "".join(m.get("text") or "" for m in proxy.state.messages(PROXY))

    await consent(services)  # the resident said "yes, and from now on" to this proxy
    await proxy.send("/book")
    await for_someone_else(proxy, t)
    await proxy.send(PHONE)
    assert proxy.last_text() == t("booking.ask_resident", name="王阿姨", town=town)
