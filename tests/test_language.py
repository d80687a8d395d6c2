"""Text rules per language: capitals as the language sets them, text in NFC."""

from __future__ import annotations

import unicodedata

import pytest
from conftest import small_deck, technique
from pdfcheck import all_text

from cards.language import upper


@pytest.mark.parametrize(
    ("text", "language", "capitals"),
    [
        ("Gevşetme teknikleri", "tr", "GEVŞETME TEKNİKLERİ"),  # dotted İ
        ("Kısa ısınma", "tr-TR", "KISA ISINMA"),  # dotless ı is I
        ("Relaxing techniques", "en", "RELAXING TECHNIQUES"),
        ("Τεχνικές χαλάρωσης", "el", "ΤΕΧΝΙΚΕΣ ΧΑΛΑΡΩΣΗΣ"),  # Greek drops the accents
        ("Προϊόντα", "el", "ΠΡΟΪΟΝΤΑ"),  # and keeps the diaeresis
        ("Fußpflege", "de", "FUSSPFLEGE"),
        ("Massage des pieds", "fr", "MASSAGE DES PIEDS"),
        ("تقنيات الاسترخاء", "ar", "تقنيات الاسترخاء"),  # no case: as written
        ("放松技巧", "zh", "放松技巧"),
        ("विश्राम तकनीक", "hi", "विश्राम तकनीक"),
    ],
)
def test_capitals_are_set_as_the_language_sets_them(text, language, capitals):
    assert upper(text, language) == capitals


@pytest.mark.parametrize(
    ("language", "title", "intro", "section", "capitals", "wrong"),
    [
        # Turkish: the dotted capital İ
        ("tr", "Ayak masajı", "Giriş.", "Gevşetme teknikleri", "GEVŞETME TEKNİKLERİ", "TEKNIKLERI"),
        # Greek: capitals without their accents
        ("el", "Μασάζ ποδιών", "Εισαγωγή.", "Τεχνικές χαλάρωσης", "ΤΕΧΝΙΚΕΣ ΧΑΛΑΡΩΣΗΣ", "ΤΕΧΝΙΚΈΣ"),
    ],
)
def test_a_deck_prints_its_bands_in_capitals_as_its_language_sets_them(
    run, deck_dir, tmp_path, language, title, intro, section, capitals, wrong
):
    files = small_deck()
    files["_index.md"] = f"---\ntitle: {title}\nlanguage: {language}\n---\n{intro}\n"
    files["01-one/_index.md"] = f'---\ntitle: {section}\ncolour: "#1D4F91"\n---\n'
    result = run("build", str(deck_dir(files)), "-f", "cards", "-o", str(tmp_path))
    assert result.exit_code == 0, result.output
    text = all_text(next(tmp_path.glob("*-cards.pdf")))
    assert capitals in text and wrong not in text


def test_accents_typed_as_marks_print_joined_and_check_says_so(run, deck_dir, tmp_path):
    """Decomposed text (an "e" then a combining acute, as some Mac and
    Vietnamese keyboards write it) prints as the composed letter, and
    `cards check` notes the file and line."""
    decomposed = unicodedata.normalize("NFD", "Xoa bóp chân nhẹ nhàng")
    files = small_deck(**{"01-one/01-alpha.md": technique("Alpha", f"1. Press.\n2. {decomposed}.")})
    folder = deck_dir(files)
    checked = run("check", str(folder))
    assert checked.exit_code == 0, checked.output
    assert "01-alpha.md:5: warning: accents typed as separate marks" in checked.output
    result = run("build", str(folder), "-f", "cards", "-o", str(tmp_path))
    assert result.exit_code == 0, result.output
    text = all_text(next(tmp_path.glob("*-cards.pdf")))
    assert unicodedata.normalize("NFC", "Xoa bóp chân nhẹ nhàng") in text
    assert "\u0301" not in text and "\u0300" not in text


def test_every_language_has_every_label_and_month():
    """The printed words for each language whose script the shipped font
    prints: the same names as English, the same {placeholders}, twelve months
    each (Arabic, Chinese, Hebrew, Hindi, Japanese and Korean wait for their
    fonts)."""
    import string

    from cards.labels import LABELS, MONTHS

    def fields(text):
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}

    wanted = {"de", "el", "es", "fr", "it", "nl", "pl", "pt", "ru", "tr", "uk", "vi"}
    assert wanted <= set(LABELS) and wanted <= set(MONTHS)
    for language, table in LABELS.items():
        assert set(table) == set(LABELS["en"]), language
        for name, text in table.items():
            assert text.strip() and fields(text) == fields(LABELS["en"][name]), (language, name)
        assert len(MONTHS[language]) == 12 and len(set(MONTHS[language])) == 12


@pytest.mark.parametrize(
    ("language", "word", "quoted"),
    [
        ("ja", "手", "「手」"),
        ("de", "Hand", "„Hand“"),
        ("ru", "рука", "«рука»"),
        ("fr", "main", "« main »"),
        ("tr", "el", "“el”"),
    ],
)
def test_quotes_are_the_languages_own(language, word, quoted):
    from cards.content.markdown import markdown_parser, typographic

    assert typographic(markdown_parser(language), f'"{word}"') == quoted


def test_an_edition_line_dates_in_the_languages_own_words():
    from cards.labels import labels_for, month_name

    assert labels_for("el")["edition"].format(month=month_name("el", 3), year=2026) == (
        "Έκδοση Μαρτίου 2026"
    )
    assert labels_for("ru")["edition"].format(month=month_name("ru", 3), year=2026) == (
        "Издание: март 2026 г."
    )
    assert labels_for("pt-BR")["cards"].format(count=13) == "13 cartões"


@pytest.fixture
def no_script_fonts(monkeypatch):
    """A system without the fonts of other scripts (none where it looks)."""
    from cards.layout.fallback import face_for
    from cards.layout.theme import script_font_files

    monkeypatch.setenv("CARDS_FONT_DIRS", "")
    script_font_files.cache_clear()
    face_for.cache_clear()
    yield
    monkeypatch.delenv("CARDS_FONT_DIRS")
    script_font_files.cache_clear()
    face_for.cache_clear()


def test_a_script_the_fonts_lack_is_one_warning_naming_it(run, deck_dir, no_script_fonts):
    """A deck in Arabic with a Chinese word, built where neither script's
    font is installed: one warning per script, at the first file that has
    it, counting its letters and files and naming the package to install;
    never a warning per file for the same script."""
    files = small_deck(
        **{
            "01-one/01-alpha.md": technique("لف القدم", "1. ضع يديك على القدم.\n2. 放松."),
            "01-one/02-beta.md": technique("تدليك", "1. اضغط برفق."),
        }
    )
    result = run("check", str(deck_dir(files)))
    assert result.exit_code == 0, result.output
    arabic = [line for line in result.output.splitlines() if "Arabic letters" in line]
    chinese = [line for line in result.output.splitlines() if "Chinese (Han) letters" in line]
    assert len(arabic) == 1 and "in 2 file(s)" in arabic[0] and "01-alpha.md:1:" in arabic[0]
    assert len(chinese) == 1 and "(2 in 1 file(s)" in chinese[0]
    assert "printed as codes such as [U+" in arabic[0]
    assert "'apt install fonts-noto-core'" in arabic[0]
    assert "'apt install fonts-droid-fallback'" in chinese[0]  # the deck's language is English
    assert "has no 'ض'" not in result.output  # not letter by letter
