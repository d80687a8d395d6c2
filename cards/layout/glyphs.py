"""Which characters of a deck the embedded font cannot print.

The layouts write such a character as its code point (``[U+1F9B6]``) rather
than an empty box; this finds them beforehand, so the author hears which
character in which file.
"""

from __future__ import annotations

import re
from pathlib import Path

from cards.layout.theme import FONT_REGULAR, font_coverage
from cards.model import Block, Deck
from cards.problems import WARNING, Problem


def missing_characters(deck: Deck) -> list[Problem]:
    """A warning for each file with characters the font cannot print; the
    letters of a whole script it lacks (Arabic, Devanagari, Chinese …) in one
    warning for the deck, at the first file that has them."""
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
            c for c in set("".join(texts) + _block_text(blocks)) - coverage if _lacks(c, coverage)
        )
        others = []
        for char in missing:
            script = script_of(char)
            if script is None:
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
                    f"the font has no {names}; printed as its code, e.g. [U+{ord(others[0]):04X}]",
                )
            )
    for script, (files, letters) in scripts.items():
        example = min(letters)
        problems.append(
            Problem(
                files[0],
                1,
                WARNING,
                f"the font has no {script} letters ({len(letters)} in {len(files)} file(s), e.g. "
                f"'{example}' U+{ord(example):04X}); they are printed as codes such as "
                f"[U+{ord(example):04X}]: the fonts shipped so far print Latin, Greek and "
                "Cyrillic",
            )
        )
    return problems


# The scripts whose letters a deck may be written in, by the first word of a
# character's Unicode name; a character of none (a symbol, an emoji) is named
# on its own.
SCRIPT_NAMES = {
    "ARABIC": "Arabic", "HEBREW": "Hebrew", "DEVANAGARI": "Devanagari", "BENGALI": "Bengali",
    "TAMIL": "Tamil", "THAI": "Thai", "CJK": "Chinese (Han)", "HIRAGANA": "Japanese (kana)",
    "KATAKANA": "Japanese (kana)", "HANGUL": "Korean (Hangul)", "GEORGIAN": "Georgian",
    "ARMENIAN": "Armenian", "ETHIOPIC": "Ethiopic", "GURMUKHI": "Gurmukhi",
    "GUJARATI": "Gujarati", "KHMER": "Khmer", "LAO": "Lao", "MYANMAR": "Myanmar",
    "SINHALA": "Sinhala", "TELUGU": "Telugu", "KANNADA": "Kannada", "MALAYALAM": "Malayalam",
}  # fmt: skip


def script_of(char: str) -> str | None:
    """The script a letter belongs to ("Arabic"), or None for anything else."""
    import unicodedata

    if not unicodedata.category(char).startswith(("L", "M", "N")):
        return None
    name = unicodedata.name(char, "")  # "ARABIC LETTER ALEF", "ARABIC-INDIC DIGIT SIX"
    return SCRIPT_NAMES.get(re.split(r"[ -]", name, maxsplit=1)[0]) if name else None


def _block_text(blocks: tuple[Block, ...]) -> str:
    return "".join(item for block in blocks for item in block.items)


def _lacks(char: str, coverage: frozenset[str]) -> bool:
    return char not in coverage and not char.isspace()
