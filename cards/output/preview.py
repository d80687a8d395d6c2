"""PNG previews of what will be printed, rendered with pypdfium2 (no system tools)."""

from __future__ import annotations

from pathlib import Path

from cards.output.files import write_atomic

PREVIEW_DPI = 100
BOOKLET_PREVIEW_PAGES = 4


def render_pages(pdf: Path, pages: range, prefix: Path, dpi: int = PREVIEW_DPI) -> list[Path]:
    import io

    import pypdfium2

    document = pypdfium2.PdfDocument(str(pdf))
    written = []
    try:
        for index in pages:
            if index >= len(document):
                break
            image = document[index].render(scale=dpi / 72).to_pil()
            data = io.BytesIO()
            image.save(data, format="PNG")
            path = prefix.with_name(f"{prefix.name}-{index + 1}.png")
            write_atomic(path, data.getvalue())
            written.append(path)
    finally:
        document.close()
    return written


def previews(out_dir: Path, slug: str) -> list[Path]:
    """The first cards sheet and the booklet's first pages, as PNG files in OUT/preview/."""
    folder = out_dir / "preview"
    written = []
    cards = out_dir / f"{slug}-cards.pdf"
    booklet = out_dir / f"{slug}-booklet.pdf"
    if cards.exists():
        written += render_pages(cards, range(1), folder / f"{slug}-cards")
    if booklet.exists():
        written += render_pages(booklet, range(BOOKLET_PREVIEW_PAGES), folder / f"{slug}-booklet")
    return written
