"""Findings speak the user's own language: a finding on Terraform (a module or a plan)
never names a CloudFormation type, property or intrinsic function in its message or fix,
and one on CloudFormation never names a Terraform resource type or argument.

Every twin of every scenario is scanned (``cwlint scan --format json``, as the snapshot
tests scan them), with the Terraform plans made by real Terraform beside them.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cwlint.fixes import FIELDS
from tests.fixture_layout import FIXTURES, ROOT, Twin, all_twins
from tests.scenario_scan import scan

#: Values that are the same in both languages although they look like CloudFormation
#: types: the resource types an OAM link shares (``resource_types`` in Terraform too).
SHARED_VALUES = ("AWS::CloudWatch::Metric", "AWS::Logs::LogGroup", "AWS::XRay::Trace",
                 "AWS::ApplicationInsights::Application", "AWS::InternetMonitor::Monitor",
                 "AWS::ApplicationSignals::Service",
                 "AWS::ApplicationSignals::ServiceLevelObjective")

#: Property names a message or fix could use, besides those of FIELDS.
CFN_PROPERTIES = (
    "Properties", "PolicyDocument", "VpcConfig", "SubnetIds", "LoggingConfig",
    "MapPublicIpOnLaunch", "AssociatePublicIpAddress", "AssignPublicIp", "ZipFile",
    "InlineCode", "UserData", "LogConfiguration", "DefaultSecurityGroup", "GroupId",
    "SourceSecurityGroupId", "DestinationSecurityGroupId", "CidrIp", "IpProtocol",
    "FromPort", "ToPort", "MetricTransformations", "ServiceName", "VpcEndpointType",
    "ManagedPolicyArns", "AssumeRolePolicyDocument", "PermissionsBoundary",
    "SecurityGroupIngress", "SecurityGroupEgress", "KmsKeyId", "KmsMasterKeyId",
    "InsufficientDataActions", "AlarmActions", "LogGroupArn", "TaskRoleArn",
)
CFN_WORDS = re.compile(
    r"AWS::[A-Za-z0-9]+::[A-Za-z0-9]+|AWS::(?:Region|AccountId|Partition|StackName|URLSuffix)"
    r"|Fn::|!Ref\b|!GetAtt\b|!Sub\b|(?<![\w:])(?:"
    + "|".join(sorted({re.escape(s.cloudformation.split(".")[0]) for s in FIELDS.values()}
                      - {"Policy", "Namespace"} | set(CFN_PROPERTIES)))
    + r")\b")

#: Terraform arguments a message or fix could use, besides those of FIELDS (plain
#: English words such as ``policy`` and ``name`` are left out).
TF_ARGUMENTS = (
    "jsonencode", "vpc_config", "subnet_ids", "assign_public_ip", "map_public_ip_on_launch",
    "associate_public_ip_address", "cidr_blocks", "from_port", "to_port",
    "log_configuration", "user_data", "metric_transformation", "security_groups",
    "kms_key_id", "kms_master_key_id", "alarm_actions", "insufficient_data_actions",
    "container_definitions", "logging_config", "default_security_group_id",
)
TF_WORDS = re.compile(
    r"\baws_[a-z0-9_]+|\bresource \"|\b(?:"
    + "|".join(sorted({re.escape(s.terraform.split(".")[0]) for s in FIELDS.values()
                       if "_" in s.terraform} | set(TF_ARGUMENTS)))
    + r")\b")


def _twins(kinds: tuple[str, ...]) -> list[Twin]:
    found = [t for t in all_twins() if t.kind in kinds]
    if "plan" in kinds:  # plans of the syntax fixtures, made by real Terraform
        found += [Twin(p) for p in sorted((FIXTURES / "terraform" / "plan-real").glob("*.json"))]
    return found


def _texts(twin: Twin) -> list[tuple[str, str]]:
    report = scan(twin.argument)
    found = []
    for finding in report["findings"] + report.get("suppressed", []):
        where = f"{finding['rule_id']} on {finding['resource']}"
        found.append((f"{where} message", finding["message"]))
        if finding.get("fix"):
            found.append((f"{where} fix", finding["fix"]))
    return found


def _strip_shared(text: str) -> str:
    for value in SHARED_VALUES:
        text = text.replace(value, "")
    return text


def _words(pattern: re.Pattern[str], texts: list[tuple[str, str]]) -> list[str]:
    return [f"{what}: {match.group(0)!r} in {text!r}" for what, text in texts
            for match in [pattern.search(_strip_shared(text))] if match is not None]


@pytest.mark.parametrize("twin", _twins(("terraform", "plan")), ids=lambda t: t.argument)
def test_terraform_findings_name_no_cloudformation_word(twin: Twin) -> None:
    assert _words(CFN_WORDS, _texts(twin)) == []


@pytest.mark.parametrize("twin", _twins(("template",)), ids=lambda t: t.argument)
def test_cloudformation_findings_name_no_terraform_word(twin: Twin) -> None:
    assert _words(TF_WORDS, _texts(twin)) == []


def test_the_word_lists_catch_the_other_language() -> None:
    """The patterns find what they are meant to (a test of the test)."""
    assert CFN_WORDS.search("(no SecurityGroupIds: the VPC default)")
    assert CFN_WORDS.search("Type: AWS::IAM::Policy")
    assert CFN_WORDS.search("RoleName: !Ref AppRole")
    assert not CFN_WORDS.search(_strip_shared('resource_types = ["AWS::CloudWatch::Metric"]'))
    assert TF_WORDS.search('resource "aws_iam_role_policy" "app" {')
    assert TF_WORDS.search("(no security_group_ids: the VPC default)")
    assert TF_WORDS.search("set private_dns_enabled")
    assert not TF_WORDS.search("the policy of endpoint MonitoringEndpoint")
    assert Path(ROOT / "fixtures").is_dir()
