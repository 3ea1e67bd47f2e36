"""A town-limited grant never reaches "no town" (both towns) unless the action is global."""

from __future__ import annotations

import pytest

from models.core import authz
from models.core.authz import Action, Role, Scope, can, holds, require, towns_allowed
from models.core.errors import NotAllowed

D, Q = 1, 2
VOLUNTEER_D = {Scope(Role.RESIDENT, D), Scope(Role.VOLUNTEER, D)}
ADMIN_D = {Scope(Role.RESIDENT, D), Scope(Role.ADMIN, D)}
GLOBAL_ADMIN = {Scope(Role.RESIDENT, D), Scope(Role.ADMIN, None)}


@pytest.mark.parametrize("action", list(Action))
def test_a_town_limited_grant_is_refused_for_no_town(action: Action) -> None:
    for scopes in (VOLUNTEER_D, ADMIN_D):
        assert not can(scopes, action, None), (scopes, action)
        with pytest.raises(NotAllowed):
            require(scopes, action, None)
        assert not can(scopes, action, Q)
    if Role.ADMIN in authz.PERMISSIONS[action]:
        assert can(ADMIN_D, action, D)
        assert can(GLOBAL_ADMIN, action, None) and can(GLOBAL_ADMIN, action, Q)


def test_holding_a_role_somewhere_is_the_gate_not_a_town() -> None:
    assert holds(VOLUNTEER_D, Action.BROADCAST) and not holds(VOLUNTEER_D, Action.VENUE_MANAGE)
    assert towns_allowed(VOLUNTEER_D, Action.BROADCAST, [D, Q]) == {D}
    assert towns_allowed(GLOBAL_ADMIN, Action.BROADCAST, [D, Q]) == {D, Q}
    assert towns_allowed(ADMIN_D, Action.CASE_HANDLE, [Q]) == frozenset()


def test_an_action_marked_global_needs_no_town(monkeypatch: pytest.MonkeyPatch) -> None:
    assert not authz.GLOBAL_ACTIONS  # none yet: every action names its town
    monkeypatch.setattr(authz, "GLOBAL_ACTIONS", frozenset({Action.STATS_VIEW}))
    assert can(ADMIN_D, Action.STATS_VIEW, None)
    assert not can(ADMIN_D, Action.VENUE_MANAGE, None)
    assert not can(VOLUNTEER_D, Action.STATS_VIEW, None)  # still needs the role
