"""A deck from a stranger is safe to build: no code runs, nothing outside it is read,
nothing ambiguous is chosen silently, and the messages stay readable."""

from __future__ import annotations

import os
import re
import struct
import zlib
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import small_deck, technique, write_deck
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cards.cli import main

MARKER = "pwned-marker"
FRONT = "layouts/card/front.xml.j2"

# Each payload tries, in its own way, to run a command that creates MARKER in
# the current folder, to read a file outside the layout folders, or to exhaust
# memory. Every one must stop the build at the layout's line.
PAYLOADS = {
    "cycler globals": "{{ cycler.__init__.__globals__.os.popen('touch %s').read() }}",
    "joiner globals": "{{ joiner.__init__.__globals__.os.system('touch %s') }}",
    "namespace globals": "{{ namespace.__init__.__globals__['os'].system('touch %s') }}",
    "class walk": "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "view class": "{{ technique.__class__.__init__.__globals__ }}",
    "view dict": "{{ deck.__dict__ }}",
    "template reference": "{{ self._TemplateReference__context }}",
    "format string": "{{ '{0.__class__.__init__.__globals__}'.format(deck) }}",
    "attr filter": "{{ deck|attr('__class__') }}",
    "mutate a list": "{{ technique.body.append(1) }}",
    "include a system file": "{% include '/etc/passwd' %}",
    "include upwards": "{% include '../../../outside.txt' %}",
    "import upwards": "{% import '../outside.txt' as x %}",
    "extends upwards": "{% extends '../../outside.txt' %}",
    "string bomb": "{{ 'x' * 1000000000 }}",
    "power bomb": "{{ 9 ** 9999999 }}",
    "lipsum": "{{ lipsum(1000000) }}",
}


def layout(payload: str) -> str:
    return (
        "<card>\n"
        "  <title>{{ technique.title }}</title>\n"
        f"  {payload.replace('%s', MARKER)}\n"
        "</card>\n"
    )


def deck_with_layout(root: Path, payload: str) -> Path:
    files = small_deck()
    files["_index.md"] = "---\ntitle: Test Deck\ntemplates: layouts\n---\nAn intro.\n"
    files[FRONT] = layout(payload)
    (root / "outside.txt").write_text("SECRET-OUTSIDE\n")
    return write_deck(root / "deck", files)


def one_error_line(result, path_part: str, line: int) -> None:
    errors = [x for x in result.output.splitlines() if ": error: " in x]
    assert len(errors) == 1, result.output
    assert errors[0].startswith(f"{path_part}:{line}: error: "), errors[0]
    assert "Traceback" not in result.output and "internal error" not in result.output
    assert "SECRET-OUTSIDE" not in result.output


@pytest.mark.parametrize("name", PAYLOADS)
def test_deck_layout_payloads_stop_at_their_line(run, tmp_path, name):
    deck_with_layout(tmp_path, PAYLOADS[name])
    result = run("build", "deck", "-o", "out")
    assert result.exit_code == 1, result.output
    one_error_line(result, f"deck/{FRONT}", 3)
    assert not (tmp_path / MARKER).exists()
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


def test_templates_option_is_sandboxed_too(run, tmp_path):
    write_deck(tmp_path / "deck", small_deck())
    mine = tmp_path / "mine" / "card"
    mine.mkdir(parents=True)
    (mine / "front.xml.j2").write_text(layout(PAYLOADS["cycler globals"]))
    result = run("build", "deck", "--templates", "mine", "-o", "out")
    assert result.exit_code == 1
    one_error_line(result, "mine/card/front.xml.j2", 3)
    assert not (tmp_path / MARKER).exists()


def test_preview_and_check_are_sandboxed_too(run, tmp_path):
    deck_with_layout(tmp_path, PAYLOADS["joiner globals"])
    for command in (("preview", "deck", "-o", "out"), ("check", "deck")):
        result = run(*command)
        assert result.exit_code == 1, result.output
        assert f"deck/{FRONT}:3: error: unsafe layout" in result.output
    assert not (tmp_path / MARKER).exists()


def test_unsafe_layout_message_says_what_to_do(run, tmp_path):
    deck_with_layout(tmp_path, PAYLOADS["view dict"])
    result = run("build", "deck", "-o", "out")
    assert (
        f"deck/{FRONT}:3: error: unsafe layout: access to attribute '__dict__' of "
        "'SimpleNamespace' object is unsafe; a layout may use only the variables listed in "
        "templates/README.md"
    ) in result.output


def test_an_earlier_pdf_survives_a_payload(run, tmp_path):
    deck = write_deck(tmp_path / "deck", small_deck())
    assert run("build", "deck", "-o", "out").exit_code == 0
    before = (tmp_path / "out" / "deck-cards.pdf").read_bytes()
    deck_with_layout(tmp_path, PAYLOADS["cycler globals"])
    assert deck.exists()
    assert run("build", "deck", "-o", "out").exit_code == 1
    assert (tmp_path / "out" / "deck-cards.pdf").read_bytes() == before


def test_layouts_may_still_include_their_own_folders(run, tmp_path):
    files = small_deck()
    files["_index.md"] = "---\ntitle: Test Deck\ntemplates: layouts\n---\nAn intro.\n"
    files["layouts/card/front.xml.j2"] = (
        '{% import "card/_bits.xml.j2" as bits %}<card>{{ bits.title(technique) }}</card>\n'
    )
    files["layouts/card/_bits.xml.j2"] = (
        "{% macro title(t) %}<title>{{ t.title }}</title>{% endmacro %}\n"
    )
    write_deck(tmp_path / "deck", files)
    result = run("build", "deck", "-f", "cards", "-o", "out")
    assert result.exit_code == 0, result.output


def test_figure_outside_the_deck_is_refused(run, tmp_path):
    picture = Path(__file__).parent.parent / "docs" / "booklet-cover.png"
    files = small_deck()
    files["_index.md"] = "---\ntitle: Test Deck\ntemplates: layouts\n---\nAn intro.\n"
    files[FRONT] = f'<card><figure src="{picture}" width_mm="10"><para>x</para></figure></card>\n'
    write_deck(tmp_path / "deck", files)
    result = run("build", "deck", "-o", "out")
    assert result.exit_code == 1
    assert (
        f"deck/{FRONT}:1: error: layout markup: <figure src> must name a file inside the deck"
        in (result.output)
    )


def test_layout_markup_with_entities_is_refused(run, tmp_path):
    files = small_deck()
    files["_index.md"] = "---\ntitle: Test Deck\ntemplates: layouts\n---\nAn intro.\n"
    files[FRONT] = (
        '<!DOCTYPE card [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<card><para>&x;</para></card>\n'
    )
    write_deck(tmp_path / "deck", files)
    result = run("build", "deck", "-o", "out")
    assert result.exit_code == 1
    assert "a DOCTYPE or entity is not allowed in layout markup" in result.output
    assert "root:" not in result.output


# -- links out of the deck ---------------------------------------------------------------


@pytest.fixture
def outside(tmp_path) -> Path:
    """A folder beside the deck with a technique, a section and a picture in it."""
    folder = tmp_path / "elsewhere"
    write_deck(
        folder,
        {
            "secret.md": technique("SECRET-OUTSIDE"),
            "section/_index.md": "---\ntitle: SECRET-SECTION\n---\n",
            "section/01-x.md": technique("SECRET-OUTSIDE"),
            "index.md": "---\ntitle: SECRET-OUTSIDE\n---\n",
            "layout.xml.j2": "<card><title>SECRET-OUTSIDE</title></card>\n",
        },
    )
    (folder / "picture.png").write_bytes(tiny_png(4, 4))
    return folder


@pytest.mark.parametrize(
    "link, target, message",
    [
        ("deck/01-one/03-linked.md", "secret.md", "the technique file is a link"),
        ("deck/03-linked", "section", "the section folder is a link"),
        ("deck/02-two/_index.md", "index.md", "the section's _index.md is a link"),
        ("deck/_index.md", "index.md", "the deck's _index.md is a link"),
        ("deck/layouts/card/front.xml.j2", "layout.xml.j2", "layout 'card/front.xml.j2' is a link"),
    ],
)
def test_links_out_of_the_deck_are_errors(run, tmp_path, outside, link, target, message):
    files = small_deck()
    if "layouts" in link:
        files["_index.md"] = "---\ntitle: Test Deck\ntemplates: layouts\n---\nAn intro.\n"
        files["layouts/card/.keep"] = ""
    write_deck(tmp_path / "deck", files)
    path = tmp_path / link
    path.unlink(missing_ok=True)
    path.symlink_to(outside / target)
    result = run("build", "deck", "-o", "out")
    assert result.exit_code == 1, result.output
    errors = [x for x in result.output.splitlines() if ": error: " in x]
    assert errors == [f"{link}:1: error: {errors[0].split(': error: ')[1]}"], result.output
    assert message in errors[0]
    assert "SECRET" not in result.output
    assert not (tmp_path / "out").exists()


def test_image_linked_out_of_the_deck_is_an_error(run, tmp_path, outside):
    deck = write_deck(
        tmp_path / "deck", small_deck(**{"01-one/01-alpha.md": technique("Alpha", image="p.png")})
    )
    (deck / "01-one" / "p.png").symlink_to(outside / "picture.png")
    result = run("build", "deck", "-o", "out")
    assert result.exit_code == 1
    assert "deck/01-one/01-alpha.md:3: error: image 'p.png' is outside the deck folder" in (
        result.output
    )


def test_links_that_stay_inside_the_deck_are_fine(run, tmp_path):
    deck = write_deck(tmp_path / "deck", small_deck())
    (deck / "01-one" / "03-again.md").symlink_to(deck / "02-two" / "01-gamma.md")
    (deck / "03-three").symlink_to(deck / "02-two")
    result = run("build", "deck", "-f", "cards", "-o", "out")
    assert result.exit_code == 0, result.output


# -- front matter: one meaning only ----------------------------------------------------


def test_a_key_given_twice_names_both_lines(run, deck_dir, tmp_path):
    deck_dir(
        small_deck(
            **{
                "01-one/01-alpha.md": "---\ntitle: Alpha\npressure: firm\nhold: 5 s\npressure: medium\n---\nText.\n"
            }
        )
    )
    result = run("check", "test-deck")
    assert result.exit_code == 1
    assert (
        "test-deck/01-one/01-alpha.md:5: error: 'pressure' is given twice (lines 3 and 5); keep one"
    ) in result.output


def test_a_label_given_twice_is_caught_too(run, deck_dir):
    deck_dir(
        small_deck(**{"_index.md": "---\ntitle: T\nlabels:\n  hold: Keep\n  hold: Halt\n---\n"})
    )
    result = run("check", "test-deck")
    assert "test-deck/_index.md:5: error: 'hold' is given twice (lines 4 and 5)" in result.output


def test_yaml_aliases_are_refused_before_they_expand(run, deck_dir):
    bomb = "---\ntitle: T\na: &a [x, x, x, x, x, x, x, x, x]\n"
    for level in "bcdefghij":
        previous = chr(ord(level) - 1)
        bomb += f"{level}: &{level} [*{previous}, *{previous}, *{previous}, *{previous}]\n"
    bomb += "weight: *j\n---\nText.\n"
    deck_dir(small_deck(**{"01-one/01-alpha.md": bomb}))
    result = run("check", "test-deck")
    assert result.exit_code == 1
    assert "error: YAML aliases (*name) are not supported in front matter" in result.output
    assert len(result.output) < 2000


# -- pictures ------------------------------------------------------------------------------


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def tiny_png(width: int, height: int, pixels: bool = True) -> bytes:
    """A valid greyscale PNG; with ``pixels=False`` only its header (a bomb's shape)."""
    header = png_chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height)) if pixels else b""
    data = png_chunk(b"IDAT", zlib.compress(rows)) if pixels else b""
    return b"\x89PNG\r\n\x1a\n" + header + data + png_chunk(b"IEND", b"")


@pytest.mark.parametrize(
    "content, message",
    [
        (
            tiny_png(40_000, 40_000, pixels=False),
            "image is 40,000 × 40,000 pixels; the limit is 30,000,000 pixels",
        ),
        (b"this is not a picture at all", "not a PNG or JPEG picture"),
        (tiny_png(40, 40)[:60], "the picture is damaged or cut short"),
    ],
)
def test_bad_pictures_get_one_line_with_a_reason(run, deck_dir, content, message):
    deck = deck_dir(
        small_deck(**{"01-one/01-alpha.md": technique("Alpha", image="huge.png", alt="A heel")})
    )
    (deck / "01-one" / "huge.png").write_bytes(content)
    result = run("build", "test-deck", "-o", "out")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0] == f"test-deck/01-one/huge.png:1: error: {lines[0].split(': error: ')[1]}"
    assert message in lines[0]
    assert lines[1:] == ["1 error; nothing was written"]
    assert not re.search(r"@0x|ImageReader|fileName=|PIL|Traceback", result.output)


# -- many warnings, --strict, paths ------------------------------------------------------


def shrinking_deck(count: int) -> dict[str, str]:
    long_body = "\n".join(
        f"{i}. " + "Press and slide along the sole slowly. " * 3 for i in range(1, 6)
    )
    files = small_deck()
    for i in range(count):
        files[f"01-one/{10 + i:02d}-long.md"] = technique(f"Long {i}", body=long_body)
    return files


def test_many_warnings_of_one_kind_are_folded(run, deck_dir):
    deck_dir(shrinking_deck(14))
    result = run("check", "test-deck")
    lines = result.output.splitlines()
    shrunk = [x for x in lines if "fits only when set smaller" in x]
    assert len(shrunk) == 3
    assert "  … and 11 more warnings like these" in lines
    assert "  (run with -v, or 'cards check -v', to see every warning)" in lines
    verbose = run("check", "test-deck", "-v")
    assert sum("fits only when set smaller" in x for x in verbose.output.splitlines()) == 14


def test_ten_warnings_of_a_kind_are_all_shown(run, deck_dir):
    deck_dir(shrinking_deck(10))
    result = run("check", "test-deck")
    assert sum("fits only when set smaller" in x for x in result.output.splitlines()) == 10
    assert "more warnings" not in result.output


def test_errors_are_never_folded(run, deck_dir):
    files = small_deck()
    for i in range(15):
        files[f"01-one/{10 + i:02d}-bad.md"] = technique(f"Bad {i}", pressure="hard")
    deck_dir(files)
    result = run("check", "test-deck")
    assert sum("pressure must be one of" in x for x in result.output.splitlines()) == 15


def test_a_thousand_techniques_print_at_most_25_lines(run, tmp_path):
    import subprocess
    import sys

    generator = Path(__file__).parent.parent / "benchmarks" / "make_deck.py"
    subprocess.run([sys.executable, str(generator), "1000", str(tmp_path / "big")], check=True)
    result = run("build", "big", "-f", "cards", "-o", "out")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert len(lines) <= 25, result.output
    assert any("more warnings like these" in x for x in lines)


def test_strict_build_writes_nothing_on_warnings(run, deck_dir, tmp_path):
    deck_dir(small_deck(**{"01-one/01-alpha.md": technique("Alpha", colur='"#123456"')}))
    assert run("build", "test-deck", "-o", "out").exit_code == 0
    earlier = (tmp_path / "out" / "test-deck-cards.pdf").read_bytes()
    os.utime(tmp_path / "test-deck" / "_index.md", (1, 1))
    deck_dir(small_deck(**{"01-one/01-alpha.md": technique("Alpha Two", colur='"#123456"')}))
    result = run("build", "test-deck", "-o", "out", "--strict")
    assert result.exit_code == 1
    assert "unknown field 'colur' ignored" in result.output
    assert result.output.splitlines()[-1] == (
        "1 warning, counted as errors by --strict; nothing was written"
    )
    assert (tmp_path / "out" / "test-deck-cards.pdf").read_bytes() == earlier


def test_strict_check(run, deck_dir):
    deck_dir(small_deck(**{"01-one/01-alpha.md": technique("Alpha", colur='"#123456"')}))
    assert run("check", "test-deck").exit_code == 0
    result = run("check", "test-deck", "--strict")
    assert result.exit_code == 1
    assert result.output.splitlines()[-1] == "1 warning, counted as errors by --strict"


def test_strict_on_a_clean_deck_builds(run, deck_dir):
    deck_dir(small_deck())
    assert run("build", "test-deck", "-o", "out", "--strict").exit_code == 0


def test_absolute_deck_path_outside_stays_absolute(tmp_path, monkeypatch):
    deck = write_deck(
        tmp_path / "deck", small_deck(**{"02-two/01-gamma.md": technique("G", pressure="hard")})
    )
    elsewhere = tmp_path / "work" / "deep"
    elsewhere.mkdir(parents=True)
    monkeypatch.chdir(elsewhere)
    result = CliRunner().invoke(main, ["check", str(deck)])
    assert f"{deck}/02-two/01-gamma.md:3: error: pressure must be one of" in result.output
    assert "../" not in result.output


def test_absolute_deck_path_inside_is_shown_relative(run, tmp_path):
    write_deck(
        tmp_path / "deck", small_deck(**{"02-two/01-gamma.md": technique("G", pressure="hard")})
    )
    result = run("check", str(tmp_path / "deck"))
    assert result.output.startswith("deck/02-two/01-gamma.md:3: error: pressure must be one of")


# -- anything written into a layout -------------------------------------------------------

FRAGMENTS = [
    "{{", "}}", "{%", "%}", "{#", "#}", "cycler", "joiner", "namespace", "range", "lipsum",
    "self", "deck", "technique", "labels", ".__init__", ".__globals__", ".__class__",
    ".__mro__", "[1]", ".__subclasses__()", "['os']", ".os", ".popen('touch " + MARKER + "')",
    ".system('touch " + MARKER + "')", ".read()", "|attr('__class__')", " include ",
    " import ", " extends ", " for x in ", " endfor ", " if ", " endif ", "'/etc/passwd'",
    "'../outside.txt'", "'card/front.xml.j2'", " * ", " ** ", "99999", "(", ")", "'x'",
    "<card>", "</card>", "<title>", "</title>", "<para>", "</para>", "<figure src='/etc'>",
    "</figure>", "&", "<", ">", "\n", " ", "text",
]  # fmt: skip


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(pieces=st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=30))
def test_random_layout_text_never_runs_code_or_crashes(tmp_path_factory, pieces):
    root = tmp_path_factory.mktemp("layout")
    files = small_deck()
    files["_index.md"] = "---\ntitle: Test Deck\ntemplates: layouts\n---\nAn intro.\n"
    files[FRONT] = "".join(pieces)
    write_deck(root / "deck", files)
    (root / "outside.txt").write_text("SECRET-OUTSIDE\n")
    cwd = os.getcwd()
    os.chdir(root)
    try:
        result = CliRunner().invoke(main, ["build", "deck", "-f", "cards", "-o", "out"])
    finally:
        os.chdir(cwd)
    assert result.exit_code in (0, 1), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output and "internal error" not in result.output
    assert "SECRET-OUTSIDE" not in result.output
    assert not (root / MARKER).exists()
    assert not (root / "deck" / MARKER).exists()


def test_layout_markup_errors_name_the_layouts_own_line(run, tmp_path):
    files = small_deck()
    files["_index.md"] = "---\ntitle: Test Deck\ntemplates: layouts\n---\nAn intro.\n"
    files[FRONT] = (
        "{#- a comment line -#}\n"
        "<card>\n"
        "  <title>{{ technique.title }}</title>\n"
        '  <figure side="middle" src="x.png">\n'
        "    <para>text</para>\n"
        "  </figure>\n"
        "</card>\n"
    )
    write_deck(tmp_path / "deck", files)
    result = run("build", "deck", "-o", "out")
    assert f"deck/{FRONT}:4: error: layout markup: <figure side> must be left or right" in (
        result.output
    )
    files[FRONT] = (
        "<card>\n  <title>T</title>\n  <callout>\n    <frobnicate/>\n  </callout>\n</card>\n"
    )
    write_deck(tmp_path / "deck", files)
    result = run("build", "deck", "-o", "out")
    assert f"deck/{FRONT}:4: error: layout markup: <frobnicate> cannot stand inside <callout>" in (
        result.output
    )


def test_a_layout_colour_that_is_not_hex_is_named_with_its_element(run, tmp_path):
    files = small_deck()
    files["_index.md"] = "---\ntitle: Test Deck\ntemplates: layouts\n---\nAn intro.\n"
    for element in ("para", "steps"):
        inner = "<item>one</item>" if element == "steps" else "text"
        files[FRONT] = (
            f'<card>\n  <title>T</title>\n  <{element} colour="red">{inner}</{element}>\n</card>\n'
        )
        write_deck(tmp_path / "deck", files)
        result = run("build", "deck", "-o", "out")
        assert result.exit_code == 1
        assert (
            f"deck/{FRONT}:3: error: layout markup: <{element} colour> must be #RRGGBB, not 'red'"
            in result.output
        ), result.output
