"""Where the ledger lives: ``--db``, ``$DEALTRACK_DB`` or the user data directory.

Kept free of SQLAlchemy so that ``db path`` and start-up stay light.
"""

import os
import re
from dataclasses import dataclass
from pathlib import Path

_URL = re.compile(r"^[a-z][a-z0-9+]*://", re.IGNORECASE)
# The URL itself, a URL quoted anywhere in a driver's message, and libpq's ``password=`` parameter.
_PASSWORD = re.compile(r"^([a-z][a-z0-9+.-]*://[^:/@]*):[^@]*@", re.IGNORECASE)
_QUOTED_PASSWORD = re.compile(r"\b([a-z][a-z0-9+.-]*://[^:/@\s]*):[^@\s]*@", re.IGNORECASE)
_PASSWORD_PARAMETER = re.compile(r"([?&]password=)[^&\s]*", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Location:
    """A ledger address: a SQLite file path, or a server URL (``path`` is then None).

    ``default``: the file in the user data directory, which dealtrack creates when missing; the
    directory of a path someone gave is theirs, and never created behind their back.
    """

    url: str
    path: Path | None
    default: bool = False

    @property
    def display(self) -> str:
        """The address as it may be shown: a path, or the URL with its password masked."""
        return str(self.path) if self.path is not None else mask_password(self.url)


def mask_password(url: str) -> str:
    """Replace a URL's password with ``***`` so it never reaches output or errors."""
    masked = _QUOTED_PASSWORD.sub(r"\1:***@", _PASSWORD.sub(r"\1:***@", url))
    return _PASSWORD_PARAMETER.sub(r"\1***", masked)


def default_path() -> Path:
    data_home = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data_home) / "dealtrack" / "dealtrack.db"


def locate(db: str | None) -> Location:
    """Resolve ``--db`` (or ``$DEALTRACK_DB``, or the default file) to a Location."""
    given = db or os.environ.get("DEALTRACK_DB")
    if not given:
        return Location(url="", path=default_path().expanduser().absolute(), default=True)
    target = given
    if not _URL.match(target):
        return Location(url="", path=Path(target).expanduser().absolute())
    scheme, rest = target.split("://", 1)
    scheme = scheme.lower()
    if scheme in ("postgresql", "postgres"):
        return Location(url=f"postgresql+psycopg://{rest}", path=None)
    if scheme == "sqlite":
        file = rest[1:] if rest.startswith("/") else rest
        return Location(url="", path=Path(file).expanduser().absolute())
    return Location(url=target, path=None)
