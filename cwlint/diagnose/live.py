"""``--live``: confirm or rule out each cause against the account, with read calls only.

For every diagnosis: who the credentials are (``sts:GetCallerIdentity``); for an
AccessDenied, the role's policies decided by the cwlint evaluator
(:mod:`~cwlint.diagnose.live_iam`), ``iam:SimulatePrincipalPolicy`` when the credentials
may call it, the workload named by the session (an instance, a Lambda function) and the
policies of the VPC endpoints it goes through; for a failed connection, the workload's
subnet routes, the endpoint and the security groups (:mod:`~cwlint.diagnose.live_network`).
Each cause then becomes ``confirmed``, ``ruled_out`` or stays ``suspected`` /
``undecided``, with the evidence, and the causes are ranked again.

Calls AWS refuses for lack of permission are listed as missing permissions of the
diagnosis itself; nothing here fails the command.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import msgspec

from cwlint.diagnose import live_iam, live_model, live_network
from cwlint.diagnose.arns import ACCOUNT_ID
from cwlint.diagnose.causes import (
    CONFIRMED,
    RULED_OUT,
    SUSPECTED,
    UNDECIDED,
    Cause,
    causes_for,
    rank,
)
from cwlint.diagnose.diagnosis import Diagnosis, Result
from cwlint.diagnose.fixes import NetworkIds
from cwlint.diagnose.incident import AccessDenied, NetworkFailure, ServiceError
from cwlint.diagnose.live_network import NO, UNKNOWN, YES, Endpoint, WorkloadFacts
from cwlint.diagnose.readonly import CallFailed, LiveUnavailable, ReadOnlyAWS, UnknownProfile
from cwlint.diagnose.workload import EC2, LAMBDA
from cwlint.errors import UsageError
from cwlint.iam.evaluator import EXPLICIT_DENY, Principal
from cwlint.iam.policy import PolicyError, parse_policy
from cwlint.iam.tri import Tri
from cwlint.rules import (
    ALL_RULES,
    EndpointPolicyDenies,
    EndpointPrivateDnsDisabled,
    IsolatedSubnetNoEndpoint,
    LogStreamArnMissing,
    MetricsNamespaceMismatch,
    MonitoringExplicitlyDenied,
    UnknownMonitoringAction,
)
from cwlint.rules import cwl014_endpoint_policy_denies as cwl014
from cwlint.values import Unknown

#: The rules whose cause is a role with no Allow for the request (Rule.missing_allow).
MISSING_ALLOW = frozenset(rule.id for rule in ALL_RULES if rule.missing_allow)
GENERIC_MISSING = "identity-policy-missing-allow"
UNREADABLE_LAYERS = ("service control policy", "resource control policy", "session policy")


class LiveOptions(msgspec.Struct, frozen=True):
    """How to reach the account, and the workload when the message does not name it."""
    profile: str | None = None
    region: str | None = None
    endpoint_url: str | None = None
    instance_id: str | None = None
    function_name: str | None = None


def run_live(result: Result, options: LiveOptions) -> None:
    """Fill ``live`` of every diagnosis (an ``error`` when the account cannot be reached)."""
    sessions: dict[str | None, ReadOnlyAWS] = {}
    failed: dict[str | None, str] = {}  # an account that cannot be reached is tried once
    for diagnosis in result.diagnoses:
        region = options.region or _region(diagnosis)
        if region in failed:
            diagnosis.live = empty_live(error=failed[region], region=region)
            diagnosis.causes = rank(diagnosis.causes)
            continue
        calls_before = 0
        try:
            if region not in sessions:
                sessions[region] = ReadOnlyAWS(options.profile, region, options.endpoint_url)
            aws = sessions[region]
            calls_before = len(aws.calls)
            diagnosis.live = _live_one(aws, diagnosis, options)
        except UnknownProfile as exc:
            raise UsageError(f"--profile {options.profile}: {exc}") from None
        except LiveUnavailable as exc:
            session = sessions.get(region)
            calls = session.calls[calls_before:] if session else []
            failed[region] = f"cannot check the account: {exc}"
            diagnosis.live = empty_live(error=failed[region],
                                        region=session.region if session else region,
                                        calls=[c.to_json() for c in calls])
        diagnosis.causes = rank(diagnosis.causes)


def _region(diagnosis: Diagnosis) -> str | None:
    return diagnosis.incident.region


def empty_live(**values: Any) -> dict[str, Any]:
    """The ``live`` object, every key present (the JSON shape does not vary)."""
    live: dict[str, Any] = {
        "error": None, "region": None, "account": None, "caller": None, "conclusion": None,
        "role": None, "evaluation": None, "simulation": None, "workload": None,
        "network": None, "problems": [], "missing_permissions": [], "calls": []}
    live.update(values)
    return live


def _live_one(aws: ReadOnlyAWS, diagnosis: Diagnosis, options: LiveOptions) -> dict[str, Any]:
    start = len(aws.calls)
    live = empty_live(region=aws.region)
    try:
        identity = aws.call("sts", "GetCallerIdentity")
        live["account"], live["caller"] = identity.get("Account"), identity.get("Arn")
    except CallFailed as exc:
        live["problems"].append(f"cannot tell whose credentials these are: {exc}")
    if isinstance(diagnosis.incident, AccessDenied):
        AccessCheck(aws, diagnosis, options, live).run()
    elif isinstance(diagnosis.incident, ServiceError):
        live["problems"].append("--live does not check this kind of message yet: run the "
                                "read-only commands below")
    else:
        NetworkCheck(aws, diagnosis, options, live).run()
    calls = aws.calls[start:]
    live["calls"] = [c.to_json() for c in calls]
    live["missing_permissions"] = list(dict.fromkeys(c.action for c in calls
                                                     if c.outcome == "denied"))
    return live


def _set(cause: Cause, status: str, *evidence: str, specific: bool = False) -> None:
    cause.status = status
    cause.specific = specific
    cause.evidence.extend(e for e in evidence if e)


def _workload_facts(aws: ReadOnlyAWS, kind: str | None, name: str | None,
                    options: LiveOptions) -> WorkloadFacts | None:
    if options.instance_id:
        return live_network.fetch_instance(aws, options.instance_id)
    if options.function_name:
        return live_network.fetch_function(aws, options.function_name)
    if kind == EC2 and name:
        return live_network.fetch_instance(aws, name)
    if kind == LAMBDA and name:
        return live_network.fetch_function(aws, name)
    return None


def endpoint_allows(endpoint: Endpoint, action: str, resource: str,
                    principal: Principal | None) -> tuple[str, str]:
    """Whether an endpoint policy allows the request (no policy: the default, allow all),
    decided as CWL014 decides it."""
    where = f"{endpoint.id} (in {endpoint.vpc_id})"
    if endpoint.policy is None:
        return YES, f"{where} has the default policy (allows everything)"
    try:
        policy = parse_policy(endpoint.policy, f"endpoint policy of {endpoint.id}",
                              require_resource=False)
    except PolicyError as exc:
        return UNKNOWN, str(exc)
    decision = cwl014.policy_decision(policy, action, resource, {}, principal)
    if decision.decision == EXPLICIT_DENY:
        labels = ", ".join(r.statement.label for r in decision.statements)
        return NO, f"the policy of {where} denies {action} ({labels})"
    if decision.denied:
        return NO, f"no statement of the policy of {where} allows {action} on {resource}"
    if decision.allowed:
        return YES, f"the policy of {where} allows {action}"
    return UNKNOWN, (f"the policy of {where} allows {action} depending on "
                     f"{'; '.join(decision.unknown_reasons) or 'the request context'}")


def with_account(incident: AccessDenied, account: str | None,
                 problems: list[str]) -> AccessDenied:
    """The incident with a redacted account in its resource ARN replaced by the credentials'
    account, so that policies naming the account are matched against what AWS saw; said in
    ``problems``. Unchanged when the message shows the account or the account is unknown."""
    resource = incident.resource
    if not account or not resource or not resource.startswith("arn:"):
        return incident
    fields = resource.split(":", 5)
    if len(fields) < 6 or not fields[4] or fields[4] == "aws" or ACCOUNT_ID.fullmatch(fields[4]):
        return incident
    problems.append(f"the message redacts the account ({fields[4]}): the request is evaluated "
                    f"in account {account}, the credentials' account")
    fields[4] = account
    return replace(incident, resource=":".join(fields))


class AccessCheck:
    """``--live`` for one AccessDenied diagnosis."""

    def __init__(self, aws: ReadOnlyAWS, diagnosis: Diagnosis, options: LiveOptions,
                 live: dict[str, Any]) -> None:
        assert isinstance(diagnosis.incident, AccessDenied)
        self.aws, self.diagnosis, self.options, self.live = aws, diagnosis, options, live
        self.incident: AccessDenied = with_account(diagnosis.incident, live.get("account"),
                                                   live["problems"])
        self.by_key = {c.rule_id or c.name: c for c in diagnosis.causes}

    def cause(self, key: str) -> Cause | None:
        """The cause with this rule id (or name), if the diagnosis has it."""
        return self.by_key.get(key)

    def run(self) -> None:
        """Fetch, decide and mark every cause of the diagnosis."""
        incident, live = self.incident, self.live
        principal = incident.principal
        account = live.get("account")
        same_account = not (account and incident.account and account != incident.account)
        if not same_account:
            live["problems"].append(
                f"the credentials are for account {account}, the message comes from account "
                f"{incident.account}: the role cannot be read")
        if principal is not None and principal.role_name and same_account:
            facts = live_iam.fetch_role(self.aws, principal.role_name)
            live["role"] = facts.to_json()
            live["problems"].extend(facts.problems)
            if facts.found:
                self.judge_role(facts)
                if facts.arn:
                    live["simulation"] = live_iam.simulate(self.aws, facts.arn, incident)
        elif principal is not None and principal.kind == "user" and same_account:
            live["problems"].append("a user's policies are not fetched (the read-only "
                                    "allow-list covers roles); see the simulation")
            live["simulation"] = live_iam.simulate(self.aws, principal.arn, incident)
        workload = self.diagnosis.workload
        facts_w = _workload_facts(self.aws, workload.kind, workload.name, self.options)
        if facts_w is not None:
            live["workload"] = facts_w.to_json()
            live["problems"].extend(facts_w.problems)
        self.judge_endpoints(facts_w)

    # -- the role's own policies ---------------------------------------------------------

    def judge_role(self, facts: live_iam.RoleFacts) -> None:
        """Decide the request with the role's policies and mark the causes."""
        incident = self.incident
        evaluation = live_iam.evaluate_role(facts, incident, incident.region or self.aws.region)
        self.live["evaluation"] = evaluation.to_json()
        decision = evaluation.decision
        allow = live_iam.identity_allow(decision)
        explicit = decision.decision == EXPLICIT_DENY
        boundary_blocks = bool(facts.boundary) and \
            live_iam.layer_allow(decision, live_iam.BOUNDARY) is Tri.NO
        names = ", ".join(p.name for p in facts.policies if p.kind != "boundary") or "none"
        resource = incident.resource or "*"

        removed = self.cause(MonitoringExplicitlyDenied.id)
        if removed is not None:
            if explicit:
                _set(removed, CONFIRMED, *(f"denied by {live_iam.describe(r.policy, r.statement)}"
                                           f" ({r.layer})" for r in decision.statements),
                     specific=True)
            elif boundary_blocks:
                _set(removed, CONFIRMED, f"the permissions boundary {facts.boundary_arn} has no "
                     f"statement allowing {incident.action} on {resource}")
            elif facts.complete:
                removed.evidence.append("no Deny in the role's policies or boundary applies; "
                                        "service control and session policies cannot be read "
                                        "with the read-only calls")

        allowing = [r for r in decision.considered
                    if r.layer == "identity" and r.effect == "Allow" and r.applies is Tri.YES]
        group = [c for c in self.diagnosis.causes
                 if c.rule_id in MISSING_ALLOW or c.name == GENERIC_MISSING]
        if allow is Tri.YES:
            for cause in group:
                _set(cause, RULED_OUT, *(f"allowed by {live_iam.describe(r.policy, r.statement)}"
                                         for r in allowing))
        elif allow is Tri.NO and group:
            evidence = (f"no statement of the role's policies ({names}) allows "
                        f"{incident.action} on {resource}")
            if facts.complete:
                _set(group[0], CONFIRMED, evidence)
            else:
                group[0].evidence.append(evidence + "; some policies could not be read")
        elif allow is Tri.MAYBE:
            for cause in group:
                _set(cause, UNDECIDED, *decision.unknown_reasons)

        self.judge_namespace(decision, facts, explicit or boundary_blocks)
        self.judge_bare_group(decision, facts, allow)
        self.judge_spelling(facts)
        if allow is Tri.YES and not explicit and not boundary_blocks and facts.complete:
            reason = incident.reason
            if reason is not None and reason.policy_type == "identity-based policy":
                self.live["conclusion"] = (
                    "the message says no identity-based policy allows the request, but the "
                    "role's policies allow it now: they changed since the message was logged "
                    "(IAM is eventually consistent), or the message comes from another role "
                    "or account")
            else:
                self.live["conclusion"] = (
                    "the role's own policies and its boundary allow the request: the denial "
                    "comes from a layer the read-only calls cannot see (a service control "
                    "policy, a session policy, a VPC endpoint policy), or the policy changed "
                    "seconds ago (IAM is eventually consistent)")

    def judge_namespace(self, decision: Any, facts: live_iam.RoleFacts, blocked: bool) -> None:
        """CWL002: statements that allow PutMetricData only for some namespaces."""
        cause = self.cause(MetricsNamespaceMismatch.id)
        if cause is None:
            return
        found = live_iam.namespace_statements(decision)
        if not found:
            if facts.complete:
                _set(cause, RULED_OUT, "no statement of the role's policies has a "
                     "cloudwatch:namespace condition for PutMetricData")
            return
        evidence = []
        for policy, statement in found:
            conditions = statement.conditions
            assert not isinstance(conditions, Unknown)
            tests = "; ".join(c.describe() for c in conditions if c.key == "cloudwatch:namespace")
            evidence.append(f"{live_iam.describe(policy, statement)} allows PutMetricData only "
                            f"when {tests}")
        if facts.complete and not blocked:
            evidence.append("the request was denied, so the namespace it sent matches none of "
                            "these (values are compared case-sensitively)")
            _set(cause, CONFIRMED, *evidence, specific=True)
        else:
            _set(cause, UNDECIDED, *evidence)

    def judge_bare_group(self, decision: Any, facts: live_iam.RoleFacts, allow: Tri) -> None:
        """CWL003: statements that grant the action on the bare log-group ARN."""
        cause = self.cause(LogStreamArnMissing.id)
        target = self.incident.log_target
        if cause is None or target is None:
            return
        found = live_iam.bare_group_grants(decision, self.incident.action, target.group_arn)
        if found and allow is not Tri.YES:
            _set(cause, CONFIRMED, *(f"{live_iam.describe(p, s)} grants {self.incident.action} "
                                     f"on {', '.join(str(r) for r in s.raw_resources)}, which "
                                     "matches the log group but none of its streams"
                                     for p, s in found), specific=True)
        elif facts.complete:
            _set(cause, RULED_OUT, f"no statement grants {self.incident.action} on the bare "
                 f"log group ARN {target.group_arn}")

    def judge_spelling(self, facts: live_iam.RoleFacts) -> None:
        """CWL008: statements that name a misspelling of the action."""
        cause = self.cause(UnknownMonitoringAction.id)
        if cause is None:
            return
        found = live_iam.misspelled_actions(facts, self.incident.action)
        if found:
            _set(cause, CONFIRMED, *(f"{live_iam.describe(p, s)} names {raw}, which does not "
                                     f"exist (the real action is {self.incident.action})"
                                     for p, s, raw in found), specific=True)
        elif facts.complete:
            _set(cause, RULED_OUT, f"no statement names a misspelling of {self.incident.action}")

    # -- the endpoint on the way ---------------------------------------------------------

    def judge_endpoints(self, workload: WorkloadFacts | None) -> None:
        """CWL014: the policies of the endpoints the request may have gone through."""
        cause = self.cause(EndpointPolicyDenies.id)
        incident = self.incident
        if cause is None or incident.service not in ("cloudwatch", "logs"):
            return
        endpoint_service = "monitoring" if incident.service == "cloudwatch" else "logs"
        region = incident.region or self.aws.region or "us-east-1"
        if workload is not None and workload.found and not workload.in_vpc:
            _set(cause, RULED_OUT, f"function {workload.name} is not in a VPC")
            return
        vpc = workload.vpc_id if workload is not None and workload.found else None
        try:
            endpoints = live_network.fetch_endpoints(self.aws, endpoint_service, region, vpc)
        except CallFailed as exc:
            self.live["problems"].append(f"cannot read the VPC endpoints: {exc}")
            return
        self.live["network"] = {"endpoints": [e.to_json() for e in endpoints]}
        if not endpoints:
            where = f"VPC {vpc}" if vpc else f"any VPC of {region}"
            if vpc or cause.likelihood != "likely":
                _set(cause, RULED_OUT, f"no interface endpoint for {endpoint_service} in {where}")
            else:
                cause.evidence.append(f"no interface endpoint for {endpoint_service} in {where}")
            return
        principal = incident.principal
        who = Principal("AWS", principal.role_arn or principal.arn, principal.account) \
            if principal is not None else None
        verdicts = [endpoint_allows(e, incident.action, incident.resource or "*", who)
                    for e in endpoints]
        denying = [why for verdict, why in verdicts if verdict == NO]
        if denying and vpc:
            _set(cause, CONFIRMED, *denying)
        elif denying:
            _set(cause, SUSPECTED, f"the workload's VPC is unknown; of the region's "
                 f"{endpoint_service} endpoints:", *denying)
        elif all(verdict == YES for verdict, _ in verdicts):
            _set(cause, RULED_OUT, *(why for _, why in verdicts))
        else:
            _set(cause, UNDECIDED, *(why for _, why in verdicts))


class NetworkCheck:
    """``--live`` for one failed connection."""

    def __init__(self, aws: ReadOnlyAWS, diagnosis: Diagnosis, options: LiveOptions,
                 live: dict[str, Any]) -> None:
        assert isinstance(diagnosis.incident, NetworkFailure)
        self.aws, self.diagnosis, self.options, self.live = aws, diagnosis, options, live
        self.incident: NetworkFailure = diagnosis.incident
        self.by_key = {c.rule_id or c.name: c for c in diagnosis.causes}
        self.region = self.incident.region or aws.region or "us-east-1"

    def cause(self, key: str) -> Cause | None:
        """The cause with this rule id (or name), if the diagnosis has it."""
        return self.by_key.get(key)

    def run(self) -> None:
        """Fetch, decide and mark every cause of the diagnosis."""
        live, incident = self.live, self.incident
        workload = self.diagnosis.workload
        name = incident.instance_id or workload.name
        facts = _workload_facts(self.aws, workload.kind, name, self.options)
        service = incident.endpoint_service
        if facts is None:
            live["problems"].append("the message names no instance or function: pass "
                                    "--instance-id or --function-name to check its subnet and "
                                    "security groups")
            self.survey(service)
            return
        live["workload"] = facts.to_json()
        live["problems"].extend(facts.problems)
        if not facts.found:
            self.survey(service)
            return
        if not facts.in_vpc:
            network_rules = {rule.id for rule in live_model.NETWORK_RULES}
            for cause in self.diagnosis.causes:
                if cause.rule_id in network_rules:
                    _set(cause, RULED_OUT, f"function {facts.name} is not in a VPC: it reaches "
                         "CloudWatch over the Lambda service's own network")
            return
        try:
            self.judge(facts, service)
        except CallFailed as exc:
            live["problems"].append(f"cannot finish the network check: {exc}")

    def survey(self, service: str) -> None:
        """Without a workload: what endpoints for the service exist in the region."""
        try:
            endpoints = live_network.fetch_endpoints(self.aws, service, self.region, None)
        except CallFailed as exc:
            self.live["problems"].append(f"cannot read the VPC endpoints: {exc}")
            return
        self.live["network"] = {"endpoints": [e.to_json() for e in endpoints]}
        no_endpoint = self.cause(IsolatedSubnetNoEndpoint.id)
        dns = self.cause(EndpointPrivateDnsDisabled.id)
        if not endpoints:
            if no_endpoint is not None:
                no_endpoint.evidence.append(f"no interface endpoint for {service} in any VPC of "
                                            f"{self.region}")
            if dns is not None:
                _set(dns, RULED_OUT, f"no interface endpoint for {service} in {self.region}")
            return
        if dns is not None:
            dns.evidence.extend(f"endpoint {e.id} in {e.vpc_id} has private DNS "
                                f"{'on' if e.private_dns else 'off'}" for e in endpoints)

    def judge(self, facts: WorkloadFacts, service: str) -> None:
        """Put the workload's subnets, routes, endpoints and security groups into the
        model, run the network rules on it, and mark each cause with its rule's verdict."""
        aws = self.aws
        endpoints = live_network.fetch_endpoints(aws, service, self.region, facts.vpc_id)
        endpoint_subnets = [s for e in endpoints for s in e.subnets]
        try:
            subnets = live_network.fetch_subnets(aws, facts.subnet_ids + endpoint_subnets)
        except CallFailed as exc:  # the CIDRs stay unknown: CIDR rules cannot be decided
            self.live["problems"].append(f"cannot read the subnets: {exc}")
            subnets = []
        network = live_model.NetworkFacts(
            facts, service, self.region, subnets,
            live_network.fetch_subnet_tables(aws, facts.subnet_ids, facts.vpc_id), endpoints,
            live_network.fetch_groups(aws, facts.security_groups
                                      + [g for e in endpoints for g in e.groups]))
        model = live_model.network_model(network, self.live.get("account"))
        internet, route_why = live_model.internet(model)
        self.live["network"] = {"internet": internet, "route": route_why,
                                "endpoints": [e.to_json() for e in endpoints]}
        for rule_id, verdict in live_model.judge_network(model).items():
            cause = self.cause(rule_id)
            if cause is not None:
                _set(cause, verdict.status, *verdict.evidence)
        endpoint = endpoints[0] if endpoints else None
        ids = NetworkIds(facts.vpc_id, tuple(facts.subnet_ids), tuple(facts.security_groups),
                         endpoint.id if endpoint else None,
                         tuple(endpoint.groups) if endpoint else ())
        fresh = {c.rule_id or c.name: c for c in causes_for(self.incident, self.diagnosis.workload,
                                                             ids)}
        for cause in self.diagnosis.causes:
            match = fresh.get(cause.rule_id or cause.name)
            if match is not None:
                cause.fix, cause.checks = match.fix, match.checks
