"""The service rules CWL020, CWL021, CWL030, CWL040 and CWL041 on CloudFormation
fixtures, through the installed ``cwlint scan --format json`` command."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"

EXPECTED: dict[str, list[tuple[str, str, str, int, tuple[str, ...]]]] = {
    "cwl020-fail-root-only.yaml": [
        ("CWL020", "error", "AppLogGroup", 20,
         ("LogsKey", "logs.us-east-1.amazonaws.com", "kms:GenerateDataKey"))],
    "cwl020-fail-context-other-group.yaml": [
        ("CWL020", "error", "AppLogGroup", 28, ("LogsKey", "kms:Decrypt"))],
    "cwl020-fail-asymmetric.yaml": [("CWL020", "error", "AppLogGroup", 30, ("RSA_2048",))],
    "cwl020-pass-logs-principal.yaml": [],
    "cwl020-near-miss-key-outside.yaml": [],
    "cwl021-fail-create-group.yaml": [
        ("CWL021", "error", "TaskDefinition", 24,
         ("ExecutionRole", "logs:CreateLogGroup", "log-group:/ecs/orders:*"))],
    "cwl021-fail-no-execution-role.yaml": [
        ("CWL021", "error", "TaskDefinition", 16, ("no ExecutionRoleArn",))],
    "cwl021-near-miss-ec2-no-execution-role.yaml": [
        ("CWL021", "info", "TaskDefinition", 16, ("container instance's role",))],
    "cwl021-pass-managed-policy.yaml": [],
    "cwl021-pass-create-group-granted.yaml": [],
    "cwl021-near-miss-task-role-without-logs.yaml": [],
    "cwl030-fail-no-sink-policy.yaml": [("CWL030", "error", "Sink", 5, ("no sink policy",))],
    "cwl030-fail-traces-only.yaml": [
        ("CWL030", "error", "Sink", 9, ("AWS::CloudWatch::Metric", "AWS::Logs::LogGroup"))],
    "cwl030-fail-link-logs-only.yaml": [
        ("CWL030", "error", "Link", 9, ("not AWS::CloudWatch::Metric",))],
    "cwl030-pass-sink-policy.yaml": [],
    "cwl030-near-miss-link-all-types.yaml": [],
    "cwl040-fail-default-missing.yaml": [
        ("CWL040", "warning", "OrdersAlarm", 5, ("custom namespace Orders", "will not fire"))],
    "cwl040-fail-not-breaching.yaml": [
        ("CWL040", "warning", "OrdersAlarm", 15, ("notBreaching",))],
    "cwl040-fail-metric-math.yaml": [
        ("CWL040", "warning", "ErrorRateAlarm", 11, ("ignore", "Orders"))],
    "cwl040-pass-breaching.yaml": [],
    "cwl040-near-miss-aws-namespace.yaml": [],
    "cwl041-fail-aws-prefix.yaml": [
        ("CWL041", "error", "AppRole", 17, ("policy metrics of AppRole", "AWS/Orders")),
        ("CWL041", "error", "AppFunction", 27, ("AWS/Orders", "reserved"))],
    "cwl041-near-miss-aws-in-name.yaml": [],
}


def path_of(name: str) -> str:
    """``cwl010-fail-no-endpoint.yaml``: ``fixtures/cwl010/fail-no-endpoint/template.yaml``."""
    rule, scenario = name.removesuffix(".yaml").split("-", 1)
    return f"fixtures/{rule}/{scenario}/template.yaml"


def scan(name: str) -> tuple[int, dict]:
    command = [str(Path(sys.executable).with_name("cwlint")), "scan", "--format", "json",
               path_of(name)]
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert result.returncode in (0, 1), result.stderr
    return result.returncode, json.loads(result.stdout)


def test_every_fixture_has_expectations() -> None:
    rules = {n.split("-")[0] for n in EXPECTED}
    assert sorted(f"{p.parent.parent.name}-{p.parent.name}.yaml" for rule in rules
                  for p in FIXTURES.glob(f"{rule}/*/template.yaml")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_exact_findings(name: str) -> None:
    code, report = scan(name)
    findings = report["findings"]
    got = [(f["rule_id"], f["severity"], f["resource"], f["line"]) for f in findings]
    assert got == [e[:4] for e in EXPECTED[name]]
    for finding, expected in zip(findings, EXPECTED[name], strict=True):
        for word in expected[4]:
            assert word in finding["message"], (word, finding["message"])
        assert finding["fix"] or finding["severity"] == "info"
    # a warning alone does not fail the default --fail-on error
    errors = [e for e in EXPECTED[name] if e[1] == "error"]
    assert code == (1 if errors else 0)
