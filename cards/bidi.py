"""The order in which a right-to-left line is drawn: the Unicode
bidirectional algorithm (UAX #9) of python-bidi, in runs.

Lines are broken in the order the text is written (logical order); a line
of a right-to-left paragraph is then drawn as runs, left to right: each run
is characters of one embedding level and one font, consecutive in the text.
A run at an odd level (Arabic, Hebrew, and the punctuation between them)
reads right to left, one at an even level (Latin words, numbers: "6–10" in
an Arabic line is two numbers, drawn "10–6") left to right. A run that is
shaped is given to HarfBuzz whole, in its own direction; one that is not is
drawn as python-bidi lays it out, reversed and with mirrored brackets where
it reads right to left. Pure functions on short strings: tested without a
PDF.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class VisualRun:
    """Characters ``start``–``end`` (logical, end excluded) at one level,
    drawn as ``text`` (left to right: reversed and mirrored where the level
    is odd)."""

    start: int
    end: int
    level: int
    text: str

    @property
    def right_to_left(self) -> bool:
        return self.level % 2 == 1


def visual_runs(text: str, breaks: Iterable[int] = ()) -> list[VisualRun]:
    """The runs of ``text``, a line of a right-to-left paragraph, in the order
    drawn from the left; ``breaks``: positions a run may not cross (where
    the font changes)."""
    from bidi import algorithm  # python-bidi's UAX #9, its steps as get_display takes them

    if not text:
        return []
    storage = algorithm.get_empty_storage()
    storage["base_level"], storage["base_dir"] = 1, "R"
    algorithm.get_embedding_levels(text, storage)
    for index, char in enumerate(storage["chars"]):
        char["index"] = index  # kept through the reordering: where it was written
    algorithm.explicit_embed_and_overrides(storage, False)
    algorithm.resolve_weak_types(storage, False)
    algorithm.resolve_neutral_types(storage, False)
    algorithm.resolve_implicit_levels(storage, False)
    algorithm.reorder_resolved_levels(storage, False)
    algorithm.apply_mirroring(storage, False)
    cuts = sorted(set(breaks))
    segment = [0] * len(text)
    for index in range(len(text)):
        segment[index] = sum(1 for cut in cuts if cut <= index)
    runs: list[VisualRun] = []
    current: list[dict[str, object]] = []

    def close() -> None:
        if current:
            indices = [int(str(c["index"])) for c in current]
            drawn = "".join(str(c["ch"]) for c in current)
            level = int(str(current[0]["level"]))
            runs.append(VisualRun(min(indices), max(indices) + 1, level, drawn))
            current.clear()

    for char in storage["chars"]:
        if current:
            last = current[-1]
            step = -1 if int(str(last["level"])) % 2 else 1
            index, previous = int(str(char["index"])), int(str(last["index"]))
            if (
                char["level"] != last["level"]
                or index != previous + step
                or segment[index] != segment[previous]
            ):
                close()
        current.append(char)
    close()
    return runs
