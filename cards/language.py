"""Text rules that depend on the language a deck is written in.

Python's ``str.upper`` knows no language: Turkish "i" becomes "I" (it is
"İ"; dotless "ı" is the one that becomes "I"), and Greek keeps its accents
in capitals, which Greek print drops (ΤΕΧΝΙΚΈΣ is ΤΕΧΝΙΚΕΣ). Scripts
without case (Arabic, Hebrew, Devanagari, Chinese, Japanese, Korean, Thai)
have no capitals to set: their text is left as it is. Text is read in NFC
(composed) form, so an accent typed as a separate mark prints on its letter.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

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

# Scripts whose letters change shape with their neighbours or are reordered
# (Arabic joining, Devanagari's vowel signs, Thai's marks): set with HarfBuzz.
SHAPED_SCRIPTS = frozenset({
    "Arabic", "Hebrew", "Devanagari", "Bengali", "Tamil", "Thai", "Gurmukhi", "Gujarati",
    "Khmer", "Lao", "Myanmar", "Sinhala", "Telugu", "Kannada", "Malayalam",
})  # fmt: skip

# Languages written right to left.
RIGHT_TO_LEFT = frozenset({"ar", "he", "fa", "ur", "yi", "ps", "sd", "ug", "dv", "ckb"})

# Languages written without spaces between words, broken between characters.
BETWEEN_CHARACTERS = frozenset({"zh", "ja"})


@lru_cache(maxsize=4096)
def script_of(char: str) -> str | None:
    """The script a letter belongs to ("Arabic"), or None for anything else."""
    if not unicodedata.category(char).startswith(("L", "M", "N")):
        return None
    name = unicodedata.name(char, "")  # "ARABIC LETTER ALEF", "ARABIC-INDIC DIGIT SIX"
    first = name.replace("-", " ").split(" ", 1)[0] if name else ""
    return SCRIPT_NAMES.get(first)


def needs_shaping(text: str) -> bool:
    """Whether ``text`` has letters of a script that is shaped (Arabic …)."""
    # the letters past Hebrew found by one scan in C, each looked up once: a
    # paragraph of Latin text (with a dash or a curly quote) costs almost nothing
    return any(script_of(c) in SHAPED_SCRIPTS for c in set(_PAST_HEBREW.findall(text)))


# Every shaped script is encoded after Hebrew (U+0590 on).
_PAST_HEBREW = re.compile("[\u0590-\U0010ffff]")


def right_to_left(language: str) -> bool:
    return base_language(language) in RIGHT_TO_LEFT


def breaks_between_characters(language: str) -> bool:
    """Chinese and Japanese: lines break between characters, with kinsoku."""
    return base_language(language) in BETWEEN_CHARACTERS
