"""The roster's use cases without Telegram: who may keep an entry, and what saving checks again."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from bot.context import Services
from models.core.authz import Role, Scope
from models.core.errors import DomainError, NotAllowed, NotFound
from models.governance import (
    EndsInThePast,
    HoursInvalid,
    SecondmentDraft,
    WeekdaysInvalid,
    add_secondment,
    roster_choices,
    roster_page,
    secondment,
)
from tests.factories import make_person
from tests.governance.roster_support import ids, second, secondments

TODAY = date(2026, 12, 3)


async def test_an_admin_of_either_town_keeps_an_entry_and_nobody_else(services: Services) -> None:
    known = await ids(services)
    kept = await second(services, name="王芳", first=TODAY, last=date(2026, 12, 31))
    d_admin, q_admin = {Scope(Role.ADMIN, known["D"])}, {Scope(Role.ADMIN, known["Q"])}
    elsewhere = {Scope(Role.ADMIN, known["Q"] + known["D"] + 100)}  # a third town's admin
    async with services.sessions() as session:
        for scopes in (d_admin, q_admin):
            assert (await secondment(session, scopes=scopes, secondment_id=kept)).name == "王芳"
        with pytest.raises(NotFound):
            await secondment(session, scopes=elsewhere, secondment_id=kept)
        assert (await roster_page(session, scopes=elsewhere, today=TODAY)).entries == []
        with pytest.raises(NotAllowed):
            await roster_page(session, scopes={Scope(Role.VOLUNTEER, known["D"])}, today=TODAY)
        choices = await roster_choices(session, scopes=d_admin)
    homes = {c: [t.code for t in towns] for c, towns in choices.home_towns.items()}
    assert homes == {known["d-centre"]: ["Q"], known["q-centre"]: ["D"]}


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"weekdays": 0}, WeekdaysInvalid),
        ({"weekdays": 128}, WeekdaysInvalid),
        ({"hours": "late"}, HoursInvalid),
        ({"last_day": date(2026, 12, 2)}, EndsInThePast),
        ({"home_town_id": -1}, NotFound),  # the centre's own town, filled in below
        ({"centre_id": 999_999}, NotFound),
    ],
)
async def test_saving_checks_every_answer_again(
    services: Services, change: dict[str, Any], error: type[DomainError]
) -> None:
    known = await ids(services)
    draft = SecondmentDraft(
        name="张明", title="副书记", centre_id=known["q-centre"], home_town_id=known["D"],
        first_day=date(2026, 11, 1), last_day=date(2026, 12, 31), weekdays=31, hours="09:00-17:00",
    )  # fmt: skip
    if change.get("home_town_id") == -1:
        change = {"home_town_id": known["Q"]}
    scopes, actor = {Scope(Role.ADMIN, None)}, await make_person(services.sessions, 7301)
    with pytest.raises(error):
        async with services.sessions() as session, session.begin():
            await add_secondment(
                session, actor=actor, scopes=scopes, draft=replace(draft, **change), today=TODAY
            )
    assert await secondments(services) == []
