"""A technique too long for its booklet page, run on over the pages after it.

``run_on_pages`` decides whether it must (it does not fit even at the
smallest size), whether it can (no more than ``MOST_RUN_ON_PARTS`` pages
would hold it) and how the pages fall (``layout.runon``).
"""

from __future__ import annotations

from collections.abc import Callable

from reportlab.platypus import Flowable

from cards.formats.booklet_box import continuation_layout, flow_box
from cards.layout.fit import MOST_RUN_ON_PARTS, hopeless, most_characters, stacked_height
from cards.layout.markup import Layout
from cards.layout.runon import ContinuedWords, run_on, run_on_marks
from cards.layout.styles import TypeScale, styles_for
from cards.layout.theme import BookletTheme

TOO_LONG = "too long"  # more than MOST_RUN_ON_PARTS pages would hold


def run_on_pages(
    layout: Layout,
    theme: BookletTheme,
    build: Callable[[float], tuple[list[Flowable], TypeScale]],
    words: ContinuedWords,
    accent: str,
) -> list[list[Flowable]] | str | None:
    """The pages' flowables, None when the technique fits one page, or
    ``TOO_LONG``."""
    box = flow_box(layout, theme)
    characters = layout.characters()
    if not hopeless(characters, box.width_pt, box.height_pt, theme.body_min_pt):
        flows = build(theme.body_min_pt)[0]
        if stacked_height(flows, box.width_pt, box.height_pt) <= box.height_pt:
            return None
    most = most_characters(box.width_pt, box.height_pt, theme.body_pt) * MOST_RUN_ON_PARTS
    if characters > most:
        return TOO_LONG
    later = flow_box(continuation_layout(layout, accent), theme)
    flows, scale = build(theme.body_pt)
    marks = run_on_marks(layout, styles_for(scale), words)
    return run_on(flows, box.width_pt, box.height_pt, marks, later.height_pt)
