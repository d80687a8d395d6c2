"""Problems found in a deck, and the one place they are formatted.

Every message a user sees about their content goes through ``Problem.format``:
``path:line: error|warning: message``, with the path relative to the current
folder, as compilers do.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    path: Path
    line: int
    level: str
    message: str

    def format(self) -> str:
        return f"{display_path(self.path)}:{self.line}: {self.level}: {self.message}"


def display_path(path: Path) -> str:
    """The path as the user typed it: relative to the current folder when inside it."""
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)


class ContentError(Exception):
    """Raised once with every problem found, errors and warnings alike."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=_order)
        super().__init__("\n".join(p.format() for p in self.problems))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.level == ERROR]


def _order(problem: Problem) -> tuple[str, int]:
    return (str(problem.path), problem.line)


def has_errors(problems: list[Problem]) -> bool:
    return any(p.level == ERROR for p in problems)
