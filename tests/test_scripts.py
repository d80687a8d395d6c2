"""Every script: a deck in each (examples/languages) builds with real fonts,
shaped and in its direction, and its text comes back as written.

The fonts come from the system (Debian's packages, installed by the
Makefile); tests/test_language.py builds where none is installed.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pikepdf
import pypdfium2
import pytest
from click.testing import CliRunner
from conftest import REPO, pocket_slot, technique_card
from pdfcheck import PT_PER_MM
from test_accessible import Reader, plain

from cards.bidi import visual_runs
from cards.cli import main
from cards.content.deck import load_deck
from cards.geometry import saddle_order

DECKS = REPO / "examples" / "languages"
LANGUAGES = ("ar", "el", "he", "hi", "ja", "ko", "tr", "zh")
RIGHT_TO_LEFT = ("ar", "he")
# a line of Chinese or Japanese never starts with these, nor ends with the opening ones
CANNOT_START = "、。，．：；！？）」』】〕〉》ー"
CANNOT_END = "（「『【〔〈《"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, tuple[Path, str]]:
    """Each language's deck built once: its out folder and what the build said."""
    made = {}
    for language in LANGUAGES:
        out = tmp_path_factory.mktemp(language)
        result = CliRunner().invoke(
            main, ["build", str(DECKS / language), "-o", str(out)], catch_exceptions=False
        )
        assert result.exit_code == 0, result.output
        made[language] = (out, result.output)
    return made


def pdf(built, language: str, kind: str) -> Path:
    return built[language][0] / f"{language}-{kind}.pdf"


def page_text(path: Path, index: int) -> str:
    """A page's text as PDFium extracts it (ActualText where the page has it)."""
    return pypdfium2.PdfDocument(str(path))[index].get_textpage().get_text_range()


def every_page_text(path: Path) -> str:
    document = pypdfium2.PdfDocument(str(path))
    return "\n".join(page.get_textpage().get_text_range() for page in document)


def deck_of(language: str):
    return load_deck(DECKS / language)[0]


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_deck_in_each_script_builds_with_no_warning_and_no_code(built, language):
    _, said = built[language]
    assert "warning" not in said, said
    for kind in ("cards", "booklet"):
        text = every_page_text(pdf(built, language, kind))
        assert "[U+" not in text
        fonts = {
            str(font.BaseFont)
            for page in pikepdf.open(pdf(built, language, kind)).pages
            for font in page.Resources.Font.values()
        }
        # every font is embedded, and the script's own is among them
        assert all(re.match(r"/[A-Z]{6}\+", name) for name in fonts), fonts
        wanted = {
            "ar": "NotoSansArabic", "he": "NotoSansHebrew", "hi": "NotoSansDevanagari",
            "zh": "DroidSansFallback", "ja": "IPAGothic", "ko": "NanumGothic",
            "el": "SourceSansPro", "tr": "SourceSansPro",
        }[language]  # fmt: skip
        assert any(wanted in name for name in fonts), fonts


def written_steps(language: str) -> list[str]:
    return [
        " ".join(plain(item).split())
        for t in deck_of(language).techniques
        for block in t.body
        if block.kind == "steps"
        for item in block.items
    ]


def unbroken(text: str, language: str) -> str:
    """Extracted text with its line ends taken out: a space where the
    language puts spaces between words, nothing in Chinese and Japanese."""
    joiner = "" if language in ("zh", "ja") else " "
    return " ".join(joiner.join(text.replace("\r\n", "\n").split("\n")).split())


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_booklet_text_extracts_as_written(built, language):
    """Each step as PDFium reads it off the technique pages equals the
    content: Devanagari with its vowel signs, Arabic as letters (not
    presentation forms), Hebrew and Arabic in the order written."""
    text = unbroken(
        "\n".join(page_text(pdf(built, language, "booklet"), index) for index in (3, 4)),
        language,
    )
    for step in written_steps(language):
        if language in RIGHT_TO_LEFT and "(" in step:
            continue  # brackets at a line's start: see the README's limits
        step = unicodedata.normalize("NFC", step)
        if language == "ar":
            # a vowel mark set below its letter (the kasra of "اثنِ") is read
            # on a line of its own by PDFium and poppler alike, and the step's
            # number with it (README): every word's letters, and every mark
            # somewhere on the page
            words = without_marks(text).split()
            assert all(word in words for word in without_marks(step).split()), (step, text)
            assert set(marks(step)) <= set(marks(text))
        else:
            assert step in text, (step, text)
    assert not re.search("[\ufb50-\ufdff\ufe70-\ufefe]", text)  # no presentation forms


def marks(text: str) -> str:
    return "".join(c for c in text if unicodedata.category(c) == "Mn")


def without_marks(text: str) -> str:
    return " ".join("".join(c for c in text if unicodedata.category(c) != "Mn").split())


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_structure_tree_reads_the_steps_as_written(built, language):
    """Through the structure tree (what a screen reader takes), every step of
    the cards says the content's words, brackets and all."""
    reader = Reader(pdf(built, language, "cards"))
    said = [
        reader.says(item.K[1])
        for role, path, item in reader.read()
        if role == "LI" and path[-2:] == ("Sect", "L") and str(item.K[0].S) == "/Lbl"
        and reader.says(item.K[0]).isdigit()
    ]  # fmt: skip
    written = written_steps(language)
    assert said[: len(written)] == written


def drawn_lines(path: Path, index: int) -> list[list[tuple[str, float]]]:
    """A page's characters as drawn, by line (their baseline), each with the
    x of its origin: top line first, each line left to right."""
    import ctypes

    raw = pypdfium2.raw
    text = pypdfium2.PdfDocument(str(path))[index].get_textpage()
    lines: dict[int, list[tuple[str, float]]] = {}
    x, y = ctypes.c_double(), ctypes.c_double()
    for i in range(text.count_chars()):
        char = text.get_text_range(i, 1)
        if not char.strip():
            continue
        raw.FPDFText_GetCharOrigin(text.raw, i, ctypes.byref(x), ctypes.byref(y))
        lines.setdefault(round(y.value), []).append((char, x.value))
    return [sorted(line, key=lambda c: c[1]) for _, line in sorted(lines.items(), reverse=True)]


@pytest.mark.parametrize("language", RIGHT_TO_LEFT)
def test_right_to_left_titles_are_drawn_from_the_right(built, language):
    """The first letter of a technique's title is drawn rightmost on its
    line (the line read from the right), and a step's number stands to the
    right of its words."""
    lines = drawn_lines(pdf(built, language, "booklet"), 3)
    title = deck_of(language).techniques[0].title
    title_line = next(line for line in lines if {c for c, _ in line} >= set(title.split()[0]))
    assert title_line[-1][0] == title[0], ("".join(c for c, _ in title_line), title)
    step = written_steps(language)[0]
    step_line = next(
        line for line in lines if {c for c, _ in line} >= set(step.split()[0]) and "1" in dict(line)
    )
    assert step_line[-1][0] == "1", "".join(c for c, _ in step_line)  # the number on the right
    assert step_line[-2][0] == step[0]  # then the step's first letter


@pytest.mark.parametrize("language", RIGHT_TO_LEFT)
def test_a_right_to_left_booklet_is_bound_on_the_right(built, language):
    reading = pikepdf.open(pdf(built, language, "booklet"))
    assert reading.Root.ViewerPreferences.Direction == pikepdf.Name.R2L
    assert "/Direction" not in pikepdf.open(pdf(built, "el", "booklet")).Root.ViewerPreferences


def test_saddle_order_bound_on_the_right_turns_every_pair_round():
    assert saddle_order(8, right_to_left=True) == [
        (1, 8), (7, 2), (3, 6), (5, 4),
    ]  # fmt: skip
    assert [tuple(reversed(s)) for s in saddle_order(8)] == saddle_order(8, right_to_left=True)


@pytest.mark.parametrize("language", ("zh", "ja"))
def test_chinese_and_japanese_lines_break_between_characters_with_kinsoku(built, language):
    """No line starts with a closing mark or ends with an opening one, and no
    space is put between characters; the long steps break over lines."""
    for kind in ("cards", "booklet"):
        text = every_page_text(pdf(built, language, kind))
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        assert not [line for line in lines if line[0] in CANNOT_START]
        assert not [line for line in lines if line[-1] in CANNOT_END]
    cards = every_page_text(pdf(built, language, "cards"))
    long_step = max(written_steps(language), key=len)
    assert long_step not in cards.replace("\r", "")  # broken over lines …
    assert long_step in unbroken(cards.replace("\r", ""), language)  # … with nothing added


@pytest.mark.parametrize(
    ("language", "band"), [("tr", "GEVŞETME TEKNİKLERİ"), ("el", "ΤΕΧΝΙΚΕΣ ΧΑΛΑΡΩΣΗΣ")]
)
def test_turkish_and_greek_bands_are_capitals_as_the_language_sets_them(built, language, band):
    assert band in every_page_text(pdf(built, language, "cards"))


def test_the_bidirectional_runs_keep_numbers_and_latin_left_to_right():
    runs = visual_runs("لمدة 6–10 ثوانٍ (almond oil).", [16])
    drawn = "".join(run.text for run in runs)
    # read from the right: the Arabic word, 6, the dash, 10 … and the bracket mirrored
    assert drawn == ".(almond oil) ٍناوث 10–6 ةدمل"
    assert [run.right_to_left for run in runs if run.text == "almond oil"] == [False]
    assert visual_runs("") == []


def test_a_hindi_deck_keeps_its_vowel_signs_when_copied(built):
    text = every_page_text(pdf(built, "hi", "cards"))
    assert "पैर पकड़ें, अंगूठे तलवे पर" in unbroken(text, "hi")


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_deck_speaks_its_own_language_in_the_layouts(built, language):
    """The labels the layouts print are the language's own (the glance)."""
    from cards.labels import LABELS

    reader = Reader(pdf(built, language, "cards"))
    labels = {reader.says(item) for role, _, item in reader.read() if role == "Lbl"}
    assert LABELS[language]["hold"] in labels and LABELS[language]["pressure"] in labels


def drawn_chars(path: Path, index: int) -> list[tuple[str, float, float]]:
    """A page's characters with the x and y of their origins."""
    return [(c, x, y) for y, line in enumerate_lines(path, index) for c, x in line]


def enumerate_lines(path: Path, index: int):
    import ctypes

    raw = pypdfium2.raw
    text = pypdfium2.PdfDocument(str(path))[index].get_textpage()
    x, y = ctypes.c_double(), ctypes.c_double()
    lines: dict[float, list[tuple[str, float]]] = {}
    for i in range(text.count_chars()):
        char = text.get_text_range(i, 1)
        if char.strip():
            raw.FPDFText_GetCharOrigin(text.raw, i, ctypes.byref(x), ctypes.byref(y))
            lines.setdefault(y.value, []).append((char, x.value))
    return lines.items()


@pytest.mark.parametrize("language", RIGHT_TO_LEFT)
def test_a_right_to_left_deck_mirrors_its_furniture(built, language):
    """The band's number disc stands right of its label, a contents line's
    page number left of its title, and the glance labels right of their
    values; a left-to-right deck keeps them the other way round."""
    from cards.labels import LABELS

    deck = deck_of(language)
    technique = deck.techniques[0]
    booklet = pdf(built, language, "booklet")
    contents = drawn_lines(booklet, 2)
    entry = next(
        line for line in contents if {c for c, _ in line} >= set(technique.title.split()[0])
    )
    page_digits = [x for c, x in entry if c.isdigit()]
    letters = [x for c, x in entry if c in technique.title]
    assert page_digits and max(page_digits) < min(letters)  # the page number on the left
    # the first technique's card alone: its slot on the first sheet
    box = pocket_slot(technique_card(0)[1])
    left, right = box.x_mm * PT_PER_MM, box.right_mm * PT_PER_MM
    card = [
        (c, x, y) for c, x, y in drawn_chars(pdf(built, language, "cards"), 0) if left < x < right
    ]
    top = max(y for _, _, y in card)  # the band: the topmost text of the card
    band = [(c, x) for c, x, y in card if y > top - 8]
    disc = [x for c, x in band if c == "1"]
    label = [x for c, x in band if c != "1"]
    assert disc and label and min(disc) > max(label)  # the disc right of its label
    hold = LABELS[language]["hold"]
    cards = drawn_lines(pdf(built, language, "cards"), 0)
    glance = next(line for line in cards if {c for c, _ in line} >= set(hold))
    assert glance[-1][0] in hold  # the label at the right end of its line


def test_a_left_to_right_deck_keeps_its_furniture_where_it_was(built):
    contents = drawn_lines(pdf(built, "el", "booklet"), 2)
    title = deck_of("el").techniques[0].title
    entry = next(line for line in contents if {c for c, _ in line} >= set(title.split()[0]))
    assert entry[-1][0].isdigit() and entry[0][0] == title[0]  # title first, page number last


def test_kinsoku_leaves_no_line_of_one_character_last():
    """A Japanese paragraph whose last line would hold one character takes
    one more from the line before (two where that one may not start a line)."""
    from cards.layout.parsed import kinsoku_text

    lines = [(0.0, ["タオルを絞るように"]), (30.0, ["う。"])]
    mended = kinsoku_text(lines, "CardsSans-Regular", 10)
    assert "".join(t for _, [t] in mended) == "タオルを絞るようにう。"
    assert mended[-1][1][0] == "にう。" and mended[0][0] > 0
    small = kinsoku_text([(0.0, ["続けましょ"]), (30.0, ["う。"])], "CardsSans-Regular", 10)
    assert small[-1][1][0] == "しょう。"  # ょ may not start a line: し comes with it
