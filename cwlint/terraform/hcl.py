"""Terraform ``.tf`` files (HCL native syntax) into cwlint's syntax tree, parsed with
tree-sitter and the ``tree-sitter-hcl`` grammar.

**Why tree-sitter.** The grammar ships as a prebuilt wheel with its own import name, so
it never clashes with the ``hcl2`` package that checkov's bc-python-hcl2 and python-hcl2
both install; it parses a large corpus in seconds, and what it rejects Terraform rejects
too (``terraform fmt`` is the reference: heredoc end markers followed by spaces, a line
starting with ``||`` inside parentheses, ``=>`` on the next line of a ``for`` and
non-ASCII identifiers are all read).

**One tree.** A file is parsed once; every expression, including those inside ``${...}``
and ``%{...}`` of strings and heredocs, is converted from that one tree. Lines come from
the byte spans of the nodes (1-based), columns from the characters before them. The tree
is that of the file's *prepared* text, which tree-sitter reads two to three times as fast:
its simple one-line attributes and object elements cut (read from their text, and put
back where they were) and the text of its plain strings blanked, when the tree shows each
cut line to be an attribute or element and each blanked span a string's, comment's or
heredoc's text (see "the text tree-sitter reads" below); else that of the file.

The grammar hides a few things this module puts back:

* an expression term is a flat run of children (``a``, ``.b``, ``[0]``, ``( ... )``):
  :meth:`_Converter.term` reads the primary, then each step;
* chains of binary and conditional operators are flattened in source order and rebuilt
  with HCL's precedence (conditionals nest to the right), whatever the grammar's own
  associativity;
* an attribute-only splat (``a.*.b``) takes attribute steps only: an index after it
  applies to the splat's result, as HCL specifies;
* the literal text of a template is the source between its interpolations and
  directives (whitespace included), with escapes applied, and ``<<-`` indentation removed.

Every syntax error is an :class:`HclError` with a one-line message and the 1-based line.
"""

from __future__ import annotations

import re
import sys
from bisect import bisect_right
from collections.abc import Sequence
from functools import lru_cache
from typing import Any, NamedTuple

import msgspec

from cwlint.terraform.syntax import (
    Attribute,
    Binary,
    Block,
    Body,
    Call,
    Conditional,
    Expr,
    ForExpr,
    GetAttr,
    HclError,
    Index,
    Interpolation,
    Literal,
    ObjectExpr,
    Splat,
    SplatItem,
    Template,
    TupleExpr,
    Unary,
    Variable,
)
from cwlint.terraform.templates import check_strings, nest

__all__ = ["HclError", "parse", "parse_expression", "parse_template"]

_MAX_DEPTH = 64
_UNEXPECTED_END = ("unexpected end of file: a block, bracket or string is not closed, or an "
                   "expression is not complete")
_EXPRESSION_ATTRIBUTE = "__cwlint_expression__"
_LITERAL_NAMES = {"true": True, "false": False, "null": None}

#: Binary operators by precedence (HCL native syntax spec), higher binds tighter.
_PRECEDENCE = {"||": 1, "&&": 2, "==": 3, "!=": 3, "<": 4, ">": 4, "<=": 4, ">=": 4,
               "+": 5, "-": 5, "*": 6, "/": 6, "%": 6}
_SIMPLE_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}
_LITERAL_SPECIAL = re.compile(r"\\|\$\$\{|%%\{")
_HEREDOC_OPENING = re.compile(rb"<<(-?)([^\s]+)[ \t]*\r?\n")
#: Expression children that are a whole expression when alone (no operator, no step).
_SIMPLE_PRIMARIES = frozenset({"literal_value", "template_expr", "collection_value",
                               "variable_expr", "function_call", "for_expr"})
#: Tokens that say little about where an error is: the first other token is quoted.
_STRUCTURAL = frozenset({"{", "}", "(", ")", "[", "]", "=", ",", ":", "block_start",
                         "block_end", "object_start", "object_end", "tuple_start",
                         "tuple_end"})


@lru_cache(maxsize=1)
def _language() -> Any:
    import tree_sitter_hcl
    from tree_sitter import Language

    return Language(tree_sitter_hcl.language())


def _syntax_tree(source: bytes) -> Any:
    from tree_sitter import Parser

    return Parser(_language()).parse(source)


# --- public API ---------------------------------------------------------------------------


def parse(text: str) -> Body:
    """The body of one ``.tf`` file (raises :class:`HclError`)."""
    if text.startswith("\ufeff"):
        text = text[1:]
    source = text.encode("utf-8", "surrogatepass")
    body = _parse_prepared(source)
    if body is not None:
        return body
    root = _syntax_tree(source).root_node
    if root.has_error:
        raise _syntax_error(root, text, source, 0)
    return _file_body(_Converter(source, 0), root)


def _file_body(converter: _Converter, root: Any) -> Body:
    body = Body()
    previous = None
    for child in root.children:
        if converter.next_cut <= child.start_byte:  # lines cut around the file's body
            converter.cut_attributes(body, 0 if previous is None else previous.end_byte,
                                     child.start_byte)
        previous = child
        kind = converter.names[child.kind_id]
        if kind == "body":
            converter.body(child, into=body)
        elif kind != "comment":
            raise HclError("expected attributes and blocks, not a bare object",
                           converter.line(child))
    if converter.next_cut < _NO_CUT:
        converter.cut_attributes(body, 0 if previous is None else previous.end_byte, _NO_CUT)
    return body


# --- the text tree-sitter reads: simple lines cut, plain strings blanked --------------------
#
# Most of tree-sitter's time goes to the bytes and tokens it reads, and most lines of a
# module are one attribute or object element with a simple value, which the converter
# reads from its text anyway. So a file is first parsed as its *prepared* text:
#
# * **Simple lines cut.** A line that is only ``key = value`` or ``key: value``, its key a
#   name or a quoted string of literal text and its value what :meth:`_Converter.simple_text`
#   reads (a number, a plain quoted string, ``true``/``false``/``null`` or a reference such
#   as ``aws_vpc.main.id``, or a tuple of those on the line), is removed with its line
#   break; every other line keeps its columns, the converter maps its row back to its line
#   in the file, and puts the attribute (or element) back where the line was. It is a
#   complete attribute or element there only when, in the prepared tree, the line falls
#   between two children of a body, a block or an object (between the brackets): the
#   same text precedes it in both files, so the parser is in the same state before it,
#   and after such a line it is in that state again. A line anywhere else (in a
#   heredoc, a comment, a tuple, a block's labels) or of the wrong kind (``key: value`` or
#   a quoted key in a body) gives the prepared tree up.
# * **Plain strings blanked.** The grammar's scanner reads the text of a string one
#   character at a time, a token each. The text of each plain string (no ``$``, ``%``,
#   unescaped quote or line break in it, and no escape but HCL's own ``\n``, ``\r``, ``\t``,
#   ``\"``, ``\\``, ``\u`` and ``\U``) is replaced by ``x`` and spaces, one token, of the same
#   length, and the converter reads the real text at the same bytes. That is the real
#   string's tree when each blanked span is, in it, the text of a string, a comment or a
#   heredoc: the same bytes precede the span in both texts, so it starts in the same
#   context, and neither text can end a string (its only quotes are escaped), a comment or
#   a heredoc (no ``*/`` or line break) nor start anything else. Each span is checked:
#   strings as the converter reads them (which rejects an escape HCL does not have), the
#   rest in the tree.
#
# When a check fails, or the prepared text has a syntax error, the real file is parsed
# instead (and says where the error is).

#: ``a`` or ``a.b.c``: a variable and attribute steps, without spaces or comments (HCL
#: identifiers may contain ``-``: ``a-b`` is one name, ``a - b`` a subtraction).
_REFERENCE = re.compile(rb"[A-Za-z_][A-Za-z0-9_-]*(?:\.[A-Za-z_][A-Za-z0-9_-]*)*")
#: A quoted string that is literal text only: no escape, no ``${``/``%{`` (nor ``$``, ``%``).
_PLAIN_STRING = re.compile(rb'"[^"\\$%\r\n]*"')
_DIGITS = re.compile(rb"[0-9]+")
#: The bytes a :meth:`_Converter.simple` expression can start with.
_SIMPLE_FIRST = frozenset(b'"0123456789_ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz')
#: ``name =`` before the value of an attribute written on one line.
_ATTRIBUTE_HEAD = re.compile(rb"([A-Za-z_][A-Za-z0-9_-]*)[ \t]*=[ \t]*")
#: ``key =`` or ``key:`` before the value of an object element written on one line: a
#: name (group 1) or a quoted string that is literal text only (group 2), and ``=`` or
#: ``:`` (group 3).
_ELEMENT_HEAD = re.compile(
    rb'(?:([A-Za-z_][A-Za-z0-9_-]*)|"([^"\\$%\r\n]*)")[ \t]*([=:])[ \t]*')
#: What :func:`_simple_value` reads: a plain quoted string, digits or a reference.
_SIMPLE_TEXT = b"(?:%s)" % b"|".join(p.pattern for p in (_PLAIN_STRING, _DIGITS, _REFERENCE))

#: One pass over the file finds both. Group 4 (with the key in 1 or 2 and ``=`` or ``:`` in
#: 3) is the value of a line to cut, matched from the line break before it (so the first
#: line of a file is never cut): every alternative starts with a given byte, which lets
#: the regular expression engine skip to the next such byte. Group 5 is the text of a plain
#: string of 4 characters or escapes or more, without ``*/``, to blank. The rest is
#: skipped, so that what is inside it is not taken for either: comments, heredocs, other
#: strings (with other escapes, or interpolations holding no braces and only plain
#: strings).
_PREPARABLE = re.compile(rb"""
    \n [ \t]* ELEMENT_HEAD
      ( SIMPLE | \[[ \t]* (?:SIMPLE (?:[ \t]*,[ \t]* SIMPLE)* [ \t]* ,? [ \t]*)? \] )
      [ \t]* \r? (?=\n)
  | "((?=(?:[^"\\$%\r\n*] | \*(?!/) | \\[nrt"\\uU]){4})
      [^"\\$%\r\n*]* (?:(?:\*(?!/) | \\[nrt"\\uU]) [^"\\$%\r\n*]*)*)"
  | \#[^\n]* | //[^\n]* | /\*.*?\*/
  | <<-?([A-Za-z_][\w-]*)\r?\n.*?^[ \t]*\6[ \t]*\r?$
  | "(?:[^"\\\r\n$%] | \\. | [$%](?!\{) | [$%]\{(?:[^{}"\r\n] | "(?:[^"\\\r\n] | \\.)*")*\})*"
""".replace(b"ELEMENT_HEAD", _ELEMENT_HEAD.pattern).replace(b"SIMPLE", _SIMPLE_TEXT),
    re.DOTALL | re.MULTILINE | re.VERBOSE)
#: The items of a tuple cut (validated by :data:`_PREPARABLE`), in order.
_SIMPLE_ITEM = re.compile(_SIMPLE_TEXT, re.VERBOSE)
#: Spans the tree, not the converter, has to vouch for before the blanked tree is given up.
_UNCONFIRMED_LIMIT = 256
#: ``next_cut`` when no cut line is left to put back.
_NO_CUT = sys.maxsize


class _CutElement(msgspec.Struct, frozen=True):
    """A line cut from the prepared text that only an object element can be (a quoted key,
    or ``:``): its 1-based line, its key and its value. (A line ``name = value`` is cut
    as the :class:`Attribute` it is in a body; in an object, it is an element too.)"""

    line: int
    key: Expr
    value: Expr


#: A line cut from the prepared text.
_Cut = Attribute | _CutElement


class _Unvouched(Exception):
    """The prepared tree cannot be vouched for: a cut line where it would not be one."""


class _Prepared(NamedTuple):
    """The text tree-sitter reads, and what the converter needs to read it as the file."""

    #: The file with its simple lines cut: what the converter reads text from.
    text: bytes
    #: That text with its plain strings blanked: what tree-sitter parses.
    blanked: bytes
    #: Blanked spans of ``blanked`` (start -> end).
    spans: dict[int, int]
    #: The lines cut, in order ...
    cuts: list[_Cut]
    #: ... and where each was in ``text`` (the start of the next line kept).
    offsets: list[int]
    #: The 1-based line in the file of each 0-based row of ``text``.
    lines: list[int]


def _prepared(source: bytes) -> _Prepared:
    """The text tree-sitter reads for ``source`` (see above)."""
    text: list[bytes] = []
    blanked: list[bytes] = []
    spans: dict[int, int] = {}
    cuts: list[_Cut] = []
    offsets: list[int] = []
    text_copied = blanked_copied = 0  # bytes of source copied into each, up to here
    removed = 0  # bytes cut before the current match
    row = counted = 0  # the 0-based line of byte ``counted``
    lines: list[int] = []  # the 1-based numbers of the lines kept ...
    next_line = 1  # ... up to this one
    for found in _PREPARABLE.finditer(source):
        group = found.lastindex
        if group == 4:  # a line to cut (from the line break before it)
            start, end = found.span()
            row += source.count(b"\n", counted, start)
            counted = start
            line = row + 2  # 1-based: ``row`` is that of the line before
            written = found[4]
            if written[0] == 0x5B:  # '[': a tuple of simple values
                value = _simple_tuple(written, line)
            else:
                value = _simple_value(written, line, 1)
            if value is None:  # such as null.x: read from the tree
                continue
            name, quoted, separator = found.group(1, 2, 3)
            cut: _Cut
            if name is None:
                key = quoted.decode("utf-8", "surrogatepass")
                cut = _CutElement(line, Template(line, (key,) if key else ()), value)
            elif separator == b"=":
                cut = Attribute(name.decode("ascii"), value, line, found.start(1) - start)
            else:
                cut = _CutElement(line, Literal(line, name.decode("ascii")), value)
            cuts.append(cut)
            offsets.append(start - removed + 1)  # after the line break left
            lines.extend(range(next_line, line))
            next_line = line + 1
            text.append(source[text_copied:start])
            blanked.append(source[blanked_copied:start])
            text_copied = blanked_copied = end
            removed += end - start
        elif group == 5:  # a string to blank
            start, end = found.span(5)
            blanked.append(source[blanked_copied:start])
            blanked.append(b"x".ljust(end - start))
            blanked_copied = end
            spans[start - removed] = end - removed
    text.append(source[text_copied:])
    blanked.append(source[blanked_copied:])
    lines.extend(range(next_line, row + source.count(b"\n", counted) + 2))
    return _Prepared(b"".join(text), b"".join(blanked), spans, cuts, offsets, lines)


def _parse_prepared(source: bytes) -> Body | None:
    """The body of a file read through its prepared text; None when that text changes
    nothing, or its tree cannot be vouched for or holds a syntax error (the caller parses
    the real file)."""
    prepared = _prepared(source)
    if not prepared.spans and not prepared.cuts:
        return None
    root = _syntax_tree(prepared.blanked).root_node
    if root.has_error:
        return None
    converter = _Converter(prepared.text, 0, strings=set(), cuts=prepared.cuts,
                           cut_offsets=prepared.offsets, lines=prepared.lines)
    try:
        body = _file_body(converter, root)
    except (HclError, _Unvouched):
        return None  # said from the real file's tree
    strings = converter.strings
    assert strings is not None
    spans = prepared.spans
    unconfirmed = spans.keys() - strings
    if len(unconfirmed) > _UNCONFIRMED_LIMIT:
        return None
    names = _kind_names()
    for start in unconfirmed:
        node = root.descendant_for_byte_range(start, spans[start])
        if names[node.kind_id] not in ("comment", "template_literal", "heredoc_template"):
            return None
    return body


def parse_template(text: str, line: int = 1) -> Template:
    """A string read as a template (a string of Terraform's JSON syntax, already decoded
    from JSON), its first character on ``line``."""
    if "${" not in text and "%{" not in text:
        return Template(line, (text,) if text else ())
    marker = "CWLINT_TEMPLATE_END"
    while marker in text:
        marker += "_"
    wrapped = f"{_EXPRESSION_ATTRIBUTE} = <<{marker}\n{text}\n{marker}\n"
    source = wrapped.encode("utf-8", "surrogatepass")
    root = _syntax_tree(source).root_node
    if root.has_error:
        raise _syntax_error(root, wrapped, source, line - 2)
    body = _Converter(source, line - 2).body(_kids(root)[0])
    template = body.attributes[_EXPRESSION_ATTRIBUTE].expr
    assert isinstance(template, Template)
    parts = list(template.parts)
    if parts and isinstance(parts[-1], str):  # the new line before the end marker
        parts[-1] = parts[-1][:-1]
        if not parts[-1]:
            parts.pop()
    return Template(line, tuple(parts))


def parse_expression(text: str, line: int = 1) -> Expr:
    """One expression, such as a reference string of a plan (``aws_subnet.a[0].id``)."""
    if "\n" in text:  # an expression spanning lines: parentheses let it
        wrapped, offset = f"{_EXPRESSION_ATTRIBUTE} = (\n{text}\n)\n", line - 2
    else:
        wrapped, offset = f"{_EXPRESSION_ATTRIBUTE} = {text}\n", line - 1
    source = wrapped.encode("utf-8", "surrogatepass")
    root = _syntax_tree(source).root_node
    if root.has_error:
        raise _syntax_error(root, wrapped, source, offset)
    children = _kids(root)
    body = _Converter(source, offset).body(children[0]) if children else Body()
    if len(body.attributes) != 1 or body.blocks or _EXPRESSION_ATTRIBUTE not in body.attributes:
        raise HclError(f"not a single expression: {text[:40]!r}", line)
    return body.attributes[_EXPRESSION_ATTRIBUTE].expr


# --- syntax errors ------------------------------------------------------------------------


def _syntax_error(root: Any, text: str, source: bytes, offset: int) -> HclError:
    """A one-line error for the first place the grammar could not parse."""
    check_strings(text, offset)  # an unclosed string or heredoc, said plainly
    node = _first_error(root)
    if node is None:  # pragma: no cover - has_error always has such a node
        return HclError("invalid HCL", offset + 1)
    rest = source[node.start_byte:].strip()
    last_line = offset + max(1, len(text.rstrip().splitlines()))
    if node.is_missing:
        if not rest:
            return HclError(_UNEXPECTED_END, last_line)
        found = rest.split()[0].decode("utf-8", "replace")[:40]
        return HclError(f"unexpected {found!r}: expected {node.type!r} before it",
                        node.start_point[0] + 1 + offset)
    leaf = _telling_leaf(node)
    if leaf is None or leaf.start_byte >= len(source.rstrip()):
        return HclError(_UNEXPECTED_END, last_line)
    row = leaf.start_point[0]
    found = source[leaf.start_byte:leaf.end_byte].decode("utf-8", "replace").strip()
    if not found:  # a token the grammar's scanner stopped in, such as a bad escape
        found = source[node.start_byte:node.end_byte].decode("utf-8", "replace").strip()[:1]
    if found == "\\":
        return HclError("invalid escape sequence in a quoted string", row + 1 + offset)
    found = (found.splitlines() or [leaf.type])[0][:40]
    lines = text.splitlines()
    context = " ".join(lines[row].split())[:80] if row < len(lines) else ""
    where = f" in {context!r}" if context and context != found else ""
    return HclError(f"unexpected {found!r}{where}", row + 1 + offset)


def _first_error(root: Any) -> Any:
    """The first ERROR or MISSING node in source order."""
    stack = [root]
    while stack:
        node = stack.pop()
        if node.is_error or node.is_missing:
            return node
        stack.extend(reversed([c for c in node.children if c.has_error or c.is_missing]))
    return None


def _telling_leaf(error: Any) -> Any:
    """The token an ERROR node is about: inside a nested ERROR if there is one, else the
    first token that is not a bracket, ``=`` or ``,`` that came after complete parts."""
    nested = next((c for c in error.children if c.is_error), None)
    if nested is not None and nested.child_count:
        return _telling_leaf(nested)
    leaves = [c for c in error.children if c.type != "comment"]
    for child in leaves:
        if not child.is_named and child.type not in _STRUCTURAL:
            return child
    return leaves[0] if leaves else error


# --- tree-sitter tree -> syntax tree ------------------------------------------------------
#
# The conversion visits about a third of a million nodes for a 10,000-resource module, so it
# reads the tree the cheap way: a node's kind through ``names[node.kind_id]`` (the ``type``
# property builds a new string on every call), ``children`` (cached by tree-sitter) rather
# than ``named_children`` (a new list each time), columns from ``start_point`` when the
# source is ASCII, and a reference such as ``aws_vpc.main.id`` from its text.


@lru_cache(maxsize=1)
def _kind_names() -> tuple[str, ...]:
    """Node type names by kind id: ``_kind_names()[node.kind_id] == node.type``."""
    language = _language()
    return tuple(sys.intern(language.node_kind_for_id(kind) or "")
                 for kind in range(language.node_kind_count))


def _kids(node: Any) -> list[Any]:
    """A node's children, without comments."""
    return [c for c in node.children if c.type != "comment"]


def _named(node: Any) -> list[Any]:
    """A node's named children (``node.named_children``, from the cached children)."""
    return [c for c in node.children if c.is_named]


def _simple_value(text: bytes, line: int, depth: int) -> Expr | None:
    """The expression of ``text`` on ``line``, written as a plain quoted string (quotes
    included), digits or a reference (:data:`_PLAIN_STRING`, :data:`_DIGITS`,
    :data:`_REFERENCE`), at nesting depth ``depth``; None for a reference HCL reads
    otherwise (``null.x``)."""
    first = text[0]
    if first == 0x22:  # '"'
        string = text[1:-1].decode("utf-8", "surrogatepass")
        return Template(line, (string,) if string else ())
    if first <= 0x39:  # a digit
        return Literal(line, int(text))
    parts = text.decode("ascii").split(".")
    if len(parts) == 1:
        name = parts[0]
        return Literal(line, _LITERAL_NAMES[name]) if name in _LITERAL_NAMES else Variable(
            line, name)
    if parts[0] in _LITERAL_NAMES:
        return None
    if depth >= _MAX_DEPTH:  # what term() says one level down
        raise HclError("the expression nests too deeply", line)
    expr: Expr = Variable(line, parts[0])
    for name in parts[1:]:
        expr = GetAttr(line, expr, name)
    return expr


def _simple_tuple(text: bytes, line: int) -> Expr | None:
    """The tuple written ``text`` on ``line``: ``[`` and ``]`` around :func:`_simple_value`
    items and commas; None when an item is read otherwise."""
    items = []
    for found in _SIMPLE_ITEM.finditer(text):
        item = _simple_value(found[0], line, 2)
        if item is None:
            return None
        items.append(item)
    return TupleExpr(line, tuple(items))


class _Operator(str):
    """A binary operator, ``?`` or ``:`` in a flattened operator chain."""


class _Converter:
    """Builds the syntax tree from one tree-sitter tree of ``source``."""

    def __init__(self, source: bytes, line_offset: int, strings: set[int] | None = None,
                 cuts: list[_Cut] | None = None, cut_offsets: list[int] | None = None,
                 lines: list[int] | None = None) -> None:
        self.source = source
        #: The 1-based line in the file of each 0-based row of ``source``: ``line_offset``
        #: more than the row's number, or as ``lines`` says (a prepared text).
        self.lines: Sequence[int] = range(1 + line_offset, _NO_CUT) if lines is None else lines
        self.depth = 0
        self.names = _kind_names()
        self.ascii = source.isascii()
        #: Where the text of each plain string read starts, when asked (see _parse_prepared).
        self.strings = strings
        #: The lines cut from ``source`` (see _prepared), the number put back so far, and
        #: where the next one to put back was (``_NO_CUT`` when none is left).
        self.cuts = cuts or []
        self.cut_offsets = cut_offsets or []
        self.taken = 0
        self.next_cut = self.cut_offsets[0] if self.cut_offsets else _NO_CUT

    def line(self, node: Any) -> int:
        return self.lines[node.start_point[0]]

    def column(self, node: Any) -> int:
        """The 1-based column of a node, in characters."""
        return self.column_at(node.start_byte, node.start_point[1])

    def column_at(self, start_byte: int, byte_column: int) -> int:
        """The 1-based column, in characters, of what starts at ``start_byte``, the
        ``byte_column``-th byte of its line."""
        if self.ascii:
            return byte_column + 1
        line_start = start_byte - byte_column
        return len(self.source[line_start:start_byte].decode("utf-8", "replace")) + 1

    def text(self, node: Any) -> str:
        return self.source[node.start_byte:node.end_byte].decode("utf-8", "surrogatepass")

    def kids(self, node: Any) -> list[Any]:
        """A node's children, without comments."""
        names = self.names
        return [c for c in node.children if names[c.kind_id] != "comment"]

    def deeper(self, node: Any) -> None:
        self.depth += 1
        if self.depth > _MAX_DEPTH:
            raise HclError("the expression nests too deeply", self.line(node))

    # --- lines cut from the text (see _prepared) ---------------------------------------

    def cuts_before(self, low: int, limit: int) -> list[_Cut]:
        """The cut lines not yet put back that were before byte ``limit`` (at least one):
        all of them in the gap from byte ``low`` of a body, block or object (else
        :class:`_Unvouched`)."""
        offsets = self.cut_offsets
        first = self.taken
        if offsets[first] < low or self.depth + 4 >= _MAX_DEPTH:
            raise _Unvouched  # inside something else; or nested so deep it could matter
        end = bisect_right(offsets, limit, first)
        self.taken = end
        self.next_cut = offsets[end] if end < len(offsets) else _NO_CUT
        return self.cuts[first:end]

    def cut_attributes(self, body: Body, low: int, limit: int) -> None:
        """Put the attributes cut from the gap of a body (``low`` to ``limit``) back."""
        attributes = body.attributes
        for cut in self.cuts_before(low, limit):
            if type(cut) is not Attribute or cut.name in attributes:
                raise _Unvouched  # not an attribute, or twice: the real file says so
            attributes[cut.name] = cut

    def cut_elements(self, items: list[tuple[Expr, Expr]], low: int, limit: int) -> None:
        """Put the elements cut from the gap of an object (``low`` to ``limit``) back."""
        for cut in self.cuts_before(low, limit):
            if type(cut) is Attribute:
                items.append((Literal(cut.line, cut.name), cut.expr))
            else:
                items.append((cut.key, cut.value))

    # --- bodies -------------------------------------------------------------------------

    def body(self, node: Any, into: Body | None = None) -> Body:
        """A ``body`` node's attributes and blocks (added to ``into`` when given)."""
        body = Body() if into is None else into
        attributes = body.attributes
        names = self.names
        previous = node
        for child in node.children:
            if self.next_cut <= child.start_byte:
                self.cut_attributes(body, previous.end_byte if previous is not node
                                    else node.start_byte, child.start_byte)
            previous = child
            kind = names[child.kind_id]
            if kind == "attribute":
                row, column = child.start_point
                simple = self.simple_attribute(child.start_byte, child.end_byte, row)
                if simple is not None:
                    name, expr = simple
                else:
                    parts = child.children
                    if len(parts) != 3:  # name, '=', expression, and comments
                        parts = self.kids(child)
                    name, expr = self.text(parts[0]), None
                if name in attributes:  # said before any error inside the expression
                    raise HclError(f"attribute {name!r} is defined twice",
                                   self.lines[row])
                attributes[name] = Attribute(
                    name, expr if expr is not None else self.expression(parts[-1]),
                    self.lines[row],
                    column + 1 if self.ascii else self.column_at(child.start_byte, column))
            elif kind == "block":
                body.blocks.append(self.block(child))
        return body

    def simple_attribute(self, start: int, end: int, row: int) -> tuple[str, Expr] | None:
        """The name and expression of an attribute written ``name = value`` on one line
        (bytes ``start`` to ``end``, 0-based line ``row``) when the value is a
        :meth:`simple` expression, read from its text; None for any other attribute."""
        head = _ATTRIBUTE_HEAD.match(self.source, start, end)
        if head is None or head.end() == end:
            return None
        expr = self.simple_text(head.end(), end, row, self.depth + 1)
        if expr is None:
            return None
        return head.group(1).decode("ascii"), expr

    def block(self, node: Any) -> Block:
        self.depth += 1
        if self.depth > _MAX_DEPTH:
            raise HclError("blocks nest too deeply", self.line(node))
        names = self.names
        block_type = None
        labels: list[str] = []
        inner = Body()
        end = node
        opening = None  # the previous child from the '{' on
        for item in node.children:
            if self.next_cut <= item.start_byte:
                self.cut_attributes(inner, _gap_start(opening, item), item.start_byte)
            kind = names[item.kind_id]
            if opening is not None or kind == "block_start":
                opening = item
            if kind == "comment":
                continue
            if block_type is None:
                block_type = self.text(item)
            elif kind == "body":
                self.body(item, into=inner)
            elif kind == "string_lit":
                labels.append(self.label(item))
            elif kind == "identifier":
                labels.append(self.text(item))
            elif kind == "block_end":
                end = item
        self.depth -= 1
        row, column = node.start_point
        return Block(block_type or "", labels, inner,
                     self.lines[row], self.lines[end.start_point[0]],
                     column + 1 if self.ascii else self.column_at(node.start_byte, column))

    def label(self, node: Any) -> str:
        source = self.source
        start, end = node.start_byte, node.end_byte
        if _PLAIN_STRING.fullmatch(source, start, end) is not None:  # most labels
            if self.strings is not None:
                self.strings.add(start + 1)
            return source[start + 1:end - 1].decode("utf-8", "surrogatepass")
        parts = self.template(node, quoted=True).parts
        if not parts:
            return ""
        if len(parts) == 1 and isinstance(parts[0], str):
            return parts[0]
        raise HclError("a block label cannot contain interpolation", self.line(node))

    # --- expressions --------------------------------------------------------------------

    def expression(self, node: Any) -> Expr:
        """An ``expression`` node."""
        depth = self.depth + 1
        if depth > _MAX_DEPTH:
            raise HclError("the expression nests too deeply", self.line(node))
        simple = self.simple(node, depth)
        if simple is not None:
            return simple
        self.depth = depth
        try:
            kids = node.children
            if len(kids) != 1:
                kids = self.kids(node)
            if len(kids) == 1 and self.names[kids[0].kind_id] in _SIMPLE_PRIMARIES:
                return self.primary(kids[0])  # most expressions: no operator, no step
            return self.chain(kids, node)
        finally:
            self.depth -= 1

    def simple(self, node: Any, depth: int) -> Expr | None:
        """An expression read from its text, without its nodes, when it is a number, a
        quoted string with no escape, interpolation or directive, ``true``/``false``/
        ``null``, or a reference such as ``aws_vpc.main.id`` (a variable and attribute
        steps, written without spaces): what most expressions are. None for anything
        else, which the nodes give. ``depth`` is the expression's nesting depth."""
        start = node.start_byte
        if self.source[start] not in _SIMPLE_FIRST:  # a collection, call argument list ...
            return None
        return self.simple_text(start, node.end_byte, node.start_point[0], depth)

    def simple_text(self, start: int, end: int, row: int, depth: int) -> Expr | None:
        """:meth:`simple` for the expression written from byte ``start`` to ``end`` on
        the 0-based line ``row``."""
        source = self.source
        first = source[start]
        if first == 0x22:  # '"'
            if _PLAIN_STRING.fullmatch(source, start, end) is None:
                return None
            if self.strings is not None:
                self.strings.add(start + 1)
        elif 0x30 <= first <= 0x39:  # a digit
            if _DIGITS.fullmatch(source, start, end) is None:
                return None
        elif _REFERENCE.fullmatch(source, start, end) is None:
            return None
        return _simple_value(source[start:end], self.lines[row], depth)

    def chain(self, kids: list[Any], where: Any) -> Expr:
        """A run of children that may be a chain of operators, rebuilt with HCL
        precedence."""
        items: list[Any] = []
        self.flatten(kids, items, where)
        if len(items) == 1:
            return items[0]  # type: ignore[no-any-return]
        position = 0

        def conditional() -> Expr:
            nonlocal position
            condition = binary(1)
            if position < len(items) and items[position] == "?" and isinstance(
                    items[position], _Operator):
                position += 1
                true = conditional()
                if not (position < len(items) and items[position] == ":"):
                    raise HclError("expected ':' in a conditional expression", condition.line)
                position += 1
                false = conditional()
                return Conditional(condition.line, condition, true, false)
            return condition

        def binary(level: int) -> Expr:
            nonlocal position
            left = operand()
            while (position < len(items) and isinstance(items[position], _Operator)
                   and _PRECEDENCE.get(items[position], 0) >= level):
                operator = items[position]
                position += 1
                right = binary(_PRECEDENCE[operator] + 1)
                left = Binary(left.line, str(operator), left, right)
            return left

        def operand() -> Expr:
            nonlocal position
            item = items[position] if position < len(items) else None
            if not isinstance(item, Expr):
                raise HclError("an operator without an operand", self.line(where))
            position += 1
            return item

        result = conditional()
        if position != len(items):
            raise HclError("an operator expression cwlint cannot read", self.line(where))
        return result

    def flatten(self, kids: list[Any], items: list[Any], where: Any) -> None:
        """Append the operands and operators of an unparenthesized chain, in order."""
        names = self.names
        kind = names[kids[0].kind_id] if len(kids) == 1 else ""
        if kind in ("conditional", "expression"):
            node = kids[0]
            if kind == "expression":
                self.flatten(self.kids(node), items, node)
                return
            condition, _, true, _, false = self.kids(node)
            self.flatten(self.kids(condition), items, condition)
            items.append(_Operator("?"))
            self.flatten(self.kids(true), items, true)
            items.append(_Operator(":"))
            self.flatten(self.kids(false), items, false)
            return
        if kind == "operation":
            operation = _named(kids[0])[0]
            if names[operation.kind_id] == "binary_operation":
                parts = self.kids(operation)
                at = _operator_index(parts)
                self.flatten(parts[:at], items, operation)
                items.append(_Operator(parts[at].type))
                self.flatten(parts[at + 1:], items, operation)
                return
        items.append(self.term(kids, where))

    def term(self, kids: list[Any], where: Any) -> Expr:
        """A primary expression (or a parenthesized one) followed by its steps."""
        if not kids:
            raise HclError("an expression is missing", self.line(where))
        self.deeper(where)
        try:
            first = kids[0]
            if self.names[first.kind_id] == "(":
                close = _closing_parenthesis(kids)
                expr = self.chain(kids[1:close], where)
                rest = kids[close + 1:]
            else:
                expr = self.primary(first)
                rest = kids[1:]
            steps = [k for k in rest if k.is_named]
            index = 0
            while index < len(steps):
                expr, index = self.step(expr, steps, index)
            return expr
        finally:
            self.depth -= 1

    def primary(self, node: Any) -> Expr:
        kind = self.names[node.kind_id]
        if kind == "literal_value":  # one child, as for template_expr and collection_value
            return self.literal(node.children[0])
        if kind == "template_expr":
            inner = node.children[0]
            if self.names[inner.kind_id] == "heredoc_template":
                return self.heredoc(inner)
            return self.template(inner, quoted=True)
        if kind == "collection_value":
            return self.collection(node.children[0])
        if kind == "variable_expr":
            name = self.text(node)
            if name in _LITERAL_NAMES:
                return Literal(self.line(node), _LITERAL_NAMES[name])
            return Variable(self.line(node), name)
        if kind == "expression":
            return self.expression(node)
        if kind == "function_call":
            return self.call(node)
        if kind == "for_expr":
            return self.for_expression(_named(node)[0])
        if kind == "operation":
            operation = _named(node)[0]
            if self.names[operation.kind_id] == "unary_operation":
                parts = self.kids(operation)
                return Unary(self.line(operation), parts[0].type,
                             self.term(parts[1:], operation))
            return self.chain([node], node)
        raise HclError(f"an expression cwlint cannot read ({kind})", self.line(node))

    # --- literals and templates ---------------------------------------------------------

    def literal(self, node: Any) -> Expr:
        kind = self.names[node.kind_id]
        if kind == "string_lit":
            return self.template(node, quoted=True)
        if kind == "bool_lit":
            return Literal(self.line(node), self.text(node) == "true")
        if kind == "null_lit":
            return Literal(self.line(node), None)
        text = self.text(node)
        try:
            if "." in text or ("e" in text.lower() and not text.lower().startswith("0x")):
                return Literal(self.line(node), float(text))
            return Literal(self.line(node), int(text, 10))
        except ValueError:
            raise HclError(f"invalid number {text!r}", self.line(node)) from None

    def template(self, node: Any, quoted: bool) -> Template:
        """A quoted string: its parts between the opening and closing quotes."""
        kids = node.children
        start, end = kids[0].end_byte, kids[-1].start_byte
        if len(kids) <= 3 and (len(kids) < 3
                               or self.names[kids[1].kind_id] == "template_literal"):
            text = self.source[start:end].decode("utf-8", "surrogatepass")
            if self.strings is not None:
                self.strings.add(start)
            if _LITERAL_SPECIAL.search(text) is None:  # most strings: literal text only
                return Template(self.lines[node.start_point[0]],
                                (text,) if text else ())
        line = self.line(node)
        return Template(line, self.template_parts(kids[1:-1], start, end, quoted, line))

    def heredoc(self, node: Any) -> Template:
        kids = self.kids(node)
        strip = self.text(kids[0]) == "<<-"
        opening = _HEREDOC_OPENING.match(self.source, kids[0].start_byte)
        if opening is None:
            raise HclError("expected a heredoc marker such as <<EOT followed by a new line",
                           self.line(node))
        start = opening.end()
        closing = kids[-1]
        end = max(start, self.source.rfind(b"\n", 0, closing.start_byte) + 1)
        cut = 0
        if strip:
            lines = self.source[start:end].decode("utf-8", "surrogatepass").split("\n")
            widths = [len(x) - len(x.lstrip(" \t")) for x in lines if x.strip()]
            cut = min(widths) if widths else 0
        line = self.line(node)
        return Template(line, self.template_parts(kids[2:-1], start, end, False, line, cut))

    def template_parts(self, kids: list[Any], start: int, end: int, quoted: bool, line: int,
                       cut: int = 0) -> tuple[Any, ...]:
        """The parts of a template whose text runs from ``start`` to ``end`` (bytes):
        literal text between the interpolations and directives, which are converted."""
        markers: list[tuple[int, int, Any]] = []
        for kid in kids:
            self.markers(kid, markers)
        flat: list[Any] = []
        position = start
        for marker_start, marker_end, item in markers:
            if marker_start > position:
                flat.append(self.literal_text(position, marker_start, quoted, line, cut))
            flat.append(item)
            position = marker_end
        if end > position:
            flat.append(self.literal_text(position, end, quoted, line, cut))
        return nest(flat, line)

    def literal_text(self, start: int, end: int, quoted: bool, line: int, cut: int) -> str:
        text = self.source[start:end].decode("utf-8", "surrogatepass")
        if cut:
            at_line_start = start == 0 or self.source[start - 1:start] == b"\n"
            pieces = text.split("\n")
            text = "\n".join(p[cut:] if i or at_line_start else p
                             for i, p in enumerate(pieces))
        if _LITERAL_SPECIAL.search(text) is None:
            return text
        return _unescape(text, quoted, line)

    def markers(self, node: Any, found: list[tuple[int, int, Any]]) -> None:
        """The interpolations and directive markers under a template part, in order:
        (start byte, end byte, item for :func:`~cwlint.terraform.templates.nest`)."""
        kind = self.names[node.kind_id]
        if kind == "template_interpolation":
            before, expression, after = self.placeholder(node)
            if expression is None:
                raise HclError("an empty interpolation '${}'", self.line(node))
            found.append((node.start_byte, node.end_byte,
                          ("strip", before, after, Interpolation(self.expression(expression)))))
        elif kind in ("template_directive", "template_if", "template_for"):
            for child in _named(node):
                self.markers(child, found)
        elif kind in ("template_if_intro", "template_for_start", "template_else_intro",
                      "template_if_end", "template_for_end"):
            before, expression, after = self.placeholder(node)
            payload: Any
            if kind == "template_if_intro":
                payload = ("if", self.expression(expression))
            elif kind == "template_for_start":
                names = [self.text(c) for c in _named(node)
                         if self.names[c.kind_id] == "identifier"]
                collection = self.expression(expression)
                payload = ("for", (names[0], names[1], collection) if len(names) == 2
                           else (None, names[0], collection))
            else:
                payload = ({"template_else_intro": "else", "template_if_end": "endif",
                            "template_for_end": "endfor"}[kind], None)
            found.append((node.start_byte, node.end_byte, ("strip", before, after, payload)))

    def placeholder(self, node: Any) -> tuple[bool, Any, bool]:
        """Whether a ``${``/``%{`` strips before and after (``~``), and its expression."""
        names = self.names
        kids = node.children
        expression = next((k for k in kids if names[k.kind_id] == "expression"), None)
        before = len(kids) > 2 and names[kids[1].kind_id] == "strip_marker"
        after = len(kids) > 3 and names[kids[-2].kind_id] == "strip_marker"
        return before, expression, after

    # --- collections ----------------------------------------------------------------------

    def collection(self, node: Any) -> Expr:
        names = self.names
        if names[node.kind_id] == "tuple":
            return TupleExpr(self.line(node), tuple(
                [self.expression(c) for c in node.children if names[c.kind_id] == "expression"]))
        items: list[tuple[Expr, Expr]] = []
        opening = None  # the previous child from the '{' on
        for element in node.children:
            if self.next_cut <= element.start_byte:
                self.cut_elements(items, _gap_start(opening, element), element.start_byte)
            kind = names[element.kind_id]
            if opening is not None or kind == "object_start":
                opening = element
            if kind != "object_elem":
                continue
            simple = self.simple_element(element)
            if simple is not None:
                items.append(simple)
                continue
            parts = element.children
            if len(parts) == 3:  # key, '=' or ':', value: no comment among them
                key, value = parts[0], parts[2]
            else:
                key = element.child_by_field_name("key")
                value = element.child_by_field_name("val")
            items.append((self.object_key(key), self.expression(value)))
        return ObjectExpr(self.line(node), tuple(items))

    def simple_element(self, node: Any) -> tuple[Expr, Expr] | None:
        """The key and value of an object element written ``key = value`` (or ``:``) on
        one line, its key a name or a plain quoted string and its value a :meth:`simple`
        expression, read from its text; None for any other element."""
        start, end = node.start_byte, node.end_byte
        head = _ELEMENT_HEAD.match(self.source, start, end)
        if head is None or head.end() == end:
            return None
        row = node.start_point[0]
        value = self.simple_text(head.end(), end, row, self.depth + 1)
        if value is None:
            return None
        line = self.lines[row]
        name, quoted = head.group(1, 2)
        if name is not None:
            return Literal(line, name.decode("ascii")), value
        if self.strings is not None:
            self.strings.add(start + 1)
        text = quoted.decode("utf-8", "surrogatepass")
        return Template(line, (text,) if text else ()), value

    def object_key(self, node: Any) -> Expr:
        """A key: a bare name is a literal string, anything else an expression."""
        if self.source[node.start_byte] == 0x22:  # '"': a string, or an expression
            return self.expression(node)
        kids = node.children
        if len(kids) != 1:
            kids = self.kids(node)
        if len(kids) == 1:
            kind = self.names[kids[0].kind_id]
            if kind == "variable_expr":
                return Literal(self.line(node), self.text(kids[0]))
            if kind == "literal_value":
                literal = kids[0].children[0]
                if self.names[literal.kind_id] in ("bool_lit", "null_lit"):
                    return Literal(self.line(node), self.text(literal))
        return self.expression(node)

    # --- calls ----------------------------------------------------------------------------

    def call(self, node: Any) -> Expr:
        names = self.names
        kids = _named(node)
        arguments = next((k for k in kids if names[k.kind_id] == "function_arguments"), None)
        parts = [] if arguments is None else _named(arguments)
        values = [k for k in parts if names[k.kind_id] == "expression"]
        expand = any(names[k.kind_id] == "ellipsis" for k in parts)
        return Call(self.line(node), self.text(kids[0]),
                    tuple([self.expression(v) for v in values]), expand)

    # --- traversals -----------------------------------------------------------------------

    def step(self, source: Expr, steps: list[Any], index: int) -> tuple[Expr, int]:
        """Apply ``steps[index]`` to ``source``; the next index to apply."""
        node = steps[index]
        kind = self.names[node.kind_id]
        if kind == "get_attr":
            return GetAttr(source.line, source, self.text(_named(node)[0])), index + 1
        if kind == "index":
            return self.index(source, _named(node)[0]), index + 1
        if kind == "splat":
            splat = _named(node)[0]
            body: Expr = SplatItem(self.line(splat))
            inner = _named(splat)
            used = 0
            attribute_only = self.names[splat.kind_id] == "attr_splat"
            for used, part in enumerate(inner):
                if attribute_only and self.names[part.kind_id] == "index":
                    break  # HCL: an attribute-only splat takes attribute steps only
                body, _ = self.step(body, inner, used)
            else:
                used = len(inner)
            result: Expr = Splat(source.line, source, body)
            for rest in range(used, len(inner)):
                result, _ = self.step(result, inner, rest)
            return result, index + 1
        raise HclError(f"a traversal step cwlint cannot read ({kind})", self.line(node))

    def index(self, source: Expr, node: Any) -> Expr:
        if self.names[node.kind_id] == "legacy_index":
            digits = self.text(node).lstrip(".").strip()
            return Index(source.line, source, Literal(source.line, int(digits)))
        key = next(k for k in _named(node) if self.names[k.kind_id] == "expression")
        return Index(source.line, source, self.expression(key))

    # --- for expressions ------------------------------------------------------------------

    def for_expression(self, node: Any) -> Expr:
        names = self.names
        kids = _named(node)
        intro = kids[0] if names[kids[0].kind_id] == "for_intro" else kids[1]
        intro_kids = _named(intro)
        identifiers = [self.text(c) for c in intro_kids if names[c.kind_id] == "identifier"]
        collection = self.expression(next(c for c in intro_kids
                                          if names[c.kind_id] == "expression"))
        key_var, value_var = ((identifiers[0], identifiers[1]) if len(identifiers) == 2
                              else (None, identifiers[0]))
        results = [c for c in kids if names[c.kind_id] == "expression"]
        condition_node = next((c for c in kids if names[c.kind_id] == "for_cond"), None)
        condition = None
        if condition_node is not None:
            condition = self.expression(next(c for c in _named(condition_node)
                                             if names[c.kind_id] == "expression"))
        if names[node.kind_id] == "for_tuple_expr":
            return ForExpr(self.line(node), key_var, value_var, collection, None,
                           self.expression(results[0]), condition)
        grouping = any(names[c.kind_id] == "ellipsis" for c in kids)
        return ForExpr(self.line(node), key_var, value_var, collection,
                       self.expression(results[0]), self.expression(results[1]), condition,
                       grouping)


def _gap_start(previous: Any, child: Any) -> int:
    """Where the gap before ``child`` of a block or object starts, for the lines cut there:
    the end of the ``previous`` child, from the ``{`` on; before the ``{`` (``previous``
    None), past the child's start, so that any line cut there is an orphan."""
    return child.start_byte + 1 if previous is None else int(previous.end_byte)


def _operator_index(parts: list[Any]) -> int:
    """Where the operator of a binary operation is among its children (parenthesized
    operands keep theirs inside)."""
    depth = 0
    for at, part in enumerate(parts):
        if part.type == "(":
            depth += 1
        elif part.type == ")":
            depth -= 1
        elif depth == 0 and not part.is_named and part.type in _PRECEDENCE:
            return at
    raise HclError("a binary operation without an operator", int(parts[0].start_point[0]) + 1)


def _closing_parenthesis(kids: list[Any]) -> int:
    depth = 0
    for at, kid in enumerate(kids):
        if kid.type == "(":
            depth += 1
        elif kid.type == ")":
            depth -= 1
            if depth == 0:
                return at
    raise HclError("'(' is not closed", int(kids[0].start_point[0]) + 1)


def _unescape(text: str, quoted: bool, line: int) -> str:
    """Literal template text with ``$${``/``%%{`` and, in quoted strings, backslash
    escapes applied."""
    out: list[str] = []
    position = 0
    for found in _LITERAL_SPECIAL.finditer(text):
        if found.start() < position:
            continue
        out.append(text[position:found.start()])
        token = found.group()
        if token != "\\":
            out.append(token[1:])
            position = found.end()
            continue
        if not quoted:
            out.append("\\")
            position = found.end()
            continue
        sequence = text[found.end():found.end() + 1]
        if sequence in _SIMPLE_ESCAPES:
            out.append(_SIMPLE_ESCAPES[sequence])
            position = found.end() + 1
            continue
        if sequence in ("u", "U"):
            width = 4 if sequence == "u" else 8
            digits = text[found.end() + 1:found.end() + 1 + width]
            if len(digits) == width and all(c in "0123456789abcdefABCDEF" for c in digits):
                try:
                    out.append(chr(int(digits, 16)))
                except (ValueError, OverflowError):
                    raise HclError(f"invalid escape \\{sequence}{digits}", line) from None
                position = found.end() + 1 + width
                continue
        raise HclError(f"invalid escape sequence \\{sequence} in a string", line)
    out.append(text[position:])
    return "".join(out)
