"""The structure tree of a finished file: what a screen reader reads, in order.

Drawing wrapped every piece of a page in marked content with its role and
an id (``layout/canvas.py``) and bounded groups of them (a card, a page, a
picture with its text); here, after assembly, those pieces become the tree
PDF/UA asks for: a ``Document`` of ``Sect`` elements (one a card or a page)
holding headings, paragraphs, lists (``L`` / ``LI`` / ``LBody``), figures
with their alternative text, the contents as ``TOC`` / ``TOCI`` with each
entry's ``Link`` (its annotation as an object reference), in the order they
were drawn. Artifacts (bands, crop marks, page numbers) stay out of it.

Plain data in, pikepdf objects out: nothing is drawn again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pikepdf
from pikepdf import Array, Dictionary, Name, String

from cards.marks import PageMarks

# Consecutive elements of the first role are wrapped in one of the second.
WRAPPED = {"LI": "L", "TOCI": "TOC"}

# Roles of PDF 2.0 that PDF 1.7, and so PDF/UA-1, does not have, each mapped
# to the standard role a reader of either falls back to: a box set apart
# from the text around it (the safety note) is an Aside, read as a Sect.
ROLE_MAP = {"Aside": "Sect"}


@dataclass(slots=True)
class Node:
    """An element of the tree before it is written: its role, the page and
    marked-content id it shows (a leaf), its alternative text, the link
    annotations it holds, and its children."""

    role: str
    page: int | None = None
    mcid: int | None = None
    alt: str = ""  # a figure's alternative text; any other leaf's words as written
    language: str = ""  # a group's language, where its words are in one of their own
    links: list[pikepdf.Object] = field(default_factory=list)
    children: list[Node] = field(default_factory=list)


def structure(marks: Sequence[PageMarks], annotations: Sequence[Sequence[pikepdf.Object]]) -> Node:
    """The tree of a file's pieces: groups nested as drawn, leaves in order,
    each page's link annotations (``annotations``, in the order of its
    ``marks.links``) under the leaf whose words they cover."""
    document = Node("Document")
    for page, (page_marks, page_links) in enumerate(zip(marks, annotations, strict=True)):
        stack = [document]
        leaves: dict[int, Node] = {}
        for piece in page_marks.pieces:
            if piece.kind == "open":
                group = Node(piece.role, language=piece.text)
                stack[-1].children.append(group)
                stack.append(group)
            elif piece.kind == "close":
                if len(stack) > 1:
                    stack.pop()
            elif piece.mcid is not None:
                leaf = Node(piece.role, page, piece.mcid, piece.text)
                stack[-1].children.append(leaf)
                leaves[piece.mcid] = leaf
        for link, annotation in zip(page_marks.links, page_links, strict=True):
            holder = leaves.get(link.mcid) if link.mcid is not None else None
            if holder is None:  # a link drawn outside any piece: its own Link element
                holder = Node("Link", page)
                (stack[-1]).children.append(holder)
            holder.links.append(annotation)
    wrap_runs(document)
    return document


def wrap_runs(node: Node) -> None:
    """Consecutive list items in a list, contents entries in a table of contents."""
    children: list[Node] = []
    for child in node.children:
        wrapper = WRAPPED.get(child.role)
        if wrapper == node.role:  # items of a list drawn as one (a glance strip)
            wrapper = None
        if wrapper and children and children[-1].role == wrapper and children[-1].page is None:
            children[-1].children.append(child)
        elif wrapper:
            children.append(Node(wrapper, children=[child]))
        else:
            wrap_runs(child)
            children.append(child)
    node.children = children


def write_tree(
    pdf: pikepdf.Pdf, pages: Sequence[pikepdf.Object], document: Node, language: str = ""
) -> None:
    """The tree written into ``pdf``: the structure tree root, the parent tree
    (each page's marked-content ids and each link annotation to its element),
    and the pages' ``StructParents`` and tab order."""
    root = pdf.make_indirect(Dictionary(Type=Name.StructTreeRoot))
    owners: dict[int, dict[int, pikepdf.Object]] = {}  # page -> mcid -> element
    annotation_owners: list[tuple[pikepdf.Object, pikepdf.Object]] = []
    roles: dict[str, Name] = {}

    struct_elem = Name.StructElem

    def element(node: Node, parent: pikepdf.Object) -> pikepdf.Object:
        role = roles.get(node.role)
        if role is None:
            role = roles[node.role] = Name("/" + node.role)
        if (
            node.mcid is not None
            and node.page is not None
            and not node.children
            and not node.links
            and node.role != "LI"
        ):  # most of the tree: a leaf showing one piece, made in one step
            entries: dict[str, object] = {"/Type": struct_elem, "/S": role, "/P": parent}
            entries["/Pg"] = pages[node.page]
            entries["/K"] = node.mcid
            if node.alt:  # what a picture shows; what text says, where drawn otherwise
                entries["/Alt" if node.role == "Figure" else "/ActualText"] = String(node.alt)
            leaf = pdf.make_indirect(Dictionary(entries))
            owners.setdefault(node.page, {})[node.mcid] = leaf
            return leaf
        made = pdf.make_indirect(Dictionary(Type=struct_elem, S=role, P=parent))
        if node.language and node.language != language:  # a passage in another language
            made.Lang = String(node.language)
        if node.alt and node.role == "Figure":  # what the picture shows
            made.Alt = String(node.alt)
        elif node.alt and node.role != "LI":  # what it says, where the drawing says otherwise
            made.ActualText = String(node.alt)
        if node.page is not None:
            made.Pg = pages[node.page]
        content: list[object] = []
        if node.mcid is not None and node.page is not None:
            page = pages[node.page]
            mine = owners.setdefault(node.page, {})
            if node.role == "LI":  # the item's words are its body
                body = pdf.make_indirect(
                    Dictionary(Type=struct_elem, S=Name.LBody, P=made, Pg=page, K=node.mcid)
                )
                if node.alt:
                    body.ActualText = String(node.alt)
                mine[node.mcid] = body
                content.append(body)
            elif node.links:  # a contents line: its words and its link, one Link
                link = pdf.make_indirect(Dictionary(Type=struct_elem, S=Name.Link, P=made, Pg=page))
                link.K = Array([node.mcid, *(objr(a, page) for a in node.links)])
                mine[node.mcid] = link
                annotation_owners.extend((a, link) for a in node.links)
                if node.role == "TOCI":
                    text = String(" ".join(str(a.get("/Contents", "")) for a in node.links))
                    link.Alt = text
                content.append(link)
            else:
                mine[node.mcid] = made
                content.append(node.mcid)
        elif node.links and node.page is not None:
            content.extend(objr(a, pages[node.page]) for a in node.links)
            annotation_owners.extend((a, made) for a in node.links)
        for child in node.children:
            content.append(element(child, made))
        if len(content) == 1:
            made.K = content[0]
        elif content:
            made.K = Array(content)
        return made

    top = element(document, root)
    root.K = top
    numbers = Array()
    for index, page in enumerate(pages):
        page.StructParents = index
        page.Tabs = Name.S  # tab through links in the order of the structure
        ids = owners.get(index, {})
        numbers.append(index)
        numbers.append(Array([ids[i] for i in range(max(ids) + 1)] if ids else []))
    key = len(pages)
    for annotation, owner in annotation_owners:
        annotation.StructParent = key
        numbers.append(key)
        numbers.append(owner)
        key += 1
    root.ParentTree = pdf.make_indirect(Dictionary(Nums=numbers))
    used = {role for role in roles if role in ROLE_MAP}
    if used:
        root.RoleMap = Dictionary({f"/{r}": Name("/" + ROLE_MAP[r]) for r in sorted(used)})
    root.ParentTreeNextKey = key
    pdf.Root.StructTreeRoot = root
    pdf.Root.MarkInfo = Dictionary(Marked=True)


def objr(annotation: pikepdf.Object, page: pikepdf.Object) -> Dictionary:
    """An object reference from the tree to a link annotation."""
    return Dictionary(Type=Name.OBJR, Obj=annotation, Pg=page)
