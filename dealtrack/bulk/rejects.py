"""``--rejects FILE``: rejected rows in the input's format, each with an added ``error``."""

import json
import os
from pathlib import Path
from typing import IO, Any

from dealtrack.render import FLAT_FORMATS, DelimitedWriter


class RejectWriter:
    def __init__(self, handle: IO[str], fmt: str) -> None:
        self.handle, self.fmt = handle, fmt
        self.columns: list[str] | None = None
        self.writer = DelimitedWriter(handle, "\t" if fmt == "tsv" else ",")
        self.first = True

    @classmethod
    def open(cls, path: Path | None, fmt: str) -> "RejectWriter | None":
        if path is None:
            return None
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        return cls(os.fdopen(fd, "w", encoding="utf-8", newline=""), fmt)

    def write(self, record: dict[str, Any], error: str) -> None:
        if self.fmt in FLAT_FORMATS:
            if self.columns is None:
                self.columns = list(record)
                self.writer.writerow([*self.columns, "error"])
            cells = [*(str(record.get(c, "")) for c in self.columns), error]
            self.writer.writerow(cells)
        elif self.fmt == "jsonl":
            self.handle.write(json.dumps({**record, "error": error}, ensure_ascii=False) + "\n")
        else:
            self.handle.write(
                ("[\n" if self.first else ",\n")
                + json.dumps({**record, "error": error}, ensure_ascii=False)
            )
        self.first = False

    def close(self) -> None:
        if self.fmt == "json":
            self.handle.write("[]\n" if self.first else "\n]\n")
        self.handle.close()
