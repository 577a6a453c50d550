"""When two reports are one deal: the same target, the same set of acquirers and the same
reported period. ``add`` refuses such a duplicate (unless ``--new``) and an import row matches the
deal instead of creating another, both by this key."""

import datetime
from collections.abc import Iterable

from dealtrack.dates import PartialDate

NaturalKey = tuple[int, frozenset[int], datetime.date, str]


def natural_key(target_id: int, acquirer_ids: Iterable[int], reported: PartialDate) -> NaturalKey:
    """What identifies a deal besides its key, party names resolved to ids (aliases included)."""
    return target_id, frozenset(acquirer_ids), reported.start, reported.precision.value
