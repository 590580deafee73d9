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
