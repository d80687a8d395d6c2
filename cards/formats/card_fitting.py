"""Every card of a deck rendered and fitted: the layout stage of the cards file.

``CardWork.fitted`` renders one technique's layouts and fits its cards (in
the process that draws them: a worker, for a large deck); ``prepare_cards``
fits them all for ``cards check``; ``extra_cards`` makes the deck's own
cards. In a watch session, fitted cards are kept in a ``WorkCache`` under a
digest of all that decides them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from types import SimpleNamespace

import jinja2

from cards.formats.card import (
    FittedCard,
    continued_cards,
    fit_card,
    too_long_to_run_on,
)
from cards.images import file_stamps
from cards.layout.fit import MOST_RUN_ON_PARTS, Overflow
from cards.layout.markup import Layout, parse_layout
from cards.layout.runon import ContinuedWords
from cards.layout.styles import hyphenation_for
from cards.layout.theme import (
    CardTheme,
    register_fonts,
)
from cards.model import Deck, Technique
from cards.problems import ERROR, WARNING, Problem
from cards.templating import (
    RenderKeys,
    deck_view,
    digest,
    labels_view,
    picture_roots,
    render,
    section_view,
    template_path,
)
from cards.workers import WorkCache

FRONT_TEMPLATE = "card/front.xml.j2"
BACK_TEMPLATE = "card/back.xml.j2"
# The deck's own cards: the title card first, the others in the last sheet's free slots.
TITLE_TEMPLATE = (
    "card/title.xml.j2"  # first on the first sheet; the others in the last's free slots
)
EXTRA_TEMPLATES = (TITLE_TEMPLATE, "card/safety.xml.j2", "card/routine.xml.j2")
DECK_BACK_TEMPLATE = "card/deck-back.xml.j2"  # the back of each of them
ROUTINE_MAX = 40  # more techniques than this never fit one card: not even tried


@dataclass(frozen=True)
class PreparedCard:
    """A card to draw: its front, and its back when it has one."""

    front: FittedCard
    back: FittedCard | None = None


@dataclass(frozen=True)
class TechniqueCards:
    """A technique's cards fitted: its fronts (more than one when it runs on,
    none when it does not fit), its back, and what fitting found."""

    fronts: tuple[FittedCard, ...]
    back: FittedCard | None
    problems: tuple[Problem, ...]


# -- preparing -------------------------------------------------------------------


def prepare_cards(
    deck: Deck, env: jinja2.Environment, theme: CardTheme, backs: bool = False
) -> tuple[list[PreparedCard], list[Problem]]:
    """Render and fit every card; errors for cards that cannot fit, warnings for
    shrunk ones (``cards check``, and finding the large-print card size)."""
    register_fonts()
    work = CardWork(deck, env, theme, backs, "shrink")
    problems: list[Problem] = []
    cards: list[PreparedCard] = []
    for index in range(len(work.techniques)):
        fitted = work.fitted(index)
        problems.extend(fitted.problems)
        if fitted.fronts and (fitted.back or not backs):
            cards.extend(PreparedCard(front, fitted.back) for front in fitted.fronts)
    return cards, problems


class CardWork:
    """What fitting a deck's cards needs, made once per build (and inherited by
    forked workers): the layouts' variables, the layout paths, the theme; and
    a watch session's fitted layouts (``kept``), by a digest of their inputs."""

    def __init__(
        self,
        deck: Deck,
        env: jinja2.Environment,
        theme: CardTheme,
        backs: bool,
        overflow: str,
        kept: WorkCache | None = None,
    ):
        self.deck, self.env, self.theme = deck, env, theme
        self.backs, self.overflow, self.kept = backs, overflow, kept
        self.deck_context, self.labels = deck_view(deck), labels_view(deck)
        self.techniques = [t for s in deck.sections for t in s.techniques]
        # each technique's view and its section's, made once: a section's view holds them
        self.views = {
            technique.number: (view, shown)
            for section in deck.sections
            for view in [section_view(section, theme.low_ink, deck.language)]
            for technique, shown in zip(section.techniques, view.techniques, strict=True)
        }
        self.paths = {name: template_path(env, name) for name in (FRONT_TEMPLATE, BACK_TEMPLATE)}
        self.language = hyphenation_for(deck)
        self.picture_roots = picture_roots(deck)
        self.sizes = card_sizes_view(theme)
        # a watch session's keys: what each layout is rendered from
        self.render_keys = RenderKeys(env) if kept is not None else None

    def context(self, technique: Technique) -> dict[str, object]:
        section, shown = self.views[technique.number]
        return {
            "deck": self.deck_context,
            "section": section,
            "technique": shown,
            "labels": self.labels,
            "sizes": self.sizes,
        }

    def fitted(self, index: int) -> TechniqueCards:
        """Technique ``index``'s layouts rendered and its cards fitted, or what a
        watch session kept of the same inputs."""
        technique = self.techniques[index]
        names = (FRONT_TEMPLATE, BACK_TEMPLATE) if self.backs else (FRONT_TEMPLATE,)
        context = self.context(technique)
        xml: dict[str, str] = {}
        key = None
        if self.kept is not None:
            key = self.cache_key(names, context, technique, xml)
            known: TechniqueCards | None = self.kept.find(key)
            if known is not None:
                return known
        xml = xml or {name: render(self.env, name, **context) for name in names}
        found: list[Problem] = []
        fronts = self.laid_out(FRONT_TEMPLATE, xml[FRONT_TEMPLATE], technique, found, "card")
        backs = (
            self.laid_out(BACK_TEMPLATE, xml[BACK_TEMPLATE], technique, found, "back")
            if self.backs
            else []
        )
        result = TechniqueCards(tuple(fronts), backs[0] if backs else None, tuple(found))
        if key is not None and self.kept is not None:
            self.kept.store(key, result)
        return result

    def laid_out(
        self, name: str, xml: str, technique: Technique, problems: list[Problem], side: str
    ) -> list[FittedCard]:
        layout = parse_layout(xml, self.paths[name], self.picture_roots, self.deck.language)
        return fit_side(layout, self, name, technique, problems, side)

    def cache_key(
        self,
        names: tuple[str, ...],
        context: dict[str, object],
        technique: Technique,
        xml: dict[str, str],
    ) -> str:
        """A digest of all that decides a technique's cards: what its layouts
        are rendered from (``RenderKeys``: the views they name), the theme, the
        language, the overflow rule, the file and its pictures' size and time.
        A layout that cannot be read so is rendered into ``xml`` and keyed by
        the markup it made."""
        assert self.render_keys is not None
        keys = []
        for name in names:
            key = self.render_keys.key(name, context)
            if key is None:
                xml[name] = render(self.env, name, **context)
                key = digest(xml[name])
            keys.append(key)
        diagram = technique.diagram.path if technique.diagram else None
        pictures = file_stamps(technique.image, diagram)
        roots = [str(root) for root in self.picture_roots]
        return digest(
            "cards", keys, self.theme, self.language, self.overflow,
            str(technique.source.path), pictures, roots,
        )  # fmt: skip


def card_sizes_view(theme: CardTheme) -> SimpleNamespace:
    """The sizes a card layout may place things at, from the theme: they grow
    with the card and with --large-print."""
    return SimpleNamespace(
        diagram_width_mm=round(theme.diagram_width_mm, 2),
        diagram_height_mm=round(theme.diagram_height_mm, 2),
    )


def fit_side(
    layout: Layout, work: CardWork, name: str, technique: Technique, problems: list[Problem],
    side: str,
) -> list[FittedCard]:  # fmt: skip
    theme = work.theme
    result = fit_card(layout, theme, work.language, name)
    where = technique.source.path
    if isinstance(result, Overflow) and work.overflow == "continue":
        if too_long_to_run_on(layout, theme):
            problems.append(
                Problem(
                    where,
                    1,
                    ERROR,
                    f"'{technique.title}' is too long even to run on: more than "
                    f"{MOST_RUN_ON_PARTS} cards would hold it; shorten the text or split it "
                    "into techniques",
                )
            )
            return []
        labels = work.labels
        words = ContinuedWords(labels.continued, labels.continues, labels.part)
        cards = continued_cards(layout, theme, work.language, name, words)
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
    deck: Deck,
    env: jinja2.Environment,
    theme: CardTheme,
    problems: list[Problem],
    backs: bool = False,
) -> list[PreparedCard]:
    """The title card, the "Before you start" card (when the intro has that part)
    and the routine card, each with the deck's back when ``backs``. One that
    does not fit is left out with a warning: the technique cards are what the
    deck is for."""
    deck_context = deck_view(deck)
    context = {
        "deck": deck_context,
        "sections": [section_view(s, theme.low_ink, deck.language) for s in deck.sections],
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
            render(env, name, **context),
            template_path(env, name),
            picture_roots(deck),
            deck.language,
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
        extras.append(PreparedCard(result))
    if not (backs and extras):
        return extras
    layout = parse_layout(
        render(env, DECK_BACK_TEMPLATE, **context),
        template_path(env, DECK_BACK_TEMPLATE),
        picture_roots(deck),
        deck.language,
    )
    back = fit_card(layout, theme, hyphenation_for(deck), DECK_BACK_TEMPLATE)
    if isinstance(back, Overflow):  # a title too long for a card: its back in plain colour
        problems.append(
            Problem(
                deck.source.path,
                1,
                WARNING,
                f"the back of the deck's own cards does not fit a {theme.width_mm:g} × "
                f"{theme.height_mm:g} mm card: shorten the deck's title or subtitle",
            )
        )
        return extras
    return [replace(card, back=back) for card in extras]
