"""The organiser's inline screens: my towns' events, one event's card, the cancel question and
the list of details that can be changed. Texts and buttons only; ``manage`` routes the taps."""

from __future__ import annotations

from telegram import InlineKeyboardButton

from bot.context import TongxinContext
from bot.timefmt import format_span
from handlers.events.staff.codes import MANAGE
from handlers.kit import Buttons, nav_buttons, page_rows
from models.events import EventCard, EventStatus, ManagedPage, QuestionKind

Inline = tuple[str, Buttons]
HOME = MANAGE.data("home")
# The details an organiser can change after creating (each asked by a typed answer).
FIELDS = (
    "name_zh", "name_en", "description_zh", "description_en", "when", "ends",
    "capacity", "place", "directions", "party",
)  # fmt: skip


def button(label: str, action: str, *fields: int | str) -> list[InlineKeyboardButton]:
    """One ``evm:`` button on a row of its own (elder layout)."""
    return [InlineKeyboardButton(label, callback_data=MANAGE.data(action, *fields))]


def status_word(context: TongxinContext, status: str) -> str:
    """草稿 / 已发布 / 已取消."""
    return context.t(f"events_staff.status.{status}")


def list_screen(context: TongxinContext, found: ManagedPage) -> Inline:
    """My towns' events, soonest first, and ➕ a new one."""
    t, lang, tz = context.t, context.lang, context.services.settings.tz
    buttons: Buttons = []
    for n, event in enumerate(found.events, 1):
        name = event.name(lang) or event.name_zh or event.name_en
        label = t(
            "events_staff.list.button", n=n, name=name,
            when=format_span(event.starts_at, event.ends_at, lang, tz),
            status=status_word(context, event.status),
        )  # fmt: skip
        buttons.append(button(label, "e", event.id or 0))
    buttons.append(button(t("events_staff.button.new"), "new"))
    more = lambda page: MANAGE.data("list", page)  # noqa: E731
    buttons.extend(page_rows(t, found.page, found.pages, more, back=HOME, home=HOME))
    if not found.events:
        return t("events_staff.list.empty"), buttons
    return t("events_staff.list.title", page=found.page + 1, pages=found.pages), buttons


def card_text(context: TongxinContext, card: EventCard) -> str:
    """An event's details as the organiser sees them."""
    t, lang, tz = context.t, context.lang, context.services.settings.tz
    event = card.event
    missing = t("events_staff.missing")
    quotas = "\n".join(
        t("events_staff.card.quota", town=town.name(lang), taken=taken, quota=quota)
        for town, quota, taken in card.quotas
    )
    return t(
        "events_staff.card",
        name_zh=event.name_zh or missing,
        name_en=event.name_en or missing,
        status=status_word(context, event.status),
        when=format_span(event.starts_at, event.ends_at, lang, tz),
        place=card.place[1] if lang == "en" else card.place[0],
        hosts=" + ".join(town.name(lang) for town in card.hosts),
        registered=card.registered,
        capacity=event.capacity,
        held_back=event.held_back,
        quotas=quotas or t("events_staff.summary.no_quotas"),
        party=event.max_party,
    )


def card_screen(context: TongxinContext, card: EventCard, first: str = "") -> Inline:
    """One event: publish or announce, change a detail, copy, cancel (last: it destroys)."""
    t, event = context.t, card.event
    e = event.id or 0
    buttons: Buttons = []
    if event.status == EventStatus.DRAFT.value:
        buttons.append(button(t("events_staff.button.publish"), "pub", e))
    if event.status == EventStatus.PUBLISHED.value:
        buttons.append(button(t("events_staff.button.announce"), "ann", e))
    if event.status != EventStatus.CANCELLED.value:
        buttons.append(button(t("events_staff.button.edit"), "ed", e))
    buttons.append(button(t("events_staff.button.copy"), "cp", e))
    if event.status != EventStatus.CANCELLED.value:
        buttons.append(button(t("events_staff.button.cancel"), "x", e))
    buttons.append(nav_buttons(t, MANAGE.data("list", 0), HOME))
    text = card_text(context, card)
    return (f"{first}\n\n{text}" if first else text), buttons


def cancel_screen(context: TongxinContext, card: EventCard) -> Inline:
    """Cancel the event? Keeping it comes first; the cancel is never option 1."""
    t, e = context.t, card.event.id or 0
    text = t.n(
        "events_staff.cancel.ask", card.registered,
        name=card.event.name(context.lang) or card.event.name_zh, registered=card.registered,
    )  # fmt: skip
    buttons = [
        button(t("events_staff.button.keep"), "e", e),
        button(t("events_staff.button.cancel_yes"), "xx", e),
        nav_buttons(t, MANAGE.data("e", e), HOME),
    ]
    return text, buttons


def fields_screen(context: TongxinContext, card: EventCard) -> Inline:
    """Which detail to change."""
    t, e = context.t, card.event.id or 0
    buttons = [button(t(f"events_staff.field.{name}"), "f", e, name) for name in FIELDS]
    buttons.append(button(t("events_staff.field.quotas"), "q", e))
    if card.event.question_kind == QuestionKind.CHOICE.value:
        buttons.append(button(t("events_staff.field.options"), "o", e))
    buttons.append(nav_buttons(t, MANAGE.data("e", e), HOME))
    return t("events_staff.edit.which", name=card.event.name(context.lang)), buttons
