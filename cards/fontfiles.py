"""A deck's own fonts read defensively, and made TrueType where they are not.

A deck may bring fonts (``fonts:`` in its ``_index.md``): a clinic's house
font, or one for a script no shipped font prints. A font is a file from a
shared folder like any other: it is read only when it is no larger than
``MOST_FONT_BYTES`` and starts as a font does, and it is opened by fontTools,
never run. ReportLab embeds TrueType outlines only; an OpenType font with
PostScript (CFF) outlines is converted once with fontTools (its cubic curves
to quadratic ones, as fontTools' otf2ttf does) and kept, by the digest of
its bytes, in the user's cache folder.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

MOST_FONT_BYTES = 30_000_000  # a large CJK font is 20 MB
MOST_CONVERTED_GLYPHS = 20_000  # converting more takes minutes: convert it beforehand
TRUETYPE = (b"\x00\x01\x00\x00", b"true")
OPENTYPE_CFF = b"OTTO"
COLLECTION = b"ttcf"


class FontFileError(ValueError):
    """A font file that cannot be used, with what to do about it."""


def cache_folder() -> Path:
    """Where converted fonts are kept: $XDG_CACHE_HOME/cardpress/fonts."""
    root = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(root) / "cardpress" / "fonts"


def truetype_file(path: Path) -> Path:
    """A TrueType file with ``path``'s font: the file itself, or its
    conversion from CFF outlines. Raises FontFileError."""
    size = path.stat().st_size
    if size > MOST_FONT_BYTES:
        raise FontFileError(
            f"is {size:,} bytes, more than a font may be ({MOST_FONT_BYTES:,} bytes)"
        )
    with path.open("rb") as file:
        head = file.read(4)
    if head == COLLECTION:
        raise FontFileError("is a font collection (.ttc): name one font of it, as a .ttf or .otf")
    if head in TRUETYPE:
        _check_opens(path)
        return path
    if head != OPENTYPE_CFF:
        raise FontFileError("is not a TrueType or OpenType font")
    data = path.read_bytes()
    kept = cache_folder() / f"{hashlib.sha256(data).hexdigest()[:32]}.ttf"
    if kept.is_file():
        return kept
    converted = cff_to_truetype(path)
    kept.parent.mkdir(parents=True, exist_ok=True)
    partial = kept.with_suffix(f".{os.getpid()}.part")
    partial.write_bytes(converted)
    partial.replace(kept)  # whole or not at all, should two builds convert at once
    return kept


def _check_opens(path: Path) -> None:
    from fontTools.ttLib import TTFont, TTLibError

    try:
        font = TTFont(path, lazy=True)
        if "glyf" not in font or "cmap" not in font:
            raise FontFileError("has no TrueType outlines or no character map")
    except (TTLibError, OSError, AssertionError, KeyError, ValueError) as exc:
        if isinstance(exc, FontFileError):
            raise
        raise FontFileError(f"cannot be read as a font ({exc})") from None


def cff_to_truetype(path: Path) -> bytes:
    """An OpenType font's CFF outlines as TrueType ones, as bytes (fontTools:
    each glyph's cubic curves approximated by quadratic ones within one unit)."""
    import io

    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import TTFont, TTLibError, newTable

    try:
        font = TTFont(path)
        if "CFF " not in font:
            raise FontFileError("is an OpenType font without CFF outlines (CFF2 is not read)")
        order = font.getGlyphOrder()
        if len(order) > MOST_CONVERTED_GLYPHS:
            raise FontFileError(
                f"has {len(order)} glyphs in CFF outlines: converting more than "
                f"{MOST_CONVERTED_GLYPHS} takes minutes; convert it to TrueType beforehand "
                "(fontTools' otf2ttf) and name the .ttf"
            )
        glyph_set = font.getGlyphSet()
        glyphs = {}
        for name in order:
            pen = TTGlyphPen(glyph_set)
            glyph_set[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
            glyphs[name] = pen.glyph()
        font["loca"] = newTable("loca")
        glyf = font["glyf"] = newTable("glyf")
        glyf.glyphOrder = order
        glyf.glyphs = glyphs
        del font["CFF "]
        if "VORG" in font:
            del font["VORG"]
        glyf.compile(font)
        metrics = font["hmtx"].metrics
        for name, glyph in glyphs.items():
            metrics[name] = (metrics[name][0], getattr(glyph, "xMin", 0))
        maxp = font["maxp"] = newTable("maxp")
        maxp.tableVersion = 0x00010000
        for field in (
            "maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs",
            "maxInstructionDefs", "maxStackElements", "maxSizeOfInstructions",
            "maxComponentElements",
        ):  # fmt: skip
            setattr(maxp, field, 0)
        maxp.maxZones = 1
        post = font["post"]
        post.formatType, post.extraNames, post.mapping = 2.0, [], {}
        post.glyphOrder = order
        font["head"].indexToLocFormat = 0
        font["head"].glyphDataFormat = 0
        font.sfntVersion = "\x00\x01\x00\x00"
        out = io.BytesIO()
        font.save(out)
        return out.getvalue()
    except (TTLibError, OSError, AssertionError, KeyError, ValueError, TypeError) as exc:
        if isinstance(exc, FontFileError):
            raise
        raise FontFileError(f"cannot be converted to TrueType ({exc})") from None
