"""Values that cannot be known before deploy.

Front ends resolve template expressions statically. Whatever they cannot resolve (a
parameter without a default, ``Fn::ImportValue``, a Terraform value "known after apply")
becomes an :class:`Unknown`, never a guess. A string of which only some parts are known,
such as ``arn:aws:logs:us-east-1:123456789012:log-group:${LogGroupName}:*`` with an
unresolved ``LogGroupName``, becomes a :class:`Partial`. Both can appear anywhere inside
the plain Python structures (dict, list, str, int, bool) that front ends produce.

Consumers ask :func:`is_known` before trusting a value, and the IAM evaluator turns
decisions that depend on unknown parts into the third truth value, *unknown*.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import msgspec


class Unknown(msgspec.Struct, frozen=True):
    """A value that cannot be resolved statically; ``reason`` says why, for messages."""

    reason: str

    def __str__(self) -> str:
        return f"<unknown: {self.reason}>"


class Partial(msgspec.Struct, frozen=True):
    """A string made of known text and :class:`Unknown` pieces, in order.

    Build it with :func:`concat`, which keeps the invariant that a Partial holds at least
    one Unknown and never two adjacent strings.
    """

    parts: tuple[str | Unknown, ...]

    def __str__(self) -> str:
        return "".join(p if isinstance(p, str) else "${?}" for p in self.parts)

    @property
    def unknowns(self) -> tuple[Unknown, ...]:
        return tuple(p for p in self.parts if isinstance(p, Unknown))

    @property
    def reason(self) -> str:
        return "; ".join(dict.fromkeys(u.reason for u in self.unknowns))

    def known_prefix(self) -> str:
        """The literal text before the first unknown piece."""
        first = self.parts[0]
        return first if isinstance(first, str) else ""

    def known_suffix(self) -> str:
        """The literal text after the last unknown piece."""
        last = self.parts[-1]
        return last if isinstance(last, str) else ""


StrValue = str | Unknown | Partial


def concat(pieces: Iterable[Any]) -> StrValue:
    """Join string pieces, some of which may be unknown, into the simplest value.

    All known: a plain ``str``. One unknown piece alone: that :class:`Unknown`. Otherwise
    a :class:`Partial`. Numbers and booleans are joined as CloudFormation renders them.
    """
    parts: list[str | Unknown] = []
    for piece in pieces:
        if isinstance(piece, Partial):
            items: Iterable[Any] = piece.parts
        else:
            items = (piece,)
        for item in items:
            if isinstance(item, Unknown):
                parts.append(item)
                continue
            text = render_scalar(item)
            if isinstance(text, Unknown):
                parts.append(text)
            elif text:
                if parts and isinstance(parts[-1], str):
                    parts[-1] += text
                else:
                    parts.append(text)
    if not parts:
        return ""
    if len(parts) == 1:
        return parts[0]
    return Partial(tuple(parts))


def render_scalar(value: Any) -> str | Unknown:
    """A scalar as the string CloudFormation or Terraform would produce for it."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, Unknown):
        return value
    return Unknown(f"a {type(value).__name__} used where a string is expected")


def is_known(value: Any) -> bool:
    """True when ``value`` contains no :class:`Unknown` or :class:`Partial` anywhere."""
    if isinstance(value, (Unknown, Partial)):
        return False
    if isinstance(value, dict):
        return all(is_known(k) and is_known(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return all(is_known(v) for v in value)
    return True


def unknown_reason(value: Any) -> str | None:
    """The first reason found for an unknown part of ``value``, or None when fully known."""
    if isinstance(value, (Unknown, Partial)):
        return value.reason
    if isinstance(value, dict):
        items: Iterable[Any] = list(value.keys()) + list(value.values())
    elif isinstance(value, (list, tuple)):
        items = value
    else:
        return None
    for item in items:
        reason = unknown_reason(item)
        if reason is not None:
            return reason
    return None
