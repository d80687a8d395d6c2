"""A deck's own fonts: a script no shipped font prints, from a file in the
deck, OpenType with CFF outlines converted once to TrueType."""

from __future__ import annotations

from pathlib import Path

import pikepdf
import pypdfium2
import pytest
from conftest import small_deck, technique

RUNES = "ᚠᚢᚦ"  # Runic: in no shipped font


def runic_otf(path: Path) -> Path:
    """A small OpenType font with CFF outlines for three Runic letters."""
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.t2CharStringPen import T2CharStringPen

    names = [".notdef", "space", "fehu", "uruz", "thurisaz"]
    builder = FontBuilder(1000, isTTF=False)
    builder.setupGlyphOrder(names)
    builder.setupCharacterMap({0x20: "space", 0x16A0: "fehu", 0x16A2: "uruz", 0x16A6: "thurisaz"})
    outlines = {}
    for index, name in enumerate(names):
        pen = T2CharStringPen(600, None)
        if index > 1:  # a stave and a branch, a little different for each letter
            pen.moveTo((100, 0))
            pen.lineTo((100, 700))
            pen.curveTo((300, 750), (450, 650 - 50 * index), (500, 500))
            pen.lineTo((200, 400))
            pen.closePath()
        outlines[name] = pen.getCharString()
    builder.setupCFF("RunicTest", {"FullName": "Runic Test"}, outlines, {})
    builder.setupHorizontalMetrics({name: (600, 100) for name in names})
    builder.setupHorizontalHeader(ascent=800, descent=-200)
    builder.setupNameTable({"familyName": "Runic Test", "styleName": "Regular"})
    builder.setupOS2(sTypoAscender=800, usWinAscent=800, usWinDescent=200)
    builder.setupPost()
    path.parent.mkdir(parents=True, exist_ok=True)
    builder.save(str(path))
    return path


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    yield tmp_path / "cache" / "cardpress" / "fonts"
    from cards.layout.theme import use_deck_fonts

    use_deck_fonts(())  # the next test's deck has none


def runic_deck(deck_dir, fonts: str = "fonts/runic.otf"):
    files = small_deck(
        **{
            "_index.md": f"---\ntitle: Runes\nfonts: [{fonts}]\n---\nAn intro.\n\n"
            "**Before you start:** stop if it hurts.\n",
            "01-one/01-alpha.md": technique(f"Alpha {RUNES}", f"1. Press {RUNES} gently."),
        }
    )
    folder = deck_dir(files)
    runic_otf(folder / "fonts" / "runic.otf")
    return folder


def test_a_deck_font_prints_a_script_no_shipped_font_has(run, deck_dir, cache):
    folder = runic_deck(deck_dir)
    result = run("build", folder, "-f", "cards")
    assert result.exit_code == 0, result.output
    assert "warning" not in result.output and "[U+" not in result.output
    pdf = folder.parent / "out" / "test-deck-cards.pdf"
    fonts = {
        str(font.BaseFont)
        for page in pikepdf.open(pdf).pages
        for font in page.Resources.Font.values()
    }
    assert any("Runic-Test" in name for name in fonts), fonts  # embedded, as a subset
    text = "".join(page.get_textpage().get_text_range() for page in pypdfium2.PdfDocument(pdf))
    assert f"Press {RUNES} gently." in text
    assert len(list(cache.glob("*.ttf"))) == 1  # converted once, kept by its digest
    again = run("build", folder, "-f", "cards")
    assert again.exit_code == 0 and len(list(cache.glob("*.ttf"))) == 1


def test_without_its_font_the_same_deck_warns_and_prints_codes(run, deck_dir, cache):
    folder = runic_deck(deck_dir)
    (folder / "_index.md").write_text(
        "---\ntitle: Runes\n---\nAn intro.\n\n**Before you start:** stop if it hurts.\n",
        encoding="utf-8",
    )
    result = run("build", folder, "-f", "cards")
    assert result.exit_code == 0
    assert "no font has 'ᚠ' (U+16A0)" in result.output


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("../elsewhere.ttf", "font '../elsewhere.ttf' is outside the deck folder; keep it inside"),
        ("fonts/house.woff", "font 'fonts/house.woff' must be a .ttf or .otf file"),
        ("fonts/none.ttf", "font 'fonts/none.ttf' not found beside _index.md"),
        ("fonts/fake.ttf", "font 'fonts/fake.ttf' is not a TrueType or OpenType font"),
    ],
)
def test_a_font_that_cannot_be_used_is_an_error_at_its_line(run, deck_dir, cache, value, message):
    folder = runic_deck(deck_dir, value)
    (folder / "fonts" / "fake.ttf").write_text("<html>not a font</html>")
    result = run("build", folder, "-f", "cards")
    assert result.exit_code == 1
    assert f"_index.md:3: error: {message}" in result.output


def test_a_font_larger_than_the_bound_is_refused_unread(run, deck_dir, cache, monkeypatch):
    from cards import fontfiles

    monkeypatch.setattr(fontfiles, "MOST_FONT_BYTES", 100)
    folder = runic_deck(deck_dir)
    result = run("build", folder, "-f", "cards")
    assert result.exit_code == 1
    assert "font 'fonts/runic.otf' is " in result.output
    assert "bytes, more than a font may be (100 bytes)" in result.output
