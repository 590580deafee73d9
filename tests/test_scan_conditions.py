"""``Fn::If`` and resource ``Condition``: every branch is analysed, and a finding that only
one branch produces says which condition value triggers it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def scan(name: str) -> dict:
    command = [str(Path(sys.executable).with_name("cwlint")), "scan", "--format", "json",
               f"fixtures/cfn/conditions/{name}/template.yaml"]
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout)


def test_finding_in_one_branch_names_the_condition_value() -> None:
    findings = scan("fail-only-when-condition")["findings"]
    assert [(f["rule_id"], f["severity"], f["resource"], f["line"]) for f in findings] == [
        ("CWL001", "error", "AppFunction", 45)]
    assert findings[0]["message"].endswith("(only when condition UseMetrics is false)")


def test_resource_level_condition_removes_the_resource_in_that_branch() -> None:
    findings = scan("fail-conditional-resource")["findings"]
    assert [(f["rule_id"], f["resource"]) for f in findings] == [("CWL001", "AppFunction")]
    assert "only when condition CreateMetricsPolicy is false" in findings[0]["message"]


def test_both_branches_allowed_is_silent() -> None:
    assert scan("pass-both-branches-allow")["findings"] == []
