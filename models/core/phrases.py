"""What people type instead of a button: days, head counts, yes and no, greetings.

A small grammar over text already tidied by ``tidy`` (NFKC, case-folded, Chinese numerals
turned into digits by ``cn2an``, English number words by ``text2num``), in both languages the
bot speaks. These are words people type, not words the bot shows, so they are data here rather
than translated messages: a resident whose language is English may still type "好的".
"""

from __future__ import annotations

import re
import unicodedata
from contextlib import suppress
from datetime import date, timedelta
from functools import lru_cache

import cn2an
from text_to_num import alpha2digit

# Trailing marks and particles that change nothing: "7。", "好的！", "明天吧", "ok~".
_MARKS = re.compile(r"[\s。．.，,！!？?~～…、:：;；\"'“”‘’)）]+$")
_PARTICLES = re.compile(r"[吧啊呀哦了嘛呢哈啦喔]+$")
_LEADING = re.compile(r"^[\s，,、:：\"'“”‘’(（]+")
# A choice number said as one: "7", "七", "第三个", "选2", "no. 3", "number 2".
_CHOICE_NUMBER = re.compile(
    r"^(?:选|选择|第|要|no\.?|number|option|#)?\s*(\d{1,2})\s*(?:个|项|号选项)?$"
)


def _words(*lines: str) -> frozenset[str]:
    return frozenset(" ".join(lines).split())


YES_WORDS = _words(
    "好 好的 好滴 好呀 好嘞 可以 可以的 行 行的 成 是 是的 对 对的 同意 愿意",
    "确认 确定 没问题 嗯 嗯嗯 要 要的 ok okay yes yeah yep sure agree confirm fine alright",
)
NO_WORDS = _words(
    "不 不要 不用 不用了 不了 算了 不好 不行 不是 不对 不同意 不愿意 别 没有 否 再说 以后再说",
    "no nope nah nevermind",
)
GREETINGS = _words(
    "你好 您好 你们好 大家好 早 早上好 上午好 中午好 下午好 晚上好 哈喽 嗨 在吗 在不在",
    "hello hi hey hallo",
)
# Multi-word English greetings and refusals, matched as whole texts.
_PHRASES_YES = frozenset({"of course", "yes please", "go ahead", "that's right", "all right"})
_PHRASES_NO = frozenset({"no thanks", "no thank you", "never mind", "not now", "forget it"})
_PHRASES_HI = frozenset({"good morning", "good afternoon", "good evening", "hi there"})

WEEKDAYS_EN = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


# Every screen answer (and every label it is compared with) passes through these; people and
# buttons repeat the same few hundred texts, so a small cache saves the regexes and cn2an.
@lru_cache(maxsize=4096)
def tidy(text: str, *, particles: bool = True) -> str:
    """Case-folded NFKC text without the marks (and, unless told, particles) around it."""
    text = unicodedata.normalize("NFKC", text).strip().casefold()
    previous = None
    while previous != text:
        previous = text
        text = _MARKS.sub("", _LEADING.sub("", text)).strip()
        if particles:
            text = _PARTICLES.sub("", text)
    return text


# Characters without which cn2an has nothing to turn into digits.
_CHINESE_NUMERALS = frozenset("零〇一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟俩仨幺")


@lru_cache(maxsize=4096)
def digits(text: str) -> str:
    """``text`` with its numbers in digits ("两个人" → "2个人", "two of us" → "2 of us")."""
    if text.isascii():
        return alpha2digit(text, "en", threshold=0) if any(c.isalpha() for c in text) else text
    if _CHINESE_NUMERALS.isdisjoint(text):
        return text
    text = text.replace("俩", "2个").replace("仨", "3个")
    with suppress(ValueError, KeyError):  # cn2an refuses some mixtures: keep them as typed
        text = cn2an.transform(text, "cn2an")
    return alpha2digit(text, "en", threshold=0) if text.isascii() else text


def choice_number(text: str) -> int | None:
    """The choice number the text is, if it is one ("3", "３", "七", "第三个", "7。")."""
    found = _CHOICE_NUMBER.match(digits(tidy(text)))
    return int(found.group(1)) if found else None


def _whole(text: str, words: frozenset[str], phrases: frozenset[str]) -> bool:
    for said in (tidy(text, particles=False), tidy(text)):
        if said in words or said in phrases or said.replace(" ", "") in words:
            return True
    return False


def is_yes(text: str) -> bool:
    """The text agrees ("好的", "可以", "ok", "yes")."""
    return _whole(text, YES_WORDS, _PHRASES_YES)


def is_no(text: str) -> bool:
    """The text declines ("不要", "算了", "no")."""
    return _whole(text, NO_WORDS, _PHRASES_NO)


def is_greeting(text: str) -> bool:
    """The text is a greeting and nothing more ("你好", "hello")."""
    return _whole(text, GREETINGS, _PHRASES_HI)


_COUNT_ZH = re.compile(r"(\d{1,2})\s*(?:个人|个|位|人|口人|口)")
_COUNT_EN = re.compile(
    r"(?:party of|table for|for|we are|we're|there are|there will be)?\s*"
    r"(\d{1,2})\s*(?:people|persons|person|of us|adults|guests|pax)\b"
    r"|(?:party of|table for|we are|we're)\s*(\d{1,2})\b"
)
_ALONE = re.compile(
    r"^(?:就|只有|只)?(?:我|我自己|自己|本人)(?:自己)?(?:一个|去)?$"
    r"|^(?:just |only )?(?:me|myself)(?: alone)?$"
)
_PAIR = re.compile(r"^(?:我们|咱们|我和老伴|我跟老伴|我和老伴儿|老两口|夫妻)(?:两个|2个)?$")


def find_count(text: str) -> int | None:
    """How many people the text says ("两个人", "2位", "我们俩", "two people", "just me")."""
    said = tidy(text)
    if _ALONE.match(said):
        return 1
    if _PAIR.match(said):
        return 2
    said = digits(said)
    found = _COUNT_ZH.search(said) or _COUNT_EN.search(said)
    if found is None:
        return None
    number = next(group for group in found.groups() if group)
    return int(number)


_RELATIVE_ZH = (
    ("大后天", 3),
    ("后天", 2),
    ("明天", 1),
    ("明日", 1),
    ("明儿", 1),
    ("今天", 0),
    ("今日", 0),
    ("今儿", 0),
)
_RELATIVE_EN = (
    ("day after tomorrow", 2),
    ("tomorrow", 1),
    ("tmr", 1),
    ("today", 0),
    ("tonight", 0),
)
_WEEKDAY_ZH = re.compile(r"(本|这|这个|下|下个|下一个)?(?:周|星期|礼拜)([1-7]|日|天|末)")
_WEEKDAY_EN = re.compile(
    r"\b(this|next|coming|on)?\s*("
    + "|".join(WEEKDAYS_EN)
    + r"|mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)\b"
)
_WEEKEND_EN = re.compile(r"\b(this|next)?\s*weekend\b")
_MONTH_DAY_ZH = re.compile(r"(?:(\d{1,2})\s*月\s*)?(\d{1,2})\s*(?:日|号)")


def _weekday(today: date, weekday: int, which: str | None) -> date:
    """``weekday`` (Monday 0): the coming one; "本/this" this week's; "下/next" next week's."""
    if which in ("本", "这", "这个", "this"):
        return today + timedelta(days=weekday - today.weekday())
    if which in ("下", "下个", "下一个", "next"):
        return today + timedelta(days=7 - today.weekday() + weekday)
    return today + timedelta(days=(weekday - today.weekday()) % 7)


def _month_day(today: date, month: int | None, day: int) -> date | None:
    """A day of this month or the next (no month said), or of a month this year or next."""
    if month:
        months = [(today.year, month), (today.year + 1, month)]
    else:
        months = [(today.year, today.month), (today.year + today.month // 12, today.month % 12 + 1)]
    for year, mon in months:
        try:
            found = date(year, mon, day)
        except ValueError:
            continue
        if found >= today:
            return found
    return None


def find_day(text: str, today: date) -> date | None:
    """The day the text names, seen from ``today`` ("明天", "下周一", "12月5号", "saturday")."""
    said = tidy(text)
    for words, ahead in (*_RELATIVE_ZH, *_RELATIVE_EN):
        if words in said:
            return today + timedelta(days=ahead)
    said = digits(said)
    found = _WEEKDAY_ZH.search(said)
    if found:
        which, name = found.groups()
        number = {"日": 7, "天": 7, "末": 6}.get(name) or int(name)
        return _weekday(today, number - 1, which)
    found = _WEEKDAY_EN.search(said)
    if found:
        which, name = found.groups()
        number = next(i for i, day in enumerate(WEEKDAYS_EN) if day.startswith(name))
        return _weekday(today, number, which)
    found = _WEEKEND_EN.search(said)
    if found:
        return _weekday(today, 5, found.group(1))
    found = _MONTH_DAY_ZH.search(said)
    if found:
        month, day = found.groups()
        return _month_day(today, int(month) if month else None, int(day))
    return None
