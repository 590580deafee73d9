"""The syntax tree of HCL native syntax that cwlint evaluates, with 1-based line numbers
(and columns for attributes and blocks).

:mod:`cwlint.terraform.hcl` builds it from ``.tf`` text; :mod:`cwlint.terraform.expressions`
evaluates it. Expressions are immutable; a body keeps its attributes by name and its
blocks in source order.
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


@dataclass(frozen=True, slots=True)
class Expr:
    """An expression; ``line`` is where it starts."""

    line: int


@dataclass(frozen=True, slots=True)
class Literal(Expr):
    value: Any  # str, int, float, bool or None


@dataclass(frozen=True, slots=True)
class Interpolation:
    expr: Expr


@dataclass(frozen=True, slots=True)
class IfDirective:
    condition: Expr
    then: tuple[TemplatePart, ...]
    otherwise: tuple[TemplatePart, ...]


@dataclass(frozen=True, slots=True)
class ForDirective:
    key_var: str | None
    value_var: str
    collection: Expr
    body: tuple[TemplatePart, ...]


TemplatePart = str | Interpolation | IfDirective | ForDirective


@dataclass(frozen=True, slots=True)
class Template(Expr):
    parts: tuple[TemplatePart, ...]


@dataclass(frozen=True, slots=True)
class TupleExpr(Expr):
    items: tuple[Expr, ...]


@dataclass(frozen=True, slots=True)
class ObjectExpr(Expr):
    items: tuple[tuple[Expr, Expr], ...]  # a bare identifier key is a Literal


@dataclass(frozen=True, slots=True)
class Variable(Expr):
    name: str


@dataclass(frozen=True, slots=True)
class GetAttr(Expr):
    source: Expr
    name: str


@dataclass(frozen=True, slots=True)
class Index(Expr):
    source: Expr
    key: Expr


@dataclass(frozen=True, slots=True)
class SplatItem(Expr):
    """The element a splat's body applies to."""


@dataclass(frozen=True, slots=True)
class Splat(Expr):
    source: Expr
    body: Expr  # built on a SplatItem


@dataclass(frozen=True, slots=True)
class Call(Expr):
    name: str
    args: tuple[Expr, ...]
    expand_final: bool = False


@dataclass(frozen=True, slots=True)
class Unary(Expr):
    op: str
    operand: Expr


@dataclass(frozen=True, slots=True)
class Binary(Expr):
    op: str
    left: Expr
    right: Expr


@dataclass(frozen=True, slots=True)
class Conditional(Expr):
    condition: Expr
    true: Expr
    false: Expr


@dataclass(frozen=True, slots=True)
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
