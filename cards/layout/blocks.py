"""Block elements of the layout markup as ReportLab flowables, at one type scale.

``flowables`` builds a card's or page's blocks for a body size; fitting calls it
once per size tried, so each paragraph's inline markup is parsed once and
reused (``layout/parsed.py``).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Spacer

from cards.colour import HEX_COLOUR
from cards.images import ImageTrouble
from cards.layout.diagrams import DiagramError, diagram
from cards.layout.figure import Described, Figure, load_image
from cards.layout.glance import GlanceRows, MetaItem, MetaRow
from cards.layout.markup import (
    ALIGNMENTS,
    BLOCK_TAGS,
    META_TAGS,
    PICTURE_CHILDREN,
    PRESSURE_DOTS,
    inline_markup,
    markup_error,
    plain_text,
)
from cards.layout.parsed import paragraph
from cards.layout.pieces import Callout, ColourKey, ContentsEntry, ReservedLines, Rules, Spring
from cards.layout.styles import Styles, TypeScale
from cards.layout.theme import (
    FONT_REGULAR,
    mm_to_pt,
    paint,
)
from cards.problems import ERROR, ContentError, Problem


def flowables(
    blocks: list[ET.Element], styles: Styles, template: str, page_of: dict[str, int] | None = None
) -> list[Flowable]:
    """Flowables for block elements. ``page_of`` maps link targets (``<entry
    target>``) to page numbers, as far as they are known."""
    out: list[Flowable] = []
    page_of = {} if page_of is None else page_of
    for element in blocks:
        tag = element.tag
        if tag == "title":
            title = paragraph(inline_markup(element, template), styles.title)
            level = element.get("level")
            if level is not None:  # a heading below the page's own (a technique under its section)
                if level not in ("1", "2", "3"):
                    raise markup_error(template, f"<title level> must be 1, 2 or 3, not {level!r}")
                title.role = f"H{level}"
            lines = int(number_attribute(element, "lines", "0", template))
            out.append(ReservedLines(title, lines) if lines > 1 else title)
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
        elif tag in ("display", "subtitle", "byline", "call"):
            style = {
                "display": styles.display,
                "subtitle": styles.subtitle,
                "byline": styles.byline,
                "call": styles.call,
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
        elif tag == "spring":
            out.append(Spring())
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
        changes["textColor"] = paint(colour_attribute(element, template), scale.cmyk)
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


def colour_attribute(element: ET.Element, template: str, default: str = "") -> str:
    """The element's ``colour``, which must be #RRGGBB."""
    colour = element.get("colour") or default
    if not HEX_COLOUR.match(colour):
        raise markup_error(template, f"<{element.tag} colour> must be #RRGGBB, not {colour!r}")
    return colour


def figure(element: ET.Element, styles: Styles, template: str, page_of: dict[str, int]) -> Flowable:
    """A picture beside the blocks inside ``<figure>``: the image ``src`` names,
    or the ``<diagram>`` that comes first inside it."""
    side = element.get("side", "right")
    if side not in ("left", "right"):
        raise markup_error(template, f"<figure side> must be left or right, not {side!r}")
    if styles.mirrored:  # a layout read from the right: its picture mirrored too
        side = "left" if side == "right" else "right"
    children = list(element)
    if children and children[0].tag in PICTURE_CHILDREN:
        picture = picture_flowable(children[0], styles, template)
        width_pt = picture.wrap(1e6, 1e6)[0]
        element = ET.Element(element.tag, element.attrib)
        element.extend(children[1:])
    else:
        width_pt = mm_to_pt(number_attribute(element, "width_mm", "20", template))
        picture = Described(load_image(element.get("src", ""), width_pt), alt_text(element))
    inner = flowables(block_children(element, template), styles, template, page_of)
    gap_pt = mm_to_pt(number_attribute(element, "gap_mm", "0", template)) or width_pt * 0.15
    flow = element.get("flow", "beside")
    if flow not in ("beside", "around"):
        raise markup_error(template, f"<figure flow> must be beside or around, not {flow!r}")
    wide = element.get("wide", "beside")
    if wide not in ("beside", "below"):
        raise markup_error(template, f"<figure wide> must be beside or below, not {wide!r}")
    return Figure(
        picture, inner, side, gap_pt=gap_pt, around=flow == "around", wide_below=wide == "below"
    )


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
    return Described(picture, alt_text(element))


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
    return Described(drawing, alt_text(element) or qr_target(value))  # a reader hears where it goes


def alt_text(element: ET.Element) -> str:
    """A picture's alternative text (``alt``), spaces closed up."""
    return " ".join(element.get("alt", "").split())


def qr_target(value: str) -> str:
    return value if "://" in value else f"https://{value}"


def diagram_flowable(element: ET.Element, styles: Styles, template: str) -> Flowable:
    """A diagram with the areas and arrows the element names, in its colour
    (the layout's accent, the section colour, unless ``colour`` says)."""
    source = element.get("src", "")
    colour = colour_attribute(element, template, styles.scale.accent)
    width_pt = mm_to_pt(number_attribute(element, "width_mm", "18", template))
    height_mm = number_attribute(element, "max_height_mm", "0", template)
    grow_to_mm = number_attribute(element, "grow_to_mm", "0", template)
    align = element.get("align", "left")
    if align not in ("left", "centre"):
        raise markup_error(template, f"<diagram align> must be left or centre, not {align!r}")
    try:
        drawn = diagram(
            source,
            tuple(element.get("areas", "").split()),
            tuple(element.get("arrows", "").split()),
            colour.upper(),
            width_pt,
            mm_to_pt(height_mm) if height_mm else None,
            styles.scale.cmyk,
            mm_to_pt(grow_to_mm),
            align == "centre",
        )
        drawn.alt = alt_text(element)
        return drawn
    except OSError:
        raise markup_error(template, f"<diagram src> names no readable file ({source!r})") from None
    except ImageTrouble as exc:
        raise ContentError([Problem(Path(source), 1, ERROR, str(exc))]) from None
    except DiagramError as exc:
        raise markup_error(template, f"<diagram>: {exc}") from None


def glance(element: ET.Element, styles: Styles, template: str) -> Flowable:
    """The at-a-glance strip: one row per item, labels in a column of their own
    (``layout="stacked"``: each label above its value)."""
    layout = element.get("layout", "rows")
    if layout not in ("rows", "stacked"):
        raise markup_error(template, f"<glance layout> must be rows or stacked, not {layout!r}")
    return GlanceRows(meta_items(element, template, labelled=True), styles, layout == "stacked")


def meta_items(element: ET.Element, template: str, labelled: bool) -> list[MetaItem]:
    """The ``<hold>``, ``<repeat>`` and ``<pressure>`` inside ``<glance>`` or ``<meta>``."""
    items = []
    for child in element:
        if child.tag not in META_TAGS:
            raise markup_error(
                template, f"<{element.tag}> holds hold, repeat and pressure, not <{child.tag}>"
            )
        level = PRESSURE_DOTS.get(child.get("level", ""), 0) if child.tag == "pressure" else 0
        name = child.get("label", "")
        items.append(MetaItem(child.tag, plain_text(child), level, name if labelled else "", name))
    return items


NUMBER_GAP_EM = (
    0.65  # number to text: ReportLab keeps 0.6 em after a bullet, else it pushes the line
)


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
        colour = colour_attribute(element, template)
        style = style.clone(f"{style.name}-{colour}", bulletColor=paint(colour, styles.scale.cmyk))
    if "gap_pt" in element.attrib:  # a list read at a glance (the routine) set closer
        gap = number_attribute(element, "gap_pt", "0", template) * styles.scale.body_pt / 9
        style = style.clone(f"{style.name}-gap{gap:.2f}", spaceAfter=gap)
    if numbered:  # the numbers in one column: as wide as the widest, "10" as "9"
        last = element.get("widest") or str(start + max(len(element) - 1, 0))
        widest = stringWidth(last, style.bulletFontName, style.bulletFontSize)
        needed = widest + style.bulletFontSize * NUMBER_GAP_EM
        # the numbers hang where lines start: on the right, right to left
        start_side = "rightIndent" if style.wordWrap == "RTL" else "leftIndent"
        if needed > getattr(style, start_side):
            style = style.clone(f"{style.name}-{len(last)}", **{start_side: needed})
    items = []
    for offset, item in enumerate(element):
        if item.tag != "item":
            raise markup_error(template, f"<{element.tag}> holds <item> elements, not <{item.tag}>")
        bullet = str(start + offset) if numbered else "•"
        items.append(paragraph(inline_markup(item, template), style, bulletText=bullet))
    return items


def meta_row(element: ET.Element, styles: Styles, template: str) -> MetaRow:
    return MetaRow(meta_items(element, template, element.get("labels") == "yes"), styles)
