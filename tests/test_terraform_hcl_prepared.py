"""The prepared text of a ``.tf`` file (cwlint.terraform.hcl): simple lines cut and plain
strings blanked before tree-sitter reads it. Whatever the file, reading it that way gives
exactly what reading the real file gives: the same syntax tree (lines and columns
included), or the same error on the same line."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cwlint.terraform import hcl
from cwlint.terraform.syntax import Attribute, Literal, ObjectExpr, Template, Variable


def read_real(text: str, monkeypatch: pytest.MonkeyPatch) -> Any:
    """What parsing ``text`` from its real tree gives: a body, or (error, line)."""
    with monkeypatch.context() as patched:
        patched.setattr(hcl, "_parse_prepared", lambda source: None)
        return outcome(text)


def outcome(text: str) -> Any:
    try:
        return hcl.parse(text)
    except hcl.HclError as error:
        return (error.message, error.line)


def through_prepared_text(text: str) -> bool:
    """Whether ``text`` is read from its prepared text (not given up for the real one)."""
    source = text.encode()
    return hcl._parse_prepared(source) is not None


# Each file is read through the prepared text, with lines cut.
_CUT_FILES = [
    # attributes of blocks, nested blocks, the file; a line cut first and last in a block
    'resource "aws_vpc" "main" {\n  cidr_block = "10.0.0.0/16"\n  enable_dns = true\n}\n',
    'a = 1\nb = "two"\nlocals {\n  c = var.x\n  d = null\n  e = aws_vpc.main.id\n}\n',
    'x {\n  y {\n    z {\n      k = "v v"\n    }\n    m = 2\n  }\n}\n',
    # object elements: name and quoted keys, '=' and ':', beside elements not cut
    't = {\n  Name = "web"\n  "Team" = "payments"\n  "k": 3\n  other = "${var.x}"\n}\n',
    'p = jsonencode({\n  Statement = [{\n    Effect = "Allow"\n    Action = ["a:B"]\n  }]\n})\n',
    # comments between cut lines, in bodies and in objects
    'r "a" {\n  # about a\n  a = 1\n  /* about b */\n  b = 2\n  // end\n}\n',
    'o = {\n  # first\n  a = 1 # not cut: a comment follows\n  b = 2\n}\n',
    # Windows line breaks, tabs, spaces before the line break
    'r "a" {\r\n\ta = "x y"\r\n  b = 2   \r\n}\r\n',
    # non-ASCII text elsewhere on the line's neighbours: columns stay in characters
    'r "ü" {\n  name = "naïve"\n  tags = { "Ünïcode" = "väl" }\n}\n',
    # tuples of simple values, a trailing comma, an empty tuple, commas inside strings
    'r "a" {\n  ids = [aws_subnet.a.id, "b", 3,]\n  none = []\n'
    '  o = {\n    k = ["x, y", z]\n  }\n}\n',
    # a line HCL reads as something else than its text suggests is not cut
    'r "a" {\n  a = null.x\n  b = true\n  c = 007\n  d = [1, null.x]\n}\n',
]

# Each file has a line the pass cuts where the tree shows it is not an attribute or
# element: its prepared tree is given up, and the real file is read. (Spaces after a
# heredoc's opening marker: the pass does not take it for a heredoc, tree-sitter does.
# Heredocs and comments the pass does recognise are skipped: nothing in them is cut.)
_UNVOUCHED_FILES = [
    'doc = <<EOT  \n  a = "b"\nEOT\n',
    'doc = <<-EOT \n  a = 1\n  EOT\nc = 2\n',
    # tree-sitter reads a conditional going on after a line break (Terraform does not)
    'x = a ?\n  b : c\n',
]

# Each file is an error: the same error on the same line either way.
_BAD_FILES = [
    'r "a" {\n  "quoted" = 1\n}\n',            # a quoted key in a body
    'r "a" {\n  a: 1\n}\n',                    # ':' in a body
    'r "a" {\n  a = 1\n  a = 2\n}\n',          # an attribute twice
    'r "a" {\n  a = {\n    x = 1\n  }\n  a = 2\n}\n',
    'x = [\n  a = 1\n]\n',                     # an element in a tuple
    'x = (\n  a = 1\n)\n',
    'r "a"\n  a = 1\n{\n}\n',                   # a line between the labels and '{'
    'r "a" {\n  a = 1\n',                      # a block not closed
    'a = 1\nb = 2 +\nc = 3\n',                 # an expression that goes on
    'x = f(\n  a = 1\n)\n',
]


@pytest.mark.parametrize("text", _CUT_FILES)
def test_cut_lines_give_the_tree_of_the_real_file(text: str,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    assert hcl._prepared(text.encode()).cuts, "the test means a file with lines to cut"
    assert through_prepared_text(text)
    assert outcome(text) == read_real(text, monkeypatch)


@pytest.mark.parametrize("text", _UNVOUCHED_FILES)
def test_a_line_cut_where_it_is_not_an_attribute_gives_the_prepared_tree_up(
        text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    assert hcl._prepared(text.encode()).cuts, "the test means a file with a line cut"
    assert not through_prepared_text(text)
    assert outcome(text) == read_real(text, monkeypatch)


@pytest.mark.parametrize("text", _BAD_FILES)
def test_errors_are_those_of_the_real_file(text: str,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    real = read_real(text, monkeypatch)
    assert isinstance(real, tuple), "the test means a file HCL rejects"
    assert outcome(text) == real


def test_a_cut_line_keeps_its_line_and_column() -> None:
    body = hcl.parse('r "a" {\n\n    name = "x"\n  tags = {\n    Team = web\n  }\n}\n')
    block = body.blocks[0]
    assert block.body.attributes["name"] == Attribute("name", Template(3, ("x",)), 3, 5)
    tags = block.body.attributes["tags"].expr
    assert tags == ObjectExpr(4, ((Literal(5, "Team"), Variable(5, "web")),))


@pytest.mark.parametrize("text", ['doc = <<EOT\n  a = "b"\nEOT\n',
                                  '/*\n  a = "b"\n*/\n', 'x = "a = 1" # a = 1\n'])
def test_nothing_is_cut_from_heredocs_comments_and_strings(text: str) -> None:
    assert hcl._prepared(text.encode()).cuts == []


def test_the_prepared_text_maps_its_lines_to_the_file_lines() -> None:
    text = 'r "a" {\n  a = 1\n  "b" = "c"\n  d = {\n    e: f\n  }\n}\n'
    prepared = hcl._prepared(text.encode())
    assert [c.line for c in prepared.cuts] == [2, 3, 5]
    assert prepared.text == b'r "a" {\n  d = {\n  }\n}\n'
    assert prepared.lines == [1, 4, 6, 7, 8]  # the last: after the final line break


_LINES = [
    'a = 1', 'b = "text here"', 'c = aws_vpc.main.id', 'd = null.x', '"q" = "v"', 'k: v',
    'e = true', 'r "t" "n" {', 'blk {', '}', 'o = {', 'l = [', ']', '],', 'x = jsonencode({',
    '})', 'h = <<EOT', 'EOT', '/*', '*/', '# a comment', 'f = (', ')', 'g = a ?', ': b',
    'i = "${var.x}-y"', 'j = f(', 'k = [a, "b, c"]', 'm = [null.x, 1]', '  Name = "web"',
    '"Team" = "x",', 'a = 1 # c', '',
]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_LINES), max_size=14),
       st.sampled_from(["\n", "\r\n"]), st.sampled_from(["", "  ", "\t"]))
def test_any_arrangement_of_lines_reads_as_the_real_file(lines: list[str], newline: str,
                                                         indent: str) -> None:
    text = newline.join(indent + line for line in lines) + newline
    with pytest.MonkeyPatch.context() as monkeypatch:
        assert outcome(text) == read_real(text, monkeypatch)
