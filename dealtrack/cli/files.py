"""Files a command writes for the user (``export -o``, ``timeline -o``): 0600, and whole or not
at all."""

import os
from collections.abc import Callable
from pathlib import Path
from typing import IO


def write_private_file(path: Path, write: Callable[[IO[str]], None]) -> None:
    """Write a new 0600 file next to ``path`` and move it into place only when complete."""
    partial = path.with_name(f".{path.name}.partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            write(out)
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
