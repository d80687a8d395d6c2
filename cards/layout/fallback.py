"""Text in a font that prints it: each character the deck's face lacks is set
in a script font that has it (``theme.SCRIPT_FONTS``), in the weight of the
text around it.

A deck in Arabic is then set in Noto Sans Arabic, its Latin words and digits
in Source Sans; a Japanese deck's Han characters come from a Japanese font,
a Chinese deck's from a Chinese one. Spaces, digits and punctuation between
letters of a script font stay in that font, so a phrase is one run: shaped
as one, and read in one direction.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from cards.language import base_language, script_of
from cards.layout.theme import (
    BOLD_FACES,
    FONT_REGULAR,
    SCRIPT_FONTS,
    ScriptFont,
    deck_faces,
    face_coverage,
    load_script_face,
    remembers_fonts,
    script_face,
)


@dataclass(frozen=True)
class Run:
    """Consecutive characters set in one font."""

    text: str
    font: str


def font_runs(text: str, font: str, language: str) -> list[Run]:
    """``text`` cut where the font that prints it changes: ``font`` where it
    has the character, else the first script font that does (a character no
    font has stays in ``font``: ``markup.printable`` has written it as its
    code before this). A space, digit or mark takes the font of the letters
    of its word (a word is shaped in one font), a space between words that
    of the word before it."""
    own = face_coverage(font)
    if own.issuperset(text):
        return [Run(text, font)]
    fonts: list[str | None] = [
        (font if c in own else face_for(c, font, language) or font) if _is_letter(c) else None
        for c in text
    ]
    for index, char in enumerate(text):
        if fonts[index] is None:
            fonts[index] = _font_between(text, fonts, index, font, own, language)
    runs: list[Run] = []
    start = 0
    for index in range(1, len(text) + 1):
        if index == len(text) or fonts[index] != fonts[start]:
            runs.append(Run(text[start:index], fonts[start] or font))
            start = index
    return runs


def _font_between(
    text: str, fonts: list[str | None], index: int, font: str, own: frozenset[str], language: str
) -> str:
    """The font of a character that is not a letter (``font_runs``)."""
    char = text[index]
    nearby: list[str | None] = []
    if char == " ":
        nearby.append(fonts[index - 1] if index else None)
    else:
        before = index - 1
        while before >= 0 and text[before] != " " and not _is_letter(text[before]):
            before -= 1
        after = index + 1
        while after < len(text) and text[after] != " " and not _is_letter(text[after]):
            after += 1
        if before >= 0 and text[before] != " ":
            nearby.append(fonts[before])
        if after < len(text) and text[after] != " ":
            nearby.append(fonts[after])
    for candidate in nearby:
        if candidate is not None and char in face_coverage(candidate):
            return candidate
    if char in own:
        return font
    return face_for(char, font, language) or font


def _is_letter(char: str) -> bool:
    return unicodedata.category(char)[0] in "LM"


@remembers_fonts
@lru_cache(maxsize=8192)
def face_for(char: str, font: str, language: str) -> str | None:
    """The face that prints ``char`` in the weight of ``font``: the deck's own
    fonts first (``fonts:``), then the script fonts, read and registered the
    first time one is needed; None where no font has it."""
    for face_name in deck_faces():
        if char in face_coverage(face_name):
            return face_name
    bold = font in BOLD_FACES
    for candidate in _candidates(script_of(char), base_language(language)):
        face = script_face(candidate, bold)
        if face is not None:
            load_script_face(face)
            if char in face_coverage(face.name):
                return face.name
    return None


def printable_anywhere(char: str) -> bool:
    """Whether some font, the deck's or an installed script font, prints ``char``."""
    return char in face_coverage(FONT_REGULAR) or face_for(char, FONT_REGULAR, "") is not None


def font_for_script(script: str, language: str) -> ScriptFont | None:
    """The font a script's letters are set in for ``language``, installed or not
    (a warning names the package that brings it)."""
    fonts = [f for f in _candidates(script, base_language(language)) if script in f.scripts]
    return fonts[0] if fonts else None


@lru_cache(maxsize=256)
def _candidates(script: str | None, language: str) -> tuple[ScriptFont, ...]:
    """The script fonts to try, in order: those made for the script (the
    language's own first), then the rest (a symbol, a mark of no script)."""

    def rank(font: ScriptFont) -> tuple[bool, bool, bool]:
        made_for = script is not None and script in font.scripts
        return (not made_for, font.scripts != (), language not in font.languages)

    return tuple(sorted(SCRIPT_FONTS, key=rank))
