"""The suggestions (意见建议) tables: a suggestion, its admins' replies, its numbering.

A suggestion keeps who sent it (``person_id``) even when it is anonymous, so replies and the
outcome reach them; admins' views never show that person. Erasure unlinks them (``SET NULL``).
Times are aware UTC.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index
from sqlmodel import Field, SQLModel

from models.core.base import UTCDateTime, utcnow

TEXT_MAX = 1000  # what a resident types (a recognised voice note counts as typed)
ANSWER_MAX = 1000  # an admin's reply, what was done, or why not


class Subject(StrEnum):
    """What a suggestion is about: ``suggest.subject.<value>``."""

    VENUE = "venue"  # a service or venue of the catalogue
    EVENT = "event"
    BOT = "bot"  # this bot itself
    OTHER = "other"


class SuggestionStatus(StrEnum):
    """Where a suggestion is: ``suggest.status.<value>``."""

    OPEN = "open"
    ADOPTED = "adopted"
    NOT_ADOPTED = "not_adopted"


class Suggestion(SQLModel, table=True):
    """One resident's suggestion, from sending it to the decision about it."""

    __tablename__ = "suggestion"
    __table_args__ = (Index("ix_suggestion_status_town", "status", "town_id"),)

    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(max_length=20, unique=True)  # JY-D-2026-0007
    town_id: int = Field(foreign_key="town.id", index=True)  # the town concerned
    subject: str = Field(max_length=8)
    venue_id: int | None = Field(default=None, foreign_key="venue.id")
    event_id: int | None = Field(default=None, foreign_key="event.id")
    person_id: int | None = Field(
        default=None, sa_column_args=[ForeignKey("person.id", ondelete="SET NULL")], index=True
    )
    anonymous: bool = False
    text: str = Field(default="", max_length=TEXT_MAX)
    voice_file_id: str | None = Field(default=None, max_length=256)
    status: str = Field(default=SuggestionStatus.OPEN.value, max_length=12)
    outcome: str | None = Field(default=None, max_length=ANSWER_MAX)  # done, or why not
    decided_by: int | None = Field(
        default=None, sa_column_args=[ForeignKey("person.id", ondelete="SET NULL")]
    )
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)


class SuggestionReply(SQLModel, table=True):
    """An admin's message to the suggestion's sender, passed on through the bot."""

    __tablename__ = "suggestion_reply"

    id: int | None = Field(default=None, primary_key=True)
    suggestion_id: int = Field(
        sa_column_args=[ForeignKey("suggestion.id", ondelete="CASCADE")], index=True
    )
    author_id: int | None = Field(
        default=None, sa_column_args=[ForeignKey("person.id", ondelete="SET NULL")]
    )
    text: str = Field(max_length=ANSWER_MAX)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class SuggestionCounter(SQLModel, table=True):
    """The last suggestion number given in a town and year (numbers are never reused)."""

    __tablename__ = "suggestion_counter"

    town_id: int = Field(foreign_key="town.id", primary_key=True)
    year: int = Field(primary_key=True)
    last: int = 0
