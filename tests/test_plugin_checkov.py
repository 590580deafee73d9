"""The checkov plugin: cwlint's rules through the real ``checkov`` command line, on
CloudFormation templates, Terraform configurations (HCL) and Terraform plans.

checkov pins old versions of packages cwlint shares, so these tests run in their own
virtualenv, ``.venv-checkov`` (checkov, pytest, cwlint), which ``make test`` creates and
runs them in; in an environment without checkov they are skipped.

The CKV_CWL failures must be exactly ``cwlint scan``'s findings (rule and resource or
Terraform address, the finding's line inside the resource's range, the reason in
``details``), checkov's own results must not change, checkov's suppressions and filters
must work, and so must the pre-commit entry the README documents.
"""

from __future__ import annotations

import atexit
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("checkov", reason="checkov runs in .venv-checkov: `make test` runs these")

from cwlint.engine import scan
from cwlint.findings import INFO, Finding
from cwlint.plugins.checkov_support import check_name
from cwlint.plugins.paths import checks_dir
from cwlint.rules import RULES_BY_ID
from tests.fixture_layout import scenario, templates, terraform_tree

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "fixtures" / "demo" / "orders-service.yaml"
UNKNOWN = scenario("cwl001/unknown-namespace-parameter") / "template.yaml"
# checkov walks one directory: the module and plan twins of every scenario, copied into
# hcl/<scenario>/ and plan/<scenario>.json (cwl001-fail-env-namespace, module-local-app)
_TREE = Path(tempfile.mkdtemp(prefix="cwlint-checkov-fixtures-"))
atexit.register(shutil.rmtree, _TREE, ignore_errors=True)
HCL, PLANS = terraform_tree(_TREE)
NESTED = ROOT / "fixtures" / "plugins" / "terraform-nested-modules"
FAILING_TF = HCL / "cwl001-fail-env-namespace"
CHECKOV = str(Path(sys.executable).with_name("checkov"))
CHECKS = checks_dir("checkov")
OUR_IDS = {rule.checkov_id() for rule in RULES_BY_ID.values()}


def fixtures() -> list[Path]:
    return [*templates(), DEMO]


def checkov(*args: str | Path, cwd: Path = ROOT, external: bool = True
            ) -> subprocess.CompletedProcess[str]:
    command = [CHECKOV, *map(str, args), "--output", "json", "--skip-download"]
    if external:
        command += ["--external-checks-dir", str(CHECKS)]
    return subprocess.run(command, capture_output=True, text=True, cwd=cwd, timeout=900,
                          env={**os.environ, "PYTHONHASHSEED": "0"})


def records(result: subprocess.CompletedProcess[str], kind: str = "failed_checks"
            ) -> list[dict[str, Any]]:
    assert result.stdout.strip(), result.stderr[-3000:]
    data = json.loads(result.stdout)
    reports = data if isinstance(data, list) else [data]
    found: list[dict[str, Any]] = []
    for report in reports:
        found.extend(report.get("results", {}).get(kind, []))
    return found


def resource_name(record: dict[str, Any]) -> str:
    return str(record["resource"]).rsplit(".", 1)[-1]


@cache
def expected() -> tuple[Finding, ...]:
    result = scan([str(f) for f in fixtures()])
    assert not result.errors
    return tuple(f for f in result.findings if f.severity != INFO)


@cache
def fixture_run() -> tuple[dict[str, Any], ...]:
    flags = [x for f in fixtures() for x in ("-f", str(f))]
    return tuple(records(checkov(*flags, "--framework", "cloudformation", "--check",
                                 "CKV_CWL_*")))


# --- the environment -------------------------------------------------------------------


def test_checkov_environment_is_intact() -> None:
    names = {d.metadata["Name"].lower() for d in metadata.distributions()}
    assert "bc-python-hcl2" in names
    assert "python-hcl2" not in names  # it would replace checkov's hcl2
    done = subprocess.run([sys.executable, "-m", "pip", "check"], capture_output=True,
                          text=True, check=False)
    assert done.returncode == 0, done.stdout


def test_verify_passes() -> None:
    done = subprocess.run([sys.executable, "-m", "cwlint", "plugin-path", "checkov", "--verify"],
                          capture_output=True, text=True, check=False, timeout=600)
    assert done.returncode == 0, done.stderr
    assert Path(done.stdout.strip()) == CHECKS
    assert "CKV_CWL_001 failed on AWS::Lambda::Function.ProbeFunction" in done.stderr


def test_loading_the_checks_registers_every_rule_without_importing_one() -> None:
    """checkov loads ``checks/checkov`` in every framework worker; that registers every
    rule's checks from the generated table, and imports no rule, model or engine (the
    first check that runs does)."""
    code = ("import sys\n"
            "from cwlint.plugins import checkov_checks as c\n"
            "for group in '01234':\n"
            "    c.register_group(group, 'terraform')\n"
            "    c.register_group(group, 'cloudformation')\n"
            "print(sorted(c.CHECKS), sorted({f for v in c.CHECKS.values() for f in v}))\n"
            "print(sorted(m for m in sys.modules if m.startswith('cwlint.')))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, timeout=300)
    ids, loaded = done.stdout.strip().splitlines()
    assert ids == str(sorted(OUR_IDS)) + " " + str(["cloudformation", "terraform"])
    assert loaded == str(["cwlint.plugins", "cwlint.plugins.checkov_catalog",
                          "cwlint.plugins.checkov_checks", "cwlint.plugins.checkov_table"])


def test_missing_cwlint_is_loud_and_verify_fails(tmp_path: Path) -> None:
    hidden = tmp_path / "hide" / "cwlint"
    hidden.mkdir(parents=True)
    (hidden / "__init__.py").write_text("raise ImportError('cwlint is not installed here')\n")
    fake = tmp_path / "checkov"
    fake.write_text(f"#!/bin/sh\nPYTHONPATH={hidden.parent} exec {CHECKOV} \"$@\"\n")
    fake.chmod(0o755)
    direct = subprocess.run([str(fake), "-f", str(DEMO), "--external-checks-dir", str(CHECKS),
                             "--output", "json", "--skip-download"], capture_output=True,
                            text=True, check=False, timeout=600)
    assert direct.stderr.count("cwlint: CKV_CWL checks NOT loaded") == 1  # once, not per runner
    assert "cwlint is not installed here" in direct.stderr
    assert "CKV_CWL" not in direct.stdout
    verify = subprocess.run([sys.executable, "-m", "cwlint", "plugin-path", "checkov", "--verify",
                             "--tool", str(fake)], capture_output=True, text=True, check=False,
                            timeout=600)
    assert verify.returncode == 1
    assert "checkov did NOT load the cwlint plugins" in verify.stderr


# --- same findings as cwlint scan ------------------------------------------------------


def test_failures_are_exactly_cwlint_scan_findings() -> None:
    got = Counter((os.path.abspath(r["file_abs_path"]), r["check_id"], resource_name(r))
                  for r in fixture_run())
    wanted = Counter((os.path.abspath(f.file), RULES_BY_ID[f.rule_id].checkov_id(), f.resource)
                     for f in expected())
    assert got == wanted
    assert len(wanted) > 40


def test_failures_carry_line_details_severity_and_guideline() -> None:
    lines = {(os.path.abspath(f.file), RULES_BY_ID[f.rule_id].checkov_id(), f.resource): f
             for f in expected()}
    for record in fixture_run():
        key = (os.path.abspath(record["file_abs_path"]), record["check_id"],
               resource_name(record))
        finding = lines[key]
        start, end = record["file_line_range"]
        assert start <= (finding.line or 0) <= end, (record["resource"], finding.line)
        assert record["details"][0] == f"line {finding.line}: {finding.message}"
        # a fix of several lines is one details line each (checkov prints each indented)
        assert record["details"][1:] == (
            f"fix: {finding.fix}".split("\n") if finding.fix else [])
        rule = RULES_BY_ID[finding.rule_id]
        assert record["guideline"] == rule.help_uri()
        assert record["severity"] == ("HIGH" if rule.severity == "error" else "MEDIUM")
        assert record["check_class"] == "cwlint.plugins.checkov_checks"
        assert record["check_name"] == check_name(rule)
        assert record["check_name"].startswith("Ensure ")


def test_demo_template() -> None:
    result = checkov("-f", DEMO, "--framework", "cloudformation")
    failed = {(r["check_id"], r["resource"]) for r in records(result)
              if r["check_id"] in OUR_IDS}
    assert failed == {
        ("CKV_CWL_002", "AWS::Lambda::Function.OrdersFunction"),
        ("CKV_CWL_003", "AWS::IAM::Role.OrdersRole"),
        ("CKV_CWL_004", "AWS::Lambda::Function.OrdersFunction"),
        ("CKV_CWL_005", "AWS::EC2::Instance.ReportingInstance"),
        ("CKV_CWL_008", "AWS::IAM::Role.OrdersRole"),
    }
    passed = {(r["check_id"], r["resource"]) for r in records(result, "passed_checks")
              if r["check_id"] in OUR_IDS}
    # a pass is a resource the rule examined: the function publishes metrics (CWL001);
    # the instance's agent is CWL005's subject, not CWL001's; nothing runs in a VPC
    assert ("CKV_CWL_001", "AWS::Lambda::Function.OrdersFunction") in passed
    assert ("CKV_CWL_001", "AWS::EC2::Instance.ReportingInstance") not in passed
    assert not any(check in ("CKV_CWL_010", "CKV_CWL_013") for check, _ in passed)
    # only resources a rule is about: a log group's key (CWL020) and name (CWL041)
    assert not any(resource.startswith("AWS::Logs::LogGroup")
                   and check not in ("CKV_CWL_020", "CKV_CWL_041")
                   for check, resource in passed)
    assert ("CKV_CWL_041", "AWS::Logs::LogGroup.OrdersLogGroup") in passed


def test_a_pass_reads_as_what_the_check_ensures() -> None:
    """checkov's own report prints the check's name above PASSED / FAILED: it says what
    holds ("Ensure ... can call cloudwatch:PutMetricData"), so a pass reads well."""
    done = subprocess.run([CHECKOV, "-f", str(DEMO), "--framework", "cloudformation",
                           "--check", "CKV_CWL_001,CKV_CWL_004", "--skip-download",
                           "--compact", "--external-checks-dir", str(CHECKS)],
                          capture_output=True, text=True, cwd=ROOT, timeout=900,
                          env={**os.environ, "PYTHONHASHSEED": "0"})
    lines = [line.strip() for line in done.stdout.splitlines()]
    passed = lines.index(f'Check: CKV_CWL_001: "{check_name(RULES_BY_ID["CWL001"])}"')
    assert lines[passed + 1] == "PASSED for resource: AWS::Lambda::Function.OrdersFunction"
    failed = lines.index(f'Check: CKV_CWL_004: "{check_name(RULES_BY_ID["CWL004"])}"')
    assert lines[failed + 1] == "FAILED for resource: AWS::Lambda::Function.OrdersFunction"
    assert check_name(RULES_BY_ID["CWL004"]).startswith(
        "Ensure the Lambda function's role can write to its log group")


def test_info_findings_are_not_failures() -> None:
    result = checkov("-f", UNKNOWN, "--framework", "cloudformation", "--check", "CKV_CWL_*")
    assert not records(result)
    assert not any(r["check_id"] == "CKV_CWL_001" and resource_name(r) == "OrdersFunction"
                   for r in records(result, "passed_checks"))


def test_checkov_own_results_are_unchanged() -> None:
    flags = [x for f in fixtures()[::4] for x in ("-f", str(f))]

    def key(record: dict[str, Any]) -> tuple[Any, ...]:
        return (record["check_id"], record["file_abs_path"], record["resource"],
                record["check_result"]["result"])

    def everything(result: subprocess.CompletedProcess[str]) -> Counter[tuple[Any, ...]]:
        return Counter(key(r) for kind in ("failed_checks", "passed_checks", "skipped_checks")
                       for r in records(result, kind) if r["check_id"] not in OUR_IDS)

    plain = checkov(*flags, "--framework", "cloudformation", external=False)
    added = checkov(*flags, "--framework", "cloudformation")
    assert everything(plain) == everything(added)


def test_default_frameworks_and_directory_mode(tmp_path: Path) -> None:
    """``checkov -d DIR`` from elsewhere, every framework: the files are found by their
    path relative to the scanned directory, templates and Terraform modules alike."""
    target = tmp_path / "repo" / "templates"
    target.mkdir(parents=True)
    shutil.copy(DEMO, target / "orders.yaml")
    (target / "k8s.yaml").write_text("apiVersion: v1\nkind: Pod\nmetadata: {name: x}\n"
                                     "spec: {containers: [{name: x, image: nginx}]}\n")
    shutil.copytree(HCL / "module-local-app", tmp_path / "repo" / "infra")
    result = checkov("-d", tmp_path / "repo", "--check", "CKV_CWL_*", cwd=tmp_path)
    failed = {(r["check_id"], resource_name(r), r["file_path"]) for r in records(result)}
    assert ("CKV_CWL_002", "OrdersFunction", "/templates/orders.yaml") in failed
    assert ("CKV_CWL_001", "orders", "/infra/modules/app/main.tf") in failed
    assert len(failed) == 6


# --- suppression and filters -----------------------------------------------------------


def test_skip_comment_and_skip_check(tmp_path: Path) -> None:
    text = DEMO.read_text().replace(
        "  OrdersFunction:\n",
        "  OrdersFunction:\n    # checkov:skip=CKV_CWL_002:namespace fixed in the next release\n")
    (tmp_path / "t.yaml").write_text(text)
    result = checkov("-f", tmp_path / "t.yaml", "--framework", "cloudformation",
                     "--skip-check", "CKV_CWL_008")
    failed = {r["check_id"] for r in records(result) if r["check_id"] in OUR_IDS}
    assert failed == {"CKV_CWL_003", "CKV_CWL_004", "CKV_CWL_005"}
    skipped = [r for r in records(result, "skipped_checks") if r["check_id"] == "CKV_CWL_002"]
    assert [s["check_result"]["suppress_comment"] for s in skipped] == [
        "namespace fixed in the next release"]


def test_cwlint_configuration_and_inline_suppression(tmp_path: Path) -> None:
    text = DEMO.read_text().replace(
        "  OrdersFunction:\n    Type: AWS::Lambda::Function\n",
        "  OrdersFunction:\n    Type: AWS::Lambda::Function\n    Metadata:\n      cwlint:\n"
        "        ignore:\n          - {rule: CWL002, reason: namespace renamed next sprint}\n")
    (tmp_path / "t.yaml").write_text(text)
    (tmp_path / ".cwlint.yaml").write_text("disable: [CWL008]\n")
    result = checkov("-f", tmp_path / "t.yaml", "--framework", "cloudformation", "--check",
                     "CKV_CWL_*")
    assert {r["check_id"] for r in records(result)} == {"CKV_CWL_003", "CKV_CWL_004",
                                                        "CKV_CWL_005"}
    # suppressed by cwlint: neither failed nor passed
    assert not [r for r in records(result, "passed_checks")
                if r["check_id"] == "CKV_CWL_002" and resource_name(r) == "OrdersFunction"]


def test_check_filter_with_wildcard_runs_only_cwlint() -> None:
    result = checkov("-f", DEMO, "--framework", "cloudformation", "--check", "CKV_CWL_00*")
    ids = {r["check_id"] for kind in ("failed_checks", "passed_checks")
           for r in records(result, kind)}
    assert ids and all(i.startswith("CKV_CWL_00") for i in ids)


def test_check_filter_by_severity() -> None:
    result = checkov("-f", DEMO, "--framework", "cloudformation", "--check", "HIGH")
    assert {"CKV_CWL_002", "CKV_CWL_005"} <= {r["check_id"] for r in records(result)}


# --- Terraform and Terraform plans -----------------------------------------------------


def terraform_findings(target: Path) -> list[Finding]:
    """``cwlint scan``'s findings that are CKV_CWL failures (not info, not CWL000)."""
    result = scan([str(target)])
    assert not result.errors
    return [f for f in result.findings if f.severity != INFO and f.rule_id in RULES_BY_ID]


def finding_key(finding: Finding) -> tuple[str, str, str]:
    return (os.path.abspath(finding.file), RULES_BY_ID[finding.rule_id].checkov_id(),
            finding.resource)


def record_key(record: dict[str, Any]) -> tuple[str, str, str]:
    return (os.path.abspath(record["file_abs_path"]), record["check_id"], record["resource"])


@cache
def terraform_run(target: Path, framework: str) -> subprocess.CompletedProcess[str]:
    return checkov("-d", target, "--framework", framework, "--check", "CKV_CWL_*")


TERRAFORM_TARGETS = [(HCL, "terraform"), (PLANS, "terraform_plan"), (NESTED, "terraform")]


@pytest.mark.parametrize(("target", "framework"), TERRAFORM_TARGETS,
                         ids=["hcl", "plans", "nested-modules"])
def test_terraform_failures_are_exactly_cwlint_scan_findings(target: Path,
                                                             framework: str) -> None:
    got = Counter(record_key(r) for r in records(terraform_run(target, framework)))
    wanted = Counter(finding_key(f) for f in terraform_findings(target))
    assert got == wanted
    assert len(wanted) > (25 if target != NESTED else 0)


@pytest.mark.parametrize(("target", "framework"), TERRAFORM_TARGETS[:2], ids=["hcl", "plans"])
def test_terraform_failures_carry_file_lines_and_details(target: Path, framework: str) -> None:
    findings = {finding_key(f): f for f in terraform_findings(target)}
    for record in records(terraform_run(target, framework)):
        finding = findings[record_key(record)]
        rule = RULES_BY_ID[finding.rule_id]
        assert record["file_path"] == "/" + os.path.relpath(finding.file, target)
        if framework == "terraform":  # the resource block, in the file that declares it
            start, end = record["file_line_range"]
            assert finding.line is not None and start == finding.line <= end
            assert record["details"][0] == f"line {finding.line}: {finding.message}"
        else:  # a plan has no line
            assert finding.line is None
            assert record["details"][0] == finding.message
        assert finding.fix is not None
        assert record["details"][1:] == f"fix: {finding.fix}".split("\n")
        assert record["guideline"] == rule.help_uri()
        assert record["severity"] == ("HIGH" if rule.severity == "error" else "MEDIUM")
        assert record["check_class"] == "cwlint.plugins.checkov_checks"


def test_terraform_module_addresses_files_and_lines() -> None:
    """A resource of a local module: the address ``cwlint scan`` reports, in the module's
    own file, found with the inputs of the root module that calls it."""
    (hcl,) = [r for r in records(terraform_run(HCL, "terraform"))
              if r["file_path"].startswith("/module-local-app/")]
    assert (hcl["check_id"], hcl["resource"]) == ("CKV_CWL_001",
                                                  "module.app.aws_lambda_function.orders")
    assert hcl["file_path"] == "/module-local-app/modules/app/main.tf"
    assert hcl["file_line_range"][0] == 9
    assert hcl["caller_file_path"] == "/module-local-app/main.tf"
    (plan,) = [r for r in records(terraform_run(PLANS, "terraform_plan"))
               if r["file_path"] == "/module-local-app.json"]
    assert plan["resource"] == "module.app.aws_lambda_function.orders"
    (nested,) = records(terraform_run(NESTED, "terraform"))
    assert nested["resource"] == "module.orders.module.function.aws_lambda_function.this"
    assert nested["file_path"] == "/modules/function/main.tf"
    assert nested["file_line_range"][0] == 13


def test_terraform_passing_and_near_miss_fixtures_do_not_fail() -> None:
    result = terraform_run(HCL, "terraform")
    clean = ("/cwl001-pass-env-namespace/", "/cwl003-near-miss-prefix-star/",
             "/cwl010-near-miss-nat-subnet/")
    assert not [r for r in records(result) if r["file_path"].startswith(clean)]
    passed = {(r["file_path"].split("/")[1], r["check_id"], r["resource"])
              for r in records(result, "passed_checks")}
    assert {("cwl001-pass-env-namespace", "CKV_CWL_001", "aws_lambda_function.orders"),
            ("cwl003-near-miss-prefix-star", "CKV_CWL_003", "aws_iam_role_policy.app_logs"),
            ("cwl010-near-miss-nat-subnet", "CKV_CWL_010", "aws_lambda_function.app")} <= passed
    plan_passed = {(r["file_path"], r["check_id"], r["resource"])
                   for r in records(terraform_run(PLANS, "terraform_plan"), "passed_checks")}
    assert ("/cwl001-pass-env-namespace.json", "CKV_CWL_001",
            "aws_lambda_function.orders") in plan_passed
    # only resources a rule is about are PASSED: nothing on a VPC or a subnet
    assert not [r for r in records(result, "passed_checks")
                if r["resource"].startswith(("aws_vpc.", "aws_subnet."))]


def test_terraform_info_findings_are_not_failures() -> None:
    """An unknown namespace (a variable without default) is an info finding: UNKNOWN,
    neither failed nor passed."""
    result = terraform_run(HCL, "terraform")
    unknown = "/cwl001-unknown-namespace-variable/"
    for kind in ("failed_checks", "passed_checks"):
        assert not [r for r in records(result, kind) if r["file_path"].startswith(unknown)
                    and r["check_id"] == "CKV_CWL_001"]


def test_terraform_checkov_own_results_are_unchanged() -> None:
    def everything(result: subprocess.CompletedProcess[str]) -> Counter[tuple[Any, ...]]:
        return Counter((r["check_id"], r["file_path"], r["resource"],
                        r["check_result"]["result"])
                       for kind in ("failed_checks", "passed_checks", "skipped_checks")
                       for r in records(result, kind) if r["check_id"] not in OUR_IDS)

    plain = checkov("-d", HCL, "--framework", "terraform", external=False)
    added = checkov("-d", HCL, "--framework", "terraform")
    assert everything(plain) == everything(added)
    assert sum(everything(plain).values()) > 100


def test_terraform_checks_leave_the_resource_configuration_as_checkov_gave_it() -> None:
    """checkov expands a resource's ``dynamic`` blocks into its configuration before each
    of its checks, appending the content again every time; a CKV_CWL check reads only the
    address and must not add one more expansion to what checkov's checks see after it."""
    import copy

    from cwlint.plugins import checkov_checks

    for group in "01234":
        checkov_checks.register_group(group, "terraform")
    alarm_checks = [frameworks["terraform"] for frameworks in checkov_checks.CHECKS.values()
                    if "terraform" in frameworks and "aws_cloudwatch_metric_alarm"
                    in frameworks["terraform"].supported_resources]
    assert alarm_checks
    conf = {"__address__": "aws_cloudwatch_metric_alarm.errors", "alarm_name": ["errors"],
            "metric_query": [{"id": ["m1"]}],
            "dynamic": [{"metric_query": {"for_each": ["${var.queries}"],
                                          "content": {"id": ["${metric_query.value}"]}}}]}
    before = copy.deepcopy(conf)
    for check in alarm_checks:
        result = check.run(scanned_file="/nowhere/main.tf", entity_configuration=conf,
                           entity_name="aws_cloudwatch_metric_alarm.errors",
                           entity_type="aws_cloudwatch_metric_alarm", skip_info={})
        assert result["result"].name == "UNKNOWN"  # no file: cwlint does not guess
    assert conf == before


def test_modules_called_by_many_roots_are_analysed_once_per_root(tmp_path: Path) -> None:
    """checkov's Terraform runner goes file by file: the resources of the first shared
    module under every root, then those of the second. Each root is still analysed once
    (the plugin logs each analysis at debug level), and both modules' failures are
    reported (checkov keeps one record of an address in a file, whatever the root)."""
    shared = [tmp_path / "modules" / name for name in ("orders", "billing")]
    for module in shared:
        shutil.copytree(FAILING_TF, module)
    calls = "".join(f'module "{m.name}" {{\n  source = "../../modules/{m.name}"\n}}\n'
                    for m in shared)
    roots = [tmp_path / "envs" / f"env{index:02}" for index in range(12)]
    for root in roots:
        root.mkdir(parents=True)
        (root / "main.tf").write_text(calls)
    command = [CHECKOV, "-d", str(tmp_path / "envs"), "--framework", "terraform", "--check",
               "CKV_CWL_001", "--output", "json", "--skip-download",
               "--external-checks-dir", str(CHECKS)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=900,
                            env={**os.environ, "PYTHONHASHSEED": "0", "LOG_LEVEL": "DEBUG"})
    analysed = Counter(re.findall(r"cwlint analyses (\S+)", result.stderr))
    assert analysed == Counter({str(root): 1 for root in roots})
    assert {(r["file_abs_path"], r["resource"]) for r in records(result)} == {
        (str(m / "main.tf"), f"module.{m.name}.aws_lambda_function.orders") for m in shared}


def test_terraform_skip_comment(tmp_path: Path) -> None:
    module = tmp_path / "infra"
    shutil.copytree(FAILING_TF, module)
    main = module / "main.tf"
    main.write_text(main.read_text().replace(
        'resource "aws_lambda_function" "orders" {\n',
        'resource "aws_lambda_function" "orders" {\n'
        '  # checkov:skip=CKV_CWL_001:publishes through the sidecar\n'))
    result = checkov("-d", module, "--framework", "terraform", "--check", "CKV_CWL_*")
    assert not records(result)
    skipped = [r for r in records(result, "skipped_checks") if r["check_id"] == "CKV_CWL_001"]
    assert [(s["resource"], s["check_result"]["suppress_comment"]) for s in skipped] == [
        ("aws_lambda_function.orders", "publishes through the sidecar")]


def test_terraform_skip_check_and_check() -> None:
    skipped = checkov("-d", FAILING_TF, "--framework", "terraform", "--skip-check",
                      "CKV_CWL_001")
    ids = {r["check_id"] for kind in ("failed_checks", "passed_checks", "skipped_checks")
           for r in records(skipped, kind)}
    assert "CKV_CWL_001" not in ids
    assert "CKV_CWL_004" in ids and any(i.startswith("CKV_AWS_") for i in ids)
    only = checkov("-d", FAILING_TF, "--framework", "terraform", "--check", "CKV_CWL_001")
    assert [(r["check_id"], r["resource"]) for r in records(only)] == [
        ("CKV_CWL_001", "aws_lambda_function.orders")]
    assert {r["check_id"] for r in records(only, "passed_checks")} <= {"CKV_CWL_001"}
    plan = checkov("-f", PLANS / "cwl001-fail-env-namespace.json", "--framework",
                   "terraform_plan", "--check", "CKV_CWL_001")
    assert [(r["check_id"], r["resource"]) for r in records(plan)] == [
        ("CKV_CWL_001", "aws_lambda_function.orders")]


def test_skipping_the_generic_json_and_yaml_frameworks_loses_no_cwlint_result(
        tmp_path: Path) -> None:
    """The README's ``--skip-framework json yaml`` (those frameworks wake up for any
    external checks directory and parse every file): every framework's default run, with
    and without it, gives the same CKV_CWL records."""
    (tmp_path / "stacks").mkdir()
    shutil.copy(DEMO, tmp_path / "stacks" / "orders.yaml")
    shutil.copytree(FAILING_TF, tmp_path / "infra")

    def ours(*extra: str) -> set[tuple[str, str, str]]:
        found: set[tuple[str, str, str]] = set()
        for kind in ("failed_checks", "passed_checks"):
            found |= {(r["check_id"], r["resource"], kind)
                      for r in records(checkov("-d", tmp_path, *extra))
                      if r["check_id"].startswith("CKV_CWL_")}
        return found

    everything = ours()
    assert ("CKV_CWL_002", "AWS::Lambda::Function.OrdersFunction", "failed_checks") in everything
    assert ("CKV_CWL_001", "aws_lambda_function.orders", "failed_checks") in everything
    assert ours("--skip-framework", "json", "yaml") == everything


# --- pre-commit ------------------------------------------------------------------------


def test_readme_pre_commit_entry_runs(tmp_path: Path) -> None:
    """The README's checkov hook, as pre-commit runs it on a repository with a template
    and a Terraform module (checkov and cwlint from this environment rather than a hook
    environment, which needs the network; pre-commit from the project's main one)."""
    from tests.test_plugin_support import local_hook, pre_commit_run

    pre_commit = shutil.which("pre-commit") or str(ROOT / ".venv" / "bin" / "pre-commit")
    if not os.path.isfile(pre_commit) or shutil.which("git") is None:
        pytest.skip("pre-commit or git is not installed")
    hook = local_hook("https://github.com/bridgecrewio/checkov")
    path = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    done = pre_commit_run(pre_commit, hook, {"stacks/orders.yaml": DEMO, "infra": FAILING_TF},
                          tmp_path, path)
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    assert "NOT loaded" not in output
    failed = set(re.findall(r"Check: (CKV_CWL_\d+): .*\n\s*FAILED for resource: (\S+)", output))
    assert {("CKV_CWL_002", "AWS::Lambda::Function.OrdersFunction"),
            ("CKV_CWL_001", "aws_lambda_function.orders")} <= failed


# --- the new fixture layout: fixtures/cwlNNN/<scenario>/{terraform/,plan.json} ----------

LAYOUT_RULES = sorted(p for p in (ROOT / "fixtures").glob("cwl[0-9]*") if p.is_dir())


def layout_findings(targets: list[Path]) -> Counter[tuple[str, str, str]]:
    found: Counter[tuple[str, str, str]] = Counter()
    for target in targets:
        found.update(finding_key(f) for f in terraform_findings(target))
    return found


@pytest.mark.parametrize("rule_dir", LAYOUT_RULES, ids=[p.name for p in LAYOUT_RULES])
def test_new_layout_terraform_failures_are_exactly_cwlint_scan_findings(rule_dir: Path
                                                                        ) -> None:
    got = Counter(record_key(r) for r in records(
        checkov("-d", rule_dir, "--framework", "terraform", "--check", "CKV_CWL_*")))
    wanted = layout_findings(sorted(rule_dir.glob("*/terraform")))
    assert got == wanted


def test_new_layout_plan_failures_are_exactly_cwlint_scan_findings() -> None:
    plans = sorted(p for rule_dir in LAYOUT_RULES for p in rule_dir.glob("*/plan.json"))
    flags = [x for plan in plans for x in ("-f", str(plan))]
    got = Counter(record_key(r) for r in records(
        checkov(*flags, "--framework", "terraform_plan", "--check", "CKV_CWL_*")))
    wanted = layout_findings(plans)
    assert got == wanted
    assert {key[1] for key in wanted} >= {"CKV_CWL_042", "CKV_CWL_043"}
