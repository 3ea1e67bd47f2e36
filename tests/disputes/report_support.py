"""Shared steps for the reporter-side flow tests: the cast in chats, walking the report screens,
reading cases back."""

from __future__ import annotations

from sqlmodel import col, select

from bot.context import Services
from bot.i18n import Translator
from models.disputes import DisputeCase
from tests.disputes.disputes_support import NAMES, PHONES, ROLES, Cast, make_cast
from tests.harness import BotHarness, SimUser

LANG_CODE = {"zh_CN": "zh-hans", "en": "en"}


async def cast_in_chats(
    harness: BotHarness, lang: str = "zh_CN"
) -> tuple[Cast, dict[str, SimUser]]:
    """The disputes cast (residents, mediators …) with their private chats; residents speak
    ``lang``."""
    cast = await make_cast(harness.services)
    users = {
        key: harness.user(tg, language_code=LANG_CODE[lang], first_name=NAMES[key])
        for key, (tg, *_rest) in ROLES.items()
    }
    if lang != "zh_CN":
        from models.core.people import Person

        async with harness.services.sessions() as session, session.begin():
            for key in ("d_res", "d_res2", "q_res"):
                person = await session.get(Person, cast.ids[key])
                assert person is not None
                person.language = lang
    return cast, users


def tr(services: Services, lang: str) -> Translator:
    """The translator of a language."""
    return services.i18n.translator(lang)


async def cases(services: Services) -> list[DisputeCase]:
    """Every case, oldest first."""
    async with services.sessions() as session:
        query = select(DisputeCase).order_by(col(DisputeCase.id))
        return list((await session.execute(query)).scalars())


def nav_ok(user: SimUser, t: Translator) -> bool:
    """The screen ends with ⬅️ and 🏠."""
    keyboard = user.keyboard()
    return bool(keyboard) and keyboard[-1] == [t("nav.back"), t("nav.home")]


async def walk_to_describe(user: SimUser, t: Translator, kind: str, where: str) -> None:
    """/report → the kind → where the other side is: the describe screen."""
    await user.send("/report")
    await user.choose(t(kind))
    await user.choose(t(where))


__all__ = ["PHONES", "cases", "cast_in_chats", "nav_ok", "tr", "walk_to_describe"]
