"""CWL022 log-delivery-policy-missing."""

from __future__ import annotations

from collections.abc import Iterable

from cwlint.findings import ERROR, INFO, WARNING, Finding, Related
from cwlint.fixes import CreateLogResourcePolicy, Fix
from cwlint.fixes.names import short_name
from cwlint.iam.evaluator import ALLOWED, UNKNOWN, Principal, Request, evaluate, normalize_context
from cwlint.iam.policy import Policy
from cwlint.model import LogDelivery, Model
from cwlint.rules.base import ResourceTypes, Rule
from cwlint.rules.fixing import with_fix
from cwlint.values import StrValue, Unknown, concat

ACTIONS = ("logs:CreateLogStream", "logs:PutLogEvents")
#: The service principals that write for each kind of delivery. EventBridge: the policy
#: the EventBridge console writes for a log group target admits events.amazonaws.com and
#: delivery.logs.amazonaws.com, and one that admits events.amazonaws.com alone is known
#: to work (AWS re:Post; the CDK's own LogGroup target grants only that one), so either
#: principal admitted is enough. Route 53: route53.amazonaws.com (CreateQueryLoggingConfig).
PRINCIPALS: dict[str, tuple[str, ...]] = {
    "eventbridge": ("events.amazonaws.com", "delivery.logs.amazonaws.com"),
    "route53": ("route53.amazonaws.com",),
}
WHAT = {"eventbridge": "EventBridge rule", "route53": "Route 53 query logging configuration"}
#: Keys that depend on the account the resources are deployed in: unknown at lint time.
UNKNOWN_KEYS = ("aws:SourceAccount", "aws:SourceOrgID", "aws:SourceOrgPaths")
STREAM_REASON = "the stream the service creates"
#: A stream name standing for any the service may pick when the policies do not tell
#: streams apart (CloudWatch Logs stream names contain no ':' and no '*').
ANY_STREAM = "stream"


class LogDeliveryPolicyMissing(Rule):
    """An AWS service writes to a log group on its own, through a CloudWatch Logs
    *resource policy*, and no resource policy of the input admits it:

    * an EventBridge rule whose target is a log group (`AWS::Events::Rule` `Targets`
      `Arn`; `aws_cloudwatch_event_target` `arn`): EventBridge writes to CloudWatch Logs
      targets through a resource policy, never through a role (a target `RoleArn` is not
      used for log groups); `events.amazonaws.com` (or `delivery.logs.amazonaws.com`,
      which the console's policy also admits) needs `logs:CreateLogStream` and
      `logs:PutLogEvents` on the group;
    * a Route 53 query logging configuration (`AWS::Route53::HostedZone`
      `QueryLoggingConfig`; `aws_route53_query_log`): `route53.amazonaws.com` needs the
      same two actions (and the group must be in us-east-1).

    Resource policies (`AWS::Logs::ResourcePolicy`, `aws_cloudwatch_log_resource_policy`)
    apply to the whole account and region; they are evaluated together as resource
    policies (`Principal`, `Resource`, conditions: `aws:SourceArn` is the rule's ARN, or
    unknown for a hosted zone; `aws:SourceAccount` and the organization keys are known
    only at deployment, so a condition on them is never a denial). The stream the service
    writes to is its own choice; stream names contain no `:` and no `*`, so when no
    `Resource` of the policies names log streams every stream of the group is decided
    alike (`arn:aws:logs:*:*:log-group:/aws/events/*` cannot reach another group through
    the stream name). An error when the input
    has resource policies and none admits the service for this group; a warning when the
    input has none (the account may have one that was created elsewhere, such as by the
    console). Reported on the delivering resource (the rule, or in Terraform the
    `aws_cloudwatch_event_target`; the hosted zone or `aws_route53_query_log`), naming the
    log group when the input declares it.

    **Why monitoring goes silent.** The console creates this policy without a word;
    infrastructure code does not. EventBridge drops every event it cannot deliver, and
    only the rule's `FailedInvocations` metric shows it; Route 53 refuses to create the
    query logging configuration, or (when the policy is removed later) stops logging.

    **Failing example (CloudFormation).**
    ```yaml
    AuditLogs:
      Type: AWS::Logs::LogGroup
      Properties:
        LogGroupName: /aws/events/audit
    AuditRule:
      Type: AWS::Events::Rule
      Properties:
        EventPattern: {source: [aws.ec2]}
        Targets:
          - Id: logs
            Arn: !GetAtt AuditLogs.Arn
    ```

    **Fix (CloudFormation).**
    ```yaml
    EventsToLogs:
      Type: AWS::Logs::ResourcePolicy
      Properties:
        PolicyName: events-to-logs
        PolicyDocument: !Sub >-
          {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
           "Principal": {"Service": ["events.amazonaws.com", "delivery.logs.amazonaws.com"]},
           "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
           "Resource": "${AuditLogs.Arn}"}]}
    ```

    **Fix (Terraform).** An `aws_cloudwatch_log_resource_policy` whose `policy_document`
    has the statement above, with `Resource` the group's ARN followed by `:*`.
    """

    id = "CWL022"
    name = "log-delivery-policy-missing"
    title = "No CloudWatch Logs resource policy admits a service that delivers logs"
    severity = ERROR
    ensures = "Ensure a log group resource policy admits the AWS service delivering to it"
    reports_on = ResourceTypes(("AWS::Events::Rule", "AWS::Route53::HostedZone"),
                               ("aws_cloudwatch_event_target", "aws_route53_query_log"))

    def subjects(self, model: Model) -> Iterable[str]:
        """The EventBridge rules (targets) and query logging configurations that write to
        a log group."""
        return list(dict.fromkeys(d.location.resource for d in model.log_deliveries))

    def check(self, model: Model) -> Iterable[Finding]:
        for delivery in model.log_deliveries:
            yield from self._check(model, delivery)

    def _check(self, model: Model, delivery: LogDelivery) -> Iterable[Finding]:
        location = delivery.location.at(delivery.line)
        what = delivery.what or WHAT[delivery.service]
        principals = PRINCIPALS[delivery.service]
        group = _show(delivery, model)
        related: list[Related] = []
        if delivery.group is not None:
            related.append(Related.of(model.log_groups[delivery.group].location))
        fix = Fix((CreateLogResourcePolicy(f"{short_name(delivery.id)}-log-delivery", ({
            "Effect": "Allow",
            "Principal": {"Service": principals[0] if len(principals) == 1
                          else list(principals)},
            "Action": list(ACTIONS), "Resource": _grant(delivery)},)),))
        if not model.log_resource_policies:
            yield with_fix(Finding.at(
                location, self.id, WARNING,
                f"{what} {delivery.id} writes to log group {group}, but no CloudWatch Logs "
                f"resource policy in this input lets {' or '.join(principals)} write to it "
                "(the account may have one created elsewhere)", tuple(related)), fix)
            return
        related += [Related.of(p.location) for p in model.log_resource_policies]
        results = [_decision(delivery, model, principal) for principal in principals]
        decisions = [decision for decision, _ in results]
        if ALLOWED in decisions:
            return
        if UNKNOWN in decisions:
            reasons = sorted({r for _, found in results for r in found})
            yield Finding.at(
                location, self.id, INFO,
                f"cannot tell whether the CloudWatch Logs resource policies of this input let "
                f"{' or '.join(principals)} write to log group {group} for {what} "
                f"{delivery.id}: " + "; ".join(reasons), tuple(related))
            return
        yield with_fix(Finding.at(
            location, self.id, self.severity,
            f"{what} {delivery.id} writes to log group {group}, but no CloudWatch Logs "
            f"resource policy of this input lets {' or '.join(principals)} call "
            f"{' and '.join(ACTIONS)} on it", tuple(related)), fix)


def _decision(delivery: LogDelivery, model: Model, principal: str
              ) -> tuple[str, tuple[str, ...]]:
    """ALLOWED when the policies together let ``principal`` call every action, UNKNOWN
    when they may, else the first denial."""
    context: dict[str, object] = {k: Unknown(f"{k} is known only at deployment")
                                  for k in UNKNOWN_KEYS}
    source = delivery.source_arn
    context["aws:SourceArn"] = (source if isinstance(source, str) and source else
                                source if isinstance(source, Unknown) else
                                Unknown("the source ARN is not known statically"))
    policies = [p.policy for p in model.log_resource_policies]
    stream_unknown = Unknown(STREAM_REASON)
    found = _evaluate(delivery, policies, context, principal,
                      concat([delivery.group_arn, ":log-stream:", stream_unknown]))
    if found[0] == UNKNOWN and STREAM_REASON in found[1] and \
            not _names_streams(policies):
        # Stream names hold no ':' or '*', and no Resource of these policies names a
        # stream: any stream name the service picks is decided alike.
        found = _evaluate(delivery, policies, context, principal,
                          concat([delivery.group_arn, ":log-stream:", ANY_STREAM]))
    return found


def _names_streams(policies: list[Policy]) -> bool:
    return any("log-stream:" in str(resource) for policy in policies
               for statement in policy.statements
               for resource in (statement.raw_resources or ()))


def _evaluate(delivery: LogDelivery, policies: list[Policy], context: dict[str, object],
              principal: str, stream: StrValue) -> tuple[str, tuple[str, ...]]:
    results = set()
    reasons: list[str] = []
    for action in ACTIONS:
        request = Request(action, stream, normalize_context(context),
                          Principal("Service", principal))
        decision = evaluate(request, policies)
        results.add(decision.decision)
        reasons += decision.unknown_reasons
    if results == {ALLOWED}:
        return ALLOWED, ()
    if results <= {ALLOWED, UNKNOWN}:
        return UNKNOWN, tuple(reasons)
    return next(r for r in results if r not in (ALLOWED, UNKNOWN)), ()


def _show(delivery: LogDelivery, model: Model) -> str:
    if delivery.group is not None:
        name = model.log_groups[delivery.group].name
        return f"{delivery.group} ({_text(name)})"
    if isinstance(delivery.group_arn, Unknown):
        return f"whose ARN is not known statically ({delivery.group_arn.reason})"
    return _text(delivery.group_arn)


def _grant(delivery: LogDelivery) -> str:
    return _text(concat([delivery.group_arn, ":*"]))


def _text(value: StrValue) -> str:
    return value if isinstance(value, str) else str(value)
