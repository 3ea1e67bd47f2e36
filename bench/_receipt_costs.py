"""What a booking receipt costs to make: the check-in QR code and the calendar file."""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import segno

from handlers.booking.receipts import checkin_link, ics_file
from jobs.qr import qr_modules, qr_png_bytes
from models.booking import Booking, BookingView, Slot
from models.core.base import TOWNS_TZ
from models.core.places import ServiceCentre, Venue


def receipt_costs(rounds: int = 200) -> tuple[float, float, float]:
    """Mean ms of the receipt's QR code (zxing-cpp, fixed version and mask), of the code as it
    was first drawn (segno, pure Python, choosing version and mask: the baseline) and of .ics."""
    link = checkin_link("tongxin_community_bot", "Zx8q0rT3vLm5Pn2B")
    view = demo_view()

    def mean_ms(work: Callable[[], object]) -> float:
        started = time.perf_counter()
        for _ in range(rounds):
            work()
        return (time.perf_counter() - started) / rounds * 1000

    def auto() -> bytes:
        buffer = io.BytesIO()
        segno.make(link, error="m").save(buffer, kind="png", scale=10, border=4)
        return buffer.getvalue()

    return (
        mean_ms(lambda: qr_png_bytes(qr_modules(link))),  # drawn each time (qr_image caches)
        mean_ms(auto),
        mean_ms(lambda: ics_file(view, "zh_CN", TOWNS_TZ)),
    )


def demo_view() -> BookingView:
    """A booking with its slot, venue and centre, built in memory (no database)."""
    starts = datetime(2026, 12, 5, 3, 0, tzinfo=UTC)
    return BookingView(
        Booking(id=1, slot_id=1, person_id=1, status="confirmed", code="Zx8q0rT3vLm5Pn2B"),
        Slot(id=1, venue_id=1, starts_at=starts, ends_at=starts + timedelta(hours=1), capacity=40),
        Venue(id=1, centre_id=1, code="v", kind="canteen", name_zh="长者食堂", name_en="Canteen"),
        ServiceCentre(id=1, town_id=1, code="c", name_zh="D镇党群服务中心", name_en="D centre"),
    )
