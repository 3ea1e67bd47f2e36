"""How a secondment reads: its weekdays, hours, days and one line about the person."""

from __future__ import annotations

from datetime import date

from bot.i18n import Translator
from bot.timefmt import format_day
from models.governance import DutyToday, Secondee, weekdays_of

EVERY_DAY = 0b1111111
WORKDAYS = 0b0011111


def weekdays_text(t: Translator, mask: int) -> str:
    """``周一至周五``, ``每天``, or the days named (``星期二、星期四``)."""
    if mask == EVERY_DAY:
        return t("roster.weekdays.every")
    if mask == WORKDAYS:
        return t("roster.weekdays.workdays")
    return t("roster.weekdays.separator").join(t(f"roles.weekday.{d}") for d in weekdays_of(mask))


def hours_text(hours: str) -> str:
    """``09:00-12:00, 14:00-17:00``."""
    return hours.replace(" ", ", ")


def days_text(t: Translator, first: date, last: date) -> str:
    """``12月1日 周二 至 12月31日 周四``."""
    return t(
        "roster.days",
        first=format_day(first, t.language, short=True),
        last=format_day(last, t.language, short=True),
    )


def entry_text(t: Translator, entry: Secondee) -> str:
    """Everything about one secondment, for the admin's card."""
    return about(
        t, entry.name, entry.title, entry.home_town.name(t.language),
        entry.centre.name(t.language), (entry.first_day, entry.last_day),
        entry.weekdays, entry.hours,
    )  # fmt: skip


def about(
    t: Translator, name: str, title: str, town: str, centre: str, days: tuple[date, date],
    weekdays: int, hours: str,
) -> str:  # fmt: skip
    """A secondment in words (the card, and the add flow's confirmation)."""
    return t(
        "roster.entry", name=name, title=title, town=town, centre=centre,
        days=days_text(t, *days), weekdays=weekdays_text(t, weekdays), hours=hours_text(hours),
    )  # fmt: skip


def duty_text(t: Translator, found: DutyToday) -> str:
    """The resident's answer: the centre, today in words, and who is on duty (or nobody)."""
    centre, day = found.centre.name(t.language), format_day(found.day, t.language)
    if not found.people:
        if found.centre.phone:
            return t("roster.duty.nobody", centre=centre, day=day, phone=found.centre.phone)
        return t("roster.duty.nobody_no_phone", centre=centre, day=day)
    lines = "\n".join(
        t(
            "roster.duty.person",
            name=p.name,
            title=p.title,
            town=p.home_town.name(t.language),
            hours=hours_text(p.hours),
        )
        for p in found.people
    )
    return t.n("roster.duty.some", len(found.people), centre=centre, day=day, people=lines)
