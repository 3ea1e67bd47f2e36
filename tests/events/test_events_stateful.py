"""A hypothesis state machine over one event: register, cancel, accept, decline, offer expiry,
held-back release, walk-in, a proxy's request without consent (asked, answered, withdrawn,
lapsed) and restart (a new engine), checking the capacity invariants after every step, on
SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import itertools
from datetime import timedelta
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)
from sqlmodel import col, select

from bot.db import create_engine, create_session_factory
from models.core.base import utcnow
from models.core.errors import DomainError
from models.events import (
    Event,
    EventQuota,
    ProxyRequest,
    Registration,
    RegStatus,
    RequestStatus,
    WalkIn,
    accept_offer,
    answer_proxy_request,
    cancel_registration,
    decline_offer,
    lapse_offers,
    lapse_requests,
    record_walk_in,
    register,
    register_or_ask,
    release_due_held_back,
    withdraw_request,
)
from tests.events.events_support import ADMIN, make_event, people, person

HOLDING = (RegStatus.CONFIRMED.value, RegStatus.OFFERED.value, RegStatus.ATTENDED.value)
_codes = itertools.count()


class EventMachine(RuleBasedStateMachine):
    """One event of 6 places (3 per town) with 2 held back, and 8 residents."""

    url: str
    loop: asyncio.AbstractEventLoop

    def run(self, work: Any) -> Any:
        return self.loop.run_until_complete(work)

    def connect(self) -> None:
        self.engine = create_engine(self.url)
        self.sessions = create_session_factory(self.engine)

    @initialize()
    def start(self) -> None:
        self.connect()
        n = next(_codes)
        self.event_id = self.run(
            make_event(
                self.sessions, capacity=6, quotas={"D": 3, "Q": 3}, max_party=2, held_back=2,
                held_back_in=timedelta(days=1), code=f"sm-{n}",
            )
        )  # fmt: skip
        self.people = self.run(people(self.sessions, "D", 90_000 + n * 10, 4)) + self.run(
            people(self.sessions, "Q", 95_000 + n * 10, 4)
        )

    def teardown(self) -> None:
        if hasattr(self, "engine"):
            self.run(self.engine.dispose())

    async def _act(self, person_id: int | None, work: Any) -> None:
        try:
            async with self.sessions() as session, session.begin():
                who = await person(session, person_id) if person_id else None
                await work(session, who)
        except DomainError:
            pass

    async def _mine(self, person_id: int) -> Registration | None:
        async with self.sessions() as session:
            query = select(Registration).where(
                col(Registration.event_id) == self.event_id,
                col(Registration.person_id) == person_id,
                col(Registration.status).in_(
                    (RegStatus.CONFIRMED.value, RegStatus.WAITLISTED.value, RegStatus.OFFERED.value)
                ),
            )
            return (await session.execute(query)).scalars().first()

    @rule(who=st.integers(0, 7), party=st.integers(1, 2))
    def register(self, who: int, party: int) -> None:
        async def work(session: Any, p: Any) -> None:
            await register(session, person=p, event_id=self.event_id, party_size=party)

        self.run(self._act(self.people[who], work))

    @rule(who=st.integers(0, 7))
    def cancel(self, who: int) -> None:
        mine = self.run(self._mine(self.people[who]))
        if mine is not None:

            async def work(session: Any, p: Any) -> None:
                await cancel_registration(session, registration_id=mine.id, person=p)

            self.run(self._act(self.people[who], work))

    @rule(who=st.integers(0, 7), yes=st.booleans())
    def answer_offer(self, who: int, yes: bool) -> None:
        mine = self.run(self._mine(self.people[who]))
        if mine is not None and mine.status == RegStatus.OFFERED.value:
            answer = accept_offer if yes else decline_offer

            async def work(session: Any, p: Any) -> None:
                await answer(session, registration_id=mine.id, person=p)

            self.run(self._act(self.people[who], work))

    @rule(
        who=st.integers(0, 7),
        by=st.integers(0, 7),
        party=st.integers(1, 2),
        then=st.sampled_from([None, "ok", "always", "no", "withdraw"]),
        pick=st.integers(0, 7),
    )
    def proxy_asks(self, who: int, by: int, party: int, then: str | None, pick: int) -> None:
        """A proxy without standing consent: the resident is asked, no place is held; then
        (often at once, so the answers are explored) a waiting request is answered or
        withdrawn, or left waiting."""

        async def work(session: Any, p: Any) -> None:
            await register_or_ask(
                session, person=p, event_id=self.event_id, party_size=party,
                resident_id=self.people[who],
            )  # fmt: skip

        self.run(self._act(self.people[by], work))
        if then == "withdraw":
            self.proxy_withdraws(pick)
        elif then is not None:
            self.resident_answers(pick, then)

    async def _open_request(self, pick: int) -> ProxyRequest | None:
        """One of the requests still waiting for an answer (``pick`` modulo how many)."""
        async with self.sessions() as session:
            query = select(ProxyRequest).where(
                col(ProxyRequest.event_id) == self.event_id,
                col(ProxyRequest.status) == RequestStatus.ASKED.value,
            )
            waiting = list((await session.execute(query.order_by(col(ProxyRequest.id)))).scalars())
        return waiting[pick % len(waiting)] if waiting else None

    @rule(pick=st.integers(0, 7), answer=st.sampled_from(["ok", "always", "no"]))
    def resident_answers(self, pick: int, answer: str) -> None:
        asked = self.run(self._open_request(pick))
        if asked is not None:

            async def work(session: Any, p: Any) -> None:
                await answer_proxy_request(session, person=p, request_id=asked.id, answer=answer)

            self.run(self._act(asked.person_id, work))

    @rule(pick=st.integers(0, 7))
    def proxy_withdraws(self, pick: int) -> None:
        asked = self.run(self._open_request(pick))
        if asked is not None:

            async def work(session: Any, p: Any) -> None:
                await withdraw_request(session, request_id=asked.id, person=p)

            self.run(self._act(asked.proxy_id, work))

    @rule()
    def requests_lapse(self) -> None:
        async def work(session: Any, _p: Any) -> None:
            await lapse_requests(session, utcnow() + timedelta(hours=25))

        self.run(self._act(None, work))

    @rule()
    def offers_lapse(self) -> None:
        async def work(session: Any, _p: Any) -> None:
            await lapse_offers(session, utcnow() + timedelta(hours=13))

        self.run(self._act(None, work))

    @rule()
    def held_back_released(self) -> None:
        async def work(session: Any, _p: Any) -> None:
            await release_due_held_back(session, utcnow() + timedelta(days=1))

        self.run(self._act(None, work))

    @rule(town=st.sampled_from([None, 0]))
    def walk_in(self, town: int | None) -> None:
        async def work(session: Any, _p: Any) -> None:
            staff = await person(session, self.people[0])
            town_id = staff.town_id if town is not None else None
            await record_walk_in(
                session, event_id=self.event_id, town_id=town_id, party_size=1,
                staff=staff, scopes=ADMIN,
            )  # fmt: skip

        self.run(self._act(None, work))

    @rule()
    def restart(self) -> None:
        self.run(self.engine.dispose())
        self.connect()

    @invariant()
    def places_hold(self) -> None:
        if not hasattr(self, "event_id"):
            return
        self.run(self._check())

    async def _check(self) -> None:
        async with self.sessions() as session:
            event = await session.get(Event, self.event_id)
            assert event is not None
            regs = list(
                (
                    await session.execute(
                        select(Registration).where(col(Registration.event_id) == self.event_id)
                    )
                ).scalars()
            )
            quotas = {
                q.town_id: q
                for q in (
                    await session.execute(
                        select(EventQuota).where(col(EventQuota.event_id) == self.event_id)
                    )
                ).scalars()
            }
            walk_ins = sum(
                w.party_size
                for w in (
                    await session.execute(
                        select(WalkIn).where(col(WalkIn.event_id) == self.event_id)
                    )
                ).scalars()
            )
            requests = list(
                (
                    await session.execute(
                        select(ProxyRequest).where(col(ProxyRequest.event_id) == self.event_id)
                    )
                ).scalars()
            )
        asked = [q.person_id for q in requests if q.status == RequestStatus.ASKED.value]
        assert len(asked) == len(set(asked))  # one open question per resident
        for q in requests:  # a yes made a registration; nothing else did
            made = q.status == RequestStatus.AGREED.value
            assert (q.registration_id is not None) is made, q
        holding = [r for r in regs if r.status in HOLDING]
        assert event.taken == event.held_back + sum(r.party_size for r in holding) + walk_ins
        assert event.taken <= event.capacity
        for town_id, quota in quotas.items():
            used = sum(r.party_size for r in holding if r.town_id == town_id)
            assert used == quota.taken <= quota.quota
        active = [r for r in regs if r.status in (*HOLDING, RegStatus.WAITLISTED.value)]
        assert len({r.person_id for r in active}) == len(active)  # one active each, no doubles
        offers = [r.person_id for r in regs if r.status == RegStatus.OFFERED.value]
        assert len(offers) == len(set(offers))
        free = event.capacity - event.taken
        for r in regs:
            if r.status == RegStatus.WAITLISTED.value:  # a freed place that fits is offered
                share = quotas.get(r.town_id) if r.town_id is not None else None
                town_free = share.quota - share.taken if share else free
                assert not (r.party_size <= free and r.party_size <= town_free), (r, free)


def test_event_places_keep_their_invariants(database_url: str) -> None:
    loop = asyncio.new_event_loop()
    EventMachine.url = database_url
    EventMachine.loop = loop
    try:
        run_state_machine_as_test(
            EventMachine,
            settings=settings(
                max_examples=8,
                stateful_step_count=15,
                deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
            ),
        )
    finally:
        loop.close()
