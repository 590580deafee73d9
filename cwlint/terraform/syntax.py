"""The syntax tree of HCL native syntax that cwlint evaluates, with 1-based line numbers
(and columns for attributes and blocks).

:mod:`cwlint.terraform.hcl` builds it from ``.tf`` text; :mod:`cwlint.terraform.expressions`
evaluates it. Expressions are values: compared and hashed by their fields, and never changed once
built (by convention: frozen dataclasses take three times as long to construct, and a
10,000-resource module builds a few hundred thousand expressions). A body keeps its
attributes by name and its blocks in source order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


class HclError(Exception):
    """HCL that cannot be parsed: ``message`` is one line, ``line`` is 1-based."""

    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


# --- syntax tree -----------------------------------------------------------------------

#: The dataclass decorator of expressions and template parts: equal and hashed by value.
_expression = dataclass(slots=True, unsafe_hash=True)


@_expression
class Expr:
    """An expression; ``line`` is where it starts."""

    line: int


@_expression
class Literal(Expr):
    value: Any  # str, int, float, bool or None


@_expression
class Interpolation:
    expr: Expr


@_expression
class IfDirective:
    condition: Expr
    then: tuple[TemplatePart, ...]
    otherwise: tuple[TemplatePart, ...]


@_expression
class ForDirective:
    key_var: str | None
    value_var: str
    collection: Expr
    body: tuple[TemplatePart, ...]


TemplatePart = str | Interpolation | IfDirective | ForDirective


@_expression
class Template(Expr):
    parts: tuple[TemplatePart, ...]


@_expression
class TupleExpr(Expr):
    items: tuple[Expr, ...]


@_expression
class ObjectExpr(Expr):
    items: tuple[tuple[Expr, Expr], ...]  # a bare identifier key is a Literal


@_expression
class Variable(Expr):
    name: str


@_expression
class GetAttr(Expr):
    source: Expr
    name: str


@_expression
class Index(Expr):
    source: Expr
    key: Expr


@_expression
class SplatItem(Expr):
    """The element a splat's body applies to."""


@_expression
class Splat(Expr):
    source: Expr
    body: Expr  # built on a SplatItem


@_expression
class Call(Expr):
    name: str
    args: tuple[Expr, ...]
    expand_final: bool = False


@_expression
class Unary(Expr):
    op: str
    operand: Expr


@_expression
class Binary(Expr):
    op: str
    left: Expr
    right: Expr


@_expression
class Conditional(Expr):
    condition: Expr
    true: Expr
    false: Expr


@_expression
class ForExpr(Expr):
    key_var: str | None
    value_var: str
    collection: Expr
    key: Expr | None  # set for the object form {for k, v in x : key => value}
    value: Expr
    condition: Expr | None
    grouping: bool = False


@dataclass(slots=True)
class Attribute:
    name: str
    expr: Expr
    line: int
    column: int = 1  # 1-based, in characters


@dataclass(slots=True)
class Block:
    type: str
    labels: list[str]
    body: Body
    line: int
    end_line: int
    column: int = 1  # 1-based, in characters


@dataclass(slots=True)
class Body:
    attributes: dict[str, Attribute] = field(default_factory=dict)
    blocks: list[Block] = field(default_factory=list)

    def blocks_of(self, block_type: str) -> list[Block]:
        return [b for b in self.blocks if b.type == block_type]
