"""Ranking the causes, and the fixes: every fix is checked with the cwlint IAM evaluator."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Any

import pytest
import yaml

from cwlint.diagnose.causes import Cause
from cwlint.diagnose.diagnosis import Diagnosis, diagnose
from cwlint.diagnose.fixes import NetworkIds, endpoint_fix, identity_policy_fix, statement
from cwlint.diagnose.incident import AccessDenied
from cwlint.diagnose.rule_ids import rule_name
from cwlint.iam.evaluator import Layer, Principal, Request, evaluate, normalize_context
from cwlint.iam.policy import parse_policy
from cwlint.rules import RULES_BY_ID

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures" / "diagnose"
ROLE = "arn:aws:sts::123456789012:assumed-role/app-role/session-1"
INSTANCE_ROLE = "arn:aws:sts::123456789012:assumed-role/web-role/i-0abc123def4567890"
STREAM = "arn:aws:logs:us-east-1:123456789012:log-group:/app/web:log-stream:web-1"
KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
READ_VERBS = ("get-", "list-", "describe-", "simulate-")


class TagLoader(yaml.SafeLoader):
    """Reads CloudFormation short tags (!Ref, !Sub) as plain values."""


TagLoader.add_multi_constructor("!", lambda loader, suffix, node: loader.construct_scalar(node))


def one(text: str) -> Diagnosis:
    result = diagnose(text)
    assert len(result.diagnoses) == 1
    return result.diagnoses[0]


def ids(diagnosis: Diagnosis) -> list[str]:
    return [c.rule_id or c.name for c in diagnosis.causes]


def denied(action: str, resource: str | None = None, clause: str = "",
           principal: str = ROLE, prefix: str = "") -> str:
    on = f" on resource: {resource}" if resource else ""
    return f"{prefix}User: {principal} is not authorized to perform: {action}{on} {clause}"


def allows(document: dict[str, Any], incident: AccessDenied, *, resource_policy: bool = False,
           context: dict[str, Any] | None = None) -> str:
    policy = parse_policy(document, "fix", require_resource=not resource_policy)
    principal = incident.principal
    who = Principal("AWS", principal.role_arn or principal.arn, principal.account) \
        if principal else None
    request = Request(incident.action, incident.resource or "*", normalize_context(context),
                      who)
    return evaluate(request, [policy]).decision


# --- the issue's two messages --------------------------------------------------------------


def test_issue_put_metric_data_ranking_and_fix() -> None:
    diagnosis = one((FIXTURES / "issue-put-metric-data.txt").read_text())
    assert ids(diagnosis) == ["CWL001", "CWL005", "CWL002", "CWL008", "CWL007", "CWL014"]
    assert diagnosis.workload.kind == "ec2"
    top = diagnosis.causes[0]
    assert top.likelihood == "likely"
    assert top.fix is not None
    assert top.fix.policy == {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "cloudwatch:PutMetricData", "Resource": "*"}]}
    cfn = yaml.safe_load(top.fix.cloudformation or "")
    resource = cfn["MyAppRoleCloudwatchMetricsPolicy"]
    assert resource["Type"] == "AWS::IAM::Policy"
    assert resource["Properties"]["Roles"] == ["my-app-role"]
    assert resource["Properties"]["PolicyDocument"] == top.fix.policy
    terraform = top.fix.terraform or ""
    assert terraform.startswith('resource "aws_iam_role_policy" "my_app_role_cloudwatch_metrics"')
    assert 'role   = "my-app-role"' in terraform
    assert 'Action   = "cloudwatch:PutMetricData"' in terraform
    incident = diagnosis.incident
    assert isinstance(incident, AccessDenied)
    assert allows(top.fix.policy, incident) == "allowed"
    assert any(c.startswith("aws ec2 describe-instances --instance-ids i-0abc123def456")
               for c in top.checks)
    assert ("aws iam simulate-principal-policy --policy-source-arn "
            "arn:aws:iam::123456789012:role/my-app-role --action-names cloudwatch:PutMetricData "
            "--resource-arns '*'") in " ".join(top.checks)


def test_issue_lambda_put_log_events_ranking_and_fix() -> None:
    diagnosis = one((FIXTURES / "issue-lambda-put-log-events.txt").read_text())
    assert ids(diagnosis) == ["CWL004", "CWL003", "CWL008", "CWL007", "CWL014"]
    assert (diagnosis.workload.kind, diagnosis.workload.name) == ("lambda", "my-function")
    top = diagnosis.causes[0]
    assert top.fix is not None and top.fix.policy is not None
    assert top.fix.policy["Statement"] == [{
        "Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
        "Resource": "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/my-function:*"}]
    incident = diagnosis.incident
    assert isinstance(incident, AccessDenied)
    assert allows(top.fix.policy, incident) == "allowed"
    # the resource holds "$": quoted for the shell, so it survives copy and paste
    simulate = next(c for c in top.checks if "simulate-principal-policy" in c)
    assert shlex.split(simulate)[shlex.split(simulate).index("--resource-arns") + 1] == \
        incident.resource
    assert "'arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/my-function:log-stream:" \
           "2026/05/24/[$LATEST]abc123'" in simulate


# --- every identity fix grants the denied request -------------------------------------------


FIXABLE = [
    denied("cloudwatch:PutMetricData", "*"),
    denied("logs:PutLogEvents", STREAM),
    denied("logs:CreateLogStream", STREAM, principal=INSTANCE_ROLE),
    denied("logs:CreateLogGroup", "arn:aws:logs:us-east-1:123456789012:log-group:/app/web:"
           "log-stream:"),
    denied("logs:DescribeLogStreams", "arn:aws:logs:us-east-1:123456789012:log-group:/app/web:"
           "log-stream:", principal=INSTANCE_ROLE),
    denied("ssm:GetParameter", "arn:aws:ssm:us-east-1:123456789012:parameter/agent/config"),
    denied("ec2:DescribeTags", "*", principal=INSTANCE_ROLE),
    denied("kms:Decrypt", KEY),
    denied("logs:PutLogEvents", STREAM, principal="arn:aws:iam::123456789012:user/ops/alice"),
]


@pytest.mark.parametrize("text", FIXABLE)
def test_every_identity_fix_allows_the_request(text: str) -> None:
    diagnosis = one(text)
    incident = diagnosis.incident
    assert isinstance(incident, AccessDenied)
    checked = 0
    for cause in diagnosis.causes:
        if cause.rule_id in ("CWL007", "CWL014") or cause.fix is None:
            continue
        assert cause.fix.policy is not None
        context = {"cloudwatch:namespace": "YOUR_NAMESPACE"}
        assert allows(cause.fix.policy, incident, context=context) == "allowed", cause.name
        cfn = yaml.safe_load(cause.fix.cloudformation or "")
        (body,) = cfn.values()
        assert body["Properties"]["PolicyDocument"] == cause.fix.policy
        checked += 1
    assert checked


def test_user_fix_attaches_to_the_user() -> None:
    diagnosis = one(denied("logs:PutLogEvents", STREAM,
                           principal="arn:aws:iam::123456789012:user/ops/alice"))
    fix = diagnosis.causes[0].fix
    assert fix is not None
    assert (fix.terraform or "").startswith('resource "aws_iam_user_policy"')
    (body,) = yaml.safe_load(fix.cloudformation or "").values()
    assert body["Properties"]["Users"] == ["alice"]


def test_terraform_escapes_template_sequences() -> None:
    fix = identity_policy_fix("x", None, [statement(
        ["s3:GetObject"], "arn:aws:s3:::bucket/${aws:username}/%{x}")], "s3-access")
    assert "$${aws:username}/%%{x}" in (fix.terraform or "")
    assert 'role   = "ROLE_NAME"' in (fix.terraform or "")


# --- the reason clause decides the layer ---------------------------------------------------


@pytest.mark.parametrize(("clause", "expected"), [
    ("because no identity-based policy allows the cloudwatch:PutMetricData action",
     ["CWL001", "CWL002", "CWL008"]),
    ("with an explicit deny in an identity-based policy", ["CWL007"]),
    ("with an explicit deny in a service control policy", ["CWL007"]),
    ("because no service control policy allows the cloudwatch:PutMetricData action",
     ["CWL007"]),
    ("because no permissions boundary allows the cloudwatch:PutMetricData action", ["CWL007"]),
    ("with an explicit deny in a permissions boundary", ["CWL007"]),
    ("because no session policy allows the cloudwatch:PutMetricData action", ["CWL007"]),
    ("because no VPC endpoint policy allows the cloudwatch:PutMetricData action", ["CWL014"]),
    ("with an explicit deny in a VPC endpoint policy", ["CWL014"]),
    ("with an explicit deny in a VPC endpoint policy transitively through a service control "
     "policy", ["CWL007"]),
    ("with an explicit deny in a resource-based policy", ["resource-policy-denies"]),
    ("because no resource-based policy allows the cloudwatch:PutMetricData action",
     ["resource-policy-denies"]),
    ("", ["CWL001", "CWL002", "CWL008", "CWL007", "CWL014"]),
    ("because no magic policy allows the cloudwatch:PutMetricData action",
     ["CWL001", "CWL002", "CWL008", "CWL007", "CWL014"]),
])
def test_reason_decides_the_layer(clause: str, expected: list[str]) -> None:
    assert ids(one(denied("cloudwatch:PutMetricData", "*", clause))) == expected


def test_explicit_deny_fix_names_no_statement_but_says_how() -> None:
    diagnosis = one(denied("cloudwatch:PutMetricData", "*",
                           "with an explicit deny in a service control policy: arn:aws:"
                           "organizations::111122223333:policy/o-abc/service_control_policy/"
                           "p-1"))
    cause = diagnosis.causes[0]
    assert cause.fix is not None and cause.fix.policy is None
    assert "remove the Deny" in cause.fix.summary
    assert "arn:aws:organizations::111122223333:policy/o-abc/service_control_policy/p-1" in \
        cause.summary
    assert any("organizations list-policies-for-target --target-id 123456789012" in c
               for c in cause.checks)


def test_boundary_fix_is_a_statement_the_boundary_must_allow() -> None:
    diagnosis = one(denied("logs:PutLogEvents", STREAM, "because no permissions boundary "
                           "allows the logs:PutLogEvents action"))
    cause = diagnosis.causes[0]
    assert cause.rule_id == "CWL007" and cause.fix is not None and cause.fix.policy is not None
    incident = diagnosis.incident
    assert isinstance(incident, AccessDenied)
    allow_all = parse_policy({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "*", "Resource": "*"}]}, "identity")
    boundary = parse_policy(cause.fix.policy, "boundary")
    request = Request(incident.action, incident.resource or "*", {})
    assert evaluate(request, [allow_all], [Layer("permissions_boundary", (boundary,))]).allowed
    assert yaml.safe_load(cause.fix.cloudformation or "") == cause.fix.policy["Statement"]
    assert "statement {" in (cause.fix.terraform or "")


def test_endpoint_policy_fix_is_a_resource_policy_statement() -> None:
    diagnosis = one(denied("cloudwatch:PutMetricData", "*", "because no VPC endpoint policy "
                           "allows the cloudwatch:PutMetricData action"))
    cause = diagnosis.causes[0]
    assert cause.fix is not None and cause.fix.policy is not None
    assert cause.fix.policy["Statement"][0]["Principal"] == "*"
    incident = diagnosis.incident
    assert isinstance(incident, AccessDenied)
    assert allows(cause.fix.policy, incident, resource_policy=True) == "allowed"
    assert "principals {" in (cause.fix.terraform or "")
    assert any("describe-vpc-endpoints" in c and "com.amazonaws.REGION.monitoring" in c
               for c in cause.checks)


# --- the action and the workload decide the rule --------------------------------------------


@pytest.mark.parametrize(("text", "expected_first"), [
    (denied("logs:PutLogEvents", STREAM, principal=INSTANCE_ROLE), ["CWL005", "CWL003"]),
    (denied("logs:PutLogEvents", STREAM), ["CWL003", "CWL004", "CWL005", "CWL021"]),
    (denied("logs:CreateLogGroup", "arn:aws:logs:us-east-1:123456789012:log-group:/app:"
            "log-stream:"), ["CWL004", "CWL005", "CWL021"]),
    (denied("ssm:GetParameter", "arn:aws:ssm:us-east-1:123456789012:parameter/cfg"),
     ["CWL006"]),
    (denied("ec2:DescribeTags", "*"), ["CWL005"]),
    (denied("kms:Decrypt", KEY), ["identity-policy-missing-allow"]),
    (denied("cloudwatch:PutMetricData", "*", prefix="2026-05-24T08:00:00Z E! cloudwatch: "
            "code: AccessDenied, message: "), ["CWL005", "CWL008"]),
])
def test_action_and_workload(text: str, expected_first: list[str]) -> None:
    found = ids(one(text))
    assert found[:len(expected_first)] == expected_first


def test_ecs_and_agent_fixtures() -> None:
    assert ids(one((FIXTURES / "ecs-stopped-reason.txt").read_text()))[0] == "CWL021"
    result = diagnose((FIXTURES / "cloudwatch-agent.log").read_text())
    assert [ids(d)[0] for d in result.diagnoses] == ["CWL005", "CWL010"]
    assert result.diagnoses[0].workload.agent


# --- failed connections -----------------------------------------------------------------------


TIMEOUT = 'Connect timeout on endpoint URL: "https://monitoring.us-east-1.amazonaws.com/"'


@pytest.mark.parametrize(("text", "expected"), [
    (TIMEOUT, ["CWL010", "CWL011", "CWL012", "CWL013"]),
    ('Post "https://monitoring.us-east-1.amazonaws.com/": dial tcp 10.0.3.17:443: i/o timeout',
     ["CWL012", "CWL013"]),
    ('Post "https://monitoring.us-east-1.amazonaws.com/": dial tcp 52.94.1.1:443: i/o timeout',
     ["CWL010", "CWL011", "CWL013"]),
    ('Connect timeout on endpoint URL: "https://vpce-0a1b2c3d4e5f67890-abcdefgh.monitoring.'
     'us-east-1.vpce.amazonaws.com/"', ["CWL012", "CWL013"]),
    ('dial tcp: lookup logs.us-east-1.amazonaws.com on 10.0.0.2:53: no such host',
     ["vpc-dns-resolution", "CWL011"]),
    ('dial tcp: lookup monitoring.ap-norteast-1.amazonaws.com on 10.0.0.2:53: no such host',
     ["unknown-region", "vpc-dns-resolution", "CWL011"]),
])
def test_network_ranking(text: str, expected: list[str]) -> None:
    assert ids(one(text)) == expected


def test_network_fixes_are_resources() -> None:
    diagnosis = one(TIMEOUT)
    by_id = {c.rule_id: c for c in diagnosis.causes}
    endpoint = by_id["CWL010"].fix
    assert endpoint is not None and endpoint.policy is None
    cfn = yaml.load(endpoint.cloudformation or "", Loader=TagLoader)
    props = cfn["MonitoringEndpoint"]["Properties"]
    assert props["ServiceName"] == "com.amazonaws.us-east-1.monitoring"
    assert props["PrivateDnsEnabled"] is True
    assert props["VpcEndpointType"] == "Interface"
    assert 'service_name        = "com.amazonaws.us-east-1.monitoring"' in \
        (endpoint.terraform or "")
    dns = by_id["CWL011"].fix
    assert dns is not None
    assert yaml.load(dns.cloudformation or "", Loader=TagLoader)["Vpc"]["Properties"] == {
        "EnableDnsSupport": True, "EnableDnsHostnames": True}
    ingress = by_id["CWL012"].fix
    assert ingress is not None
    rule = yaml.load(ingress.cloudformation or "", Loader=TagLoader)
    assert rule["EndpointHttpsFromWorkload"]["Properties"]["FromPort"] == 443
    egress = by_id["CWL013"].fix
    assert egress is not None
    assert "aws_vpc_security_group_egress_rule" in (egress.terraform or "")


def test_live_ids_fill_the_network_fix() -> None:
    ids_ = NetworkIds("vpc-1", ("subnet-1",), ("sg-w",), None, ("sg-e",))
    fix = endpoint_fix("logs", None, ids_)
    cfn = yaml.load(fix.cloudformation or "", Loader=TagLoader)
    props = cfn["LogsEndpoint"]["Properties"]
    assert (props["VpcId"], props["SubnetIds"], props["SecurityGroupIds"]) == (
        "vpc-1", ["subnet-1"], ["sg-e"])
    assert props["ServiceName"] == "com.amazonaws.${AWS::Region}.logs"
    assert 'vpc_id              = "vpc-1"' in (fix.terraform or "")


def test_lambda_network_cause_says_an_internet_gateway_is_not_enough() -> None:
    text = ('[ERROR] ConnectTimeoutError: Connect timeout on endpoint URL: '
            '"https://monitoring.us-east-1.amazonaws.com/"')
    diagnosis = one(text)
    assert diagnosis.workload.kind == "lambda"
    assert "internet gateway is not enough" in diagnosis.causes[0].summary


# --- what every cause looks like ---------------------------------------------------------------


def all_causes() -> list[Cause]:
    texts = [denied(a, r, c) for a, r in (("cloudwatch:PutMetricData", "*"),
                                          ("logs:PutLogEvents", STREAM))
             for c in ("", "with an explicit deny in a service control policy",
                       "because no VPC endpoint policy allows the x action",
                       "because no permissions boundary allows the x action",
                       "with an explicit deny in a resource-based policy")]
    texts += [TIMEOUT, "dial tcp: lookup logs.us-east-1.amazonaws.com on 10.0.0.2:53: no such "
              "host", "dial tcp: lookup logs.xx-nowhere-9.amazonaws.com: no such host"]
    return [c for t in texts for d in diagnose(t).diagnoses for c in d.causes]


def test_rule_ids_and_names_are_the_designed_ones() -> None:
    for cause in all_causes():
        if cause.rule_id is None:
            assert cause.name in ("resource-policy-denies", "vpc-dns-resolution",
                                  "unknown-region", "identity-policy-missing-allow")
            continue
        assert RULES_BY_ID[cause.rule_id].name == cause.name


def test_an_access_denied_for_a_call_monitoring_does_not_make_is_not_diagnosed() -> None:
    s3 = denied("s3:GetObject", "arn:aws:s3:::bucket/key")
    result = diagnose(s3)
    assert result.diagnoses == []
    assert [d.action for d in result.unrelated] == ["s3:GetObject"]
    mixed = diagnose(f"{s3}\n{denied('logs:PutLogEvents', STREAM)}")
    assert [d.incident.action for d in mixed.diagnoses] == ["logs:PutLogEvents"]
    assert [d.action for d in mixed.unrelated] == ["s3:GetObject"]


def test_a_cause_citing_an_unknown_rule_id_is_a_bug_that_raises() -> None:
    with pytest.raises(KeyError, match="CWL099"):
        rule_name("CWL099")
    assert rule_name(None) is None
    assert rule_name("CWL001") == RULES_BY_ID["CWL001"].name


def test_checks_only_read() -> None:
    for cause in all_causes():
        for command in cause.checks:
            words = shlex.split(command, comments=True)
            if words[0] == "getent":
                continue
            assert words[0] == "aws", command
            assert words[2].startswith(READ_VERBS), command
