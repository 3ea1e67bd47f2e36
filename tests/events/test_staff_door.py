"""At the door through the real Application: today's events under /checkin, ticking the
roster, the receipt's QR code, walk-ins, the driver's ride list, the CSV files, and forged taps
naming another town's event or registration refused with nothing changed."""

from __future__ import annotations

import csv
import io

import pytest

from bot.context import Services
from models.core.authz import Role
from models.events import CHECKIN_LINK, RegStatus, WalkIn
from tests.booking.booking_staff_support import LANGS, staff
from tests.events.events_support import towns
from tests.events.staff_support import (
    count,
    event_of,
    event_today,
    inline_data,
    inline_labels,
    last,
    now_of,
    registration,
    sign_up,
)
from tests.harness import BotHarness

VOLUNTEER_TG, Q_VOLUNTEER_TG = 9621, 9622


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
async def test_roster_qr_walk_in_rides_and_csv(
    harness: BotHarness, services: Services, lang: str
) -> None:
    t = services.i18n.translator(lang)
    await staff(services, VOLUNTEER_TG, Role.VOLUNTEER, "D", name="志愿者小李", language=lang)
    event_id = await event_today(services)
    first, second = await sign_up(services, event_id, 78_000, ride=True)
    user = harness.user(VOLUNTEER_TG, language_code=LANGS[lang])

    await user.send("/checkin")
    screen = last(user)
    assert f"evd:e:{event_id}:0" in inline_data(screen)
    label = t(
        "events_staff.door.event",
        time="12:00",
        name=(t.language == "en" and "Border gathering") or "边界联谊会",
        attended=0,
        booked=3,
    )
    assert label in inline_labels(screen)

    await user.tap(screen, f"evd:e:{event_id}:0")
    roster = now_of(user, screen)
    assert roster["text"].startswith(
        t(
            "events_staff.door.title",
            name="Border gathering" if lang == "en" else "边界联谊会",
            time="12:00",
            attended=0,
            booked=3,
        )
    )
    assert inline_data(roster)[:2] == [f"evd:r:{first}:0", f"evd:r:{second}:0"]
    await user.tap(screen, f"evd:r:{first}:0")
    assert (await registration(services, first)).status == RegStatus.ATTENDED.value
    assert inline_labels(now_of(user, screen))[0].startswith("✅")

    stored = await registration(services, second)
    await user.send("/start " + CHECKIN_LINK + stored.code)  # the receipt's QR code, scanned
    assert (await registration(services, second)).status == RegStatus.ATTENDED.value
    name = "Border gathering" if lang == "en" else "边界联谊会"
    scanned = t.n("events_staff.door.scanned", 1, name="居民78001", party=1, event=name)
    assert user.last_text() == scanned
    await user.send("/start " + CHECKIN_LINK + stored.code)  # twice: told, nothing new
    assert user.last_text() == t("events.error.already_checked_in")

    taken = (await event_of(services, event_id)).taken
    await user.send("/checkin")
    screen = last(user)
    await user.tap(screen, f"evd:e:{event_id}:0")
    await user.tap(screen, f"evd:w:{event_id}")
    ids = await towns(services.sessions)
    await user.tap(screen, f"evd:wt:{event_id}:{ids['Q']}")
    await user.tap(screen, f"evd:wp:{event_id}:{ids['Q']}:2")
    assert now_of(user, screen)["text"].startswith(t.n("events_staff.door.walked_in", 2, n=2))
    assert (await event_of(services, event_id)).taken == taken + 2
    assert await count(services, WalkIn) == 1

    await user.tap(screen, f"evd:ride:{event_id}")
    rides = now_of(user, screen)["text"]
    assert "居民78000" in rides and "+8613800001111" in rides and "居民78001" not in rides
    assert (
        t.n("events_staff.rides.rider", 2, n=1, name="居民78000", party=2, phone="+8613800001111")
        in rides
    )

    await user.tap(screen, f"evd:e:{event_id}:0")  # ⬅️ from the ride list
    document, after = await user.tap(screen, f"evd:csv:{event_id}:1")
    assert document["kind"] == "document"
    assert inline_data(after)[-2:] == ["ci:list:0", "evd:home"]  # the roster again below it
    assert document["file"]["file_name"].endswith("-attendance.csv")
    data = user.state.files[document["file"]["file_id"]].data.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(data)))
    assert [r["status"] for r in rows] == ["attended", "attended", "walk_in"]
    assert rows[0]["answer"] == "长江新村站" and rows[2]["town"] == "Q"


@pytest.mark.parametrize(
    "data", ["evd:e:{e}:0", "evd:r:{r}:0", "evd:wp:{e}:1:2", "evd:ride:{e}", "evd:csv:{e}:0"]
)
async def test_another_towns_volunteer_is_refused(
    harness: BotHarness, services: Services, data: str
) -> None:
    t = services.i18n.translator("zh_CN")
    await staff(services, Q_VOLUNTEER_TG, Role.VOLUNTEER, "Q", name="志愿者老周")
    event_id = await event_today(services, cohost=None)  # D town's alone
    first, _second = await sign_up(services, event_id, 79_000, ride=True)
    before = (await event_of(services, event_id)).taken
    user = harness.user(Q_VOLUNTEER_TG, language_code="zh-hans")
    await user.send("/checkin")
    assert f"evd:e:{event_id}:0" not in inline_data(last(user))

    await user.forge_tap(data.format(e=event_id, r=first))

    answer = user.state.callback_answers(user.id)[-1]
    assert answer["show_alert"] and answer["text"] == t("error.not_allowed")
    assert (await registration(services, first)).status == RegStatus.CONFIRMED.value
    assert (await event_of(services, event_id)).taken == before
    assert await count(services, WalkIn) == 0
    assert last(user)["kind"] != "document"
