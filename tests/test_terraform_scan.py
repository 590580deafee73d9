"""Terraform HCL and ``terraform show -json`` plans through the installed ``cwlint scan``
command: what the findings point at (module files, lines, addresses), suppressions,
discovery and input errors. Each scenario's findings are in its expected files
(``tests/test_snapshots.py``) and its twins' agreement in ``tests/test_snapshot_parity.py``.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.fixture_layout import plans, rule_scenarios, twins

ROOT = Path(__file__).resolve().parent.parent
ERRORS = ROOT / "fixtures" / "terraform" / "errors"
Row = tuple[str, str, str, int | None]
LAMBDA = "aws_lambda_function.orders"
LOCAL_APP = "terraform/module-local-app"


def cwlint(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    command = [str(Path(sys.executable).with_name("cwlint")), *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=300, cwd=cwd)


def scan(path: str) -> tuple[int, dict[str, Any]]:
    result = cwlint("scan", "--format", "json", path)
    assert result.returncode in (0, 1), result.stderr + result.stdout
    return result.returncode, json.loads(result.stdout)


def scenario_of(name: str) -> Path:
    """``cwl001/fail-env-namespace``, ``terraform/module-local-app``: its directory."""
    return ROOT / "fixtures" / name


def hcl_path(name: str) -> str:
    return str((scenario_of(name) / "terraform").relative_to(ROOT))


def plan_path(name: str) -> str:
    return str((scenario_of(name) / "plan.json").relative_to(ROOT))


def rows(report: dict[str, Any]) -> list[Row]:
    return sorted((f["rule_id"], f["severity"], f["resource"], f["line"])
                  for f in report["findings"])


# --- the plan fixtures-----------------------------------------------------------------------


def test_plan_fixtures_are_terraform_show_json() -> None:
    """The shape ``terraform show -json`` prints: unknown values left out of the planned
    values and marked in after_unknown, references in the configuration."""
    for path in plans():
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
    _, report = scan(hcl_path(LOCAL_APP))
    (finding,) = report["findings"]
    assert finding["file"] == hcl_path(LOCAL_APP) + "/modules/app/main.tf"
    assert finding["related"] == [{"resource": "aws_iam_role.orders",
                                   "file": hcl_path(LOCAL_APP) + "/main.tf",
                                   "line": 11}]


def test_text_output_names_the_tf_file_line_and_address() -> None:
    result = cwlint("scan", hcl_path("cwl001/fail-env-namespace"))
    assert result.returncode == 1
    assert (f"{hcl_path('cwl001/fail-env-namespace')}/main.tf:20:1: CWL001 error: "
            in result.stdout)
    assert result.stdout.rstrip().endswith("1 file scanned: 1 error, 0 warnings, 0 info, "
                                           "0 unreadable inputs")
    assert "[aws_lambda_function.orders]" in result.stdout


def test_a_tf_file_named_alone_is_its_module() -> None:
    directory = ROOT / hcl_path("cwl001/fail-env-namespace")
    result = cwlint("scan", "--format", "json", "main.tf", cwd=directory)
    report = json.loads(result.stdout)
    assert [(f["rule_id"], f["file"], f["line"]) for f in report["findings"]] == [
        ("CWL001", "main.tf", 20)]


def test_suppression_comment_with_a_reason_is_applied() -> None:
    result = cwlint("scan", "--format", "json", hcl_path("terraform/suppression-ignore"))
    report = json.loads(result.stdout)
    assert [(s["rule_id"], s["resource"], s["suppression"]["justification"])
            for s in report.get("suppressed", [])] == [
        ("CWL001", LAMBDA, "metrics are published by a sidecar with its own role")]
    assert "has no reason, so it is not applied" in result.stderr


# --- discovery and errors ------------------------------------------------------------------


def test_walking_a_tree_scans_each_module_once_and_every_plan() -> None:
    _, report = scan("fixtures/cwl010")
    assert report["errors"] == []
    assert report["summary"]["files"] == len(
        [t for s in rule_scenarios("cwl010") for t in twins(s)])
    _, report = scan(str(scenario_of(LOCAL_APP).relative_to(ROOT)))
    assert report["summary"]["files"] == 2  # modules/app is analysed through module.app
    assert {f["file"] for f in report["findings"]} == {
        plan_path(LOCAL_APP), hcl_path(LOCAL_APP) + "/modules/app/main.tf"}


def test_a_module_directory_named_explicitly_is_scanned_alone() -> None:
    _, report = scan(hcl_path(LOCAL_APP) + "/modules/app")
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
    result = cwlint("scan", bad, hcl_path("cwl001/fail-env-namespace"))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stdout.splitlines()
    assert f"{bad}/main.tf:10: error: {BAD_HCL_MESSAGE}" in lines
    assert any(line.startswith(hcl_path("cwl001/fail-env-namespace") + "/main.tf:20:1: CWL001")
               for line in lines)
    report = json.loads(cwlint("scan", "--format", "json", bad).stdout)
    assert report["errors"] == [{"file": f"{bad}/main.tf", "line": 10,
                                 "message": BAD_HCL_MESSAGE}]


def test_no_terraform_is_executed_or_fetched(tmp_path: Path) -> None:
    """A registry module is reported, not downloaded: no .terraform directory appears."""
    module = tmp_path / "stack"
    module.mkdir()
    registry = ROOT / hcl_path("terraform/module-registry") / "main.tf"
    (module / "main.tf").write_text(registry.read_text())
    result = cwlint("scan", "--format", "json", str(module))
    assert json.loads(result.stdout)["findings"][0]["rule_id"] == "CWL000"
    assert sorted(p.name for p in module.iterdir()) == ["main.tf"]


def test_region_comes_from_the_aws_provider(tmp_path: Path) -> None:
    """The endpoint's service name is matched in the provider's region, not the default."""
    text = (ROOT / hcl_path("cwl010/pass-endpoint") / "main.tf").read_text()
    (tmp_path / "main.tf").write_text('provider "aws" {\n  region = "eu-west-1"\n}\n\n' + text)
    result = cwlint("scan", "--format", "json", str(tmp_path))
    assert json.loads(result.stdout)["findings"] == []
    text = text.replace("${data.aws_region.current.name}", "us-east-1")
    (tmp_path / "main.tf").write_text('provider "aws" {\n  region = "eu-west-1"\n}\n\n' + text)
    findings = json.loads(cwlint("scan", "--format", "json", str(tmp_path)).stdout)["findings"]
    assert [f["rule_id"] for f in findings] == ["CWL010"]
    assert re.search(r"com\.amazonaws\.eu-west-1\.monitoring", findings[0]["message"])


def test_tf_files_are_read_without_any_hcl2_or_lark_package() -> None:
    """The base install reads Terraform with tree-sitter: with ``hcl2`` and ``lark`` made
    unimportable, a module and a plan are scanned alike."""
    blocked = ("import sys; sys.modules['hcl2'] = None; sys.modules['lark'] = None; "
               "sys.argv[0] = 'cwlint'; from cwlint.cli import main; raise SystemExit(main())")
    module = hcl_path("cwl001/fail-env-namespace")
    plan = plan_path("cwl001/fail-env-namespace")
    result = subprocess.run([sys.executable, "-c", blocked, "scan", "--format", "json",
                             module, plan], capture_output=True, text=True, cwd=ROOT,
                            timeout=300)
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    assert report["errors"] == []
    assert sorted((f["rule_id"], f["file"]) for f in report["findings"]) == sorted([
        ("CWL001", f"{module}/main.tf"), ("CWL001", plan)])
