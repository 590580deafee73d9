"""Terraform values that cwlint cannot know, and JSON text with unknown holes.

A value Terraform knows only after apply (``aws_iam_role.app.arn`` of a role to be
created) is a :class:`TfRef`: an :class:`~cwlint.values.Unknown` that also remembers which
resource attribute it stands for, so that the builder can link a function to its role even
though the role's ARN is unknown. Everywhere else it behaves as any Unknown: the IAM
evaluator answers *unknown* where it matters.

Policies and container definitions are JSON text. Built with ``jsonencode`` or a heredoc
around unknown values, that text has holes: :func:`json_text` writes a value as such text
(a :class:`~cwlint.values.Partial`) and :func:`json_document` reads it back into a
structure whose unknown leaves stay unknown, so that ``"Resource": "${aws_x.y.arn}:*"``
becomes a Partial resource ARN rather than an unreadable document.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from json.encoder import encode_basestring_ascii
from typing import Any

from cwlint.values import Partial, StrValue, Unknown, concat


class TfRef(Unknown, frozen=True):
    """An attribute of a resource in this input, known only after apply."""

    address: str = ""  # module.app.aws_iam_role.app
    attribute: str = ""  # arn, id, name, default_security_group_id ...


class EvalError(Unknown, frozen=True):
    """An expression Terraform would reject when evaluating it (an index out of range, a
    missing attribute): unknown to cwlint, and what ``try()`` skips and ``can()`` tests."""


def after_apply(address: str, attribute: str) -> TfRef:
    shown = f"{address}.{attribute}" if attribute else address
    return TfRef(f"{shown} is known only after apply", address, attribute)


def refs_in(value: Any) -> list[TfRef]:
    """Every :class:`TfRef` in a value (inside Partials, lists and mappings too)."""
    found: list[TfRef] = []
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, TfRef):
            found.append(item)
        elif isinstance(item, Partial):
            found.extend(p for p in item.parts if isinstance(p, TfRef))
        elif isinstance(item, Mapping):
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)):
            stack.extend(item)
    found.reverse()
    return found


# --- JSON text with holes ----------------------------------------------------------------

_HOLE = "\u0000cwlint-hole-{}\u0000"
#: Compact JSON with sorted keys, ASCII only: Terraform's jsonencode of a known value.
_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"))
_HOLE_RE = re.compile("\u0000cwlint-hole-([0-9]+)\u0000")


def json_text(value: Any) -> StrValue:
    """``jsonencode(value)``: compact JSON with sorted keys, as Terraform writes it; unknown
    parts of the value become unknown parts of the text."""
    if _plain_json(value):  # most documents: the standard library's encoder, in C
        return _ENCODER.encode(value)
    pieces: list[Any] = []
    _encode(value, pieces)
    if all(type(piece) is str for piece in pieces):
        return "".join(pieces)  # a known value: what concat gives, quicker
    return concat(pieces)


def _plain_json(value: Any) -> bool:
    """True when ``value`` holds only strings, integers, booleans, nulls, lists and dicts
    with string keys: what ``json.dumps`` writes exactly as :func:`_encode` does (it
    would write a float 1.0 as ``1.0``, Terraform as ``1``)."""
    stack = [value]
    while stack:
        item = stack.pop()
        kind = type(item)
        if kind is str or kind is int or kind is bool or item is None:
            continue
        if kind is dict:
            if not all(type(key) is str for key in item):
                return False
            stack.extend(item.values())
        elif kind is list or kind is tuple:
            stack.extend(item)
        else:
            return False
    return True


def _encode(value: Any, out: list[Any]) -> None:
    kind = type(value)
    if kind is str:  # the most common leaf
        out.append(encode_basestring_ascii(value))  # as json.dumps writes a string
    elif kind is dict:
        _encode_mapping(value, out)
    elif isinstance(value, Unknown):
        out.append(value)
    elif isinstance(value, Partial):
        out.append('"')
        for part in value.parts:
            out.append(part if isinstance(part, Unknown) else json.dumps(part)[1:-1])
        out.append('"')
    elif isinstance(value, Mapping):
        _encode_mapping(value, out)
    elif isinstance(value, (list, tuple)):
        out.append("[")
        for index, item in enumerate(value):
            if index:
                out.append(",")
            _encode(item, out)
        out.append("]")
    elif isinstance(value, float) and value.is_integer() and not math.isinf(value):
        out.append(str(int(value)))
    else:
        out.append(json.dumps(value))


def _encode_mapping(value: Mapping[Any, Any], out: list[Any]) -> None:
    out.append("{")
    for index, key in enumerate(sorted(value, key=str)):
        if index:
            out.append(",")
        out.append(encode_basestring_ascii(str(key)) + ":")
        _encode(value[key], out)
    out.append("}")


def json_document(value: Any) -> Any:
    """The structure JSON text stands for, with its unknown holes as unknown leaves.

    ``value`` may be a plain string, a Partial with unknown pieces (a hole inside a JSON
    string becomes part of a Partial string; a hole where a whole JSON value belongs
    becomes that Unknown), an Unknown (returned as it is) or an already decoded mapping or
    list. Raises ValueError when the text is not JSON.
    """
    if isinstance(value, (Unknown, Mapping, list)):
        return value
    if isinstance(value, str):
        return json.loads(value)
    if not isinstance(value, Partial):
        raise ValueError(f"a {type(value).__name__} is not JSON text")
    holes: list[Unknown] = []
    text: list[str] = []
    in_string = False
    for part in value.parts:
        if isinstance(part, Unknown):
            token = _HOLE.format(len(holes))
            holes.append(part)
            text.append(token if in_string else json.dumps(token))
            continue
        text.append(part)
        in_string = _ends_inside_string(part, in_string)
    decoded = json.loads("".join(text).replace("\u0000", "\\u0000"))
    return _fill(decoded, holes)


def _ends_inside_string(text: str, in_string: bool) -> bool:
    escaped = False
    for char in text:
        if escaped:
            escaped = False
        elif char == "\\" and in_string:
            escaped = True
        elif char == '"':
            in_string = not in_string
    return in_string


def _fill(node: Any, holes: list[Unknown]) -> Any:
    if isinstance(node, str):
        if "\u0000" not in node:
            return node
        pieces: list[Any] = []
        position = 0
        for match in _HOLE_RE.finditer(node):
            pieces.append(node[position:match.start()])
            pieces.append(holes[int(match.group(1))])
            position = match.end()
        pieces.append(node[position:])
        return concat(pieces)
    if isinstance(node, dict):
        if any("\u0000" in k for k in node):
            return Unknown("a key of the JSON document is not known statically")
        return {k: _fill(v, holes) for k, v in node.items()}
    if isinstance(node, list):
        return [_fill(v, holes) for v in node]
    return node
