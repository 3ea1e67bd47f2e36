"""The booking confirm is cheap: at most 8 SQL statements for the update that books.

The person (with the catalogue version), the slot, the person's standing at the venue, the
booking row, the places, the audit row and the reminders; venue, centre, opening hours and
blackout days come from the catalogue cache. Counted through the real Application.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from sqlalchemy import event

from bot.context import Services
from models.booking import BookingStatus
from tests.booking.booking_support import slot_of
from tests.booking.test_booking_flow_helpers import (
    bookings,
    choose_day,
    choose_slot,
    person,
    slot_day,
    tr,
    venue,
)
from tests.harness import BotHarness

COUNTING: ContextVar[list[str] | None] = ContextVar("counting", default=None)
MAX_CONFIRM_STATEMENTS = 8


@contextmanager
def statements_of_this_task(services: Services) -> Iterator[list[str]]:
    """The statements the current task runs (not the persistence flush's, in its own task)."""
    seen: list[str] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        found = COUNTING.get()
        if found is not None:
            found.append(statement.split("\n")[0][:120])

    event.listen(services.engine.sync_engine, "before_cursor_execute", note)
    token = COUNTING.set(seen)
    try:
        yield seen
    finally:
        COUNTING.reset(token)
        event.remove(services.engine.sync_engine, "before_cursor_execute", note)


async def test_confirming_a_canteen_booking_takes_at_most_eight_statements(
    harness: BotHarness, services: Services
) -> None:
    user = await person(harness, 5201, "zh_CN")
    t = tr(services, "zh_CN")
    slot = await slot_of(services.sessions, "d-canteen", 3, index=1)
    canteen = await venue(services, "d-canteen")
    await user.send("/book")  # "for whom?" and "where?" (her own town) go without saying
    await user.choose(t("booking.kind.canteen"))
    await choose_day(user, t, slot_day(slot))
    await choose_slot(user, t, slot, canteen.name("zh_CN"))
    await user.choose(t.n("booking.party.many", 1, n=1))

    with statements_of_this_task(services) as seen:
        await user.choose(t("booking.confirm.yes"))

    [booking] = await bookings(services)
    assert booking.status == BookingStatus.CONFIRMED.value
    assert 0 < len(seen) <= MAX_CONFIRM_STATEMENTS, "\n".join(seen)
