"""Disputes (矛盾调解). This FEATURE holds the mediator's side only, for its own tests; the
integrator merges it with the reporter's side (menu entry, /report, /mycases, questions)."""

from handlers.disputes.mediator import mediator_group_handlers, mediator_handlers
from handlers.kit import Feature
from models.disputes import CASE, MEDIATOR

FEATURE = Feature(
    name="disputes",
    handlers=mediator_handlers,
    groups=mediator_group_handlers,
    callbacks=(CASE, MEDIATOR),
)

__all__ = ["FEATURE"]
