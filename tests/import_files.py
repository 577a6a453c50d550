"""Files for ``dealtrack import`` tests, and the messages an import prints about them."""

import re
from pathlib import Path

STATUS_CHOICES = "use one of: rumored, in-negotiation, agreed, completed, failed"
SUMMARY = re.compile(
    r"Imported (\d+) rows?: (\d+) added, (\d+) updated, (\d+) unchanged, (\d+) rejected in \d+\.\d s\n"
)


def write(tmp_path: Path, name: str, content: str | bytes) -> str:
    """Write ``tmp_path/name`` exactly (text as UTF-8, line ends untouched); return its path."""
    path = tmp_path / name
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8", newline="")
    else:
        path.write_bytes(content)
    return str(path)
