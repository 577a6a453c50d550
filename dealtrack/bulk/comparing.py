"""Finding, in a second process, which deals of a chunk an import's rows leave unchanged.

Running a feed again on the ledger it filled spends most of its time comparing each row with its
deal, in one process, after the process that read the file has ended. A forked helper compares
every other chunk instead: it reads those deals through a connection of its own, from the ledger
as committed (the import has not written to them yet: each deal is one group's), and runs the
same ``planned_update`` as the importer, which writes nothing. It answers with the deals that
came out unchanged; the importer applies every other row itself, so each rule and every write
stays in one place. A helper that fails (a busy ledger, anything) answers nothing, and the
importer compares the chunk itself: the helper only ever saves time.

SQLite only: there, reading beside the import's own write transaction is cheap and safe (WAL).
"""

import marshal
import multiprocessing
import os
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, create_engine
from sqlalchemy.orm import Session

from dealtrack.bulk.matching import Group, Matcher, RowError
from dealtrack.bulk.snapshot import PartyNames
from dealtrack.bulk.staging import Stage, pack, unpack
from dealtrack.bulk.updating import planned_update
from dealtrack.dates import PartialDate
from dealtrack.ledger_file import connect
from dealtrack.services.ledger import load_deals


def packed_rows(stage: Stage, groups: list[Group]) -> list[tuple[int, bytes]]:
    """(deal id, packed row) of each group, as the helper takes them."""
    staged = stage.packed_at([g.seq for g in groups if g.merged is None])
    return [(g.deal_id or 0, staged[g.seq] if g.merged is None else pack(g.merged)) for g in groups]


def apply_compared(
    groups: list[Group],
    unchanged: dict[int, str] | None,
    update: Callable[[list[Group]], None],
    count_unchanged: Callable[[Group, str], None],
) -> None:
    """A chunk the helper compared, in the chunk's order: each deal it found unchanged counted
    (with its key), each run of the others updated (None: the helper could not say, so the
    whole chunk is updated, that is, compared there)."""
    if unchanged is None:
        update(groups)
        return
    run: list[Group] = []
    for group in groups:
        if group.deal_id not in unchanged:
            run.append(group)
            continue
        if run:
            update(run)
            run = []
        count_unchanged(group, unchanged[group.deal_id])
    if run:
        update(run)


class Comparer:
    """The helper process and its two pipes; ``ask`` a chunk, then ``unchanged`` answers it."""

    @classmethod
    def for_ledger(
        cls, connection: Connection, matcher: Matcher, today: PartialDate, recorded_at: str
    ) -> "Comparer | None":
        """A helper for the ledger ``connection`` writes, if it is an SQLite file."""
        url = connection.engine.url
        if connection.dialect.name != "sqlite" or not url.database:
            return None
        return cls(Path(url.database), matcher, today, recorded_at)

    def __init__(self, path: Path, matcher: Matcher, today: PartialDate, recorded_at: str) -> None:
        context = multiprocessing.get_context("fork")
        requests, self.requests = context.Pipe(duplex=False)  # (reading end, writing end)
        self.answers, answers = context.Pipe(duplex=False)
        ends, parents = (requests, answers), (self.requests, self.answers)
        self.process = context.Process(
            target=_serve, args=(ends, parents, path, matcher, today, recorded_at)
        )
        self.process.start()
        requests.close()
        answers.close()
        self.failed = False

    def ask(self, rows: list[tuple[int, bytes]]) -> None:
        """Have the helper compare deals with their rows: (deal id, packed row) each."""
        try:
            self.requests.send_bytes(marshal.dumps(rows))
        except OSError:
            self.failed = True

    def unchanged(self) -> dict[int, str] | None:
        """The deals of the chunk asked about first and not answered yet that its rows leave
        unchanged, with their keys; None if the helper could not say."""
        if self.failed:
            return None
        try:
            answer = marshal.loads(self.answers.recv_bytes())
        except (EOFError, OSError):
            self.failed = True
            return None
        if answer is None:
            self.failed = True
            return None
        return dict(answer)

    def close(self) -> None:
        self.requests.close()
        self.answers.close()
        self.process.join(timeout=5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()


def _serve(
    ends: tuple[Any, Any],
    parents: tuple[Any, Any],
    path: Path,
    matcher: Matcher,
    today: PartialDate,
    recorded_at: str,
) -> None:
    # The parent's ends of the pipes, copied by the fork, are closed here: the requests then end
    # when the parent closes its end, and the parent sees this process die.
    for end in parents:
        end.close()
    requests, answers = ends
    # A connection of its own: the parent's, copied by the fork, is not this process's to use.
    engine = create_engine("sqlite://", creator=lambda: connect(path))
    try:
        with Session(engine) as session:
            matcher.snapshot.party_names = PartyNames(session)
            while True:
                try:
                    rows = marshal.loads(requests.recv_bytes())
                except EOFError:
                    break
                answers.send_bytes(
                    marshal.dumps(_unchanged(session, matcher, rows, today, recorded_at))
                )
                session.rollback()
    except Exception:  # any failure: the importer compares the chunk itself
        with suppress(OSError):
            answers.send_bytes(marshal.dumps(None))
    finally:
        os._exit(0)  # nothing of the parent's (its ledger connection, temp files) is this one's


def _unchanged(
    session: Session,
    matcher: Matcher,
    rows: list[tuple[int, bytes]],
    today: PartialDate,
    recorded_at: str,
) -> list[tuple[int, str]]:
    """(id, key) of the deals that their rows leave unchanged."""
    by_id = {deal_id: unpack(data) for deal_id, data in rows}
    found = []
    for loaded in load_deals(session, list(by_id)):
        try:
            planned = planned_update(
                matcher, by_id[loaded.deal.id], loaded, today, recorded_at, matcher.party_id
            )
        except RowError:
            continue  # the importer finds it again, and reports it
        if planned is None:
            found.append((loaded.deal.id, loaded.deal.key))
    return found
