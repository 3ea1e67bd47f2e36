"""联合活动: the upcoming events a screen at a time (nearest first, places left in words), and
other ways to look: this week, my town, the other town, by topic.

The list is the first screen, so registering for an event without a question takes five
taps from the main menu: 联合活动, the event, 报名, how many, 确认. A page holds as many events
as the person's layout leaves room for beside "more events", "other ways to look" and "my
events" (elder mode: six choices a screen).
"""

from __future__ import annotations

from telegram import Update

from bot.context import TongxinContext
from bot.i18n import N_
from handlers.events.resident.draft import (
    FILTER,
    FILTER_KEY,
    LIST,
    MINE_KEY,
    NEXT,
    TOPIC,
    events_draft,
    forget_registration,
    not_understood,
)
from handlers.events.resident.texts import line_label, topic_label
from handlers.kit import Means, Option, ask, chosen, clear_draft, leave, me, parse_id, room, run
from models.events import Listing, topics, upcoming_events

LISTINGS = tuple(listing.value for listing in Listing)
FILTER_WORDS = {
    Listing.WEEK.value: ("本周", "这周", "这个星期", "this week", "week"),
    Listing.MY_TOWN.value: ("本镇", "我们镇", "my town"),
    Listing.OTHER_TOWN.value: ("对面镇", "外镇", "另一个镇", "other town"),
    "topic": ("主题", "类型", "topic"),
    Listing.ALL.value: ("全部", "所有", "all"),
}
FIXED = 3  # beside the events: next page, other ways to look, my events
HEADINGS = {
    Listing.ALL.value: N_("events_resident.list.all"),
    Listing.WEEK.value: N_("events_resident.list.week"),
    Listing.MY_TOWN.value: N_("events_resident.list.mine"),
    Listing.OTHER_TOWN.value: N_("events_resident.list.other"),
}
FILTERS = {
    Listing.WEEK.value: N_("events_resident.filter.week"),
    Listing.MY_TOWN.value: N_("events_resident.filter.mine"),
    Listing.OTHER_TOWN.value: N_("events_resident.filter.other"),
    "topic": N_("events_resident.filter.topic"),
    Listing.ALL.value: N_("events_resident.filter.all"),
}


async def start_events(update: Update, context: TongxinContext) -> int:
    """联合活动 / /events: every upcoming event, from the first page."""
    clear_draft(context)
    return await show_list(update, context)


def _heading(context: TongxinContext, listing: str, topic: str | None) -> str:
    t = context.t
    if topic:
        return t("events_resident.list.topic", topic=topic_label(context, topic))
    return t(HEADINGS.get(listing, HEADINGS[Listing.ALL.value]))


async def show_list(update: Update, context: TongxinContext, first: str = "") -> int:
    """One page of events; none → a kind word and the other ways to look."""
    data, t = events_draft(context), context.t
    forget_registration(data)
    listing, topic = data.get("listing", Listing.ALL.value), data.get("topic")
    page = await run(
        context,
        upcoming_events,
        person=me(context),
        listing=Listing(listing),
        topic=topic,
        page=data.get("page", 0),
        per_page=room(context, FIXED),
    )
    if not page.lines and page.page > 0:  # the list got shorter meanwhile: its first page
        data["page"] = 0
        return await show_list(update, context, first)
    options = [
        Option(str(line.event.id), line_label(context, line.event, line.left_for_town))
        for line in page.lines
    ]
    if page.more:
        options.append(Option(NEXT, t("events_resident.list.next"), Means(words=("下一页",))))
    options.append(Option(FILTER_KEY, t("events_resident.list.filter"), Means(words=("找",))))
    options.append(Option(MINE_KEY, t("events_resident.list.mine"), Means(words=("我的",))))
    heading = _heading(context, listing, topic)
    text = (
        t("events_resident.list.ask", heading=heading)
        if page.lines
        else t("events_resident.list.none", heading=heading)
    )
    return await ask(update, context, text, options, LIST, first=first)


async def back_from_list(update: Update, context: TongxinContext) -> int:
    """⬅️ on the list: the page before, else the other ways to look, else the main menu."""
    data = events_draft(context)
    if data.get("page", 0) > 0:
        data["page"] = data.get("page", 0) - 1
        return await show_list(update, context)
    if data.get("listing", Listing.ALL.value) != Listing.ALL.value or data.get("topic"):
        return await ask_filter(update, context)
    return await leave(update, context)


async def ask_filter(update: Update, context: TongxinContext, first: str = "") -> int:
    """Which events: this week, my town, the other town, by topic, or all."""
    t = context.t
    options = [
        Option(key, t(msgid), Means(words=FILTER_WORDS[key])) for key, msgid in FILTERS.items()
    ]
    return await ask(update, context, t("events_resident.ask_filter"), options, FILTER, first=first)


async def on_filter(update: Update, context: TongxinContext) -> int:
    """A way to look chosen: its list from the first page (a topic asks which)."""
    key, data = chosen(update, context), events_draft(context)
    if key == "topic":
        return await ask_topic(update, context)
    if key not in LISTINGS:
        return await ask_filter(update, context, not_understood(context))
    data["listing"], data["page"] = key, 0
    data.pop("topic", None)
    return await show_list(update, context)


async def ask_topic(update: Update, context: TongxinContext, first: str = "") -> int:
    """Which topic (those of the events ahead)."""
    found = await run(context, topics)
    if not found:
        return await ask_filter(update, context, context.t("events_resident.topic.none"))
    options = [Option(topic, topic_label(context, topic)) for topic in found]
    text = context.t("events_resident.ask_topic")
    return await ask(update, context, text, options, TOPIC, first=first)


async def on_topic(update: Update, context: TongxinContext) -> int:
    """A topic chosen: its events, from the first page."""
    key, data = chosen(update, context), events_draft(context)
    if key is None:
        return await ask_topic(update, context, not_understood(context))
    data["listing"], data["topic"], data["page"] = Listing.ALL.value, key, 0
    return await show_list(update, context)


def picked_event(key: str | None) -> int | None:
    """The event id a list choice names (None for the list's own choices)."""
    if key is None or key.startswith("__"):
        return None
    return parse_id(key)
