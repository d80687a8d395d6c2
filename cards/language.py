"""Text rules that depend on the language a deck is written in.

Python's ``str.upper`` knows no language: Turkish "i" becomes "I" (it is
"İ"; dotless "ı" is the one that becomes "I"), and Greek keeps its accents
in capitals, which Greek print drops (ΤΕΧΝΙΚΈΣ is ΤΕΧΝΙΚΕΣ). Scripts
without case (Arabic, Hebrew, Devanagari, Chinese, Japanese, Korean, Thai)
have no capitals to set: their text is left as it is. Text is read in NFC
(composed) form, so an accent typed as a separate mark prints on its letter.
"""

from __future__ import annotations

import unicodedata

# Languages whose "i" has a dotted capital and whose dotless "ı" has "I".
DOTTED_I = frozenset({"tr", "az", "crh", "tt", "kk"})

# The marks Greek capitals drop: acute (tonos), grave, circumflex
# (perispomeni), the breathings and the iota subscript's accent; the
# diaeresis (dialytika) stays, as it changes how a vowel is read.
GREEK_DROPPED = frozenset({"\u0301", "\u0300", "\u0342", "\u0313", "\u0314", "\u0343", "\u0344"})


def base_language(language: str) -> str:
    """``de-AT`` → ``de``; the table every per-language rule is keyed by."""
    return language.replace("_", "-").split("-")[0].lower()


def upper(text: str, language: str) -> str:
    """``text`` in capitals as ``language`` sets them (band labels): Turkish
    dotted İ, Greek without its accents, German ß as SS (as German print sets
    capitals without ẞ); a script without case as it is."""
    base = base_language(language)
    if base in DOTTED_I:
        text = text.replace("i", "İ").replace("ı", "I")
    capitals = text.upper()
    if base == "el":
        decomposed = unicodedata.normalize("NFD", capitals)
        capitals = unicodedata.normalize(
            "NFC", "".join(c for c in decomposed if c not in GREEK_DROPPED)
        )
    return capitals


def composed(text: str) -> str:
    """``text`` in NFC: a letter and its accent one character, as fonts and
    search expect."""
    return unicodedata.normalize("NFC", text)


def first_decomposed_line(text: str) -> int | None:
    """The 1-based line of the first character that NFC would compose with
    the next (an accent typed as a mark of its own), or None where ``text``
    is already composed."""
    if unicodedata.is_normalized("NFC", text):
        return None
    for number, line in enumerate(text.split("\n"), start=1):
        if not unicodedata.is_normalized("NFC", line):
            return number
    return 1
