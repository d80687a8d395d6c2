"""Questions asked of a real PDF: page boxes, text with positions, colours at points."""

from __future__ import annotations

import ctypes
from dataclasses import dataclass
from pathlib import Path

import pypdf
import pypdfium2

PT_PER_MM = 72 / 25.4


@dataclass(frozen=True)
class Text:
    text: str
    x_mm: float
    y_mm: float


def page_size_mm(pdf: Path, index: int = 0) -> tuple[float, float]:
    box = pypdf.PdfReader(pdf).pages[index].mediabox
    return round(float(box.width) / PT_PER_MM, 1), round(float(box.height) / PT_PER_MM, 1)


def page_count(pdf: Path) -> int:
    return len(pypdf.PdfReader(pdf).pages)


def page_text(pdf: Path, index: int) -> str:
    return pypdf.PdfReader(pdf).pages[index].extract_text()


def all_text(pdf: Path) -> str:
    return "\n".join(p.extract_text() for p in pypdf.PdfReader(pdf).pages)


def text_runs(pdf: Path, index: int) -> list[Text]:
    """Every shown text run with its start point on the page, in millimetres."""
    return [Text(r.text, r.x_mm, r.y_mm) for r in sized_runs(pdf, index)]


def outline_pages(pdf: Path) -> dict[str, int]:
    """Every outline entry's title and the 0-based page it points to."""
    reader = pypdf.PdfReader(pdf)
    found = {}

    def walk(items):
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                found[item.title] = reader.get_destination_page_number(item)

    walk(reader.outline)
    return found


def fonts(pdf: Path) -> dict[str, bool]:
    """Every font used, by base name, and whether its program is embedded."""
    found: dict[str, bool] = {}
    for page in pypdf.PdfReader(pdf).pages:
        for font in page["/Resources"].get("/Font", {}).values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            if "/DescendantFonts" in font:
                descriptor = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor else {}
            embedded = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            found[str(font["/BaseFont"])] = embedded
    return found


def render(pdf: Path, index: int, dpi: int = 100):
    """The page as a PIL image."""
    document = pypdfium2.PdfDocument(str(pdf))
    return document[index].render(scale=dpi / 72).to_pil().convert("RGB")


def pixel_mm(image, page_height_mm: float, x_mm: float, y_mm: float, dpi: int = 100):
    """Colour at a point given in PDF millimetres (origin bottom-left)."""
    px = round(x_mm / 25.4 * dpi)
    py = round((page_height_mm - y_mm) / 25.4 * dpi)
    return image.getpixel((px, py))


def hex_rgb(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]


def close(a, b, tolerance: int = 12) -> bool:
    return all(abs(x - y) <= tolerance for x, y in zip(a, b))


@dataclass(frozen=True)
class SizedText:
    text: str
    x_mm: float
    y_mm: float
    size_pt: float


def sized_runs(pdf: Path, index: int) -> list[SizedText]:
    """Every shown text run with its start point (mm) and its type size as printed (pt)."""
    runs: list[SizedText] = []

    def visit(text, cm, tm, font_dict, font_size):
        if not text.strip():
            return
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        scale = (tm[0] * cm[0] + tm[1] * cm[2]) ** 2 + (tm[0] * cm[1] + tm[1] * cm[3]) ** 2
        runs.append(SizedText(text.strip(), x / PT_PER_MM, y / PT_PER_MM, font_size * scale**0.5))

    pypdf.PdfReader(pdf).pages[index].extract_text(visitor_text=visit)
    return runs


def char_boxes_mm(pdf: Path, index: int) -> list[tuple[str, float, float, float, float]]:
    """Every printed character with its box (left, bottom, right, top) in mm, as pdfium
    places it (forms included, so an imposed sheet reads as printed)."""
    page = pypdfium2.PdfDocument(str(pdf))[index]
    textpage = page.get_textpage()
    boxes = []
    for i in range(textpage.count_chars()):
        char = textpage.get_text_range(i, 1)
        if not char.strip() or char in "\x02\ufffe":
            continue
        left, bottom, right, top = textpage.get_charbox(i)
        boxes.append(
            (char, left / PT_PER_MM, bottom / PT_PER_MM, right / PT_PER_MM, top / PT_PER_MM)
        )
    return boxes


def words_in_box(pdf: Path, index: int, box_mm: tuple[float, float, float, float]) -> list[str]:
    """The words pdfium finds inside a box (left, bottom, right, top in mm) of a page."""
    page = pypdfium2.PdfDocument(str(pdf))[index]
    text = page.get_textpage().get_text_bounded(*(v * PT_PER_MM for v in box_mm))
    return text.split()


@dataclass(frozen=True)
class Box:
    left_mm: float
    bottom_mm: float
    right_mm: float
    top_mm: float

    @property
    def width_mm(self) -> float:
        return self.right_mm - self.left_mm

    @property
    def height_mm(self) -> float:
        return self.top_mm - self.bottom_mm


def paths_box_mm(pdf: Path, index: int, region: Box) -> Box | None:
    """The box around every vector path drawn on the page itself (not inside a
    form, as icons are) that lies wholly inside ``region``: a diagram's size."""
    page = pypdfium2.PdfDocument(str(pdf))[index]
    boxes = []
    for obj in page.get_objects(max_depth=1):
        if obj.type != pypdfium2.raw.FPDF_PAGEOBJ_PATH or obj.level != 0:
            continue
        left, bottom, right, top = (v / PT_PER_MM for v in obj.get_bounds())
        inside = (
            left >= region.left_mm
            and right <= region.right_mm
            and bottom >= region.bottom_mm
            and top <= region.top_mm
        )
        if inside:
            boxes.append((left, bottom, right, top))
    if not boxes:
        return None
    return Box(
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


# -- diagrams, found by the marked content they are drawn in ---------------------------------


@dataclass(frozen=True)
class DrawnPath:
    """One vector path of a page: its box (mm), colours (``#RRGGBB`` or None
    when it is not stroked or filled), stroke width as printed (pt), and the
    matrix from its own units to the page (pt)."""

    box: Box
    stroke: str | None
    fill: str | None
    width_pt: float
    matrix: tuple[float, float, float, float, float, float]

    def to_page_mm(self, x: float, y: float) -> tuple[float, float]:
        """A point of the path's own units (a diagram's SVG units) on the page, in mm."""
        a, b, c, d, e, f = self.matrix
        return (a * x + c * y + e) / PT_PER_MM, (b * x + d * y + f) / PT_PER_MM


def _marks(obj) -> list[str]:
    raw = pypdfium2.raw
    names = []
    for k in range(raw.FPDFPageObj_CountMarks(obj.raw)):
        mark = raw.FPDFPageObj_GetMark(obj.raw, k)
        buffer = (ctypes.c_ushort * 128)()
        length = ctypes.c_ulong()
        raw.FPDFPageObjMark_GetName(mark, buffer, 256, ctypes.byref(length))
        names.append(bytes(buffer)[: length.value].decode("utf-16-le").rstrip("\x00"))
    return names


def _colour(getter, obj) -> str:
    r, g, b, a = (ctypes.c_uint() for _ in range(4))
    getter(obj.raw, r, g, b, a)
    return f"#{r.value:02X}{g.value:02X}{b.value:02X}"


def figure_paths(pdf: Path, index: int, region: Box | None = None) -> list[DrawnPath]:
    """The paths drawn inside a ``Figure`` of the page's marked content (a
    technique's diagram), those lying in ``region`` if given."""
    return page_paths(pdf, index, region, role="Figure")


def page_paths(
    pdf: Path, index: int, region: Box | None = None, role: str | None = None
) -> list[DrawnPath]:
    """The vector paths of a page (forms included), those in ``region`` and
    marked as ``role`` if given."""
    raw = pypdfium2.raw
    page = pypdfium2.PdfDocument(str(pdf))[index]
    found = []
    for obj in page.get_objects(max_depth=4):
        if obj.type != raw.FPDF_PAGEOBJ_PATH or (role is not None and role not in _marks(obj)):
            continue
        left, bottom, right, top = (v / PT_PER_MM for v in obj.get_bounds())
        box = Box(left, bottom, right, top)
        if region is not None and not (
            left >= region.left_mm - 1 and right <= region.right_mm + 1
            and bottom >= region.bottom_mm - 1 and top <= region.top_mm + 1
        ):  # fmt: skip
            continue
        mode, stroked = ctypes.c_int(), ctypes.c_int()
        raw.FPDFPath_GetDrawMode(obj.raw, ctypes.byref(mode), ctypes.byref(stroked))
        width = ctypes.c_float()
        raw.FPDFPageObj_GetStrokeWidth(obj.raw, ctypes.byref(width))
        m = obj.get_matrix()
        scale = abs(m.a * m.d - m.b * m.c) ** 0.5
        found.append(
            DrawnPath(
                box,
                _colour(raw.FPDFPageObj_GetStrokeColor, obj) if stroked.value else None,
                _colour(raw.FPDFPageObj_GetFillColor, obj) if mode.value else None,
                width.value * scale,
                (m.a, m.b, m.c, m.d, m.e, m.f),
            )
        )
    return found


def union(boxes: list[Box]) -> Box:
    return Box(
        min(b.left_mm for b in boxes),
        min(b.bottom_mm for b in boxes),
        max(b.right_mm for b in boxes),
        max(b.top_mm for b in boxes),
    )


def colour_area_mm2(
    image, page_height_mm: float, box: Box, colour, dpi: int, tolerance: int = 10
) -> float:
    """How many square millimetres inside ``box`` are painted ``colour`` (± tolerance)."""
    px = dpi / 25.4
    crop = image.crop(
        (
            int(box.left_mm * px),
            int((page_height_mm - box.top_mm) * px),
            int(box.right_mm * px) + 1,
            int((page_height_mm - box.bottom_mm) * px) + 1,
        )
    )
    count = sum(1 for pixel in rgb_pixels(crop) if close(pixel, colour, tolerance))
    return count / px / px


def rgb_pixels(image) -> list[tuple[int, int, int]]:
    """Every pixel of an RGB image, row by row."""
    data = image.convert("RGB").tobytes()
    return list(zip(data[0::3], data[1::3], data[2::3]))


def longest_blank_share(image, left_px: int, right_px: int) -> float:
    """The tallest band of a page with nothing drawn across ``left_px``-``right_px``,
    as a share of the page's height: where a page is empty."""
    from PIL import Image

    column = image.crop((left_px, 0, right_px, image.height)).convert("L")
    ink = column.point(lambda v: 255 if v < 240 else 0).resize((1, image.height), Image.BOX)
    best = run = 0
    for value in ink.tobytes():
        run = run + 1 if value == 0 else 0
        best = max(best, run)
    return best / image.height


@dataclass(frozen=True)
class Line:
    """A line of text as printed: where it starts and ends (mm), its baseline
    (mm), its type size (pt) and its text, spaces included."""

    left_mm: float
    right_mm: float
    baseline_mm: float
    size_pt: float
    text: str


def printed_lines(pdf: Path, index: int) -> list[Line]:
    """The page's text in lines of one size on one baseline, as pdfium reads them."""
    raw = pypdfium2.raw
    page = pypdfium2.PdfDocument(str(pdf))[index]
    textpage = page.get_textpage()
    lines: list[list] = []
    for i in range(textpage.count_chars()):
        char = textpage.get_text_range(i, 1)
        if char in "\r\n\x02\ufffe":
            continue
        x, y = ctypes.c_double(), ctypes.c_double()
        raw.FPDFText_GetCharOrigin(textpage.raw, i, ctypes.byref(x), ctypes.byref(y))
        size = round(raw.FPDFText_GetFontSize(textpage.raw, i), 2)
        right = textpage.get_charbox(i, loose=True)[2]
        here = (x.value / PT_PER_MM, right / PT_PER_MM, y.value / PT_PER_MM, size, char)
        last = lines[-1][-1] if lines else None
        if last and abs(last[2] - here[2]) < 0.3 and last[3] == size and here[0] >= last[0] - 0.1:
            lines[-1].append(here)
        else:
            lines.append([here])
    # a line's extent is its ink: the space drawn after its last word (the
    # text copies out with its spaces) marks nothing on the paper
    inked = [chars[: len(chars) - trailing_spaces(chars)] or chars for chars in lines]
    return [
        Line(chars[0][0], chars[-1][1], chars[0][2], chars[0][3], "".join(c[4] for c in chars))
        for chars in inked
    ]


def trailing_spaces(chars: list) -> int:
    count = 0
    while count < len(chars) and chars[len(chars) - 1 - count][4].isspace():
        count += 1
    return count


def marked_text(pdf: Path) -> dict[tuple[int, int], str]:
    """The text each marked-content sequence of the file draws, by (page,
    marked-content id), as PDFium reads it from the page (its characters in
    the order drawn, spaces included where drawn): what a structure element
    that points at the sequence says when it has no ActualText."""
    raw = pypdfium2.raw
    document = pypdfium2.PdfDocument(str(pdf))
    found: dict[tuple[int, int], str] = {}
    for index in range(len(document)):
        page = document[index]
        text_page = page.get_textpage()
        for obj in page.get_objects(max_depth=1):
            if obj.type != raw.FPDF_PAGEOBJ_TEXT:
                continue
            mcid = raw.FPDFPageObj_GetMarkedContentID(obj.raw)
            if mcid < 0:
                continue
            size = raw.FPDFTextObj_GetText(obj.raw, text_page.raw, None, 0)  # bytes
            buffer = (ctypes.c_ushort * max(size // 2, 1))()
            raw.FPDFTextObj_GetText(obj.raw, text_page.raw, buffer, size)
            text = bytes(buffer).decode("utf-16-le").split("\x00", 1)[0]
            found[index, mcid] = found.get((index, mcid), "") + text
    return found


def glyph_text(text: str, language: str, font: str = "") -> str:
    """What a text extractor that reads glyphs and not ActualText (pypdf)
    gets for ``text`` as the tool draws it: the shaped glyphs' characters
    (Devanagari's vowel sign first, a conjunct as its letters), the words
    as written where the script is not shaped or runs right to left (pypdf
    turns a right-to-left run round itself; assembly maps Arabic's joined
    forms to their letters)."""
    from reportlab.pdfbase.pdfmetrics import getFont

    from cards.language import needs_shaping, right_to_left
    from cards.layout.parsed import private_letters
    from cards.layout.textline import line_pieces
    from cards.layout.theme import FONT_REGULAR, register_fonts

    if right_to_left(language) or not needs_shaping(text):
        return text
    register_fonts()
    read = []
    for piece in line_pieces(text, font or FONT_REGULAR, 10, language):
        name = getFont(piece.font).face.name
        known = private_letters().get(name.decode("latin-1"), {})  # a conjunct's letters
        read.append("".join(known.get(ord(c), c) for c in str(piece.text)))
    return "".join(read)
