"""The CloudWatch agent and the network, as AWS software behaves, through the installed
``cwlint scan --format json`` command on every twin of each scenario.

Each scenario directory ``fixtures/<rule>/<scenario>/`` holds a CloudFormation twin
(``template.yaml``), a Terraform twin (``terraform/``) and, made from it with real
Terraform, a plan twin (``plan.json``). Every twin must give exactly the findings listed
(rule id, severity, resource) and each error's message its words, and no finding may hold
the words it must not. The semantics checked:

* the CloudWatch agent calls what its configuration uses (read from an SSM parameter,
  user data or cfn-init when the input holds it); without it only PutMetricData is
  certain, the rest is info; the legacy awslogs agent; launch configurations;
* the awslogs log driver creates only a group that is missing;
* an internet-gateway route needs a public IP (Lambda never, ECS with AssignPublicIp,
  instances by their interface, the subnet or an Elastic IP);
* signal 5: a role that names cloudwatch:PutMetricData publishes metrics;
* a private hosted zone for the service's name stands in for private DNS.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"

Row = tuple[str, str, str]  # rule id, severity, resource


@dataclass(frozen=True)
class Scenario:
    cfn: list[Row]
    tf: list[Row] | None  # None: no Terraform twin (cfn-init has none)
    words: dict[str, tuple[str, ...]] = field(default_factory=dict)  # per rule, errors
    not_words: tuple[str, ...] = ()  # in no finding's message
    plan: bool = True  # a plan twin exists


SCENARIOS: dict[str, Scenario] = {
    # --- the CloudWatch agent and the legacy CloudWatch Logs agent (CWL005) -------------
    "cwl005/near-miss-agent-config-declared-group": Scenario([], []),
    "cwl005/fail-agent-config-ssm-retention-asg": Scenario(
        [("CWL005", "error", "WorkerLaunchTemplate")],
        [("CWL005", "error", "aws_launch_template.worker")],
        {"CWL005": ("logs:CreateLogGroup", "logs:DescribeLogGroups", "logs:PutRetentionPolicy",
                    "ec2:DescribeTags", "/app/application", "its configuration: the value of")},
        ("ec2:DescribeVolumes", "logs:DescribeLogStreams", "cloudwatch:PutMetricData",
         "logs:PutLogEvents")),
    "cwl005/near-miss-agent-config-not-in-input": Scenario(
        [("CWL005", "info", "WebServer")], [("CWL005", "info", "aws_instance.web")],
        not_words=("cloudwatch:PutMetricData", "ssm:GetParameter")),
    "cwl005/fail-launch-configuration-awslogs-no-profile": Scenario(
        [("CWL005", "error", "AppLaunchConfig")],
        [("CWL005", "error", "aws_launch_configuration.app")],
        {"CWL005": ("launch configuration", "has no instance profile", "logs:CreateLogGroup",
                    "logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams")},
        ("cloudwatch:PutMetricData",)),
    "cwl005/fail-awslogs-role-without-create-group": Scenario(
        [("CWL005", "error", "WebServer")], [("CWL005", "error", "aws_instance.web")],
        {"CWL005": ("logs:CreateLogGroup", "logs:DescribeLogStreams", "/app/secure",
                    "awslogs")},
        ("logs:PutLogEvents to", "cloudwatch:PutMetricData")),
    "cwl005/pass-launch-configuration-agent-policy": Scenario([], []),
    "cwl005/near-miss-ecs-instance-awslogs-driver": Scenario([], []),
    "cwl005/near-miss-agent-cfn-init-metrics-only": Scenario([], None, plan=False),
    # --- the awslogs log driver (CWL021) -------------------------------------------------
    "cwl021/near-miss-create-group-declared": Scenario([], []),
    "cwl021/fail-create-group-not-declared": Scenario(
        [("CWL021", "error", "AppTask")], [("CWL021", "error", "aws_ecs_task_definition.app")],
        {"CWL021": ("logs:CreateLogGroup", "/ecs/app")}),
    # --- the agent's configuration decides its endpoints (CWL010) ------------------------
    "cwl010/fail-agent-config-dimension-no-ec2-endpoint": Scenario(
        [("CWL010", "error", "WebServer")], [("CWL010", "error", "aws_instance.web")],
        {"CWL010": ("com.amazonaws.us-east-1.ec2", "AutoScalingGroupName")},
        ("com.amazonaws.us-east-1.logs", "com.amazonaws.us-east-1.monitoring")),
    "cwl010/near-miss-agent-config-metrics-only-endpoint": Scenario([], []),
    # --- public IPs (CWL010) -------------------------------------------------------------
    "cwl010/fail-lambda-internet-gateway-subnet": Scenario(
        [("CWL010", "error", "AppFunction")], [("CWL010", "error", "aws_lambda_function.app")],
        {"CWL010": ("internet gateway", "public IP", "com.amazonaws.us-east-1.monitoring")}),
    "cwl010/fail-fargate-internet-gateway-no-public-ip": Scenario(
        [("CWL010", "error", "AppTask")], [("CWL010", "error", "aws_ecs_task_definition.app")],
        {"CWL010": ("public IP", "com.amazonaws.us-east-1.logs")}),
    "cwl010/near-miss-fargate-public-ip": Scenario([], []),
    "cwl010/fail-instance-internet-gateway-no-public-ip": Scenario(
        [("CWL010", "error", "WebServer")], [("CWL010", "error", "aws_instance.web")],
        {"CWL010": ("public IP", "com.amazonaws.us-east-1.monitoring",
                    "com.amazonaws.us-east-1.logs")}),
    "cwl010/near-miss-instance-subnet-maps-public-ip": Scenario([], []),
    "cwl010/near-miss-instance-elastic-ip": Scenario([], []),
    "cwl010/fail-launch-template-interface-no-public-ip": Scenario(
        [("CWL010", "error", "WorkerLaunchTemplate")],
        [("CWL010", "error", "aws_launch_template.worker")],
        {"CWL010": ("launch template", "public IP", "com.amazonaws.us-east-1.monitoring")}),
    "cwl010/unknown-launch-configuration-public-ip-parameter": Scenario([], [], plan=False),
    # --- signal 5 (CWL010) ---------------------------------------------------------------
    "cwl010/fail-role-grants-put-metric-data": Scenario(
        [("CWL010", "error", "AppFunction")], [("CWL010", "error", "aws_lambda_function.app")],
        {"CWL010": ("com.amazonaws.us-east-1.monitoring",
                    "its role grants cloudwatch:PutMetricData for namespace Orders")},
        ("com.amazonaws.us-east-1.logs",)),
    "cwl010/near-miss-role-wildcard-grant": Scenario([], []),
    # --- private hosted zones (CWL011, CWL010) ------------------------------------------
    "cwl011/near-miss-hub-private-hosted-zone": Scenario([], []),
    "cwl011/fail-private-hosted-zone-other-region": Scenario(
        [("CWL010", "error", "AppFunction"), ("CWL011", "error", "MonitoringEndpoint")],
        [("CWL010", "error", "aws_lambda_function.app"),
         ("CWL011", "error", "aws_vpc_endpoint.monitoring")],
        {"CWL011": ("private DNS disabled",),
         "CWL010": ("com.amazonaws.us-east-1.monitoring",)}),
}


def twins(name: str) -> list[tuple[str, str, list[Row]]]:
    """(kind, path relative to the project, expected rows) for each twin of a scenario."""
    scenario = SCENARIOS[name]
    found = [("cfn", f"fixtures/{name}/template.yaml", scenario.cfn)]
    if scenario.tf is not None:
        found.append(("hcl", f"fixtures/{name}/terraform", scenario.tf))
        if scenario.plan:
            found.append(("plan", f"fixtures/{name}/plan.json", scenario.tf))
    return found


@cache
def scan(path: str) -> tuple[int, dict[str, Any]]:
    result = subprocess.run(
        [sys.executable, "-m", "cwlint", "scan", path, "--format", "json"],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode in (0, 1), result.stderr
    return result.returncode, json.loads(result.stdout)


CASES = [(name, kind, path, rows) for name in sorted(SCENARIOS)
         for kind, path, rows in twins(name)]


def test_every_scenario_has_its_twins() -> None:
    for name in SCENARIOS:
        for _kind, path, _rows in twins(name):
            assert (ROOT / path).exists(), path


@pytest.mark.parametrize(("name", "kind", "path", "expected"), CASES,
                         ids=[f"{c[0]}:{c[1]}" for c in CASES])
def test_findings(name: str, kind: str, path: str, expected: list[Row]) -> None:
    code, report = scan(path)
    scenario = SCENARIOS[name]
    assert report["errors"] == []
    got = sorted((f["rule_id"], f["severity"], f["resource"]) for f in report["findings"])
    assert got == sorted(expected), json.dumps(report["findings"], indent=1)
    assert code == (1 if any(r[1] == "error" for r in expected) else 0)
    for finding in report["findings"]:
        if finding["severity"] == "error":
            for word in scenario.words.get(finding["rule_id"], ()):
                assert word in finding["message"], (word, finding["message"])
            assert finding["fix"], finding
        for word in scenario.not_words:
            assert word not in finding["message"], (word, finding["message"])
        if kind != "plan":
            assert finding["line"] is not None, finding


@pytest.mark.parametrize("name", sorted(n for n in SCENARIOS
                                        if SCENARIOS[n].tf is not None and SCENARIOS[n].plan))
def test_plan_twin_agrees_with_its_configuration(name: str) -> None:
    """Both Terraform front ends build the same model: the same findings, messages and
    related resources."""
    def shown(path: str) -> list[tuple[str, str, str, str, list[str]]]:
        return sorted((f["rule_id"], f["severity"], f["resource"], f["message"],
                       [r["resource"] for r in f["related"]])
                      for f in scan(path)[1]["findings"])
    assert shown(f"fixtures/{name}/terraform") == shown(f"fixtures/{name}/plan.json")


def test_fixture_says_what_scenario_it_is() -> None:
    for name in SCENARIOS:
        scenario_kind = name.split("/")[1].split("-")[0]
        word = {"fail": "fails", "pass": "passes", "near": "near miss",
                "unknown": "unknown"}[scenario_kind]
        rule = name.split("/")[0].upper()
        template = (FIXTURES / name / "template.yaml").read_text()
        assert f"{rule} {word} - " in template, name
        terraform = FIXTURES / name / "terraform" / "main.tf"
        if terraform.exists():
            assert terraform.read_text().startswith(f"# {rule} {word} - "), name
