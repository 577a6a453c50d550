"""The errors dealtrack raises on purpose, each carrying its exit code.

The CLI turns any of them into one ``Error: …`` line and its exit code, in one place, so no other
layer needs to know about click or ``sys.exit``.
"""


class DealtrackError(Exception):
    """The ledger refused: nothing was changed (exit 1)."""

    exit_code = 1

    def __init__(self, message: str, problems: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.problems = problems


class NotFound(DealtrackError):
    """An unknown deal, party or event."""


class Refused(DealtrackError):
    """A change the ledger's rules forbid (illegal status change, taken key, duplicate deal)."""


class LedgerUnavailable(DealtrackError):
    """No ledger, a foreign or newer database, or the ledger stayed busy past the timeout."""


class BadInput(DealtrackError):
    """A malformed value reached a service directly rather than through an option (exit 2)."""

    exit_code = 2
