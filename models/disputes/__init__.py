"""Disputes (矛盾调解): reporting, routing, accepting, mediation, relay, escalation, follow-up."""

from models.disputes.tables import (
    CaseCounter,
    CaseNote,
    CategoryRoute,
    DisputeCase,
    HandoverRequest,
    MediatorDuty,
    RelayMessage,
    TownPolicy,
)

__all__ = [
    "CaseCounter",
    "CaseNote",
    "CategoryRoute",
    "DisputeCase",
    "HandoverRequest",
    "MediatorDuty",
    "RelayMessage",
    "TownPolicy",
]
