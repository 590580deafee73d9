"""Terraform's JSON syntax (``.tf.json``, what CDK for Terraform writes) into the same
syntax tree as HCL native syntax, so a module may mix both kinds of file.

The file must be valid JSON (checked with :mod:`json`, whose message and line an error
carries); a small reader then walks it keeping the line of every value, and every string
is read as a template (``"${aws_iam_role.app.arn}"``, by
:func:`cwlint.terraform.hcl.parse_template`), as Terraform specifies for JSON. Then: the
top-level properties are block types; ``resource`` and ``data`` nest two labels (type,
name), ``module``, ``variable``, ``output`` and ``provider`` one; a block given as an
array of objects is several blocks; ``locals`` holds attributes; a property named ``//``
is a comment. Inside a block, every property is an attribute, whose object or array
value cwlint reads like nested blocks where it needs to
(:meth:`cwlint.terraform.resources.Block.blocks`), except ``dynamic`` blocks and the
meta blocks ``lifecycle``, ``connection``, ``provisioner``, which are blocks.
"""

from __future__ import annotations

import bisect
import json
import re
from json.decoder import scanstring
from typing import Any

from cwlint.terraform.hcl import parse_template
from cwlint.terraform.syntax import (
    Attribute,
    Block,
    Body,
    Expr,
    HclError,
    Literal,
    ObjectExpr,
    Template,
    TupleExpr,
    Variable,
)

#: How many labels each top-level block type has.
_LABELS = {"resource": 2, "data": 2, "module": 1, "variable": 1, "output": 1, "provider": 1,
           "check": 1, "locals": 0, "terraform": 0, "moved": 0, "import": 0, "removed": 0}
_META_BLOCKS = frozenset({"lifecycle", "connection", "provisioner"})
_COMMENT = "//"


def parse(text: str) -> Body:
    """The body of one ``.tf.json`` file (raises :class:`HclError`)."""
    try:
        json.loads(text)
    except ValueError as exc:
        line = getattr(exc, "lineno", None)
        message = getattr(exc, "msg", str(exc))
        raise HclError(f"not valid JSON: {message}", line) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    top, _ = _Reader(text).value(_skip(text, 0))
    if not isinstance(top, ObjectExpr):
        raise HclError("a .tf.json file must hold one JSON object", 1)
    body = Body()
    for key, value in top.items:
        kind = _name(key)
        if kind == _COMMENT:
            continue
        if kind not in _LABELS:
            raise HclError(f"unknown block type {kind!r} in Terraform JSON", key.line)
        body.blocks.extend(_blocks(kind, value, _LABELS[kind], [], key.line))
    return body


def _name(key: Expr) -> str:
    if isinstance(key, Template) and all(isinstance(p, str) for p in key.parts):
        return "".join(key.parts)  # type: ignore[arg-type]
    if isinstance(key, Template):
        raise HclError("a property name cannot contain interpolation here", key.line)
    raise HclError("a property name must be a string", key.line)


def _objects(value: Expr) -> list[ObjectExpr]:
    """A block's object, or the objects of an array of blocks."""
    items = value.items if isinstance(value, TupleExpr) else (value,)
    objects = [item for item in items if isinstance(item, ObjectExpr)]
    if len(objects) != len(items):
        raise HclError("a block must be a JSON object or an array of objects", value.line)
    return objects


def _blocks(kind: str, value: Expr, labels_left: int, labels: list[str],
            line: int) -> list[Block]:
    if labels_left:
        if not isinstance(value, ObjectExpr):
            raise HclError(f"a {kind} block needs {labels_left} more label(s): a JSON object",
                           value.line)
        found: list[Block] = []
        for key, inner in value.items:
            label = _name(key)
            if label != _COMMENT:
                found += _blocks(kind, inner, labels_left - 1, [*labels, label], key.line)
        return found
    return [Block(kind, labels, _body(kind, obj), line, line) for obj in _objects(value)]


def _body(kind: str, obj: ObjectExpr) -> Body:
    body = Body()
    for key, value in obj.items:
        name = _name(key)
        if name == _COMMENT:
            continue
        if kind == "terraform":
            continue  # settings cwlint does not read
        if kind not in ("locals",) and name == "dynamic":
            body.blocks.extend(_dynamic(value))
        elif kind not in ("locals",) and name in _META_BLOCKS:
            body.blocks.extend(Block(name, [], _body(name, o), key.line, key.line)
                               for o in _objects(value))
        else:
            if name in body.attributes:
                raise HclError(f"attribute {name!r} is defined twice", key.line)
            body.attributes[name] = Attribute(name, value, key.line)
    return body


def _dynamic(value: Expr) -> list[Block]:
    """``"dynamic": {"ingress": {"for_each": ..., "content": {...}}}``."""
    if not isinstance(value, ObjectExpr):
        raise HclError("dynamic must be a JSON object of block types", value.line)
    found: list[Block] = []
    for key, spec in value.items:
        label = _name(key)
        for obj in _objects(spec):
            inner = Body()
            for part_key, part in obj.items:
                part_name = _name(part_key)
                if part_name == "content":
                    inner.blocks.extend(Block("content", [], _body("content", o),
                                              part_key.line, part_key.line)
                                        for o in _objects(part))
                elif part_name == "iterator":
                    inner.attributes[part_name] = Attribute(part_name, _keyword(part),
                                                            part_key.line)
                elif part_name != _COMMENT:
                    inner.attributes[part_name] = Attribute(part_name, part, part_key.line)
            found.append(Block("dynamic", [label], inner, key.line, key.line))
    return found


_IDENTIFIER = re.compile(r"[^\W\d][\w-]*")


def _keyword(value: Expr) -> Expr:
    """A name given as a string where the native syntax has a bare name (``"iterator":
    "rule"``): HCL's JSON syntax reads such a string as that name, not as a template."""
    if (isinstance(value, Template) and len(value.parts) == 1
            and isinstance(value.parts[0], str) and _IDENTIFIER.fullmatch(value.parts[0])):
        return Variable(value.line, value.parts[0])
    return value


_WHITESPACE = re.compile(r"[ \t\n\r]*")
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?")
_CONSTANTS = {"true": True, "false": False, "null": None}


def _skip(text: str, position: int) -> int:
    return _WHITESPACE.match(text, position).end()  # type: ignore[union-attr]


class _Reader:
    """JSON (already validated by :mod:`json`) into expressions that know their line."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.newlines = [m.start() for m in re.finditer("\n", text)]

    def line(self, position: int) -> int:
        return bisect.bisect_left(self.newlines, position) + 1

    def value(self, position: int) -> tuple[Expr, int]:
        text, line = self.text, self.line(position)
        char = text[position:position + 1]
        if char == "{":
            items: list[tuple[Expr, Expr]] = []
            position = _skip(text, position + 1)
            while text[position] != "}":
                key_line = self.line(position)
                key, position = scanstring(text, position + 1)
                position = _skip(text, _skip(text, position) + 1)  # the colon
                item, position = self.value(position)
                items.append((parse_template(key, key_line), item))
                position = _skip(text, position)
                if text[position] == ",":
                    position = _skip(text, position + 1)
            return ObjectExpr(line, tuple(items)), position + 1
        if char == "[":
            values: list[Expr] = []
            position = _skip(text, position + 1)
            while text[position] != "]":
                item, position = self.value(position)
                values.append(item)
                position = _skip(text, position)
                if text[position] == ",":
                    position = _skip(text, position + 1)
            return TupleExpr(line, tuple(values)), position + 1
        if char == '"':
            string, position = scanstring(text, position + 1)
            return parse_template(string, line), position
        for word, constant in _CONSTANTS.items():
            if text.startswith(word, position):
                return Literal(line, constant), position + len(word)
        number = _NUMBER.match(text, position)
        if number is None or number.end() == position:
            raise HclError("not valid JSON", line)
        literal = number.group()
        value: Any = float(literal) if number.group(1) or number.group(2) else int(literal)
        return Literal(line, value), number.end()
