"""Which characters of a deck the embedded font cannot print.

The layouts write such a character as its code point (``[U+1F9B6]``) rather
than an empty box; this finds them beforehand, so the author hears which
character in which file.
"""

from __future__ import annotations

from pathlib import Path

from cards.language import script_of
from cards.layout.fallback import font_for_script, printable_anywhere
from cards.layout.theme import FONT_REGULAR, font_coverage
from cards.model import Block, Deck
from cards.problems import WARNING, Problem


def missing_characters(deck: Deck) -> list[Problem]:
    """A warning for each file with characters no font can print; the
    letters of a whole script no installed font has (Arabic, Devanagari,
    Chinese …) in one warning for the deck, at the first file that has
    them, naming the package that brings the font."""
    coverage = font_coverage()[FONT_REGULAR]
    problems = []
    items = [(deck.source.path, [deck.title, deck.subtitle or "", deck.author or ""], deck.intro)]
    for section in deck.sections:
        items.append((section.source.path, [section.title], section.intro))
        for t in section.techniques:
            items.append((t.source.path, [t.title, t.hold or "", t.repeat or ""], t.body))
    scripts: dict[str, tuple[list[Path], set[str]]] = {}  # script -> its files, its letters
    for path, texts, blocks in items:
        missing = sorted(
            c
            for c in set("".join(texts) + _block_text(blocks)) - coverage
            if _lacks(c, coverage) and not printable_anywhere(c)
        )
        others = []
        for char in missing:
            script = script_of(char)
            if script is None or font_for_script(script, deck.language) is None:
                others.append(char)
                continue
            files, letters = scripts.setdefault(script, ([], set()))
            letters.add(char)
            if path not in files:
                files.append(path)
        if others:
            names = ", ".join(f"'{c}' (U+{ord(c):04X})" for c in others)
            problems.append(
                Problem(
                    path,
                    1,
                    WARNING,
                    f"no font has {names}; printed as its code, e.g. [U+{ord(others[0]):04X}]",
                )
            )
    for script, (files, letters) in scripts.items():
        example = min(letters)
        font = font_for_script(script, deck.language)
        assert font is not None  # scripts without a font are among the others
        problems.append(
            Problem(
                files[0],
                1,
                WARNING,
                f"no font for {script} letters is installed ({len(letters)} in {len(files)} "
                f"file(s), e.g. '{example}' U+{ord(example):04X}); they are printed as codes "
                f"such as [U+{ord(example):04X}]: install the font with "
                f"'apt install {font.package}' (Debian, Ubuntu), or name a font that has "
                "them in the deck's 'fonts:'",
            )
        )
    return problems


def _block_text(blocks: tuple[Block, ...]) -> str:
    return "".join(item for block in blocks for item in block.items)


def _lacks(char: str, coverage: frozenset[str]) -> bool:
    return char not in coverage and not char.isspace()
