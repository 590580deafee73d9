"""``--live`` for AccessDenied: fetch the role's policies and decide the request with them.

What is fetched, with read calls only: the role (``iam:GetRole``: its ARN, id and
permissions boundary), its inline policies (``ListRolePolicies``, ``GetRolePolicy``), its
attached policies (``ListAttachedRolePolicies``; AWS managed ones from the documents
shipped with cwlint when they are there, else ``GetPolicy`` + ``GetPolicyVersion``) and
the boundary's document. The request is then decided by the cwlint evaluator, with the
context AWS would give it (``aws:PrincipalArn``, ``aws:PrincipalAccount``,
``aws:userid``, ``aws:RequestedRegion``, ``aws:SecureTransport``); every other condition
key the policies test, and ``cloudwatch:namespace`` (the message never shows it), is
*unknown*, so a decision that depends on them says so instead of guessing.

A policy that cannot be read (a call refused, a document that does not parse) makes the
set incomplete: the evaluation still runs, but a missing Allow is then not a proof.
"""

from __future__ import annotations

import json
import urllib.parse
from typing import Any

import msgspec

from cwlint.diagnose.incident import AccessDenied
from cwlint.diagnose.readonly import CallFailed, ReadOnlyAWS
from cwlint.iam.evaluator import (
    IDENTITY,
    Decision,
    Layer,
    Principal,
    Request,
    evaluate,
    normalize_context,
)
from cwlint.iam.managed import is_aws_managed_arn, managed_policy_document
from cwlint.iam.patterns import Mode, match
from cwlint.iam.policy import Policy, PolicyError, Statement, parse_policy
from cwlint.iam.tri import Tri
from cwlint.rules import cwl003_log_stream_arn_missing as cwl003
from cwlint.rules import cwl008_unknown_monitoring_action as cwl008
from cwlint.values import Unknown

BOUNDARY = "permissions_boundary"
NAMESPACE_KEY = "cloudwatch:namespace"
NAMESPACE_UNKNOWN = Unknown("the namespace the code publishes to (not in the message)")


class FetchedPolicy(msgspec.Struct):
    """One policy that reaches the role; ``source`` is ``account`` or ``shipped``."""

    name: str
    kind: str  # inline, attached, boundary
    arn: str | None
    source: str
    policy: Policy

    def to_json(self) -> dict[str, Any]:
        """As the JSON output shows it."""
        return {"name": self.name, "kind": self.kind, "arn": self.arn, "source": self.source}


class RoleFacts(msgspec.Struct):
    """The role as the account has it (``found`` False when it does not exist)."""

    name: str
    found: bool = False
    arn: str | None = None
    role_id: str | None = None
    boundary_arn: str | None = None
    policies: list[FetchedPolicy] = msgspec.field(default_factory=list)
    complete: bool = True
    problems: list[str] = msgspec.field(default_factory=list)

    @property
    def identity(self) -> list[Policy]:
        """The identity policies (inline and attached)."""
        return [p.policy for p in self.policies if p.kind != "boundary"]

    @property
    def boundary(self) -> list[Policy]:
        """The permissions boundary's policy, when there is one."""
        return [p.policy for p in self.policies if p.kind == "boundary"]

    def to_json(self) -> dict[str, Any]:
        """As the JSON output shows it."""
        return {"name": self.name, "found": self.found, "arn": self.arn,
                "permissions_boundary": self.boundary_arn,
                "policies": [p.to_json() for p in self.policies], "complete": self.complete,
                "problems": list(self.problems)}


def fetch_role(aws: ReadOnlyAWS, name: str) -> RoleFacts:
    """The role and every policy that reaches it (what could not be read is in ``problems``)."""
    facts = RoleFacts(name)
    try:
        role = aws.call("iam", "GetRole", RoleName=name)["Role"]
    except CallFailed as exc:
        facts.complete = False
        facts.problems.append(_problem(exc, f"role {name}"))
        return facts
    facts.found = True
    facts.arn, facts.role_id = role.get("Arn"), role.get("RoleId")
    facts.boundary_arn = (role.get("PermissionsBoundary") or {}).get("PermissionsBoundaryArn")
    try:
        for policy_name in aws.pages("iam", "ListRolePolicies", "PolicyNames", RoleName=name):
            try:
                body = aws.call("iam", "GetRolePolicy", RoleName=name, PolicyName=policy_name)
            except CallFailed as exc:
                facts.complete = False
                facts.problems.append(_problem(exc, f"inline policy {policy_name}"))
                continue
            _add(facts, f"inline policy {policy_name}", "inline", None, "account",
                 body.get("PolicyDocument"))
    except CallFailed as exc:
        facts.complete = False
        facts.problems.append(_problem(exc, "the role's inline policies"))
    try:
        attached = list(aws.pages("iam", "ListAttachedRolePolicies", "AttachedPolicies",
                                  RoleName=name))
    except CallFailed as exc:
        facts.complete = False
        facts.problems.append(_problem(exc, "the role's attached policies"))
        attached = []
    for item in attached:
        _fetch_managed(aws, facts, item["PolicyArn"], "attached")
    if facts.boundary_arn:
        _fetch_managed(aws, facts, facts.boundary_arn, "boundary")
    return facts


def _fetch_managed(aws: ReadOnlyAWS, facts: RoleFacts, arn: str, kind: str) -> None:
    label = f"{'permissions boundary' if kind == 'boundary' else 'policy'} {arn}"
    shipped = managed_policy_document(arn) if is_aws_managed_arn(arn) else None
    if shipped is not None:
        _add(facts, label, kind, arn, "shipped", shipped)
        return
    try:
        version = aws.call("iam", "GetPolicy", PolicyArn=arn)["Policy"]["DefaultVersionId"]
        body = aws.call("iam", "GetPolicyVersion", PolicyArn=arn, VersionId=version)
    except CallFailed as exc:
        facts.complete = False
        facts.problems.append(_problem(exc, label))
        return
    _add(facts, label, kind, arn, "account", body["PolicyVersion"].get("Document"))


def _add(facts: RoleFacts, name: str, kind: str, arn: str | None, source: str,
         document: Any) -> None:
    if isinstance(document, str):  # the API's URL-encoded JSON, when not decoded already
        document = urllib.parse.unquote(document)
    try:
        policy = parse_policy(document, name)
    except PolicyError as exc:
        facts.complete = False
        facts.problems.append(f"{name} could not be read: {exc}")
        return
    facts.policies.append(FetchedPolicy(name, kind, arn, source, policy))


def _problem(exc: CallFailed, what: str) -> str:
    if exc.denied:
        return f"cannot read {what}: {exc.action} is not allowed for the diagnosing credentials"
    return f"cannot read {what}: {exc.code}: {exc.message}"


class Evaluation(msgspec.Struct):
    """The decision on the request, and what it rests on."""

    decision: Decision
    context: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        """As the JSON output shows it."""
        shown = {k: (str(v) if isinstance(v, Unknown) else v) for k, v in self.context.items()}
        return {**self.decision.to_json(), "context": shown}


def request_context(facts: RoleFacts, incident: AccessDenied,
                    region: str | None) -> dict[str, Any]:
    """What AWS puts in the request context, and Unknown for what cwlint cannot know."""
    principal = incident.principal
    context: dict[str, Any] = {"aws:SecureTransport": "true"}
    if facts.arn:
        context["aws:PrincipalArn"] = facts.arn
    if incident.account:
        context["aws:PrincipalAccount"] = incident.account
    if region:
        context["aws:RequestedRegion"] = region
    if principal is not None and principal.kind == "assumed-role":
        context["aws:PrincipalType"] = "AssumedRole"
        if facts.role_id and principal.session:
            context["aws:userid"] = f"{facts.role_id}:{principal.session}"
    if incident.action == "cloudwatch:PutMetricData":
        context[NAMESPACE_KEY] = NAMESPACE_UNKNOWN
    known = {k.lower() for k in context}
    for item in facts.policies:
        for statement in item.policy.statements:
            if isinstance(statement.conditions, Unknown):
                continue
            for condition in statement.conditions:
                if condition.key and condition.key not in known:
                    context[condition.key] = Unknown(f"the request's {condition.key}")
                    known.add(condition.key)
    return context


def evaluate_role(facts: RoleFacts, incident: AccessDenied, region: str | None) -> Evaluation:
    """Decide the denied request against the role's identity policies and boundary."""
    context = request_context(facts, incident, region)
    # A boundary that could not be read is left out (the facts are then incomplete), never
    # taken as an empty boundary that would deny everything.
    guards = [Layer(BOUNDARY, tuple(facts.boundary))] if facts.boundary else []
    principal = Principal("AWS", facts.arn or "", incident.account)
    request = Request(incident.action, incident.resource or "*", normalize_context(context),
                      principal)
    return Evaluation(evaluate(request, facts.identity, guards), context)


def identity_allow(decision: Decision) -> Tri:
    """Whether some identity statement allows the request (YES, MAYBE or NO)."""
    best = Tri.NO
    for result in decision.considered:
        if result.layer == IDENTITY and result.effect == "Allow":
            best = best | result.applies
    return best


def layer_allow(decision: Decision, layer: str) -> Tri:
    """Whether some statement of one guard layer allows the request."""
    best = Tri.NO
    for result in decision.considered:
        if result.layer == layer and result.effect == "Allow":
            best = best | result.applies
    return best


def namespace_statements(decision: Decision) -> list[tuple[str, Statement]]:
    """Identity Allow statements for the action whose only doubt is the namespace."""
    found = []
    for result in decision.considered:
        if result.layer != IDENTITY or result.effect != "Allow":
            continue
        if result.resource is Tri.NO or result.condition is not Tri.MAYBE:
            continue
        conditions = result.statement.conditions
        if not isinstance(conditions, Unknown) and any(c.key == NAMESPACE_KEY
                                                       for c in conditions):
            found.append((result.policy, result.statement))
    return found


def bare_group_grants(decision: Decision, action: str,
                      group_arn: str) -> list[tuple[str, Statement]]:
    """Identity Allow statements for the action that CWL003 finds granting it on a bare
    log-group ARN (:func:`~cwlint.rules.cwl003_log_stream_arn_missing.bare_group_grants`):
    one that matches the log group itself but not the request's stream ARN."""
    found = []
    for result in decision.considered:
        statement = result.statement
        if result.layer != IDENTITY or result.effect != "Allow" or result.resource is not Tri.NO:
            continue
        grants, _ = cwl003.bare_group_grants(statement)
        if any(action.lower() in (a.lower() for a in g.actions)
               and match(g.pattern, group_arn, Mode.ARN) is Tri.YES for g in grants):
            found.append((result.policy, statement))
    return found


def misspelled_actions(facts: RoleFacts, action: str) -> list[tuple[str, Statement, str]]:
    """Identity statements naming an action that CWL008 finds does not exist
    (:func:`~cwlint.rules.cwl008_unknown_monitoring_action.unknown_actions`) and whose
    closest real action is ``action``."""
    found = []
    for item in facts.policies:
        if item.kind == "boundary":
            continue
        for statement in item.policy.statements:
            for raw, hint in cwl008.unknown_actions(statement).items():
                if (hint or "").lower() == action.lower():
                    found.append((item.name, statement, raw))
    return found


def describe(policy: str, statement: Statement) -> str:
    """``inline policy app, statement 'Logs'`` for messages."""
    label = f"statement {statement.sid!r}" if statement.sid else f"statement {statement.index}"
    return f"{policy}, {label}"


def simulate(aws: ReadOnlyAWS, role_arn: str, incident: AccessDenied) -> dict[str, Any]:
    """``iam:SimulatePrincipalPolicy`` for the request, when the credentials allow it."""
    try:
        response = aws.call("iam", "SimulatePrincipalPolicy", PolicySourceArn=role_arn,
                            ActionNames=[incident.action],
                            ResourceArns=[incident.resource or "*"])
    except CallFailed as exc:
        return {"available": False, "reason": str(exc)}
    results = response.get("EvaluationResults", [])
    if not results:
        return {"available": False, "reason": "no evaluation result"}
    first = results[0]
    matched = [m.get("SourcePolicyId") for m in first.get("MatchedStatements", [])]
    return {"available": True, "decision": first.get("EvalDecision"),
            "matched_policies": [m for m in matched if m]}


def statement_json(statement: Statement) -> str:
    """A statement's actions and resources, compactly, for evidence lines."""
    actions = [str(a) for a in statement.raw_actions]
    resources = [str(r) for r in statement.raw_resources]
    return json.dumps({"Effect": str(statement.effect), "Action": actions,
                       "Resource": resources})
