"""Three-valued truth: yes, no, or unknown because a value could not be resolved.

Kleene's logic: ``NO`` absorbs AND, ``YES`` absorbs OR, and ``MAYBE`` survives wherever
the unknown part could still change the answer.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable


class Tri(enum.Enum):
    NO = 0
    MAYBE = 1
    YES = 2

    @staticmethod
    def of(value: bool) -> Tri:
        return Tri.YES if value else Tri.NO

    def __invert__(self) -> Tri:
        return _INVERSE[self]

    def __and__(self, other: Tri) -> Tri:
        if self is Tri.NO or other is Tri.NO:
            return Tri.NO
        return Tri.MAYBE if Tri.MAYBE in (self, other) else Tri.YES

    def __or__(self, other: Tri) -> Tri:
        if self is Tri.YES or other is Tri.YES:
            return Tri.YES
        return Tri.MAYBE if Tri.MAYBE in (self, other) else Tri.NO

    def __bool__(self) -> bool:  # pragma: no cover - guard against accidental truthiness
        raise TypeError("a Tri has no plain truth value; compare it with Tri.YES")


_INVERSE = {Tri.YES: Tri.NO, Tri.NO: Tri.YES, Tri.MAYBE: Tri.MAYBE}


def tri_all(values: Iterable[Tri]) -> Tri:
    """AND over ``values``; YES for an empty iterable."""
    result = Tri.YES
    for value in values:
        result = result & value
        if result is Tri.NO:
            return result
    return result


def tri_any(values: Iterable[Tri]) -> Tri:
    """OR over ``values``; NO for an empty iterable."""
    result = Tri.NO
    for value in values:
        result = result | value
        if result is Tri.YES:
            return result
    return result
