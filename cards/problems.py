"""Problems found in a deck, and the one place they are formatted.

Every message a user sees about their content goes through ``Problem.format``:
``path:line: error|warning: message``, with the path relative to the current
folder, as compilers do.
"""

from __future__ import annotations

import os
import re
from collections import Counter
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
    """The path as the user would recognise it.

    Paths are built on the deck path the user gave, so a relative one is shown
    as it is; an absolute one inside the current folder is shown relative to
    it, and one elsewhere stays absolute (never ``../../…``).
    """
    path = Path(path)
    if path.is_absolute():
        try:
            return str(path.relative_to(Path.cwd()))
        except ValueError:
            return str(path)
    return os.path.normpath(path)


class ContentError(Exception):
    """Raised once with every problem found, errors and warnings alike."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=_order)
        super().__init__("\n".join(p.format() for p in self.problems))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.level == ERROR]

    def __reduce__(self) -> tuple[type[ContentError], tuple[list[Problem]]]:
        return ContentError, (self.problems,)  # sent whole from a worker process


def _order(problem: Problem) -> tuple[str, int]:
    return (str(problem.path), problem.line)


def has_errors(problems: list[Problem]) -> bool:
    return any(p.level == ERROR for p in problems)


# -- many of one kind ------------------------------------------------------------

FOLD_ABOVE = 10  # more warnings of one kind than this are folded ...
FOLD_SHOWN = 3  # ... to this many, and a line that counts the rest
_VARYING = re.compile(r"'[^']*'|“[^”]*”|#[0-9A-Fa-f]{6}|\d+(?:[.,]\d+)*")


def kind_of(problem: Problem) -> tuple[str, str]:
    """What a problem says with its names and numbers left out: its kind."""
    return problem.level, _VARYING.sub("…", problem.message)


def folded(problems: list[Problem]) -> list[Problem | str]:
    """Problems to print, with warnings of one kind past ``FOLD_ABOVE`` cut to
    ``FOLD_SHOWN`` and a line that counts the rest. Errors are never folded."""
    counts = Counter(kind_of(p) for p in problems if p.level == WARNING)
    shown: Counter[tuple[str, str]] = Counter()
    out: list[Problem | str] = []
    for problem in problems:
        kind = kind_of(problem)
        if problem.level == ERROR or counts[kind] <= FOLD_ABOVE:
            out.append(problem)
            continue
        shown[kind] += 1
        if shown[kind] <= FOLD_SHOWN:
            out.append(problem)
        if shown[kind] == FOLD_SHOWN:
            out.append(f"  … and {plural(counts[kind] - FOLD_SHOWN, 'more warning')} like these")
    if len(out) < len(problems):
        out.append("  (run with -v, or 'cards check -v', to see every warning)")
    return out


def plural(count: int, noun: str) -> str:
    """``1 card``, ``2 cards``: the count and the noun, in the right number."""
    return f"{count:,} {noun}{'' if count == 1 else 's'}"
