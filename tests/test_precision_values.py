"""Precision corrections found on real infrastructure, asserted through ``cwlint scan``.

Each scenario under ``fixtures/<cwlNNN>/<scenario>/`` holds twins: ``template.yaml``
(CloudFormation), ``terraform/`` (HCL) and ``plan.json`` (made from ``terraform/`` by real
Terraform). The real ``cwlint scan --format json`` runs on each twin; the test compares
the (rule, severity, resource) of every finding of the rules under test.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
CWLINT = Path(sys.executable).with_name("cwlint")

Expected = set[tuple[str, str, str]]

#: scenario -> twin -> expected findings (rule, severity, resource) of ``rules``
CASES: dict[str, dict[str, Expected]] = {
    # the global logs.amazonaws.com in a key policy: info, never an error
    "cwl020/unknown-global-logs-principal": {
        "template.yaml": {("CWL020", "info", "AppLogGroup")},
        "terraform": {("CWL020", "info", "aws_cloudwatch_log_group.app")},
        "plan.json": {("CWL020", "info", "aws_cloudwatch_log_group.app")},
    },
    "cwl020/fail-global-principal-describe-only": {
        "template.yaml": {("CWL020", "error", "AppLogGroup")},
        "terraform": {("CWL020", "error", "aws_cloudwatch_log_group.app")},
        "plan.json": {("CWL020", "error", "aws_cloudwatch_log_group.app")},
    },
    "cwl020/pass-regional-principal": {
        "template.yaml": set(), "terraform": set(), "plan.json": set(),
    },
    # a pattern that matches no action: info; an exact name that does not exist: error
    "cwl008/unknown-wildcard-matches-nothing": {
        "template.yaml": {("CWL008", "info", "OrdersPolicy")},
        "terraform": {("CWL008", "info", "aws_iam_policy.orders")},
        "plan.json": {("CWL008", "info", "aws_iam_policy.orders")},
    },
    "cwl008/fail-exact-name-and-wildcard": {
        "template.yaml": {("CWL008", "error", "OrdersPolicy"), ("CWL008", "info", "OrdersPolicy")},
        "terraform": {("CWL008", "error", "aws_iam_policy.orders"),
                      ("CWL008", "info", "aws_iam_policy.orders")},
        "plan.json": {("CWL008", "error", "aws_iam_policy.orders"),
                      ("CWL008", "info", "aws_iam_policy.orders")},
    },
    "cwl008/pass-wildcard-matches": {
        "template.yaml": set(), "terraform": set(), "plan.json": set(),
    },
    # organization and source-account condition keys: unknown at lint time, never absent
    "cwl030/unknown-principal-org-id": {
        "template.yaml": {("CWL030", "info", "Sink")},
        "terraform": {("CWL030", "info", "aws_oam_sink.monitoring")},
        "plan.json": {("CWL030", "info", "aws_oam_sink.monitoring")},
    },
    "cwl030/unknown-source-account": {
        "template.yaml": {("CWL030", "info", "Sink")},
        "terraform": {("CWL030", "info", "aws_oam_sink.monitoring")},
        "plan.json": {("CWL030", "info", "aws_oam_sink.monitoring")},
    },
    "cwl030/fail-org-id-traces-only": {
        "template.yaml": {("CWL030", "error", "Sink")},
        "terraform": {("CWL030", "error", "aws_oam_sink.monitoring")},
        "plan.json": {("CWL030", "error", "aws_oam_sink.monitoring")},
    },
    # a bare log-group ARN matches no stream, even when the stream's or group's name is
    # unknown (log group and stream names hold no colon)
    "cwl021/fail-bare-group-arn-unknown-stream": {
        "template.yaml": {("CWL021", "error", "OrdersTask"), ("CWL003", "error", "ExecutionRole")},
        "terraform": {("CWL021", "error", "aws_ecs_task_definition.orders"),
                      ("CWL003", "error", "aws_iam_role_policy.logs")},
        # the plan leaves the policy unknown until apply: at most info
        "plan.json": {("CWL021", "info", "aws_ecs_task_definition.orders")},
    },
    "cwl021/near-miss-group-arn-star": {
        "template.yaml": set(), "terraform": set(),
        "plan.json": {("CWL021", "info", "aws_ecs_task_definition.orders")},
    },
    "cwl003/fail-partly-known-bare-group": {
        "template.yaml": {("CWL003", "error", "AppPolicy")},
        "terraform": {("CWL003", "error", "aws_iam_policy.app")},
        "plan.json": set(),  # the plan leaves the policy unknown until apply
    },
    "cwl003/near-miss-partly-known-group-star": {
        "template.yaml": set(), "terraform": set(), "plan.json": set(),
    },
    # values the input decides: coalesce() keeps a partly known name partly known;
    # templatefile(), file(), fileset(), md5() and substr() on files inside the module
    "cwl004/fail-coalesce-partly-known-name": {
        "terraform": {("CWL004", "error", "aws_lambda_function.orders")},
        "plan.json": {("CWL004", "error", "aws_lambda_function.orders")},
    },
    "cwl004/near-miss-coalesce-partly-known-name": {"terraform": set(), "plan.json": set()},
    "cwl004/fail-policy-from-templatefile": {
        "terraform": {("CWL004", "error", "aws_lambda_function.orders"),
                      ("CWL003", "error", "aws_iam_role_policy.logs")},
        "plan.json": {("CWL004", "error", "aws_lambda_function.orders"),
                      ("CWL003", "error", "aws_iam_role_policy.logs")},
    },
    "cwl004/pass-policies-from-fileset": {"terraform": set(), "plan.json": set()},
    # never outside the module: unknown, at most info (no plan: Terraform would need the file)
    "cwl004/unknown-policy-file-outside-module": {
        "terraform": {("CWL004", "info", "aws_lambda_function.orders")},
    },
    # a role reached through a partly known name or ARN
    "cwl004/fail-role-partly-known-name": {
        "terraform": {("CWL004", "error", "aws_lambda_function.orders")},
        "plan.json": {("CWL004", "error", "aws_lambda_function.orders")},
    },
    "cwl004/pass-role-partly-known-name": {"terraform": set(), "plan.json": set()},
    # CloudFormation: a boundary that is there or not (Fn::If with AWS::NoValue)
    "cwl007/fail-conditional-boundary": {
        "template.yaml": {("CWL007", "error", "OrdersFunction")},
    },
    "cwl007/pass-conditional-boundary-allows-logs": {
        "template.yaml": set(), "terraform": set(), "plan.json": set(),
    },
    # conditions that exclude each other: impossible branches are not analysed
    "cwl004/pass-exclusive-conditions": {"template.yaml": set()},
    "cwl004/fail-conditions-both-false": {
        "template.yaml": {("CWL004", "error", "OrdersFunction")},
    },
}


def scan(path: Path) -> list[dict[str, object]]:
    result = subprocess.run([str(CWLINT), "scan", "--format", "json", "--fail-on", "never",
                             str(path)], capture_output=True, text=True, timeout=120,
                            check=False)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["errors"] == [], report["errors"]
    return report["findings"]


def twins(scenario: str) -> list[tuple[str, Expected]]:
    return sorted(CASES[scenario].items())


@pytest.mark.parametrize(("scenario", "twin", "expected"),
                         [(s, t, e) for s in sorted(CASES) for t, e in twins(s)],
                         ids=[f"{s}:{t}" for s in sorted(CASES) for t, _ in twins(s)])
def test_scenario(scenario: str, twin: str, expected: Expected) -> None:
    path = FIXTURES / scenario / twin
    assert path.exists(), path
    rule = scenario.split("/", 1)[0].upper()
    rules = {rule, "CWL004", "CWL007"} | {r for r, _, _ in expected}
    found = {(str(f["rule_id"]), str(f["severity"]), str(f["resource"]))
             for f in scan(path) if f["rule_id"] in rules}
    assert found == expected


def test_every_scenario_directory_is_asserted() -> None:
    """A twin added to one of these scenarios without an expectation fails here."""
    for scenario in CASES:
        present = {p.name for p in (FIXTURES / scenario).iterdir()
                   if p.name in ("template.yaml", "template.json", "terraform", "plan.json")}
        assert present == set(CASES[scenario]), scenario
