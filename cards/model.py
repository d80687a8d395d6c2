"""The deck as data: frozen dataclasses with no knowledge of points or fonts.

A deck holds sections, a section holds techniques. Text that came from
Markdown is kept as blocks of inline layout markup (``<b>``, ``<i>``, ``<br/>``
with everything else escaped), produced once by the loader.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Source:
    """Where a thing came from, for error messages."""

    path: Path
    line: int = 1


@dataclass(frozen=True)
class Block:
    """One block of body text.

    ``kind`` is ``paragraph``, ``heading``, ``steps`` (a numbered list) or
    ``bullets``; ``items`` are inline markup strings (one for a paragraph or
    heading, one per list item); ``start`` is the first number of a list.
    """

    kind: str
    items: tuple[str, ...]
    start: int = 1
    # the line of its file each item starts on (for messages about its words);
    # not part of what it is: a block moved is the same block
    lines: tuple[int, ...] = field(default=(), compare=False, hash=False)


@dataclass(frozen=True)
class Diagram:
    """An SVG with named parts: a file in the deck, or a built-in one.

    ``name`` is how the author wrote it (``foot-sole``, ``hand.svg``), for
    messages; ``areas`` and ``arrows`` are the ids it offers.
    """

    path: Path
    name: str
    areas: tuple[str, ...] = ()
    arrows: tuple[str, ...] = ()


@dataclass(frozen=True)
class Technique:
    slug: str
    title: str
    body: tuple[Block, ...]
    source: Source
    number: int = 0
    hold: str | None = None
    repeat: str | None = None
    pressure: str | None = None
    weight: int | None = None
    draft: bool = False
    image: Path | None = None  # inside the deck folder, checked by the loader
    diagram: Diagram | None = None  # its own, else its section's, else the deck's
    areas: tuple[str, ...] = ()  # ids in the diagram, drawn lit
    arrows: tuple[str, ...] = ()  # ids of arrow paths in the diagram, drawn
    alt: str | None = None  # its picture's or diagram's alternative text, as written
    # the language its words are in where that is not the deck's: a file with
    # no translation yet, printed in the deck's own language
    language: str = ""


@dataclass(frozen=True)
class Section:
    slug: str
    title: str
    colour: str
    intro: tuple[Block, ...]
    source: Source
    techniques: tuple[Technique, ...] = ()
    number: int = 0
    weight: int | None = None
    diagram: Diagram | None = None  # its own, else the deck's
    colour_given: bool = True  # False: the colour came from the built-in palette
    language: str = ""  # where its title and intro are not in the deck's language


@dataclass(frozen=True)
class Deck:
    slug: str
    title: str
    intro: tuple[Block, ...]
    source: Source
    sections: tuple[Section, ...] = ()
    subtitle: str | None = None
    author: str | None = None
    language: str = "en"
    newest_mtime: float = 0.0
    full_count: int = 0  # techniques in the whole deck, when this is a selection of it
    templates: Path | None = None  # the deck's own layouts, if it names a folder
    diagram: Diagram | None = None
    hyphenate: bool = False  # break words at syllables; off: only a word longer than its line
    contact: tuple[str, ...] = ()  # lines for the booklet's back cover
    url: str | None = None
    logo: Path | None = None  # inside the deck folder, checked by the loader
    # the deck's own fonts as TrueType files (fontfiles.truetype_file), tried
    # before the shipped ones for a character the text font lacks
    fonts: tuple[Path, ...] = ()
    labels: dict[str, str] = field(default_factory=dict, compare=False, hash=False)
    logo_alt: str | None = None
    reviewed: str | None = None  # the month of the last clinical review, "2026-11"
    sources: tuple[str, ...] = ()  # where the advice comes from
    # the plain-language review's own words (long word: everyday one) and switches
    plain_words: dict[str, str] = field(default_factory=dict, compare=False, hash=False)
    review: dict[str, object] = field(default_factory=dict, compare=False, hash=False)
    # the languages the deck is kept in, its own first (one: a deck of one language)
    languages: tuple[str, ...] = ()
    own_language: str = ""  # the deck's own language, where this is a translation of it
    untranslated: tuple[Path, ...] = ()  # its files printed in the own language

    @property
    def techniques(self) -> tuple[Technique, ...]:
        return tuple(t for s in self.sections for t in s.techniques)

    @property
    def technique_count(self) -> int:
        """How many techniques the whole deck has: cards say "6 / 13" even in a subset."""
        return self.full_count or sum(len(s.techniques) for s in self.sections)

    def texts(self) -> Iterator[str]:
        """Every piece of text the deck holds: titles, fields, paragraphs, labels."""
        yield from (self.title, self.subtitle or "", self.author or "", self.url or "")
        yield from self.contact
        yield from self.labels.values()
        yield from _block_texts(self.intro)
        for section in self.sections:
            yield section.title
            yield from _block_texts(section.intro)
            for t in section.techniques:
                yield from (t.title, t.hold or "", t.repeat or "", t.pressure or "")
                yield from _block_texts(t.body)


def _block_texts(blocks: tuple[Block, ...]) -> Iterator[str]:
    return (item for block in blocks for item in block.items)
