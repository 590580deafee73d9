"""CWL030 oam-sharing-incomplete."""

from __future__ import annotations

from collections.abc import Iterable

from cwlint.findings import ERROR, INFO, Finding, Related
from cwlint.fixes import AddToList, Advice, Fix
from cwlint.iam.evaluator import ALLOWED, UNKNOWN, Principal, Request, evaluate, lint_context
from cwlint.iam.patterns import Mode, match
from cwlint.iam.policy import Policy
from cwlint.iam.tri import Tri, tri_any
from cwlint.model import Model, OamSink
from cwlint.rules.base import ResourceTypes, Rule
from cwlint.rules.fixing import with_fix

METRIC = "AWS::CloudWatch::Metric"
LOG_GROUP = "AWS::Logs::LogGroup"
SHARED = (METRIC, LOG_GROUP)
TYPES_KEY = "oam:ResourceTypes"


class OamSharingIncomplete(Rule):
    """CloudWatch cross-account observability that shares no metrics or logs: an OAM sink
    without a sink policy, a sink policy that allows `oam:CreateLink` to no principal or
    not for metrics/log groups, or a link whose `ResourceTypes` leave out
    `AWS::CloudWatch::Metric` or `AWS::Logs::LogGroup`.

    **Why monitoring goes silent.** The monitoring account's dashboards and alarms read
    the source accounts' data through the link; a link that cannot be created, or that
    shares only traces, leaves them empty.

    Organization and source-account condition keys (`aws:PrincipalOrgID`,
    `aws:PrincipalOrgPaths`, `aws:ResourceOrgID`, `aws:SourceAccount`, `aws:SourceOrgID`)
    are known only when a source account creates its link: a sink policy that depends on
    them is reported as info, never as an error.

    **Failing example (CloudFormation).**
    ```yaml
    Link:
      Type: AWS::Oam::Link
      Properties:
        LabelTemplate: "$AccountName"
        ResourceTypes: [AWS::XRay::Trace]   # no metrics, no log groups
        SinkIdentifier: arn:aws:oam:us-east-1:111111111111:sink/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d
    ```

    **Fix (CloudFormation).**
    ```yaml
    Sink:
      Type: AWS::Oam::Sink
      Properties:
        Name: monitoring
        Policy:
          Version: "2012-10-17"
          Statement:
            - Effect: Allow
              Principal: {AWS: ["111111111111"]}
              Action: [oam:CreateLink, oam:UpdateLink]
              Resource: "*"
              Condition:
                ForAllValues:StringEquals:
                  oam:ResourceTypes: [AWS::CloudWatch::Metric, AWS::Logs::LogGroup]
    Link:
      Type: AWS::Oam::Link
      Properties:
        ResourceTypes: [AWS::CloudWatch::Metric, AWS::Logs::LogGroup]
    ```

    **Fix (Terraform).** `aws_oam_sink_policy` with the statement above, and
    `resource_types` on the `aws_oam_link`.
    """

    id = "CWL030"
    name = "oam-sharing-incomplete"
    title = "Cross-account observability shares no metrics or logs"
    severity = ERROR
    ensures = "Ensure cross-account observability shares metrics and log groups"
    reports_on = ResourceTypes(("AWS::Oam::Sink", "AWS::Oam::Link"),
                               ("aws_oam_sink", "aws_oam_link"))

    def check(self, model: Model) -> Iterable[Finding]:
        for sink in model.oam_sinks.values():
            yield from self._check_sink(model, sink)
        for link in model.oam_links.values():
            if not isinstance(link.resource_types, list):
                continue
            known = [t for t in link.resource_types if isinstance(t, str)]
            if len(known) < len(link.resource_types):
                continue
            omitted = [t for t in SHARED if t not in known]
            if omitted:
                yield with_fix(Finding.at(
                    link.location.at(link.resource_types_line), self.id, self.severity,
                    f"OAM link {link.id} shares {', '.join(known) or 'nothing'} but not "
                    + " or ".join(omitted),
                ), Fix((AddToList(link.id, "oam_link.resource_types", tuple(omitted)),)))

    def _check_sink(self, model: Model, sink: OamSink) -> Iterable[Finding]:
        if sink.policy is None:
            yield with_fix(Finding.at(
                sink.location, self.id, self.severity,
                f"OAM sink {sink.id} has no sink policy, so no source account can link to it",
            ), Fix((Advice(f"Give {sink.id} a sink policy allowing oam:CreateLink and "
                           "oam:UpdateLink to the source accounts or organization"),)))
            return
        principals = _link_principals(sink.policy)
        if principals is None:
            return  # the policy could not be resolved
        location = sink.location.at(sink.policy_line)
        if not principals:
            yield with_fix(Finding.at(
                location, self.id, self.severity,
                f"the sink policy of {sink.id} allows oam:CreateLink to no principal",
            ), Fix((Advice("Allow oam:CreateLink and oam:UpdateLink to the source accounts "
                           "(Principal AWS) or organization in the sink policy"),)))
            return
        refused, unknown = [], []
        for resource_type in SHARED:
            decisions = set()
            for principal in principals:
                request = Request("oam:CreateLink", sink.arn or "*",
                                  lint_context({TYPES_KEY: [resource_type]}), principal)
                decisions.add(evaluate(request, [sink.policy]).decision)
            if ALLOWED in decisions:
                continue
            (unknown if UNKNOWN in decisions else refused).append(resource_type)
        links = [link for link in model.oam_links.values() if link.sink == sink.id]
        related = tuple(Related.of(x.location) for x in links)
        if len(refused) == len(SHARED):
            yield with_fix(Finding.at(
                location, self.id, self.severity,
                f"the sink policy of {sink.id} admits no source account for "
                f"{METRIC} or {LOG_GROUP}", related,
            ), Fix((Advice(f"Allow oam:ResourceTypes {METRIC} and {LOG_GROUP} in the sink "
                           "policy's condition"),)))
        elif len(refused) + len(unknown) == len(SHARED):
            yield Finding.at(location, self.id, INFO,
                             f"cannot tell whether the sink policy of {sink.id} admits source "
                             f"accounts for {' or '.join(unknown)}: its conditions depend on "
                             "the caller's organization or account, known only when the link "
                             "is created", related)


def _link_principals(policy: Policy) -> list[Principal] | None:
    """Principals that an Allow for oam:CreateLink names (probes for the evaluator)."""
    principals: list[Principal] = []
    for statement in policy.statements:
        if statement.unknown is not None:
            return None
        if statement.effect != "Allow" or statement.actions is None:
            continue
        if tri_any(match(p, "oam:CreateLink", Mode.ACTION) for p in statement.actions) \
                is not Tri.YES:
            continue
        for entry in statement.principals or ():
            if not isinstance(entry.value, str):
                return None
            if entry.kind == "*" or entry.value == "*":
                principals.append(Principal("AWS", "arn:aws:iam::111111111111:root",
                                            "111111111111"))
            elif entry.kind == "AWS":
                account = entry.value if entry.value.isdigit() else entry.value.split(":")[4] \
                    if entry.value.count(":") >= 4 else None
                if account:
                    principals.append(Principal("AWS", f"arn:aws:iam::{account}:root", account))
    return principals
