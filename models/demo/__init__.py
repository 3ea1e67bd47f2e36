"""The demo towns, places, venues and people (``tongxin seed-demo``, the demo, the tests)."""

from models.demo.people import DEMO_ID_RANGE, DEMO_PEOPLE, seed_demo_people
from models.demo.places import seed_places

__all__ = ["DEMO_ID_RANGE", "DEMO_PEOPLE", "seed_demo_people", "seed_places"]
