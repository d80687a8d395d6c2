"""The loader: one test per rule, each with its whole input in view."""

from __future__ import annotations

import pytest
from conftest import small_deck, technique

from cards.content import load_deck
from cards.problems import ContentError


def problems_of(path):
    """Every problem as (file name, line, level, message) — raising or not."""
    try:
        _, found = load_deck(path)
    except ContentError as exc:
        found = exc.problems
    return [(p.path.name, p.line, p.level, p.message) for p in found]


def only_error(path) -> tuple[str, int, str]:
    errors = [(n, line, m) for n, line, level, m in problems_of(path) if level == "error"]
    assert len(errors) == 1, errors
    return errors[0]


# -- a good deck -----------------------------------------------------------------


def test_small_deck_loads_in_order(deck_dir):
    deck, warnings = load_deck(deck_dir(small_deck()))
    assert warnings == []
    assert deck.title == "Test Deck" and deck.slug == "test-deck"
    assert [s.title for s in deck.sections] == ["First", "Second"]
    assert [t.title for t in deck.techniques] == ["Alpha", "Beta", "Gamma"]
    assert [t.number for t in deck.techniques] == [1, 2, 3]
    alpha = deck.techniques[0]
    assert (alpha.hold, alpha.pressure, alpha.repeat) == ("5 seconds", "gentle", None)
    assert alpha.body[0].kind == "steps" and alpha.body[0].items == ("Press gently.", "Let go.")


def test_default_colour_is_the_next_unused_palette_colour_apart_from_its_neighbour(deck_dir):
    from cards.colour import NEIGHBOURS_APART, PALETTE, lightness

    deck, warnings = load_deck(deck_dir(small_deck()))
    assert not [w for w in warnings if "greyscale" in w.message]  # never about a colour not chosen
    assert deck.sections[0].colour == "#1D4F91" and deck.sections[0].colour_given
    # no palette colour is 20 apart from this mid-dark blue: the farthest one it is
    gaps = {c: abs(lightness(c) - lightness("#1D4F91")) for c in PALETTE}
    assert max(gaps.values()) < NEIGHBOURS_APART
    assert deck.sections[1].colour == max(gaps, key=gaps.__getitem__)
    assert not deck.sections[1].colour_given
    files = small_deck(**{"01-one/_index.md": "---\ntitle: First\n---\n"})
    deck, warnings = load_deck(deck_dir(files, name="plain"))
    assert [s.colour for s in deck.sections] == list(PALETTE[:2])
    assert not [w for w in warnings if "greyscale" in w.message]


def test_palette_colours_are_kept_apart_from_chosen_neighbours():
    from itertools import pairwise

    from cards.colour import NEIGHBOURS_APART, PALETTE, assign_colours, lightness, lightness_gap

    # between a dark and a light chosen colour no palette colour stands 20 apart
    # from both: the one that stands farthest from the nearer is taken
    squeezed = assign_colours([None, "#5A2A0A", None, "#00777F", None])
    gap = lightness_gap(squeezed[2], ("#5A2A0A", "#00777F"))
    spare = [c for c in PALETTE if c not in ("#5A2A0A", "#00777F", squeezed[0])]
    assert gap == max(lightness_gap(c, ("#5A2A0A", "#00777F")) for c in spare)
    for given in (
        [None] * 12,
        ["#2A6CB8", None, "#2B6DB9", None],
        ["#000000", None, "#FFFFFF", None, None],
    ):
        colours = assign_colours(given)
        assert [c for c, g in zip(colours, given) if g] == [g for g in given if g]
        for index, (a, b) in enumerate(pairwise(colours)):
            if given[index] and given[index + 1]:
                continue  # two chosen colours: the user's to mend, with a warning
            assert abs(lightness(a) - lightness(b)) >= NEIGHBOURS_APART, (given, colours)
        picked = [c for c, g in zip(colours, given) if not g]
        assert all(c in PALETTE for c in picked)
        assert len(set(picked)) == len(picked) or len(picked) > len(PALETTE)


def test_weight_sorts_before_file_name_and_draft_is_left_out(deck_dir):
    files = small_deck(
        **{
            "01-one/03-first.md": technique("Comes first", weight="1"),
            "01-one/04-hidden.md": technique("Hidden", draft="true"),
            "02-two/_index.md": "---\ntitle: Second\nweight: -1\n---\n",
        }
    )
    deck, _ = load_deck(deck_dir(files))
    assert [s.title for s in deck.sections] == ["Second", "First"]
    assert [t.title for t in deck.sections[1].techniques] == ["Comes first", "Alpha", "Beta"]
    assert "Hidden" not in [t.title for t in deck.techniques]


def test_files_starting_with_underscore_or_dot_are_ignored(deck_dir):
    files = small_deck(**{"01-one/_notes.md": "not a technique", "01-one/.draft.md": "x"})
    deck, warnings = load_deck(deck_dir(files))
    assert len(deck.techniques) == 3 and warnings == []


def test_markup_like_text_stays_text(deck_dir):
    body = '1. Press <b>hard</b> & {{ x }} {% if %}\n2. **Really** *gently* "quoted" -- ok'
    deck, _ = load_deck(
        deck_dir(small_deck(**{"01-one/01-alpha.md": technique("A <i> {{ y }}", body)}))
    )
    alpha = deck.techniques[0]
    assert alpha.title == "A <i> {{ y }}"
    first, second = alpha.body[0].items
    assert first == "Press &lt;b&gt;hard&lt;/b&gt; &amp; {{ x }} {% if %}"
    assert second == "<b>Really</b> <i>gently</i> “quoted” – ok"


def test_german_deck_gets_german_quotes(deck_dir):
    files = small_deck(**{"_index.md": "---\ntitle: Fußmassage\nlanguage: de\n---\n"})
    files["01-one/01-alpha.md"] = technique("'\"Sanft\"'", 'Er sagte "ja".')
    deck, _ = load_deck(deck_dir(files))
    assert deck.techniques[0].title == "„Sanft“"
    assert deck.techniques[0].body[0].items == ("Er sagte „ja“.",)


def test_bom_and_crlf_are_accepted_silently(deck_dir):
    text = "\ufeff---\r\ntitle: Alpha\r\npressure: firm\r\n---\r\n1. One\r\n2. Two\r\n"
    deck, warnings = load_deck(deck_dir(small_deck(**{"01-one/01-alpha.md": text.encode()})))
    assert warnings == []
    assert deck.techniques[0].pressure == "firm"
    assert deck.techniques[0].body[0].items == ("One", "Two")


# -- errors ------------------------------------------------------------------------


def test_missing_deck_folder(tmp_path):
    assert only_error(tmp_path / "nope") == ("nope", 1, "deck folder not found")


def test_deck_without_index(deck_dir):
    files = small_deck()
    del files["_index.md"]
    name, line, message = only_error(deck_dir(files))
    assert (name, line) == ("_index.md", 1) and message.startswith("not a deck")


def test_section_without_index(deck_dir):
    files = small_deck()
    del files["02-two/_index.md"]
    name, line, message = only_error(deck_dir(files))
    assert (name, line) == ("_index.md", 1) and "section has no _index.md" in message


def test_empty_deck(deck_dir):
    folder = deck_dir({"_index.md": "---\ntitle: Empty\n---\n"})
    assert only_error(folder)[2].startswith("the deck has no techniques")


def test_missing_front_matter(deck_dir):
    folder = deck_dir(small_deck(**{"01-one/01-alpha.md": "# Alpha\n\nNo front matter.\n"}))
    assert only_error(folder) == (
        "01-alpha.md",
        1,
        "missing front matter: the file must start with a '---' line",
    )


def test_unclosed_front_matter(deck_dir):
    folder = deck_dir(small_deck(**{"01-one/01-alpha.md": "---\ntitle: Alpha\n"}))
    assert only_error(folder)[2] == "front matter is not closed: add a '---' line after it"


def test_yaml_syntax_error_names_its_line(deck_dir):
    text = "---\ntitle: Alpha\nhold: [5 seconds\npressure: firm\n---\nBody\n"
    name, line, message = only_error(deck_dir(small_deck(**{"01-one/01-alpha.md": text})))
    assert name == "01-alpha.md" and line == 3  # where the [ opened, never closed
    assert message.startswith("front matter is not valid YAML")
    assert message.endswith("(while parsing a flow sequence that starts here)")


def test_stray_colon_in_a_value(deck_dir):
    text = "---\ntitle: Alpha: the first: one\n---\nBody\n"
    name, line, message = only_error(deck_dir(small_deck(**{"01-one/01-alpha.md": text})))
    assert (name, line) == ("01-alpha.md", 2) and "not valid YAML" in message
    assert message.endswith("a value that holds ': ' must be in quotes")


def test_front_matter_that_is_not_a_mapping(deck_dir):
    text = "---\n- title\n- Alpha\n---\nBody\n"
    assert only_error(deck_dir(small_deck(**{"01-one/01-alpha.md": text})))[2].startswith(
        "front matter must be 'name: value' lines"
    )


def test_missing_title(deck_dir):
    text = "---\npressure: firm\n---\nBody\n"
    assert only_error(deck_dir(small_deck(**{"01-one/01-alpha.md": text}))) == (
        "01-alpha.md",
        1,
        "missing required field 'title'",
    )


def test_title_as_a_list(deck_dir):
    text = "---\nhold: 5 s\ntitle: [a, b]\n---\nBody\n"
    assert only_error(deck_dir(small_deck(**{"01-one/01-alpha.md": text}))) == (
        "01-alpha.md",
        3,
        "title must be text (got a list)",
    )


def test_weight_as_text(deck_dir):
    folder = deck_dir(small_deck(**{"01-one/01-alpha.md": technique("Alpha", weight="first")}))
    assert only_error(folder) == ("01-alpha.md", 3, "weight must be a whole number (got 'first')")


def test_invalid_pressure_in_contract_words(deck_dir):
    folder = deck_dir(small_deck(**{"01-one/01-alpha.md": technique("Alpha", pressure="hard")}))
    assert only_error(folder) == (
        "01-alpha.md",
        3,
        "pressure must be one of gentle, medium, firm (got 'hard')",
    )


def test_invalid_colour(deck_dir):
    files = small_deck(**{"02-two/_index.md": "---\ntitle: Second\ncolour: blue\n---\n"})
    assert only_error(deck_dir(files)) == ("_index.md", 3, "colour must be #RRGGBB (got 'blue')")


def test_unquoted_hash_colour_explains_the_comment(deck_dir):
    files = small_deck(**{"02-two/_index.md": "---\ntitle: Second\ncolour: #1D4F91\n---\n"})
    _name, line, message = only_error(deck_dir(files))
    assert line == 3 and "quote it" in message


def test_invalid_language(deck_dir):
    files = small_deck(**{"_index.md": "---\ntitle: T\nlanguage: English!\n---\n"})
    assert only_error(deck_dir(files))[2].startswith("language must be a language tag")


def test_draft_must_be_true_or_false(deck_dir):
    folder = deck_dir(small_deck(**{"01-one/01-alpha.md": technique("Alpha", draft="maybe")}))
    assert only_error(folder)[2] == "draft must be true or false (got 'maybe')"


def test_not_utf8_gives_the_byte_offset(deck_dir):
    raw = "---\ntitle: Caf\xe9\n---\nBody\n".encode("latin-1")
    name, line, message = only_error(deck_dir(small_deck(**{"01-one/01-alpha.md": raw})))
    assert (name, line) == ("01-alpha.md", 2)
    assert message == "not UTF-8: byte 0xe9 at offset 14; save the file as UTF-8"


def test_file_over_one_megabyte_is_refused(deck_dir):
    big = technique("Alpha", "word " * 210_000)
    _name, _line, message = only_error(deck_dir(small_deck(**{"01-one/01-alpha.md": big})))
    assert "the limit is 1,000,000 (1 MB)" in message


def test_every_problem_is_reported_at_once(deck_dir):
    files = small_deck(
        **{
            "01-one/01-alpha.md": technique("Alpha", pressure="hard"),
            "01-one/02-beta.md": technique("Beta", weight="x"),
        }
    )
    errors = [p for p in problems_of(deck_dir(files)) if p[2] == "error"]
    assert [e[0] for e in errors] == ["01-alpha.md", "02-beta.md"]


# -- warnings -----------------------------------------------------------------------


def warnings_of(path):
    return [(n, line, m) for n, line, level, m in problems_of(path) if level == "warning"]


def test_unknown_field_suggests_the_nearest_name(deck_dir):
    folder = deck_dir(small_deck(**{"01-one/01-alpha.md": technique("Alpha", presure="firm")}))
    [(name, line, message)] = warnings_of(folder)
    assert (name, line) == ("01-alpha.md", 3)
    assert message.startswith("unknown field 'presure' ignored; did you mean 'pressure'?")


def test_duplicate_titles(deck_dir):
    folder = deck_dir(small_deck(**{"02-two/01-gamma.md": technique("alpha")}))
    assert warnings_of(folder) == [
        ("01-gamma.md", 1, "duplicate title 'alpha' (also in 01-alpha.md)")
    ]


def test_section_without_techniques(deck_dir):
    files = small_deck(**{"03-three/_index.md": "---\ntitle: Third\n---\n"})
    assert warnings_of(deck_dir(files)) == [("_index.md", 1, "section has no techniques")]


def test_light_colour_warns_about_contrast(deck_dir):
    files = small_deck(**{"02-two/_index.md": '---\ntitle: Second\ncolour: "#7F7F7F"\n---\n'})
    [(_name, line, message)] = warnings_of(deck_dir(files))
    assert line == 3 and "below 4.5:1 (WCAG AA)" in message


@pytest.mark.parametrize(
    "body, expected",
    [
        ("| a | b |\n|---|---|\n| 1 | 2 |\n", "tables are not supported"),
        ("<div>hi</div>\n", "raw HTML is not supported"),
        ("See ![a foot](foot.png)\n", "images in the body are not supported"),
    ],
)
def test_markdown_the_layouts_cannot_show_warns_and_stays_text(deck_dir, body, expected):
    folder = deck_dir(small_deck(**{"01-one/01-alpha.md": technique("Alpha", body)}))
    [(_name, line, message)] = warnings_of(folder)
    assert line == 4 and message.startswith(expected)
    deck, _ = load_deck(folder)
    assert deck.techniques[0].body  # still shown, as text


def test_technique_outside_a_section_is_ignored_with_a_warning(deck_dir):
    folder = deck_dir(small_deck(**{"stray.md": technique("Stray")}))
    assert warnings_of(folder) == [
        ("stray.md", 1, "ignored: a technique must be inside a section folder")
    ]


def test_default_deck_is_clean():
    from conftest import DEFAULT_DECK

    deck, warnings = load_deck(DEFAULT_DECK)
    assert warnings == []
    assert deck.technique_count == 13
    assert [len(s.techniques) for s in deck.sections] == [4, 4, 3, 2]
    titles = [t.title for t in deck.techniques]
    assert len(set(titles)) == 13


# -- what people actually type ------------------------------------------------------


def test_capitalised_pressure_and_quoted_weight_are_understood(deck_dir):
    files = small_deck(**{"01-one/01-alpha.md": technique("Alpha", pressure="Firm", weight='"2"')})
    deck, warnings = load_deck(deck_dir(files))
    alpha = next(t for t in deck.techniques if t.title == "Alpha")
    assert (alpha.pressure, alpha.weight, warnings) == ("firm", 2, [])


def test_empty_optional_fields_mean_absent(deck_dir):
    text = "---\ntitle: Alpha\npressure:\nhold: ''\nweight:\n---\nBody\n"
    deck, warnings = load_deck(deck_dir(small_deck(**{"01-one/01-alpha.md": text})))
    alpha = next(t for t in deck.techniques if t.title == "Alpha")
    assert (alpha.pressure, alpha.hold, alpha.weight, warnings) == (None, None, None, [])


def test_empty_title_is_still_an_error(deck_dir):
    folder = deck_dir(small_deck(**{"01-one/01-alpha.md": "---\ntitle: ''\n---\nBody\n"}))
    assert only_error(folder)[2] == "title must not be empty"


def test_html_comments_are_the_authors_and_vanish(deck_dir):
    body = "<!-- check this with Anna -->\n1. Press <!-- softly? --> gently.\n"
    deck, warnings = load_deck(
        deck_dir(small_deck(**{"01-one/01-alpha.md": technique("Alpha", body)}))
    )
    assert warnings == []
    assert deck.techniques[0].body[0].items == ("Press  gently.",)


def test_markdown_files_with_another_ending_are_pointed_out(deck_dir):
    folder = deck_dir(small_deck(**{"01-one/03-gamma.markdown": technique("Delta")}))
    assert warnings_of(folder) == [
        ("03-gamma.markdown", 1, "ignored: techniques are .md files; rename it to 03-gamma.md")
    ]


def test_neighbouring_sections_alike_in_greyscale_warn(deck_dir):
    files = small_deck(**{"02-two/_index.md": '---\ntitle: Second\ncolour: "#1E4E93"\n---\n'})
    [(name, line, message)] = warnings_of(deck_dir(files))
    assert (name, line) == ("_index.md", 3)
    assert message.startswith(
        "sections 1 and 2 look alike in greyscale: #1D4F91 and #1E4E93 are 0 apart in lightness"
    )


def test_palette_neighbours_differ_in_lightness():
    from itertools import pairwise

    from cards.colour import PALETTE, contrast, lightness

    for a, b in pairwise((*PALETTE, PALETTE[0])):
        assert abs(lightness(a) - lightness(b)) >= 20, (a, b)
    for colour in PALETTE:
        assert contrast(colour, "#FFFFFF") >= 4.5, colour  # white band text at WCAG AA
    assert len({colour.upper() for colour in PALETTE}) == len(PALETTE) >= 4


def test_control_characters_escaped_in_yaml_are_dropped(deck_dir):
    files = small_deck(**{"01-one/01-alpha.md": '---\ntitle: "Al\\x07pha\\x00"\n---\n1. Press.\n'})
    deck, _ = load_deck(deck_dir(files))
    assert deck.techniques[0].title == "Alpha"
