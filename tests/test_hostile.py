"""Hostile files stay small: every case is built at run time (nothing large is
committed), run as `cards` in a child process, and held to a bound of time and
memory measured from that process, as well as to one line naming the file."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import REPO, small_deck, technique, write_deck

MEMORY_MB = 300  # the bound for every hostile input
SECONDS = 20  # a generous wall-clock bound on a loaded 2-core machine; most take 1-2 s


@dataclass(frozen=True)
class Ran:
    code: int
    output: str
    seconds: float
    peak_mb: float


def cards(*args: str, cwd: Path) -> Ran:
    """`cards ARGS` in a child process; its exit code, output, time and peak memory."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "SOURCE_DATE_EPOCH": "1700000000"}
    script = (
        "import atexit, os, resource, sys\n"
        "limit = 2 * 1024 ** 3\n"  # a runaway is stopped, and then fails the test
        "resource.setrlimit(resource.RLIMIT_AS, (limit, limit))\n"
        "def peak():\n"
        # this process's own high-water mark (the kernel's count for its memory,
        # fresh since exec) and its children's (the bounded reading process)
        "    own = next(int(l.split()[1]) for l in open('/proc/self/status')\n"
        "               if l.startswith('VmHWM'))\n"
        "    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
        "    open(os.environ['PEAK_FILE'], 'w').write(\n"
        "        str(max(own, children)))\n"
        "atexit.register(peak)\n"
        "from cards.cli import main\n"
        "sys.argv = ['cards', *sys.argv[1:]]\n"
        "main()\n"
    )
    peak_file = cwd / ".peak"
    env["PEAK_FILE"] = str(peak_file)
    started = time.monotonic()
    process = subprocess.run(
        [sys.executable, "-c", script, *args],
        check=False,
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=SECONDS * 3,
    )
    seconds = time.monotonic() - started
    peak_kb = int(peak_file.read_text())
    peak_file.unlink()
    return Ran(process.returncode, process.stdout + process.stderr, seconds, peak_kb / 1024)


def bounded(ran: Ran) -> None:
    assert ran.seconds < SECONDS, ran
    assert ran.peak_mb < MEMORY_MB, ran
    assert "internal error" not in ran.output and "Traceback" not in ran.output, ran.output


# -- files that are not what they claim ----------------------------------------------------------

FRONT = "layouts/card/front.xml.j2"


@pytest.mark.parametrize("where", ["image", "figure", "diagram"])
def test_a_fifo_in_the_deck_is_refused_at_once(tmp_path, where):
    files = small_deck()
    if where == "image":
        files["01-one/01-alpha.md"] = technique("Alpha", image="trap.png")
    else:
        files["_index.md"] = "---\ntitle: Test Deck\ntemplates: layouts\n---\nAn intro.\n"
        element = (
            '<figure src="trap.png" width_mm="10"><para>x</para></figure>'
            if where == "figure"
            else '<diagram src="trap.svg" width_mm="10"/>'
        )
        files[FRONT] = f"<card>{element}</card>\n"
    deck = write_deck(tmp_path / "deck", files)
    for name in ("trap.png", "trap.svg"):
        os.mkfifo(deck / name)
    os.mkfifo(deck / "01-one" / "trap.png")
    ran = cards("build", "deck", "-o", "out", cwd=tmp_path)
    bounded(ran)
    assert ran.code == 1
    assert "a FIFO, not a regular file" in ran.output, ran.output
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").glob("*.pdf"))


def test_a_sparse_svg_of_gigabytes_is_refused_before_it_is_read(tmp_path):
    deck = write_deck(
        tmp_path / "deck",
        small_deck(**{"01-one/01-alpha.md": technique("Alpha", diagram="huge.svg")}),
    )
    with open(deck / "01-one" / "huge.svg", "wb") as sparse:
        sparse.truncate(1_500_000_000)
    ran = cards("check", "deck", cwd=tmp_path)
    bounded(ran)
    assert ran.code == 1
    assert "the SVG is 1,500,000,000 bytes; the limit is 2,000,000" in ran.output


# -- all or nothing ------------------------------------------------------------------------------


def test_a_disk_that_fills_during_a_build_leaves_every_earlier_file(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from cards.cli import main
    from cards.output import files

    deck = write_deck(tmp_path / "deck", small_deck())
    out = tmp_path / "out"
    runner = CliRunner()
    assert runner.invoke(main, ["build", str(deck), "-o", str(out)]).exit_code == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    assert len(before) == 3
    (deck / "01-one" / "01-alpha.md").write_text(technique("Changed"))
    copied = []
    original = files.copy_into

    def fills_up(data, stream):
        copied.append(data)
        if len(copied) == 2:  # the second file: the disk is full
            raise OSError(28, "No space left on device")
        original(data, stream)

    monkeypatch.setattr(files, "copy_into", fills_up)
    result = runner.invoke(main, ["build", str(deck), "-o", str(out)])
    assert result.exit_code == 1
    assert "cannot write the file: the disk is full" in result.output
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before, "byte for byte, no temporary"


def test_leftovers_of_an_interrupted_build_are_removed(tmp_path):
    write_deck(tmp_path / "deck", small_deck())
    out = tmp_path / "out"
    out.mkdir()
    leftover = out / ".deck-cards.pdf.k3j2h1.tmp"
    leftover.write_bytes(b"%PDF-" + b"0" * 100_000)
    mine = out / ".notes.tmp"  # not a build's: kept
    mine.write_text("mine")
    ran = cards("build", "deck", "-o", "out", "-f", "cards", cwd=tmp_path)
    assert ran.code == 0, ran.output
    assert not leftover.exists() and mine.exists()


def test_an_out_folder_inside_the_deck_is_not_read_as_a_section(tmp_path):
    write_deck(tmp_path / "deck", small_deck())
    for _ in range(2):
        ran = cards("build", ".", cwd=tmp_path / "deck")  # -o out: inside the deck
        assert ran.code == 0, ran.output
        assert "warning" not in ran.output and "error" not in ran.output
    assert len(list((tmp_path / "deck" / "out").glob("*.pdf"))) == 3


# -- sheets that are inert -----------------------------------------------------------------------

FORMULAS = {
    "title": '=HYPERLINK("http://example.invalid/x","click")',
    "hold": "+1+2",
    "repeat": "@SUM(A1:A2)",
}


def formula_deck(tmp_path: Path) -> Path:
    technique_text = (
        "---\n"
        'title: \'=HYPERLINK("http://example.invalid/x","click")\'\n'
        "hold: '+1+2'\n"
        "repeat: '@SUM(A1:A2)'\n"
        "---\n- first step\n- second step\n"
    )
    return write_deck(tmp_path / "deck", small_deck(**{"01-one/01-alpha.md": technique_text}))


def test_an_exported_workbook_holds_no_formula_and_reads_back_exactly(tmp_path):
    import openpyxl

    deck = formula_deck(tmp_path)
    ran = cards("export", "deck", "deck.xlsx", cwd=tmp_path)
    assert ran.code == 0, ran.output
    workbook = openpyxl.load_workbook(tmp_path / "deck.xlsx")
    kinds = {cell.data_type for sheet in workbook for row in sheet.iter_rows() for cell in row}
    assert "f" not in kinds
    titles = [row[1].value for row in workbook["techniques"].iter_rows(min_row=2)]
    assert FORMULAS["title"] in titles
    ran = cards("import", "deck.xlsx", "again", cwd=tmp_path)
    assert ran.code == 0, ran.output
    from cards.content import load_deck

    before, _ = load_deck(deck)
    after, _ = load_deck(tmp_path / "again")
    mine = [(t.title, t.hold, t.repeat, t.body) for t in before.techniques]
    assert [(t.title, t.hold, t.repeat, t.body) for t in after.techniques] == mine
    assert after.techniques[0].title.startswith("=HYPERLINK(")  # text, quotes set typographically


def test_an_exported_csv_neutralises_formulas_and_reads_back_exactly(tmp_path):
    import csv

    formula_deck(tmp_path)
    ran = cards("export", "deck", "deck.csv", cwd=tmp_path)
    assert ran.code == 0, ran.output
    text = (tmp_path / "deck.csv").read_text(encoding="utf-8-sig")
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    dangerous = [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert not dangerous, dangerous
    assert "'" + FORMULAS["title"] in cells and "'- first step\n- second step" in cells
    ran = cards("import", "deck.csv", "again", "--title", "Test Deck", cwd=tmp_path)
    assert ran.code == 0, ran.output
    again = min((tmp_path / "again" / "01-first").glob("01-*.md")).read_text()
    for value in FORMULAS.values():
        assert value in again
    assert again.endswith("- first step\n- second step\n")


# -- spreadsheets read within bounds --------------------------------------------------------------

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="xl/workbook.xml" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>'
    "</Relationships>"
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="techniques" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="worksheets/sheet1.xml" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/>'
    "</Relationships>"
)


def xlsx_of(path: Path, rows_xml: str | bytes, dimension: str = "A1:B2") -> Path:
    """A minimal .xlsx around a sheet's rows, written as the bytes a tool would."""
    head = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<dimension ref="{dimension}"/><sheetData>'
    ).encode()
    tail = b"</sheetData></worksheet>"
    body = rows_xml.encode() if isinstance(rows_xml, str) else rows_xml
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", head + body + tail)
    return path


def cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


HEADER = f'<row r="1">{cell("A1", "section")}{cell("B1", "title")}</row>'


def refused(ran: Ran, name: str, words: str) -> None:
    bounded(ran)
    assert ran.code == 1, ran.output
    first = ran.output.splitlines()[0]
    assert first.startswith(f"{name}:") and ": error: " in first and words in first, ran.output


def test_an_xlsx_that_names_the_last_cell_of_the_sheet_is_refused(tmp_path):
    corner = f'{HEADER}<row r="1048576">{cell("XFD1048576", "x")}</row>'
    path = xlsx_of(tmp_path / "corner.xlsx", corner, "A1:XFD1048576")
    assert path.stat().st_size < 5_000
    refused(cards("import", "corner.xlsx", "deck", cwd=tmp_path), "corner.xlsx", "larger than")
    assert not (tmp_path / "deck").exists()


def test_an_xlsx_that_unpacks_past_its_bound_is_refused_before_it_is_read(tmp_path):
    padding = b" " * 60_000_000  # 60 MB of XML that packs into some 60 KB
    path = xlsx_of(tmp_path / "bomb.xlsx", HEADER.encode() + padding)
    assert path.stat().st_size < 1_000_000
    refused(
        cards("import", "bomb.xlsx", "deck", cwd=tmp_path),
        "bomb.xlsx",
        "the limit is 50,000,000 a part",
    )


def test_a_sheet_of_a_million_rows_is_refused_at_the_row_past_the_bound(tmp_path):
    rows = "".join(f'<row r="{n}"><c r="A{n}"><v>1</v></c></row>' for n in range(2, 1_000_001))
    xlsx_of(tmp_path / "many.xlsx", HEADER + rows, "A1:B1000000")
    refused(cards("import", "many.xlsx", "deck", cwd=tmp_path), "many.xlsx:10002", "10,000 rows")
    lines = ["section,title"] + [f"S,T{n}" for n in range(1_000_000)]
    (tmp_path / "many.csv").write_text("\n".join(lines), encoding="utf-8")
    refused(cards("import", "many.csv", "deck", cwd=tmp_path), "many.csv:10002", "10,000 rows")


def test_a_cell_past_its_bound_is_refused_at_its_row(tmp_path):
    long = "x" * 5_000_000
    xlsx_of(
        tmp_path / "long.xlsx", HEADER + f'<row r="2">{cell("A2", "S")}{cell("B2", long)}</row>'
    )
    refused(cards("import", "long.xlsx", "deck", cwd=tmp_path), "long.xlsx:2", "100,000")
    (tmp_path / "long.csv").write_text(f"section,title\nS,{long}\n", encoding="utf-8")
    refused(cards("import", "long.csv", "deck", cwd=tmp_path), "long.csv:2", "100,000")


def test_an_ods_that_repeats_a_cell_to_the_end_of_the_sheet_is_refused(tmp_path):
    table = (
        '<table:table table:name="techniques"><table:table-row>'
        '<table:table-cell office:value-type="string"><text:p>section</text:p></table:table-cell>'
        '<table:table-cell office:value-type="string"><text:p>title</text:p></table:table-cell>'
        '</table:table-row><table:table-row table:number-rows-repeated="1048575">'
        '<table:table-cell office:value-type="string" table:number-columns-repeated="16384">'
        "<text:p>x</text:p></table:table-cell></table:table-row></table:table>"
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f"<office:body><office:spreadsheet>{table}</office:spreadsheet></office:body>"
        "</office:document-content>"
    )
    with zipfile.ZipFile(tmp_path / "repeat.ods", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content)
        archive.writestr("META-INF/manifest.xml", ODS_MANIFEST)
    assert (tmp_path / "repeat.ods").stat().st_size < 5_000
    refused(cards("import", "repeat.ods", "deck", cwd=tmp_path), "repeat.ods", "larger than")


ODS_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
    'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
    '<manifest:file-entry manifest:full-path="/" '
    'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>"
)


def test_a_damaged_workbook_is_one_line(tmp_path):
    good = xlsx_of(tmp_path / "good.xlsx", HEADER)
    data = good.read_bytes()
    (tmp_path / "cut.xlsx").write_bytes(data[: len(data) // 2])
    refused(cards("import", "cut.xlsx", "deck", cwd=tmp_path), "cut.xlsx:1", "workbook")
    (tmp_path / "fake.ods").write_bytes(b"PK\x03\x04" + b"\x00" * 200)
    refused(cards("import", "fake.ods", "deck", cwd=tmp_path), "fake.ods:1", "workbook")


# -- layouts bounded in what they make, how far they recurse, and how long they run ---------------

LAYOUT_PAYLOADS = {
    "center": '{{ "x".center(10**9) }}',
    "center filter": '{{ "x" | center(1000000000) }}',
    "format width": '{{ "{:>999999999}".format("x") }}',
    "format filter": '{{ "%999999999s" | format("x") }}',
    "percent width": '{{ "%999999999s" % "x" }}',
    "percent star": '{{ "%*s" % (999999999, "x") }}',
    "tilde in a loop": (
        '{% set ns = namespace(s="xxxxxxxxxx") %}{% for i in range(40) %}'
        "{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s | length }}"
    ),
    "tilde by lines": "".join(f"{{% set s{i + 1} = s{i} ~ s{i} %}}" for i in range(40)).replace(
        "s0 ~ s0", '"xxxxxxxxxx" ~ "xxxxxxxxxx"'
    ),
    "plus": '{% set s = "x" * 100000 %}{{ s + s }}',
    "replace": '{{ ("x" * 100000).replace("x", "yyyyyyyyyy") }}',
    "replace filter": '{{ ("x" * 100000) | replace("x", "yyyyyyyyyy") }}',
    "join": '{{ ("x" * 99999).join(["ab", "cd", "ef"]) }}',
    "join filter": '{{ ["x" * 60000, "y" * 60000] | join("-") }}',
    "indent": '{{ ("a\\n" * 50000) | indent(100) }}',
    "tower of powers": "{{ ((9 ** 64) ** 64) ** 64 }}",
    "range": "{{ range(10 ** 9) | list | length }}",
    "nested loops": (
        "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"
    ),
    "output": "{% for i in range(100000) %}{% for j in range(1000) %}x{% endfor %}{% endfor %}",
    "recursion": "{% macro down(n) %}{{ down(n + 1) }}{% endmacro %}{{ down(0) }}",
    "division": "{{ 1 / 0 }}",
}


@pytest.mark.parametrize("case", sorted(LAYOUT_PAYLOADS))
def test_a_hostile_layout_stops_at_its_line_in_bounds(tmp_path, case):
    files = small_deck()
    files["_index.md"] = "---\ntitle: Test Deck\ntemplates: layouts\n---\nAn intro.\n"
    files[FRONT] = "<card>\n<para>\n" + LAYOUT_PAYLOADS[case] + "\n</para>\n</card>\n"
    write_deck(tmp_path / "deck", files)
    ran = cards("build", "deck", "-o", "out", "-f", "cards", cwd=tmp_path)
    bounded(ran)
    assert ran.code == 1, ran.output
    first = ran.output.splitlines()[0]
    assert first.startswith(f"deck/{FRONT}:3: error: "), ran.output
    assert not (tmp_path / "out").exists()


# -- work linear in the input ---------------------------------------------------------------------


@pytest.mark.parametrize("characters", [10_000, 100_000, 1_000_000])
@pytest.mark.parametrize("kind", ["markup", "word", "words"])
def test_long_text_is_refused_or_run_on_in_bounds(tmp_path, characters, kind):
    size = characters - 200  # the whole file within its 1 MB
    body = {
        "markup": "<" * size,  # each one escaped, as the user wrote it
        "word": "a" * size,
        "words": ("word " * (size // 5)).strip(),
    }[kind]
    write_deck(tmp_path / "deck", small_deck(**{"01-one/01-alpha.md": technique("Alpha", body)}))
    ran = cards("build", "deck", "-o", "out", "--overflow", "continue", cwd=tmp_path)
    bounded(ran)
    if characters >= 100_000:
        assert ran.code == 1
        assert ran.output.splitlines()[0].startswith("deck/01-one/01-alpha.md:1: error: 'Alpha'")
    else:
        assert ran.code == 0, ran.output  # 10,000 characters run on over a few cards and pages


# -- bad values name their file and line ------------------------------------------------------------

BAD_VALUES = {
    "a weight of 5,000 digits": (
        technique("Alpha", weight="9" * 5000),
        "deck/01-one/01-alpha.md:3: error: a number of 5,000 digits is too long to read",
    ),
    "an impossible date": (
        technique("Alpha", hold="2024-02-30"),
        "deck/01-one/01-alpha.md:3: error: '2024-02-30' reads as a date that cannot be",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_VALUES))
def test_a_bad_value_is_one_line_at_its_line(tmp_path, case):
    text, line = BAD_VALUES[case]
    write_deck(tmp_path / "deck", small_deck(**{"01-one/01-alpha.md": text}))
    ran = cards("check", "deck", cwd=tmp_path)
    bounded(ran)
    assert ran.code == 1 and ran.output.splitlines()[0].startswith(line), ran.output


@pytest.mark.parametrize(
    "svg_number, where",
    [("1e308", "<path d>"), ("nan", "<rect width>"), ("inf", "<svg height>")],
)
def test_svg_numbers_out_of_range_are_refused_naming_the_svg(tmp_path, svg_number, where):
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="60" height="80" viewBox="0 0 60 80">'
        '<path id="sole" d="M 1 1 L 2 2 Z"/><rect id="heel" x="0" y="0" width="5" height="9"/>'
        "</svg>"
    )
    tag = where.strip("<>").split()[0]
    if tag == "path":
        svg = svg.replace("M 1 1", f"M {svg_number} 1")
    elif tag == "rect":
        svg = svg.replace('width="5"', f'width="{svg_number}"')
    else:
        svg = svg.replace('height="80"', f'height="{svg_number}"')
    files = small_deck(
        **{
            "01-one/01-alpha.md": technique("Alpha", diagram="d.svg", areas="heel"),
            "01-one/d.svg": svg,
        }
    )
    write_deck(tmp_path / "deck", files)
    ran = cards("build", "deck", "-o", "out", cwd=tmp_path)
    bounded(ran)
    assert ran.code == 1
    assert ran.output.splitlines()[0] == (
        f"deck/01-one/d.svg:1: error: the SVG has the number {svg_number} in {where}: numbers "
        "must be finite and at most 1,000,000"
    )


def test_a_folder_tree_1500_deep_is_one_line(tmp_path):
    deck = write_deck(tmp_path / "deck", small_deck())
    folders = [os.open(deck / "01-one", os.O_RDONLY)]
    try:
        for _ in range(1500):  # made by descriptor: a path this long has no name a call takes
            os.mkdir("d", dir_fd=folders[-1])
            folders.append(os.open("d", os.O_RDONLY, dir_fd=folders[-1]))
        ran = cards("build", "deck", "-o", "out", cwd=tmp_path)
    finally:  # removed from the bottom up, before anything walks the test folders again
        os.close(folders.pop())
        while folders:
            parent = folders.pop()
            os.rmdir("d", dir_fd=parent)
            os.close(parent)
    bounded(ran)
    assert ran.code == 1
    assert "error: folders nest deeper than 24 levels here" in ran.output
    assert len(ran.output.splitlines()) <= 4


# -- generated cells and layouts -------------------------------------------------------------------

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

risky_text = (
    st.lists(
        st.sampled_from(list("=+-@'\t\"<>&{}%#:;,. aéß–“”\n\r") + ["{{", "}}", "{%"]),
        min_size=1,
        max_size=20,
    )
    .map("".join)
    .map(lambda t: t.strip() or "x")
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(title=risky_text, hold=risky_text, suffix=st.sampled_from([".csv", ".xlsx"]))
@example(title="=", hold="=\r<", suffix=".csv")  # a CR inside a cell: quoted, kept
@example(title="=", hold="=\r=", suffix=".csv")
@example(title="=", hold="'=", suffix=".csv")  # an apostrophe of its own: kept
@example(title="''+x", hold="'", suffix=".csv")
def test_any_cell_goes_out_inert_and_comes_back_as_written(tmp_path_factory, title, hold, suffix):
    """Whatever a technique's text, an exported sheet holds no formula and
    imports back to the same values."""
    import openpyxl
    import yaml

    from cards.content import load_deck
    from cards.sheets import export_deck, import_sheet

    root = tmp_path_factory.mktemp("cells")
    front = yaml.safe_dump({"title": title, "hold": hold}, allow_unicode=True)
    files = small_deck(**{"01-one/01-alpha.md": f"---\n{front}---\n1. Press.\n"})
    deck = write_deck(root / "deck", files)
    try:
        before, _ = load_deck(deck)
    except Exception:  # noqa: BLE001 - a value the loader refuses is not this test's
        return
    sheet = root / f"deck{suffix}"
    export_deck(deck, sheet)
    if suffix == ".xlsx":
        workbook = openpyxl.load_workbook(sheet)
        assert all(c.data_type != "f" for s in workbook for r in s.iter_rows() for c in r)
    else:
        text = sheet.read_text(encoding="utf-8-sig")
        import csv

        cells = [c for row in csv.reader(io.StringIO(text)) for c in row]
        assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    import_sheet(sheet, root / "again", "Test Deck")
    after, _ = load_deck(root / "again")
    assert [(t.title, t.hold) for t in after.techniques] == [
        (t.title, t.hold) for t in before.techniques
    ]


layout_pieces = st.sampled_from(
    [
        "{{ 'x' * 9 }}", "{{ 'x' ~ 'y' }}", "{{ (1, 2) }}", "{{ 2 ** 10 }}", "{{ 10 ** 64 }}",
        "{{ 'a'.center(20) }}", "{{ '%5s' % 'a' }}", "{{ '{:>4}'.format('a') }}",
        "{{ range(5) | list }}", "{{ labels.hold }}", "{{ technique.title }}", "{{ nothing }}",
        "{% for i in range(3) %}{{ i }}{% endfor %}", "{{ 1 / 0 }}", "{{ ''.join(['a', 'b']) }}",
        "{{ 'x' | replace('x', 'yy') }}", "{{ [1] + [2] }}", "{{ technique.__class__ }}",
        "{% set n = namespace(s='a') %}{% set n.s = n.s ~ n.s %}{{ n.s }}", "<para>", "</para>",
        "<b>", "&amp;", "{{", "%}", "x",
    ]
)  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(pieces=st.lists(layout_pieces, min_size=1, max_size=6))
def test_any_layout_text_renders_or_is_one_content_error(pieces):
    """Whatever a layout is made of, rendering gives markup or a ContentError
    naming the layout: never another exception, never past its bounds."""
    from types import SimpleNamespace

    import jinja2

    from cards.problems import ContentError
    from cards.sandbox import MAX_OUTPUT
    from cards.templating import LayoutSandbox, render

    source = "".join(pieces)
    env = LayoutSandbox(
        loader=jinja2.DictLoader({"card/front.xml.j2": source}),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    context = {
        "labels": SimpleNamespace(hold="Hold"),
        "technique": SimpleNamespace(title="<Alpha & {{ x }}>"),
    }
    started = time.monotonic()
    try:
        out = render(env, "card/front.xml.j2", **context)
    except ContentError as exc:
        assert len(exc.problems) == 1 and exc.problems[0].level == "error"
    else:
        assert len(out) <= MAX_OUTPUT
        assert "{{ x }}" not in out or "&lt;Alpha &amp; {{ x }}&gt;" in out  # content is text
    assert time.monotonic() - started < 6


def test_a_folder_link_inside_the_deck_is_followed_and_a_link_loop_ends(tmp_path):
    deck = write_deck(
        tmp_path / "deck",
        small_deck(**{"_shared/01-zeta.md": technique("Zeta")}),  # "_": not a section itself
    )
    (deck / "01-one" / "more").symlink_to(deck / "_shared", target_is_directory=True)
    ran = cards("list", "deck", cwd=tmp_path)
    assert ran.code == 0, ran.output
    assert "Zeta" in ran.output  # a link that stays inside the deck is read, as before
    loop = deck / "02-two" / "loop"
    loop.symlink_to(deck / "02-two", target_is_directory=True)
    try:
        ran = cards("build", "deck", "-o", "out", cwd=tmp_path)
    finally:
        loop.unlink()  # before anything walks the test folders again
    bounded(ran)
    assert ran.code == 1
    assert "error: folders nest deeper than 24 levels here" in ran.output
