"""Pictures from a deck, read defensively: a deck may come from a stranger.

A PNG or JPEG is checked from its header before anything decodes it: it must
be one of those two formats and at most ``MAX_PIXELS`` large, so a small file
that claims 40,000 × 40,000 pixels never reaches the decoder. An SVG is parsed
with defusedxml (no DOCTYPE, no entities) and must not point outside itself:
no scripts, no external files, no links to other documents. Every problem is
an ``ImageTrouble`` whose text is ours, written for the deck's author, never a
library's.
"""

from __future__ import annotations

import base64
import binascii
import functools
import io
import math
import os
import re
import stat
from pathlib import Path
from typing import Any

MAX_PIXELS = 30_000_000  # 6,000 × 5,000: a full A5 page at 600 dpi is 11 million
MAX_BITMAP_BYTES = 50_000_000
MAX_SVG_BYTES = 2_000_000
MAX_SVG_ELEMENTS = 20_000
BITMAP_FORMATS = {"PNG": "PNG", "JPEG": "JPEG"}
SVG_NS = "{http://www.w3.org/2000/svg}"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
EMBEDDED = re.compile(r"^data:image/(png|jpe?g);base64,", re.IGNORECASE)
# Elements that run code or pull in another document; none belongs in a picture.
FORBIDDEN_ELEMENTS = {"script", "foreignObject", "iframe", "handler", "listener"}
OUTSIDE_URL = re.compile(r"url\(\s*['\"]?\s*(?!#)", re.IGNORECASE)


class ImageTrouble(ValueError):
    """A picture that cannot be used; the message says why, in plain words."""


def read_bounded(path: Path, limit: int, what: str = "file") -> bytes:
    """The bytes of ``path``, refused before they are read unless it is a
    regular file of at most ``limit`` bytes: a FIFO would hang the build, a
    device never end, and a sparse file of gigabytes fill the memory.

    Raises ``FileTrouble`` with the reason in plain words (``OSError`` for a
    file that cannot be opened).
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    descriptor = os.open(path, flags)  # non-blocking: opening a FIFO cannot hang
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            kind = file_kind(status.st_mode)
            raise FileTrouble(f"the {what} is {kind}, not a regular file; only files are read")
        if status.st_size > limit:
            raise FileTrouble(f"the {what} is {status.st_size:,} bytes; the limit is {limit:,}")
        with os.fdopen(os.dup(descriptor), "rb") as stream:
            data = stream.read(limit + 1)
        if len(data) > limit:  # it grew while it was read
            raise FileTrouble(f"the {what} is over {limit:,} bytes, the limit")
        return data
    finally:
        os.close(descriptor)


def file_kind(mode: int) -> str:
    """What stands at a path that is not a regular file, in plain words."""
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "a folder" if stat.S_ISDIR(mode) else "not a file"


class FileTrouble(ValueError):
    """A file that is not to be read (not a regular file, or too large)."""


def file_stamps(*paths: Path | None) -> tuple[tuple[str, int, int], ...]:
    """Each file's path, size and time: what says a picture changed since last read."""
    stamps = []
    for path in paths:
        if path is None:
            continue
        try:
            stat = path.stat()
            stamps.append((str(path), stat.st_size, stat.st_mtime_ns))
        except OSError:
            stamps.append((str(path), -1, -1))
    return tuple(stamps)


def bitmap_size(path: Path) -> tuple[int, int]:
    """Width and height in pixels of a PNG or JPEG, read from its header."""
    try:
        data = read_bounded(path, MAX_BITMAP_BYTES)
    except FileTrouble as exc:
        raise ImageTrouble(str(exc)) from None
    except OSError as exc:
        raise ImageTrouble(f"cannot read the file ({exc.strerror or 'unreadable'})") from None
    return _bitmap_size_of(data)


def _bitmap_size_of(data: bytes) -> tuple[int, int]:
    from PIL import Image, UnidentifiedImageError

    limit = Image.MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = None  # our own, lower limit follows, with the size in words
    try:
        with Image.open(io.BytesIO(data), formats=list(BITMAP_FORMATS)) as image:
            width, height = image.size
            if width * height <= MAX_PIXELS:
                image.verify()  # a PNG's chunks and checksums, without decoding pixels
    except UnidentifiedImageError:
        raise ImageTrouble("not a PNG or JPEG picture (the file's content is neither)") from None
    except (OSError, SyntaxError, ValueError, EOFError):
        raise ImageTrouble("the picture is damaged or cut short; save it again") from None
    finally:
        Image.MAX_IMAGE_PIXELS = limit
    if width * height > MAX_PIXELS:
        raise ImageTrouble(
            f"image is {width:,} × {height:,} pixels; the limit is {MAX_PIXELS:,} pixels "
            "(6,000 × 5,000): scale it down"
        )
    if not width or not height:
        raise ImageTrouble("the picture has no pixels")
    return width, height


def read_svg(path: Path) -> Any:
    """The SVG's root element (lxml), once it is known to be safe to draw."""
    try:
        data = read_bounded(path, MAX_SVG_BYTES, "SVG")  # the size before a byte is read
    except FileTrouble as exc:
        raise ImageTrouble(str(exc)) from None
    except OSError as exc:
        raise ImageTrouble(f"cannot read the file ({exc.strerror or 'unreadable'})") from None
    _check_svg(data)
    from lxml import etree

    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, remove_comments=True, huge_tree=False
    )
    try:
        root = etree.fromstring(data, parser=parser)
    except etree.XMLSyntaxError:
        raise ImageTrouble("the SVG is not well-formed XML") from None
    check_svg_numbers(root)
    return root


# Attributes that hold coordinates, sizes and the like: their numbers must be
# finite and of a size a picture has (ReportLab writes them into the PDF as
# they are; "nan" is not a PDF number, and 1e308 overflows its writer).
GEOMETRY = {
    "x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "rx", "ry", "width", "height", "d",
    "points", "transform", "viewBox", "stroke-width", "font-size", "offset", "dx", "dy",
    "stroke-dasharray", "stroke-dashoffset", "stroke-miterlimit", "opacity", "fill-opacity",
    "stroke-opacity", "style",
}  # fmt: skip
NUMBER = re.compile(
    r"(?<![A-Za-z_#])(?:nan|[-+]?inf(?:inity)?|[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)",
    re.IGNORECASE,
)
MAX_SVG_NUMBER = 1e6


def check_svg_numbers(root: Any) -> None:
    """Every number in the SVG's geometry finite and within ``MAX_SVG_NUMBER``."""
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        for name, value in element.attrib.items():
            if name.rsplit("}", 1)[-1] not in GEOMETRY:
                continue
            for token in NUMBER.findall(value):
                try:
                    number = float(token)
                except ValueError:
                    continue
                if not math.isfinite(number) or abs(number) > MAX_SVG_NUMBER:
                    tag = element.tag.rsplit("}", 1)[-1]
                    raise ImageTrouble(
                        f"the SVG has the number {token} in <{tag} {name.rsplit('}', 1)[-1]}>: "
                        f"numbers must be finite and at most {MAX_SVG_NUMBER:,.0f}"
                    )


def _check_svg(data: bytes) -> None:
    import defusedxml.ElementTree as SafeET
    from defusedxml import DefusedXmlException

    try:
        root = SafeET.fromstring(data, forbid_dtd=True)
    except DefusedXmlException:
        raise ImageTrouble(
            "the SVG has a DOCTYPE or entities, which are not allowed (they can read "
            "other files); save it again as plain SVG"
        ) from None
    except SafeET.ParseError as exc:
        line = exc.position[0] if getattr(exc, "position", None) else 0
        where = f" (its line {line})" if line else ""
        raise ImageTrouble(f"the SVG is not well-formed XML{where}") from None
    if root.tag not in (f"{SVG_NS}svg", "svg"):
        raise ImageTrouble("not an SVG picture (its outer element is not <svg>)")
    for count, element in enumerate(root.iter()):
        if count > MAX_SVG_ELEMENTS:
            raise ImageTrouble(f"the SVG has more than {MAX_SVG_ELEMENTS:,} elements")
        if not isinstance(element.tag, str):
            continue
        name = element.tag.rsplit("}", 1)[-1]
        if name in FORBIDDEN_ELEMENTS:
            raise ImageTrouble(f"the SVG holds a <{name}> element, which is not allowed")
        for attribute, value in element.attrib.items():
            _check_attribute(name, attribute.rsplit("}", 1)[-1], attribute, value)
        if name == "style" and element.text and _points_outside_css(element.text):
            raise ImageTrouble("the SVG's <style> loads something from outside the file")


def _check_attribute(element: str, name: str, qualified: str, value: str) -> None:
    if name.lower().startswith("on"):
        raise ImageTrouble(f"the SVG has an event handler ({name} on <{element}>), not allowed")
    if qualified in (XLINK_HREF, "href"):
        target = value.strip()
        if target.startswith("#"):
            return
        if EMBEDDED.match(target) and element == "image":
            _check_embedded(target)
            return
        raise ImageTrouble(
            f"the SVG's <{element}> refers to '{target[:60]}' outside the file; only "
            "references inside it (#id) and embedded PNG or JPEG pictures are allowed"
        )
    if _points_outside_css(value):
        raise ImageTrouble(f"the SVG's <{element}> loads something from outside the file")


def _points_outside_css(text: str) -> bool:
    return bool(OUTSIDE_URL.search(text)) or "@import" in text.lower()


def _check_embedded(uri: str) -> None:
    try:
        data = base64.b64decode(uri.split(",", 1)[1], validate=False)
    except (binascii.Error, ValueError):
        raise ImageTrouble("a picture embedded in the SVG is not valid base64") from None
    _bitmap_size_of(data)


def svg_drawing(root: Any, path: Path, font: str, bold_font: str | None = None) -> Any:
    """The checked SVG as a ReportLab drawing: vectors, never a bitmap.

    ``font`` is where the drawing's text state starts; ReportLab would start
    it in Helvetica, an unembedded base-14 font, even for a drawing with no text.
    Text in the SVG (a logo's name) is set in ``font`` (``bold_font`` where it
    is bold), embedded like all the rest: a font named by the SVG is not on
    the reader's machine, and a base-14 one would not be embedded.
    """
    import logging

    from svglib.svglib import SvgRenderer

    logging.getLogger("svglib").setLevel(logging.CRITICAL)  # its notes are not the author's
    set_text_fonts(root, font, bold_font or font)
    try:
        drawing = SvgRenderer(str(path)).render(root)
    except Exception:  # noqa: BLE001 - svglib fails in many ways on odd SVG
        raise ImageTrouble("the SVG could not be drawn (an element svglib cannot read)") from None
    if not drawing.width or not drawing.height:
        raise ImageTrouble("the SVG has no size: give the <svg> a viewBox or width and height")
    drawing.initialFontName = font
    return drawing


TEXT_TAGS = {"text", "tspan", "textPath"}
BOLD_WEIGHTS = {"bold", "bolder", "600", "700", "800", "900"}


def set_text_fonts(root: Any, font: str, bold_font: str) -> None:
    """Every text element of the SVG in one of our fonts, whatever it named."""
    for element in root.iter():
        if not isinstance(element.tag, str) or element.tag.rsplit("}", 1)[-1] not in TEXT_TAGS:
            continue
        style = element.get("style") or ""
        declarations = [d for d in style.split(";") if d.strip()]
        weight = element.get("font-weight", "")
        for declaration in declarations:
            name, _, value = declaration.partition(":")
            if name.strip() == "font-weight":
                weight = value.strip()
        kept = [d for d in declarations if d.partition(":")[0].strip() not in FONT_PROPERTIES]
        if style:
            element.set("style", ";".join(kept))
        for name in FONT_PROPERTIES:
            if name in element.attrib:
                del element.attrib[name]
        element.set("font-family", bold_font if weight in BOLD_WEIGHTS else font)


FONT_PROPERTIES = ("font-family", "font-weight", "font-style", "font")


# -- the parts of a diagram ---------------------------------------------------------

NOT_PARTS = {"svg", "title", "desc", "defs", "style", "metadata"}


def is_arrow(element: Any) -> bool:
    """Paths of class ``arrow`` are arrows: hidden unless a technique names them."""
    return "arrow" in (element.get("class") or "").split()


def svg_parts(root: Any) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The ids a technique may name: its areas, and its arrows, in document order."""
    areas: list[str] = []
    arrows: list[str] = []
    for element in root.iter():
        if not isinstance(element.tag, str) or not element.get("id"):
            continue
        if element.tag.rsplit("}", 1)[-1] in NOT_PARTS:
            continue
        (arrows if is_arrow(element) else areas).append(element.get("id"))
    return tuple(areas), tuple(arrows)


XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def svg_words(root: Any, language: str) -> tuple[str, dict[str, str]]:
    """What a diagram says of itself: its ``<title>``, and each part's name (the
    ``<title>`` inside the part, else its id with spaces), in ``language`` when
    a title says it is in that language (``xml:lang``), else the one without."""

    def title_of(element: Any) -> str | None:
        titles = [
            child
            for child in element
            if isinstance(child.tag, str) and child.tag.rsplit("}", 1)[-1] == "title"
        ]
        base = language.split("-")[0].lower()
        for child in titles:
            if (child.get(XML_LANG) or "").split("-")[0].lower() == base:
                return " ".join((child.text or "").split())
        plain = [c for c in titles if not c.get(XML_LANG)]
        return " ".join((plain[0].text or "").split()) if plain else None

    names = {}
    areas, arrows = svg_parts(root)
    by_id = {e.get("id"): e for e in root.iter() if isinstance(e.tag, str) and e.get("id")}
    for part in (*areas, *arrows):
        names[part] = title_of(by_id[part]) or part.replace("-", " ").replace("_", " ")
    return title_of(root) or "", names


def diagram_words(path: Path, language: str) -> tuple[str, dict[str, str]]:
    """``svg_words`` of the diagram file, read once per file and language (by
    its size and time too, so an SVG edited under ``--watch`` is read again)."""
    stat_ = path.stat()
    return _diagram_words(str(path), (stat_.st_size, stat_.st_mtime_ns), language)


@functools.lru_cache(maxsize=256)
def _diagram_words(
    source: str, stamp: tuple[int, int], language: str
) -> tuple[str, dict[str, str]]:
    return svg_words(read_svg(Path(source)), language)
