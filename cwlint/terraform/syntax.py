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
    value: Any  # str, int, float, bool or None


class Interpolation(msgspec.Struct, frozen=True):
    expr: Expr


class IfDirective(msgspec.Struct, frozen=True):
    condition: Expr
    then: tuple[TemplatePart, ...]
    otherwise: tuple[TemplatePart, ...]


class ForDirective(msgspec.Struct, frozen=True):
    key_var: str | None
    value_var: str
    collection: Expr
    body: tuple[TemplatePart, ...]


TemplatePart = str | Interpolation | IfDirective | ForDirective


class Template(Expr, frozen=True):
    parts: tuple[TemplatePart, ...]


class TupleExpr(Expr, frozen=True):
    items: tuple[Expr, ...]


class ObjectExpr(Expr, frozen=True):
    items: tuple[tuple[Expr, Expr], ...]  # a bare identifier key is a Literal


class Variable(Expr, frozen=True):
    name: str


class GetAttr(Expr, frozen=True):
    source: Expr
    name: str


class Index(Expr, frozen=True):
    source: Expr
    key: Expr


class SplatItem(Expr, frozen=True):
    """The element a splat's body applies to."""


class Splat(Expr, frozen=True):
    source: Expr
    body: Expr  # built on a SplatItem


class Call(Expr, frozen=True):
    name: str
    args: tuple[Expr, ...]
    expand_final: bool = False


class Unary(Expr, frozen=True):
    op: str
    operand: Expr


class Binary(Expr, frozen=True):
    op: str
    left: Expr
    right: Expr


class Conditional(Expr, frozen=True):
    condition: Expr
    true: Expr
    false: Expr


class ForExpr(Expr, frozen=True):
    key_var: str | None
    value_var: str
    collection: Expr
    key: Expr | None  # set for the object form {for k, v in x : key => value}
    value: Expr
    condition: Expr | None
    grouping: bool = False


class Attribute(msgspec.Struct):
    name: str
    expr: Expr
    line: int
    column: int = 1  # 1-based, in characters


class Block(msgspec.Struct):
    type: str
    labels: list[str]
    body: Body
    line: int
    end_line: int
    column: int = 1  # 1-based, in characters


class Body(msgspec.Struct):
    attributes: dict[str, Attribute] = msgspec.field(default_factory=dict)
    blocks: list[Block] = msgspec.field(default_factory=list)

    def blocks_of(self, block_type: str) -> list[Block]:
        return [b for b in self.blocks if b.type == block_type]
