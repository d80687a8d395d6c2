"""A technique's diagram: quiet grey line art with the worked areas lit.

The SVG is drawn as it is, except that the areas a technique names are filled
with a light tint of the section colour and outlined heavily in the full
colour (the heavy outline still shows on a greyscale print), the arrows it
names are drawn in the section colour with a head at their end (at both ends
for class ``arrow both``; a group of class ``arrow`` is one arrow of several
paths), and the arrows it does not name are left out. The result is a
ReportLab drawing: vectors, never a bitmap.

Stroke widths are fractions of the SVG's own width, so a diagram drawn on a
600-unit canvas gets the same weight of outline as one drawn on 60. Lines are
drawn for a pocket card; a diagram drawn larger (a booklet page) keeps lines at
most ``DIAGRAM.most_weight`` times as heavy as on the card, not as heavy as
its size would make them (``stroke_scale``).
"""

from __future__ import annotations

import copy
import itertools
import math
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

from reportlab.platypus import Flowable

from cards.colour import tint
from cards.images import is_arrow, read_svg, svg_drawing, svg_parts
from cards.layout.theme import DIAGRAM, FONT_REGULAR, FONT_SEMIBOLD, mm_to_pt, paint

SHAPES = {"path", "ellipse", "circle", "rect", "polygon", "polyline", "line"}
SVG_PATH = "{http://www.w3.org/2000/svg}path"


class DiagramError(ValueError):
    """An id the diagram lacks; the message lists what it has."""


def lit_svg(
    root: Any,
    areas: tuple[str, ...],
    arrows: tuple[str, ...],
    colour: str,
    stroke_scale: float = 1.0,
) -> Any:
    """A copy of the SVG with ``areas`` lit and only the ``arrows`` named, every
    line ``stroke_scale`` times as heavy as drawn."""
    root = copy.deepcopy(root)
    known_areas, known_arrows = svg_parts(root)
    for wanted, known, what in ((areas, known_areas, "area"), (arrows, known_arrows, "arrow")):
        for name in wanted:
            if name not in known:
                offered = ", ".join(known) if known else "no ids of that kind"
                raise DiagramError(f"{what} '{name}' is not in the diagram; it has: {offered}")
    unit = svg_width(root)
    by_id = {e.get("id"): e for e in root.iter() if isinstance(e.tag, str) and e.get("id")}
    for element in [e for e in root.iter() if isinstance(e.tag, str) and is_arrow(e)]:
        if element.get("id") not in arrows:
            element.getparent().remove(element)
    if stroke_scale != 1.0:
        _scale_strokes(root, stroke_scale)
    lit_fill, outline = tint(colour, DIAGRAM.tint), colour
    weight = unit * stroke_scale
    for name in areas:
        for shape in _shapes(by_id[name]):
            shape.set(
                "style", f"fill:{lit_fill};stroke:{outline};stroke-width:{weight * DIAGRAM.outline}"
            )
    for name in arrows:
        element = by_id[name]
        paths = [element] if _local(element) == "path" else [
            e for e in element.iter() if isinstance(e.tag, str) and _local(e) == "path"
        ]  # fmt: skip
        both = "both" in (element.get("class") or "").split()
        for path in paths:
            _draw_arrow(path, colour, unit, stroke_scale, both)
    return root


def _local(element: Any) -> str:
    return str(element.tag).rsplit("}", 1)[-1]


def _scale_strokes(root: Any, factor: float) -> None:
    """Every ``stroke-width`` the SVG gives (attribute or style) times ``factor``."""
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        width = element.get("stroke-width")
        if width:
            try:
                element.set("stroke-width", f"{float(width.rstrip('px')) * factor:.4f}")
            except ValueError:
                pass
        style = element.get("style")
        if style and "stroke-width" in style:
            parts = []
            for part in style.split(";"):
                name, _, value = part.partition(":")
                if name.strip() == "stroke-width":
                    try:
                        value = f"{float(value.strip().rstrip('px')) * factor:.4f}"
                    except ValueError:
                        pass
                parts.append(f"{name}:{value}" if _ else part)
            element.set("style", ";".join(parts))


def _shapes(element: Any) -> list[Any]:
    return [
        e for e in element.iter() if isinstance(e.tag, str) and e.tag.rsplit("}", 1)[-1] in SHAPES
    ]


def svg_width(root: Any) -> float:
    """The width of the SVG's own coordinate system (its viewBox, else its width)."""
    box = (root.get("viewBox") or "").replace(",", " ").split()
    try:
        return float(box[2]) if len(box) == 4 else float((root.get("width") or "100").rstrip("px"))
    except ValueError:
        return 100.0


def _draw_arrow(element: Any, colour: str, unit: float, stroke_scale: float, both: bool) -> None:
    """The path in the section colour over a white halo, with its head(s).

    The shaft stops inside the head's base (a dash the length of the path less
    the head), so the head sits on it as one shape, however heavy the line;
    the halo runs round the head too."""
    width = unit * DIAGRAM.arrow * stroke_scale
    ends = path_ends(element.get("d") or "")
    head_scale = stroke_scale**0.5  # heads shrink less than lines on a large diagram
    length = unit * DIAGRAM.head_length * head_scale
    heads: list[tuple[Point, Point]] = []
    dash = ""
    if ends is not None:
        (start, start_dir), (end, end_dir) = ends
        heads = [(end, end_dir)] + ([(start, start_dir)] if both else [])
        total = path_length(element.get("d") or "")
        tucked = length * 0.6  # the shaft reaches this far into the head
        if total > 2 * tucked and both:  # the shaft from one head's base to the other's
            dash = f";stroke-dasharray:0.001 {tucked:.3f} {total - 2 * tucked:.3f} {total * 2:.3f}"
        elif total > 2 * tucked:
            dash = f";stroke-dasharray:{total - tucked:.3f} {total * 2:.3f}"
    halo = copy.deepcopy(element)
    halo.attrib.pop("id", None)
    halo.set(
        "style",
        f"fill:none;stroke:#FFFFFF;stroke-width:{width * 2.4};stroke-linecap:round{dash}",
    )
    element.addprevious(halo)
    for tip, direction in heads:
        shape = _head(tip, direction, length, DIAGRAM.head_width * unit * head_scale)
        behind = element.makeelement(SVG_PATH, {})
        behind.set("d", shape)
        behind.set(
            "style", f"fill:#FFFFFF;stroke:#FFFFFF;stroke-width:{width * 1.4};stroke-linejoin:round"
        )
        halo.addnext(behind)
    element.set(
        "style", f"fill:none;stroke:{colour};stroke-width:{width};stroke-linecap:butt{dash}"
    )
    for tip, direction in reversed(heads):
        head = element.makeelement(SVG_PATH, {})
        head.set("d", _head(tip, direction, length, DIAGRAM.head_width * unit * head_scale))
        head.set("style", f"fill:{colour};stroke:none")
        element.addnext(head)


def _head(
    tip: tuple[float, float], direction: tuple[float, float], length: float, width: float
) -> str:
    half = width / 2
    size = math.hypot(*direction) or 1.0
    ux, uy = direction[0] / size, direction[1] / size
    bx, by = tip[0] - ux * length, tip[1] - uy * length
    left = (bx - uy * half, by + ux * half)
    right = (bx + uy * half, by - ux * half)
    return f"M {tip[0]:.3f} {tip[1]:.3f} L {left[0]:.3f} {left[1]:.3f} L {right[0]:.3f} {right[1]:.3f} Z"


Point = tuple[float, float]


def _segments(d: str) -> Iterator[tuple[str, Point, list[Point]]]:
    """Each drawing segment of a path: its kind (L, C, Q, A...), where it
    starts, and its points (controls, then the end)."""
    from svglib.utils import normalise_svg_path

    ops = normalise_svg_path(d)
    cur: Point = (0.0, 0.0)
    subpath: Point = cur
    last_control: Point | None = None
    for op, args in zip(ops[::2], ops[1::2]):
        assert isinstance(op, str) and isinstance(args, list)
        relative = op.islower()
        kind = op.upper()
        at = _absolute(cur, relative)
        control: Point | None = None
        if kind == "M":
            cur = subpath = at(*args[:2])
            last_control = None
            continue
        if kind == "Z":
            points = [subpath]
        elif kind == "L":
            points = [at(*args[:2])]
        elif kind == "H":
            points = [(cur[0] + args[0] if relative else args[0], cur[1])]
        elif kind == "V":
            points = [(cur[0], cur[1] + args[0] if relative else args[0])]
        elif kind == "C":
            points = [at(*args[0:2]), at(*args[2:4]), at(*args[4:6])]
        elif kind == "S":
            mirror = _mirror(last_control, cur)
            points = [mirror, at(*args[0:2]), at(*args[2:4])]
        elif kind == "Q":
            points = [at(*args[0:2]), at(*args[2:4])]
        elif kind == "T":
            points = [_mirror(last_control, cur), at(*args[0:2])]
        else:  # an arc: its chord gives the direction, near enough for a head
            points = [at(*args[5:7])]
        if kind in "CSQT":
            control = points[-2]
        yield kind, cur, points
        cur, last_control = points[-1], control


def path_ends(d: str) -> tuple[tuple[Point, Point], tuple[Point, Point]] | None:
    """Where a path starts and ends, each with the direction it points there
    (backwards at the start): where arrowheads go. None for an empty path."""
    first: tuple[Point, Point] | None = None
    last: tuple[Point, Point] | None = None
    for _, cur, points in _segments(d):
        start_dir = next(((p[0] - cur[0], p[1] - cur[1]) for p in points if p != cur), (0.0, 0.0))
        end = points[-1]
        end_dir = next(
            ((end[0] - p[0], end[1] - p[1]) for p in [cur, *points[:-1]][::-1] if p != end),
            (0.0, 0.0),
        )
        if first is None:
            first = (cur, (-start_dir[0], -start_dir[1]))
        last = (end, end_dir)
    return (first, last) if first and last else None


CURVE_STEPS = 24  # straight pieces a curve is measured by


def path_length(d: str) -> float:
    """How long a path is drawn (curves measured in ``CURVE_STEPS`` pieces)."""
    total = 0.0
    for kind, cur, points in _segments(d):
        if kind in "CSQT" and len(points) > 1:
            nodes = [cur, *points]
            previous = cur
            for step in range(1, CURVE_STEPS + 1):
                here = _bezier(nodes, step / CURVE_STEPS)
                total += math.dist(previous, here)
                previous = here
        else:
            total += math.dist(cur, points[-1])
    return total


def _bezier(nodes: list[Point], t: float) -> Point:
    while len(nodes) > 1:  # de Casteljau
        nodes = [
            (a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t)
            for a, b in itertools.pairwise(nodes)
        ]
    return nodes[0]


def _absolute(cur: Point, relative: bool):  # type: ignore[no-untyped-def]
    """A function giving the absolute point of a command's coordinates."""

    def at(x: float, y: float) -> Point:
        return (cur[0] + x, cur[1] + y) if relative else (x, y)

    return at


def _mirror(control: Point | None, about: Point) -> Point:
    if control is None:
        return about
    return (2 * about[0] - control[0], 2 * about[1] - control[1])


@lru_cache(maxsize=256)
def lit_drawing(
    source: str,
    stamp: tuple[int, int],
    areas: tuple[str, ...],
    arrows: tuple[str, ...],
    colour: str,
    cmyk: bool,
    stroke_scale: float = 1.0,
) -> Any:
    """The diagram drawn for one set of lit parts; cached by the file's size and
    time too, so an SVG edited under ``--watch`` is read again."""
    path = Path(source)
    drawing = svg_drawing(
        lit_svg(read_svg(path), areas, arrows, colour, stroke_scale),
        path,
        FONT_REGULAR,
        FONT_SEMIBOLD,
    )
    if cmyk:
        _to_cmyk(drawing)
    return drawing


def _to_cmyk(node: Any) -> None:
    """Every colour of the drawing in CMYK, as the rest of a --cmyk file."""
    from reportlab.lib.colors import CMYKColor, Color

    for attribute in ("fillColor", "strokeColor"):
        value = getattr(node, attribute, None)
        if isinstance(value, Color) and not isinstance(value, CMYKColor):
            setattr(node, attribute, paint(value.hexval().replace("0x", "#")[:7], cmyk=True))
    for child in getattr(node, "contents", []):
        _to_cmyk(child)


class DiagramFlowable(Flowable):
    """A lit diagram at most ``width_pt`` wide and ``max_height_pt`` tall, its
    proportions kept. ``centred`` takes the column's whole width and draws the
    diagram in its middle; ``grow_to_pt`` lets ``grow`` make it taller (up to
    that height, never wider than ``width_pt``) where its page has room left."""

    role = "Figure"  # its structure role (layout/canvas.py, role_of)

    def __init__(
        self,
        drawing: Any,
        width_pt: float,
        max_height_pt: float | None = None,
        grow_to_pt: float = 0.0,
        centred: bool = False,
        heavier: Any = None,
    ):
        super().__init__()
        self.drawing, self.limit_width_pt = drawing, width_pt
        # the drawing with its lines scaled (``lit_drawing``'s stroke_scale)
        self.heavier = heavier
        self.grow_to_pt, self.centred = grow_to_pt, centred
        self._size(max_height_pt)
        self.box_width_pt = self.width

    def _size(self, max_height_pt: float | None) -> None:
        factor = self.limit_width_pt / self.drawing.width
        if max_height_pt and self.drawing.height * factor > max_height_pt:
            factor = max_height_pt / self.drawing.height
        self.factor = factor
        self.width, self.height = self.drawing.width * factor, self.drawing.height * factor

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        if self.width > availWidth + 0.01 and self.grow_to_pt:  # a growing one yields
            self.limit_width_pt = availWidth
            self._size(self.height)
        self.box_width_pt = max(availWidth, self.width) if self.centred else self.width
        return self.box_width_pt, self.height

    def widen(self, width_pt: float) -> None:
        """May grow as wide as ``width_pt`` (a growing diagram set below its
        text rather than beside it); its size now stays."""
        if self.grow_to_pt:
            self.limit_width_pt = max(self.limit_width_pt, width_pt)

    def grow(self, room_pt: float) -> float:
        """Taller by as much of ``room_pt`` as its limits allow; how much it took."""
        if room_pt <= 0 or self.height >= self.grow_to_pt:
            return 0.0
        before = float(self.height)
        self.resize(min(self.grow_to_pt, self.height + room_pt))
        return float(self.height) - before

    def resize(self, height_pt: float) -> None:
        """At most ``height_pt`` tall (and ``width_pt`` wide): what growing sets."""
        self._size(height_pt)

    def draw(self) -> None:
        from reportlab.graphics import renderPDF  # 15 ms to import: only decks with diagrams

        drawing = self.drawing
        if self.heavier is not None:
            drawing = self.heavier(stroke_scale(self.factor, drawing.width))
        self.canv.saveState()
        self.canv.translate((self.box_width_pt - self.width) / 2, 0)
        self.canv.scale(self.factor, self.factor)
        renderPDF.draw(drawing, self.canv, 0, 0)
        self.canv.restoreState()


def stroke_scale(factor: float, svg_width: float) -> float:
    """How heavy a diagram's lines are drawn at ``factor`` points per SVG unit:
    as drawn up to a pocket card's size, then lighter in proportion, so lines
    on a page are at most ``DIAGRAM.most_weight`` times a card's (in steps of
    ``DIAGRAM.weight_step``, so a booklet draws few versions)."""
    card_factor = mm_to_pt(DIAGRAM.card_width_mm) / svg_width
    scale = min(1.0, DIAGRAM.most_weight * card_factor / factor)
    return max(DIAGRAM.weight_step, round(scale / DIAGRAM.weight_step) * DIAGRAM.weight_step)


def diagram(
    source: str,
    areas: tuple[str, ...],
    arrows: tuple[str, ...],
    colour: str,
    width_pt: float,
    max_height_pt: float | None = None,
    cmyk: bool = False,
    grow_to_pt: float = 0.0,
    centred: bool = False,
) -> DiagramFlowable:
    """The flowable for one diagram; ImageTrouble or DiagramError when it cannot be drawn."""
    stat = Path(source).stat()
    stamp = (stat.st_size, stat.st_mtime_ns)
    drawing = lit_drawing(source, stamp, areas, arrows, colour, cmyk)

    def heavier(scale: float) -> Any:
        return lit_drawing(source, stamp, areas, arrows, colour, cmyk, scale)

    return DiagramFlowable(drawing, width_pt, max_height_pt, grow_to_pt, centred, heavier)
