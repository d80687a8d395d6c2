"""The booklet planned: every page numbered, then laid out one at a time.

``plan_booklet`` renders the covers, the intro and contents (flowed over as
many pages as they need) and plans one page per technique; ``Booklet.page``
lays each out where it is drawn (in worker processes for a large booklet).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import jinja2
from reportlab.platypus import Flowable

from cards.formats.booklet_box import continuation_layout, flow_box, sizes_view
from cards.formats.booklet_runon import run_on_pages
from cards.geometry import padded_page_count
from cards.images import file_stamps
from cards.language import right_to_left
from cards.layout.blocks import flowables
from cards.layout.fit import (
    MOST_RUN_ON_PARTS,
    Overflow,
    fit,
    grow_into,
    hopeless,
    lay_stack,
    paginate,
)
from cards.layout.markup import Layout, parse_layout
from cards.layout.runon import ContinuedWords
from cards.layout.styles import TypeScale, hyphenation_for, styles_for, type_scale
from cards.layout.theme import BOOKLET_PAGES_MM, BookletTheme
from cards.model import Deck, Section, Technique
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

TEMPLATES = {
    kind: f"booklet/{kind}.xml.j2"
    for kind in ("cover", "intro", "contents", "technique", "routine", "notes", "back")
}


# A deck of more techniques gets no routine page: its list would run longer
# than a page or two, and the contents list them all already.
ROUTINE_PAGE_MAX = 24


@dataclass(frozen=True)
class Pending:
    """How to lay out a planned page: its colour, the file its text came from and
    its title (for messages), and what its layout receives beyond the deck's."""

    accent: str
    source: Path
    title: str
    extra: dict[str, object]
    part: int = 0  # which page of a technique run on over several (--overflow continue)
    parts: int = 1


@dataclass
class Page:
    """One page: planned (``pending`` says how to lay it out) or laid out."""

    kind: str
    layout: Layout | None
    flowables: list[Flowable] | None
    scale: TypeScale | None
    section: Section | None = None
    technique: Technique | None = None
    anchors: list[str] = field(default_factory=list)
    outline: list[tuple[str, str, int]] = field(default_factory=list)
    number: int = 0
    pending: Pending | None = None
    right_to_left: bool = False  # a booklet bound on its right edge (Arabic, Hebrew)

    @property
    def odd(self) -> bool:
        return self.number % 2 == 1

    @property
    def on_right(self) -> bool:
        """Whether the page lies on the right of its spread, its outer edge
        on the right: the odd pages of a booklet bound on the left, the even
        ones of a booklet bound on the right."""
        return self.odd != self.right_to_left


def booklet_theme(paper: str, large_print: bool = False, low_ink: bool = False) -> BookletTheme:
    theme = BookletTheme(low_ink=low_ink).sized(*BOOKLET_PAGES_MM[paper])
    return theme.large_print() if large_print else theme


# -- geometry of one page ------------------------------------------------------


def text_left_mm(page: Page, theme: BookletTheme) -> float:
    """Odd pages are right-hand pages: their inner margin is on the left."""
    return theme.margin_inner_mm if page.on_right else theme.margin_outer_mm


# -- planning ------------------------------------------------------------------


class Planner:
    def __init__(self, deck: Deck, env: jinja2.Environment, theme: BookletTheme):
        self.deck, self.env, self.theme = deck, env, theme
        self.problems: list[Problem] = []
        self.page_of: dict[str, int] = {}
        self.flow_xml: dict[str, str] = {}  # the rendered layouts of the flowing pages
        self.language = hyphenation_for(deck)
        self.picture_roots = picture_roots(deck)
        self.labels = labels_view(deck)
        self.run_ons: dict[tuple[str, str], list[list[Flowable]] | None] = {}
        self.render_keys: RenderKeys | None = None  # made when a watch session asks
        self.context = {
            "deck": deck_view(deck),
            "labels": labels_view(deck),
            "sections": [section_view(s, theme.low_ink, deck.language) for s in deck.sections],
            "sizes": sizes_view(theme),
        }

    def layout(self, kind: str) -> Layout:
        name = TEMPLATES[kind]
        xml = self.flow_xml[kind] = render(self.env, name, **self.context)
        return parse_layout(
            xml, template_path(self.env, name), self.picture_roots, self.deck.language
        )

    def build(
        self, layout: Layout, body_pt: float, accent: str
    ) -> tuple[list[Flowable], TypeScale]:
        scale = type_scale(self.theme, body_pt, accent, self.language)
        return flowables(layout.blocks, styles_for(scale), layout.template, self.page_of), scale

    def planned_page(
        self, kind: str, accent: str, source: Path, title: str, **extra: object
    ) -> Page:
        """A page that must hold all its text, planned now and laid out (set
        smaller if need be, else an error) by ``lay_out`` just before drawing."""
        return Page(
            kind,
            None,
            None,
            None,
            pending=Pending(accent, source, title, extra),
            right_to_left=right_to_left(self.deck.language),
        )

    def run_on_parts(self, page: Page, remember: bool = False) -> list[list[Flowable]] | None:
        """The pages a technique runs on over when it does not fit one even at
        the smallest size (``--overflow continue``); None when it fits. With
        ``remember``, worked out once for all the pages of one technique."""
        assert page.pending is not None
        xml = self.rendered(page)
        key = (str(page.pending.source), xml)
        if remember and key in self.run_ons:
            return self.run_ons[key]
        parts = self._run_on_parts(page, xml)
        if remember:
            self.run_ons = {key: parts}  # its pages come one after the other
        return parts

    def _run_on_parts(self, page: Page, xml: str) -> list[list[Flowable]] | None:
        assert page.pending is not None
        layout = parse_layout(
            xml,
            template_path(self.env, TEMPLATES[page.kind]),
            self.picture_roots,
            self.deck.language,
        )
        pending = page.pending
        words = ContinuedWords(self.labels.continued, self.labels.continues_page, self.labels.part)
        parts = run_on_pages(
            layout, self.theme, lambda size: self.build(layout, size, pending.accent), words,
            pending.accent,
        )  # fmt: skip
        if isinstance(parts, str):  # TOO_LONG
            self.problems.append(
                Problem(
                    pending.source,
                    1,
                    ERROR,
                    f"'{pending.title}' is too long even to run on: more than "
                    f"{MOST_RUN_ON_PARTS} booklet pages would hold it; shorten the text or "
                    "split it into techniques",
                )
            )
            return None
        return parts

    def rendered(self, page: Page) -> str:
        """A planned page's layout markup, rendered."""
        assert page.pending is not None
        return render(self.env, TEMPLATES[page.kind], **self.context, **page.pending.extra)

    def cache_key(self, page: Page) -> tuple[str, str | None]:
        """A digest of all that decides a page's layout: what its layout is
        rendered from (``RenderKeys``), the theme, the colour, the language,
        the file, the page's number and part, its pictures' stamps; and the
        markup, when the layout had to be rendered to be keyed."""
        assert page.pending is not None
        if self.render_keys is None:
            self.render_keys = RenderKeys(self.env)
        name = TEMPLATES[page.kind]
        rendered = self.render_keys.key(name, {**self.context, **page.pending.extra})
        xml = None
        if rendered is None:
            xml = self.rendered(page)
            rendered = digest(xml)
        technique = page.technique
        pictures = file_stamps(
            technique.image if technique else None,
            technique.diagram.path if technique and technique.diagram else None,
            self.deck.logo,
        )
        source, accent = str(page.pending.source), page.pending.accent
        part = (page.pending.part, page.pending.parts)
        roots = [str(root) for root in self.picture_roots]
        key = digest(
            rendered, self.theme, accent, self.language, source, page.number, part, pictures, roots
        )
        return key, xml

    def laid_out(self, page: Page, xml: str) -> tuple[dict[str, Any], list[Problem]]:
        """The page's layout, flowables and type scale, set smaller if need be,
        with what laying it out found."""
        assert page.pending is not None
        accent, source, title = page.pending.accent, page.pending.source, page.pending.title
        found: list[Problem] = []
        layout = parse_layout(
            xml,
            template_path(self.env, TEMPLATES[page.kind]),
            self.picture_roots,
            self.deck.language,
        )
        if page.pending.parts > 1:
            return self.laid_out_part(page, layout), found
        box = flow_box(layout, self.theme)
        result = hopeless(
            layout.characters(), box.width_pt, box.height_pt, self.theme.body_min_pt
        ) or fit(
            lambda size: self.build(layout, size, accent)[0],
            box.width_pt,
            box.height_pt,
            self.theme.body_pt,
            self.theme.body_min_pt,
        )
        if isinstance(result, Overflow):
            found.append(
                Problem(
                    source,
                    1,
                    ERROR,
                    f"'{title}' does not fit its booklet page even at {result.body_pt:g} pt: "
                    f"{result.shortfall()}; shorten the text",
                )
            )
            flows, body_pt = [], self.theme.body_pt
        else:
            if result.shrunk_from(self.theme.body_pt):
                found.append(
                    Problem(
                        source,
                        1,
                        WARNING,
                        f"'{title}' fits its booklet page only when set smaller "
                        f"({result.body_pt:.1f} pt instead of {self.theme.body_pt:g} pt)",
                    )
                )
            flows, body_pt = result.flowables, result.body_pt
            grow_into(flows, box.height_pt - result.height_pt)  # a diagram fills the page
        scale = type_scale(self.theme, body_pt, accent, self.language)
        return {"layout": layout, "flowables": flows, "scale": scale, "pending": None}, found

    def laid_out_part(self, page: Page, layout: Layout) -> dict[str, Any]:
        """One page of a technique run on over several, at the normal size; a
        section's panel opens only the first, the others carry its band."""
        assert page.pending is not None
        parts = self.run_on_parts(page, remember=True) or []
        flows = parts[page.pending.part] if page.pending.part < len(parts) else []
        if page.pending.part:
            layout = continuation_layout(layout, page.pending.accent)
        box = flow_box(layout, self.theme)
        stack = lay_stack(flows, box.width_pt)  # drawn as wrapped at the column
        grow_into(flows, box.height_pt - stack.height_pt)  # its diagram fills the first page
        scale = type_scale(self.theme, self.theme.body_pt, page.pending.accent, self.language)
        return {"layout": layout, "flowables": flows, "scale": scale, "pending": None}

    def flowing_pages(self, kind: str) -> list[Page]:
        """A layout that continues over as many pages as its text needs."""
        layout = self.layout(kind)
        items, scale = self.build(layout, self.theme.body_pt, self.theme.ink)
        box = flow_box(layout, self.theme)
        chunks = paginate(items, box.width_pt, box.height_pt) or [[]]
        rtl = right_to_left(self.deck.language)
        return [Page(kind, layout, chunk, scale, right_to_left=rtl) for chunk in chunks]


@dataclass
class Booklet:
    """The numbered page plan; ``page(i)`` lays page ``i`` out when it is drawn."""

    plan: list[Page]
    planner: Planner
    jobs: int = 1
    cache: WorkCache | None = None  # a watch session's laid-out pages

    @property
    def problems(self) -> list[Problem]:
        return self.planner.problems

    def page(self, index: int) -> tuple[Page, tuple[Problem, ...]]:
        """Page ``index`` laid out (set smaller if need be), with what laying it
        out found; the intro and contents were laid out with the plan. A watch
        session keeps laid-out pages under a digest of all that decides them."""
        planned, planner = self.plan[index], self.planner
        if planned.pending is None:
            return planned, ()
        xml = None
        key = None
        if self.cache is not None:
            key, xml = planner.cache_key(planned)
        kept = self.cache.find(key) if self.cache is not None and key is not None else None
        if kept is not None:
            page, found = kept
        else:
            laid_out, problems = planner.laid_out(planned, xml or planner.rendered(planned))
            page, found = replace(planned, **laid_out), tuple(problems)
            if self.cache is not None:
                self.cache.store(key, (page, found))
        # a kept page is laid out alike, but where the plan puts anchors and
        # outline entries is this build's own: the first notes page may be the
        # one that was the second before a technique came
        return replace(page, anchors=planned.anchors, outline=planned.outline), found

    def pages(self) -> Iterator[Page]:
        """Every page laid out, in order, adding what laying out found to ``problems``."""
        for index in range(len(self.plan)):
            page, found = self.page(index)
            self.problems.extend(found)
            yield page


def plan_booklet(
    deck: Deck,
    env: jinja2.Environment,
    theme: BookletTheme,
    jobs: int = 1,
    cache: WorkCache | None = None,
    overflow: str = "shrink",
    large_print: bool = False,
) -> Booklet:
    """Every page of the booklet, numbered. Technique pages are fitted later,
    one at a time, as ``Booklet.pages()`` is walked: every one of them is one
    page whatever its text, so the numbering (and the contents) stand before;
    with ``overflow='continue'`` a technique too long for its page even at the
    smallest size is measured now and runs on over as many pages as it needs.
    In large print such a page runs on too, without a warning: the reader
    asked for text and diagrams that are never made smaller to fit."""
    planner = Planner(deck, env, theme)
    source = deck.source.path
    pages: list[Page] = [planner.planned_page("cover", theme.ink, source, deck.title)]
    pages += planner.flowing_pages("intro")
    pages += planner.flowing_pages("contents")
    views: list[SimpleNamespace] = planner.context["sections"]  # type: ignore[assignment]
    for section, view in zip(deck.sections, views):
        for index, (technique, t_view) in enumerate(zip(section.techniques, view.techniques)):
            # a section opens at the top of its first technique page: no divider pages
            opens = index == 0
            page = planner.planned_page(
                "technique",
                section.colour,
                technique.source.path,
                technique.title,
                section=view,
                technique=t_view,
                opens_section=opens,
            )
            page.section, page.technique = section, technique
            if opens:
                page.anchors.append(f"section-{section.number}")
                page.outline.append((section.title, f"section-{section.number}", 0))
            key = f"technique-{technique.number}"
            page.anchors.append(key)
            page.outline.append((technique.title, key, 1))
            pages.append(page)
            run_on = overflow == "continue" or large_print
            parts = planner.run_on_parts(page) if run_on else None
            if parts and len(parts) > 1:
                assert page.pending is not None
                page.pending = replace(page.pending, parts=len(parts))
                for part in range(1, len(parts)):
                    later = replace(page, anchors=[], outline=[])
                    later.pending = replace(page.pending, part=part)
                    pages.append(later)
                if overflow == "continue":  # in large print, what the reader asked for
                    planner.problems.append(
                        Problem(
                            technique.source.path,
                            1,
                            WARNING,
                            f"'{technique.title}' is too long for one booklet page; it "
                            f"continues on {len(parts) - 1} more (--overflow continue)",
                        )
                    )
    if deck.technique_count <= ROUTINE_PAGE_MAX:  # the routine, where a patient turns last
        routine = planner.flowing_pages("routine")  # a page, or two for long titles
        routine[0].anchors.append("routine")
        routine[0].outline.append((str(planner.labels.routine), "routine", 0))
        pages += routine
    notes_needed = padded_page_count(len(pages) + 1) - len(pages) - 1
    for index in range(notes_needed):
        notes = planner.planned_page("notes", theme.ink, source, "Notes", notes_page=index)
        if index == 0:
            notes.anchors.append("notes")
        pages.append(notes)
    pages.append(planner.planned_page("back", theme.ink, source, deck.title))
    # the contents lines read their numbers from page_of when they are drawn
    for number, page in enumerate(pages, start=1):
        page.number = number
        for anchor in page.anchors:
            planner.page_of[anchor] = number
    return Booklet(pages, planner, jobs, cache)


def booklet_problems(deck: Deck, env: jinja2.Environment, theme: BookletTheme) -> list[Problem]:
    """Lay out every page without drawing, for ``cards check``."""
    booklet = plan_booklet(deck, env, theme)
    for _ in booklet.pages():  # laying out finds what does not fit
        pass
    return booklet.problems
