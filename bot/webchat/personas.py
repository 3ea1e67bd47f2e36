"""Who the web chat lets you be: the demo people, plus fresh users who never talked to the bot."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import asdict, dataclass

from models.demo import DEMO_ID_RANGE, DEMO_PEOPLE

#: Fresh users get Telegram ids from here upwards (outside the demo people's reserved range).
NEW_USER_BASE = 200001
NEW_USER_NAMES = {"zh": "新用户", "en": "New user"}

# What each demo person is, for the picker (the page translates the kind and the town).
_KINDS = {100003: "proxy"}
_ROLE_KINDS = {"volunteer": "volunteer", "mediator": "mediator", "admin": "admin"}

Allocator = Callable[[], Awaitable[int]]


@dataclass(frozen=True)
class Persona:
    """One person the page can chat as."""

    id: int
    name: str
    kind: str  # resident, proxy, volunteer, mediator, admin or new
    town: str  # "D", "Q" or "" for a new user
    language: str  # the Telegram client language: "zh" or "en"

    def as_json(self) -> dict[str, object]:
        """The persona as the page receives it."""
        return asdict(self)

    @property
    def language_code(self) -> str:
        """The language_code the sandbox reports for this user."""
        return "en" if self.language == "en" else "zh-hans"


def demo_personas() -> list[Persona]:
    """The seeded demo people, in the order of ``DEMO_PEOPLE``."""
    out = []
    for tg_id, name, town, _community, language, roles in DEMO_PEOPLE:
        kind = _KINDS.get(tg_id) or next(
            (_ROLE_KINDS[role] for role, _town in roles if role in _ROLE_KINDS), "resident"
        )
        out.append(Persona(tg_id, name, kind, town, "en" if language == "en" else "zh"))
    return out


def new_persona(user_id: int, language: str) -> Persona:
    """A persona for a freshly allocated user id."""
    lang = "en" if language == "en" else "zh"
    return Persona(user_id, NEW_USER_NAMES[lang], "new", "", lang)


def counting_allocator(taken: Callable[[], Awaitable[Iterable[int]]]) -> Allocator:
    """Hand out ids above ``NEW_USER_BASE - 1`` and above every id ``taken()`` names."""
    issued: set[int] = set()

    async def allocate() -> int:
        used = issued | set(await taken())
        candidate = max([NEW_USER_BASE - 1, *(i for i in used if i >= NEW_USER_BASE)]) + 1
        assert candidate not in DEMO_ID_RANGE
        issued.add(candidate)
        return candidate

    return allocate
