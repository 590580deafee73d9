"""The rules a diagnosis points at: their names and titles, read from the rule registry.

A cause cites a rule by its id (``CWL001``); the registry (:mod:`cwlint.rules`) is the one
place that names it, so a diagnosis and ``cwlint explain`` cannot disagree. An id the
registry does not know is a bug in the cause that cites it: it raises, so the diagnose
tests catch a mistyped id instead of printing a cause without a rule.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cwlint.rules.base import Rule


def _registered(rule_id: str | None) -> type[Rule] | None:
    if not rule_id:
        return None
    from cwlint.rules import RULES_BY_ID  # the rules load with the first cause that cites one

    rule = RULES_BY_ID.get(rule_id)
    if rule is None:
        raise KeyError(f"a diagnosis cites {rule_id}, which is not a cwlint rule")
    return rule


def rule_name(rule_id: str | None) -> str | None:
    """The rule's name for a rule id (None for no id)."""
    rule = _registered(rule_id)
    return rule.name if rule is not None else None


def rule_title(rule_id: str | None) -> str | None:
    """The title of the rule (``cwlint explain`` shows it; None for no id)."""
    rule = _registered(rule_id)
    return rule.title if rule is not None else None
