"""A two-sided test sheet that shows how far a printer shifts the back side.

The front carries crosses at five points; the back carries, behind each of
them, millimetre scales centred where the cross should land. Held against
the light, each cross shows through at the printer's offset: read it off the
scales and pass it as ``--back-offset XxY``.
"""

from __future__ import annotations

from reportlab.pdfgen.canvas import Canvas

from cards import __version__
from cards.formats.assembly import Assembly, FileInfo
from cards.formats.drawing import finished
from cards.geometry import mirror_point
from cards.layout.canvas import PageCanvas
from cards.layout.theme import (
    FONT_REGULAR,
    FONT_SEMIBOLD,
    PAPERS_MM,
    mm_to_pt,
    paint,
)

CROSS_MM = 8.0
SCALE_MM = 6  # ticks from -SCALE_MM to +SCALE_MM
INSET_MM = 35.0
INK = "#000000"
RED = "#C0002A"


def target_points(sheet_mm: tuple[float, float]) -> list[tuple[float, float]]:
    width, height = sheet_mm
    return [
        (INSET_MM, height - INSET_MM),
        (width - INSET_MM, height - INSET_MM),
        (width / 2, height / 2),
        (INSET_MM, INSET_MM),
        (width - INSET_MM, INSET_MM),
    ]


def calibration_pdf(paper: str, duplex: str) -> bytes:
    sheet_mm = PAPERS_MM[paper]
    canvas = PageCanvas((mm_to_pt(sheet_mm[0]), mm_to_pt(sheet_mm[1])), tags=False)  # a print aid
    points = target_points(sheet_mm)
    draw_front(canvas, sheet_mm, points, duplex)
    canvas.showPage()
    draw_back(canvas, sheet_mm, [mirror_point(sheet_mm, x, y, duplex) for x, y in points])
    canvas.showPage()
    assembly = Assembly()
    assembly.add(finished(canvas))
    info = FileInfo(
        title="cards — duplex alignment test",
        author="",
        subject="How far your printer shifts the back side",
        keywords="",
        creator=f"cards {__version__}",
        language="en",
        epoch=EDITION_EPOCH,
        duplex=duplex,
        tagged=False,  # a print aid: nothing to read aloud
    )
    data = assembly.finish(info)
    assembly.close()
    return data


# The sheet is the same for every deck and every day: its date is fixed too.
EDITION_EPOCH = 946684800  # 2000-01-01, as ReportLab's invariant files say


def draw_front(
    canvas: Canvas, sheet_mm: tuple[float, float], points: list[tuple[float, float]], duplex: str
) -> None:
    canvas.setStrokeColor(paint(INK))
    canvas.setLineWidth(0.6)
    for x, y in points:
        half = mm_to_pt(CROSS_MM / 2)
        cx, cy = mm_to_pt(x), mm_to_pt(y)
        canvas.line(cx - half, cy, cx + half, cy)
        canvas.line(cx, cy - half, cx, cy + half)
    lines = [
        "Duplex alignment test",
        f"Print both pages on one sheet: two-sided, flip on {duplex} edge, at 100 %.",
        "Hold the sheet against a window or a lamp, back side towards you.",
        "Each cross shows through on the scales behind it. Read where its centre",
        "falls: X along the horizontal scale, Y along the vertical one.",
        "Build with  --backs --back-offset XxY  (for example 0.5x-1).",
    ]
    text = canvas.beginText(mm_to_pt(INSET_MM), mm_to_pt(sheet_mm[1] / 2 + 40))
    text.setFont(FONT_SEMIBOLD, 12)
    text.textLine(lines[0])
    text.setFont(FONT_REGULAR, 9.5)
    for line in lines[1:]:
        text.textLine(line)
    canvas.drawText(text)


def draw_back(
    canvas: Canvas, sheet_mm: tuple[float, float], points: list[tuple[float, float]]
) -> None:
    canvas.setStrokeColor(paint(RED))
    canvas.setFillColor(paint(RED))
    canvas.setFont(FONT_REGULAR, 5)
    for x, y in points:
        cx, cy = mm_to_pt(x), mm_to_pt(y)
        canvas.setLineWidth(0.3)
        canvas.line(cx - mm_to_pt(SCALE_MM), cy, cx + mm_to_pt(SCALE_MM), cy)
        canvas.line(cx, cy - mm_to_pt(SCALE_MM), cx, cy + mm_to_pt(SCALE_MM))
        for step in range(-SCALE_MM, SCALE_MM + 1):
            tick = mm_to_pt(1.5 if step % 5 == 0 else 0.8)
            offset = mm_to_pt(step)
            canvas.line(cx + offset, cy - tick / 2, cx + offset, cy + tick / 2)
            canvas.line(cx - tick / 2, cy + offset, cx + tick / 2, cy + offset)
            if step and step % 2 == 0:
                canvas.drawCentredString(cx + offset, cy - mm_to_pt(3), f"{step:+d}")
                canvas.drawString(cx + mm_to_pt(1.8), cy + offset - 1.5, f"{step:+d}")
    text = canvas.beginText(mm_to_pt(INSET_MM), mm_to_pt(sheet_mm[1] / 2 - 30))
    text.setFont(FONT_REGULAR, 9.5)
    text.setFillColor(paint(INK))
    text.textLine("Back: the scales read in millimetres, + to the right and up.")
    canvas.drawText(text)
