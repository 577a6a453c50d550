"""Links between parties: stakes, which links are control, and the periods a link's events leave.

A link runs from a holder to a party: ``owns`` (control, or a stake), ``backs`` (an investor or
lender without control) or ``leads`` (a person or firm that runs it). Its events are folded here,
as a deal's are in ``fold``: the recording commands, ``void`` and ``check`` all call this code.
"""

import datetime
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

from dealtrack.dates import PartialDate, from_storage

P = TypeVar("P")

# Stakes are hundredths of a percent; more than half is control.
CONTROL_STAKE = 50_00
WHOLE_STAKE = 100_00
_STAKE = re.compile(r"\s*(\d{1,3})(?:\.(\d{1,2}))?\s*%?\s*")
VERBS = {"owns": "own", "backs": "back", "leads": "lead"}


class StakeError(ValueError):
    """A stake that is not a percentage above 0 and at most 100, exact to 0.01."""


def parse_stake(text: str) -> int:
    """A stake in percent (``39``, ``39.5``, ``51%``) as hundredths of a percent."""
    match = _STAKE.fullmatch(text)
    if match is None:
        raise StakeError(
            f"{text!r} is not a stake; write a percentage with at most two decimals, e.g. 39.5"
        )
    whole, fraction = match.groups()
    stake = int(whole) * 100 + int((fraction or "").ljust(2, "0"))
    if not 0 < stake <= WHOLE_STAKE:
        raise StakeError(f"{text!r} is not a stake; a stake is above 0 and at most 100 percent")
    return stake


def stake_string(stake: int | None) -> str | None:
    """A stake as its exact decimal string (``"39.50"``), as JSON shows it; None stays None."""
    return None if stake is None else str(Decimal(stake).scaleb(-2))


def stake_words(stake: int) -> str:
    """A stake as people write it: ``39%``, ``39.5%``."""
    text = str(Decimal(stake).scaleb(-2))
    return text.rstrip("0").rstrip(".") + "%"


def describe_link_event(event: Mapping[str, Any]) -> str:
    """What a link or unlink event record says, in words: ``A owns 60% of B until 2021``."""
    holder, kind, party = event["holder"], event["kind"], event["party"]
    if event["type"] == "unlink":
        return f"{holder} no longer {kind} {party}"
    stake = event.get("stake")
    of = f" {stake_words(int(Decimal(stake) * 100))} of" if stake is not None else ""
    until = f" until {event['until']}" if event.get("until") else ""
    return f"{holder} {kind}{of} {party}{until}"


def stake_problem(kind: str, stake: int | None) -> str | None:
    """Only ownership comes in percent: backing and leading are not measured in stakes."""
    if stake is not None and kind != "owns":
        return f"a stake goes with owns, not {kind}"
    return None


def is_control(kind: str, stake: int | None) -> bool:
    """Leading is control, and owning is unless a stake of at most half is given."""
    return kind == "leads" or (kind == "owns" and (stake is None or stake > CONTROL_STAKE))


def self_link_problem(holder: P, party: P, kind: str, name: Callable[[P], str]) -> str | None:
    if holder != party:
        return None
    return f'"{name(holder)}" cannot {VERBS[kind]} itself'


def in_force(since: datetime.date | None, until: datetime.date | None, day: datetime.date) -> bool:
    """Whether a link from ``since`` (None: always known) until ``until`` holds on ``day``."""
    return (since is None or since <= day) and (until is None or day < until)


def overlaps(
    first: tuple[datetime.date | None, datetime.date | None],
    second: tuple[datetime.date | None, datetime.date | None],
) -> bool:
    """Whether two periods (since, until), either end open, share a day."""
    (since_a, until_a), (since_b, until_b) = first, second
    a_before_b = until_a is not None and since_b is not None and until_a <= since_b
    b_before_a = until_b is not None and since_a is not None and until_b <= since_a
    return not (a_before_b or b_before_a)


@dataclass(slots=True)
class LinkPeriod:
    """A link as its events leave it: the ``link`` event that opened it, and when it ended."""

    event: Any  # the link event: its holder, kind, party, stake, date, source and note
    until: PartialDate | None

    @property
    def since(self) -> PartialDate | None:
        return event_date(self.event)

    def holds_on(self, day: datetime.date) -> bool:
        return in_force(
            self.since.start if self.since else None,
            self.until.start if self.until else None,
            day,
        )


def event_date(event: Any) -> PartialDate | None:
    return None if event.on is None else from_storage(event.on, event.on_precision)


def given_until(event: Any) -> PartialDate | None:
    return None if event.until is None else from_storage(event.until, event.until_precision)


def in_ledger_order(events: Iterable[Any]) -> list[Any]:
    """Events by date (undated ones first: known, but not since when), recorded time, id."""
    return sorted(
        events, key=lambda e: (e.on is not None, e.on or datetime.date.min, e.recorded_at, e.id)
    )


def fold_links(events: Sequence[Any]) -> list[LinkPeriod]:
    """The periods the live events of one holder, kind and party leave, in ledger order.

    A ``link`` event opens a period (until its own end, if it gave one); a dated one also ends a
    period still open that began before it, as a new stake replaces the old. An ``unlink``
    event ends every period in force on its date.
    """
    periods: list[LinkPeriod] = []
    for event in in_ledger_order(e for e in events if not e.voided):
        on = event_date(event)
        if event.type == "link":
            for period in periods:
                began_before = on is not None and (
                    period.since is None or period.since.start < on.start
                )
                if period.until is None and began_before:
                    period.until = on
            periods.append(LinkPeriod(event, given_until(event)))
        elif event.type == "unlink" and on is not None:
            for period in periods:
                if _ends(period, on):
                    period.until = on
    return periods


def _ends(period: LinkPeriod, on: PartialDate) -> bool:
    """Whether an unlink dated ``on`` ends this period: it began before ``on`` and still ran."""
    began = period.since is None or period.since.start < on.start
    return began and (period.until is None or on.start < period.until.start)


def unlink_problem(periods: Sequence[LinkPeriod], on: PartialDate) -> str | None:
    """Why nothing can end on ``on``: no period of the link began before it and ran past it."""
    if any(_ends(period, on) for period in periods):
        return None
    return f"no link in force on {on} to end"


def until_problem(
    since: PartialDate | None, until: PartialDate, names: tuple[str, str] = ("--on", "--until")
) -> str | None:
    """Why a link cannot end on ``until``: not after it began. ``names``: what the caller calls
    the two dates (options for a command, columns for an import)."""
    if since is not None and until.start <= since.start:
        return f"{names[1]} {until} is not after {names[0]} {since}"
    return None


LINK_PAYLOAD = (
    "holder_id", "link_kind", "party_id", "stake", "until", "until_precision",
    "source_outlet", "source_url", "source_attribution",
)  # fmt: skip


def link_identity(event: Any) -> tuple[object, ...]:
    """What makes two link events the same report: type, date, payload and source (not the note)."""
    return (event.type, event.on, event.on_precision, *(getattr(event, f) for f in LINK_PAYLOAD))
