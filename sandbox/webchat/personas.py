"""Who the web chat lets you be: the personas its caller passes in, plus fresh users."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import asdict, dataclass

NEW_USER_NAMES = {"zh": "新用户", "en": "New user"}

Allocator = Callable[[], Awaitable[int]]
TakenIds = Callable[[], Awaitable[Iterable[int]]]


@dataclass(frozen=True)
class Persona:
    """One person the page can chat as; the page translates the kind and the town."""

    id: int | str  # the Telegram user id, or a WeChat persona's openid
    name: str  # the display name, also the sandbox user's first_name
    kind: str  # resident, proxy, volunteer, mediator, admin or new
    town: str  # "D", "Q" or "" for a new user
    language: str  # the Telegram client language: "zh" or "en"
    channel: str = "telegram"  # or "wechat": a follower of the Official Account (emulated)

    def as_json(self) -> dict[str, object]:
        """The persona as the page receives it."""
        return asdict(self)

    @property
    def language_code(self) -> str:
        """The language_code the sandbox reports for this user."""
        return "en" if self.language == "en" else "zh-hans"


def new_persona(user_id: int, language: str) -> Persona:
    """A persona for a freshly allocated user id."""
    lang = "en" if language == "en" else "zh"
    return Persona(user_id, NEW_USER_NAMES[lang], "new", "", lang)


def counting_allocator(taken: TakenIds, ids: range) -> Allocator:
    """Hand out ids from ``ids`` (consecutive), above every id issued or named by ``taken()``."""
    issued: set[int] = set()

    async def allocate() -> int:
        used = issued | set(await taken())
        candidate = max([ids.start - 1, *(i for i in used if i in ids)]) + 1
        if candidate not in ids:
            raise ValueError("no user ids left for new users")
        issued.add(candidate)
        return candidate

    return allocate
