"""Calendar files (``.ics``) for receipts: a booking or an event registration on the phone's
calendar. The UID is the thing's own and SEQUENCE counts its changes, so a moved booking or an
edited event updates the entry the phone already has instead of adding a second one."""

from __future__ import annotations

from datetime import datetime

from icalendar import Calendar, Event


def calendar_file(
    *,
    uid: str,
    sequence: int,
    starts_at: datetime,
    ends_at: datetime,
    summary: str,
    location: str,
    stamp: datetime,
    product: str = "booking",
) -> bytes:
    """One calendar entry as iCalendar bytes."""
    calendar = Calendar()
    calendar.add("prodid", f"-//Tongxin//{product}//ZH")
    calendar.add("version", "2.0")
    event = Event()
    event.add("uid", uid)
    event.add("sequence", sequence)
    event.add("dtstamp", stamp)
    event.add("dtstart", starts_at)
    event.add("dtend", ends_at)
    event.add("summary", summary)
    event.add("location", location)
    calendar.add_component(event)
    return bytes(calendar.to_ical())
