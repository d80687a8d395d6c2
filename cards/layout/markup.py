"""The layout markup a template writes, parsed and checked. Its vocabulary lives here.

A layout (a Jinja template) writes a small XML document: block elements that
become flowables (``blocks``), and furniture (``band``, ``footer``, ``tab`` …)
that the card or page draws at fixed places. Inline content may hold ``<b>``,
``<i>`` and ``<br/>``; everything else in it is text, escaped by Jinja on the
way in and re-escaped here on the way to ReportLab's paragraph parser.

Elements: see templates/README.md, which documents the same list.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from cards.language import upper
from cards.layout.fallback import printable_anywhere
from cards.layout.theme import (
    FONT_ITALIC,
    FONT_REGULAR,
    font_coverage,
)
from cards.problems import ERROR, ContentError, Problem

INLINE_TAGS = {"b", "i", "br"}
BLOCK_TAGS = {
    "title", "meta", "para", "heading", "steps", "bullets", "space", "note",
    "display", "subtitle", "byline", "key", "entry", "rules", "figure", "callout",
    "diagram", "glance", "lead", "qr", "picture", "call", "spring",
}  # fmt: skip
PICTURE_TAGS = {"figure", "diagram", "picture"}
PICTURE_CHILDREN = {"diagram", "qr", "picture"}  # what a <figure> may hold as its picture
FURNITURE_TAGS = {"band", "footer", "tab", "panel", "motif", "fill"}
LAYOUT_SPACE = re.compile(r"[ \t\n\r\f\v]+")
ALIGNMENTS = {"left": 0, "centre": 1, "center": 1, "right": 2}
META_TAGS = {"hold", "repeat", "pressure"}
PRESSURE_DOTS = {"gentle": 1, "medium": 2, "firm": 3}


class MarkupError(ContentError):
    pass


def markup_error(template: str, message: str) -> MarkupError:
    """An error about the markup a layout wrote, at the layout's line that wrote it."""
    line = template_line(template, message)
    return MarkupError([Problem(Path(template), line, ERROR, f"layout markup: {message}")])


def template_line(template: str, message: str) -> int:
    """The layout's line with the opening tag of the element ``message`` names
    (``<figure side>`` → the first line writing ``<figure``); 1 when none does."""
    match = re.search(r"<([A-Za-z][\w-]*)", message)
    if not match:
        return 1
    try:
        text = Path(template).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return 1
    tag = re.compile(rf"<{re.escape(match.group(1))}[\s/>]")
    return next((n for n, line in enumerate(text.splitlines(), 1) if tag.search(line)), 1)


@dataclass(frozen=True)
class Band:
    colour: str
    number: str
    label: str
    caps: str = ""  # the label in capitals as its language sets them (language.upper)


@dataclass
class Layout:
    """One card or page of layout markup, parsed."""

    root: str
    attributes: dict[str, str]
    template: str = ""  # the layout file that wrote it, for messages
    language: str = "en"  # the deck's: how its band label is set in capitals
    band: Band | None = None
    footer: str | None = None
    # how the footer is read: furniture (the deck's title and the card's
    # number), or, on a card that is one part of a technique several cards
    # long, a paragraph ("part 2 of 3" tells a listener where they are)
    footer_role: str = "Artifact:Pagination"
    blocks: list[ET.Element] = field(default_factory=list)
    furniture: dict[str, ET.Element] = field(default_factory=dict)

    def characters(self) -> int:
        """How many characters of text its blocks hold."""
        return sum(len(text) for block in self.blocks for text in block.itertext())

    def blocks_tree(self) -> list[ET.Element]:
        """Every block element, nested ones (inside a figure) included, in order."""
        return [element for block in self.blocks for element in block.iter()]


def parse_layout(
    xml_text: str, template: str, roots: tuple[Path, ...] = (), language: str = "en"
) -> Layout:
    """The layout markup a template wrote, checked.

    ``roots`` are the folders pictures may come from (the deck's, first, which
    relative paths are read against); a picture anywhere else is an error, so a
    layout cannot print a file from elsewhere on the machine.
    """
    try:
        root = SafeET.fromstring(xml_text, forbid_dtd=True)
    except DefusedXmlException:
        raise markup_error(
            template, "a DOCTYPE or entity is not allowed in layout markup"
        ) from None
    except ET.ParseError as exc:
        line = exc.position[0] if exc.position else 1
        raise MarkupError(
            [
                Problem(
                    Path(template),
                    1,
                    ERROR,
                    f"layout markup is not well-formed at its line {line}: {exc}",
                )
            ]
        ) from None
    for element in root.iter():
        element.text = printable(element.text)
        element.tail = printable(element.tail)
        for name, value in element.attrib.items():
            element.set(name, printable(value) or "")
    confine_pictures(root, template, roots)
    layout = Layout(root.tag, dict(root.attrib), template, language)
    for element in root:
        if element.tag == "band":
            label = plain_text(element)
            layout.band = Band(
                colour=element.get("colour", "#000000"),
                number=element.get("number", ""),
                label=label,
                caps=upper(label, language),
            )
        elif element.tag == "footer":
            layout.footer = inline_markup(element, template)
        elif element.tag in FURNITURE_TAGS:
            layout.furniture[element.tag] = element
        elif element.tag in BLOCK_TAGS:
            layout.blocks.append(element)
        else:
            raise markup_error(template, f"unknown element <{element.tag}>")
    return layout


def confine_pictures(root: ET.Element, template: str, roots: tuple[Path, ...]) -> None:
    """Every picture a layout names must lie inside one of ``roots``; each
    ``src`` is rewritten to the file's full path."""
    for element in root.iter():
        if element.tag not in PICTURE_TAGS or not element.get("src"):
            continue
        written = Path(element.get("src", ""))
        path = (written if written.is_absolute() or not roots else roots[0] / written).resolve()
        if not any(path.is_relative_to(r.resolve()) for r in roots):
            raise markup_error(
                template,
                f"<{element.tag} src> must name a file inside the deck folder (got '{written}')",
            )
        element.set("src", str(path))


def printable(text: str | None) -> str | None:
    """Text with every character no font has (the deck's, or an installed
    script font: layout/fallback.py) written as its code point.

    An empty box would hide the problem; ``[U+1F9B6]`` shows it, and the
    build warns about the file it came from.
    """
    if not text:
        return text
    coverage = font_coverage()[FONT_REGULAR]
    if coverage.issuperset(text):
        return text
    out = []
    for char in text:
        if char in coverage or char in "\n\t\r" or printable_anywhere(char):
            out.append(char)
        elif char.isspace():
            out.append(" ")
        else:
            out.append(f"[U+{ord(char):04X}]")
    return "".join(out)


def plain_text(element: ET.Element) -> str:
    return " ".join("".join(element.itertext()).split())


def inline_markup(element: ET.Element, template: str, italic: bool = False) -> str:
    """The element's content as ReportLab paragraph markup, text re-escaped."""
    parts = [_text_run(element.text or "", italic)]
    for child in element:
        if child.tag not in INLINE_TAGS:
            raise markup_error(template, f"<{child.tag}> cannot stand inside <{element.tag}>")
        if child.tag == "br":
            parts.append("<br/>")
        else:
            inner = inline_markup(child, template, italic or child.tag == "i")
            parts.append(f"<{child.tag}>{inner}</{child.tag}>")
        parts.append(_text_run(child.tail or "", italic))
    return "".join(parts)


def _text_run(text: str, italic: bool) -> str:
    """Escape text; inside italics, set characters the italic face lacks upright.

    Source Sans Pro's italic has no Greek or Cyrillic: without this, *слово*
    would print as empty boxes.
    """
    text = _collapse(text)
    if not italic or not text:
        return escape(text)
    coverage = font_coverage()[FONT_ITALIC]
    if coverage.issuperset(text):
        return escape(text)
    out: list[str] = []
    run: list[str] = []
    upright = False
    for char in text:
        lacks = char not in coverage and char != " "
        if lacks != upright and run:
            out.append(_wrap_upright("".join(run), upright))
            run = []
        upright = lacks
        run.append(char)
    if run:
        out.append(_wrap_upright("".join(run), upright))
    return "".join(out)


def _collapse(text: str) -> str:
    """Runs of layout whitespace become one space, as in HTML; no-break spaces stay."""
    return LAYOUT_SPACE.sub(" ", text)


def _wrap_upright(text: str, upright: bool) -> str:
    return f'<font face="{FONT_REGULAR}">{escape(text)}</font>' if upright else escape(text)
