"""What a use case tells the user besides its result, kept free of SQLAlchemy so that a light
read can say it too."""

from dataclasses import dataclass, field


@dataclass
class Notices:
    """Messages a use case wants the user to see on stderr (``Created party "Googel"``)."""

    lines: list[str] = field(default_factory=list)

    def add(self, line: str) -> None:
        self.lines.append(line)
