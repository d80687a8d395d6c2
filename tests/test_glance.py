"""The glance strip never breaks a word inside itself: its columns take the
width their longest word needs, or it stacks its rows."""

from __future__ import annotations

import pytest
from conftest import technique
from pdfcheck import glyph_text, page_count, sized_runs

from cards.labels import LABELS
from cards.layout.glance import split_text
from cards.layout.theme import CARD_SIZES_MM, FONT_REGULAR, FONT_SEMIBOLD, register_fonts

LEVELS = ("gentle", "medium", "firm")


def deck_without_diagrams(language: str) -> dict[str, str]:
    """Three cards, one per pressure level, with no diagram: the widest strip."""
    files = {
        "_index.md": f"---\ntitle: Hand Care\nlanguage: {language}\n---\nIntro.\n",
        "01-hands/_index.md": "---\ntitle: Hands\n---\n",
    }
    for number, level in enumerate(LEVELS, start=1):
        files[f"01-hands/0{number}-{level}.md"] = technique(
            f"Palm {level}", hold="10 seconds", repeat="3 times", pressure=level
        )
    return files


@pytest.mark.parametrize("language", sorted(LABELS))
@pytest.mark.parametrize("size", sorted(CARD_SIZES_MM))
def test_pressure_words_are_printed_whole_on_cards_with_no_diagram(
    deck_dir, run, tmp_path, language, size
):
    deck = deck_dir(deck_without_diagrams(language))
    result = run("build", deck, "-f", "cards", "--card-size", size, "--no-extras", "-o", "out")
    assert result.exit_code == 0, result.output
    pdf = tmp_path / "out" / "test-deck-cards.pdf"
    runs = [r.text for page in range(page_count(pdf)) for r in sized_runs(pdf, page)]
    for level in LEVELS:
        word = glyph_text(LABELS[language][level], language)
        assert word in runs, (word, runs)
        broken = [r for r in runs if r != word and (word.startswith(r) or word.endswith(r))]
        assert not broken, f"{word!r} broken into {broken}"
    for label in ("hold", "repeat", "pressure"):
        assert glyph_text(LABELS[language][label], language, FONT_SEMIBOLD) in runs


def test_a_word_wider_than_its_line_is_broken_with_a_hyphen():
    register_fonts()
    lines = split_text("Unterschenkelmuskulatur locker", 9, 40)
    assert len(lines) > 2
    assert all(line.endswith("-") for line in lines[:-2])
    joined = "".join(line.removesuffix("-") for line in lines if line != "locker")
    assert joined == "Unterschenkelmuskulatur"
    from reportlab.pdfbase.pdfmetrics import stringWidth

    assert all(stringWidth(line, FONT_REGULAR, 9) <= 40 for line in lines)
