"""Demo data from the source article: both towns, their places and venues (with booking rules,
hours and slots), joint events, and an onboarded person for every role. Loading is idempotent."""

from models.demo.booking import KIND_SETUP, SLOT_DAYS, seed_booking
from models.demo.events import EVENTS, DemoEvent, seed_events
from models.demo.history import History, seed_history
from models.demo.people import (
    DEMO_ID_RANGE,
    DEMO_PEOPLE,
    DEMO_PROXY_CONSENTS,
    demo_phone,
    seed_demo_people,
)
from models.demo.places import CENTRES, COMMUNITIES, TOWNS, VENUES, seed_places

__all__ = [
    "CENTRES",
    "COMMUNITIES",
    "DEMO_ID_RANGE",
    "DEMO_PEOPLE",
    "DEMO_PROXY_CONSENTS",
    "EVENTS",
    "KIND_SETUP",
    "SLOT_DAYS",
    "TOWNS",
    "VENUES",
    "DemoEvent",
    "History",
    "demo_phone",
    "seed_booking",
    "seed_demo_people",
    "seed_events",
    "seed_history",
    "seed_places",
]
