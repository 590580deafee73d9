"""Decide one request against the policies that govern it.

The logic is AWS's for a principal in one account:

1. An explicit ``Deny`` in any policy that applies (identity policy, permissions boundary,
   service control policy, endpoint policy...) denies the request.
2. Otherwise the request needs an ``Allow`` in the identity policies *and* in every guard
   layer that is present: the permissions boundary, each level of SCPs, an endpoint
   policy. A layer with no matching Allow denies implicitly.

Every test is three-valued (:class:`~cwlint.iam.tri.Tri`), so the decision is one of
``allowed``, ``implicit_deny``, ``explicit_deny`` or ``unknown`` (it depends on a value
that could not be resolved). The decision names the statements that made it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import msgspec

from cwlint.iam.conditions import evaluate_conditions
from cwlint.iam.patterns import Context, Mode, match, substitute, tokenize
from cwlint.iam.policy import Policy, PrincipalEntry, Statement
from cwlint.iam.tri import Tri, tri_all, tri_any
from cwlint.values import StrValue, Unknown

ALLOWED = "allowed"
IMPLICIT_DENY = "implicit_deny"
EXPLICIT_DENY = "explicit_deny"
UNKNOWN = "unknown"

IDENTITY = "identity"


class Principal(msgspec.Struct, frozen=True):
    """Who makes the request, for policies with a ``Principal`` element.

    ``kind`` is ``AWS`` (``arn`` a role/user ARN, ``account`` its account) or ``Service``
    (``arn`` the service principal name, such as ``logs.us-east-1.amazonaws.com``).
    """

    kind: str
    arn: str
    account: str | None = None


class Request(msgspec.Struct, frozen=True):
    action: str
    resource: StrValue
    context: Context = msgspec.field(default_factory=dict)
    principal: Principal | None = None


class Layer(msgspec.Struct, frozen=True):
    """A set of policies that must allow the request: a permissions boundary, one SCP
    level, an endpoint policy. ``name`` is how messages call it."""

    name: str
    policies: tuple[Policy, ...]


class StatementResult(msgspec.Struct, frozen=True):
    """How one statement bore on the request."""

    layer: str
    policy: str
    statement: Statement
    applies: Tri
    action: Tri
    resource: Tri
    principal: Tri
    condition: Tri
    variables: bool = True  # the policy's Version allows policy variables

    @property
    def effect(self) -> str | Unknown:
        return self.statement.effect

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "layer": self.layer,
            "policy": self.policy,
            "statement": self.statement.index,
            "effect": str(self.statement.effect),
        }
        if self.statement.sid:
            data["sid"] = self.statement.sid
        if self.applies is Tri.MAYBE:
            data["unknown"] = True
        return data


class Decision(msgspec.Struct, frozen=True):
    decision: str
    statements: tuple[StatementResult, ...]
    missing_allow: tuple[str, ...] = ()  # layers with no matching Allow (implicit deny)
    considered: tuple[StatementResult, ...] = ()  # every statement whose action matched
    unknown_reasons: tuple[str, ...] = ()

    @property
    def allowed(self) -> bool:
        return self.decision == ALLOWED

    @property
    def denied(self) -> bool:
        return self.decision in (IMPLICIT_DENY, EXPLICIT_DENY)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "decision": self.decision,
            "statements": [s.to_json() for s in self.statements],
        }
        if self.missing_allow:
            data["missing_allow"] = list(self.missing_allow)
        if self.unknown_reasons:
            data["unknown_reasons"] = list(self.unknown_reasons)
        return data


#: Condition keys only the request itself carries: the organization of the caller or of
#: the resource, and the account or organization on whose behalf a service calls. They are
#: unknown when cwlint reads the input, never absent: a condition on them makes a decision
#: unknown, not a denial.
LINT_TIME_UNKNOWN_KEYS = (
    "aws:PrincipalOrgID", "aws:PrincipalOrgPaths", "aws:ResourceOrgID", "aws:ResourceOrgPaths",
    "aws:SourceAccount", "aws:SourceOrgID", "aws:SourceOrgPaths",
)


def lint_context(context: Mapping[str, Any] | None = None) -> Context:
    """:func:`normalize_context` plus an :class:`Unknown` for every key of
    :data:`LINT_TIME_UNKNOWN_KEYS` the context does not set: the context of a request
    that rules evaluate when the input is read, long before anyone makes it."""
    out = normalize_context(context)
    for key in LINT_TIME_UNKNOWN_KEYS:
        out.setdefault(key.lower(), Unknown(f"{key} is known only when the request is made"))
    return out


def normalize_context(context: Mapping[str, Any] | None) -> Context:
    """Lower-case keys and make every value a list (or keep an :class:`Unknown`)."""
    out: Context = {}
    for key, value in (context or {}).items():
        if isinstance(value, Unknown):
            out[key.lower()] = value
        elif isinstance(value, (list, tuple)):
            out[key.lower()] = [v if isinstance(v, Unknown) else _text(v) for v in value]
        else:
            out[key.lower()] = [_text(value)]
    return out


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def evaluate(
    request: Request,
    identity: Iterable[Policy],
    guards: Sequence[Layer] = (),
) -> Decision:
    """Decide ``request`` against identity policies and guard layers."""
    layers: list[tuple[str, tuple[Policy, ...]]] = [(IDENTITY, tuple(identity))]
    layers.extend((g.name, g.policies) for g in guards)
    results_by_layer = [
        (name, [r for p in policies for r in _statement_results(request, name, p)])
        for name, policies in layers
    ]
    everything = [r for _, results in results_by_layer for r in results]
    deny = tri_any(_as_effect(r, "Deny") for r in everything)
    layer_allows = [
        (name, tri_any(_as_effect(r, "Allow") for r in results))
        for name, results in results_by_layer
    ]
    allowed = tri_all(t for _, t in layer_allows)
    considered = tuple(r for r in everything if r.action is not Tri.NO)

    if deny is Tri.YES:
        deciding = tuple(r for r in everything if _as_effect(r, "Deny") is Tri.YES)
        return Decision(EXPLICIT_DENY, deciding, considered=considered)
    if allowed is Tri.NO:
        missing = tuple(name for name, t in layer_allows if t is Tri.NO)
        return Decision(IMPLICIT_DENY, (), missing_allow=missing, considered=considered)
    if deny is Tri.NO and allowed is Tri.YES:
        deciding = tuple(r for r in everything if _as_effect(r, "Allow") is Tri.YES)
        return Decision(ALLOWED, deciding, considered=considered)
    maybes = tuple(
        r for r in everything
        if Tri.MAYBE in (_as_effect(r, "Allow"), _as_effect(r, "Deny"))
    )
    reasons = tuple(
        dict.fromkeys(reason for r in maybes for reason in _unknown_reasons(r, request))
    )
    return Decision(UNKNOWN, maybes, considered=considered, unknown_reasons=reasons)


def _as_effect(result: StatementResult, effect: str) -> Tri:
    """How surely ``result`` applies with ``effect``; an unknown Effect is at most MAYBE."""
    if result.effect == effect:
        return result.applies
    if isinstance(result.effect, Unknown):
        return result.applies & Tri.MAYBE
    return Tri.NO


def _statement_results(request: Request, layer: str, policy: Policy) -> list[StatementResult]:
    return [_evaluate_statement(request, layer, policy, s) for s in policy.statements]


def _evaluate_statement(
    request: Request, layer: str, policy: Policy, statement: Statement
) -> StatementResult:
    action = _action_matches(statement, request.action)
    if action is Tri.NO:
        return StatementResult(layer, policy.name, statement, Tri.NO, action, Tri.NO, Tri.NO,
                               Tri.NO, policy.variables)
    resource = _resource_matches(statement, request, policy.variables)
    principal = _principal_matches(statement, request.principal)
    condition = evaluate_conditions(statement.conditions, request.context,
                                    variables=policy.variables)
    applies = tri_all((action, resource, principal, condition))
    return StatementResult(layer, policy.name, statement, applies, action, resource, principal,
                           condition, policy.variables)


def _action_matches(statement: Statement, action: str) -> Tri:
    if statement.actions is not None:
        return tri_any(match(p, action, Mode.ACTION) for p in statement.actions)
    assert statement.not_actions is not None
    return ~tri_any(match(p, action, Mode.ACTION) for p in statement.not_actions)


def _resource_matches(statement: Statement, request: Request, variables: bool) -> Tri:
    patterns = statement.resources if statement.resources is not None else statement.not_resources
    if patterns is None:
        return Tri.YES  # a resource policy statement without Resource: the resource itself
    matched = tri_any(_resource_pattern(p, request) for p in patterns)
    return matched if statement.resources is not None else ~matched


def _resource_pattern(pattern: tuple, request: Request) -> Tri:
    substituted = substitute(pattern, request.context)
    if substituted is None:
        return Tri.NO
    return match(substituted, request.resource, Mode.ARN)


def _principal_matches(statement: Statement, principal: Principal | None) -> Tri:
    if statement.principals is None and statement.not_principals is None:
        return Tri.YES
    entries = statement.principals if statement.principals is not None else statement.not_principals
    assert entries is not None
    if principal is None:
        return Tri.MAYBE
    matched = tri_any(_principal_entry_matches(e, principal) for e in entries)
    return matched if statement.principals is not None else ~matched


def _principal_entry_matches(entry: PrincipalEntry, principal: Principal) -> Tri:
    if isinstance(entry.value, Unknown):
        return Tri.MAYBE
    if entry.kind == "*" or (entry.kind == "AWS" and entry.value == "*"):
        return Tri.YES
    if entry.kind.lower() != principal.kind.lower():
        return Tri.NO
    if not isinstance(entry.value, str):
        return Tri.MAYBE
    if principal.kind == "Service":
        return Tri.of(entry.value.lower() == principal.arn.lower())
    value = entry.value
    if value.isdigit() or value.endswith(":root"):
        account = value if value.isdigit() else value.split(":")[4]
        return Tri.of(principal.account == account)
    return match(tokenize(value, variables=False), principal.arn, Mode.ARN)


def _unknown_reasons(result: StatementResult, request: Request) -> list[str]:
    statement = result.statement
    reasons = []
    if statement.unknown is not None:
        reasons.append(statement.unknown.reason)
    elif isinstance(statement.effect, Unknown):
        reasons.append(statement.effect.reason)
    if result.action is Tri.MAYBE:
        reasons.extend(v.reason for v in statement.raw_actions if not isinstance(v, str))
    if result.resource is Tri.MAYBE:
        reasons.extend(v.reason for v in statement.raw_resources if not isinstance(v, str))
        if not isinstance(request.resource, str):
            reasons.append(request.resource.reason)
    if result.condition is Tri.MAYBE:
        reasons.extend(_condition_reasons(statement, request))
    if not reasons:
        reasons.append(f"{result.policy} {statement.label} depends on a value not known statically")
    return reasons


def _condition_reasons(statement: Statement, request: Request) -> list[str]:
    if isinstance(statement.conditions, Unknown):
        return [statement.conditions.reason]
    reasons = []
    for condition in statement.conditions:
        if isinstance(condition.values, Unknown):
            reasons.append(condition.values.reason)
            continue
        reasons.extend(v.reason for v in condition.values if not isinstance(v, str))
        present = request.context.get(condition.key)
        if isinstance(present, Unknown):
            reasons.append(present.reason)
        elif present:
            reasons.extend(v.reason for v in present if isinstance(v, Unknown))
    return reasons
