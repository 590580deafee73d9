"""Remembering which parts of a long log are already explained, with fast look-ups.

A log file can hold thousands of messages; asking "is this position near one I already
took?" must not cost a scan over all of them.
"""

from __future__ import annotations

import bisect


class Spans:
    """A set of ``(start, end)`` spans of a text."""

    def __init__(self) -> None:
        self._starts: list[int] = []
        self._ends: list[int] = []
        self._longest = 0

    def add(self, start: int, end: int) -> None:
        """Remember one span."""
        index = bisect.bisect_left(self._starts, start)
        self._starts.insert(index, start)
        self._ends.insert(index, end)
        self._longest = max(self._longest, end - start)

    def near(self, position: int, before: int, after: int) -> bool:
        """Whether some span ``(s, e)`` has ``s - before <= position <= e + after``."""
        low = bisect.bisect_left(self._starts, position - after - self._longest)
        high = bisect.bisect_right(self._starts, position + before)
        return any(self._starts[i] - before <= position <= self._ends[i] + after
                   for i in range(low, high))
