"""Group chats and channels the bot is in: when it was added and by whom, when it left.

One row per chat (``bot_group``), written when Telegram says the bot's membership changed
(``record_membership``) or, for a group the bot was never told about, on first contact
(``claim_private_notice``). The row also remembers that the group was told, once, to talk to
the bot in private. Later features (mediators' case alerts) look their groups up here.

``added_by`` points at the person who added the bot, when the bot knows them: /mydata exports
the row with theirs and /deleteme unlinks it (the privacy module follows the foreign key).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import Field, SQLModel, col, select

from models.core.base import UTCDateTime, upsert_insert, utcnow

# The bot's own member status in a chat, as Telegram names it (ChatMember.status).
MEMBER = "member"


class BotGroup(SQLModel, table=True):
    """A group, supergroup or channel the bot is (or was) a member of."""

    __tablename__ = "bot_group"

    id: int | None = Field(default=None, primary_key=True)
    chat_id: int = Field(sa_type=BigInteger, unique=True)
    title: str | None = Field(default=None, max_length=255)
    chat_type: str = Field(max_length=16)  # "group", "supergroup" or "channel"
    status: str = Field(max_length=16)  # the bot's ChatMember status: member, left, kicked …
    active: bool = True  # the bot is in the chat now
    added_by: int | None = Field(
        default=None, sa_column_args=[ForeignKey("person.id", ondelete="SET NULL")]
    )
    added_at: datetime | None = Field(default=None, sa_type=UTCDateTime)  # None: not told
    left_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    private_notice_sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


@dataclass(frozen=True)
class Membership:
    """What a membership change did: the bot ``joined`` or ``left`` (or neither: a new role)."""

    chat_id: int
    active: bool
    joined: bool
    left: bool


async def _ensure_row(session: AsyncSession, chat_id: int, title: str | None, kind: str) -> None:
    """Insert the chat's row (the bot is in it) unless there is one; the unique key decides."""
    insert = upsert_insert(session, BotGroup).values(
        chat_id=chat_id,
        title=title,
        chat_type=kind,
        status=MEMBER,
        active=True,
        updated_at=utcnow(),
    )
    await session.execute(insert.on_conflict_do_nothing(index_elements=["chat_id"]))


async def record_membership(
    session: AsyncSession,
    *,
    chat_id: int,
    title: str | None,
    chat_type: str,
    status: str,
    active: bool,
    by_person: int | None,
) -> Membership:
    """Record the bot's new ``status`` in a chat; ``active``: it is a member now.

    Joining stamps ``added_at`` (and ``added_by``: the person who added the bot, when the bot
    knows them) and clears ``left_at``; leaving (removed, kicked, the chat deleted) stamps
    ``left_at``. A new role (member to administrator) changes only the status.
    """
    await _ensure_row(session, chat_id, title, chat_type)
    query = select(BotGroup).where(col(BotGroup.chat_id) == chat_id).with_for_update()
    found = await session.execute(query.execution_options(populate_existing=True))
    row = found.scalar_one()
    now = utcnow()
    joined = active and (not row.active or row.added_at is None)
    left = not active and row.active
    if joined:
        row.added_at, row.left_at, row.added_by = now, None, by_person
    if left:
        row.left_at = now
    row.title, row.chat_type, row.status, row.active = title, chat_type, status, active
    row.updated_at = now
    await session.flush()
    return Membership(chat_id=chat_id, active=active, joined=joined, left=left)


async def claim_private_notice(
    session: AsyncSession, *, chat_id: int, title: str | None, chat_type: str
) -> bool:
    """True exactly once per chat: whoever gets it sends the "talk to me in private" notice.

    A chat the bot was never told about gets its row here. The conditional UPDATE decides, so
    two messages handled at once (or by two processes) cannot both send it.
    """
    await _ensure_row(session, chat_id, title, chat_type)
    now = utcnow()
    claimed = await session.execute(
        update(BotGroup)
        .where(col(BotGroup.chat_id) == chat_id, col(BotGroup.private_notice_sent_at).is_(None))
        .values(private_notice_sent_at=now, updated_at=now)
    )
    return bool(claimed.rowcount == 1)  # type: ignore[attr-defined]


async def find_group(session: AsyncSession, chat_id: int) -> BotGroup | None:
    """The chat's row, if the bot knows the chat."""
    query = select(BotGroup).where(col(BotGroup.chat_id) == chat_id)
    return (await session.execute(query)).scalar_one_or_none()
