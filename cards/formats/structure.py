"""The structure tree of a finished file: what a screen reader reads, in order.

Drawing wrapped every piece of a page in marked content with its role and
an id (``layout/canvas.py``) and bounded groups of them (a card, a page, a
picture with its text); here, as assembly adds the pages, those pieces become
the tree PDF/UA asks for: a ``Document`` of ``Sect`` elements (one a card
or a page) holding headings, paragraphs, lists (``L`` / ``LI`` with ``Lbl``
and ``LBody``), the safety note as an ``Aside``, figures with their
alternative text, the contents as one ``TOC`` of ``TOCI`` with each entry's
``Link`` (its annotation as an object reference), in the order they were
drawn. Artifacts (bands, crop marks, page numbers) stay out of it.

Plain data in, pikepdf objects out: nothing is drawn again. The tree is
written page by page as assembly adds each chunk (``TreeWriter``), and
finished once the links exist.
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
    """An element of a page's tree before it is written: its role, the page and
    marked-content id it shows (a leaf), its alternative text, the links it
    holds (their index among the page's links), and its children."""

    role: str
    page: int | None = None
    mcid: int | None = None
    alt: str = ""  # a figure's alternative text; any other leaf's words as written
    language: str = ""  # a group's language, where its words are in one of their own
    links: list[int] = field(default_factory=list)
    children: list[Node] = field(default_factory=list)


def page_structure(page: int, marks: PageMarks) -> Node:
    """The tree of one page's pieces, under a node standing for the document:
    groups nested as drawn (none crosses a page), leaves in order, each of
    the page's links under the leaf whose words it covers."""
    top = Node("Document")
    stack = [top]
    leaves: dict[int, Node] = {}
    for piece in marks.pieces:
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
    for index, link in enumerate(marks.links):
        holder = leaves.get(link.mcid) if link.mcid is not None else None
        if holder is None:  # a link drawn outside any piece: its own Link element
            holder = Node("Link", page)
            stack[-1].children.append(holder)
        holder.links.append(index)
    wrap_runs(top)
    return top


def wrap_runs(node: Node) -> None:
    """Consecutive list items in a list, contents entries in a table of contents."""
    children: list[Node] = []
    made: Node | None = None  # the wrapper made here last: only it takes more items
    for child in node.children:
        wrapper = WRAPPED.get(child.role)
        if wrapper == node.role:  # items of a list drawn as one (a glance strip)
            wrapper = None
        if wrapper and made is not None and children[-1] is made and made.role == wrapper:
            made.children.append(child)
        elif wrapper:
            # a list drawn as one just before (the glance, then the steps) is
            # a list of its own: the steps start their own
            made = Node(wrapper, children=[child])
            children.append(made)
        else:
            wrap_runs(child)
            children.append(child)
    node.children = children


class TreeWriter:
    """The structure tree of a file, written page by page as assembly adds
    each chunk, then finished once the link annotations exist: the parent
    tree (each page's marked-content ids, each annotation to its element),
    the pages' ``StructParents`` and tab order, the role map. ``language``:
    the document's, so that only a passage in another language has a /Lang."""

    def __init__(self, pdf: pikepdf.Pdf, language: str = ""):
        self.pdf, self.language = pdf, language
        self.root = pdf.make_indirect(Dictionary(Type=Name.StructTreeRoot))
        self.document = pdf.make_indirect(Dictionary(S=Name.Document, P=self.root))
        self.top = Array()  # the document's children, in order
        self.open_toc: pikepdf.Object | None = None  # contents the next page may go on with
        # the page being written: its elements by marked-content id; each page's,
        # once written, go into the parent tree at once (qpdf's memory, not Python's)
        self.owners: dict[int, dict[int, pikepdf.Object]] = {}
        self.numbers = Array()  # the parent tree's keys and values, page by page
        # the elements that hold links, to be given their annotations at the end
        self.holders: list[tuple[pikepdf.Object, int, list[int]]] = []
        self.roles: dict[str, Name] = {}
        self.pages = 0

    def add_page(self, page: pikepdf.Object, marks: PageMarks) -> None:
        """Page ``self.pages`` of the file: its elements written, in order."""
        index = self.pages
        self.pages += 1
        for child in page_structure(index, marks).children:
            toc = self.open_toc
            only_contents = bool(child.children) and all(c.role == "TOC" for c in child.children)
            if toc is not None and only_contents:
                # a page that only goes on with the contents: its entries join
                # the table of contents of the page before, one TOC in all
                kids = toc.get("/K")
                if not isinstance(kids, Array):
                    kids = toc.K = Array([] if kids is None else [kids])
                for item in (entry for part in child.children for entry in part.children):
                    kids.append(self.element(item, toc, page, marks))
                continue
            made = self.element(child, self.document, page, marks)
            self.top.append(made)
            self.open_toc = None
            if child.children and child.children[-1].role == "TOC":  # may go on overleaf
                kids = made.K
                self.open_toc = kids[len(kids) - 1] if isinstance(kids, Array) else kids
        page.StructParents = index
        page.Tabs = Name.S  # tab through links in the order of the structure
        ids = self.owners.pop(index, {})
        self.numbers.append(index)
        self.numbers.append(Array([ids[i] for i in range(max(ids) + 1)] if ids else []))

    def role(self, name: str) -> Name:
        made = self.roles.get(name)
        if made is None:
            made = self.roles[name] = Name("/" + name)
        return made

    def element(
        self, node: Node, parent: pikepdf.Object, page: pikepdf.Object, marks: PageMarks
    ) -> pikepdf.Object:
        """``node`` and all under it, made in the file under ``parent``. Each
        element is made whole in one step where it can be (qpdf copies what
        it is given: one dictionary made once, not grown key by key), and
        without /Type, which a structure element may leave out (ISO 32000-1,
        table 323): a tree of 20 elements a card is most of a tagged file."""
        pdf, role = self.pdf, self.role(node.role)
        entries: dict[str, object] = {"/S": role, "/P": parent}
        if node.page is not None:
            entries["/Pg"] = page
        if node.alt and node.role != "LI":
            # what a picture shows; what text says, where drawn otherwise
            entries["/Alt" if node.role == "Figure" else "/ActualText"] = String(node.alt)
        if (
            node.mcid is not None
            and node.page is not None
            and not node.children
            and not node.links
            and node.role != "LI"
        ):  # most of the tree: a leaf showing one piece
            entries["/K"] = node.mcid
            leaf = made_indirect(pdf, entries)
            self.owners.setdefault(node.page, {})[node.mcid] = leaf
            return leaf
        if node.language and node.language != self.language:  # a passage in another language
            entries["/Lang"] = String(node.language)
        made = made_indirect(pdf, entries)
        content: list[object] = []
        if node.mcid is not None and node.page is not None:
            mine = self.owners.setdefault(node.page, {})
            if node.role == "LI":  # the item's words are its body
                body_entries: dict[str, object] = {
                    "/S": Name.LBody, "/P": made, "/Pg": page, "/K": node.mcid
                }  # fmt: skip
                if node.alt:
                    body_entries["/ActualText"] = String(node.alt)
                body = made_indirect(pdf, body_entries)
                mine[node.mcid] = body
                content.append(body)
            elif node.links:  # a contents line: its words and its link, one Link
                link_entries: dict[str, object] = {
                    "/S": Name.Link, "/P": made, "/Pg": page, "/K": Array([node.mcid])
                }  # fmt: skip
                if node.role == "TOCI":  # where it goes, as its annotation will say
                    link_entries["/Alt"] = String(" ".join(marks.links[i].text for i in node.links))
                link = made_indirect(pdf, link_entries)
                mine[node.mcid] = link
                self.holders.append((link, node.page, node.links))
                content.append(link)
        elif node.links and node.page is not None:
            self.holders.append((made, node.page, node.links))
        for child in node.children:
            content.append(self.element(child, made, page, marks))
        if len(content) == 1:
            made.K = content[0]
        elif content or node.links:
            made.K = Array(content)
        return made

    def finish(
        self, pages: Sequence[pikepdf.Object], annotations: Sequence[Sequence[pikepdf.Object]]
    ) -> None:
        """The tree completed and put in the file: each holder given its link
        annotations (``annotations``: each page's, in the order of its links)."""
        pdf, root = self.pdf, self.root
        annotation_owners: list[tuple[pikepdf.Object, pikepdf.Object]] = []
        for holder, number, indices in self.holders:
            for index in indices:
                annotation = annotations[number][index]
                kids = holder.get("/K")
                if not isinstance(kids, Array):
                    kids = holder.K = Array([] if kids is None else [kids])
                kids.append(objr(annotation, pages[number]))
                annotation_owners.append((annotation, holder))
        self.document.K = self.top
        root.K = self.document
        numbers = self.numbers
        for index in range(self.pages, len(pages)):  # pages the tree was given none of
            pages[index].StructParents = index
            pages[index].Tabs = Name.S
            numbers.append(index)
            numbers.append(Array())
        key = len(pages)
        for annotation, owner in annotation_owners:
            annotation.StructParent = key
            numbers.append(key)
            numbers.append(owner)
            key += 1
        root.ParentTree = pdf.make_indirect(Dictionary(Nums=numbers))
        root.ParentTreeNextKey = key
        used = {role for role in self.roles if role in ROLE_MAP}
        if used:
            root.RoleMap = Dictionary({f"/{r}": Name("/" + ROLE_MAP[r]) for r in sorted(used)})
        pdf.Root.StructTreeRoot = root
        pdf.Root.MarkInfo = Dictionary(Marked=True)


def made_indirect(pdf: pikepdf.Pdf, entries: dict[str, object]) -> pikepdf.Object:
    """A new indirect dictionary of ``entries``: pikepdf converts a plain dict
    in the same call, an eighth faster than from a ``Dictionary`` made first
    (its type stub declares only that form: documented, not typed)."""
    made: pikepdf.Object = pdf.make_indirect(entries)  # type: ignore[call-overload]
    return made


def objr(annotation: pikepdf.Object, page: pikepdf.Object) -> Dictionary:
    """An object reference from the tree to a link annotation."""
    return Dictionary(Type=Name.OBJR, Obj=annotation, Pg=page)
