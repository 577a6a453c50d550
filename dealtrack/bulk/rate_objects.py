"""The ``fx_rates`` section of a ledger document: the ledger's own exchange rates (those of
``fx set`` and ``fx import``, never the built-in ECB ones), as ``export`` writes them and
``import`` reads them back.

A rate object has the columns ``fx import`` reads (``date, base, currency, rate, source``: 1
``base`` = ``rate`` ``currency``), and is checked and stored by the very code ``fx import`` uses,
so a document can hold no rate that ``fx import`` would refuse, and a re-import changes nothing.
"""

import datetime
from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dealtrack.models import FxRate
from dealtrack.services.fx import NewRate, rate_of_record, store_rates

PAGE = 1000


def rate_objects(session: Session, day: datetime.date | None) -> Iterator[dict[str, Any]]:
    """The ledger's rates (up to ``day``) by date, then pair, read a page at a time."""
    query = select(FxRate.on, FxRate.base, FxRate.currency, FxRate.rate, FxRate.source).order_by(
        FxRate.on, FxRate.base, FxRate.currency
    )
    if day is not None:
        query = query.where(FxRate.on <= day)
    for on, base, currency, rate, source in session.execute(
        query.execution_options(yield_per=PAGE)
    ):
        yield {
            "date": on.isoformat(),
            "base": base,
            "currency": currency,
            "rate": rate,
            "source": source,
        }


class RateObjects:
    """Applies a document's rate objects: each checked on its own line, then all stored at once."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def apply(
        self, chunks: Iterable[list[tuple[int, dict[str, Any]]]], result: Any, problems: Any
    ) -> None:
        rates: list[NewRate] = []
        for chunk in chunks:
            for line, fields in chunk:
                columns = {k: v for k, v in fields.items() if k != "type"}
                rate, found = rate_of_record(columns)
                if rate is None:
                    problems.reject(line, fields, found)
                    continue
                rates.append(rate)
        if not rates:
            return  # nothing to store: the ledger's rates (perhaps an ECB history) go unread
        for rate, outcome in zip(rates, store_rates(self.session, rates), strict=True):
            shown = f"{rate.on} {rate.base} {rate.currency}"
            result.count("updated" if outcome == "repeat" else outcome, shown)
