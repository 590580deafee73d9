"""The identity rules CWL001-CWL008 on CloudFormation/SAM fixtures, through the installed
``cwlint scan --format json`` command.

Every fixture under ``fixtures/cfn/cwl00N/`` is a named scenario: ``fail-*`` (the rule
fires), ``pass-*`` (the fixed template: no finding from any rule), ``near-miss-*`` (what a
naive rule would flag and cwlint must not) and ``unknown-*`` (a value that cannot be known
statically: at most an info finding). For each file the test asserts the exact set of
findings, as (rule_id, severity, resource, line), the words each message must contain,
and that each fix is scoped: a namespace condition, a log-group or parameter ARN, never a
wildcard action.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures" / "cfn"
LOGS = "arn:aws:logs:us-east-1:123456789012:log-group:"


@dataclass(frozen=True)
class Expected:
    rule_id: str
    severity: str
    resource: str
    line: int
    words: tuple[str, ...] = ()  # must appear in the message
    fix: tuple[str, ...] = ()  # must appear in the fix (None for an info finding)
    not_words: tuple[str, ...] = ()  # must not appear in the message


def cwl001(resource: str, line: int, role: str, namespace: str) -> Expected:
    return Expected(
        "CWL001", "error", resource, line,
        (resource, f"role {role}", "cloudwatch:PutMetricData", f"namespace {namespace}"),
        ('"cloudwatch:namespace": "' + namespace + '"',),
    )


EXPECTED: dict[str, list[Expected]] = {
    # --- CWL001 metrics-publish-denied ------------------------------------------------
    "cwl001/fail-env-namespace.yaml": [cwl001("OrdersFunction", 20, "OrdersRole", "Orders")],
    "cwl001/fail-metadata-namespace.yaml": [
        cwl001("PaymentsFunction", 25, "PaymentsRole", "Payments")],
    "cwl001/fail-inline-code.yaml": [
        cwl001("InventoryFunction", 22, "InventoryRole", "Inventory")],
    "cwl001/fail-alarm-dimension.yaml": [
        cwl001("ShippingFunction", 23, "ShippingRole", "Shipping")],
    "cwl001/fail-sam-implicit-role.yaml": [
        Expected("CWL001", "error", "OrdersFunction", 7,
                 ("OrdersFunction", "role OrdersFunctionRole", "cloudwatch:PutMetricData",
                  "namespace Orders"),
                 ("the Policies of OrdersFunction", '"cloudwatch:namespace": "Orders"'))],
    "cwl001/pass-env-namespace.yaml": [],
    "cwl001/pass-sam-policy-template.yaml": [],
    "cwl001/near-miss-emf-powertools.yaml": [],
    "cwl001/near-miss-separate-policy.yaml": [],
    "cwl001/near-miss-no-metric-signal.yaml": [],
    "cwl001/unknown-namespace-parameter.yaml": [
        Expected("CWL001", "info", "OrdersFunction", 37,
                 ("cannot tell", "role OrdersRole", "cloudwatch:PutMetricData",
                  "parameter MetricsNamespace has no default"))],
    # --- CWL002 metrics-namespace-mismatch --------------------------------------------
    "cwl002/fail-case-only.yaml": [
        Expected("CWL002", "error", "OrdersFunction", 35,
                 ("OrdersFunction", "'orders'", "role OrdersRole", "cloudwatch:PutMetricData",
                  "StringEquals cloudwatch:namespace", "Orders", "PublishOrdersMetrics",
                  "differ only in letter case"),
                 ('"cloudwatch:namespace": "orders"',))],
    "cwl002/fail-other-namespace.yaml": [
        Expected("CWL002", "error", "BillingFunction", 34,
                 ("BillingFunction", "'Billing'", "role BillingRole",
                  "cloudwatch:PutMetricData", "Orders"),
                 ('"cloudwatch:namespace": "Billing"',),
                 ("letter case",))],
    "cwl002/pass-namespace-matches.yaml": [],
    "cwl002/near-miss-stringlike-wildcard.yaml": [],
    # --- CWL003 log-stream-arn-missing ------------------------------------------------
    "cwl003/fail-bare-log-group.yaml": [
        Expected("CWL003", "error", "AppRole", 17,
                 ("write-app-logs", "AppRole", "logs:PutLogEvents", "logs:CreateLogStream",
                  f"{LOGS}/myapp/orders,", "log-stream"),
                 (f"{LOGS}/myapp/orders:*",))],
    "cwl003/pass-stream-wildcard.yaml": [],
    "cwl003/near-miss-getatt-arn.yaml": [],
    "cwl003/near-miss-prefix-star.yaml": [],
    # --- CWL004 workload-logs-denied --------------------------------------------------
    "cwl004/fail-bare-group-arn.yaml": [
        Expected("CWL003", "error", "OrdersRole", 22,
                 ("function-logs", "logs:PutLogEvents", f"{LOGS}/aws/lambda/orders,"),
                 (f"{LOGS}/aws/lambda/orders:*",)),
        Expected("CWL004", "error", "OrdersFunction", 35,
                 ("OrdersFunction", "role OrdersRole", "logs:CreateLogStream",
                  "logs:PutLogEvents", "/aws/lambda/orders"),
                 (f'"Resource": "{LOGS}/aws/lambda/orders:*"',),
                 ("logs:CreateLogGroup",)),
    ],
    "cwl004/fail-other-log-group.yaml": [
        Expected("CWL004", "error", "OrdersFunction", 30,
                 ("OrdersFunction", "role OrdersRole", "logs:CreateLogStream",
                  "logs:PutLogEvents", "logs:CreateLogGroup", "/aws/lambda/orders",
                  "not declared"),
                 (f'"Resource": "{LOGS}/aws/lambda/orders:*"',))],
    "cwl004/fail-logging-config.yaml": [
        Expected("CWL004", "error", "OrdersFunction", 34,
                 ("OrdersFunction", "role OrdersRole", "logs:PutLogEvents", "/myapp/orders"),
                 (f'"Resource": "{LOGS}/myapp/orders:*"',),
                 ("logs:CreateLogGroup", "/aws/lambda/"))],
    "cwl004/fail-undeclared-needs-create.yaml": [
        Expected("CWL004", "error", "OrdersFunction", 30,
                 ("OrdersFunction", "role OrdersRole", "logs:CreateLogGroup",
                  "/aws/lambda/orders-handler", "not declared"),
                 (f'"Resource": "{LOGS}/aws/lambda/orders-handler:*"',),
                 ("logs:PutLogEvents", "logs:CreateLogStream"))],
    "cwl004/pass-stream-arn.yaml": [],
    "cwl004/pass-logging-config.yaml": [],
    "cwl004/near-miss-declared-log-group.yaml": [],
    # --- CWL005 agent-permissions-missing ---------------------------------------------
    # The agent's configuration is not in these templates: what every configuration needs
    # (PutMetricData) is an error, what depends on it (logs, dimensions) info at most.
    "cwl005/fail-no-instance-profile.yaml": [
        Expected("CWL005", "error", "WebServer", 6,
                 ("EC2 instance WebServer", "has no instance profile",
                  "cloudwatch:PutMetricData"),
                 ("IamInstanceProfile", '"cloudwatch:namespace": "CWAgent"',
                  "CloudWatchAgentServerPolicy"),
                 ("ec2:DescribeTags", "logs:"))],
    "cwl005/fail-profile-without-agent-policy.yaml": [
        Expected("CWL005", "error", "WebServer", 27,
                 ("EC2 instance WebServer", "role WebServerRole", "cloudwatch:PutMetricData"),
                 ("role WebServerRole", '"cloudwatch:namespace": "CWAgent"',
                  "CloudWatchAgentServerPolicy"),
                 ("logs:", "ec2:")),
        Expected("CWL005", "info", "WebServer", 27,
                 ("may need", "logs:CreateLogStream", "logs:CreateLogGroup",
                  "ec2:DescribeVolumes", "configuration cwlint cannot read"))],
    "cwl005/fail-launch-template.yaml": [
        Expected("CWL005", "error", "WorkerLaunchTemplate", 40,
                 ("launch template WorkerLaunchTemplate", "role WorkerRole",
                  "cloudwatch:PutMetricData"),
                 ('"cloudwatch:namespace": "CWAgent"', "CloudWatchAgentServerPolicy"),
                 ("logs:", "ec2:")),
        Expected("CWL005", "info", "WorkerLaunchTemplate", 40,
                 ("may need", "ec2:DescribeTags", "ec2:DescribeVolumes"), (), ("logs:",))],
    "cwl005/pass-agent-server-policy.yaml": [],
    "cwl005/pass-launch-template.yaml": [],
    "cwl005/near-miss-no-agent-no-profile.yaml": [],
    # --- CWL006 agent-config-parameter-denied -----------------------------------------
    "cwl006/fail-custom-parameter.yaml": [
        Expected("CWL006", "error", "WebServer", 27,
                 ("EC2 instance WebServer", "role WebServerRole", "ssm:GetParameter",
                  "/myapp/cw-config"),
                 ('"Resource": "arn:aws:ssm:us-east-1:123456789012:parameter/myapp/cw-config"',
                  ))],
    "cwl006/fail-parameter-resource-ref.yaml": [
        Expected("CWL006", "error", "WebServer", 33,
                 ("EC2 instance WebServer", "role WebServerRole", "ssm:GetParameter",
                  "/myapp/cw-config"),
                 ('"Resource": "arn:aws:ssm:us-east-1:123456789012:parameter/myapp/cw-config"',
                  ))],
    "cwl006/near-miss-amazoncloudwatch-parameter.yaml": [],
    "cwl006/pass-parameter-granted.yaml": [],
    # --- CWL007 monitoring-explicitly-denied ------------------------------------------
    "cwl007/fail-permissions-boundary.yaml": [
        Expected("CWL007", "error", "OrdersFunction", 50,
                 ("OrdersFunction", "role OrdersRole", "cloudwatch:PutMetricData",
                  "permissions boundary DeveloperBoundary"),
                 ("permissions boundary DeveloperBoundary", '"cloudwatch:namespace": "Orders"'))],
    "cwl007/fail-explicit-deny.yaml": [
        Expected("CWL007", "error", "OrdersFunction", 41,
                 ("OrdersFunction", "role OrdersRole", "cloudwatch:PutMetricData",
                  "Deny NoCloudWatchWrites", "guard-rails"),
                 ("NoCloudWatchWrites", '"cloudwatch:namespace": ["Orders"]'))],
    "cwl007/pass-permissions-boundary.yaml": [],
    "cwl007/near-miss-deny-other-namespace.yaml": [],
    "cwl007/near-miss-deny-without-allow.yaml": [
        Expected("CWL001", "error", "OrdersFunction", 32,
                 ("OrdersFunction", "role OrdersRole", "no Allow", "cloudwatch:PutMetricData",
                  "namespace Orders", "Deny NoCloudWatchChanges"),
                 ('"cloudwatch:namespace": "Orders"', "narrow Deny NoCloudWatchChanges"))],
    # --- CWL008 unknown-monitoring-action ---------------------------------------------
    "cwl008/fail-put-metrics-data.yaml": [
        Expected("CWL008", "error", "ReporterRole", 17,
                 ("publish-metrics", "ReporterRole", "cloudwatch:PutMetricsData",
                  "did you mean cloudwatch:PutMetricData?"),
                 ("cloudwatch:PutMetricsData -> cloudwatch:PutMetricData",))],
    "cwl008/fail-put-log-event.yaml": [
        Expected("CWL008", "error", "OrdersLogsPolicy", 20,
                 ("orders-logs", "logs:PutLogEvent ", "did you mean logs:PutLogEvents?"),
                 ("logs:PutLogEvent -> logs:PutLogEvents",)),
        Expected("CWL004", "error", "OrdersFunction", 39,
                 ("OrdersFunction", "role OrdersRole", "logs:PutLogEvents",
                  "/aws/lambda/orders"),
                 (f'"Resource": "{LOGS}/aws/lambda/orders:*"',),
                 ("logs:CreateLogStream", "logs:CreateLogGroup")),
    ],
    "cwl008/pass-put-log-events.yaml": [],
    "cwl008/near-miss-wildcard-and-case.yaml": [],
}


def cwlint(*args: str) -> subprocess.CompletedProcess[str]:
    command = [str(Path(sys.executable).with_name("cwlint")), *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=60, cwd=ROOT)


@cache
def scan(name: str) -> tuple[int, dict[str, Any]]:
    result = cwlint("scan", "--format", "json", f"fixtures/cfn/{name}")
    assert result.returncode in (0, 1), result.stderr
    return result.returncode, json.loads(result.stdout)


def fixture_names() -> list[str]:
    return sorted(str(p.relative_to(FIXTURES)) for p in FIXTURES.glob("cwl00[1-8]/*.yaml"))


def statements_in(fix: str) -> list[dict[str, Any]]:
    """The JSON policy statements written out in a fix text."""
    decoder = json.JSONDecoder()
    found: list[dict[str, Any]] = []
    for start in (m.start() for m in re.finditer(r"\[\{", fix)):
        try:
            value, _ = decoder.raw_decode(fix, start)
        except json.JSONDecodeError:
            continue
        found.extend(s for s in value if isinstance(s, dict) and "Effect" in s)
    return found


def test_every_fixture_has_expectations() -> None:
    assert fixture_names() == sorted(EXPECTED)
    for rule in range(1, 9):
        names = [n for n in EXPECTED if n.startswith(f"cwl00{rule}/")]
        assert any("/fail-" in n for n in names), rule
        assert any("/pass-" in n for n in names), rule
        assert any("/near-miss-" in n for n in names), rule
        assert all(any(e.rule_id == f"CWL00{rule}" for e in EXPECTED[n])
                   for n in names if "/fail-" in n), rule


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_says_what_scenario_it_is(name: str) -> None:
    text = (FIXTURES / name).read_text()
    match = re.search(r"^Description:(?: >-\n((?:  .*\n)+)| (.+)$)", text, re.MULTILINE)
    assert match is not None, "the fixture must start with a Description"
    description = " ".join(line.strip() for line in (match.group(1) or match.group(2)).splitlines())
    kind = name.split("/")[1].split("-")[0]
    rule = name.split("/")[0].upper()
    assert description.startswith(rule), description
    assert {"fail": "fails", "pass": "passes", "near": "near miss",
            "unknown": "unknown"}[kind] in description


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_exact_findings(name: str) -> None:
    code, report = scan(name)
    expected = EXPECTED[name]
    findings = report["findings"]
    assert report["errors"] == []
    got = sorted((f["rule_id"], f["severity"], f["resource"], f["line"]) for f in findings)
    want = sorted((e.rule_id, e.severity, e.resource, e.line) for e in expected)
    assert got == want, json.dumps(findings, indent=1)
    assert code == (1 if any(e.severity == "error" for e in expected) else 0)
    for finding in findings:
        assert finding["file"] == f"fixtures/cfn/{name}"
        match = next(e for e in expected if (e.rule_id, e.severity, e.resource, e.line)
                     == (finding["rule_id"], finding["severity"], finding["resource"],
                         finding["line"]))
        for word in match.words:
            assert word in finding["message"], (word, finding["message"])
        for word in match.not_words:
            assert word not in finding["message"], (word, finding["message"])


@pytest.mark.parametrize("name", sorted(n for n, e in EXPECTED.items() if e))
def test_fix_is_present_and_scoped(name: str) -> None:
    _, report = scan(name)
    expected = EXPECTED[name]
    for finding in report["findings"]:
        fix = finding["fix"]
        if finding["severity"] == "info":
            assert fix is None  # nothing definite to fix: it says what is unknown
            continue
        assert fix, finding
        match = next(e for e in expected if (e.rule_id, e.resource, e.severity) ==
                     (finding["rule_id"], finding["resource"], finding["severity"]))
        for word in match.fix:
            assert word in fix, (word, fix)
        assert "cloudwatch:*" not in fix and '"logs:*"' not in fix
        for statement in statements_in(fix):
            actions = statement["Action"]
            actions = [actions] if isinstance(actions, str) else actions
            assert all("*" not in a for a in actions), statement
            if "cloudwatch:PutMetricData" in actions:
                assert "cloudwatch:namespace" in statement["Condition"]["StringEquals"]
            if any(a.startswith("logs:") for a in actions):
                assert statement["Resource"].startswith(LOGS), statement
                assert "log-stream:" not in statement["Resource"], statement


@pytest.mark.parametrize("name", sorted(n for n in EXPECTED if "/fail-" in n))
def test_related_names_the_role(name: str) -> None:
    """Workload findings point at the workload and name its role in ``related``."""
    _, report = scan(name)
    for finding in report["findings"]:
        if finding["rule_id"] in ("CWL003", "CWL008") or "no instance profile" in (
            finding["message"]
        ):
            assert finding["related"] == []
            continue
        role = re.search(r"role (\w+)", finding["message"])
        assert role is not None
        assert role.group(1) in {r["resource"] for r in finding["related"]} or (
            # SAM's generated role lives on the function itself
            finding["resource"] in {r["resource"] for r in finding["related"]}
        )
