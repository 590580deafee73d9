"""The network rules CWL010–CWL014 on CloudFormation fixtures, through the installed
``cwlint scan --format json`` command: each fixture's exact findings, and the words
that make a message useful (the service, the subnet, the groups)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"

EXPECTED: dict[str, list[tuple[str, str, str, int, tuple[str, ...]]]] = {
    "cwl010-fail-no-endpoint.yaml": [
        ("CWL010", "error", "AppFunction", 59,
         ("subnet PrivateSubnet", "VPC Vpc", "com.amazonaws.us-east-1.monitoring"))],
    "cwl010-fail-logs-endpoint-only.yaml": [
        ("CWL010", "error", "AppFunction", 78, ("com.amazonaws.us-east-1.monitoring",))],
    "cwl010-fail-fargate-logs.yaml": [
        ("CWL010", "error", "TaskDefinition", 41,
         ("ECS task definition TaskDefinition", "com.amazonaws.us-east-1.logs"))],
    "cwl010-fail-agent-ssm-config-no-ssm-endpoint.yaml": [
        ("CWL010", "error", "AgentInstance", 82,
         ("EC2 instance AgentInstance", "com.amazonaws.us-east-1.ssm",
          "reads its configuration from Parameter Store"))],
    # the agent calls the EC2 API only for dimensions its configuration asks for
    "cwl010-near-miss-agent-no-ec2-endpoint.yaml": [],
    "cwl010-near-miss-nat-subnet.yaml": [],
    "cwl010-near-miss-own-logs-only.yaml": [],
    "cwl010-pass-endpoint.yaml": [],
    "cwl011-fail-private-dns-off.yaml": [
        ("CWL011", "error", "MonitoringEndpoint", 37, ("private DNS disabled",))],
    "cwl012-fail-port-80-only.yaml": [
        ("CWL012", "error", "MonitoringEndpoint", 43,
         ("EndpointSecurityGroup", "AppSecurityGroup", "10.0.1.0/24", "TCP 443"))],
    "cwl012-fail-other-cidr.yaml": [
        ("CWL012", "error", "MonitoringEndpoint", 43, ("EndpointSecurityGroup",))],
    "cwl012-fail-default-group.yaml": [
        ("CWL012", "error", "MonitoringEndpoint", 27, ("VPC default", "AppSecurityGroup"))],
    "cwl012-near-miss-all-ports-from-vpc-cidr.yaml": [],
    "cwl013-fail-egress-80-only.yaml": [
        ("CWL013", "error", "AppFunction", 83,
         ("AppSecurityGroup", "outbound TCP 443", "endpoint MonitoringEndpoint"))],
    "cwl013-pass-separate-egress-rule.yaml": [],
    "cwl014-fail-policy-read-only.yaml": [
        ("CWL014", "error", "MonitoringEndpoint", 44,
         ("cloudwatch:PutMetricData", "AppFunction"))],
    "cwl014-pass-policy-allows-put.yaml": [],
}


def path_of(name: str) -> str:
    """``cwl010-fail-no-endpoint.yaml``: ``fixtures/cwl010/fail-no-endpoint/template.yaml``."""
    rule, scenario = name.removesuffix(".yaml").split("-", 1)
    return f"fixtures/{rule}/{scenario}/template.yaml"


def scan(name: str) -> dict:
    command = [str(Path(sys.executable).with_name("cwlint")), "scan", "--format", "json",
               path_of(name)]
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout)


def test_every_fixture_has_expectations() -> None:
    rules = {n.split("-")[0] for n in EXPECTED}
    assert sorted(f"{p.parent.parent.name}-{p.parent.name}.yaml" for rule in rules
                  for p in FIXTURES.glob(f"{rule}/*/template.yaml")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_exact_findings(name: str) -> None:
    findings = scan(name)["findings"]
    got = [(f["rule_id"], f["severity"], f["resource"], f["line"]) for f in findings]
    assert got == [e[:4] for e in EXPECTED[name]]
    for finding, expected in zip(findings, EXPECTED[name], strict=True):
        for word in expected[4]:
            assert word in finding["message"], (word, finding["message"])
        assert finding["fix"]


def test_the_agent_is_not_asked_for_an_ec2_endpoint() -> None:
    """DescribeTags / DescribeVolumes serve only dimensions the agent's configuration asks
    for, which cwlint does not read: an endpoint for them is never demanded."""
    (finding,) = scan("cwl010-fail-agent-ssm-config-no-ssm-endpoint.yaml")["findings"]
    assert ".ec2" not in finding["message"] and ".ec2" not in finding["fix"]
