"""Volunteer broadcasts: compose, choose an audience, preview, schedule, approve, report."""

from handlers.broadcasts.flow import handlers
from handlers.kit import Feature
from jobs.broadcasts import JOBS

FEATURE = Feature(name="broadcasts", handlers=handlers, jobs=JOBS)

__all__ = ["FEATURE"]
