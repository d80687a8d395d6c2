"""Markdown bodies as blocks of inline layout markup, made once here.

Text is XML-escaped and only ``<b>``, ``<i>`` and ``<br/>`` are produced, so
nothing an author writes is ever evaluated as markup or as a template. Quotes
and dashes are set for the deck's language by markdown-it's typographer.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from xml.sax.saxutils import escape

from markdown_it import MarkdownIt
from markdown_it.token import Token

from cards.content.files import Document, Problems
from cards.model import Block

# Quotes per language for markdown-it's typographer: “double”, ‘single’.
QUOTES = {
    "en": "“”‘’",
    "de": "„“‚‘",
    "pl": "„”‚’",
    "ru": "«»„“",
    "el": "«»“”",
    "fr": ["« ", " »", "‹ ", " ›"],
    "es": "«»“”",
    "it": "«»“”",
    "nl": "‘’‘’",
    "pt": "“”‘’",
    "tr": "“”‘’",
    "uk": "«»„“",
    "vi": "“”‘’",
    "ar": "«»‹›",
    "he": "“”‘’",
    "hi": "“”‘’",
    "ja": "「」『』",
    "zh": "“”‘’",
    "ko": "“”‘’",
}

# --------------------------------------------------------------------------
# Markdown


def markdown_parser(language: str) -> MarkdownIt:
    quotes = QUOTES.get(language.split("-")[0].lower(), QUOTES["en"])
    md = MarkdownIt("commonmark", {"typographer": True, "quotes": quotes})
    return md.enable(["replacements", "smartquotes", "table"])


# Words, single spaces and punctuation that neither Markdown nor the typographer
# changes: such a text comes out as it went in (a hypothesis test holds this).
_UNTOUCHED = re.compile(r"(?:[^\W_]+[,;:]?)(?: [^\W_–—]+[,;:]?| [–—])*")


def typographic(md: MarkdownIt, text: str) -> str:
    """Plain text with curly quotes and real dashes, as the body gets."""
    if _UNTOUCHED.fullmatch(text):
        return text
    tokens = md.parseInline(text)
    if not tokens:
        return text
    kept = ("text", "code_inline", "html_inline")
    return "".join(
        " " if t.type == "softbreak" else t.content
        for t in tokens[0].children or []
        if t.type in kept or t.type == "softbreak"
    )


def render_inline(children: list[Token], report: Callable[[str], None]) -> str:
    out: list[str] = []
    for token in children:
        kind = token.type
        if kind in ("text", "code_inline"):
            out.append(escape(token.content))
        elif kind == "softbreak":
            out.append(" ")
        elif kind == "hardbreak":
            out.append("<br/>")
        elif kind in ("strong_open", "strong_close"):
            out.append("<b>" if kind.endswith("open") else "</b>")
        elif kind in ("em_open", "em_close"):
            out.append("<i>" if kind.endswith("open") else "</i>")
        elif kind == "html_inline":
            if token.content.startswith("<!--"):
                continue  # an author's comment, not for print
            report("raw HTML is not supported; shown as text")
            out.append(escape(token.content))
        elif kind == "image":
            report("images in the body are not supported; the alt text is shown")
            out.append(escape(token.content))
        elif kind in ("link_open", "link_close"):
            continue
        elif token.content:
            out.append(escape(token.content))
    return "".join(out).strip()


def markdown_blocks(doc: Document, md: MarkdownIt, problems: Problems) -> tuple[Block, ...]:
    """The body as blocks of inline markup; unsupported Markdown warns and shows as text."""
    tokens = md.parse(doc.body)
    blocks: list[Block] = []
    warned: set[str] = set()
    line = doc.body_line

    def report(message: str) -> None:
        if message not in warned:
            warned.add(message)
            problems.warning(doc.path, line, message)

    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.map:
            line = doc.body_line + token.map[0]
        kind = token.type
        if kind in ("paragraph_open", "heading_open"):
            inline = render_inline(tokens[i + 1].children or [], report)
            if inline:
                kind_of = "heading" if kind == "heading_open" else "paragraph"
                blocks.append(Block(kind_of, (inline,), lines=(line,)))
            i += 3
            continue
        if kind in ("ordered_list_open", "bullet_list_open"):
            close = kind.replace("_open", "_close")
            depth, j = 0, i
            items: list[str] = []
            item_lines: list[int] = []
            current: list[str] = []
            while j < len(tokens):
                t = tokens[j]
                if t.type == kind:
                    depth += 1
                elif t.type == close:
                    depth -= 1
                    if depth == 0:
                        break
                elif t.type == "list_item_open" and depth == 1:
                    current = []
                    item_lines.append(doc.body_line + t.map[0] if t.map else line)
                elif t.type == "list_item_close" and depth == 1:
                    items.append("<br/>".join(p for p in current if p))
                elif t.type == "inline":
                    current.append(render_inline(t.children or [], report))
                j += 1
            start = int(token.attrGet("start") or 1) if kind == "ordered_list_open" else 1
            kind_of = "steps" if kind == "ordered_list_open" else "bullets"
            blocks.append(Block(kind_of, tuple(items), start, tuple(item_lines)))
            i = j + 1
            continue
        if kind == "html_block" and token.content.lstrip().startswith("<!--"):
            i += 1
            continue  # an author's comment, not for print
        if kind in ("fence", "code_block", "html_block"):
            if kind == "html_block":
                report("raw HTML is not supported; shown as text")
            text = "<br/>".join(escape(x) for x in token.content.rstrip("\n").split("\n"))
            blocks.append(Block("paragraph", (text,)))
        elif kind == "table_open":
            report("tables are not supported; each row is shown as a line of text")
            rows: list[str] = []
            j = i
            while tokens[j].type != "table_close":
                if tokens[j].type == "tr_open":
                    rows.append("")
                elif tokens[j].type == "inline":
                    cell = render_inline(tokens[j].children or [], report)
                    rows[-1] = f"{rows[-1]} · {cell}" if rows[-1] else cell
                j += 1
            blocks.append(Block("paragraph", ("<br/>".join(rows),)))
            i = j
        i += 1
    return tuple(blocks)


def part_under(blocks: tuple[Block, ...], heading: str) -> tuple[Block, ...]:
    """The blocks after the heading ``heading`` (any case), up to the next
    heading: the intro's "Before you start" part, for instance."""
    wanted = heading.casefold()
    part: list[Block] = []
    inside = False
    for block in blocks:
        if block.kind == "heading":
            if inside:
                break
            inside = block.items[0].casefold() == wanted
        elif inside:
            part.append(block)
    return tuple(part)


def headed_safety_note(blocks: tuple[Block, ...], words: str) -> tuple[Block, ...]:
    """The intro with an inline safety note made a part of its own: a paragraph
    that opens with the deck's "Before you start" words (bold or not, with or
    without a colon) becomes that heading and the rest of the paragraph, with a
    list that follows it, moved to the end of the intro, where the layouts
    look for the part of that name. An intro that has the heading is kept."""
    wanted = words.casefold()
    if any(b.kind == "heading" and b.items[0].casefold() == wanted for b in blocks):
        return blocks
    opening = re.compile(
        r"^\s*(?:<(b|i)>\s*)?"
        + re.escape(escape(words))
        + r"\s*[:：.。–—-]?\s*(?:</\1>)?\s*[:：.。–—-]?\s*",  # a full-width colon too
        re.IGNORECASE,
    )
    for index, block in enumerate(blocks):
        found = opening.match(block.items[0]) if block.kind == "paragraph" else None
        if found is None:
            continue
        rest = block.items[0][found.end() :].strip()
        note = [Block("heading", (words,))]
        if rest:
            note.append(Block("paragraph", (rest,)))
        after = index + 1
        if after < len(blocks) and blocks[after].kind in ("bullets", "steps"):
            note.append(blocks[after])
            after += 1
        return (*blocks[:index], *blocks[after:], *note)
    return blocks


def has_safety_note(blocks: tuple[Block, ...], words: str) -> bool:
    return any(b.kind == "heading" and b.items[0].casefold() == words.casefold() for b in blocks)
