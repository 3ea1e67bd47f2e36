"""Participation statistics (/stats for admins, with charts and CSV) and the monthly digest."""

from handlers.governance.stats.flow import handlers
from handlers.kit import Feature
from jobs.governance.digest import JOBS

PART = Feature(name="stats", handlers=lambda _wiring: handlers(), jobs=JOBS)

__all__ = ["PART"]
