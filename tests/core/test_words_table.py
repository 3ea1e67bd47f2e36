"""The phrasing table: real things people type on real screens, in both languages, and what
the shared matcher (``models.core.words``) makes of them.

Each row: the screen (its choices are built from the catalogues, as the bot shows them), the
language of the screen, what was typed, and the outcome: a choice's key (taken), ``Unsure(key)``
(the screen asks "您是说……吗？" about it) or None (the screen is asked again). Day screens are
read from two "todays" (a Saturday and a Thursday at the end of a year), so weekday words are
checked across a week's and a year's turn.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from bot.i18n import Translator, load_catalogues
from bot.registry import FEATURES, check_features
from bot.timefmt import format_day
from handlers.kit import Means, Option
from models.core.phrases import is_greeting
from models.core.words import understand

I18N = load_catalogues()
TODAYS = (date(2026, 12, 5), date(2026, 12, 31))  # a Saturday; a Thursday, the year's last day


@dataclass(frozen=True)
class Unsure:
    """The matcher is not sure: the screen asks about this choice first."""

    key: str


Expected = str | Unsure | None


def t_(lang: str) -> Translator:
    return I18N.translator(lang)


def menu(t: Translator) -> list[Option]:
    return check_features(FEATURES).options(t)


def days(t: Translator, today: date) -> list[Option]:
    """The day screen: today … six days ahead (keys are offsets), then "more days"."""
    names = {0: "booking.day.today", 1: "booking.day.tomorrow", 2: "booking.day.after_tomorrow"}
    options = []
    for ahead in range(7):
        day = today + timedelta(days=ahead)
        words = format_day(day, t.language, short=True)
        label = t(names[ahead], day=words) if ahead in names else words
        options.append(Option(f"+{ahead}", label, Means(day=day)))
    return [*options, Option("more", t("booking.day.more"))]


def party(t: Translator) -> list[Option]:
    return [Option(str(n), t.n("booking.party.many", n, n=n), Means(count=n)) for n in range(1, 9)]


def yes_no(yes: str, no: str) -> Callable[[Translator], list[Option]]:
    def build(t: Translator) -> list[Option]:
        return [Option("yes", t(yes), Means(yes=True)), Option("no", t(no), Means(yes=False))]

    return build


def cancel_booking(t: Translator) -> list[Option]:
    """確定取消吗？ 1 keep it (safe) / 2 cancel it (destructive)."""
    return [
        Option("no", t("mine.cancel.no"), Means(yes=False)),
        Option("yes", t("mine.cancel.yes"), Means(yes=True), destructive=True),
    ]


def booking_detail(t: Translator) -> list[Option]:
    return [
        Option("resend", t("mine.action.resend")),
        Option("move", t("mine.action.move")),
        Option("cancel", t("mine.action.cancel"), destructive=True),
    ]


def delete_data(t: Translator) -> list[Option]:
    return [
        Option("cancel", t("privacy.delete.cancel"), Means(yes=False)),
        Option("confirm", t("privacy.delete.confirm"), destructive=True),
    ]


def confirm(t: Translator) -> list[Option]:
    return [
        Option("yes", t("booking.confirm.yes"), Means(yes=True)),
        Option("again", t("booking.confirm.again"), Means(yes=False)),
    ]


def waitlist(t: Translator) -> list[Option]:
    return [
        Option("join", t("booking.waitlist.join"), Means(yes=True)),
        Option("skip", t("booking.waitlist.skip"), Means(yes=False)),
    ]


def kinds(t: Translator) -> list[Option]:
    from handlers.booking.book.words import kind_means  # the booking screen's own words

    keys = ("activity_room", "hall", "canteen", "health_check", "mediation_room")
    return [
        Option(k, t(f"booking.kind.{k}"), kind_means(k)) for k in (*keys, "enterprise_guidance")
    ]


COMMUNITIES = {
    "D": [
        ("changjiang", "长江新村社区", "Changjiang Xincun Community"),
        ("hongmei", "红梅社区", "Hongmei Community"),
        ("dongfeng", "东风村", "Dongfeng Village"),
    ],
    "Q": [
        ("xinglong", "兴隆社区", "Xinglong Community"),
        ("haibin", "海滨社区", "Haibin Community"),
        ("kenqu", "垦区新村", "Kenqu New Village"),
    ],
}


def communities(town: str) -> Callable[[Translator], list[Option]]:
    def build(t: Translator) -> list[Option]:
        return [Option(k, zh if t.language == "zh_CN" else en) for k, zh, en in COMMUNITIES[town]]

    return build


def towns(t: Translator) -> list[Option]:
    names = {
        "D": ("崇明区D镇", "D town (Chongming, Shanghai)"),
        "Q": ("启东市Q镇", "Q town (Qidong, Jiangsu)"),
    }
    return [Option(k, zh if t.language == "zh_CN" else en) for k, (zh, en) in names.items()]


SCREENS: dict[str, Callable[[Translator], list[Option]]] = {
    "menu": menu,
    "party": party,
    "resident": yes_no("booking.resident.yes", "booking.resident.no"),
    "consent": yes_no("onboarding.consent.yes", "onboarding.consent.no"),
    "cancel_booking": cancel_booking,
    "booking_detail": booking_detail,
    "delete_data": delete_data,
    "confirm": confirm,
    "waitlist": waitlist,
    "kind": kinds,
    "community_d": communities("D"),
    "community_q": communities("Q"),
    "town": towns,
}

# (screen, language, typed, expected)
ROWS: list[tuple[str, str, str, Expected]] = [
    # The main menu: plain requests route to their flow.
    ("menu", "zh_CN", "预约", "book"),
    ("menu", "zh_CN", "预约。", "book"),
    ("menu", "zh_CN", "我要预约", "book"),
    ("menu", "zh_CN", "订饭", "book"),
    ("menu", "zh_CN", "吃饭", "book"),
    ("menu", "zh_CN", "午饭", "book"),
    ("menu", "zh_CN", "我想订明天的午饭", "book"),
    ("menu", "zh_CN", "我想吃午饭", "book"),
    ("menu", "zh_CN", "体检", "book"),
    ("menu", "zh_CN", "我要体检", "book"),
    ("menu", "zh_CN", "调解", "disputes"),
    ("menu", "zh_CN", "矛盾调解", "disputes"),
    ("menu", "zh_CN", "活动", "events"),
    ("menu", "zh_CN", "联合活动", "events"),
    ("menu", "zh_CN", "帮助", "help"),
    ("menu", "zh_CN", "怎么用", "help"),
    ("menu", "zh_CN", "设置", "settings"),
    ("menu", "zh_CN", "改名字", "settings"),
    ("menu", "zh_CN", "我的预约", "mine"),
    ("menu", "zh_CN", "取消预约", "mine"),
    ("menu", "zh_CN", "意见建议", "suggest"),
    ("menu", "zh_CN", "提建议", "suggest"),
    ("menu", "zh_CN", "我有个意见", "suggest"),
    ("menu", "zh_CN", "1", "book"),
    ("menu", "zh_CN", "一", "book"),
    ("menu", "zh_CN", "７", "help"),
    ("menu", "zh_CN", "七。", "help"),
    ("menu", "zh_CN", "1. 📅 预约场地/服务", "book"),
    ("menu", "zh_CN", "随便看看", None),
    ("menu", "zh_CN", "天气不错", None),
    ("menu", "zh_CN", "🙂", None),
    ("menu", "en", "book", "book"),
    ("menu", "en", "Booking", "book"),
    ("menu", "en", "lunch", "book"),
    ("menu", "en", "I want lunch tomorrow", "book"),
    ("menu", "en", "health check", "book"),
    ("menu", "en", "help", "help"),
    ("menu", "en", "suggestion", "suggest"),
    ("menu", "en", "Help!", "help"),
    ("menu", "en", "settings", "settings"),
    ("menu", "en", "events", "events"),
    ("menu", "en", "mediation", "disputes"),
    ("menu", "en", "my bookings", "mine"),
    ("menu", "en", "Book a venue", "book"),
    ("menu", "en", "预约", "book"),  # Chinese words work for an English speaker too
    ("menu", "en", "nice weather", None),
    # How many people.
    ("party", "zh_CN", "两个人", "2"),
    ("party", "zh_CN", "2位", "2"),
    ("party", "zh_CN", "两位", "2"),
    ("party", "zh_CN", "七", "7"),
    ("party", "zh_CN", "7。", "7"),
    ("party", "zh_CN", "三个人", "3"),
    ("party", "zh_CN", "我们俩", "2"),
    ("party", "zh_CN", "我们两个", "2"),
    ("party", "zh_CN", "就我自己", "1"),
    ("party", "zh_CN", "我一个人", "1"),
    ("party", "zh_CN", "一个人", "1"),
    ("party", "zh_CN", "五位", "5"),
    ("party", "zh_CN", "4个", "4"),
    ("party", "zh_CN", "４", "4"),
    ("party", "zh_CN", "第二个", "2"),
    ("party", "zh_CN", "六口人", "6"),
    ("party", "zh_CN", "十个人", None),
    ("party", "zh_CN", "很多人", None),
    ("party", "en", "two people", "2"),
    ("party", "en", "2 people", "2"),
    ("party", "en", "just me", "1"),
    ("party", "en", "me", "1"),
    ("party", "en", "three of us", "3"),
    ("party", "en", "party of 4", "4"),
    ("party", "en", "for five people", "5"),
    ("party", "en", "6", "6"),
    ("party", "en", "a lot", None),
    # Yes / no, where neither choice destroys anything.
    ("resident", "zh_CN", "好的", "yes"),
    ("resident", "zh_CN", "好", "yes"),
    ("resident", "zh_CN", "可以", "yes"),
    ("resident", "zh_CN", "是", "yes"),
    ("resident", "zh_CN", "是的", "yes"),
    ("resident", "zh_CN", "对", "yes"),
    ("resident", "zh_CN", "行", "yes"),
    ("resident", "zh_CN", "嗯", "yes"),
    ("resident", "zh_CN", "好的！", "yes"),
    ("resident", "zh_CN", "不是", "no"),
    ("resident", "zh_CN", "不对", "no"),
    ("resident", "zh_CN", "不要", "no"),
    ("resident", "zh_CN", "算了", "no"),
    ("resident", "zh_CN", "2", "no"),
    ("resident", "en", "yes", "yes"),
    ("resident", "en", "Yes.", "yes"),
    ("resident", "en", "ok", "yes"),
    ("resident", "en", "OK", "yes"),
    ("resident", "en", "sure", "yes"),
    ("resident", "en", "no", "no"),
    ("resident", "en", "nope", "no"),
    ("resident", "en", "maybe", None),
    ("consent", "zh_CN", "同意", "yes"),
    ("consent", "zh_CN", "我同意", "yes"),
    ("consent", "zh_CN", "好的", "yes"),
    ("consent", "zh_CN", "可以", "yes"),
    ("consent", "zh_CN", "不同意", "no"),
    ("consent", "zh_CN", "算了", "no"),
    ("consent", "zh_CN", "不要", "no"),
    ("consent", "en", "I agree", "yes"),
    ("consent", "en", "agree", "yes"),
    ("consent", "en", "no", "no"),
    ("confirm", "zh_CN", "确认", "yes"),
    ("confirm", "zh_CN", "好的", "yes"),
    ("confirm", "zh_CN", "行", "yes"),
    ("confirm", "zh_CN", "没问题", "yes"),
    ("confirm", "zh_CN", "算了", "again"),
    ("confirm", "zh_CN", "重新选择", "again"),
    ("confirm", "en", "confirm", "yes"),
    ("confirm", "en", "yes please", "yes"),
    ("waitlist", "zh_CN", "好的", "join"),
    ("waitlist", "zh_CN", "不用了", "skip"),
    ("waitlist", "en", "yes", "join"),
    ("waitlist", "en", "no thanks", "skip"),
    # Destructive choices: never guessed, only the number or the exact words.
    ("cancel_booking", "zh_CN", "好的", None),
    ("cancel_booking", "zh_CN", "是", None),
    ("cancel_booking", "zh_CN", "确定", None),
    ("cancel_booking", "zh_CN", "可以", None),
    ("cancel_booking", "zh_CN", "取消", None),
    ("cancel_booking", "zh_CN", "取消预约吧", None),
    ("cancel_booking", "zh_CN", "算了", "no"),
    ("cancel_booking", "zh_CN", "不要", "no"),
    ("cancel_booking", "zh_CN", "不", "no"),
    ("cancel_booking", "zh_CN", "1", "no"),
    ("cancel_booking", "zh_CN", "2", "yes"),
    ("cancel_booking", "zh_CN", "二", "yes"),
    ("cancel_booking", "zh_CN", "是，取消预约", "yes"),
    ("cancel_booking", "zh_CN", "2. 是，取消预约", "yes"),
    ("cancel_booking", "en", "yes", None),
    ("cancel_booking", "en", "ok", None),
    ("cancel_booking", "en", "cancel", None),
    ("cancel_booking", "en", "no", "no"),
    ("cancel_booking", "en", "Yes, cancel it", "yes"),
    ("booking_detail", "zh_CN", "取消", None),
    ("booking_detail", "zh_CN", "取消预约", "cancel"),
    ("booking_detail", "zh_CN", "改期", "move"),
    ("booking_detail", "zh_CN", "预约单", "resend"),
    ("booking_detail", "en", "cancel", None),
    ("booking_detail", "en", "change the time", "move"),
    ("delete_data", "zh_CN", "好的", None),
    ("delete_data", "zh_CN", "删除", None),
    ("delete_data", "zh_CN", "算了", "cancel"),
    ("delete_data", "zh_CN", "确认删除", "confirm"),
    ("delete_data", "en", "yes", None),
    ("delete_data", "en", "no", "cancel"),
    # What to book.
    ("kind", "zh_CN", "午饭", "canteen"),
    ("kind", "zh_CN", "吃饭", "canteen"),
    ("kind", "zh_CN", "助餐", "canteen"),
    ("kind", "zh_CN", "食堂", "canteen"),
    ("kind", "zh_CN", "我想吃午饭", "canteen"),
    ("kind", "zh_CN", "体检", "health_check"),
    ("kind", "zh_CN", "量血压", "health_check"),
    ("kind", "zh_CN", "活动室", "activity_room"),
    ("kind", "zh_CN", "大厅", "hall"),
    ("kind", "zh_CN", "调解室", "mediation_room"),
    ("kind", "zh_CN", "创业", "enterprise_guidance"),
    ("kind", "zh_CN", "三", "canteen"),
    ("kind", "en", "lunch", "canteen"),
    ("kind", "en", "canteen", "canteen"),
    ("kind", "en", "health check", "health_check"),
    ("kind", "en", "hall", "hall"),
    ("kind", "en", "activity room", "activity_room"),
    # Where: communities and towns by their names, in part, or misspelt.
    ("community_d", "zh_CN", "长江新村", "changjiang"),
    ("community_d", "zh_CN", "长江", "changjiang"),
    ("community_d", "zh_CN", "长江新村社区", "changjiang"),
    ("community_d", "zh_CN", "红梅", "hongmei"),
    ("community_d", "zh_CN", "东风", "dongfeng"),
    ("community_d", "zh_CN", "东风村。", "dongfeng"),
    ("community_d", "zh_CN", "长江新邨", Unsure("changjiang")),
    ("community_d", "zh_CN", "长江新材社区", Unsure("changjiang")),
    ("community_d", "zh_CN", "三", "dongfeng"),
    ("community_d", "zh_CN", "海滨", None),
    ("community_d", "en", "Hongmei", "hongmei"),
    ("community_d", "en", "changjiang", "changjiang"),
    ("community_d", "en", "dongfeng village", "dongfeng"),
    ("community_d", "en", "Hongmai", Unsure("hongmei")),
    ("community_q", "zh_CN", "兴隆", "xinglong"),
    ("community_q", "zh_CN", "海滨", "haibin"),
    ("community_q", "zh_CN", "垦区", "kenqu"),
    ("community_q", "en", "Kenqu", "kenqu"),
    ("community_q", "en", "haibin", "haibin"),
    ("town", "zh_CN", "D镇", "D"),
    ("town", "zh_CN", "崇明", "D"),
    ("town", "zh_CN", "Q镇", "Q"),
    ("town", "zh_CN", "启东", "Q"),
    ("town", "en", "D town", "D"),
    ("town", "en", "Qidong", "Q"),
]

# Day screens: (language, typed, expected) where expected is an offset from today ("+1"), the
# coming weekday ("wd:5": Saturday, today included), next week's ("next:0": Monday), a day of
# the month ("dom:9"), or None.
DAY_ROWS: list[tuple[str, str, str | None]] = [
    ("zh_CN", "今天", "+0"),
    ("zh_CN", "明天", "+1"),
    ("zh_CN", "明天吧", "+1"),
    ("zh_CN", "明天。", "+1"),
    ("zh_CN", "明天的", "+1"),
    ("zh_CN", "我想明天去", "+1"),
    ("zh_CN", "后天", "+2"),
    ("zh_CN", "大后天", "+3"),
    ("zh_CN", "周六", "wd:5"),
    ("zh_CN", "周日", "wd:6"),
    ("zh_CN", "周一", "wd:0"),
    ("zh_CN", "星期三", "wd:2"),
    ("zh_CN", "礼拜天", "wd:6"),
    ("zh_CN", "下周一", "next:0"),
    ("zh_CN", "下个星期二", "next:1"),
    ("zh_CN", "本周六", "this:5"),
    ("zh_CN", "这周日", "this:6"),
    ("zh_CN", "3", "+2"),
    ("zh_CN", "二", "+1"),
    ("zh_CN", "随便哪天", None),
    ("en", "today", "+0"),
    ("en", "tomorrow", "+1"),
    ("en", "Tomorrow please", "+1"),
    ("en", "the day after tomorrow", "+2"),
    ("en", "saturday", "wd:5"),
    ("en", "Sunday", "wd:6"),
    ("en", "on friday", "wd:4"),
    ("en", "next monday", "next:0"),
    ("en", "this sunday", "this:6"),
    ("en", "whenever", None),
]

GREETING_ROWS: list[tuple[str, bool]] = [
    ("你好", True),
    ("您好", True),
    ("你好！", True),
    ("早上好", True),
    ("在吗", True),
    ("在吗？", True),
    ("hello", True),
    ("Hi", True),
    ("Good morning", True),
    ("你好，我想预约", False),
    ("预约", False),
]


def _expected_day(today: date, spec: str | None) -> str | None:
    if spec is None:
        return None
    kind, _, value = spec.partition(":")
    if spec.startswith("+"):
        ahead = int(spec[1:])
    elif kind == "wd":
        ahead = (int(value) - today.weekday()) % 7
    elif kind == "next":
        ahead = 7 - today.weekday() + int(value)
    else:  # this week's
        ahead = int(value) - today.weekday()
    return f"+{ahead}" if 0 <= ahead < 7 else None


def _outcome(typed: str, options: list[Option], today: date | None = None) -> Expected:
    found = understand(typed, options, today=today)
    if found.choice is None:
        return None
    return found.choice.key if found.sure else Unsure(found.choice.key)


@pytest.mark.parametrize(("screen", "lang", "typed", "expected"), ROWS)
def test_phrasing(screen: str, lang: str, typed: str, expected: Expected) -> None:
    assert _outcome(typed, SCREENS[screen](t_(lang))) == expected


@pytest.mark.parametrize("today", TODAYS, ids=str)
@pytest.mark.parametrize(("lang", "typed", "spec"), DAY_ROWS)
def test_day_phrasing(today: date, lang: str, typed: str, spec: str | None) -> None:
    assert _outcome(typed, days(t_(lang), today), today) == _expected_day(today, spec)


@pytest.mark.parametrize(("typed", "greeting"), GREETING_ROWS)
def test_greetings(typed: str, greeting: bool) -> None:
    assert is_greeting(typed) is greeting


def test_the_table_is_long_enough() -> None:
    assert len(ROWS) + len(DAY_ROWS) + len(GREETING_ROWS) >= 150
