"""The one error class of the content package: every problem names its file and field."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    file: str
    field: str
    message: str
    line: int | None = None  # where in the file the field (or the nearest enclosing one) is

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.field}: {self.message}"


class ContentError(Exception):
    """Content that cannot be loaded or a request the library cannot satisfy."""

    def __init__(self, problems: list[Problem] | str):
        if isinstance(problems, str):
            problems = [Problem("content", "request", problems)]
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class LengthOutOfReach(ContentError):
    """A length a routine cannot be fitted to, with the range it can reach and the nearest length
    it can really be fitted to (in whole minutes)."""

    def __init__(self, title: str, asked_min: float, shortest_min: int, longest_min: int, nearest_min: int):
        from content.spoken import number_words

        self.title, self.asked_min = title, asked_min
        self.shortest_min, self.longest_min, self.nearest_min = shortest_min, longest_min, nearest_min
        if shortest_min < asked_min < longest_min:
            message = (f"the {title} cannot be fitted to {asked_min:g} minutes; the nearest length it can take is "
                       f"{number_words(nearest_min)} minutes ({nearest_min})")
        else:
            message = (f"the {title} cannot be fitted to {asked_min:g} minutes; it runs from "
                       f"{number_words(shortest_min)} to {number_words(longest_min)} minutes "
                       f"({shortest_min} to {longest_min})")
        super().__init__(message)
