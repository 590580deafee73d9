"""Terraform ``.tf`` files (HCL native syntax) into cwlint's syntax tree, parsed by the
installed ``hcl2`` package's grammar.

**Which hcl2.** python-hcl2 and checkov's fork bc-python-hcl2 install the same ``hcl2``
import package (the last one installed wins, and python-hcl2 8 breaks checkov). cwlint
therefore does not depend on either in its base install: it uses
whichever ``hcl2`` is there. ``pip install 'cwlint[terraform]'`` brings python-hcl2 into an
environment without checkov; beside checkov, cwlint reads Terraform with checkov's own
bc-python-hcl2 and never touches it.

**What is used of it.** Only the grammar: every version exposes its Lark LALR parser,
and the raw parse tree keeps every expression as structure with line numbers. The
dictionaries ``hcl2.load`` returns turn expressions into strings whose shape changes
from version to version (Python reprs inside function calls, unquoted list items), so
they are not used. The grammars differ in a few ways that this module evens out:

* strings: one ``STRING_LIT`` token (bc-python-hcl2, python-hcl2 < 7) or a ``string``
  tree; both are read from the source text by :mod:`cwlint.terraform.templates`, which
  hands each ``${...}`` back to the grammar as an expression;
* operators: bc-python-hcl2 parses ``a * b + c`` without precedence; every chain of
  binary and conditional operators is flattened in source order and rebuilt with HCL's
  precedence (:meth:`_Converter.operators`), which changes nothing where the grammar
  already had it right;
* ``true``/``false``/``null`` are identifiers in older grammars, literals in newer ones;
  ``...`` after the last argument of a call is kept as a token only by newer grammars
  (it is looked for in the source text otherwise).

Every syntax error is an :class:`HclError` with a one-line message and the 1-based line;
a missing ``hcl2`` is an :class:`HclError` that says what to install.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

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
    Literal,
    ObjectExpr,
    Splat,
    SplatItem,
    Template,
    TupleExpr,
    Unary,
    Variable,
)
from cwlint.terraform.templates import heredoc_text, parse_template, string_end

__all__ = ["HclError", "hcl2_version", "parse", "parse_expression"]

MISSING_HCL2 = ("reading Terraform .tf files needs the hcl2 package: pip install "
                "'cwlint[terraform]' (python-hcl2), or run cwlint where checkov is installed "
                "(it brings bc-python-hcl2); plan JSON needs neither")

_MAX_DEPTH = 64
_EXPRESSION_ATTRIBUTE = "__cwlint_expression__"
_LITERAL_NAMES = {"true": True, "false": False, "null": None}

#: Binary operators by precedence (HCL native syntax spec), higher binds tighter.
_PRECEDENCE = {"||": 1, "&&": 2, "==": 3, "!=": 3, "<": 4, ">": 4, "<=": 4, ">=": 4,
               "+": 5, "-": 5, "*": 6, "/": 6, "%": 6}
#: Rules whose tree is an expression of its own inside an ``expr_term`` (so the term is
#: a parenthesized expression, not a literal, collection, call or traversal).
_EXPRESSION_RULES = frozenset({"expr_term", "binary_op", "conditional", "unary_op"})
_COMMENT = re.compile(r"(?:#|//)[^\n]*|/\*.*?\*/", re.DOTALL)
_STRING_OR_COMMENT = re.compile(r'["#/<]')
_HEREDOC_START = re.compile(r"<<-?([A-Za-z_][A-Za-z0-9._-]*)[ \t]*\r?\n")


# --- the installed hcl2 -------------------------------------------------------------------


@lru_cache(maxsize=1)
def _lark_parser() -> Any:
    """The Lark parser of the installed ``hcl2``: python-hcl2 8 or later, or checkov's
    bc-python-hcl2 (the two this module is tested with)."""
    try:
        import hcl2
        import hcl2.parser as module
        from lark import Lark
    except ImportError:
        raise HclError(MISSING_HCL2, None) from None
    wrapper = getattr(module, "Hcl2", None)  # bc-python-hcl2: a class holding the parser
    if isinstance(getattr(wrapper, "lark_parser", None), Lark):
        return wrapper.lark_parser  # type: ignore[union-attr]
    factory = getattr(module, "parser", None)
    if hasattr(hcl2, "parses_to_tree") and callable(factory):  # python-hcl2 >= 8
        return factory()
    raise HclError(f"cwlint reads Terraform with python-hcl2 8 or later or with checkov's "
                   f"bc-python-hcl2, not {hcl2_version()}: pip install 'python-hcl2>=8' "
                   "(where checkov is not installed)", None)


def hcl2_version() -> str:
    """Which ``hcl2`` distribution is installed, for messages (``"python-hcl2 8.1.4"``)."""
    from importlib import metadata

    for distribution in ("python-hcl2", "bc-python-hcl2"):
        try:
            return f"{distribution} {metadata.version(distribution)}"
        except metadata.PackageNotFoundError:
            continue
    return "unknown version"


def _parse_tree(text: str, line_offset: int = 0) -> Any:
    from lark.exceptions import LarkError, UnexpectedInput

    _check_strings(text, line_offset)
    try:
        return _lark_parser().parse(text + "\n")
    except UnexpectedInput as exc:
        line = _line_of(exc, line_offset)
        last_line = line_offset + max(1, len(text.splitlines()))
        raise HclError(_describe(exc, text), min(line, last_line) if line else None) from None
    except LarkError as exc:
        raise HclError(str(exc).splitlines()[0] if str(exc) else "invalid HCL", None) from None


def _check_strings(text: str, line_offset: int) -> None:
    """Refuse a quoted string that is never closed before the grammar sees it.

    Some grammars' string terminals (bc-python-hcl2's ``STRING_LIT``) backtrack
    exponentially on an unclosed quote; checkov guards its own parsing the same way.
    Comments and heredocs are skipped; the scan is linear.
    """
    pos, length = 0, len(text)
    while pos < length:
        found = _STRING_OR_COMMENT.search(text, pos)
        if found is None:
            return
        pos = found.start()
        char = text[pos]
        if char == "#" or text.startswith("//", pos):
            end = text.find("\n", pos)
            pos = length if end < 0 else end
        elif text.startswith("/*", pos):
            end = text.find("*/", pos + 2)
            pos = length if end < 0 else end + 2
        elif text.startswith("<<", pos) and (match := _HEREDOC_START.match(text, pos)):
            closing = re.compile(rf"^[ \t]*{re.escape(match.group(1))}[ \t]*\r?$", re.MULTILINE)
            end = closing.search(text, match.end())
            if end is None:
                raise HclError(f"the heredoc {match.group(1)} is not closed",
                               text.count("\n", 0, pos) + 1 + line_offset)
            pos = end.end()
        elif char == '"':
            end_of_string = string_end(text, pos + 1)
            if end_of_string is None:
                raise HclError("unterminated string: a quoted string must close on its line",
                               text.count("\n", 0, pos) + 1 + line_offset)
            pos = end_of_string
        else:
            pos += 1


def _line_of(exc: Any, line_offset: int) -> int | None:
    line = getattr(exc, "line", None)
    if not isinstance(line, int) or line < 1:
        token = getattr(exc, "token", None)
        line = getattr(token, "line", None)
    return line + line_offset if isinstance(line, int) and line >= 1 else None


def _describe(exc: Any, text: str) -> str:
    """A one-line message for a Lark syntax error, quoting the line it is on."""
    token = getattr(exc, "token", None)
    if token is not None and token.type == "$END":
        return "unexpected end of file: a block, bracket or string is not closed"
    if token is not None:
        value = (str(token).strip().splitlines() or [token.type])[0]
        if "NEW_LINE" in value or "NL_OR_COMMENT" in value:
            return "unexpected end of line: the expression is not complete"
        what = f"unexpected {value[:40]!r}"
    else:
        char = getattr(exc, "char", None)
        if char is None:
            return "invalid HCL"
        what = f"unexpected character {char!r}"
    line = getattr(exc, "line", None)
    lines = text.splitlines()
    if isinstance(line, int) and 1 <= line <= len(lines) and lines[line - 1].strip():
        return f"{what} in {' '.join(lines[line - 1].split())[:80]!r}"
    return what


# --- public API ---------------------------------------------------------------------------


def parse(text: str) -> Body:
    """The body of one ``.tf`` file (raises :class:`HclError`)."""
    if text.startswith("\ufeff"):
        text = text[1:]
    tree = _parse_tree(text)
    return _Converter(text, 0).body(_child_trees(tree)[0])


def parse_expression(text: str, line: int = 1) -> Expr:
    """One expression, such as a reference string of a plan (``aws_subnet.a[0].id``)."""
    if "\n" in text:  # an interpolation spanning lines: parentheses let it
        source = f"{_EXPRESSION_ATTRIBUTE} = (\n{text}\n)"
        offset = line - 2
    else:
        source = f"{_EXPRESSION_ATTRIBUTE} = {text}"
        offset = line - 1
    body = _Converter(source, offset).body(_child_trees(_parse_tree(source, offset))[0])
    if len(body.attributes) != 1 or body.blocks or _EXPRESSION_ATTRIBUTE not in body.attributes:
        raise HclError(f"not a single expression: {text[:40]!r}", line)
    return body.attributes[_EXPRESSION_ATTRIBUTE].expr


# --- parse tree -> syntax tree ------------------------------------------------------------


def _is_tree(node: Any) -> bool:
    return hasattr(node, "data") and hasattr(node, "children")


def _child_trees(node: Any) -> list[Any]:
    """A node's child rules, without new lines and comments."""
    return [c for c in node.children if _is_tree(c) and c.data != "new_line_or_comment"]


def _tokens(node: Any) -> Iterator[Any]:
    """Every token under a node, in source order."""
    stack = [node]
    while stack:
        current = stack.pop()
        if _is_tree(current):
            stack.extend(reversed(current.children))
        elif current is not None:
            yield current


def _first_token(node: Any) -> Any:
    return next(_tokens(node), None)


def _last_token(node: Any) -> Any:
    last = None
    for token in _tokens(node):
        last = token
    return last


class _Operator(str):
    """A binary operator, ``?`` or ``:`` in a flattened operator chain."""


class _Converter:
    """Builds the syntax tree from one Lark parse tree of ``text``."""

    def __init__(self, text: str, line_offset: int) -> None:
        self.text = text
        self.offset = line_offset
        self.depth = 0

    def line(self, node: Any) -> int:
        meta_line = getattr(getattr(node, "meta", None), "line", None) if _is_tree(node) else None
        if not isinstance(meta_line, int):
            token = node if not _is_tree(node) else _first_token(node)
            meta_line = getattr(token, "line", None) or 1
        return meta_line + self.offset

    def end_line(self, node: Any) -> int:
        meta_line = getattr(getattr(node, "meta", None), "end_line", None)
        if not isinstance(meta_line, int):
            token = _last_token(node)
            meta_line = getattr(token, "end_line", None) or getattr(token, "line", None) or 1
        return meta_line + self.offset

    def name(self, node: Any) -> str:
        """An identifier, keyword or literal used as a name."""
        if _is_tree(node):
            token = _first_token(node)
            return str(token) if token is not None else ""
        return str(node)

    # --- bodies -------------------------------------------------------------------------

    def body(self, node: Any) -> Body:
        body = Body()
        for child in _child_trees(node):
            if child.data == "attribute":
                parts = _child_trees(child)
                name = self.name(parts[0])
                if name in body.attributes:
                    raise HclError(f"attribute {name!r} is defined twice", self.line(child))
                body.attributes[name] = Attribute(name, self.expression(parts[-1]),
                                                  self.line(child))
            elif child.data == "block":
                body.blocks.append(self.block(child))
        return body

    def block(self, node: Any) -> Block:
        self.depth += 1
        if self.depth > _MAX_DEPTH:
            raise HclError("blocks nest too deeply", self.line(node))
        items = [c for c in node.children
                 if not (_is_tree(c) and c.data == "new_line_or_comment")]
        kind = self.name(items[0])
        labels: list[str] = []
        inner = Body()
        for item in items[1:]:
            if _is_tree(item) and item.data == "body":
                inner = self.body(item)
            elif (_is_tree(item) and item.data == "string") or getattr(
                    item, "type", "") == "STRING_LIT":
                labels.append(self.label(item))
            elif _is_tree(item):
                labels.append(self.name(item))
        self.depth -= 1
        return Block(kind, labels, inner, self.line(node), self.end_line(node))

    def label(self, node: Any) -> str:
        parts = self.template(node).parts
        if not parts:
            return ""
        if len(parts) == 1 and isinstance(parts[0], str):
            return parts[0]
        raise HclError("a block label cannot contain interpolation", self.line(node))

    # --- expressions --------------------------------------------------------------------

    def expression(self, node: Any) -> Expr:
        self.depth += 1
        if self.depth > _MAX_DEPTH:
            raise HclError("the expression nests too deeply", self.line(node))
        try:
            kind = node.data
            if kind in ("binary_op", "conditional"):
                return self.operators(node)
            if kind == "unary_op":
                return self.unary(node)
            if kind == "expr_term":
                return self.term(node)
            return self.term_rule(node)
        finally:
            self.depth -= 1

    def term(self, node: Any) -> Expr:
        trees = _child_trees(node)
        tokens = [c for c in node.children if not _is_tree(c)]
        if any(getattr(t, "type", "") == "LPAR" for t in tokens) or (
                len(trees) == 1 and trees[0].data in _EXPRESSION_RULES):
            return self.expression(trees[0])  # a parenthesized expression
        if trees:
            return self.term_rule(trees[0])
        if tokens and tokens[0].type == "STRING_LIT":
            return self.template(tokens[0])
        raise HclError("an expression cwlint cannot read", self.line(node))

    def term_rule(self, node: Any) -> Expr:
        handler = getattr(self, f"rule_{node.data}", None)
        if handler is None:
            if node.data in _EXPRESSION_RULES:
                return self.expression(node)
            raise HclError(f"an expression cwlint cannot read ({node.data})", self.line(node))
        return handler(node)  # type: ignore[no-any-return]

    def unary(self, node: Any) -> Expr:
        operator = next(str(c) for c in node.children if not _is_tree(c))
        return Unary(self.line(node), operator, self.expression(_child_trees(node)[0]))

    def operators(self, node: Any) -> Expr:
        """A chain of binary and conditional operators, rebuilt with HCL precedence."""
        items: list[Any] = []
        self.flatten(node, items)
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
                raise HclError("an operator without an operand", self.line(node))
            position += 1
            return item

        result = conditional()
        if position != len(items):
            raise HclError("an operator expression cwlint cannot read", self.line(node))
        return result

    def flatten(self, node: Any, items: list[Any]) -> None:
        """Append the operands and operators of an unparenthesized chain, in order."""
        kind = node.data if _is_tree(node) else None
        if kind == "binary_op":
            left, term = _child_trees(node)[:2]
            operator_node, right = _child_trees(term)[:2]
            self.flatten(left, items)
            items.append(_Operator(self.name(operator_node)))
            self.flatten(right, items)
        elif kind == "conditional":
            condition, true, false = _child_trees(node)[:3]
            self.flatten(condition, items)
            items.append(_Operator("?"))
            self.flatten(true, items)
            items.append(_Operator(":"))
            self.flatten(false, items)
        else:
            items.append(self.expression(node))

    # --- literals and templates ---------------------------------------------------------

    def rule_identifier(self, node: Any) -> Expr:
        name = self.name(node)
        if name in _LITERAL_NAMES:
            return Literal(self.line(node), _LITERAL_NAMES[name])
        return Variable(self.line(node), name)

    def rule_literal_value(self, node: Any) -> Expr:
        return Literal(self.line(node), _LITERAL_NAMES[self.name(node)])

    def rule_int_lit(self, node: Any) -> Expr:
        return Literal(self.line(node), int("".join(str(t) for t in _tokens(node))))

    def rule_float_lit(self, node: Any) -> Expr:
        return Literal(self.line(node), float("".join(str(t) for t in _tokens(node))))

    def rule_string(self, node: Any) -> Expr:
        return self.template(node)

    def rule_template_string(self, node: Any) -> Expr:
        token = _first_token(node)
        return Template(self.line(node), parse_template(
            str(token)[2:-2], self.line(node), True, self.sub_expression))

    def template(self, node: Any) -> Template:
        """A quoted string (a ``string`` tree or a ``STRING_LIT`` token) from the source."""
        start, end = self.span(node) if _is_tree(node) else (node.start_pos, node.end_pos)
        raw = self.text[start:end]
        if len(raw) < 2 or not (raw.startswith('"') and raw.endswith('"')):
            raise HclError("unterminated string", self.line(node))
        line = self.line(node)
        return Template(line, parse_template(raw[1:-1], line, True, self.sub_expression))

    def rule_heredoc_template(self, node: Any) -> Expr:
        token = _first_token(node)
        line = self.line(node)
        text, first_line = heredoc_text(str(token), line)
        return Template(line, parse_template(text, first_line, False, self.sub_expression))

    rule_heredoc_template_trim = rule_heredoc_template

    def sub_expression(self, text: str, line: int) -> Expr:
        """An expression inside a template, parsed by the grammar on its own."""
        self.depth += 1
        if self.depth > _MAX_DEPTH:
            raise HclError("the expression nests too deeply", line)
        try:
            expression = parse_expression(text.strip(), line + _leading_newlines(text))
        finally:
            self.depth -= 1
        return expression

    # --- collections ----------------------------------------------------------------------

    def rule_tuple(self, node: Any) -> Expr:
        return TupleExpr(self.line(node),
                         tuple(self.expression(c) for c in _child_trees(node)))

    def rule_object(self, node: Any) -> Expr:
        items: list[tuple[Expr, Expr]] = []
        for element in _child_trees(node):
            parts = _child_trees(element)
            items.append((self.object_key(parts[0]), self.expression(parts[-1])))
        return ObjectExpr(self.line(node), tuple(items))

    def object_key(self, node: Any) -> Expr:
        """A key: a bare name is a literal string, anything else an expression."""
        while node.data.startswith("object_elem_key") or node.data == "expr_term":
            trees = _child_trees(node)
            if len(trees) != 1 or any(getattr(c, "type", "") == "LPAR" for c in node.children):
                break
            node = trees[0]
        if node.data in ("identifier", "keyword", "literal_value"):
            return Literal(self.line(node), self.name(node))
        if node.data.startswith("object_elem_key"):
            return self.expression(_child_trees(node)[0])
        key = self.expression(node)
        return Literal(key.line, key.name) if isinstance(key, Variable) else key

    # --- calls ----------------------------------------------------------------------------

    def rule_function_call(self, node: Any) -> Expr:
        trees = _child_trees(node)
        names = [self.name(t) for t in trees if t.data == "identifier"]
        arguments = next((t for t in trees if t.data == "arguments"), None)
        values = _child_trees(arguments) if arguments is not None else []
        expand = False
        if values:
            # between the last argument and ')' there is only ',' or '...' (and comments)
            between = self.text[self.span(values[-1])[1]:self.span(node)[1]]
            expand = "..." in _COMMENT.sub("", between)
        return Call(self.line(node), "::".join(names),
                    tuple(self.expression(v) for v in values), expand)

    rule_provider_function_call = rule_function_call

    def span(self, node: Any) -> tuple[int, int]:
        """Where a node starts and ends in the text (grammars that propagate positions
        count tokens they leave out of the tree, such as a closing parenthesis)."""
        meta = getattr(node, "meta", None)
        start, end = getattr(meta, "start_pos", None), getattr(meta, "end_pos", None)
        if isinstance(start, int) and isinstance(end, int):
            return start, end
        first, last = _first_token(node), _last_token(node)
        if first is None or last is None:
            return 0, 0
        return first.start_pos, last.end_pos

    # --- traversals -----------------------------------------------------------------------

    def rule_get_attr_expr_term(self, node: Any) -> Expr:
        source, step = _child_trees(node)[:2]
        return self.step(self.expression(source), step)

    rule_index_expr_term = rule_get_attr_expr_term

    def step(self, source: Expr, step: Any) -> Expr:
        """One ``.name``, ``[key]`` or legacy ``.0`` step applied to ``source``."""
        if step.data == "get_attr":
            return GetAttr(source.line, source, self.name(_child_trees(step)[0]))
        keys = _child_trees(step)
        if (step.data == "index" and not keys) or step.data == "short_index":
            digits = "".join(str(t) for t in step.children
                             if not _is_tree(t) and str(t) not in (".", ""))
            return Index(source.line, source, Literal(source.line, int(digits)))
        if step.data in ("index", "braces_index"):
            return Index(source.line, source, self.expression(keys[0]))
        raise HclError(f"a traversal step cwlint cannot read ({step.data})", self.line(step))

    def splat(self, node: Any) -> Expr:
        source, splat = _child_trees(node)[:2]
        line = self.line(splat)
        body: Expr = SplatItem(line)
        for step in _child_trees(splat):
            body = self.step(body, step)
        return Splat(self.line(node), self.expression(source), body)

    rule_attr_splat_expr_term = splat
    rule_full_splat_expr_term = splat

    # --- for expressions ------------------------------------------------------------------

    def rule_for_tuple_expr(self, node: Any) -> Expr:
        intro, *rest = _child_trees(node)
        key_var, value_var, collection = self.for_intro(intro)
        condition = self.for_condition(rest)
        return ForExpr(self.line(node), key_var, value_var, collection, None,
                       self.expression(rest[0]), condition)

    def rule_for_object_expr(self, node: Any) -> Expr:
        intro, *rest = _child_trees(node)
        key_var, value_var, collection = self.for_intro(intro)
        condition = self.for_condition(rest)
        grouping = any(not _is_tree(c) and str(c) == "..." for c in node.children)
        return ForExpr(self.line(node), key_var, value_var, collection,
                       self.expression(rest[0]), self.expression(rest[1]), condition, grouping)

    def for_intro(self, node: Any) -> tuple[str | None, str, Expr]:
        trees = _child_trees(node)
        names = [self.name(t) for t in trees[:-1] if t.data == "identifier"]
        collection = self.expression(trees[-1])
        if len(names) == 2:
            return names[0], names[1], collection
        return None, names[0], collection

    def for_condition(self, rest: list[Any]) -> Expr | None:
        if rest and rest[-1].data == "for_cond":
            condition = rest.pop()
            return self.expression(_child_trees(condition)[-1])
        return None


def _leading_newlines(text: str) -> int:
    stripped = text.lstrip()
    return text[:len(text) - len(stripped)].count("\n")
