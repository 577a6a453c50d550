"""Ctrl-C and the commit: before a command's commit begins, an interrupt stops it and the ledger
is as it was; once the commit has begun, the interrupt is noted and the command finishes and
reports what it did, since "nothing changed" would then be false.
"""

import signal
import threading
from types import FrameType
from typing import Any


class _Held:
    previous: Any = None
    holding = False
    arrived = False


_held = _Held()


def hold() -> None:
    """From here the commit may begin: a Ctrl-C is noted instead of stopping the command."""
    if _held.holding or threading.current_thread() is not threading.main_thread():
        return
    _held.previous = signal.signal(signal.SIGINT, _note)
    _held.holding, _held.arrived = True, False


def _note(signum: int, frame: FrameType | None) -> None:
    _held.arrived = True


def release() -> bool:
    """Let Ctrl-C stop commands again; True if one arrived while it was held."""
    if not _held.holding:
        return False
    signal.signal(signal.SIGINT, _held.previous)
    _held.holding = False
    return _held.arrived
