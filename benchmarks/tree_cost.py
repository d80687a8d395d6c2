"""Where a tagged file's extra bytes are, and the least its structure tree needs.

    python benchmarks/tree_cost.py TAGGED.pdf UNTAGGED.pdf [--cards N]

TAGGED and UNTAGGED: the same build with and without `--no-tags`. Prints,
in bytes: the growth of the page streams (the marked content around each
piece), the rest of the growth (the tree, its parent tree, the metadata),
and a floor for the tree: every structure element's dictionary as qpdf
writes it, all in one stream deflated at zlib's best level, with none of
the object-stream offsets, cross-reference entries or parent tree a PDF
also needs. Each element must be an object of its own (ISO 32000-1,
14.7.2: a child's /P "shall be an indirect reference" to its parent, and
the parent tree refers to the elements the same way), and Flate is the best
filter PDF 1.7 has: no writer can store the tree in less.
"""

from __future__ import annotations

import argparse
import re
import zlib
from dataclasses import dataclass
from pathlib import Path

import pikepdf


@dataclass(frozen=True)
class TreeCost:
    elements: int
    tagged_bytes: int
    untagged_bytes: int
    content_growth_bytes: int  # the pages' streams, compressed
    floor_bytes: int  # the elements' dictionaries alone, at best

    @property
    def growth_bytes(self) -> int:
        return self.tagged_bytes - self.untagged_bytes

    @property
    def budget_bytes(self) -> int:
        """Issue 25's target: tagging adds at most a quarter to the file."""
        return self.untagged_bytes // 4


def page_stream_bytes(pdf: pikepdf.Pdf) -> int:
    """The pages' content streams as stored (compressed)."""
    total = 0
    for page in pdf.pages:
        contents = page.obj.get("/Contents")
        streams = contents if isinstance(contents, pikepdf.Array) else [contents]
        total += sum(len(s.read_raw_bytes()) for s in streams if isinstance(s, pikepdf.Stream))
    return total


def elements(pdf: pikepdf.Pdf) -> list[pikepdf.Object]:
    """Every structure element of the file, in reading order."""
    found: list[pikepdf.Object] = []
    seen: set[tuple[int, int]] = set()
    stack = [pdf.Root.StructTreeRoot.get("/K")]
    while stack:
        node = stack.pop()
        if isinstance(node, pikepdf.Array):
            stack.extend(reversed(list(node)))
            continue
        if not isinstance(node, pikepdf.Dictionary) or "/S" not in node:
            continue  # a marked-content id, an object reference
        if node.is_indirect and node.objgen in seen:
            continue
        seen.add(node.objgen)
        found.append(node)
        stack.append(node.get("/K"))
    return found


_SPACE = re.compile(rb"\s*(<<|>>|\[|\]|/)\s*")


def written(element: pikepdf.Object) -> bytes:
    """An element's dictionary without the spaces a writer may leave out."""
    return _SPACE.sub(rb"\1", element.unparse(resolved=True))


def tree_cost(tagged: Path, untagged: Path) -> TreeCost:
    with pikepdf.open(tagged) as with_tree, pikepdf.open(untagged) as without:
        found = elements(with_tree)
        bodies = b"\n".join(written(e) for e in found)
        return TreeCost(
            elements=len(found),
            tagged_bytes=tagged.stat().st_size,
            untagged_bytes=untagged.stat().st_size,
            content_growth_bytes=page_stream_bytes(with_tree) - page_stream_bytes(without),
            floor_bytes=len(zlib.compress(bodies, 9)),
        )


def report(cost: TreeCost, cards: int | None = None) -> str:
    per_card = f" ({cost.elements / cards:.0f} a card)" if cards else ""
    kib = 1024
    growth, untagged = cost.growth_bytes, cost.untagged_bytes
    tree = growth - cost.content_growth_bytes
    return "\n".join(
        [
            f"structure elements: {cost.elements:,}{per_card}",
            (
                f"tagging adds {growth / kib:,.0f} KiB ({growth / untagged:+.0%}); "
                f"a quarter would be {cost.budget_bytes / kib:,.0f} KiB"
            ),
            f"  marked content in the page streams: {cost.content_growth_bytes / kib:,.0f} KiB",
            f"  the tree, its parent tree, metadata: {tree / kib:,.0f} KiB",
            (
                f"the elements' dictionaries alone, at best: {cost.floor_bytes / kib:,.0f} KiB "
                f"({cost.floor_bytes / untagged:+.0%} of the untagged file)"
            ),
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tagged", type=Path)
    parser.add_argument("untagged", type=Path)
    parser.add_argument("--cards", type=int, default=None)
    arguments = parser.parse_args()
    print(report(tree_cost(arguments.tagged, arguments.untagged), arguments.cards))


if __name__ == "__main__":
    main()
