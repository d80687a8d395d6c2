"""Which characters of a deck the embedded font cannot print.

The layouts write such a character as its code point (``[U+1F9B6]``) rather
than an empty box; this finds them beforehand, so the author hears which
character in which file.
"""

from __future__ import annotations

from cards.layout.theme import FONT_REGULAR, font_coverage
from cards.model import Block, Deck
from cards.problems import WARNING, Problem


def missing_characters(deck: Deck) -> list[Problem]:
    coverage = font_coverage()[FONT_REGULAR]
    problems = []
    items = [(deck.source.path, [deck.title, deck.subtitle or "", deck.author or ""], deck.intro)]
    for section in deck.sections:
        items.append((section.source.path, [section.title], section.intro))
        for t in section.techniques:
            items.append((t.source.path, [t.title, t.hold or "", t.repeat or ""], t.body))
    for path, texts, blocks in items:
        missing = sorted(
            c for c in set("".join(texts) + _block_text(blocks)) - coverage if _lacks(c, coverage)
        )
        if missing:
            names = ", ".join(f"'{c}' (U+{ord(c):04X})" for c in missing)
            problems.append(
                Problem(
                    path,
                    1,
                    WARNING,
                    f"the font has no {names}; printed as its code, e.g. [U+{ord(missing[0]):04X}]",
                )
            )
    return problems


def _block_text(blocks: tuple[Block, ...]) -> str:
    return "".join(item for block in blocks for item in block.items)


def _lacks(char: str, coverage: frozenset[str]) -> bool:
    return char not in coverage and not char.isspace()
