"""The ledger's tables as typed SQLAlchemy models.

Closed vocabularies are plain strings guarded by named CHECK constraints (no native ENUM), so the
same migrations serve SQLite and PostgreSQL. Money is integer hundredths; a date is the first day of
its period plus a precision. The deal row caches the state its events imply (status, reason, value,
``updated``); ``dealtrack check`` recomputes and compares.
"""

import datetime
from typing import cast

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from dealtrack.statuses import STATUSES
from dealtrack.vocabulary import (
    ATTRIBUTIONS,
    BASES,
    EVENT_TYPES,
    KINDS,
    LINK_EVENT_TYPES,
    LINK_KINDS,
    PARTICIPANT_ROLES,
    PARTY_EVENT_TYPES,
    PARTY_KINDS,
    ROLES,
)

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
PRECISIONS = ("year", "month", "day")


def one_of(column: str, terms: tuple[str, ...]) -> str:
    """A CHECK expression; the terms are our own constants, never user input.

    Written as ``=`` comparisons joined by OR, not ``IN (…)``: SQLite builds a temporary index
    for an IN list on every execution, which tripled the cost of each row a bulk import writes.
    NULL passes either way.
    """
    return "(" + " OR ".join(f"{column} = '{term}'" for term in terms) + ")"


# The WHERE clause of each partial index. SQLite's is given where the index is declared;
# PostgreSQL's is added by ``add_postgresql_options`` when a PostgreSQL ledger is opened, because
# a ``postgresql_*`` argument makes SQLAlchemy import its whole PostgreSQL dialect to check it,
# on every command of an SQLite user: about 90 ms, nearly half of what `dealtrack list` took
# beyond importing SQLAlchemy itself.
PARTIAL_INDEXES = {"ix_event_link": "holder_id IS NOT NULL", "ix_event_value": "type = 'value'"}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


# Keys sort by code point on every backend, as SQLite compares text: a PostgreSQL server whose
# locale is en_US would otherwise list and export parties in another order than SQLite, and a
# ledger moved between them would not export the same bytes.
CODE_POINT_TEXT = String(200).with_variant(String(200, collation="C"), "postgresql")


class Party(Base):
    __tablename__ = "party"
    __table_args__ = (
        CheckConstraint(one_of("kind", PARTY_KINDS), name="kind"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(CODE_POINT_TEXT, unique=True)
    kind: Mapped[str] = mapped_column(String(20), default="company")
    country: Mapped[str | None] = mapped_column(String(2))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("party.id"), index=True)


class Alias(Base):
    __tablename__ = "alias"

    id: Mapped[int] = mapped_column(primary_key=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("party.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(200), unique=True)


class Deal(Base):
    __tablename__ = "deal"
    __table_args__ = (
        CheckConstraint(one_of("kind", KINDS), name="kind"),
        CheckConstraint(one_of("status", STATUSES), name="status"),
        CheckConstraint(one_of("basis", BASES), name="basis"),
        CheckConstraint(one_of("reported_precision", PRECISIONS), name="reported_precision"),
        CheckConstraint(one_of("updated_precision", PRECISIONS), name="updated_precision"),
        # Covers `report --by status`: counts and totals per (status, currency) from the index,
        # and (with each deal's value date) `--in CUR`'s conversions, with no sort either way.
        # Dates before amounts: a conversion asks the rate of each deal in date order.
        Index(
            "ix_deal_status_value",
            "status",
            "currency",
            "reported",
            "reported_precision",
            "amount",
            "high",
        ),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(CODE_POINT_TEXT, unique=True)
    title: Mapped[str | None] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(20))
    target_id: Mapped[int] = mapped_column(ForeignKey("party.id"), index=True)
    # Deals of a status in id order, as `list --status` shows them (the covering index is not).
    status: Mapped[str] = mapped_column(String(20), index=True)
    reason: Mapped[str | None] = mapped_column(Text)
    amount: Mapped[int | None] = mapped_column(BigInteger)
    high: Mapped[int | None] = mapped_column(BigInteger)
    currency: Mapped[str | None] = mapped_column(String(3))
    basis: Mapped[str | None] = mapped_column(String(20))
    reported: Mapped[datetime.date] = mapped_column(Date, index=True)
    reported_precision: Mapped[str] = mapped_column(String(5))
    updated: Mapped[datetime.date] = mapped_column(Date, index=True)
    updated_precision: Mapped[str] = mapped_column(String(5))


class Participant(Base):
    """A non-target party of a deal in one role; the target lives on the deal row itself."""

    __tablename__ = "participant"
    __table_args__ = (
        UniqueConstraint("deal_id", "party_id", "role", name="uq_participant_deal_party_role"),
        CheckConstraint(one_of("role", PARTICIPANT_ROLES), name="role"),
        Index("ix_participant_party_role", "party_id", "role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    deal_id: Mapped[int] = mapped_column(ForeignKey("deal.id", ondelete="CASCADE"))
    party_id: Mapped[int] = mapped_column(ForeignKey("party.id"))
    role: Mapped[str] = mapped_column(String(20))


class Event(Base):
    """One append-only ledger entry. Only ``voided`` ever changes, when a void event names it.

    Indexed for the per-deal history, and (partially) for a link's events: every index costs each
    of the millions of rows a bulk import writes, and the rare lookups by party (``party rm``)
    can afford a scan.
    """

    __tablename__ = "event"
    __table_args__ = (
        CheckConstraint(
            one_of("type", EVENT_TYPES + LINK_EVENT_TYPES + PARTY_EVENT_TYPES), name="type"
        ),
        CheckConstraint(one_of("on_precision", PRECISIONS), name="on_precision"),
        CheckConstraint(one_of("status", STATUSES), name="status"),
        CheckConstraint(one_of("basis", BASES), name="basis"),
        CheckConstraint(one_of("role", ROLES), name="role"),
        CheckConstraint(one_of("action", ("added", "removed")), name="action"),
        CheckConstraint(one_of("source_attribution", ATTRIBUTIONS), name="source_attribution"),
        CheckConstraint("voided = false OR voided = true", name="voided"),
        CheckConstraint(one_of("link_kind", LINK_KINDS), name="link_kind"),
        CheckConstraint(one_of("until_precision", PRECISIONS), name="until_precision"),
        Index("ix_event_deal_order", "deal_id", "on", "recorded_at", "id"),
        # A link's events, found by holder, kind and party; partial, so deal events (the
        # millions an import writes) cost it nothing.
        Index(
            "ix_event_link",
            "holder_id",
            "link_kind",
            "party_id",
            sqlite_where=text(PARTIAL_INDEXES["ix_event_link"]),
        ),
        # The few deals whose value a `value` event changed (`--in CUR` values them on that
        # event's date); partial, so the created events of millions of deals cost it nothing.
        Index("ix_event_value", "deal_id", sqlite_where=text(PARTIAL_INDEXES["ix_event_value"])),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # NULL for the events of links between parties, which belong to no deal; an undated link's
    # event has no date either. Typed as never NULL: every event of a deal has both.
    deal_id: Mapped[int] = mapped_column(ForeignKey("deal.id", ondelete="CASCADE"), nullable=True)
    type: Mapped[str] = mapped_column(String(10))
    on: Mapped[datetime.date] = mapped_column(Date, nullable=True)
    on_precision: Mapped[str] = mapped_column(String(5), nullable=True)
    recorded_at: Mapped[str] = mapped_column(String(27))
    status: Mapped[str | None] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(Text)
    amount: Mapped[int | None] = mapped_column(BigInteger)
    high: Mapped[int | None] = mapped_column(BigInteger)
    currency: Mapped[str | None] = mapped_column(String(3))
    basis: Mapped[str | None] = mapped_column(String(20))
    action: Mapped[str | None] = mapped_column(String(10))
    party_id: Mapped[int | None] = mapped_column(ForeignKey("party.id"))
    role: Mapped[str | None] = mapped_column(String(20))
    text: Mapped[str | None] = mapped_column(Text)
    changes: Mapped[str | None] = mapped_column(Text)
    # A plain id, not a foreign key: a void names an event of its own deal, both go together with
    # ``rm``, and ``check`` verifies the pairing; an index here would slow every bulk import.
    voids: Mapped[int | None] = mapped_column()
    voided: Mapped[bool] = mapped_column(Boolean(create_constraint=False))
    source_outlet: Mapped[str | None] = mapped_column(Text)
    source_url: Mapped[str | None] = mapped_column(Text)
    source_attribution: Mapped[str | None] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)
    # A created event's opening roster, ``[[party_id, role], …]`` (target first, role order):
    # one row a deal instead of one party event per party, which halved what an import writes.
    parties: Mapped[str | None] = mapped_column(Text)
    # A link event's holder, kind, stake (hundredths of a percent) and end; its party is party_id.
    holder_id: Mapped[int | None] = mapped_column(ForeignKey("party.id"))
    link_kind: Mapped[str | None] = mapped_column(String(10))
    stake: Mapped[int | None] = mapped_column()
    until: Mapped[datetime.date | None] = mapped_column(Date)
    until_precision: Mapped[str | None] = mapped_column(String(5))


class Link(Base):
    """A link in force for a while: the state its ``link`` event and any later events imply.

    Like the deal row, a cache: its id is the id of the ``link`` event that records it, it is
    rewritten whenever an event of its holder, kind and party is recorded or voided, and
    ``dealtrack check`` recomputes it. Indexed on holder and on party, the two ways a chain of
    interests is walked.
    """

    __tablename__ = "link"
    __table_args__ = (
        CheckConstraint(one_of("kind", LINK_KINDS), name="kind"),
        CheckConstraint(one_of("since_precision", PRECISIONS), name="since_precision"),
        CheckConstraint(one_of("until_precision", PRECISIONS), name="until_precision"),
        CheckConstraint(one_of("source_attribution", ATTRIBUTIONS), name="source_attribution"),
    )

    id: Mapped[int] = mapped_column(
        ForeignKey("event.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    holder_id: Mapped[int] = mapped_column(ForeignKey("party.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    party_id: Mapped[int] = mapped_column(ForeignKey("party.id"), index=True)
    stake: Mapped[int | None] = mapped_column()
    since: Mapped[datetime.date | None] = mapped_column(Date)
    since_precision: Mapped[str | None] = mapped_column(String(5))
    until: Mapped[datetime.date | None] = mapped_column(Date)
    until_precision: Mapped[str | None] = mapped_column(String(5))
    source_outlet: Mapped[str | None] = mapped_column(Text)
    source_url: Mapped[str | None] = mapped_column(Text)
    source_attribution: Mapped[str | None] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)


class FxRate(Base):
    """An exchange rate the ledger holds (``fx set``, ``fx import``): 1 ``base`` = ``rate``
    ``currency`` on ``on``. The rate is exact decimal text (at most 12 significant digits), never
    a float; one rate a pair and day, a later ``fx set`` replacing it."""

    __tablename__ = "fx_rate"
    __table_args__ = (UniqueConstraint("on", "base", "currency", name="uq_fx_rate_on_pair"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    on: Mapped[datetime.date] = mapped_column(Date)
    base: Mapped[str] = mapped_column(String(3))
    currency: Mapped[str] = mapped_column(String(3))
    rate: Mapped[str] = mapped_column(String(40))
    source: Mapped[str | None] = mapped_column(Text)


def add_postgresql_options() -> None:
    """Give the partial indexes their PostgreSQL WHERE clauses (see PARTIAL_INDEXES); once is
    enough, and again changes nothing."""
    for index in cast(Table, Event.__table__).indexes:
        where = PARTIAL_INDEXES.get(str(index.name))
        if where is not None:
            index.dialect_kwargs["postgresql_where"] = text(where)
