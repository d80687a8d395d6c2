"""A technique's diagram: quiet grey line art with the worked areas lit.

The SVG is drawn as it is, except that the areas a technique names are filled
with a light tint of the section colour and outlined heavily in the full
colour (the heavy outline still shows on a greyscale print), the arrows it
names are drawn in the section colour with a head at their end (at both ends
for class ``arrow both``), and the arrows it does not name are left out. The
result is a ReportLab drawing: vectors, never a bitmap.

Stroke widths are fractions of the SVG's own width, so a diagram drawn on a
600-unit canvas gets the same weight of outline as one drawn on 60.
"""

from __future__ import annotations

import copy
import math
from functools import lru_cache
from pathlib import Path
from typing import Any

from reportlab.platypus import Flowable

from cards.colour import tint
from cards.images import is_arrow, read_svg, svg_drawing, svg_parts
from cards.layout.theme import DIAGRAM, FONT_REGULAR, FONT_SEMIBOLD, paint

SHAPES = {"path", "ellipse", "circle", "rect", "polygon", "polyline", "line"}
SVG_PATH = "{http://www.w3.org/2000/svg}path"


class DiagramError(ValueError):
    """An id the diagram lacks; the message lists what it has."""


def lit_svg(root: Any, areas: tuple[str, ...], arrows: tuple[str, ...], colour: str) -> Any:
    """A copy of the SVG with ``areas`` lit and only the ``arrows`` named."""
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
    lit_fill, outline = tint(colour, DIAGRAM.tint), colour
    for name in areas:
        for shape in _shapes(by_id[name]):
            shape.set(
                "style", f"fill:{lit_fill};stroke:{outline};stroke-width:{unit * DIAGRAM.outline}"
            )
    for name in arrows:
        _draw_arrow(by_id[name], colour, unit)
    return root


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


def _draw_arrow(element: Any, colour: str, unit: float) -> None:
    """The path in the section colour over a white halo, with its head(s)."""
    width = unit * DIAGRAM.arrow
    halo = copy.deepcopy(element)
    halo.attrib.pop("id", None)
    halo.set("style", f"fill:none;stroke:#FFFFFF;stroke-width:{width * 2.4};stroke-linecap:round")
    element.addprevious(halo)
    element.set("style", f"fill:none;stroke:{colour};stroke-width:{width};stroke-linecap:butt")
    ends = path_ends(element.get("d") or "")
    if ends is None:
        return
    (start, start_dir), (end, end_dir) = ends
    heads = [(end, end_dir)]
    if "both" in (element.get("class") or "").split():
        heads.append((start, start_dir))
    for tip, direction in reversed(heads):
        head = element.makeelement(SVG_PATH, {})
        head.set("d", _head(tip, direction, unit))
        head.set("style", f"fill:{colour};stroke:#FFFFFF;stroke-width:{width * 0.5}")
        element.addnext(head)


def _head(tip: tuple[float, float], direction: tuple[float, float], unit: float) -> str:
    length, half = unit * DIAGRAM.head_length, unit * DIAGRAM.head_width / 2
    size = math.hypot(*direction) or 1.0
    ux, uy = direction[0] / size, direction[1] / size
    bx, by = tip[0] - ux * length, tip[1] - uy * length
    left = (bx - uy * half, by + ux * half)
    right = (bx + uy * half, by - ux * half)
    return f"M {tip[0]:.3f} {tip[1]:.3f} L {left[0]:.3f} {left[1]:.3f} L {right[0]:.3f} {right[1]:.3f} Z"


Point = tuple[float, float]


def path_ends(d: str) -> tuple[tuple[Point, Point], tuple[Point, Point]] | None:
    """Where a path starts and ends, each with the direction it points there
    (backwards at the start): where arrowheads go. None for an empty path."""
    from svglib.utils import normalise_svg_path

    ops = normalise_svg_path(d)
    cur: Point = (0.0, 0.0)
    subpath: Point = cur
    last_control: Point | None = None
    first: tuple[Point, Point] | None = None
    last: tuple[Point, Point] | None = None
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
        start_dir = next(((p[0] - cur[0], p[1] - cur[1]) for p in points if p != cur), (0.0, 0.0))
        end = points[-1]
        end_dir = next(
            ((end[0] - p[0], end[1] - p[1]) for p in [cur, *points[:-1]][::-1] if p != end),
            (0.0, 0.0),
        )
        if first is None:
            first = (cur, (-start_dir[0], -start_dir[1]))
        last = (end, end_dir)
        cur, last_control = end, control
    return (first, last) if first and last else None


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
) -> Any:
    """The diagram drawn for one set of lit parts; cached by the file's size and
    time too, so an SVG edited under ``--watch`` is read again."""
    path = Path(source)
    drawing = svg_drawing(
        lit_svg(read_svg(path), areas, arrows, colour), path, FONT_REGULAR, FONT_SEMIBOLD
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
    """A lit diagram at a given width, its proportions kept."""

    role = "Figure"  # its structure role (layout/canvas.py, role_of)

    def __init__(self, drawing: Any, width_pt: float, max_height_pt: float | None = None):
        super().__init__()
        self.drawing = drawing
        factor = width_pt / drawing.width
        if max_height_pt and drawing.height * factor > max_height_pt:
            factor = max_height_pt / drawing.height
        self.factor = factor
        self.width, self.height = drawing.width * factor, drawing.height * factor

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        from reportlab.graphics import renderPDF  # 15 ms to import: only decks with diagrams

        self.canv.saveState()
        self.canv.scale(self.factor, self.factor)
        renderPDF.draw(self.drawing, self.canv, 0, 0)
        self.canv.restoreState()


def diagram(
    source: str,
    areas: tuple[str, ...],
    arrows: tuple[str, ...],
    colour: str,
    width_pt: float,
    max_height_pt: float | None = None,
    cmyk: bool = False,
) -> DiagramFlowable:
    """The flowable for one diagram; ImageTrouble or DiagramError when it cannot be drawn."""
    stat = Path(source).stat()
    drawing = lit_drawing(source, (stat.st_size, stat.st_mtime_ns), areas, arrows, colour, cmyk)
    return DiagramFlowable(drawing, width_pt, max_height_pt)
