"""Questions asked of a real PDF: page boxes, text with positions, colours at points."""

from __future__ import annotations

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
