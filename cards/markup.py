"""Layout markup → ReportLab flowables. The vocabulary lives here only.

A layout (a Jinja template) writes a small XML document. Block elements
become flowables; ``band`` and ``footer`` are furniture that the page or card
draws at fixed places. Inline content may hold ``<b>``, ``<i>`` and ``<br/>``;
everything else in it is text, escaped by Jinja on the way in and re-escaped
here on the way to ReportLab's paragraph parser.

Elements: see templates/README.md, which documents the same list.
"""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field, fields
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape

import pyphen
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Paragraph, Spacer

from cards.colour import HEX_COLOUR, text_colour_on
from cards.problems import ERROR, ContentError, Problem
from cards.theme import (
    FONT_ITALIC,
    FONT_REGULAR,
    FONT_SEMIBOLD,
    paint,
    register_fonts,
)

INLINE_TAGS = {"b", "i", "br"}
BLOCK_TAGS = {
    "title", "meta", "para", "heading", "steps", "bullets", "space", "note",
    "display", "subtitle", "byline", "key", "entry", "rules", "figure",
}  # fmt: skip
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


def parse_layout(xml_text: str, template: str) -> Layout:
    try:
        root = ET.fromstring(xml_text)
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
    out, run, upright = [], [], False
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


# -- styles -----------------------------------------------------------------------


@dataclass(frozen=True)
class TypeScale:
    """The sizes one layout uses; body size is what fitting changes."""

    title_pt: float
    title_leading: float
    meta_pt: float
    meta_icon_pt: float
    meta_item_gap_pt: float
    meta_gap_pt: float
    title_gap_pt: float
    body_pt: float
    body_leading: float
    step_gap_pt: float
    step_indent_pt: float
    paragraph_gap_pt: float
    footer_pt: float
    ink: str
    grey: str
    accent: str
    language: str
    display_pt: float = 30.0
    subtitle_pt: float = 13.0
    entry_pt: float = 10.5
    cmyk: bool = False


def type_scale(theme, body_pt: float, accent: str, language: str) -> TypeScale:
    """The sizes a layout uses, read from a card or booklet theme (same field names)."""
    own = {"body_pt": body_pt, "accent": accent, "language": language}
    taken = {
        f.name: getattr(theme, f.name)
        for f in fields(TypeScale)
        if f.name not in own and hasattr(theme, f.name)
    }
    return TypeScale(**own, **taken)


@dataclass(frozen=True)
class Styles:
    title: ParagraphStyle
    body: ParagraphStyle
    step: ParagraphStyle
    bullet: ParagraphStyle
    heading: ParagraphStyle
    note: ParagraphStyle
    footer: ParagraphStyle
    meta: ParagraphStyle
    display: ParagraphStyle
    subtitle: ParagraphStyle
    byline: ParagraphStyle
    scale: TypeScale


def hyphenation_language(language: str) -> str:
    """The pyphen dictionary for a BCP 47 tag, or '' when there is none."""
    return pyphen.language_fallback(language.replace("-", "_")) or ""


@lru_cache(maxsize=256)
def styles_for(scale: TypeScale) -> Styles:
    register_fonts()
    ink, grey, accent = (paint(c, scale.cmyk) for c in (scale.ink, scale.grey, scale.accent))
    hyphens = hyphenation_language(scale.language)
    leading = scale.body_pt * scale.body_leading
    body = ParagraphStyle(
        "body",
        fontName=FONT_REGULAR,
        fontSize=scale.body_pt,
        leading=leading,
        textColor=ink,
        hyphenationLang=hyphens,
        embeddedHyphenation=1,
        spaceAfter=scale.paragraph_gap_pt * scale.body_pt / 9,
        splitLongWords=1,
    )
    step = ParagraphStyle(
        "step",
        parent=body,
        leftIndent=scale.step_indent_pt * scale.body_pt / 9,
        bulletIndent=0,
        bulletFontName=FONT_SEMIBOLD,
        bulletFontSize=scale.body_pt,
        bulletColor=accent,
        spaceAfter=scale.step_gap_pt * scale.body_pt / 9,
    )
    return Styles(
        title=ParagraphStyle(
            "title",
            fontName=FONT_SEMIBOLD,
            fontSize=scale.title_pt,
            leading=scale.title_pt * scale.title_leading,
            textColor=ink,
            spaceAfter=scale.title_gap_pt,
            hyphenationLang=hyphens,
            splitLongWords=1,
        ),
        body=body,
        step=step,
        bullet=ParagraphStyle("bullet", parent=step, bulletFontName=FONT_REGULAR),
        heading=ParagraphStyle(
            "heading",
            parent=body,
            fontName=FONT_SEMIBOLD,
            spaceBefore=scale.paragraph_gap_pt,
            spaceAfter=scale.paragraph_gap_pt / 2,
        ),
        note=ParagraphStyle("note", parent=body, fontName=FONT_ITALIC, textColor=grey),
        footer=ParagraphStyle(
            "footer",
            fontName=FONT_REGULAR,
            fontSize=scale.footer_pt,
            leading=scale.footer_pt * 1.2,
            textColor=grey,
        ),
        meta=ParagraphStyle(
            "meta",
            fontName=FONT_REGULAR,
            fontSize=scale.meta_pt,
            leading=scale.meta_pt * 1.3,
            textColor=ink,
        ),
        display=ParagraphStyle(
            "display",
            fontName=FONT_SEMIBOLD,
            fontSize=scale.display_pt,
            leading=scale.display_pt * 1.08,
            textColor=ink,
            spaceAfter=scale.display_pt * 0.3,
        ),
        subtitle=ParagraphStyle(
            "subtitle",
            fontName=FONT_REGULAR,
            fontSize=scale.subtitle_pt,
            leading=scale.subtitle_pt * 1.25,
            textColor=grey,
            spaceAfter=scale.subtitle_pt * 0.8,
        ),
        byline=ParagraphStyle(
            "byline",
            fontName=FONT_REGULAR,
            fontSize=scale.footer_pt * 1.4,
            leading=scale.footer_pt * 1.8,
            textColor=grey,
            spaceBefore=scale.subtitle_pt * 2,
        ),
        scale=scale,
    )


# -- flowables --------------------------------------------------------------------


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
            out.append(Paragraph(inline_markup(element, template), styles.title))
        elif tag == "meta":
            row = meta_row(element, styles, template)
            if row.items:
                out.append(row)
        elif tag in ("para", "note", "heading"):
            style = {"para": styles.body, "note": styles.note, "heading": styles.heading}[tag]
            style = overridden(style, element, styles.scale, template)
            out.append(Paragraph(inline_markup(element, template, tag == "note"), style))
        elif tag in ("steps", "bullets"):
            out.extend(list_items(element, styles, template))
        elif tag in ("display", "subtitle", "byline"):
            style = {
                "display": styles.display,
                "subtitle": styles.subtitle,
                "byline": styles.byline,
            }[tag]
            style = overridden(style, element, styles.scale, template)
            out.append(Paragraph(inline_markup(element, template), style))
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
            out.append(ContentsEntry(element, plain_text(element), styles, page_of))
        elif tag == "rules":
            out.append(Rules(styles))
        elif tag == "figure":
            inner = flowables(
                [e for e in element if e.tag in BLOCK_TAGS], styles, template, page_of
            )
            out.append(figure(element, inner, template))
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


def figure(element: ET.Element, inner: list[Flowable], template: str) -> Flowable:
    """An image (PNG, JPEG or SVG) beside the blocks inside ``<figure>``."""
    source = element.get("src", "")
    try:
        width_pt = float(element.get("width_mm", "20")) * 72 / 25.4
    except ValueError:
        raise markup_error(
            template, f"<figure width_mm> must be a number, not {element.get('width_mm')!r}"
        ) from None
    side = element.get("side", "right")
    if side not in ("left", "right"):
        raise markup_error(template, f"<figure side> must be left or right, not {side!r}")
    return Figure(load_image(source, width_pt), inner, side, gap_pt=width_pt * 0.15)


class Figure(Flowable):
    """A picture in a column of its own beside a stack of text blocks."""

    def __init__(self, picture: Flowable, inner: list[Flowable], side: str, gap_pt: float):
        super().__init__()
        self.picture, self.inner, self.side, self.gap_pt = picture, inner, side, gap_pt
        self.overflow = False

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        picture_w, self.picture_h = self.picture.wrap(availWidth, availHeight)
        self.picture_w = picture_w
        self.text_w = availWidth - picture_w - self.gap_pt
        self.placed, total, after = [], 0.0, 0.0
        self.overflow = self.text_w <= 0
        for index, flowable in enumerate(self.inner):
            width, height = flowable.wrap(max(self.text_w, 1), availHeight)
            self.overflow |= width > self.text_w + 0.01 or getattr(flowable, "overflow", False)
            gap = max(flowable.getSpaceBefore() if index else 0.0, after)
            total += gap + height
            self.placed.append((flowable, total))
            after = flowable.getSpaceAfter()
        self.spaceAfter = after
        self.width, self.height = availWidth, max(total, self.picture_h)
        return availWidth, self.height

    def draw(self) -> None:
        text_x = 0.0 if self.side == "right" else self.picture_w + self.gap_pt
        picture_x = self.text_w + self.gap_pt if self.side == "right" else 0.0
        self.picture.drawOn(self.canv, picture_x, self.height - self.picture_h)
        for flowable, bottom in self.placed:
            flowable.drawOn(self.canv, text_x, self.height - bottom)


@lru_cache(maxsize=64)
def _image_size(source: str) -> tuple[float, float]:
    from reportlab.lib.utils import ImageReader

    return ImageReader(source).getSize()


def load_image(source: str, width_pt: float) -> Flowable:
    """The picture at ``width_pt`` wide, its proportions kept; a bad file is an error naming it."""
    try:
        if source.lower().endswith(".svg"):
            from svglib.svglib import svg2rlg

            drawing = svg2rlg(source)
            if drawing is None or not drawing.width:
                raise ValueError("not a drawing svglib can read")
            factor = width_pt / drawing.width
            drawing.scale(factor, factor)
            drawing.width, drawing.height = width_pt, drawing.height * factor
            return drawing
        from reportlab.platypus import Image

        width, height = _image_size(source)
        return Image(source, width=width_pt, height=width_pt * height / width)
    except Exception as exc:  # noqa: BLE001 - Pillow, svglib and lxml each fail in their own way
        raise ContentError([Problem(Path(source), 1, ERROR, f"cannot read image: {exc}")]) from None


def list_items(element: ET.Element, styles: Styles, template: str) -> list[Flowable]:
    numbered = element.tag == "steps"
    try:
        start = int(element.get("start", "1"))
    except ValueError:
        raise markup_error(
            template, f"<steps start> must be a number, not {element.get('start')!r}"
        )
    items = []
    for offset, item in enumerate(element):
        if item.tag != "item":
            raise markup_error(template, f"<{element.tag}> holds <item> elements, not <{item.tag}>")
        bullet = str(start + offset) if numbered else "•"
        style = styles.step if numbered else styles.bullet
        items.append(Paragraph(inline_markup(item, template), style, bulletText=bullet))
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


@dataclass(frozen=True)
class MetaItem:
    kind: str  # hold, repeat or pressure
    text: str
    level: int = 0
    label: str = ""  # printed before the text with <meta labels="yes">


class MetaRow(Flowable):
    """Hold, repeat and pressure on one line (or more), each with a drawn icon.

    Icons are drawn with lines and circles, not taken from a font: a clock for
    hold, a circular arrow for repeat, three dots filled 1–3 for pressure.
    """

    def __init__(self, items: list[MetaItem], styles: Styles):
        super().__init__()
        self.items = items
        self.styles = styles
        scale = styles.scale
        self.icon_pt = scale.meta_icon_pt
        self.gap_pt = scale.meta_item_gap_pt
        self.line_pt = scale.meta_pt * 1.5
        self.spaceAfter = scale.meta_gap_pt
        self.placed: list[tuple[MetaItem, float, int]] = []

    def _icon_width(self, item: MetaItem) -> float:
        return self.icon_pt * (2.6 if item.kind == "pressure" else 1.0) + self.icon_pt * 0.4

    def _label_width(self, item: MetaItem) -> float:
        if not item.label:
            return 0.0
        return (
            stringWidth(item.label, FONT_SEMIBOLD, self.styles.scale.meta_pt) + self.icon_pt * 0.4
        )

    def _text_width(self, item: MetaItem) -> float:
        return self._label_width(item) + stringWidth(
            item.text, FONT_REGULAR, self.styles.scale.meta_pt
        )

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.placed, x, line = [], 0.0, 0
        self.width = availWidth
        for item in self.items:
            width = self._icon_width(item) + self._text_width(item)
            if x and x + width > availWidth:
                x, line = 0.0, line + 1
            self.placed.append((item, x, line))
            x += width + self.gap_pt
        self.lines = line + 1
        self.overflow = any(
            x + self._icon_width(i) + self._text_width(i) > availWidth + 0.01
            for i, x, _ in self.placed
        )
        self.height = self.lines * self.line_pt
        return availWidth, self.height

    def draw(self) -> None:
        canvas = self.canv
        scale = self.styles.scale
        accent, ink = paint(scale.accent, scale.cmyk), paint(scale.ink, scale.cmyk)
        for item, x, line in self.placed:
            baseline = (
                self.height
                - (line + 1) * self.line_pt
                + (self.line_pt - scale.meta_pt) / 2
                + 0.15 * scale.meta_pt
            )
            middle = baseline + scale.meta_pt * 0.33
            canvas.saveState()
            canvas.setStrokeColor(accent)
            canvas.setFillColor(accent)
            if getattr(canvas, "cards_icons", False):
                # drawn once per file as a form; it takes the colour set here
                canvas.translate(x, middle)
                canvas.scale(self.icon_pt / ICON_UNIT, self.icon_pt / ICON_UNIT)
                canvas.doForm(icon_name(item))
            else:
                canvas.setLineWidth(self.icon_pt * 0.1)
                draw_icon(canvas, item, x, middle, self.icon_pt)
            canvas.restoreState()
            text_x = x + self._icon_width(item)
            if item.label:
                canvas.setFillColor(paint(scale.grey, scale.cmyk))
                canvas.setFont(FONT_SEMIBOLD, scale.meta_pt)
                canvas.drawString(text_x, baseline, item.label)
                text_x += self._label_width(item)
            canvas.setFillColor(ink)
            canvas.setFont(FONT_REGULAR, scale.meta_pt)
            canvas.drawString(text_x, baseline, item.text)


ICON_UNIT = 10.0  # icons are drawn once at this size and scaled where placed


def icon_name(item: MetaItem) -> str:
    return f"icon-{item.kind}-{item.level}" if item.kind == "pressure" else f"icon-{item.kind}"


def define_icons(canvas) -> None:
    """Draw each meta icon once into a form of the file, so every card reuses it.

    The forms set no colour: each use takes the section colour in force.
    Must run before the first page is drawn.
    """
    icons = [MetaItem("hold", ""), MetaItem("repeat", "")] + [
        MetaItem("pressure", "", n) for n in range(4)
    ]
    for item in icons:
        canvas.beginForm(icon_name(item), -ICON_UNIT, -ICON_UNIT, 4 * ICON_UNIT, ICON_UNIT)
        canvas.setLineWidth(ICON_UNIT * 0.1)
        draw_icon(canvas, item, 0, 0, ICON_UNIT)
        canvas.endForm()
    canvas.cards_icons = True


def draw_icon(canvas, item: MetaItem, x: float, middle: float, size: float) -> None:
    radius = size * 0.45
    cx = x + size / 2
    if item.kind == "hold":
        canvas.circle(cx, middle, radius, stroke=1, fill=0)
        canvas.line(cx, middle, cx, middle + radius * 0.65)
        canvas.line(cx, middle, cx + radius * 0.5, middle)
    elif item.kind == "repeat":
        start_deg, extent_deg = 70.0, 270.0
        canvas.arc(
            cx - radius, middle - radius, cx + radius, middle + radius, start_deg, extent_deg
        )
        end = math.radians(start_deg + extent_deg)
        ex, ey = cx + radius * math.cos(end), middle + radius * math.sin(end)
        tx, ty = -math.sin(end), math.cos(end)  # direction of travel, anticlockwise
        nx, ny = math.cos(end), math.sin(end)
        head = radius * 0.55
        path = canvas.beginPath()
        path.moveTo(ex + tx * head, ey + ty * head)
        path.lineTo(ex + nx * head * 0.6, ey + ny * head * 0.6)
        path.lineTo(ex - nx * head * 0.6, ey - ny * head * 0.6)
        path.close()
        canvas.drawPath(path, stroke=0, fill=1)
    else:
        dot = size * 0.32
        for i in range(3):
            canvas.circle(
                x + dot + i * dot * 2.6, middle, dot, stroke=1, fill=1 if i < item.level else 0
            )


class ColourKey(Flowable):
    """A swatch in a section's colour with its number and name (the cover's key)."""

    def __init__(self, colour: str, number: str, text: str, styles: Styles):
        super().__init__()
        self.colour, self.number, self.text, self.styles = colour, number, text, styles
        self.size_pt = styles.scale.entry_pt
        self.spaceAfter = self.size_pt * 0.5

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width = availWidth
        self.height = self.size_pt * 1.5
        return availWidth, self.height

    def draw(self) -> None:
        canvas, size = self.canv, self.size_pt
        swatch = self.height
        canvas.setFillColor(paint(self.colour, self.styles.scale.cmyk))
        canvas.rect(0, 0, swatch, swatch, stroke=0, fill=1)
        canvas.setFillColor(paint(text_colour_on(self.colour), self.styles.scale.cmyk))
        canvas.setFont(FONT_SEMIBOLD, size * 0.9)
        canvas.drawCentredString(swatch / 2, swatch / 2 - size * 0.31, self.number)
        canvas.setFillColor(paint(self.styles.scale.ink, self.styles.scale.cmyk))
        canvas.setFont(FONT_REGULAR, size)
        canvas.drawString(swatch + size * 0.7, swatch / 2 - size * 0.34, self.text)


class ContentsEntry(Flowable):
    """A contents line: title, dotted leader, page number, the whole line a link.

    The page number is looked up when drawn, so the contents can be laid out
    before the pages it points to are numbered.
    """

    def __init__(self, element: ET.Element, text: str, styles: Styles, page_of: dict[str, int]):
        super().__init__()
        self.level = int(element.get("level", "2"))
        self.colour = element.get("colour")
        self.number = element.get("number", "")
        self.target = element.get("target", "")
        self.text, self.styles, self.page_of = text, styles, page_of
        self.size_pt = styles.scale.entry_pt * (1.1 if self.level == 1 else 1.0)
        self.font = FONT_SEMIBOLD if self.level == 1 else FONT_REGULAR
        self.spaceBefore = self.size_pt * (0.9 if self.level == 1 else 0)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width = availWidth
        self.height = self.size_pt * 1.45
        self.overflow = False
        return availWidth, self.height

    def draw(self) -> None:
        canvas, size = self.canv, self.size_pt
        scale = self.styles.scale
        page = self.page_of.get(self.target)
        if page is None:  # a target the booklet does not have (no notes pages)
            return
        baseline = self.height * 0.28
        indent = size * 1.6
        ink = paint(scale.ink, scale.cmyk)
        if self.level == 1 and self.colour:
            canvas.setFillColor(paint(self.colour, self.styles.scale.cmyk))
            canvas.rect(0, baseline - size * 0.15, size * 1.1, size * 1.1, stroke=0, fill=1)
            canvas.setFillColor(paint(text_colour_on(self.colour), self.styles.scale.cmyk))
            canvas.setFont(FONT_SEMIBOLD, size * 0.75)
            canvas.drawCentredString(size * 0.55, baseline + size * 0.1, self.number)
        x = indent if self.level == 1 else indent + size * 0.6
        number = str(page)
        number_width = stringWidth("000", FONT_REGULAR, size)
        room = self.width - x - number_width - size
        text = self.text
        while text and stringWidth(text, self.font, size) > room:
            text = text[:-2] + "…"
        canvas.setFillColor(
            paint(self.colour, self.styles.scale.cmyk) if self.level == 1 and self.colour else ink
        )
        canvas.setFont(self.font, size)
        canvas.drawString(x, baseline, text)
        end = x + stringWidth(text, self.font, size) + size * 0.4
        leader_end = self.width - number_width - size * 0.4
        pitch = size * 0.45  # one dot every this many points
        dots = int((leader_end - end) // pitch)
        if dots > 0:  # one run of text, so the contents line extracts as one line
            dot_width = stringWidth(".", FONT_REGULAR, size)
            canvas.saveState()  # the character spacing must not reach the page number
            leader = canvas.beginText(leader_end - dots * pitch, baseline)
            leader.setFont(FONT_REGULAR, size)
            leader.setCharSpace(pitch - dot_width)
            leader.setFillColor(paint(scale.grey, scale.cmyk))
            leader.textOut("." * dots)
            canvas.drawText(leader)
            canvas.restoreState()
        canvas.setFillColor(ink)
        canvas.drawRightString(self.width, baseline, number)
        if getattr(canvas, "cards_links", False):
            canvas.linkRect(
                "", self.target, (0, 0, self.width, self.height), relative=1, thickness=0
            )


class Rules(Flowable):
    """Ruled lines for notes, filling what is left of the page."""

    def __init__(self, styles: Styles):
        super().__init__()
        self.styles = styles
        self.gap_pt = styles.scale.body_pt * 2.4

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width = availWidth
        self.height = 0.0 if availHeight > 1e5 else availHeight
        return availWidth, self.height

    def draw(self) -> None:
        canvas = self.canv
        canvas.setStrokeColor(paint(self.styles.scale.grey, self.styles.scale.cmyk))
        canvas.setLineWidth(0.3)
        y = self.height - self.gap_pt
        while y >= 0:
            canvas.line(0, y, self.width, y)
            y -= self.gap_pt
