"""Can a workload's role make one monitoring call? The question identity rules share.

:func:`check_access` evaluates the request against the role's identity policies, its
permissions boundary and the configured SCPs, and classifies the answer the way rules
report it: allowed, missing (no Allow: CWL001, CWL004, CWL005...), removed (an explicit
Deny, a boundary or an SCP: CWL007), or unknown (at most an info finding).
"""

from __future__ import annotations

import enum
from typing import Any

import msgspec

from cwlint.iam.conditions import evaluate_conditions
from cwlint.iam.evaluator import (
    ALLOWED,
    EXPLICIT_DENY,
    IDENTITY,
    IMPLICIT_DENY,
    Decision,
    Layer,
    Request,
    StatementResult,
    evaluate,
    lint_context,
    normalize_context,
)
from cwlint.iam.policy import Condition
from cwlint.iam.tri import Tri
from cwlint.model import Model, Role
from cwlint.values import StrValue, Unknown

NAMESPACE_KEY = "cloudwatch:namespace"


class Verdict(enum.Enum):
    ALLOWED = "allowed"
    MISSING = "missing"
    REMOVED = "removed"
    UNKNOWN = "unknown"


class Access(msgspec.Struct, frozen=True):
    action: str
    resource: StrValue
    verdict: Verdict
    decision: Decision
    reasons: tuple[str, ...] = ()

    def removed_by(self) -> str:
        """Which deny, boundary or SCP removed an Allow, in words."""
        if self.decision.decision == EXPLICIT_DENY:
            return "; ".join(statement_words(s) for s in self.decision.statements)
        return "; ".join(f"{layer}, which does not allow it" for layer in self.guards_missing())

    def guards_missing(self) -> list[str]:
        """The guard layers (boundary, SCP levels) that have no Allow for the request."""
        return [layer for layer in self.decision.missing_allow if layer != IDENTITY]


def check_access(model: Model, role: Role, action: str, resource: StrValue,
                 context: dict[str, Any] | None = None) -> Access:
    decision = evaluate(
        Request(action, resource, lint_context(context)),
        [attached.policy for attached in role.policies],
        _guards(model, role),
    )
    if decision.decision == ALLOWED:
        return Access(action, resource, Verdict.ALLOWED, decision)
    if decision.decision == EXPLICIT_DENY:
        if not _identity_allows(decision) and not role.unresolved:
            # Nothing to remove: the role has no Allow for it in the first place.
            return Access(action, resource, Verdict.MISSING, decision)
        return Access(action, resource, Verdict.REMOVED, decision)
    if decision.decision == IMPLICIT_DENY:
        if IDENTITY not in decision.missing_allow:
            return Access(action, resource, Verdict.REMOVED, decision)
        return _missing_or_unknown(role, action, resource, decision)
    return Access(action, resource, Verdict.UNKNOWN, decision, decision.unknown_reasons)


def _identity_allows(decision: Decision) -> bool:
    """Does some identity statement (possibly) allow the request, Deny aside?"""
    return any(r.layer == IDENTITY and r.effect == "Allow" and r.applies is not Tri.NO
               for r in decision.considered)


def _missing_or_unknown(role: Role, action: str, resource: StrValue,
                        decision: Decision) -> Access:
    """No identity Allow: missing, unless attachments cwlint could not resolve may hold one."""
    if role.unresolved:
        reasons = tuple(u.reason for u in role.unresolved)
        return Access(action, resource, Verdict.UNKNOWN, decision, reasons)
    return Access(action, resource, Verdict.MISSING, decision)


def _guards(model: Model, role: Role) -> list[Layer]:
    guards = []
    if role.boundary is not None:
        guards.append(Layer(f"permissions boundary {role.boundary.name}",
                            (role.boundary.policy,)))
    for level, scps in enumerate(model.scps, start=1):
        guards.append(Layer(f"service control policies (level {level})", tuple(scps)))
    return guards


def statement_words(result: StatementResult) -> str:
    where = "" if result.layer == IDENTITY else f" in {result.layer}"
    return f"Deny {result.statement.label} of {result.policy}{where}"


class NamespaceMismatch(msgspec.Struct, frozen=True):
    """An Allow for PutMetricData that only its namespace condition keeps from applying."""

    statement: StatementResult
    conditions: tuple[Condition, ...]
    case_only: bool

    def describe(self) -> str:
        return "; ".join(c.describe() for c in self.conditions)


def namespace_mismatch(access: Access, namespace: StrValue) -> NamespaceMismatch | None:
    """The Allow statement that would grant PutMetricData but for its namespace condition."""
    if not isinstance(namespace, str):
        return None
    for result in access.decision.considered:
        if result.layer != IDENTITY or result.effect != "Allow":
            continue
        if result.condition is not Tri.NO or Tri.NO in (result.action, result.resource):
            continue
        conditions = result.statement.conditions
        if isinstance(conditions, Unknown):
            continue
        others = tuple(c for c in conditions if c.key != NAMESPACE_KEY)
        on_namespace = tuple(c for c in conditions if c.key == NAMESPACE_KEY)
        if not on_namespace:
            continue
        context = lint_context({NAMESPACE_KEY: namespace})
        if evaluate_conditions(others, context, variables=result.variables) is Tri.NO:
            continue
        return NamespaceMismatch(result, on_namespace, _case_only(on_namespace, namespace))
    return None


def _case_only(conditions: tuple[Condition, ...], namespace: str) -> bool:
    """Would the namespace pass if the comparison ignored letter case?"""
    folded = normalize_context({NAMESPACE_KEY: namespace.lower()})
    lowered = tuple(
        Condition(c.operator, c.key,
                  c.values if isinstance(c.values, Unknown)
                  else tuple(v.lower() if isinstance(v, str) else v for v in c.values))
        for c in conditions
    )
    return evaluate_conditions(lowered, folded, variables=False) is Tri.YES
