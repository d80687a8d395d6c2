"""Every card of a deck rendered and fitted, in order: the work before drawing.

``iter_cards`` yields each technique's fitted front (and back), in worker
processes for a large deck; ``prepare_cards`` is the same for ``cards check``;
``extra_cards`` makes the deck's own cards. In a watch session, fitted cards
are kept in a ``FitCache`` by all that decides their layout.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace

import jinja2

from cards.formats.card import (
    FittedCard,
    continued_cards,
    draw_content,
    fit_card,
    furniture_only,
)
from cards.formats.drawn import Drawn, NotDrawn, Sketch
from cards.images import file_stamps
from cards.layout.fit import FitCache, Overflow
from cards.layout.markup import Layout, parse_layout
from cards.layout.styles import hyphenation_for
from cards.layout.theme import (
    CardTheme,
    register_fonts,
)
from cards.model import Deck, Technique
from cards.problems import ERROR, WARNING, Problem
from cards.templating import (
    deck_view,
    labels_view,
    picture_roots,
    render,
    section_view,
    template_path,
)
from cards.workers import in_workers, worth_parallel

FRONT_TEMPLATE = "card/front.xml.j2"
BACK_TEMPLATE = "card/back.xml.j2"
# The deck's own cards, after the techniques, in the last sheet's free slots first.
EXTRA_TEMPLATES = ("card/title.xml.j2", "card/safety.xml.j2", "card/routine.xml.j2")
ROUTINE_MAX = 40  # more techniques than this never fit one card: not even tried


@dataclass(frozen=True)
class Side:
    """A card side fitted, and its text drawn already when a worker process could
    (``content``, see formats/drawn.py): then ``card`` keeps only its furniture."""

    card: FittedCard
    content: Drawn | None = None


@dataclass(frozen=True)
class PreparedCard:
    front: Side
    back: Side | None = None


# a technique's fronts (more than one with --overflow continue), back, and what fitting found
FittedSides = tuple[list[Side], list[Side], list[Problem]]


# -- preparing -------------------------------------------------------------------


def prepare_cards(
    deck: Deck, env: jinja2.Environment, theme: CardTheme, backs: bool = False
) -> tuple[list[PreparedCard], list[Problem]]:
    """Render and fit every card; errors for cards that cannot fit, warnings for shrunk ones."""
    problems: list[Problem] = []
    cards = list(iter_cards(deck, env, theme, backs, problems))
    return cards, problems


def iter_cards(
    deck: Deck,
    env: jinja2.Environment,
    theme: CardTheme,
    backs: bool,
    problems: list[Problem],
    overflow: str = "shrink",
    jobs: int = 1,
    cache: FitCache | None = None,
    sketch: Sketch | None = None,
) -> Iterator[PreparedCard]:
    """Fitted cards one at a time, in deck order, adding to ``problems`` on the way.

    Drawing consumes them as they come, so a 5,000-card deck never holds
    more than a sheet of laid-out cards in memory. With ``jobs`` above one
    and a large deck, worker processes fit the cards, and draw them with
    ``sketch`` (the open file's) when given.
    """
    register_fonts()
    work = CardWork(deck, env, theme, backs, overflow)
    techniques = work.techniques
    if cache is None and worth_parallel(jobs, len(techniques)):
        fitted_sides: Iterator[FittedSides] = in_workers(
            lambda index: work.for_main(index, sketch),
            len(techniques),
            jobs,
            sketch.freeze if sketch else None,
        )
    else:
        fitted_sides = (work.both_sides(i, cache) for i in range(len(techniques)))
    for fronts, backs_fitted, found in fitted_sides:
        problems.extend(found)
        back = backs_fitted[0] if backs_fitted else None
        if fronts and (back or not backs):
            for front in fronts:  # more than one with --overflow continue
                yield PreparedCard(front, back)
    if cache is not None:
        cache.forget_unused()


class CardWork:
    """What fitting a deck's cards needs, made once per build (and inherited by
    forked workers): the layouts' variables, the layout paths, the theme."""

    def __init__(
        self, deck: Deck, env: jinja2.Environment, theme: CardTheme, backs: bool, overflow: str
    ):
        self.deck, self.env, self.theme = deck, env, theme
        self.backs, self.overflow = backs, overflow
        self.deck_context, self.labels = deck_view(deck), labels_view(deck)
        self.techniques = [t for s in deck.sections for t in s.techniques]
        # each technique's view and its section's, made once: a section's view holds them
        self.views = {
            technique.number: (view, shown)
            for section in deck.sections
            for view in [section_view(section, theme.low_ink)]
            for technique, shown in zip(section.techniques, view.techniques, strict=True)
        }
        self.paths = {name: template_path(env, name) for name in (FRONT_TEMPLATE, BACK_TEMPLATE)}
        self.language = hyphenation_for(deck)
        self.picture_roots = picture_roots(deck)

    def context(self, technique: Technique) -> dict[str, object]:
        section, shown = self.views[technique.number]
        return {
            "deck": self.deck_context,
            "section": section,
            "technique": shown,
            "labels": self.labels,
        }

    def both_sides(self, index: int, cache: FitCache | None = None) -> FittedSides:
        """Technique ``index``'s fronts and back, fitted, with what fitting found.

        In a worker the cards travel back to the main process by pickle, without
        the layout markup they were built from (drawing needs only the furniture).
        """
        technique = self.techniques[index]
        found: list[Problem] = []
        fronts = self.fitted(FRONT_TEMPLATE, technique, found, cache)
        backs = self.fitted(BACK_TEMPLATE, technique, found, cache, "back") if self.backs else []
        return [Side(c) for c in fronts], [Side(c) for c in backs], found

    def for_main(self, index: int, sketch: Sketch | None) -> FittedSides:
        """In a worker: ``both_sides``, their text drawn with ``sketch`` when it
        can be, else light to send (no layout markup: drawing needs only the
        furniture and the flowables) for the main process to draw in its turn."""
        fronts, backs, found = self.both_sides(index)
        if sketch is not None:
            try:
                return (
                    [self.drawn(s, sketch) for s in fronts],
                    [self.drawn(s, sketch) for s in backs],
                    found,
                )
            except NotDrawn:  # the flowables a drawing broke off hold the canvas: fit anew
                fronts, backs, found = self.both_sides(index)
        return (
            [Side(without_markup(s.card)) for s in fronts],
            [Side(without_markup(s.card)) for s in backs],
            found,
        )

    def drawn(self, side: Side, sketch: Sketch) -> Side:
        card = side.card
        content = sketch.draw(lambda canvas: draw_content(canvas, card, self.theme))
        return Side(furniture_only(card), content)

    def fitted(
        self,
        name: str,
        technique: Technique,
        problems: list[Problem],
        cache: FitCache | None = None,
        side: str = "card",
    ) -> list[FittedCard]:
        """One side of a technique's card, fitted; with ``overflow="continue"`` a
        technique too long even at the smallest size runs on over more cards."""
        xml = render(self.env, name, **self.context(technique))

        def fitted_now() -> tuple[list[FittedCard], list[Problem]]:
            found: list[Problem] = []
            return self.laid_out(name, xml, technique, found, side), found

        if cache is None:
            cards, found = fitted_now()
        else:
            cards, found = cache.get(self.cache_key(name, xml, technique), fitted_now)
        problems.extend(found)
        return cards

    def laid_out(
        self, name: str, xml: str, technique: Technique, problems: list[Problem], side: str
    ) -> list[FittedCard]:
        layout = parse_layout(xml, self.paths[name], self.picture_roots)
        return fit_side(layout, self, name, technique, problems, side)

    def cache_key(self, name: str, xml: str, technique: Technique) -> tuple[object, ...]:
        """All that decides a side's layout: the rendered markup, the theme, the
        language, the file, and its pictures' size and time."""
        diagram = technique.diagram.path if technique.diagram else None
        pictures = file_stamps(technique.image, diagram)
        path = str(technique.source.path)
        return (name, xml, self.theme, self.language, self.overflow, path, pictures)


def without_markup(card: FittedCard) -> FittedCard:
    return replace(card, layout=replace(card.layout, blocks=[]))


def fit_side(
    layout: Layout, work: CardWork, name: str, technique: Technique, problems: list[Problem],
    side: str,
) -> list[FittedCard]:  # fmt: skip
    theme = work.theme
    result = fit_card(layout, theme, work.language, name)
    where = technique.source.path
    if isinstance(result, Overflow) and work.overflow == "continue":
        cards = continued_cards(layout, theme, work.language, name, work.labels.continued)
        problems.append(
            Problem(
                where,
                1,
                WARNING,
                f"'{technique.title}' is too long for one card; it continues on "
                f"{len(cards) - 1} more (--overflow continue)",
            )
        )
        return cards
    if isinstance(result, Overflow):
        problems.append(
            Problem(
                where,
                1,
                ERROR,
                f"'{technique.title}' does not fit its {side} ({theme.width_mm:g} × "
                f"{theme.height_mm:g} mm) even at {result.body_pt:g} pt: {result.shortfall()}; "
                "shorten the text, split it into two techniques, or build with "
                "--overflow continue",
            )
        )
        return []
    if result.fitted.shrunk_from(theme.body_pt):
        problems.append(
            Problem(
                where,
                1,
                WARNING,
                f"'{technique.title}' fits only when set smaller "
                f"({result.fitted.body_pt:.1f} pt instead of {theme.body_pt:g} pt)",
            )
        )
    return [result]


def extra_cards(
    deck: Deck, env: jinja2.Environment, theme: CardTheme, problems: list[Problem]
) -> list[PreparedCard]:
    """The title card, the "Before you start" card (when the intro has that part)
    and the routine card. One that does not fit is left out with a warning:
    the technique cards are what the deck is for."""
    deck_context = deck_view(deck)
    context = {
        "deck": deck_context,
        "sections": [section_view(s, theme.low_ink) for s in deck.sections],
        "labels": labels_view(deck),
    }
    extras = []
    for name in EXTRA_TEMPLATES:
        if name.endswith("safety.xml.j2") and not deck_context.before_you_start:
            continue
        if name.endswith("routine.xml.j2") and deck.technique_count > ROUTINE_MAX:
            problems.append(
                Problem(
                    deck.source.path,
                    1,
                    WARNING,
                    f"the routine card is left out: {deck.technique_count} techniques are more "
                    f"than one card lists ({ROUTINE_MAX} at most)",
                )
            )
            continue
        layout = parse_layout(
            render(env, name, **context), template_path(env, name), picture_roots(deck)
        )
        result = fit_card(layout, theme, hyphenation_for(deck), name)
        if isinstance(result, Overflow):
            problems.append(
                Problem(
                    deck.source.path,
                    1,
                    WARNING,
                    f"the {name.split('/')[-1].split('.')[0]} card is left out: it does not fit "
                    f"a {theme.width_mm:g} × {theme.height_mm:g} mm card even at "
                    f"{result.body_pt:g} pt (--no-extras leaves out all three)",
                )
            )
            continue
        extras.append(PreparedCard(Side(result)))
    return extras
