"""Joint events (the table the demo seeds; the events flow arrives with its own issue)."""

from models.events.tables import Event

__all__ = ["Event"]
