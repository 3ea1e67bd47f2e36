"""Volunteer broadcasts: compose, choose an audience, preview, schedule, approve, report."""

from handlers.broadcasts.flow import handlers
from handlers.kit import Feature
from jobs.broadcasts import JOBS
from models.broadcasts import BROADCAST_TAP

FEATURE = Feature(name="broadcasts", handlers=handlers, jobs=JOBS, callbacks=[BROADCAST_TAP])

__all__ = ["FEATURE"]
