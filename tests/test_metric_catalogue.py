"""CWL040 (scope), CWL041 (log groups, service roles), CWL042 and CWL043 on their
fixtures: each scenario's CloudFormation template, Terraform module and Terraform plan
(made with real terraform) through ``cwlint scan --format json``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"

# scenario -> [(rule, severity, CloudFormation resource, Terraform address)]; findings at
# info level are left out (they are not warnings or errors).
EXPECTED: dict[str, list[tuple[str, str, str, str]]] = {
    "cwl040/fail-agent-namespace": [
        ("CWL040", "warning", "MemoryAlarm", "aws_cloudwatch_metric_alarm.memory")],
    "cwl040/near-miss-metric-filter": [],
    "cwl040/near-miss-glue-namespace": [],
    "cwl040/pass-insufficient-data-action": [],
    "cwl041/fail-log-group-aws-prefix": [
        ("CWL041", "error", "AppLogs", "aws_cloudwatch_log_group.app"),
        ("CWL041", "error", "Worker", "aws_ecs_task_definition.worker")],
    "cwl041/near-miss-aws-lambda-slash": [],
    "cwl041/near-miss-kendra-index-role": [],
    "cwl042/fail-aws-managed-key": [
        ("CWL042", "error", "AlarmTopic", "aws_sns_topic.alarms")],
    "cwl042/fail-key-policy-root-only": [
        ("CWL042", "error", "AlarmTopic", "aws_sns_topic.alarms")],
    "cwl042/fail-topic-policy-events-only": [
        ("CWL042", "error", "AlarmTopic", "aws_sns_topic.alarms")],
    "cwl042/pass-key-and-topic-policy": [],
    "cwl042/near-miss-managed-key-no-alarm": [],
    "cwl043/fail-aws-metric-case": [
        ("CWL043", "warning", "ErrorsAlarm", "aws_cloudwatch_metric_alarm.errors")],
    # the alarm's metric has no publisher in the input, so CWL040 sees it too
    "cwl043/fail-filter-name-watched": [
        ("CWL040", "warning", "ErrorAlarm", "aws_cloudwatch_metric_alarm.errors"),
        ("CWL043", "warning", "ErrorAlarm", "aws_cloudwatch_metric_alarm.errors")],
    "cwl043/near-miss-filter-metric": [],
    "cwl043/pass-aws-metric": [],
}

TWINS = ("template.yaml", "terraform", "plan.json")


def scan(target: Path) -> list[dict[str, object]]:
    result = subprocess.run([sys.executable, "-m", "cwlint", "scan", "--format", "json",
                             "--fail-on", "never", str(target)],
                            capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert not data["errors"], data["errors"]
    return data["findings"]


@pytest.mark.parametrize("twin", TWINS)
@pytest.mark.parametrize("scenario", sorted(EXPECTED))
def test_scenario(scenario: str, twin: str) -> None:
    directory = FIXTURES / scenario
    assert directory.name.startswith(("fail-", "pass-", "near-miss-", "unknown-"))
    target = directory / twin
    assert target.exists(), target
    found = sorted((f["rule_id"], f["severity"], f["resource"]) for f in scan(target)
                   if f["severity"] != "info")
    column = 2 if twin == "template.yaml" else 3
    wanted = sorted((rule, severity, row[column])
                    for row in EXPECTED[scenario] for rule, severity in [row[:2]])
    assert found == wanted
    if directory.name.startswith("fail-"):
        assert wanted
    else:
        assert not wanted


def test_related_names_the_alarms_and_the_near_miss() -> None:
    (topic,) = scan(FIXTURES / "cwl042" / "fail-aws-managed-key" / "template.yaml")
    assert "CpuAlarm" in topic["message"] and "alias/aws/sns" in topic["message"]
    assert [r["resource"] for r in topic["related"]] == ["CpuAlarm"]
    found = [f for f in scan(FIXTURES / "cwl043" / "fail-filter-name-watched" / "terraform")
             if f["rule_id"] == "CWL043"]
    assert "ErrorCount" in found[0]["message"]
    assert [r["resource"] for r in found[0]["related"]] == [
        "aws_cloudwatch_log_metric_filter.errors"]


def test_the_metric_catalogue_covers_aws_namespaces_by_name_only() -> None:
    from cwlint.rules.cwl043_alarm_metric_not_published import metric_catalogue

    catalogue = metric_catalogue()
    assert len(catalogue) >= 50 and all(ns.startswith("AWS/") for ns in catalogue)
    assert {"Errors", "Invocations", "Throttles", "Duration"} <= catalogue["AWS/Lambda"]
    assert "ApproximateAgeOfOldestMessage" in catalogue["AWS/SQS"]
