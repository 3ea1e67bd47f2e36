"""Message ids for the words a case is shown with (category, parties, status, referral)."""

from __future__ import annotations

from datetime import date

from models.core.base import N_
from models.core.outbox import bilingual_param
from models.disputes.tables import CaseStatus, Category, Contact, Parties, Referral

CATEGORY = {
    Category.NOISE: N_("disputes.category.noise"),
    Category.PROPERTY: N_("disputes.category.property"),
    Category.SHARED_SPACE: N_("disputes.category.shared_space"),
    Category.FAMILY: N_("disputes.category.family"),
    Category.MONEY: N_("disputes.category.money"),
    Category.CROSS_BORDER: N_("disputes.category.cross_border"),
    Category.OTHER: N_("disputes.category.other"),
}
PARTIES = {
    Parties.SAME_COMMUNITY: N_("disputes.parties.same_community"),
    Parties.OTHER_COMMUNITY: N_("disputes.parties.other_community"),
    Parties.OTHER_TOWN: N_("disputes.parties.other_town"),
}
CONTACT = {
    Contact.BOT: N_("disputes.contact.bot"),
    Contact.PHONE: N_("disputes.contact.phone"),
}
# Said to residents in plain words: "等待调解员接手", "调解员正在处理" …
STATUS = {
    CaseStatus.AWAITING_RESIDENT: N_("disputes.status.awaiting_resident"),
    CaseStatus.NEW: N_("disputes.status.new"),
    CaseStatus.ACCEPTED: N_("disputes.status.accepted"),
    CaseStatus.IN_MEDIATION: N_("disputes.status.in_mediation"),
    CaseStatus.RESOLVED: N_("disputes.status.resolved"),
    CaseStatus.REFERRED: N_("disputes.status.referred"),
    CaseStatus.WITHDRAWN: N_("disputes.status.withdrawn"),
}
REFERRAL = {
    Referral.COURT: N_("disputes.referral.court"),
    Referral.POLICE: N_("disputes.referral.police"),
    Referral.HOTLINE: N_("disputes.referral.12345"),
}
ANONYMOUS = N_("disputes.anonymous")  # how an anonymous reporter is named to staff


def status_label(status: str) -> str:
    """The message id of a status in plain words."""
    return STATUS[CaseStatus(status)]


def category_label(category: str) -> str:
    """The message id of a category."""
    return CATEGORY[Category(category)]


def day_param(day: date) -> dict[str, str]:
    """A date shown as words in the recipient's language: 12月5日 / 5 Dec 2026."""
    return bilingual_param(f"{day.year}年{day.month}月{day.day}日", day.strftime("%-d %b %Y"))
