"""The rules a diagnosis points at: their names and titles, read from the rule registry.

A cause cites a rule by its id (``CWL001``); the registry (:mod:`cwlint.rules`) is the one
place that names it, so a diagnosis and ``cwlint explain`` cannot disagree.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cwlint.rules.base import Rule


def _registered(rule_id: str | None) -> type[Rule] | None:
    if not rule_id:
        return None
    from cwlint.rules import RULES_BY_ID  # the rules load with the first cause that cites one

    return RULES_BY_ID.get(rule_id)


def rule_name(rule_id: str | None) -> str | None:
    """The rule's name for a rule id, else None."""
    rule = _registered(rule_id)
    return rule.name if rule is not None else None


def rule_title(rule_id: str | None) -> str | None:
    """The title of a registered rule (``cwlint explain`` knows it), else None."""
    rule = _registered(rule_id)
    return rule.title if rule is not None else None
