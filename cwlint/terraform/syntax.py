"""The syntax tree of HCL native syntax that cwlint evaluates, with 1-based line numbers
(and columns for attributes and blocks).

:mod:`cwlint.terraform.hcl` builds it from ``.tf`` text; :mod:`cwlint.terraform.expressions`
evaluates it. Expressions are values: frozen, compared and hashed by their fields
(``msgspec.Struct``: a 10,000-resource module builds a few hundred thousand of them, and a
frozen struct is built in about half the time of a slotted dataclass). A body keeps its
attributes by name and its blocks in source order.
"""

from __future__ import annotations

from typing import Any

import msgspec


class HclError(Exception):
    """HCL that cannot be parsed: ``message`` is one line, ``line`` is 1-based."""

    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


# --- syntax tree -----------------------------------------------------------------------

class Expr(msgspec.Struct, frozen=True):
    """An expression; ``line`` is where it starts."""

    line: int


class Literal(Expr, frozen=True):
    """A literal: a number, ``true``, ``false``, ``null``, or a bare object key's name."""

    value: Any  # str, int, float, bool or None


class Interpolation(msgspec.Struct, frozen=True):
    """``${ expr }`` in a template."""

    expr: Expr


class IfDirective(msgspec.Struct, frozen=True):
    """``%{ if condition }`` ... ``%{ else }`` ... ``%{ endif }`` in a template."""

    condition: Expr
    then: tuple[TemplatePart, ...]
    otherwise: tuple[TemplatePart, ...]


class ForDirective(msgspec.Struct, frozen=True):
    """``%{ for key_var, value_var in collection }`` ... ``%{ endfor }`` in a template."""

    key_var: str | None
    value_var: str
    collection: Expr
    body: tuple[TemplatePart, ...]


TemplatePart = str | Interpolation | IfDirective | ForDirective


class Template(Expr, frozen=True):
    """A quoted string or heredoc: its literal text and template parts, in order."""

    parts: tuple[TemplatePart, ...]


class TupleExpr(Expr, frozen=True):
    """``[item, ...]``."""

    items: tuple[Expr, ...]


class ObjectExpr(Expr, frozen=True):
    """``{ key = value, ... }``: its items in source order."""

    items: tuple[tuple[Expr, Expr], ...]  # a bare identifier key is a Literal


class Variable(Expr, frozen=True):
    """A name a traversal starts from: ``var``, ``local``, ``aws_vpc``, a ``for`` variable..."""

    name: str


class GetAttr(Expr, frozen=True):
    """``source.name``."""

    source: Expr
    name: str


class Index(Expr, frozen=True):
    """``source[key]``."""

    source: Expr
    key: Expr


class SplatItem(Expr, frozen=True):
    """The element a splat's body applies to."""


class Splat(Expr, frozen=True):
    """``source[*].body`` or ``source.*.body``: ``body`` applied to each element."""

    source: Expr
    body: Expr  # built on a SplatItem


class Call(Expr, frozen=True):
    """A function call; ``expand_final`` when its last argument is followed by ``...``."""

    name: str
    args: tuple[Expr, ...]
    expand_final: bool = False


class Unary(Expr, frozen=True):
    """``!operand`` or ``-operand``."""

    op: str
    operand: Expr


class Binary(Expr, frozen=True):
    """``left op right``, rebuilt with HCL's operator precedence."""

    op: str
    left: Expr
    right: Expr


class Conditional(Expr, frozen=True):
    """``condition ? true : false``."""

    condition: Expr
    true: Expr
    false: Expr


class ForExpr(Expr, frozen=True):
    """``[for ...]``, or ``{for ...}`` when ``key`` is set; ``grouping`` when ``...``
    follows the value."""

    key_var: str | None
    value_var: str
    collection: Expr
    key: Expr | None  # set for the object form {for k, v in x : key => value}
    value: Expr
    condition: Expr | None
    grouping: bool = False


class Attribute(msgspec.Struct):
    """``name = expr`` in a body, with the 1-based line and column where it starts."""

    name: str
    expr: Expr
    line: int
    column: int = 1  # 1-based, in characters


class Block(msgspec.Struct):
    """``type "label" ... { body }``, with the lines where it starts and ends."""

    type: str
    labels: list[str]
    body: Body
    line: int
    end_line: int
    column: int = 1  # 1-based, in characters


class Body(msgspec.Struct):
    """A file's or a block's content: its attributes by name, its blocks in source order."""

    attributes: dict[str, Attribute] = msgspec.field(default_factory=dict)
    blocks: list[Block] = msgspec.field(default_factory=list)

    def blocks_of(self, block_type: str) -> list[Block]:
        return [b for b in self.blocks if b.type == block_type]
