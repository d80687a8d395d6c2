"""One deck folder in several languages: translations beside their originals
(01-alpha.de.md, _index.de.md, hand.de.svg), each language's files, the own
language where a file has none, said in check and in the structure tree."""

from __future__ import annotations

import pikepdf
from conftest import small_deck, technique, write_deck
from pdfcheck import all_text

from cards.content import load_deck

HAND = """<svg xmlns="http://www.w3.org/2000/svg" width="60" height="80" viewBox="0 0 60 80">
  <title>{title}</title>
  <path d="M 10 75 L 10 30 L 50 30 L 50 75 Z" fill="#FFFFFF" stroke="#7A7A7A" stroke-width="1.4"/>
  <rect id="palm" x="15" y="45" width="30" height="20" fill="none" stroke="none"/>
</svg>
"""


def three_languages(root, **extra: str):
    files = small_deck(
        **{
            "01-one/01-alpha.md": technique(
                "Alpha", "1. Press gently.\n2. Let go.", pressure="medium", diagram="hand.svg",
                areas="palm",
            ),
            "01-one/01-alpha.de.md": technique("Alphagriff", "1. Sanft drücken.\n2. Loslassen."),
            "01-one/_index.de.md": "---\ntitle: Erster Teil\n---\nDie Einleitung.\n",
            "01-one/hand.svg": HAND.format(title="An open hand"),
            "01-one/hand.de.svg": HAND.format(title="Eine offene Hand"),
            "_index.de.md": "---\ntitle: Testdeck\n---\nEine Einleitung.\n\n"
            "**Bevor Sie beginnen:** aufhören, wenn es schmerzt.\n",
            "_index.fr.md": "---\ntitle: Jeu d’essai\n---\nUne introduction.\n",
        }
    )  # fmt: skip
    files["_index.md"] = (
        "---\ntitle: Test Deck\nlanguage: en\nlanguages: [en, de, fr]\n---\nAn intro.\n\n"
        "**Before you start:** stop if it hurts.\n"
    )
    files.update(extra)
    return write_deck(root / "trio", files)


def test_a_three_language_folder_builds_three_sets_of_files(run, tmp_path):
    deck = three_languages(tmp_path)
    result = run("build", str(deck), "-o", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    written = sorted(p.name for p in (tmp_path / "out").glob("*.pdf"))
    assert written == sorted(
        f"trio{suffix}-{kind}.pdf"
        for suffix in ("", "-de", "-fr")
        for kind in ("cards", "booklet", "booklet-imposed")
    )
    german = all_text(tmp_path / "out" / "trio-de-cards.pdf")
    assert "Alphagriff" in german and "Sanft drücken." in german
    assert "ERSTER TEIL" in german  # the section's translated title, in its band
    assert "Beta" in german  # not translated: printed as written, in English
    assert "mittel" in german  # the original's pressure, in the German label's word
    english = all_text(tmp_path / "out" / "trio-cards.pdf")
    assert "Alpha" in english and "Alphagriff" not in english


def test_a_file_not_translated_reads_in_its_own_language(run, tmp_path):
    """In the German cards, the document is German; the card of a technique
    with no German file is a section in English (its /Lang), the translated
    one is not marked."""
    deck = three_languages(tmp_path)
    result = run("build", str(deck), "-o", str(tmp_path / "out"), "-f", "cards", "--lang", "de")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "out").glob("*.pdf")) == ["trio-de-cards.pdf"]
    pdf = pikepdf.open(tmp_path / "out" / "trio-de-cards.pdf")
    assert pdf.Root.Lang == "de"
    langs = [str(s.get("/Lang", "")) for s in pdf.Root.StructTreeRoot.K.K]
    assert langs.count("en") == 2  # Beta and Gamma
    assert langs.count("") >= 2  # the title card and Alphagriff's card


def test_check_lists_what_is_not_translated_and_a_translation_alone(run, tmp_path):
    deck = three_languages(tmp_path, **{"02-two/09-lost.de.md": technique("Verloren")})
    result = run("check", str(deck))
    assert result.exit_code == 0, result.output
    out = result.output
    assert "_index.de.md:1: warning: 3 file(s) not translated into de yet, printed in en" in out
    assert "02-beta.md" in out and "01-gamma.md" in out
    assert "_index.fr.md:1: warning: 5 file(s) not translated into fr yet" in out
    assert "09-lost.de.md:1: warning: ignored: a translation of 09-lost.md" in out
    # French has no safety note of its own: the English one stands in, said so
    assert "_index.fr.md:4: warning: no safety note ('## Avant de commencer')" in out


def test_a_picture_has_a_variant_per_language(tmp_path):
    deck = three_languages(tmp_path)
    german, _ = load_deck(deck, language="de")
    english, _ = load_deck(deck)
    assert german.techniques[0].diagram.path.name == "hand.de.svg"
    assert english.techniques[0].diagram.path.name == "hand.svg"
    assert german.slug == "trio-de" and english.slug == "trio"
    assert german.language == "de" and german.languages == ("en", "de", "fr")


def test_a_language_the_deck_is_not_kept_in_is_an_error(run, tmp_path):
    deck = three_languages(tmp_path)
    result = run("build", str(deck), "-o", str(tmp_path / "out"), "--lang", "ar")
    assert result.exit_code == 1
    assert "_index.md:4: error: the deck is not kept in 'ar': its languages are en, de, fr" in (
        result.output
    )
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").glob("*.pdf"))


def test_export_and_import_carry_each_language_in_columns_of_its_own(run, tmp_path):
    """A translator's spreadsheet: a column per language for each text
    ("title.de", "steps.de", "section.de"; "title.de" and "intro.de" rows in
    the deck sheet). Exported and imported back, the translations are files
    beside their originals again, and the deck builds the same German text."""
    # a sheet carries words, not files: the technique names a built-in diagram
    built_in = technique(
        "Alpha", "1. Press gently.\n2. Let go.", pressure="medium", diagram="foot-sole",
        areas="heel",
    )  # fmt: skip
    deck = three_languages(tmp_path, **{"01-one/01-alpha.md": built_in})
    sheet = tmp_path / "trio.xlsx"
    assert run("export", str(deck), str(sheet)).exit_code == 0
    import openpyxl

    header = [c.value for c in next(openpyxl.load_workbook(sheet)["techniques"].iter_rows())]
    assert {"title.de", "steps.de", "section.de", "title.fr"} <= set(header)
    back = tmp_path / "back"
    result = run("import", str(sheet), str(back))
    assert result.exit_code == 0, result.output
    names = sorted(p.relative_to(back).as_posix() for p in back.rglob("*.de.md"))
    assert names == ["01-first/01-alpha.de.md", "01-first/_index.de.md", "_index.de.md"]
    assert "languages: [en, de, fr]" in (back / "_index.md").read_text()
    assert "title: Alphagriff" in (back / "01-first/01-alpha.de.md").read_text()
    assert ".back." not in result.output  # the files named as the deck has them
    for folder, name in ((deck, "a"), (back, "b")):
        built = run("build", str(folder), "-f", "cards", "--lang", "de", "-o", str(tmp_path / name))
        assert built.exit_code == 0, built.output
    first = all_text(tmp_path / "a" / "trio-de-cards.pdf")
    again = all_text(tmp_path / "b" / "back-de-cards.pdf")
    assert "Sanft drücken." in again and "ERSTER TEIL" in again
    assert first.replace("Testdeck", "").count("Alphagriff") == again.count("Alphagriff")
