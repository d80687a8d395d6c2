"""The type size text was set at, read from a finished PDF (not from the theme)."""

from __future__ import annotations

from pathlib import Path


def sizes_of(pdf: Path, probes: dict[str, str]) -> dict[str, float]:
    """For each probe (a name and a stretch of text), the size in points of the
    first character where that text is printed in ``pdf``; probes not found
    are left out."""
    import pypdfium2
    import pypdfium2.raw as pdfium_c

    found: dict[str, float] = {}
    document = pypdfium2.PdfDocument(str(pdf))
    try:
        for index in range(len(document)):
            page = document[index]
            text = page.get_textpage()
            for name, probe in probes.items():
                if name in found:
                    continue
                searcher = text.search(probe, match_case=True)
                hit = searcher.get_next()
                if hit is not None:
                    found[name] = round(float(pdfium_c.FPDFText_GetFontSize(text.raw, hit[0])), 2)
            if len(found) == len(probes):
                break
    finally:
        document.close()
    return found
