"""HCL native syntax (Terraform ``.tf`` files) into a small syntax tree with line numbers.

cwlint reads HCL with this parser rather than with the ``hcl2`` package: checkov depends on
``bc-python-hcl2`` and python-hcl2 installs the same ``hcl2`` import package, so any
dependency on either would make ``pip install cwlint`` able to break a checkov environment
(DESIGN.md §6). The dictionaries both packages return also turn expressions into strings
whose shape differs from version to version (Python reprs of objects inside function calls,
list items whose quotes are dropped), which cannot be evaluated reliably. This parser keeps
every expression as a tree that :mod:`cwlint.terraform.expressions` evaluates.

What is parsed: bodies of attributes and blocks (labels quoted or bare), every expression
form of the HCL native syntax (literals, quoted and heredoc templates with interpolations,
``%{if}``/``%{for}`` directives and ``~`` strip markers, tuples, objects, variables and
traversals with ``.attr``, ``[index]``, legacy ``.0``, attribute and full splats, function
calls with ``...`` expansion and provider functions, unary, binary and conditional
operators, ``for`` expressions) and ``#``, ``//`` and ``/* */`` comments.

Every syntax error is an :class:`HclError` with a one-line message and the 1-based line.
"""

from __future__ import annotations

import bisect
import re
from typing import Any

from cwlint.terraform.syntax import (
    Attribute,
    Binary,
    Block,
    Body,
    Call,
    Conditional,
    Expr,
    ForDirective,
    ForExpr,
    GetAttr,
    HclError,
    IfDirective,
    Index,
    Interpolation,
    Literal,
    ObjectExpr,
    Splat,
    SplatItem,
    Template,
    TemplatePart,
    TupleExpr,
    Unary,
    Variable,
)

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_\-]*")
_FUNCTION_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_\-]*(?:::[A-Za-z_][A-Za-z0-9_\-]*)*")
_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
_HEREDOC = re.compile(r"<<(-?)([A-Za-z_][A-Za-z0-9_\-]*)[ \t]*\r?\n")
_MAX_DEPTH = 64

#: Binary operators by precedence, loosest first.
_PRECEDENCE: tuple[tuple[str, ...], ...] = (
    ("||",), ("&&",), ("==", "!="), (">=", "<=", ">", "<"), ("+", "-"), ("*", "/", "%"),
)


# --- parser ----------------------------------------------------------------------------


def parse(text: str) -> Body:
    """The body of one ``.tf`` file (raises :class:`HclError`)."""
    if text.startswith("\ufeff"):
        text = text[1:]
    parser = _Parser(text)
    body = parser.body(closing=False)
    return body


def parse_expression(text: str, line: int = 1) -> Expr:
    """One expression, such as a reference string of a plan (``aws_subnet.a[0].id``)."""
    parser = _Parser(text, line - 1)
    parser.nl = 1
    expr = parser.expression()
    parser.skip()
    if not parser.at_end():
        raise HclError(f"unexpected {parser.describe_here()} after the expression",
                       parser.line())
    return expr


class _Parser:
    def __init__(self, text: str, line_offset: int = 0) -> None:
        self.text = text
        self.pos = 0
        self.nl = 0  # > 0 inside brackets, where newlines are only whitespace
        self.depth = 0
        self.line_offset = line_offset
        self.newlines = [i for i, c in enumerate(text) if c == "\n"]

    # --- positions ---------------------------------------------------------------------

    def line(self, pos: int | None = None) -> int:
        where = self.pos if pos is None else pos
        return bisect.bisect_left(self.newlines, where) + 1 + self.line_offset

    def at_end(self) -> bool:
        return self.pos >= len(self.text)

    def peek(self, n: int = 1) -> str:
        return self.text[self.pos:self.pos + n]

    def error(self, message: str, pos: int | None = None) -> HclError:
        return HclError(message, self.line(pos))

    def describe_here(self) -> str:
        if self.at_end():
            return "end of file"
        char = self.text[self.pos]
        if char == "\n":
            return "end of line"
        return f"{char!r}"

    def expect(self, token: str) -> None:
        if not self.text.startswith(token, self.pos):
            raise self.error(f"expected {token!r}, found {self.describe_here()}")
        self.pos += len(token)

    def skip(self, newlines: bool | None = None) -> None:
        """Skip blanks and comments; newlines too inside brackets (or when asked)."""
        skip_newlines = self.nl > 0 if newlines is None else newlines
        text, length = self.text, len(self.text)
        while self.pos < length:
            char = text[self.pos]
            if char in " \t\r":
                self.pos += 1
            elif char == "\n":
                if not skip_newlines:
                    return
                self.pos += 1
            elif char == "#" or text.startswith("//", self.pos):
                end = text.find("\n", self.pos)
                self.pos = length if end < 0 else end
            elif text.startswith("/*", self.pos):
                end = text.find("*/", self.pos + 2)
                if end < 0:
                    raise self.error("unterminated /* comment")
                self.pos = end + 2
            else:
                return

    def identifier(self) -> str | None:
        match = _IDENT.match(self.text, self.pos)
        if match is None:
            return None
        self.pos = match.end()
        return match.group(0)

    # --- bodies ------------------------------------------------------------------------

    def body(self, closing: bool) -> Body:
        body = Body()
        saved_nl, self.nl = self.nl, 0
        while True:
            self.skip(newlines=True)
            if self.at_end():
                if closing:
                    raise self.error("a block is not closed: expected '}'")
                break
            if self.peek() == "}":
                if not closing:
                    raise self.error("unexpected '}'")
                self.pos += 1
                break
            start = self.pos
            name = self.identifier()
            if name is None:
                raise self.error(f"expected an attribute or a block, found {self.describe_here()}")
            self.skip(newlines=False)
            if self.peek() == "=" and self.peek(2) != "==":
                self.pos += 1
                expr = self.expression()
                if name in body.attributes:
                    raise self.error(f"attribute {name!r} is defined twice", start)
                body.attributes[name] = Attribute(name, expr, self.line(start))
            else:
                labels: list[str] = []
                while True:
                    self.skip(newlines=False)
                    if self.peek() == '"':
                        labels.append(self.label())
                        continue
                    label = self.identifier()
                    if label is None:
                        break
                    labels.append(label)
                self.skip(newlines=False)
                if self.peek() != "{":
                    raise self.error(f"expected '=' or a block body after {name!r}, found "
                                     f"{self.describe_here()}")
                self.pos += 1
                self.depth += 1
                if self.depth > _MAX_DEPTH:
                    raise self.error("blocks nest too deeply")
                inner = self.body(closing=True)
                self.depth -= 1
                body.blocks.append(Block(name, labels, inner, self.line(start),
                                         self.line(self.pos - 1)))
            self.skip(newlines=False)
            if not (self.at_end() or self.peek() in ("\n", "}")):
                raise self.error(f"expected a new line after {name!r}, found "
                                 f"{self.describe_here()}")
        self.nl = saved_nl
        return body

    def label(self) -> str:
        template = self.quoted_template()
        if len(template.parts) == 1 and isinstance(template.parts[0], str):
            return template.parts[0]
        if not template.parts:
            return ""
        raise self.error("a block label cannot contain interpolation")

    # --- expressions -------------------------------------------------------------------

    def expression(self) -> Expr:
        self.depth += 1
        if self.depth > _MAX_DEPTH:
            raise self.error("the expression nests too deeply")
        self.skip()
        start = self.pos
        condition = self.binary(0)
        self.skip()
        if self.peek() == "?":
            self.pos += 1
            true = self.expression()
            self.skip()
            self.expect(":")
            false = self.expression()
            condition = Conditional(self.line(start), condition, true, false)
        self.depth -= 1
        return condition

    def binary(self, level: int) -> Expr:
        if level == len(_PRECEDENCE):
            return self.unary()
        start = self.pos
        left = self.binary(level + 1)
        while True:
            self.skip()
            op = next((o for o in _PRECEDENCE[level] if self.text.startswith(o, self.pos)), None)
            if op is None or self.text.startswith("<<", self.pos):
                return left
            self.pos += len(op)
            right = self.binary(level + 1)
            left = Binary(self.line(start), op, left, right)

    def unary(self) -> Expr:
        self.skip()
        char = self.peek()
        if char in ("!", "-") and self.peek(2) != "!=":
            start = self.pos
            self.pos += 1
            return Unary(self.line(start), char, self.unary())
        return self.postfix(self.primary())

    def primary(self) -> Expr:
        self.skip()
        start = self.pos
        line = self.line()
        char = self.peek()
        if char == '"':
            return self.quoted_template()
        if self.text.startswith("<<", self.pos):
            return self.heredoc()
        if char.isdigit():
            match = _NUMBER.match(self.text, self.pos)
            assert match is not None
            self.pos = match.end()
            text = match.group(0)
            number: int | float = float(text) if any(c in text for c in ".eE") else int(text)
            return Literal(line, number)
        if char == "(":
            self.pos += 1
            self.nl += 1
            inner = self.expression()
            self.skip()
            self.expect(")")
            self.nl -= 1
            return inner
        if char == "[":
            return self.tuple_or_for()
        if char == "{":
            return self.object_or_for()
        match = _FUNCTION_NAME.match(self.text, self.pos)
        if match is None:
            raise self.error(f"expected an expression, found {self.describe_here()}")
        name = match.group(0)
        after = match.end()
        rest = self.text[after:after + 1]
        if rest == "(" or "::" in name:
            self.pos = after
            return self.call(name, line)
        self.pos = start + len(_IDENT.match(self.text, start).group(0))  # type: ignore[union-attr]
        name = self.text[start:self.pos]
        if name == "true":
            return Literal(line, True)
        if name == "false":
            return Literal(line, False)
        if name == "null":
            return Literal(line, None)
        return Variable(line, name)

    def call(self, name: str, line: int) -> Expr:
        self.expect("(")
        self.nl += 1
        args: list[Expr] = []
        expand = False
        while True:
            self.skip()
            if self.peek() == ")":
                break
            args.append(self.expression())
            self.skip()
            if self.text.startswith("...", self.pos):
                self.pos += 3
                expand = True
                self.skip()
            if self.peek() == ",":
                self.pos += 1
                continue
            if self.peek() != ")":
                raise self.error(f"expected ',' or ')' in the arguments of {name}(), found "
                                 f"{self.describe_here()}")
        self.pos += 1
        self.nl -= 1
        return Call(line, name, tuple(args), expand)

    def postfix(self, expr: Expr) -> Expr:
        while True:
            if self.text.startswith(".*", self.pos):
                self.pos += 2
                expr = Splat(expr.line, expr, self.splat_body(full=False))
            elif self.peek() == "." and not self.text.startswith("...", self.pos):
                self.pos += 1
                expr = self.attr_step(expr)
            elif self.text.startswith("[*]", self.pos):
                self.pos += 3
                expr = Splat(expr.line, expr, self.splat_body(full=True))
            elif self.peek() == "[":
                self.pos += 1
                self.nl += 1
                key = self.expression()
                self.skip()
                self.expect("]")
                self.nl -= 1
                expr = Index(expr.line, expr, key)
            else:
                return expr

    def attr_step(self, expr: Expr) -> Expr:
        match = _NUMBER.match(self.text, self.pos)
        if match is not None and match.group(0).isdigit():  # legacy index: list.0
            self.pos = match.end()
            return Index(expr.line, expr, Literal(expr.line, int(match.group(0))))
        name = self.identifier()
        if name is None:
            raise self.error(f"expected an attribute name after '.', found {self.describe_here()}")
        return GetAttr(expr.line, expr, name)

    def splat_body(self, full: bool) -> Expr:
        body: Expr = SplatItem(self.line())
        while True:
            if self.peek() == "." and not self.text.startswith(("...", ".*"), self.pos):
                self.pos += 1
                body = self.attr_step(body)
            elif full and self.peek() == "[" and not self.text.startswith("[*]", self.pos):
                self.pos += 1
                self.nl += 1
                key = self.expression()
                self.skip()
                self.expect("]")
                self.nl -= 1
                body = Index(body.line, body, key)
            else:
                return body

    def for_intro(self) -> tuple[str | None, str, Expr]:
        """``for k, v in collection :`` (after the ``for`` keyword)."""
        self.skip()
        first = self.identifier()
        if first is None:
            raise self.error("expected a variable name after 'for'")
        self.skip()
        second = None
        if self.peek() == ",":
            self.pos += 1
            self.skip()
            second = self.identifier()
            if second is None:
                raise self.error("expected a second variable name after ','")
            self.skip()
        if self.identifier() != "in":
            raise self.error("expected 'in' in the for expression")
        collection = self.expression()
        if second is None:
            return None, first, collection
        return first, second, collection

    def starts_for(self) -> bool:
        match = _IDENT.match(self.text, self.pos)
        if match is None or match.group(0) != "for":
            return False
        following = self.text[match.end():match.end() + 1]
        return following in (" ", "\t", "\n", "\r")

    def tuple_or_for(self) -> Expr:
        line = self.line()
        self.expect("[")
        self.nl += 1
        self.skip()
        if self.starts_for():
            self.pos += 3
            key_var, value_var, collection = self.for_intro()
            self.skip()
            self.expect(":")
            value = self.expression()
            condition = self.for_condition()
            self.skip()
            self.expect("]")
            self.nl -= 1
            return ForExpr(line, key_var, value_var, collection, None, value, condition)
        items: list[Expr] = []
        while True:
            self.skip()
            if self.peek() == "]":
                break
            items.append(self.expression())
            self.skip()
            if self.peek() == ",":
                self.pos += 1
                continue
            if self.peek() != "]":
                raise self.error(f"expected ',' or ']' in the list, found {self.describe_here()}")
        self.pos += 1
        self.nl -= 1
        return TupleExpr(line, tuple(items))

    def for_condition(self) -> Expr | None:
        self.skip()
        match = _IDENT.match(self.text, self.pos)
        if match is not None and match.group(0) == "if":
            self.pos = match.end()
            return self.expression()
        return None

    def object_or_for(self) -> Expr:
        line = self.line()
        saved_nl = self.nl
        self.expect("{")
        self.nl = 1
        self.skip()
        if self.starts_for():
            self.pos += 3
            key_var, value_var, collection = self.for_intro()
            self.skip()
            self.expect(":")
            key = self.expression()
            self.skip()
            self.expect("=>")
            value = self.expression()
            self.skip()
            grouping = False
            if self.text.startswith("...", self.pos):
                self.pos += 3
                grouping = True
            condition = self.for_condition()
            self.skip()
            self.expect("}")
            self.nl = saved_nl
            return ForExpr(line, key_var, value_var, collection, key, value, condition, grouping)
        # Items are separated by commas or new lines, so new lines matter between items.
        self.nl = 0
        items: list[tuple[Expr, Expr]] = []
        while True:
            self.skip(newlines=True)
            if self.peek() == "}":
                break
            if self.at_end():
                raise self.error("an object is not closed: expected '}'")
            key = self.expression()
            self.skip()
            if isinstance(key, Variable):
                key = Literal(key.line, key.name)
            if (self.peek() == "=" and self.peek(2) != "==") or self.peek() == ":":
                self.pos += 1
            else:
                raise self.error(f"expected '=' or ':' after an object key, found "
                                 f"{self.describe_here()}")
            value = self.expression()
            items.append((key, value))
            self.skip()
            if self.peek() == ",":
                self.pos += 1
                continue
            if self.peek() not in ("\n", "}"):
                raise self.error(f"expected ',', a new line or '}}' in the object, found "
                                 f"{self.describe_here()}")
        self.pos += 1
        self.nl = saved_nl
        return ObjectExpr(line, tuple(items))

    # --- templates ---------------------------------------------------------------------

    def quoted_template(self) -> Template:
        line = self.line()
        self.expect('"')
        flat = self.template_parts(quoted=True)
        return Template(line, _nest(flat, self))

    def heredoc(self) -> Template:
        line = self.line()
        match = _HEREDOC.match(self.text, self.pos)
        if match is None:
            raise self.error("expected a heredoc marker such as <<EOT followed by a new line")
        indent, marker = match.group(1) == "-", match.group(2)
        start = match.end()
        closing = re.compile(rf"^[ \t]*{re.escape(marker)}[ \t]*\r?$", re.MULTILINE)
        end = closing.search(self.text, start)
        if end is None:
            raise self.error(f"the heredoc {marker} is not closed")
        content = self.text[start:end.start()]
        if content.endswith("\n"):
            content = content[:-1]
        lines = content.split("\n")
        if indent:
            widths = [len(x) - len(x.lstrip(" \t")) for x in lines if x.strip()]
            cut = min(widths) if widths else 0
            lines = [x[cut:] for x in lines]
        text = "\n".join(lines) + ("\n" if content or lines != [""] else "")
        sub = _Parser(text, self.line(start) - 1)
        flat = sub.template_parts(quoted=False)
        self.pos = end.end()
        return Template(line, _nest(flat, sub))

    def template_parts(self, quoted: bool) -> list[Any]:
        """Template text up to the closing quote (or the end), with interpolations and
        directive markers as separate items (nested by :func:`_nest`)."""
        parts: list[Any] = []
        buffer: list[str] = []
        text, length = self.text, len(self.text)

        def flush() -> None:
            if buffer:
                parts.append("".join(buffer))
                buffer.clear()

        while True:
            if self.pos >= length:
                if quoted:
                    raise self.error("unterminated string")
                break
            char = text[self.pos]
            if quoted and char == '"':
                self.pos += 1
                break
            if quoted and char == "\n":
                raise self.error("unterminated string: a quoted string cannot span lines")
            if quoted and char == "\\":
                buffer.append(self.escape())
                continue
            if text.startswith("$${", self.pos) or text.startswith("%%{", self.pos):
                buffer.append(text[self.pos + 1:self.pos + 3])
                self.pos += 3
                continue
            if text.startswith("${", self.pos) or text.startswith("%{", self.pos):
                flush()
                directive = char == "%"
                self.pos += 2
                strip_before = self.peek() == "~"
                if strip_before:
                    self.pos += 1
                self.nl += 1
                item = self.directive() if directive else Interpolation(self.expression())
                self.skip()
                strip_after = self.peek() == "~"
                if strip_after:
                    self.pos += 1
                self.expect("}")
                self.nl -= 1
                parts.append(("strip", strip_before, strip_after, item))
                continue
            buffer.append(char)
            self.pos += 1
        flush()
        return parts

    def escape(self) -> str:
        sequence = self.text[self.pos + 1:self.pos + 2]
        simple = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}
        if sequence in simple:
            self.pos += 2
            return simple[sequence]
        if sequence in ("u", "U"):
            width = 4 if sequence == "u" else 8
            digits = self.text[self.pos + 2:self.pos + 2 + width]
            if len(digits) == width and all(c in "0123456789abcdefABCDEF" for c in digits):
                self.pos += 2 + width
                try:
                    return chr(int(digits, 16))
                except (ValueError, OverflowError):
                    raise self.error(f"invalid escape \\{sequence}{digits}") from None
        raise self.error(f"invalid escape sequence \\{sequence} in a string")

    def directive(self) -> tuple[str, Any]:
        self.skip()
        keyword = self.identifier()
        if keyword == "if":
            return ("if", self.expression())
        if keyword == "for":
            return ("for", self.for_intro())
        if keyword in ("else", "endif", "endfor"):
            return (keyword, None)
        raise self.error(f"unknown template directive %{{{keyword}}}")


def _nest(flat: list[Any], parser: _Parser) -> tuple[TemplatePart, ...]:
    """Apply strip markers, then nest ``if``/``for`` directives into their bodies."""
    items: list[Any] = []
    strip_next = False
    for item in flat:
        if isinstance(item, str):
            items.append(item.lstrip() if strip_next else item)
            strip_next = False
            continue
        _, before, after, payload = item
        if before and items and isinstance(items[-1], str):
            items[-1] = items[-1].rstrip()
        items.append(payload)
        strip_next = after
    position = 0

    def sequence(stop: tuple[str, ...]) -> tuple[list[TemplatePart], str | None]:
        nonlocal position
        out: list[TemplatePart] = []
        while position < len(items):
            item = items[position]
            position += 1
            if isinstance(item, (str, Interpolation)):
                if item != "":
                    out.append(item)
                continue
            kind, payload = item
            if kind in stop:
                return out, kind
            if kind == "if":
                then, ended = sequence(("else", "endif"))
                otherwise: list[TemplatePart] = []
                if ended == "else":
                    otherwise, ended = sequence(("endif",))
                if ended != "endif":
                    raise parser.error("%{if} without %{endif}")
                out.append(IfDirective(payload, tuple(then), tuple(otherwise)))
            elif kind == "for":
                body, ended = sequence(("endfor",))
                if ended != "endfor":
                    raise parser.error("%{for} without %{endfor}")
                key_var, value_var, collection = payload
                out.append(ForDirective(key_var, value_var, collection, tuple(body)))
            else:
                raise parser.error(f"%{{{kind}}} without a matching opening directive")
        return out, None

    parts, _ended = sequence(())
    return tuple(parts)
