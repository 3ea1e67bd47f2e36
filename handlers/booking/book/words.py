"""The words people ask for each kind, for booking and for their bookings, in either language.

What people type, not what the bot shows (a resident whose language is English may still type
"午饭"), so they are data here, read by the shared matcher (``models.core.words``).
"""

from __future__ import annotations

from models.core.words import Means

KIND_WORDS: dict[str, tuple[str, ...]] = {
    "canteen": (
        *("助餐", "吃饭", "午饭", "中饭", "午餐", "晚饭", "晚餐", "订饭", "订餐", "食堂", "饭"),
        *("lunch", "meal", "canteen", "dinner", "food"),
    ),
    "health_check": ("体检", "身体检查", "健康检查", "量血压", "check-up", "checkup", "health"),
    "activity_room": ("活动室", "activity room"),
    "hall": ("大厅", "礼堂", "多功能厅", "hall"),
    "mediation_room": ("调解室", "mediation room"),
    "enterprise_guidance": ("创业", "创业指导", "business", "startup"),
}
# The main menu's 📅 item: asked for by "预约" or by any kind's words.
BOOK_WORDS = (
    *("预约", "预订", "订", "约", "我要预约", "我想预约", "book", "booking", "reserve"),
    *(word for words in KIND_WORDS.values() for word in words),
)
MINE_WORDS = (
    *("我的预约", "查预约", "取消预约", "改期", "提醒", "我约了什么"),
    *("my bookings", "my booking", "reminders", "cancel my booking"),
)


def kind_means(kind: str) -> Means:
    """What a kind choice means: the words it is asked for by."""
    return Means(words=KIND_WORDS.get(kind, ()))
