"""Residents never read a slash command: every text they see points at a button or the menu.

Staff texts may name their commands (``/approvals``, ``/broadcasts``): staff are taught them,
and /help lists them for each role. A resident-facing text is every message outside the staff
catalogues below and the few staff messages in shared catalogues.
"""

from __future__ import annotations

import re

import pytest

from bot.i18n import LANGUAGES
from tests.core.locale_catalogues import LOCALES_DIR, read_language

# Catalogues only staff read (volunteers' notices, admins' approvals, venues and role screens).
STAFF_CATALOGUES = frozenset(
    {
        "booking_staff.po",
        "broadcast.po",
        "disputes_mediator.po",
        "disputes_settings.po",
        "events_staff.po",
        "venues_admin.po",
    }
)
# Staff messages in catalogues residents also read, and the help's list of staff commands.
STAFF_IDS = frozenset(
    {
        "roles.redeemed.admin",
        "roles.list.empty",
        "help.staff",
        "help.staff.command",
        "help.command.approvals",
        "help.command.cases",
        "help.command.duty",
        "booking.approval.request",
        "booking.button.approve",
        "booking.words.approve",  # words an admin types to approve a request
        # The joint meeting's committee members and secretary (the notice's heading, which
        # residents read, stays checked).
        "governance.notice.pending",
        "governance.notice.error.nothing",
        "governance.action.overdue",
        "governance.meeting.reminder.week",
    }
)
COMMAND = re.compile(r"(?<![\w/:.])/[a-z]{2,}\b")


def _staff_ids(language: str) -> set[str]:
    """The ids of the staff-only catalogues, plus the staff ids of shared ones."""
    folder = LOCALES_DIR / language / "LC_MESSAGES"
    found = set(STAFF_IDS)
    for name in STAFF_CATALOGUES:
        text = (folder / name).read_text(encoding="utf-8")
        found.update(re.findall(r'^msgid "([^"]+)"', text, flags=re.MULTILINE))
    return found


def _resident_texts(language: str) -> dict[str, str]:
    messages, problems = read_language(LOCALES_DIR, language)
    assert problems == []
    staff = _staff_ids(language)
    return {msgid: text for msgid, text in messages.items() if msgid not in staff}


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_resident_text_names_a_slash_command(language: str) -> None:
    texts = _resident_texts(language)
    assert len(texts) > 100, "the resident texts were not found"
    offending = {msgid: COMMAND.findall(text) for msgid, text in texts.items()}
    assert {msgid: found for msgid, found in offending.items() if found} == {}
