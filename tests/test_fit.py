"""Fitting text to its box: the largest size that fits, found in few layouts.

A stand-in flowable sets a text of a given length in whole lines, as a
paragraph does (line height grows with the size, words per line shrink), so
the search runs without fonts or a PDF.
"""

from __future__ import annotations

import math

import pytest
from reportlab.platypus import Flowable

from cards.layout.fit import CLOSE_ENOUGH_PT, PRECISION_PT, Fitted, Overflow, fit

WIDTH_PT, HEIGHT_PT, NORMAL_PT, FLOOR_PT = 150.0, 200.0, 9.0, 7.5
STRIP_PT = 40.0


class Lines(Flowable):
    """``length`` ems of text set at ``size_pt`` in whole lines of 1.2 × the size,
    under a strip that does not shrink with it (a card's glance strip)."""

    def __init__(self, length: float, size_pt: float):
        super().__init__()
        self.length, self.size_pt = length, size_pt

    def wrap(self, width: float, height: float) -> tuple[float, float]:
        lines = math.ceil(self.length * self.size_pt * 0.5 / width)
        self.width, self.height = width, STRIP_PT + lines * self.size_pt * 1.2
        return self.width, self.height


def fits(length: float, size_pt: float) -> bool:
    return Lines(length, size_pt).wrap(WIDTH_PT, HEIGHT_PT)[1] <= HEIGHT_PT


def fitted(length: float) -> tuple[Fitted | Overflow, int]:
    layouts = []

    def build(size_pt: float) -> list[Flowable]:
        layouts.append(size_pt)
        return [Lines(length, size_pt)]

    return fit(build, WIDTH_PT, HEIGHT_PT, NORMAL_PT, FLOOR_PT), len(layouts)


def test_text_that_fits_takes_one_layout_at_the_normal_size():
    result, layouts = fitted(300)
    assert isinstance(result, Fitted) and result.body_pt == NORMAL_PT and layouts == 1


def test_text_too_long_even_at_the_floor_is_an_overflow():
    result, _ = fitted(5000)
    assert isinstance(result, Overflow) and result.body_pt == FLOOR_PT


# every length from just too long at the normal size to just fitting at the floor
LENGTHS = [length for length in range(400, 1000, 2) if not fits(length, NORMAL_PT)]


@pytest.mark.parametrize("length", LENGTHS[::10])
def test_a_shrunk_text_is_set_close_to_the_largest_size_that_fits(length):
    result, _ = fitted(length)
    if not fits(length, FLOOR_PT):
        assert isinstance(result, Overflow)
        return
    assert isinstance(result, Fitted) and fits(length, result.body_pt)
    sizes = [round(FLOOR_PT + step * PRECISION_PT, 1) for step in range(16)]
    largest = max(size for size in sizes if fits(length, size))
    assert largest - result.body_pt <= CLOSE_ENOUGH_PT + PRECISION_PT + 1e-9


def test_shrinking_takes_few_layouts():
    """A size just too big mostly loses no line, and the strip does not shrink:
    the next probe aims lower (with the square law alone: 3.15 on average)."""
    counts = [fitted(length)[1] for length in LENGTHS if fits(length, FLOOR_PT)]
    assert len(counts) > 100
    assert max(counts) <= 4, counts
    assert sum(counts) / len(counts) <= 2.8, sum(counts) / len(counts)
