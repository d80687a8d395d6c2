"""Every number a designer might change: sizes, fonts, greys, spacing.

Layout code takes a theme and never writes a bare number of its own. Sizes in
millimetres end in ``_mm``, type sizes in points end in ``_pt``; ``mm_to_pt``
is the one conversion. The card theme scales with the card's size (a larger
card gets larger type), relative to the 63 × 88 mm pocket card it was drawn
for.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from cards.colour import INK

POINTS_PER_MM = 72 / 25.4


def mm_to_pt(value_mm: float) -> float:
    return value_mm * POINTS_PER_MM


# -- fonts ------------------------------------------------------------------

FONT_FAMILY = "CardsSans"
FONT_REGULAR = "CardsSans-Regular"
FONT_SEMIBOLD = "CardsSans-Semibold"
FONT_ITALIC = "CardsSans-Italic"
FONT_SEMIBOLD_ITALIC = "CardsSans-SemiboldItalic"

# Source Sans Pro, from the font-source-sans-pro package: an open, humanist
# sans with Latin, Greek and Cyrillic in the upright weights.
FONT_FILES = {
    FONT_REGULAR: "SourceSansPro-Regular.ttf",
    FONT_SEMIBOLD: "SourceSansPro-Semibold.ttf",
    FONT_ITALIC: "SourceSansPro-It.ttf",
    FONT_SEMIBOLD_ITALIC: "SourceSansPro-SemiboldIt.ttf",
}


# -- fonts for the other scripts ------------------------------------------------
#
# Source Sans Pro prints Latin, Greek and Cyrillic. The other scripts come
# from open fonts a system installs (Debian's packages, named so a missing one
# can be asked for by name); a character the deck's own font lacks is set in
# the first of these that has it, in the weight of the text around it. Han
# characters are drawn as the deck's language draws them: a Japanese deck's
# from a Japanese font first, a Chinese deck's from a Chinese one.


@dataclass(frozen=True)
class ScriptFont:
    """One script's font: its files (regular; bold, where the font has one)
    and the system package that installs them."""

    key: str  # its faces are registered as Cards<key>-Regular, Cards<key>-Bold
    scripts: tuple[str, ...]  # the scripts it prints (language.script_of's names)
    regular: str
    bold: str | None
    package: str
    languages: tuple[str, ...] = ()  # languages that take it first for shared letters


HAN, KANA, HANGUL = "Chinese (Han)", "Japanese (kana)", "Korean (Hangul)"

SCRIPT_FONTS = (
    ScriptFont("Arabic", ("Arabic",), "NotoSansArabic-Regular.ttf", "NotoSansArabic-Bold.ttf",
               "fonts-noto-core"),
    ScriptFont("Hebrew", ("Hebrew",), "NotoSansHebrew-Regular.ttf", "NotoSansHebrew-Bold.ttf",
               "fonts-noto-core"),
    ScriptFont("Devanagari", ("Devanagari",), "NotoSansDevanagari-Regular.ttf",
               "NotoSansDevanagari-Bold.ttf", "fonts-noto-core"),
    ScriptFont("Thai", ("Thai",), "NotoSansThai-Regular.ttf", "NotoSansThai-Bold.ttf",
               "fonts-noto-core"),
    ScriptFont("Bengali", ("Bengali",), "NotoSansBengali-Regular.ttf",
               "NotoSansBengali-Bold.ttf", "fonts-noto-core"),
    ScriptFont("Tamil", ("Tamil",), "NotoSansTamil-Regular.ttf", "NotoSansTamil-Bold.ttf",
               "fonts-noto-core"),
    ScriptFont("Georgian", ("Georgian",), "NotoSansGeorgian-Regular.ttf",
               "NotoSansGeorgian-Bold.ttf", "fonts-noto-core"),
    ScriptFont("Armenian", ("Armenian",), "NotoSansArmenian-Regular.ttf",
               "NotoSansArmenian-Bold.ttf", "fonts-noto-core"),
    # simplified and traditional Chinese, and kana: Droid Sans Fallback (first
    # for Han in a deck of no East Asian language)
    ScriptFont("Chinese", (HAN, KANA), "DroidSansFallbackFull.ttf", None,
               "fonts-droid-fallback", ("zh",)),
    # Han characters and Japanese kana as Japanese prints them (IPA Gothic)
    ScriptFont("Japanese", (HAN, KANA), "ipag.ttf", None, "fonts-ipafont-gothic", ("ja",)),
    ScriptFont("Korean", (HANGUL, HAN), "NanumGothic.ttf", "NanumGothicBold.ttf", "fonts-nanum",
               ("ko",)),
    # the rest of Latin, Greek and Cyrillic, and symbols Source Sans lacks
    ScriptFont("Noto", (), "NotoSans-Regular.ttf", "NotoSans-Bold.ttf", "fonts-noto-core"),
)  # fmt: skip

# Where a system keeps its fonts; CARDS_FONT_DIRS (folders separated as in
# PATH) looks there instead (fonts in a folder of one's own; empty: none).
FONT_DIRS = (
    "/usr/share/fonts/truetype",
    "/usr/share/fonts/opentype",
    "/usr/local/share/fonts",
    "~/.local/share/fonts",
    "~/.fonts",
)

# Which of our faces are set bold: a script font's bold file serves them
# (scripts without italics are set upright).
BOLD_FACES = frozenset({FONT_SEMIBOLD, FONT_SEMIBOLD_ITALIC})


@dataclass(frozen=True)
class ScriptFace:
    """A script font's face as registered: its name and its file."""

    name: str
    path: str


def script_face(font: ScriptFont, bold: bool) -> ScriptFace | None:
    """The face of ``font`` that sets text of that weight, where its file is on
    this system ("CardsArabic-Bold"); the regular face where it has no bold."""
    files = script_font_files()
    if bold and font.bold in files:
        return ScriptFace(f"Cards{font.key}-Bold", files[font.bold])
    if font.regular in files:
        return ScriptFace(f"Cards{font.key}-Regular", files[font.regular])
    return None


@lru_cache(maxsize=1)
def script_font_files() -> dict[str, str]:
    """Each script font's file found on this system, by file name (read once
    per process: a test that changes CARDS_FONT_DIRS forgets it with
    ``cache_clear``, and ``fallback.face_for``'s with it)."""
    import os
    from pathlib import Path

    wanted = {name for f in SCRIPT_FONTS for name in (f.regular, f.bold) if name}
    chosen = os.environ.get("CARDS_FONT_DIRS")
    folders = FONT_DIRS if chosen is None else [d for d in chosen.split(os.pathsep) if d]
    found: dict[str, str] = {}
    for folder in folders:
        root = Path(folder).expanduser()
        if not root.is_dir():
            continue
        # the fonts lie one or two folders down (truetype/noto/…)
        for depth in ("*", "*/*", "*/*/*"):
            for path in root.glob(depth):
                if path.name in wanted and path.name not in found and path.is_file():
                    found[path.name] = str(path)
    return found


_LOADED: dict[str, Any] = {}  # script faces read and registered, by name


def load_script_face(face: ScriptFace) -> Any:
    """The face read from its file and registered with ReportLab, once per
    process: a script font is read only when a deck has its letters (the
    Chinese one is 4 MB, 0.1 s)."""
    font = _LOADED.get(face.name)
    if font is None:
        from reportlab.pdfbase import pdfmetrics

        from cards.layout.fonts import MeasuredFont

        font = _LOADED[face.name] = MeasuredFont(face.name, face.path)
        pdfmetrics.registerFont(font)
    return font


_DECK_FACES: list[str] = []  # the deck's own fonts, registered, in the order it names them


def use_deck_fonts(paths: tuple[Any, ...]) -> None:
    """The deck's own fonts (TrueType files, ``Deck.fonts``) read and
    registered, to be tried first for a character the text font lacks
    (``fallback.face_for``); a deck without any leaves none in use."""
    import hashlib

    from reportlab.pdfbase import pdfmetrics

    from cards.layout.fonts import MeasuredFont

    names = []
    for path in paths:
        digest = hashlib.sha256(str(path).encode()).hexdigest()[:12]
        name = f"CardsDeck-{digest}"
        if name not in _LOADED:
            font = _LOADED[name] = MeasuredFont(name, str(path))
            pdfmetrics.registerFont(font)
        names.append(name)
    if names != _DECK_FACES:
        _DECK_FACES[:] = names
        _forget_choices()


def deck_faces() -> tuple[str, ...]:
    """The deck's own fonts in use, by registered name."""
    return tuple(_DECK_FACES)


_CHOICE_CACHES: list[Any] = []  # functools caches whose answers depend on the fonts in use


def remembers_fonts(cached: Any) -> Any:
    """Mark a cached function as one to forget when the deck's fonts change."""
    _CHOICE_CACHES.append(cached)
    return cached


def _forget_choices() -> None:
    for cached in _CHOICE_CACHES:
        cached.cache_clear()


@lru_cache(maxsize=64)
def face_coverage(name: str) -> frozenset[str]:
    """The characters a registered face (ours or a script font's) prints."""
    from reportlab.pdfbase import pdfmetrics

    return frozenset(map(chr, pdfmetrics.getFont(name).face.charToGlyph))


@lru_cache(maxsize=1)
def _faces() -> dict[str, Any]:
    """The four faces read from their files, once per process (not yet registered)."""
    import font_source_sans_pro

    from cards.layout.fonts import MeasuredFont

    folder = font_source_sans_pro.font_directory
    return {
        name: MeasuredFont(name, f"{folder}/{filename}") for name, filename in FONT_FILES.items()
    }


def faces() -> dict[str, Any]:
    """The four faces, by name (ReportLab's TrueType fonts)."""
    return _faces()


@lru_cache(maxsize=1)
def font_coverage() -> dict[str, frozenset[str]]:
    """Each face's characters: what the text can hold, without drawing anything."""
    return {name: frozenset(map(chr, font.face.charToGlyph)) for name, font in _faces().items()}


@lru_cache(maxsize=1)
def register_fonts() -> None:
    """Register the family with ReportLab: done once, explicitly, by whatever is
    about to lay out or draw text (a build, a check, a canvas).

    TrueType fonts are embedded as subsets, so only the glyphs used are stored.
    """
    from reportlab.pdfbase import pdfmetrics

    for font in _faces().values():
        pdfmetrics.registerFont(font)
    pdfmetrics.registerFontFamily(
        FONT_FAMILY,
        normal=FONT_REGULAR,
        bold=FONT_SEMIBOLD,
        italic=FONT_ITALIC,
        boldItalic=FONT_SEMIBOLD_ITALIC,
    )


# -- greys --------------------------------------------------------------------

GREY_TEXT = "#5A5A5A"  # 6.9:1 on white: footers and meta labels stay readable
GREY_RULE = "#9A9A9A"
GUIDE_TRIM = "#00A0E0"
GUIDE_BLEED = "#E0007A"
GUIDE_SAFE = "#20A040"
REGISTRATION = "#000000"


# -- diagrams -------------------------------------------------------------------


@dataclass(frozen=True)
class DiagramStyle:
    """How a lit diagram is drawn; widths are fractions of the SVG's own width."""

    tint: float = 0.24  # the lit area's fill: this much of the section colour on white
    outline: float = 0.032  # the lit area's heavy outline
    arrow: float = 0.03
    head_length: float = 0.15  # of the SVG width: 2 mm or more on a pocket card
    head_width: float = 0.13
    # lines are drawn for a diagram this wide; a larger one keeps them at most
    # most_weight times as heavy (a booklet page's diagram is 3-5 times as wide)
    card_width_mm: float = 17.0
    most_weight: float = 1.6
    weight_step: float = 0.05


DIAGRAM = DiagramStyle()


@dataclass(frozen=True)
class LowInk:
    """--low-ink: bands, tabs, panels and backs as light tints inside outlines."""

    tint: float = 0.12  # this much of the section colour on white
    outline_pt: float = 1.2
    frame_inset_mm: float = 1.5  # a back's outline, inside the trim so cutting keeps it
    trim_inset_mm: float = 1.0  # every outline at least this far inside the trim


LOW_INK = LowInk()


# -- the card -----------------------------------------------------------------

POCKET_MM = (63.0, 88.0)
LARGE_PRINT_BODY_PT = 12.0
CARD_SIZES_MM = {
    "pocket": POCKET_MM,
    "a7": (74.0, 105.0),
    "a6": (105.0, 148.0),
    "index": (76.2, 127.0),  # 3 x 5 in
    "business": (85.0, 55.0),
}


@dataclass(frozen=True)
class CardTheme:
    width_mm: float = POCKET_MM[0]
    height_mm: float = POCKET_MM[1]
    bleed_mm: float = 3.0
    safe_mm: float = 4.0

    band_height_mm: float = 10.0
    band_disc_mm: float = 6.0
    band_label_pt: float = 7.5
    band_label_min_pt: float = 5.0
    band_tracking_pt: float = 0.6
    band_gap_mm: float = 2.5  # band to title

    title_pt: float = 12.5
    title_leading: float = 1.12
    title_gap_pt: float = 2.0

    meta_pt: float = 8.5  # the glance values: never the smallest words on the card
    meta_icon_pt: float = 7.0
    meta_item_gap_pt: float = 6.0
    meta_gap_pt: float = 3.5

    body_pt: float = 9.0
    body_min_pt: float = 7.5
    body_leading: float = 1.25
    step_gap_pt: float = 2.6  # scaled with the body size
    step_indent_pt: float = 11.0
    paragraph_gap_pt: float = 4.0

    footer_pt: float = 6.5
    footer_gap_mm: float = 1.5  # last body line to footer

    diagram_width_mm: float = 20.0  # a technique's diagram, beside its title
    diagram_height_mm: float = 22.0

    ink: str = INK
    grey: str = GREY_TEXT
    cmyk: bool = False
    low_ink: bool = False
    guide_width_pt: float = 0.4
    guide_dash_pt: float = 2.0

    def scaled(self, width_mm: float, height_mm: float) -> CardTheme:
        """The theme for another card size: type follows the shorter side.

        Never smaller than the pocket card's: a smaller card holds less text
        rather than smaller text.
        """
        factor = min(width_mm, height_mm) / min(POCKET_MM)
        factor = max(1.0, min(factor, 1.8))
        sized: dict[str, Any] = self._type_times(factor)
        return replace(self, width_mm=width_mm, height_mm=height_mm, **sized)

    def large_print(self) -> CardTheme:
        """Body text of at least 12 pt, for readers with low vision; it never
        shrinks, and nothing is made smaller than this card size has it. The
        diagram grows with the type; the glance values are as large as the body."""
        sized: dict[str, Any] = self._type_times(max(1.0, LARGE_PRINT_BODY_PT / self.body_pt))
        sized["body_min_pt"] = LARGE_PRINT_BODY_PT
        sized["meta_pt"] = max(sized["meta_pt"], sized["body_pt"])
        return replace(self, **sized)

    def _type_times(self, factor: float) -> dict[str, float]:
        """Every type size, the band that holds type and the diagram beside it,
        multiplied by ``factor``."""
        return {
            name: getattr(self, name) * factor
            for name in self.__dataclass_fields__
            if name.endswith("_pt") or name in SCALED_WITH_TYPE
        }


SCALED_WITH_TYPE = ("band_height_mm", "band_disc_mm", "diagram_width_mm", "diagram_height_mm")


@lru_cache(maxsize=1024)
def paint(colour: str, cmyk: bool = False) -> Any:
    """A ReportLab colour for ``#RRGGBB``: RGB, or CMYK for print shops (made
    once a colour: nothing changes a ReportLab colour once made).

    In CMYK, neutral greys and the ink go to black only (text in 100 % K) so
    small type never depends on the registration of four plates.
    """
    from reportlab.lib.colors import CMYKColor, HexColor

    if not cmyk:
        return HexColor(colour)
    if colour.upper() in (INK, "#000000"):
        return CMYKColor(0, 0, 0, 1)
    r, g, b = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    if r == g == b:
        return CMYKColor(0, 0, 0, 1 - r)
    black = 1 - max(r, g, b)
    return CMYKColor(
        (1 - r - black) / (1 - black),
        (1 - g - black) / (1 - black),
        (1 - b - black) / (1 - black),
        black,
    )


# -- the booklet ----------------------------------------------------------------

# Page sizes by paper: A5 pairs on A4, half-letter pairs on Letter.
BOOKLET_PAGES_MM = {"a4": (148.0, 210.0), "letter": (139.7, 215.9)}


@dataclass(frozen=True)
class BookletTheme:
    """The A5 handout: clear print for patients, often older readers.

    Body type of 13 pt on steps that hold 55-70 characters, no hyphenation; every
    word at least ``home_printer_mm`` from the edges of the imposed sheet, which
    are the pages' top, bottom and outer edges.
    """

    width_mm: float = 148.0
    height_mm: float = 210.0
    bleed_mm: float = 3.0
    # every word and number disc at least this far from the imposed sheet's
    # edges (the pages' top, bottom and outer edges): home printers lose 5-6 mm
    home_printer_mm: float = 8.0

    margin_inner_mm: float = 14.0
    margin_outer_mm: float = 18.0  # room for the thumb tab beside the text
    margin_top_mm: float = 18.0
    margin_bottom_mm: float = 17.0  # the folio sits 10 mm up, below the text

    band_height_mm: float = 17.0
    band_middle_mm: float = 12.0  # the disc and label's middle, from the top edge: 8.5 mm clear
    band_disc_mm: float = 7.0
    band_label_pt: float = 9.5
    band_label_min_pt: float = 6.5
    band_tracking_pt: float = 0.8
    band_gap_mm: float = 6.5

    tab_depth_mm: float = 14.0  # how far the tab reaches into the page from the trim
    tab_number_from_edge_mm: float = 10.5  # the number's centre, from the trim
    tab_height_mm: float = 24.0
    tab_top_mm: float = 52.0  # from the top trim to the first section's tab: below any panel
    tab_bottom_mm: float = 24.0
    tab_number_pt: float = 11.0

    panel_height_mm: float = 36.0  # where a section opens: its colour, number, diagrams
    panel_number_pt: float = 44.0
    panel_title_pt: float = 20.0
    panel_pad_mm: float = 7.0
    panel_picture_pad_mm: float = 1.5
    panel_picture_radius_mm: float = 2.0

    folio_pt: float = 10.0
    folio_from_edge_mm: float = 10.0  # page number and running footer baseline

    title_pt: float = 24.0
    title_leading: float = 1.1
    title_gap_pt: float = 8.0
    display_pt: float = 36.0
    subtitle_pt: float = 15.0
    entry_pt: float = 12.0
    call_pt: float = 16.0  # "Questions? Call": the number, bold, on the back cover

    meta_pt: float = 12.0
    meta_icon_pt: float = 11.0
    meta_item_gap_pt: float = 14.0
    meta_gap_pt: float = 7.0

    body_pt: float = 13.0
    body_min_pt: float = 11.0
    body_leading: float = 1.38
    step_gap_pt: float = 5.0
    step_indent_pt: float = 10.0  # the number, then 0.6 em: the steps keep the measure
    paragraph_gap_pt: float = 6.0
    footer_pt: float = 9.0

    # a technique's diagram, across the measure above the steps: at least this
    # tall, then grown into what the page has left, up to diagram_grow_to_mm
    diagram_width_mm: float = 70.0
    diagram_height_mm: float = 62.0
    opener_diagram_height_mm: float = 60.0  # where the section's panel and intro take room too
    opener_diagram_width_mm: float = 66.0  # the title and glance beside it need the room
    diagram_grow_to_mm: float = 112.0
    picture_width_mm: float = 40.0  # a technique's own picture, beside its diagram
    picture_height_mm: float = 30.0
    ink: str = INK
    grey: str = GREY_TEXT
    low_ink: bool = False

    def sized(self, width_mm: float, height_mm: float) -> BookletTheme:
        return replace(self, width_mm=width_mm, height_mm=height_mm)

    def large_print(self) -> BookletTheme:
        """Body text of 16.5 pt (never below 16 pt) and everything else in step:
        nothing is smaller than in the default booklet: the diagrams keep their
        sizes (at least 60 mm, grown into the room a page has left); a page too
        full for that runs on (``plan_booklet``)."""
        factor = LARGE_PRINT_BOOKLET_BODY_PT / self.body_pt
        sized = {
            name: getattr(self, name) * factor
            for name in ("meta_icon_pt", "entry_pt", "footer_pt", "step_indent_pt",
                         "subtitle_pt")
        }  # fmt: skip
        return replace(
            self,
            body_pt=LARGE_PRINT_BOOKLET_BODY_PT,
            body_min_pt=LARGE_PRINT_BOOKLET_MIN_PT,
            meta_pt=LARGE_PRINT_BOOKLET_BODY_PT,  # the glance values as large as the steps
            title_pt=26.0,
            call_pt=20.0,
            **sized,
        )


LARGE_PRINT_BOOKLET_BODY_PT = 16.5
LARGE_PRINT_BOOKLET_MIN_PT = 16.0


# -- the sheet ----------------------------------------------------------------

PAPERS_MM = {"a4": (210.0, 297.0), "letter": (215.9, 279.4)}


@dataclass(frozen=True)
class SheetTheme:
    printer_margin_mm: float = 5.0  # what a home printer cannot reach
    mark_offset_mm: float = 3.0  # crop marks start this far outside the trim
    mark_length_mm: float = 2.5
    mark_width_pt: float = 0.35
    scale_bar_mm: float = 50.0
    scale_tick_mm: float = 1.2
    footer_pt: float = 6.0
    # the footer's baseline from the sheet edge: its words stay 8 mm clear, where
    # a home printer with a 6.35 mm bottom margin still prints them
    footer_from_edge_mm: float = 8.5

    @property
    def card_margin_mm(self) -> float:
        """Sheet edge to the nearest trim: printer margin plus room for marks."""
        return self.printer_margin_mm + self.mark_length_mm + self.mark_offset_mm


Theme = CardTheme | BookletTheme  # what card and page drawing share: sizes, colours, flags
