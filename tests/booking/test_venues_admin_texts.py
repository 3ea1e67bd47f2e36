"""/venues: admins edit the texts residents read (address, getting there, accessibility)."""

from __future__ import annotations

import pytest

from bot.context import Services
from models.core.places import Venue
from tests.authz.authz_cast import forge_tap
from tests.booking.venues_admin_support import (
    audit_actions,
    button_data,
    counts,
    current,
    fetch,
    global_admin,
    open_card,
    q_admin,
    tap,
    venue,
)
from tests.harness import BotHarness


@pytest.mark.parametrize("language", ["zh_CN", "en"])
async def test_admin_edits_and_clears_a_venue_text(
    harness: BotHarness, services: Services, language: str
) -> None:
    t = services.i18n.translator(language)
    admin = await global_admin(harness, services, language)
    health = await venue(services, "d-health")
    await open_card(admin, health)
    assert f"va:tx:{health.id}:xz" in button_data(current(admin))

    await tap(admin, f"va:tx:{health.id}:xz")
    asked = t.n(
        "venues_admin.ask.text",
        256,
        name=health.name(language),
        field=t("venues_admin.text.xz"),
        current="二楼，有电梯",
        max=256,
    )
    assert admin.last_text() == asked
    before = await counts(services)
    for bad in ("   ", "长" * 257):
        await admin.send(bad)
        assert admin.last_text().startswith(t.n("venues_admin.error.text", 256, max=256))
    await admin.sticker()
    assert admin.last_text().startswith(t.n("venues_admin.error.text", 256, max=256))
    assert (await fetch(services, Venue, health.id)).accessibility_zh == "二楼，有电梯"
    assert await counts(services) == before

    await admin.send("二楼，电梯在大厅左侧")
    assert admin.last_text().startswith(
        t("venues_admin.done.text", field=t("venues_admin.text.xz"))
    )
    assert (await fetch(services, Venue, health.id)).accessibility_zh == "二楼，电梯在大厅左侧"

    await tap(admin, f"va:tx:{health.id}:ae")
    await admin.send("-")  # clears it: the centre's address is shown instead
    assert (await fetch(services, Venue, health.id)).address_en == ""
    assert await audit_actions(services) == ["venue.text", "venue.text"]


async def test_q_admin_cannot_edit_a_d_venue_text(harness: BotHarness, services: Services) -> None:
    admin = await q_admin(harness, services)
    health = await venue(services, "d-health")
    await admin.send("/venues")
    listing = admin.last_text()
    await forge_tap(admin, f"va:tx:{health.id}:az")
    assert admin.last_text() == listing  # refused with an alert; no question was asked
    await admin.send("我改的地址")
    assert (await fetch(services, Venue, health.id)).address_zh == ""
    assert "venue.text" not in await audit_actions(services)
