"""Governance (共治): the residents' voice and the two towns' joint meeting, one feature in parts.

- ``suggestions``: 意见建议 from any resident (text or voice, optionally anonymous) and the
  concerned town's admins' queue (reply, adopted with what was done, not adopted with why);
- ``stats``: /stats for admins (participation by period and town, the cross-community index,
  cases, unreachable residents) with charts and CSV, and the monthly digest;
- ``meetings``: the bi-monthly rotating joint meeting (schedule, reminders, the agenda draft,
  action items and their nudges, the "我们这样做了" notice), and the ratings behind it;
- ``roster``: the staff exchange roster (挂职) and "who is on duty at this centre today".

Each part is a ``Feature`` of its own shape; ``FEATURE`` joins them, so the registry sees one
domain (its checks still refuse two parts claiming the same prefix or menu key).
"""

from __future__ import annotations

from handlers.governance import meetings, roster, stats, suggestions
from handlers.kit import Feature, Handlers, Wiring

# Order matters: within group 0 the first handler that accepts an update handles it.
PARTS: tuple[Feature, ...] = (suggestions.PART, meetings.PART, roster.PART, stats.PART)


def _joined(wiring: Wiring, pick: str) -> Handlers:
    return [handler for part in PARTS for handler in getattr(part, pick)(wiring)]


FEATURE = Feature(
    name="governance",
    handlers=lambda wiring: _joined(wiring, "handlers"),
    answers=lambda wiring: _joined(wiring, "answers"),
    groups=lambda wiring: _joined(wiring, "groups"),
    jobs=[job for part in PARTS for job in part.jobs],
    menu=[entry for part in PARTS for entry in part.menu],
    deep_links=[link for part in PARTS for link in part.deep_links],
    questions=[question for part in PARTS for question in part.questions],
    callbacks=[code for part in PARTS for code in part.callbacks],
    checkin=[rows for part in PARTS for rows in part.checkin],
)

__all__ = ["FEATURE"]
