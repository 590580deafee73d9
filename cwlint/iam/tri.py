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
        return {Tri.YES: Tri.NO, Tri.NO: Tri.YES, Tri.MAYBE: Tri.MAYBE}[self]

    def __and__(self, other: Tri) -> Tri:
        return Tri(min(self.value, other.value))

    def __or__(self, other: Tri) -> Tri:
        return Tri(max(self.value, other.value))

    def __bool__(self) -> bool:  # pragma: no cover - guard against accidental truthiness
        raise TypeError("a Tri has no plain truth value; compare it with Tri.YES")


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
