"""The one error class of the content package: every problem names its file and field."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    file: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.field}: {self.message}"


class ContentError(Exception):
    """Content that cannot be loaded or a request the library cannot satisfy."""

    def __init__(self, problems: list[Problem] | str):
        if isinstance(problems, str):
            problems = [Problem("content", "request", problems)]
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))
