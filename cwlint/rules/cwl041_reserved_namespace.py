"""CWL041 reserved-namespace."""

from __future__ import annotations

from collections.abc import Iterable

from msgspec.structs import replace

from cwlint.findings import ERROR, INFO, Finding
from cwlint.fixes import SAFE, SUGGESTION, Fix, SetValue
from cwlint.iam.patterns import Mode, match
from cwlint.iam.tri import Tri, tri_any
from cwlint.model import Location, LogGroup, Model, Role, StandalonePolicy, Workload
from cwlint.rules.access import NAMESPACE_KEY
from cwlint.rules.base import Rule
from cwlint.rules.resource_types import ALARMS, LOG_GROUPS, POLICY_BEARING, WORKLOADS
from cwlint.rules.workload_findings import describe_policy, describe_workload
from cwlint.values import StrValue

RESERVED = "AWS/"


class ReservedNamespace(Rule):
    """A metric namespace that begins with `AWS/`, where a workload publishes or where a
    `cloudwatch:namespace` condition for PutMetricData names it; or a log group name
    beginning with `aws/` or `AWS/` that a workload writes to or that the input declares.

    Namespaces starting with `AWS/` are reserved for AWS services; PutMetricData rejects
    them (InvalidParameterValue). A policy of a role that only AWS services assume (a
    Kendra index role that lets Kendra publish `AWS/Kendra`) is not reported: the service
    publishes there itself.

    Log group names are reserved the same way: the CloudWatch Logs API reference says
    names "can't start with the string aws/", and CreateLogGroup answers "Log groups
    starting with AWS/ are reserved for AWS". Both spellings, `aws/` and `AWS/`, are
    errors; another mix of letter case (`Aws/`) is reported as info, since the
    documentation does not say. `/aws/lambda/...`, with its leading slash, is not
    reserved: it is where Lambda writes.

    **Why monitoring goes silent.** Every PutMetricData call fails, often in a background
    flush whose error nobody reads; the log group cannot be created, so the stack fails or
    the awslogs driver, FireLens and the agent drop every event.

    **Failing example (CloudFormation).**
    ```yaml
    OrdersFunction:
      Type: AWS::Lambda::Function
      Properties:
        Environment:
          Variables: {METRICS_NAMESPACE: AWS/Orders}
    AppLogs:
      Type: AWS::Logs::LogGroup
      Properties:
        LogGroupName: aws/orders/app
    ```

    **Fix (CloudFormation).** Publish to your own namespace, in the code or environment
    variable and in the policy's `cloudwatch:namespace` condition; name the group without
    the reserved prefix:
    ```yaml
    Environment:
      Variables: {METRICS_NAMESPACE: MyCompany/Orders}
    # role:
    Condition: {StringEquals: {cloudwatch:namespace: MyCompany/Orders}}
    # log group:
    LogGroupName: /orders/app
    ```

    **Fix (Terraform).**
    ```hcl
    environment {
      variables = { METRICS_NAMESPACE = "MyCompany/Orders" }
    }
    # and the aws_cloudwatch_log_group name, the task definition's awslogs-group and the
    # policy document:
    name = "/orders/app"
    ```

    **Fixable.** `cwlint scan --fix` renames a declared log group whose name is written
    literally with the reserved `aws/` or `AWS/` prefix (`aws/orders/app` becomes
    `/orders/app`) when nothing else in the input names that group. A metric namespace is
    a suggestion only: the code that publishes and the policy's condition must change
    with it.
    """

    id = "CWL041"
    name = "reserved-namespace"
    title = "Metric namespace or log group name begins with the reserved AWS/ prefix"
    severity = ERROR
    ensures = "Ensure no metric namespace or log group uses the reserved AWS/ prefix"
    reports_on = WORKLOADS + POLICY_BEARING + ALARMS + LOG_GROUPS
    fixable = True

    def subjects(self, model: Model) -> Iterable[str]:
        """The workloads that publish to a known namespace, and the resources whose
        policies allow PutMetricData under a namespace condition."""
        found = [w.location.resource for w in model.workloads
                 if any(isinstance(s.namespace, str) for s in w.signals.metrics)]
        found += [s.location.resource for s in model.policies
                  if _condition_namespaces(s) is not None and not _service_only(model, s)]
        found += [g.location.resource for g in model.log_groups.values()
                  if isinstance(g.name, str)]
        found += [w.location.resource for w in model.workloads
                  if any(isinstance(n, str) for n in _written_groups(model, w))]
        return list(dict.fromkeys(found))

    def check(self, model: Model) -> Iterable[Finding]:
        for workload in model.workloads:
            reserved = sorted({s.namespace for s in workload.signals.metrics
                               if isinstance(s.namespace, str)
                               and s.namespace.startswith(RESERVED)})
            if reserved:
                yield Finding.at(
                    workload.location, self.id, self.severity,
                    f"{describe_workload(workload)} publishes to namespace "
                    f"{', '.join(reserved)}; namespaces beginning with AWS/ are reserved and "
                    "PutMetricData rejects them",
                    fix="Publish to a namespace of your own, such as MyCompany/"
                    + reserved[0][len(RESERVED):])
        for group in model.log_groups.values():
            for finding in self._log_group(group.location.at(None), f"log group {group.id}",
                                           [group.name], "is named"):
                if finding.severity == self.severity and isinstance(group.name, str):
                    finding = replace(finding, fix_data=Fix(
                        (SetValue(group.id, "log_group.name", f"/{group.name[4:]}"),),
                        SUGGESTION if _named_elsewhere(model, group) else SAFE))
                yield finding
        for workload in model.workloads:
            described = describe_workload(workload)
            yield from self._log_group(workload.location, described[:1].upper() + described[1:],
                                       _written_groups(model, workload), "writes to")
        for standalone in model.policies:
            names = {n for n in _condition_namespaces(standalone) or ()
                     if n.startswith(RESERVED)}
            if names and not _service_only(model, standalone):  # it looks at every role
                yield Finding.at(
                    standalone.location, self.id, self.severity,
                    f"{describe_policy(standalone)} allows cloudwatch:PutMetricData for namespace "
                    f"{', '.join(sorted(names))}, which begins with the reserved AWS/ prefix",
                    fix="Use a namespace of your own in the cloudwatch:namespace condition")


    def _log_group(self, location: Location, subject: str, names: list[StrValue],
                   verb: str) -> Iterable[Finding]:
        for name in dict.fromkeys(n for n in names if isinstance(n, str)):
            if name[:4].lower() != "aws/":
                continue
            exact = name[:4] in ("aws/", "AWS/")
            why = ("log group names beginning with aws/ or AWS/ are reserved for AWS and "
                   "CloudWatch Logs rejects them" if exact else
                   "names beginning with aws/ in some letter case may be reserved for AWS")
            yield Finding.at(
                location, self.id, self.severity if exact else INFO,
                f"{subject} {verb} log group {name}: {why}",
                fix=f"Name the group /{name[4:]} (a leading slash, no aws/ prefix)")


def _named_elsewhere(model: Model, group: LogGroup) -> bool:
    """Does anything else in the input name the group (a workload, a metric filter, a
    policy's ARN, a service's delivery)? Then renaming the group alone would break it."""
    name = group.name
    if not isinstance(name, str):
        return True
    written = [d.group for w in model.workloads for d in w.log_drivers + w.firelens_outputs]
    written += [w.log_group for w in model.workloads if w.log_group is not None]
    written += [n for w in model.workloads if w.signals.agent is not None
                for n in w.signals.agent.log_groups]
    written += [f.log_group for f in model.metric_filters.values()]
    if name in written or any(d.group == group.id for d in model.log_deliveries):
        return True
    return any(isinstance(r, str) and f"log-group:{name}" in r
               for p in model.policies for st in p.policy.statements
               for r in st.raw_resources)


def _written_groups(model: Model, workload: Workload) -> list[StrValue]:
    """The log groups a workload writes to that the input does not declare (a declared
    group is reported once, on itself)."""
    names: list[StrValue] = [d.group for d in workload.log_drivers + workload.firelens_outputs]
    if workload.log_group is not None:
        names.append(workload.log_group)
    if workload.signals.agent is not None:
        names.extend(workload.signals.agent.log_groups)
    return [n for n in names if model.log_group_named(n) is None]


#: Service principals whose roles run the customer's own code: a policy of such a role can
#: make a PutMetricData call in any namespace the code picks.
CUSTOMER_CODE_SERVICES = frozenset({
    "lambda.amazonaws.com", "edgelambda.amazonaws.com", "ec2.amazonaws.com",
    "ecs-tasks.amazonaws.com", "codebuild.amazonaws.com", "glue.amazonaws.com",
    "sagemaker.amazonaws.com", "elasticmapreduce.amazonaws.com", "batch.amazonaws.com",
    "tasks.apprunner.amazonaws.com", "pods.eks.amazonaws.com", "states.amazonaws.com",
    "ssm.amazonaws.com", "scheduler.amazonaws.com", "cloud9.amazonaws.com",
})


def _service_only(model: Model, standalone: StandalonePolicy) -> bool:
    """The policy reaches only roles that AWS services assume and none of them runs the
    customer's code (a Kendra index role)."""
    roles = [r for r in model.roles.values()
             if any(p.policy is standalone.policy for p in r.policies)]
    return bool(roles) and all(_services_only(r) for r in roles)


def _services_only(role: Role) -> bool:
    if role.trust is None:
        return False
    found = False
    for statement in role.trust.statements:
        if statement.effect != "Allow":
            continue
        if statement.principals is None or statement.unknown is not None:
            return False
        for entry in statement.principals:
            if entry.kind != "Service" or not isinstance(entry.value, str):
                return False
            if entry.value.lower() in CUSTOMER_CODE_SERVICES:
                return False
            found = True
    return found


def _condition_namespaces(standalone: StandalonePolicy) -> set[str] | None:
    """The string values of the ``cloudwatch:namespace`` conditions under which the
    policy allows PutMetricData; None when no Allow of it has such a condition."""
    names: set[str] | None = None
    for statement in standalone.policy.statements:
        if statement.effect != "Allow" or statement.actions is None:
            continue
        if tri_any(match(p, "cloudwatch:PutMetricData", Mode.ACTION)
                   for p in statement.actions) is not Tri.YES:
            continue
        if not isinstance(statement.conditions, tuple):
            continue
        for condition in statement.conditions:
            if condition.key != NAMESPACE_KEY or not isinstance(condition.values, tuple):
                continue
            names = (names or set()) | {v for v in condition.values if isinstance(v, str)}
    return names
