"""Every rule on Terraform HCL and on ``terraform show -json`` plans, through the installed
``cwlint scan --format json`` command.

``fixtures/terraform/hcl/<scenario>/`` is one module (a directory of ``.tf`` files);
``fixtures/terraform/plan/<scenario>.json`` is a plan written by hand in the exact shape
``terraform show -json`` prints (format_version 1.2, unknown values omitted from the
planned values and marked in ``after_unknown``). A plan and a module with the same scenario
name describe the same infrastructure and must give the same rule ids on the same
Terraform addresses. Findings point at the resource block's line in HCL and have no line
in a plan.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
HCL = ROOT / "fixtures" / "terraform" / "hcl"
PLAN = ROOT / "fixtures" / "terraform" / "plan"
ERRORS = ROOT / "fixtures" / "terraform" / "errors"

Row = tuple[str, str, str, int | None]
LAMBDA = "aws_lambda_function.orders"
APP = "aws_lambda_function.app"
ENDPOINT = "aws_vpc_endpoint.monitoring"

EXPECTED_HCL: dict[str, list[Row]] = {
    "cwl001-fail-alarm-dimension": [("CWL001", "error", LAMBDA, 21)],
    "cwl001-fail-env-namespace": [("CWL001", "error", LAMBDA, 20)],
    "cwl001-fail-inline-code": [("CWL001", "error", LAMBDA, 36)],
    "cwl001-fail-tag-namespace": [("CWL001", "error", LAMBDA, 21)],
    "cwl001-near-miss-emf-powertools": [],
    "cwl001-pass-env-namespace": [],
    "cwl001-unknown-namespace-variable": [("CWL001", "info", LAMBDA, 40)],
    "cwl002-fail-case-only": [("CWL002", "error", LAMBDA, 36)],
    "cwl002-pass-namespace-matches": [],
    "cwl003-fail-log-group-arn": [("CWL003", "error", "aws_iam_role_policy.app_logs", 27)],
    "cwl003-near-miss-prefix-star": [],
    "cwl003-pass-stream-wildcard": [],
    "cwl004-fail-logging-config": [("CWL004", "error", LAMBDA, 33)],
    "cwl004-fail-no-logs-policy": [("CWL004", "error", LAMBDA, 31)],
    "cwl004-near-miss-declared-log-group": [],
    "cwl004-pass-managed-policy-arns": [],
    # No agent configuration in the input: PutMetricData is an error, the rest info.
    "cwl005-fail-launch-template": [("CWL005", "error", "aws_launch_template.worker", 26),
                                    ("CWL005", "info", "aws_launch_template.worker", 26)],
    "cwl005-fail-no-instance-profile": [("CWL005", "error", "aws_instance.web", 3)],
    "cwl005-fail-profile-without-agent-policy": [("CWL005", "error", "aws_instance.web", 26),
                                                 ("CWL005", "info", "aws_instance.web", 26)],
    "cwl005-near-miss-no-agent-no-profile": [],
    "cwl005-pass-agent-server-policy": [],
    "cwl006-fail-custom-parameter": [("CWL006", "error", "aws_instance.web", 26)],
    "cwl006-near-miss-amazoncloudwatch-parameter": [],
    "cwl006-pass-parameter-granted": [],
    "cwl007-fail-explicit-deny": [("CWL007", "error", LAMBDA, 49)],
    "cwl007-fail-permissions-boundary": [("CWL007", "error", LAMBDA, 49)],
    "cwl007-pass-permissions-boundary": [],
    "cwl008-fail-put-metrics-data": [("CWL008", "error", "aws_iam_policy.reporter", 3)],
    "cwl008-near-miss-wildcard-and-case": [],
    "cwl008-pass-put-metric-data": [],
    "cwl010-fail-no-endpoint": [("CWL010", "error", APP, 66)],
    "cwl010-near-miss-nat-subnet": [],
    "cwl010-pass-endpoint": [],
    "cwl011-fail-private-dns-off": [("CWL011", "error", ENDPOINT, 47)],
    "cwl012-fail-default-group": [("CWL012", "error", ENDPOINT, 36)],
    "cwl012-fail-port-80-only": [("CWL012", "error", ENDPOINT, 47)],
    "cwl012-near-miss-all-ports-from-vpc-cidr": [],
    "cwl013-fail-no-egress-block": [("CWL013", "error", APP, 82)],
    "cwl013-pass-egress-rule-resource": [],
    "cwl014-fail-policy-read-only": [("CWL014", "error", ENDPOINT, 48)],
    "cwl014-pass-policy-allows-put": [],
    "cwl020-fail-default-key-policy": [("CWL020", "error", "aws_cloudwatch_log_group.app", 12)],
    "cwl020-fail-root-only": [("CWL020", "error", "aws_cloudwatch_log_group.app", 22)],
    "cwl020-pass-logs-principal": [],
    "cwl021-fail-create-group": [("CWL021", "error", "aws_ecs_task_definition.orders", 21)],
    "cwl021-fail-no-execution-role": [("CWL021", "error", "aws_ecs_task_definition.orders", 3)],
    "cwl021-near-miss-ec2-no-execution-role": [
        ("CWL021", "info", "aws_ecs_task_definition.orders", 4)],
    "cwl021-pass-managed-policy": [],
    "cwl030-fail-link-logs-only": [("CWL030", "error", "aws_oam_link.source", 25)],
    "cwl030-fail-no-sink-policy": [("CWL030", "error", "aws_oam_sink.monitoring", 3)],
    "cwl030-fail-traces-only": [("CWL030", "error", "aws_oam_sink.monitoring", 3)],
    "cwl030-pass-sink-policy": [],
    "cwl040-fail-default-missing": [
        ("CWL040", "warning", "aws_cloudwatch_metric_alarm.orders", 4)],
    "cwl040-fail-metric-math": [
        ("CWL040", "warning", "aws_cloudwatch_metric_alarm.error_rate", 3)],
    "cwl040-fail-not-breaching": [
        ("CWL040", "warning", "aws_cloudwatch_metric_alarm.orders", 3)],
    "cwl040-near-miss-aws-namespace": [],
    "cwl040-pass-breaching": [],
    "cwl041-fail-aws-prefix": [("CWL041", "error", "aws_iam_role.app", 4),
                               ("CWL041", "error", APP, 30)],
    "cwl041-near-miss-aws-in-name": [],
    # Terraform specifics: modules, count/for_each, suppressions, tfvars.
    "count-and-for-each": [("CWL010", "error", APP, 82)],
    "module-local-app": [("CWL001", "error", "module.app.aws_lambda_function.orders", 9)],
    "module-registry": [("CWL000", "info", "module.iam", 5), ("CWL001", "info", LAMBDA, 14),
                        ("CWL004", "info", LAMBDA, 14)],
    "suppression-ignore": [("CWL003", "error", "aws_iam_role_policy.audit", 23)],
    "tfvars-namespace": [("CWL002", "error", LAMBDA, 36)],
}

#: Plans: the same scenarios (same names) with no line, plus plan-only ones.
EXPECTED_PLAN: dict[str, list[Row]] = {
    **{name: [(r, s, res, None) for r, s, res, _ in rows] for name, rows in EXPECTED_HCL.items()
       if (PLAN / f"{name}.json").exists()},
    "deleted-resources-ignored": [],
    "format-0.1-terraform-0.12": [("CWL001", "error", LAMBDA, None)],
}

#: Words a message must contain (HCL and plan alike).
WORDS: dict[tuple[str, str], tuple[str, ...]] = {
    ("cwl001-fail-env-namespace", "CWL001"): (
        "Lambda function aws_lambda_function.orders", "role aws_iam_role.orders",
        "cloudwatch:PutMetricData", "namespace Orders"),
    ("cwl001-fail-alarm-dimension", "CWL001"): ("namespace Shipping",),
    ("cwl001-fail-inline-code", "CWL001"): ("namespace Inventory",),
    ("cwl001-fail-tag-namespace", "CWL001"): ("namespace Payments",),
    ("cwl001-unknown-namespace-variable", "CWL001"): ("cannot tell",
                                                      "var.metrics_namespace has no default"),
    ("cwl002-fail-case-only", "CWL002"): ("'orders'", "Orders", "differ only in letter case"),
    ("cwl003-fail-log-group-arn", "CWL003"): (
        "write-app-logs", "arn:aws:logs:us-east-1:123456789012:log-group:/myapp/orders,",
        "log stream"),
    ("cwl004-fail-logging-config", "CWL004"): ("/myapp/orders", "logs:PutLogEvents"),
    ("cwl004-fail-no-logs-policy", "CWL004"): ("/aws/lambda/orders", "logs:CreateLogGroup"),
    ("cwl005-fail-no-instance-profile", "CWL005"): ("EC2 instance aws_instance.web",
                                                    "has no instance profile"),
    ("cwl005-fail-launch-template", "CWL005"): ("launch template aws_launch_template.worker",
                                                "role aws_iam_role.web"),
    ("cwl006-fail-custom-parameter", "CWL006"): ("ssm:GetParameter", "/myapp/cw-config"),
    ("cwl007-fail-permissions-boundary", "CWL007"): (
        "permissions boundary developer-boundary",),
    ("cwl007-fail-explicit-deny", "CWL007"): ("Deny NoCloudWatchWrites", "guard-rails"),
    ("cwl008-fail-put-metrics-data", "CWL008"): (
        "cloudwatch:PutMetricsData", "did you mean cloudwatch:PutMetricData?"),
    ("cwl010-fail-no-endpoint", "CWL010"): (
        "subnet aws_subnet.private", "VPC aws_vpc.main", "com.amazonaws.us-east-1.monitoring"),
    ("count-and-for-each", "CWL010"): (
        "aws_subnet.private[0], aws_subnet.private[1]", "com.amazonaws.us-east-1.monitoring"),
    ("cwl011-fail-private-dns-off", "CWL011"): ("private DNS disabled",),
    ("cwl012-fail-default-group", "CWL012"): (
        "aws_vpc.main.default_security_group_id", "VPC default", "aws_security_group.app"),
    ("cwl012-fail-port-80-only", "CWL012"): ("aws_security_group.endpoints", "10.0.1.0/24",
                                             "TCP 443"),
    ("cwl013-fail-no-egress-block", "CWL013"): (
        "aws_security_group.app", "outbound TCP 443", "endpoint aws_vpc_endpoint.monitoring"),
    ("cwl014-fail-policy-read-only", "CWL014"): ("cloudwatch:PutMetricData",
                                                 "aws_lambda_function.app"),
    ("cwl020-fail-default-key-policy", "CWL020"): ("aws_kms_key.logs",
                                                   "logs.us-east-1.amazonaws.com"),
    ("cwl021-fail-create-group", "CWL021"): ("aws_iam_role.execution", "logs:CreateLogGroup",
                                             "log-group:/ecs/orders:*"),
    ("cwl021-fail-no-execution-role", "CWL021"): ("Fargate task definition",
                                                  "no ExecutionRoleArn"),
    ("cwl021-near-miss-ec2-no-execution-role", "CWL021"): ("container instance's role",),
    ("cwl030-fail-no-sink-policy", "CWL030"): ("no sink policy",),
    ("cwl030-fail-link-logs-only", "CWL030"): ("not AWS::CloudWatch::Metric",),
    ("cwl040-fail-default-missing", "CWL040"): ("custom namespace Orders", "will not fire"),
    ("cwl041-fail-aws-prefix", "CWL041"): ("AWS/Orders",),
    ("module-local-app", "CWL001"): ("module.app.aws_lambda_function.orders",
                                     "role aws_iam_role.orders", "namespace Orders"),
    ("module-registry", "CWL000"): ("terraform-aws-modules/iam/aws", "does not fetch"),
}

RULES = ("CWL001", "CWL002", "CWL003", "CWL004", "CWL005", "CWL006", "CWL007", "CWL008",
         "CWL010", "CWL011", "CWL012", "CWL013", "CWL014", "CWL020", "CWL021", "CWL030",
         "CWL040", "CWL041")


def cwlint(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    command = [str(Path(sys.executable).with_name("cwlint")), *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=300, cwd=cwd)


def scan(path: str) -> tuple[int, dict[str, Any]]:
    result = cwlint("scan", "--format", "json", path)
    assert result.returncode in (0, 1), result.stderr + result.stdout
    return result.returncode, json.loads(result.stdout)


@cache
def scan_tree(kind: str) -> dict[str, dict[str, Any]]:
    """One ``cwlint scan`` of every fixture directory (HCL) or plan, walked as a user would
    walk a repository, split per scenario."""
    base = HCL if kind == "hcl" else PLAN
    result = cwlint("scan", "--format", "json", "--fail-on", "never",
                    str(base.relative_to(ROOT)))
    assert result.returncode == 0, result.stderr + result.stdout
    report = json.loads(result.stdout)
    assert report["errors"] == []
    names = EXPECTED_HCL if kind == "hcl" else EXPECTED_PLAN
    assert report["summary"]["files"] == len(names)
    split: dict[str, dict[str, Any]] = {n: {"findings": [], "errors": []} for n in names}
    prefix = str(base.relative_to(ROOT)) + "/"
    for finding in report["findings"]:
        name = finding["file"][len(prefix):].split("/")[0].removesuffix(".json")
        split[name]["findings"].append(finding)
    return split


def hcl_path(name: str) -> str:
    return str((HCL / name).relative_to(ROOT))


def plan_path(name: str) -> str:
    return str((PLAN / f"{name}.json").relative_to(ROOT))


def rows(report: dict[str, Any]) -> list[Row]:
    return sorted((f["rule_id"], f["severity"], f["resource"], f["line"])
                  for f in report["findings"])


def check_words(name: str, report: dict[str, Any]) -> None:
    for finding in report["findings"]:
        for word in WORDS.get((name, finding["rule_id"]), ()):
            assert word in finding["message"], (word, finding["message"])
        if finding["severity"] != "info":
            assert finding["fix"], finding


# --- the fixtures ---------------------------------------------------------------------------


def test_every_fixture_has_expectations() -> None:
    assert sorted(p.name for p in HCL.iterdir() if p.is_dir()) == sorted(EXPECTED_HCL)
    assert sorted(p.stem for p in PLAN.glob("*.json")) == sorted(EXPECTED_PLAN)


@pytest.mark.parametrize("rule", RULES)
def test_every_rule_fails_and_passes_in_hcl_and_in_a_plan(rule: str) -> None:
    for expected in (EXPECTED_HCL, EXPECTED_PLAN):
        prefix = rule.lower() + "-"
        assert any(n.startswith(prefix + "fail-") and any(r[0] == rule for r in rows)
                   for n, rows in expected.items()), rule
        assert any(n.startswith(prefix) and not rows for n, rows in expected.items()) or (
            rule in ("CWL011", "CWL012", "CWL041")), rule


@pytest.mark.parametrize("name", sorted(n for n in EXPECTED_HCL if n.startswith("cwl")))
def test_hcl_fixture_says_what_scenario_it_is(name: str) -> None:
    first = (HCL / name / "main.tf").read_text().splitlines()[0]
    kind = name.split("-")[1]
    assert first.startswith(f"# {name.split('-')[0].upper()} "), first
    assert {"fail": "fails", "pass": "passes", "near": "near miss",
            "unknown": "unknown"}[kind] in first


@pytest.mark.parametrize("name", sorted(EXPECTED_HCL))
def test_exact_findings_hcl(name: str) -> None:
    report = scan_tree("hcl")[name]
    assert rows(report) == sorted(EXPECTED_HCL[name]), json.dumps(report["findings"], indent=1)
    for finding in report["findings"]:
        assert finding["file"].startswith(hcl_path(name) + "/")
        assert finding["file"].endswith(".tf")
        assert finding["line"] is not None
    check_words(name, report)


@pytest.mark.parametrize("name", sorted(EXPECTED_PLAN))
def test_exact_findings_plan(name: str) -> None:
    report = scan_tree("plan")[name]
    assert rows(report) == sorted(EXPECTED_PLAN[name]), json.dumps(report["findings"], indent=1)
    for finding in report["findings"]:
        assert finding["file"] == plan_path(name)
    check_words(name, report)


@pytest.mark.parametrize("name", ["cwl001-fail-env-namespace", "cwl001-pass-env-namespace",
                                  "cwl040-fail-default-missing", "module-registry"])
def test_exit_code_follows_the_worst_finding(name: str) -> None:
    for path in (hcl_path(name), plan_path(name)):
        if not (ROOT / path).exists():
            continue
        code, report = scan(path)
        assert report["summary"]["files"] == 1
        expected = EXPECTED_HCL[name]
        assert code == (1 if any(r[1] == "error" for r in expected) else 0), path


@pytest.mark.parametrize("name", sorted(set(EXPECTED_HCL) & set(EXPECTED_PLAN)))
def test_plan_and_hcl_agree(name: str) -> None:
    """The same rule ids on the same addresses, and the same related resources."""
    hcl = scan_tree("hcl")[name]
    plan = scan_tree("plan")[name]
    assert [r[:3] for r in rows(hcl)] == [r[:3] for r in rows(plan)]
    for mine, theirs in zip(sorted(hcl["findings"], key=lambda f: (f["rule_id"], f["resource"])),
                            sorted(plan["findings"], key=lambda f: (f["rule_id"], f["resource"])),
                            strict=True):
        assert [r["resource"] for r in mine["related"]] == \
            [r["resource"] for r in theirs["related"]]


def test_plan_fixtures_are_terraform_show_json() -> None:
    """The shape ``terraform show -json`` prints: unknown values left out of the planned
    values and marked in after_unknown, references in the configuration."""
    for path in PLAN.glob("*.json"):
        plan = json.loads(path.read_text())
        assert plan["format_version"] in ("0.1", "1.2"), path
        assert "planned_values" in plan and "configuration" in plan, path
        for change in plan["resource_changes"]:
            after = change["change"]["after"] or {}
            for key, marker in change["change"]["after_unknown"].items():
                if marker is True:
                    assert key not in after, (path.name, change["address"], key)


# --- what the findings point at -------------------------------------------------------------


def test_module_findings_point_at_the_module_file() -> None:
    _, report = scan(hcl_path("module-local-app"))
    (finding,) = report["findings"]
    assert finding["file"] == hcl_path("module-local-app") + "/modules/app/main.tf"
    assert finding["related"] == [{"resource": "aws_iam_role.orders",
                                   "file": hcl_path("module-local-app") + "/main.tf",
                                   "line": 11}]


def test_text_output_names_the_tf_file_line_and_address() -> None:
    result = cwlint("scan", hcl_path("cwl001-fail-env-namespace"))
    assert result.returncode == 1
    assert (f"{hcl_path('cwl001-fail-env-namespace')}/main.tf:20:1: CWL001 error: "
            in result.stdout)
    assert result.stdout.rstrip().endswith("1 file scanned: 1 error, 0 warnings, 0 info, "
                                           "0 unreadable inputs")
    assert "[aws_lambda_function.orders]" in result.stdout


def test_a_tf_file_named_alone_is_its_module() -> None:
    directory = HCL / "cwl001-fail-env-namespace"
    result = cwlint("scan", "--format", "json", "main.tf", cwd=directory)
    report = json.loads(result.stdout)
    assert [(f["rule_id"], f["file"], f["line"]) for f in report["findings"]] == [
        ("CWL001", "main.tf", 20)]


def test_suppression_comment_with_a_reason_is_applied() -> None:
    result = cwlint("scan", "--format", "json", hcl_path("suppression-ignore"))
    report = json.loads(result.stdout)
    assert [(s["rule_id"], s["resource"], s["suppression"]["justification"])
            for s in report.get("suppressed", [])] == [
        ("CWL001", LAMBDA, "metrics are published by a sidecar with its own role")]
    assert "has no reason, so it is not applied" in result.stderr


# --- discovery and errors ------------------------------------------------------------------


def test_walking_a_tree_scans_each_module_once_and_every_plan() -> None:
    assert len(scan_tree("plan")) == len(EXPECTED_PLAN)  # scan_tree checks the counts
    assert len(scan_tree("hcl")) == len(EXPECTED_HCL)
    _, report = scan(hcl_path("module-local-app"))
    assert report["summary"]["files"] == 1  # modules/app is analysed through module.app


def test_a_module_directory_named_explicitly_is_scanned_alone() -> None:
    _, report = scan(hcl_path("module-local-app") + "/modules/app")
    assert rows(report) == [("CWL001", "info", LAMBDA, 9), ("CWL004", "info", LAMBDA, 9)]
    assert "var.role_arn" in report["findings"][0]["message"]


def test_json_that_is_not_a_plan_is_skipped_when_walking() -> None:
    _, report = scan(str((ERRORS / "walked").relative_to(ROOT)))
    assert report["errors"] == []
    assert report["summary"]["files"] == 1
    assert rows(report) == [("CWL040", "warning", "aws_cloudwatch_metric_alarm.orders", None)]


def test_json_that_is_not_a_plan_is_an_error_when_named() -> None:
    path = str((ERRORS / "walked" / "plans" / "package.json").relative_to(ROOT))
    result = cwlint("scan", "--format", "json", path)
    assert result.returncode == 2
    (error,) = json.loads(result.stdout)["errors"]
    assert error["file"] == path
    assert "not a Terraform plan" in error["message"]


BAD_HCL_MESSAGE = "unexpected '.' in 'role aws_iam_role.orders.arn'"


def test_bad_hcl_is_one_error_with_file_and_line_and_the_rest_is_scanned() -> None:
    bad = str((ERRORS / "bad-hcl").relative_to(ROOT))
    result = cwlint("scan", bad, hcl_path("cwl001-fail-env-namespace"))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stdout.splitlines()
    assert f"{bad}/main.tf:10: error: {BAD_HCL_MESSAGE}" in lines
    assert any(line.startswith(hcl_path("cwl001-fail-env-namespace") + "/main.tf:20:1: CWL001")
               for line in lines)
    report = json.loads(cwlint("scan", "--format", "json", bad).stdout)
    assert report["errors"] == [{"file": f"{bad}/main.tf", "line": 10,
                                 "message": BAD_HCL_MESSAGE}]


def test_no_terraform_is_executed_or_fetched(tmp_path: Path) -> None:
    """A registry module is reported, not downloaded: no .terraform directory appears."""
    module = tmp_path / "stack"
    module.mkdir()
    (module / "main.tf").write_text((HCL / "module-registry" / "main.tf").read_text())
    result = cwlint("scan", "--format", "json", str(module))
    assert json.loads(result.stdout)["findings"][0]["rule_id"] == "CWL000"
    assert sorted(p.name for p in module.iterdir()) == ["main.tf"]


def test_region_comes_from_the_aws_provider(tmp_path: Path) -> None:
    """The endpoint's service name is matched in the provider's region, not the default."""
    text = (HCL / "cwl010-pass-endpoint" / "main.tf").read_text()
    (tmp_path / "main.tf").write_text('provider "aws" {\n  region = "eu-west-1"\n}\n\n' + text)
    result = cwlint("scan", "--format", "json", str(tmp_path))
    assert json.loads(result.stdout)["findings"] == []
    text = text.replace("${data.aws_region.current.name}", "us-east-1")
    (tmp_path / "main.tf").write_text('provider "aws" {\n  region = "eu-west-1"\n}\n\n' + text)
    findings = json.loads(cwlint("scan", "--format", "json", str(tmp_path)).stdout)["findings"]
    assert [f["rule_id"] for f in findings] == ["CWL010"]
    assert re.search(r"com\.amazonaws\.eu-west-1\.monitoring", findings[0]["message"])


def test_without_an_hcl2_package_tf_files_are_a_clear_error_and_plans_still_work() -> None:
    """The base install has no hcl2 (cwlint[terraform] brings python-hcl2): a module is an
    input error that says what to install, a plan next to it is scanned as usual."""
    blocked = ("import sys; sys.modules['hcl2'] = None; sys.argv[0] = 'cwlint'; "
               "from cwlint.cli import main; raise SystemExit(main())")
    module = hcl_path("cwl001-fail-env-namespace")
    plan = str((PLAN / "cwl001-fail-env-namespace.json").relative_to(ROOT))
    result = subprocess.run([sys.executable, "-c", blocked, "scan", "--format", "json",
                             module, plan], capture_output=True, text=True, cwd=ROOT,
                            timeout=300)
    assert result.returncode == 2, result.stderr
    report = json.loads(result.stdout)
    assert [e["file"] for e in report["errors"]] == [f"{module}/main.tf"]
    assert "pip install 'cwlint[terraform]'" in report["errors"][0]["message"]
    assert [(f["rule_id"], f["file"]) for f in report["findings"]] == [("CWL001", plan)]
