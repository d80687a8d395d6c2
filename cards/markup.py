"""Layout markup → ReportLab flowables. The vocabulary lives here only.

A layout (a Jinja template) writes a small XML document. Block elements
become flowables; ``band`` and ``footer`` are furniture that the page or card
draws at fixed places. Inline content may hold ``<b>``, ``<i>`` and ``<br/>``;
everything else in it is text, escaped by Jinja on the way in and re-escaped
here on the way to ReportLab's paragraph parser.

Elements: see templates/README.md, which documents the same list.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, Paragraph, Spacer

from cards.colour import HEX_COLOUR
from cards.diagrams import DiagramError, diagram
from cards.drawn import (
    Callout,
    ColourKey,
    ContentsEntry,
    Figure,
    GlanceRows,
    MetaItem,
    MetaRow,
    Rules,
    load_image,
)
from cards.images import ImageTrouble
from cards.problems import ERROR, ContentError, Problem
from cards.styles import Styles, TypeScale
from cards.theme import (
    FONT_ITALIC,
    FONT_REGULAR,
    mm_to_pt,
    paint,
    register_fonts,
)

INLINE_TAGS = {"b", "i", "br"}
BLOCK_TAGS = {
    "title", "meta", "para", "heading", "steps", "bullets", "space", "note",
    "display", "subtitle", "byline", "key", "entry", "rules", "figure", "callout",
    "diagram", "glance", "lead", "qr", "picture",
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
    return MarkupError([Problem(Path(template), 1, ERROR, f"layout markup: {message}")])


@dataclass(frozen=True)
class Band:
    colour: str
    number: str
    label: str


@dataclass
class Layout:
    """One card or page of layout markup, parsed."""

    root: str
    attributes: dict[str, str]
    band: Band | None = None
    footer: str | None = None
    blocks: list[ET.Element] = field(default_factory=list)
    furniture: dict[str, ET.Element] = field(default_factory=dict)

    def blocks_tree(self) -> list[ET.Element]:
        """Every block element, nested ones (inside a figure) included, in order."""
        return [element for block in self.blocks for element in block.iter()]


def parse_layout(xml_text: str, template: str, roots: tuple[Path, ...] = ()) -> Layout:
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
    layout = Layout(root.tag, dict(root.attrib))
    for element in root:
        if element.tag == "band":
            layout.band = Band(
                colour=element.get("colour", "#000000"),
                number=element.get("number", ""),
                label=plain_text(element),
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
    """Text with every character the font lacks written as its code point.

    An empty box would hide the problem; ``[U+1F9B6]`` shows it, and the
    build warns about the file it came from.
    """
    if not text:
        return text
    coverage = register_fonts()[FONT_REGULAR]
    if coverage.issuperset(text):
        return text
    out = []
    for char in text:
        if char in coverage or char in "\n\t\r":
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
    coverage = register_fonts()[FONT_ITALIC]
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


# Parsed inline markup, by text and the style attributes the parse depends on:
# fitting lays a card out at several sizes, and ReportLab's markup parser would
# otherwise run again for each. Small: it serves the card being fitted, and a
# 5,000-card deck must not keep every card's paragraphs.
_PARSED: dict[tuple[str, str, str, str], list[Any]] = {}
_PARSED_LIMIT = 512  # a card or page at a time: its paragraphs, at every size tried


def paragraph(text: str, style: ParagraphStyle, bulletText: str | None = None) -> Paragraph:
    """A Paragraph whose markup is parsed once, then reused at every size."""
    from reportlab.platypus.paragraph import cleanBlockQuotedText
    from reportlab.platypus.paraparser import ParaParser

    key = (text, style.fontName, repr(style.textColor), repr(getattr(style, "bulletColor", None)))
    frags = _PARSED.get(key)
    if frags is None:
        parser = ParaParser()
        _, frags, _ = parser.parse(cleanBlockQuotedText(text), style)
        if frags is None:  # the parser's own error: let Paragraph raise it as it does
            return Paragraph(text, style, bulletText=bulletText)
        if len(_PARSED) >= _PARSED_LIMIT:
            _PARSED.clear()
        _PARSED[key] = frags
    sized = [f.clone(fontSize=style.fontSize) for f in frags]
    return Paragraph(text, style, bulletText=bulletText, frags=sized)


def flowables(
    blocks: list[ET.Element], styles: Styles, template: str, page_of: dict[str, int] | None = None
) -> list[Flowable]:
    """Flowables for block elements. ``page_of`` maps link targets to page numbers
    (contents entries read it when drawn, so it may be filled in after layout)."""
    out: list[Flowable] = []
    page_of = {} if page_of is None else page_of
    for element in blocks:
        tag = element.tag
        if tag == "title":
            out.append(paragraph(inline_markup(element, template), styles.title))
        elif tag == "meta":
            row = meta_row(element, styles, template)
            if row.items:
                out.append(row)
        elif tag in ("para", "note", "heading", "lead"):
            style = {
                "para": styles.body,
                "note": styles.note,
                "heading": styles.heading,
                "lead": styles.lead,
            }[tag]
            style = overridden(style, element, styles.scale, template)
            out.append(paragraph(inline_markup(element, template, tag == "note"), style))
        elif tag in ("steps", "bullets"):
            out.extend(list_items(element, styles, template))
        elif tag in ("display", "subtitle", "byline"):
            style = {
                "display": styles.display,
                "subtitle": styles.subtitle,
                "byline": styles.byline,
            }[tag]
            style = overridden(style, element, styles.scale, template)
            out.append(paragraph(inline_markup(element, template), style))
        elif tag == "key":
            out.append(
                ColourKey(
                    element.get("colour", "#000000"),
                    element.get("number", ""),
                    plain_text(element),
                    styles,
                )
            )
        elif tag == "entry":
            out.append(
                ContentsEntry(
                    level=int(element.get("level", "2")),
                    colour=element.get("colour"),
                    number=element.get("number", ""),
                    target=element.get("target", ""),
                    text=plain_text(element),
                    styles=styles,
                    page_of=page_of,
                )
            )
        elif tag == "rules":
            out.append(Rules(styles))
        elif tag == "callout":
            inner = flowables(block_children(element, template), styles, template, page_of)
            out.append(Callout(inner, styles))
        elif tag == "figure":
            out.append(figure(element, styles, template, page_of))
        elif tag in PICTURE_CHILDREN:
            out.append(picture_flowable(element, styles, template))
        elif tag == "glance":
            out.append(glance(element, styles, template))
        elif tag == "space":
            out.append(Spacer(1, float(element.get("pt", styles.scale.paragraph_gap_pt))))
    return out


def overridden(
    style: ParagraphStyle, element: ET.Element, scale: TypeScale, template: str
) -> ParagraphStyle:
    """A text block's style with the element's ``align``, ``colour`` and ``size`` applied."""
    changes: dict[str, object] = {}
    if "align" in element.attrib:
        if element.get("align") not in ALIGNMENTS:
            raise markup_error(
                template, f"align must be left, centre or right, not {element.get('align')!r}"
            )
        changes["alignment"] = ALIGNMENTS[element.get("align", "left")]
    if "colour" in element.attrib:
        if not HEX_COLOUR.match(element.get("colour", "")):
            raise markup_error(template, f"colour must be #RRGGBB, not {element.get('colour')!r}")
        changes["textColor"] = paint(element.get("colour", ""), scale.cmyk)
    if "size" in element.attrib:
        try:
            size = float(element.get("size", ""))
        except ValueError:
            raise markup_error(
                template, f"size must be a number of points, not {element.get('size')!r}"
            ) from None
        changes["fontSize"] = size
        changes["leading"] = size * style.leading / style.fontSize
    return style.clone(f"{style.name}-custom", **changes) if changes else style


def block_children(element: ET.Element, template: str) -> list[ET.Element]:
    """The children of a container, every one a block: anything else is an error."""
    for child in element:
        if child.tag not in BLOCK_TAGS:
            raise markup_error(template, f"<{child.tag}> cannot stand inside <{element.tag}>")
    return list(element)


def number_attribute(element: ET.Element, name: str, default: str, template: str) -> float:
    try:
        return float(element.get(name, default))
    except ValueError:
        raise markup_error(
            template, f"<{element.tag} {name}> must be a number, not {element.get(name)!r}"
        ) from None


def figure(element: ET.Element, styles: Styles, template: str, page_of: dict[str, int]) -> Flowable:
    """A picture beside the blocks inside ``<figure>``: the image ``src`` names,
    or the ``<diagram>`` that comes first inside it."""
    children = list(element)
    if children and children[0].tag in PICTURE_CHILDREN:
        picture = picture_flowable(children[0], styles, template)
        width_pt = picture.wrap(1e6, 1e6)[0]
        element = ET.Element(element.tag, element.attrib)
        element.extend(children[1:])
    else:
        width_pt = mm_to_pt(number_attribute(element, "width_mm", "20", template))
        picture = load_image(element.get("src", ""), width_pt)
    side = element.get("side", "right")
    if side not in ("left", "right"):
        raise markup_error(template, f"<figure side> must be left or right, not {side!r}")
    inner = flowables(block_children(element, template), styles, template, page_of)
    gap_pt = mm_to_pt(number_attribute(element, "gap_mm", "0", template)) or width_pt * 0.15
    flow = element.get("flow", "beside")
    if flow not in ("beside", "around"):
        raise markup_error(template, f"<figure flow> must be beside or around, not {flow!r}")
    return Figure(picture, inner, side, gap_pt=gap_pt, around=flow == "around")


def picture_flowable(element: ET.Element, styles: Styles, template: str) -> Flowable:
    """A ``<diagram>``, ``<qr>`` or ``<picture>`` as a flowable."""
    if element.tag == "diagram":
        return diagram_flowable(element, styles, template)
    if element.tag == "qr":
        return qr_flowable(element, styles, template)
    width_pt = mm_to_pt(number_attribute(element, "width_mm", "30", template))
    picture = load_image(element.get("src", ""), width_pt)
    height_mm = number_attribute(element, "max_height_mm", "0", template)
    _, height_pt = picture.wrap(width_pt, 1e6)
    if height_mm and height_pt > mm_to_pt(height_mm):
        picture = load_image(element.get("src", ""), width_pt * mm_to_pt(height_mm) / height_pt)
    align = element.get("align", "left")
    if align not in ALIGNMENTS:
        raise markup_error(
            template, f"<picture align> must be left, centre or right, not {align!r}"
        )
    picture.hAlign = {"left": "LEFT", "right": "RIGHT"}.get(align, "CENTER")
    # drawing a laid-out page reads each flowable's height, which Image leaves unset
    picture.width, picture.height = picture.wrap(1e6, 1e6)
    return picture


def qr_flowable(element: ET.Element, styles: Styles, template: str) -> Flowable:
    """A QR code for ``value`` (a web address gets https:// when it has no scheme),
    drawn as vector squares by ReportLab's own encoder."""
    from reportlab.graphics.barcode.qr import QrCodeWidget
    from reportlab.graphics.shapes import Drawing

    value = element.get("value", "").strip()
    if not value:
        raise markup_error(template, "<qr> needs a value")
    size_pt = mm_to_pt(number_attribute(element, "size_mm", "22", template))
    widget = QrCodeWidget(qr_target(value), barLevel="M")
    widget.barFillColor = paint(styles.scale.ink, styles.scale.cmyk)
    left, bottom, right, top = widget.getBounds()
    drawing = Drawing(
        size_pt,
        size_pt,
        transform=[size_pt / (right - left), 0, 0, size_pt / (top - bottom), 0, 0],
    )
    drawing.add(widget)
    drawing.initialFontName = FONT_REGULAR  # not Helvetica, which would not be embedded
    return drawing


def qr_target(value: str) -> str:
    return value if "://" in value else f"https://{value}"


def diagram_flowable(element: ET.Element, styles: Styles, template: str) -> Flowable:
    """A diagram with the areas and arrows the element names, in its colour
    (the layout's accent, the section colour, unless ``colour`` says)."""
    source = element.get("src", "")
    colour = element.get("colour") or styles.scale.accent
    if not HEX_COLOUR.match(colour):
        raise markup_error(template, f"<diagram colour> must be #RRGGBB, not {colour!r}")
    width_pt = mm_to_pt(number_attribute(element, "width_mm", "18", template))
    height_mm = number_attribute(element, "max_height_mm", "0", template)
    try:
        return diagram(
            source,
            tuple(element.get("areas", "").split()),
            tuple(element.get("arrows", "").split()),
            colour.upper(),
            width_pt,
            mm_to_pt(height_mm) if height_mm else None,
            styles.scale.cmyk,
        )
    except OSError:
        raise markup_error(template, f"<diagram src> names no readable file ({source!r})") from None
    except ImageTrouble as exc:
        raise ContentError([Problem(Path(source), 1, ERROR, str(exc))]) from None
    except DiagramError as exc:
        raise markup_error(template, f"<diagram>: {exc}") from None


def glance(element: ET.Element, styles: Styles, template: str) -> Flowable:
    """The at-a-glance strip: one row per item, labels in a column of their own."""
    items = []
    for child in element:
        if child.tag not in META_TAGS:
            raise markup_error(
                template, f"<glance> holds hold, repeat and pressure, not <{child.tag}>"
            )
        level = PRESSURE_DOTS.get(child.get("level", ""), 0) if child.tag == "pressure" else 0
        items.append(MetaItem(child.tag, plain_text(child), level, child.get("label", "")))
    return GlanceRows(items, styles)


def list_items(element: ET.Element, styles: Styles, template: str) -> list[Flowable]:
    numbered = element.tag == "steps"
    try:
        start = int(element.get("start", "1"))
    except ValueError:
        raise markup_error(
            template, f"<steps start> must be a number, not {element.get('start')!r}"
        )
    style = styles.step if numbered else styles.bullet
    if "colour" in element.attrib:  # the numbers in another colour (a routine by section)
        colour = element.get("colour", "")
        if not HEX_COLOUR.match(colour):
            raise markup_error(template, f"<{element.tag} colour> must be #RRGGBB, not {colour!r}")
        style = style.clone(f"{style.name}-{colour}", bulletColor=paint(colour, styles.scale.cmyk))
    items = []
    for offset, item in enumerate(element):
        if item.tag != "item":
            raise markup_error(template, f"<{element.tag}> holds <item> elements, not <{item.tag}>")
        bullet = str(start + offset) if numbered else "•"
        items.append(paragraph(inline_markup(item, template), style, bulletText=bullet))
    return items


def meta_row(element: ET.Element, styles: Styles, template: str) -> MetaRow:
    items = []
    for child in element:
        if child.tag not in META_TAGS:
            raise markup_error(
                template, f"<meta> holds hold, repeat and pressure, not <{child.tag}>"
            )
        text = plain_text(child)
        level = PRESSURE_DOTS.get(child.get("level", ""), 0) if child.tag == "pressure" else 0
        label = child.get("label", "") if element.get("labels") == "yes" else ""
        items.append(MetaItem(child.tag, text, level, label))
    return MetaRow(items, styles)
