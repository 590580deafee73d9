"""The root causes a message points at, most likely first, each tied to a cwlint rule.

**AccessDenied.** The reason clause decides the layer when AWS gives it:

* ``... VPC endpoint policy`` -> CWL014 endpoint-policy-denies (unless the denial came
  "transitively through" another policy: then that one);
* an explicit deny anywhere else, or an implicit deny by a permissions boundary, a
  service control policy, a resource control policy or a session policy -> CWL007
  monitoring-explicitly-denied (an Allow exists but another layer removes it);
* ``because no identity-based policy allows`` (or no clause) -> the identity policy lacks
  the Allow; which rule depends on the action and the workload: CWL001/CWL002/CWL008 for
  ``cloudwatch:PutMetricData``, CWL004 (Lambda), CWL021 (ECS ``awslogs``), CWL005 (the
  CloudWatch agent) and CWL003 (a grant on the bare log-group ARN) for log delivery,
  CWL006 for the agent's configuration parameter. Without a clause any layer may have
  denied, so CWL007 and CWL014 follow as possible causes.

**Connection failures.** The address the name resolved to decides: a private address
means the name resolves to an interface endpoint (private DNS works), so the packets are
dropped by a security group: CWL012 endpoint-sg-no-https, CWL013 workload-egress-blocked.
A public address means there is no endpoint with private DNS: CWL010
isolated-subnet-no-endpoint, CWL011 endpoint-private-dns-disabled. A DNS failure is the
VPC's resolver (or a region that does not exist).
"""

from __future__ import annotations

from typing import Any

import msgspec

from cwlint.diagnose import checks, fixes
from cwlint.diagnose.arns import LogTarget, PrincipalInfo
from cwlint.diagnose.fixes import Fix, NetworkIds
from cwlint.diagnose.incident import (
    DNS_FAILURE,
    EXPLICIT,
    AccessDenied,
    Incident,
    NetworkFailure,
    ServiceError,
)
from cwlint.diagnose.rule_ids import rule_name, rule_title
from cwlint.diagnose.service_causes import ServiceCauses
from cwlint.diagnose.workload import DEPLOYMENT, EC2, ECS, LAMBDA, LAMBDA_PREFIX, Workload

LIKELY = "likely"
POSSIBLE = "possible"

SUSPECTED = "suspected"
CONFIRMED = "confirmed"
RULED_OUT = "ruled_out"
UNDECIDED = "undecided"
_STATUS_ORDER = {CONFIRMED: 0, SUSPECTED: 1, UNDECIDED: 1, RULED_OUT: 2}
_LIKELIHOOD_ORDER = {LIKELY: 0, POSSIBLE: 1}

PUT_METRIC_DATA = "cloudwatch:PutMetricData"
STREAM_ACTIONS = ("logs:CreateLogStream", "logs:PutLogEvents")
AGENT_POLICY = "arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy"
NAMESPACE_KEY = "cloudwatch:namespace"
NO_CREDENTIALS = "NoCredentialProviders"
GUARD_TYPES = ("permissions boundary", "service control policy", "resource control policy",
               "session policy")


class Cause(msgspec.Struct):
    """One root cause: the rule that names it (None for causes no rule covers), how
    likely the message makes it, what it is, why the message points at it, the read-only
    commands that confirm it and the fix. ``status`` and ``evidence`` are what ``--live``
    found (``suspected`` until then); ``specific`` is set when ``--live`` confirmed it by
    naming the statement at fault."""

    rule_id: str | None
    name: str
    likelihood: str
    summary: str
    why: str
    checks: list[str]
    fix: Fix | None
    status: str = SUSPECTED
    evidence: list[str] = msgspec.field(default_factory=list)
    specific: bool = False  # confirmed by naming a statement: ranks before generic causes

    def to_json(self, rank: int) -> dict[str, Any]:
        """The cause as the JSON output shows it, with its rank."""
        return {
            "rank": rank,
            "rule_id": self.rule_id,
            "name": self.name,
            "title": rule_title(self.rule_id),
            "likelihood": self.likelihood,
            "status": self.status,
            "summary": self.summary,
            "why": self.why,
            "evidence": list(self.evidence),
            "checks": list(self.checks),
            "fix": self.fix.to_json() if self.fix else None,
        }


def rank(causes: list[Cause]) -> list[Cause]:
    """Confirmed causes first (those that name the statement at fault before the others),
    ruled-out ones last, otherwise by likelihood; stable."""
    return sorted(causes, key=lambda c: (_STATUS_ORDER[c.status], not c.specific,
                                         _LIKELIHOOD_ORDER[c.likelihood]))


def causes_for(incident: Incident, workload: Workload,
               ids: NetworkIds | None = None) -> list[Cause]:
    """The ranked causes of one incident."""
    if isinstance(incident, AccessDenied):
        return rank(AccessCauses(incident, workload).build())
    if isinstance(incident, ServiceError):
        return rank(ServiceCauses(incident, workload).build())
    return rank(NetworkCauses(incident, workload, ids or NetworkIds()).build())


def _cause(rule_id: str | None, fallback_name: str, likelihood: str, summary: str, why: str,
           commands: list[str], fix: Fix | None) -> Cause:
    return Cause(rule_id, rule_name(rule_id) or fallback_name, likelihood, summary, why,
                 list(dict.fromkeys(commands)), fix)


class AccessCauses:
    """The causes of one AccessDenied message."""

    def __init__(self, incident: AccessDenied, workload: Workload) -> None:
        self.incident = incident
        self.workload = workload
        self.principal: PrincipalInfo | None = incident.principal
        self.action = incident.action
        self.reason = incident.reason
        self.target: LogTarget | None = incident.log_target
        self.region = incident.region

    # -- what the message says -----------------------------------------------------------

    @property
    def who(self) -> str:
        """How messages name the principal: ``role NAME``, ``user NAME``, or its ARN."""
        principal = self.principal
        if principal is None:
            return "the caller"
        if principal.role_name:
            return f"role {principal.role_name}"
        if principal.kind == "user" and principal.name:
            return f"user {principal.name}"
        return principal.arn

    def role_label(self, default: str) -> str:
        """The role's name, else ``default``."""
        principal = self.principal
        return principal.role_name if principal is not None and principal.role_name else default

    @property
    def grant_resource(self) -> str:
        """What a fix grants: the log group's ``:*`` for a logs ARN, else the resource."""
        if self.target is not None:
            return self.target.grant
        return self.incident.resource or "*"

    def _why_identity(self) -> str:
        if self.reason is None:
            return ("the message names no policy type; a missing Allow in the principal's own "
                    "policies is the most common cause")
        return "the message says no identity-based policy allows the action"

    def build(self) -> list[Cause]:
        """The causes, most likely first (before any ``--live`` evidence)."""
        reason = self.reason
        if self.incident.error_code == NO_CREDENTIALS:
            return [self.agent(LIKELY)]  # refused before any policy was read
        if reason is not None and reason.policy_type == "VPC endpoint policy" and not reason.via:
            return [self.endpoint_policy(LIKELY)]
        if reason is not None and (reason.decision == EXPLICIT or reason.via or
                                   reason.policy_type in GUARD_TYPES):
            if reason.policy_type in ("resource-based policy", "role trust policy") and \
                    not reason.via:
                return [self.resource_policy()]
            return [self.removed(LIKELY)]
        if reason is not None and reason.policy_type in ("resource-based policy",
                                                         "role trust policy"):
            return [self.resource_policy()]
        causes = self.identity_causes()
        if reason is None or reason.policy_type is None:
            causes += [self.removed(POSSIBLE), self.endpoint_policy(POSSIBLE)]
        return causes

    def identity_causes(self) -> list[Cause]:
        """The causes for a missing Allow in the identity policies, by action and workload."""
        action, kind, agent = self.action, self.workload.kind, self.workload.agent
        if kind == DEPLOYMENT:
            return [self.deployer(LIKELY)]
        if action == PUT_METRIC_DATA:
            if agent:
                return [self.agent(LIKELY), self.misspelled(POSSIBLE)]
            causes = [self.metrics_denied(), self.namespace_mismatch()]
            if kind == EC2:
                causes.insert(1, self.agent(POSSIBLE))
            return [*causes, self.misspelled(POSSIBLE)]
        if action in STREAM_ACTIONS or action == "logs:CreateLogGroup":
            return self.log_delivery_causes()
        if action == "logs:DescribeLogStreams" or action in ("ec2:DescribeTags",
                                                            "ec2:DescribeVolumes"):
            likelihood = LIKELY if agent or kind == EC2 or action.startswith("ec2:") else POSSIBLE
            return [self.agent(likelihood), self.missing_allow(POSSIBLE)]
        if action in ("ssm:GetParameter", "ssm:GetParameters"):
            return [self.agent_parameter(), self.missing_allow(POSSIBLE)]
        return [self.missing_allow(LIKELY), self.misspelled(POSSIBLE)] \
            if action.startswith(("cloudwatch:", "logs:")) else [self.missing_allow(LIKELY)]

    def log_delivery_causes(self) -> list[Cause]:
        """The causes of a denied CreateLogGroup, CreateLogStream or PutLogEvents."""
        kind, agent = self.workload.kind, self.workload.agent
        stream_action = self.action in STREAM_ACTIONS
        if kind == LAMBDA:
            first = [self.lambda_logs(LIKELY)]
        elif kind == ECS and self.workload.firelens:
            first = [self.firelens_logs(LIKELY)]
        elif kind == ECS:
            first = [self.ecs_logs(LIKELY)]
        elif agent or kind == EC2:
            first = [self.agent(LIKELY)]
        else:
            first = []
        causes = list(first)
        if stream_action:
            causes.append(self.bare_group(LIKELY if not first else POSSIBLE))
        if not first:
            causes += [self.lambda_logs(POSSIBLE), self.agent(POSSIBLE), self.ecs_logs(POSSIBLE)]
        causes.append(self.misspelled(POSSIBLE))
        return causes

    # -- the causes ----------------------------------------------------------------------

    def _identity_fix(self, summary: str, actions: list[str], resource: str, purpose: str,
                      condition: dict[str, Any] | None = None) -> Fix:
        body = fixes.statement(actions, resource, condition=condition)
        return fixes.identity_policy_fix(summary, self.principal, [body], purpose)

    def _checks(self, context: tuple[str, str] | None = None) -> list[str]:
        commands = checks.simulate(self.principal, self.action, self.incident.resource, context)
        return commands + checks.role_policies(self.principal)

    def _workload_checks(self) -> list[str]:
        if self.workload.kind == EC2 and self.workload.name:
            return checks.instance(self.workload.name, self.region)
        if self.workload.kind == LAMBDA and self.workload.name:
            return checks.function(self.workload.name, self.region)
        return []

    def metrics_denied(self) -> Cause:
        """CWL001: no Allow for cloudwatch:PutMetricData."""
        summary = (f"{self.who} has no Allow for cloudwatch:PutMetricData (an action that only "
                   'takes Resource "*")')
        fix = self._identity_fix(
            f"add an Allow for cloudwatch:PutMetricData to {self.who} (scope it with a "
            f"{NAMESPACE_KEY} condition if you like)", [PUT_METRIC_DATA], "*",
            "cloudwatch-metrics")
        return _cause("CWL001", "", LIKELY, summary, self._why_identity(),
                      self._workload_checks() + self._checks(), fix)

    def namespace_mismatch(self) -> Cause:
        """CWL002: an Allow only under a namespace the code does not send."""
        summary = (f"{self.who} allows cloudwatch:PutMetricData only under a {NAMESPACE_KEY} "
                   "condition that the namespace the code sends does not meet (condition "
                   'values are case-sensitive: "orders" is not "Orders")')
        why = ("a condition that does not match counts as no Allow, and the message cannot "
               "show the namespace")
        fix = self._identity_fix(
            "list the namespace exactly as the code sends it (replace YOUR_NAMESPACE)",
            [PUT_METRIC_DATA], "*", "cloudwatch-metrics",
            {"StringEquals": {NAMESPACE_KEY: "YOUR_NAMESPACE"}})
        return _cause("CWL002", "", POSSIBLE, summary, why,
                      self._checks((NAMESPACE_KEY, "YOUR_NAMESPACE")), fix)

    def misspelled(self, likelihood: str) -> Cause:
        """CWL008: a misspelled action that grants nothing."""
        example = " (cloudwatch:PutMetricsData)" if self.action == PUT_METRIC_DATA else ""
        summary = (f"a statement of {self.who} names a misspelling of {self.action}{example}, "
                   "which IAM accepts but which grants nothing")
        why = f"only a statement naming {self.action} (or a wildcard covering it) grants it"
        fix = self._identity_fix(f"spell the action {self.action}", [self.action],
                                 self.grant_resource, _purpose(self.action))
        return _cause("CWL008", "", likelihood, summary, why, checks.role_policies(self.principal),
                      fix)

    def agent(self, likelihood: str) -> Cause:
        """CWL005: the instance role lacks the CloudWatch agent's permissions."""
        summary = (f"the instance's role {self.role_label('(its instance profile)')} lacks the "
                   "CloudWatch agent's permissions (what the AWS managed policy "
                   "CloudWatchAgentServerPolicy grants)")
        if self.principal is None:
            summary += ", or the instance has no instance profile"
        why = ("the CloudWatch agent wrote the message" if self.workload.agent else
               "the session is named after an EC2 instance" if self.workload.kind == EC2 else
               "the CloudWatch agent needs this action")
        actions = self._actions_for_logs()
        fix = self._identity_fix(
            f"attach {AGENT_POLICY} to the role (it grants what the agent needs), or allow "
            f"{', '.join(actions)} on {self.grant_resource}",
            actions, self.grant_resource, _purpose(self.action))
        return _cause("CWL005", "", likelihood, summary, why,
                      self._workload_checks() + self._checks(), fix)

    def agent_parameter(self) -> Cause:
        """CWL006: the agent's configuration parameter cannot be read."""
        resource = self.incident.resource or "*"
        summary = (f"{self.who} cannot read the CloudWatch agent's configuration parameter "
                   f"{resource}: CloudWatchAgentServerPolicy allows ssm:GetParameter only on "
                   "parameter/AmazonCloudWatch-*")
        fix = self._identity_fix(f"allow ssm:GetParameter on {resource}", ["ssm:GetParameter"],
                                 resource, "cloudwatch-agent-config")
        return _cause("CWL006", "", LIKELY, summary, "the agent reads `-c ssm:NAME` with "
                      "ssm:GetParameter", self._checks(), fix)

    def _actions_for_logs(self) -> list[str]:
        if self.action in STREAM_ACTIONS:
            return list(STREAM_ACTIONS)
        if self.action == "logs:CreateLogGroup":
            return ["logs:CreateLogGroup", *STREAM_ACTIONS]
        return [self.action]

    def _group(self) -> str:
        return self.target.group if self.target is not None else "its log group"

    def bare_group(self, likelihood: str) -> Cause:
        """CWL003: a grant on the bare log-group ARN, which matches no stream."""
        group_arn = self.target.group_arn if self.target else "arn:...:log-group:NAME"
        summary = (f"{self.who} grants {self.action} only on the log group ARN {group_arn}, "
                   f"which matches no log stream; grant {group_arn}:* instead")
        why = (f"{self.action} is authorized on the log-stream ARN "
               f"({self.incident.resource or 'log-group:NAME:log-stream:STREAM'})")
        fix = self._identity_fix(f"grant the log streams of {self._group()} (note the :*)",
                                 list(STREAM_ACTIONS), self.grant_resource, "log-delivery")
        return _cause("CWL003", "", likelihood, summary, why, self._checks(), fix)

    def lambda_logs(self, likelihood: str) -> Cause:
        """CWL004: a Lambda function's role cannot write to its log group."""
        name = self.workload.name if self.workload.kind == LAMBDA and self.workload.name \
            else "the function"
        summary = (f"Lambda function {name}'s execution role ({self.role_label('its role')}) "
                   f"cannot create streams in and write to {self._group()}")
        why = ("the session is the function's and the log group is its /aws/lambda/ group"
               if self.workload.kind == LAMBDA else "Lambda functions deliver logs with "
               "their execution role")
        fix = self._identity_fix(
            f"let the execution role write to {self._group()} (what "
            "AWSLambdaBasicExecutionRole grants, scoped to the group)",
            self._actions_for_logs(), self.grant_resource, "lambda-logs")
        return _cause("CWL004", "", likelihood, summary, why,
                      self._workload_checks() + self._checks(), fix)

    def ecs_logs(self, likelihood: str) -> Cause:
        """CWL021: the ECS task execution role cannot write to the awslogs group."""
        summary = (f"the ECS task execution role ({self.who}) cannot create streams in / write "
                   f"to the awslogs group {self._group()} (or awslogs-create-group is true "
                   "without logs:CreateLogGroup, which AmazonECSTaskExecutionRolePolicy lacks)")
        why = ("the awslogs driver failed to initialize" if self.workload.kind == ECS else
               "the awslogs driver writes with the task execution role")
        fix = self._identity_fix(f"let the task execution role write to {self._group()}",
                                 self._actions_for_logs(), self.grant_resource, "awslogs")
        return _cause("CWL021", "", likelihood, summary, why, self._checks(), fix)

    def firelens_logs(self, likelihood: str) -> Cause:
        """CWL023: the ECS task role cannot write to FireLens's CloudWatch Logs group."""
        summary = (f"FireLens (Fluent Bit's cloudwatch output) writes with the ECS task role, "
                   f"not the execution role: {self.who} cannot create streams in / write to "
                   f"{self._group()} (or create it, with auto_create_group true)")
        why = "FireLens / Fluent Bit in an ECS task wrote the message"
        fix = self._identity_fix(f"let the task role (taskRoleArn) write to {self._group()}",
                                 self._actions_for_logs(), self.grant_resource, "firelens")
        return _cause("CWL023", "", likelihood, summary, why, self._checks(), fix)

    def deployer(self, likelihood: str) -> Cause:
        """No rule: the deployment's own principal lacks an Allow to create the resource."""
        tool = {"terraform": "Terraform", "cloudformation": "CloudFormation"}.get(
            self.workload.name or "", "a CI pipeline")
        resource = self.incident.resource or "*"
        summary = (f"the deployment ({tool}) runs as {self.who}, which has no Allow for "
                   f"{self.action} on {resource}")
        group = self.target.group if self.target is not None else ""
        if group.startswith(LAMBDA_PREFIX):
            summary += (f"; this is the deployer's role, not the execution role of Lambda "
                        f"function {group[len(LAMBDA_PREFIX):]}")
        why = ("the message comes from the deployment, and its principal is the deployer's "
               "(its session or role name, or the tool's own error format)")
        fix = self._identity_fix(f"add an Allow for {self.action} to the deployer ({self.who})",
                                 [self.action], self.grant_resource,
                                 "deploy-" + _purpose(self.action))
        return _cause(None, "deployer-permissions-missing", likelihood, summary, why,
                      self._checks(), fix)

    def missing_allow(self, likelihood: str) -> Cause:
        """No rule: the principal lacks an Allow for an action cwlint has no rule for."""
        resource = self.incident.resource or "*"
        summary = f"{self.who} has no Allow for {self.action} on {resource}"
        fix = self._identity_fix(f"add an Allow for {self.action} to {self.who}", [self.action],
                                 self.grant_resource, _purpose(self.action))
        return _cause(None, "identity-policy-missing-allow", likelihood, summary,
                      self._why_identity(), self._checks(), fix)

    def removed(self, likelihood: str) -> Cause:
        """CWL007: an explicit Deny, a boundary, an SCP or a session policy removes the Allow."""
        reason = self.reason
        layer = (reason.via or reason.policy_type) if reason else None
        explicit = reason is not None and reason.decision == EXPLICIT
        where = f"a {layer}" if layer else "a Deny, a permissions boundary or an SCP"
        named = f" ({reason.policy_arn})" if reason and reason.policy_arn else ""
        if explicit:
            summary = f"an explicit Deny in {where}{named} removes {self.action} from {self.who}"
        elif reason is not None and layer:
            summary = (f"the {layer}{named} does not allow {self.action}, so {self.who}'s own "
                       "Allow has no effect")
        else:
            summary = (f"an Allow for {self.action} may exist but {where} removes it")
        why = (f"the message says: {reason.text}" if reason else
               "without a reason clause any policy layer may have denied the request")
        commands = self._checks()
        if layer in ("service control policy", "resource control policy"):
            commands = checks.scps(self.incident.account) + commands
        target = f"{self.action} on {self.incident.resource or '*'}"
        if explicit and layer in ("service control policy", "resource control policy"):
            fix = Fix(f"in the organization's management account, remove the Deny from the "
                      f"{layer} or narrow it (NotAction, a Condition on aws:PrincipalArn) so it "
                      f"no longer matches {target}")
        elif explicit and layer == "session policy":
            fix = Fix(f"the session policy passed to AssumeRole (Policy / PolicyArns) denies "
                      f"{target}: pass one that does not")
        elif explicit or layer is None:
            fix = Fix(f"remove the Deny statement, or narrow it (NotAction, a Condition) so it "
                      f"no longer matches {target}; with --live, cwlint names the statement "
                      "when it is in the role's policies or boundary")
        else:
            fix = fixes.statement_fix(f"add this statement to the {layer}",
                                      fixes.statement([self.action], self.grant_resource))
        return _cause("CWL007", "", likelihood, summary, why, commands, fix)

    def endpoint_policy(self, likelihood: str) -> Cause:
        """CWL014: the VPC endpoint's policy does not allow the action."""
        service = {"cloudwatch": "monitoring", "logs": "logs"}.get(self.incident.service,
                                                                  self.incident.service)
        reason = self.reason
        summary = (f"the policy of the VPC endpoint ({service}) the request went through does "
                   f"not allow {self.action}")
        why = (f"the message says: {reason.text}" if reason and reason.policy_type ==
               "VPC endpoint policy" else "requests from a VPC pass the endpoint's policy too")
        fix = fixes.statement_fix(
            f"allow {self.action} in the endpoint's policy (the default policy allows all)",
            fixes.statement([self.action], self.grant_resource, principal=True))
        return _cause("CWL014", "", likelihood, summary, why,
                      checks.endpoints(service, self.region), fix)

    def resource_policy(self) -> Cause:
        """No rule: the resource's own policy denies, or does not allow, the request."""
        reason = self.reason
        assert reason is not None
        layer = reason.policy_type or "resource-based policy"
        explicit = reason.decision == EXPLICIT
        summary = (f"{'an explicit Deny in ' if explicit else 'no statement of '}the {layer} "
                   f"of {self.incident.resource or 'the resource'} "
                   f"{'denies' if explicit else 'allows'} {self.action} for {self.who}")
        body = fixes.statement([self.action], self.incident.resource or "*")
        role_arn = self.principal.role_arn if self.principal else None
        body = {"Effect": "Allow", "Principal": {"AWS": role_arn or "ROLE_ARN"},
                **{k: v for k, v in body.items() if k != "Effect"}}
        fix = (Fix("remove or narrow the Deny in the resource's policy") if explicit else
               fixes.statement_fix(f"add this statement to the {layer}", body))
        return _cause(None, "resource-policy-denies", LIKELY, summary,
                      f"the message says: {reason.text}", self._checks(), fix)


def _purpose(action: str) -> str:
    service = action.split(":", 1)[0]
    return {"cloudwatch": "cloudwatch-metrics", "logs": "log-delivery"}.get(service,
                                                                          f"{service}-access")


class NetworkCauses:
    """The causes of one failed connection to a CloudWatch endpoint."""

    def __init__(self, incident: NetworkFailure, workload: Workload, ids: NetworkIds) -> None:
        self.incident = incident
        self.workload = workload
        self.ids = ids
        self.region = incident.region
        self.service = incident.endpoint_service
        self.name = f"com.amazonaws.{self.region or '<region>'}.{self.service}"

    def build(self) -> list[Cause]:
        """The causes, most likely first (before any ``--live`` evidence)."""
        incident = self.incident
        causes: list[Cause] = []
        if incident.known_region is False:
            causes.append(self.unknown_region())
        if incident.failure == DNS_FAILURE:
            return [*causes, self.vpc_dns(), self.private_dns(POSSIBLE)]
        if incident.address_scope == "private" or incident.vpc_endpoint_host:
            return [*causes, self.endpoint_sg(LIKELY), self.egress(LIKELY)]
        if incident.address_scope == "public":
            return [*causes, self.no_endpoint(LIKELY), self.private_dns(LIKELY),
                    self.egress(POSSIBLE)]
        return [*causes, self.no_endpoint(LIKELY), self.private_dns(POSSIBLE),
                self.endpoint_sg(POSSIBLE), self.egress(POSSIBLE)]

    def _address_why(self, default: str) -> str:
        incident = self.incident
        if incident.vpc_endpoint_host:
            return (f"the SDK connected to the endpoint's own name {incident.host}: the "
                    "endpoint exists, so packets are dropped on the way")
        if incident.address_scope == "private":
            return (f"the name resolved to a private address ({incident.address}): it is the "
                    "endpoint's, so private DNS works and packets are dropped on the way")
        if incident.address_scope == "public":
            return (f"the name resolved to a public address ({incident.address}): no endpoint "
                    "with private DNS answered for it")
        return default

    def _workload_checks(self) -> list[str]:
        if self.workload.kind == EC2 and self.workload.name:
            return checks.instance(self.workload.name, self.region)
        if self.workload.kind == LAMBDA and self.workload.name:
            return checks.function(self.workload.name, self.region)
        return []

    def _subnet(self) -> str | None:
        return self.ids.subnet_ids[0] if self.ids.subnet_ids else None

    def no_endpoint(self, likelihood: str) -> Cause:
        """CWL010: an isolated subnet and no interface endpoint."""
        lambda_note = (" (a Lambda function in a VPC never has a public address: a route to an "
                       "internet gateway is not enough)" if self.workload.kind == LAMBDA else "")
        summary = (f"the workload runs in a subnet with no route to the internet{lambda_note} "
                   f"and its VPC has no interface endpoint for {self.name}")
        why = self._address_why("a connection that times out on the public name is what an "
                                "isolated subnet without an endpoint gives")
        commands = (self._workload_checks() + checks.routes(self._subnet(), self.region) +
                    checks.endpoints(self.service, self.region, self.ids.vpc_id))
        return _cause("CWL010", "", likelihood, summary, why, commands,
                      fixes.endpoint_fix(self.service, self.region, self.ids))

    def private_dns(self, likelihood: str) -> Cause:
        """CWL011: the endpoint exists but private DNS is off."""
        summary = (f"an interface endpoint for {self.name} exists but private DNS is off (the "
                   "default in CloudFormation and Terraform), so SDKs still resolve the public "
                   "endpoint")
        why = self._address_why("with private DNS off the SDK's default name resolves to the "
                                "public endpoint")
        if self.incident.failure == DNS_FAILURE:
            why = "private DNS for endpoints needs the VPC's DNS support and DNS hostnames"
        commands = (checks.endpoints(self.service, self.region, self.ids.vpc_id) +
                    checks.dns(self.incident.host, self.ids.vpc_id, self.region))
        return _cause("CWL011", "", likelihood, summary, why, commands,
                      fixes.private_dns_fix(self.service, self.ids))

    def endpoint_sg(self, likelihood: str) -> Cause:
        """CWL012: no endpoint security group admits TCP 443 from the workload."""
        summary = ("no security group of the endpoint admits TCP 443 from the workload (an "
                   "endpoint created without a group gets the VPC's default group)")
        why = self._address_why("a dropped SYN to the endpoint also times out")
        commands = (checks.endpoints(self.service, self.region, self.ids.vpc_id) +
                    checks.security_groups(self.ids.endpoint_groups, "ENDPOINT_SG_ID",
                                           self.region))
        return _cause("CWL012", "", likelihood, summary, why, commands,
                      fixes.ingress_fix(self.ids))

    def egress(self, likelihood: str) -> Cause:
        """CWL013: the workload's security groups block outbound TCP 443."""
        summary = ("the workload's security groups do not allow outbound TCP 443 to the "
                   "endpoint (Terraform drops the default allow-all egress rule)")
        why = self._address_why("outbound rules apply before any route")
        commands = self._workload_checks() + checks.security_groups(
            self.ids.workload_groups, "WORKLOAD_SG_ID", self.region, egress=True)
        return _cause("CWL013", "", likelihood, summary, why, commands,
                      fixes.egress_fix(self.ids))

    def vpc_dns(self) -> Cause:
        """No rule: the VPC's resolver does not resolve the endpoint name."""
        host = self.incident.host or f"{self.service}.<region>.amazonaws.com"
        summary = (f"the VPC's resolver did not resolve {host}: DNS support is off in the VPC, "
                   "or its DHCP options point to DNS servers that cannot resolve AWS names")
        fix = Fix("turn on DNS support (and DNS hostnames, for endpoints' private DNS) in the VPC",
                  None,
                  "Vpc:\n  Type: AWS::EC2::VPC\n  Properties:\n    EnableDnsSupport: true\n"
                  "    EnableDnsHostnames: true",
                  'resource "aws_vpc" "main" {\n  enable_dns_support   = true\n'
                  "  enable_dns_hostnames = true\n}")
        commands = checks.dns(self.incident.host, self.ids.vpc_id, self.region) + [
            checks._cmd("aws", "ec2", "describe-dhcp-options", region=self.region)]
        return _cause(None, "vpc-dns-resolution", LIKELY, summary,
                      "the name did not resolve at all; public AWS names resolve even in an "
                      "isolated subnet when the VPC's resolver is used", commands, fix)

    def unknown_region(self) -> Cause:
        """No rule: the endpoint name holds a region that does not exist."""
        incident = self.incident
        guess = incident.suggested_region
        summary = (f"{incident.region} is not an AWS region"
                   f"{f' (did you mean {guess}?)' if guess else ''}: the endpoint name "
                   f"{incident.host} does not exist")
        fix = Fix(f"set the region to {guess or 'a real region'} where the workload configures "
                  "it: AWS_REGION / AWS_DEFAULT_REGION, the SDK client, or the CloudWatch "
                  "agent's region setting")
        return _cause(None, "unknown-region", LIKELY if guess else POSSIBLE, summary,
                      "botocore knows no region of that name", [], fix)
