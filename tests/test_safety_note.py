"""A safety note written inline in the deck's intro is found as the part of that
name: a card of its own, the booklet's tinted box and its back cover; and
`cards check` warns of a deck with no safety note at all."""

from __future__ import annotations

import pytest
from conftest import small_deck
from pdfcheck import all_text, page_count, page_text

NOTE = "Stop at once if anything hurts, and ask a doctor first if in doubt."


@pytest.mark.parametrize(
    "language, intro",
    [
        ("en", f"An intro.\n\n**Before you start:** {NOTE}\n\nMore intro."),
        ("en", f"An intro.\n\nBefore you start: {NOTE}\n"),
        ("en", f"An intro.\n\n*Before you start* — {NOTE}\n"),
        ("en", f"**Before you start**\n\n- {NOTE}\n\nMore intro."),
        ("de", f"Eine Einleitung.\n\n**Bevor Sie beginnen:** {NOTE}\n"),
    ],
)
def test_an_inline_safety_note_is_found(run, deck_dir, tmp_path, language, intro):
    index = f"---\ntitle: Test Deck\nlanguage: {language}\n---\n{intro}\n"
    deck_dir(small_deck(**{"_index.md": index}))
    result = run("build", "test-deck", "-o", "out")
    assert result.exit_code == 0, result.output
    words = {"en": "Before you start", "de": "Bevor Sie beginnen"}[language]
    cards = all_text(tmp_path / "out" / "test-deck-cards.pdf")
    assert words.upper() in cards  # the card of its own, its band in capitals
    assert "Stop at once if anything hurts" in cards
    booklet = tmp_path / "out" / "test-deck-booklet.pdf"
    back = page_text(booklet, page_count(booklet) - 1)
    assert words in back and "Stop at once if anything hurts" in back
    intro_page = page_text(booklet, 1)
    assert words in intro_page
    if "More intro." in intro:  # the rest of the intro stays, outside the note
        assert "More intro." in intro_page
        assert intro_page.index("More intro.") < intro_page.index(words)
    checked = run("check", "test-deck")
    assert "no safety note" not in checked.output


def test_check_warns_of_a_deck_with_no_safety_note(run, deck_dir):
    deck_dir(small_deck(**{"_index.md": "---\ntitle: Test Deck\n---\nAn intro.\n"}))
    result = run("check", "test-deck")
    assert result.exit_code == 0
    assert (
        "test-deck/_index.md:1: warning: the deck has no safety note: add a part to its intro "
        "headed '## Before you start'"
    ) in result.output
    built = run("build", "test-deck", "-o", "out")
    assert "safety note" not in built.output  # a deck of recipes may go without one
