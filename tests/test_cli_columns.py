"""Columns: text, JSON and SARIF put a finding where its front end says it starts."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from cwlint.cfn.loader import load_template
from cwlint.columns import template_columns

ROOT = Path(__file__).resolve().parent.parent
DEMO = "fixtures/demo/orders-service.yaml"
JSON_TEMPLATE = "fixtures/cfn/loader/plain.json"
HCL_MODULE = ROOT / "fixtures/cwl001/fail-env-namespace/terraform"
PLAN = "fixtures/cwl001/fail-env-namespace/plan.json"


def cwlint(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cwlint", *args], cwd=cwd,
                          capture_output=True, text=True, check=False)


def findings(*paths: str, cwd: Path = ROOT) -> list[dict]:
    return json.loads(cwlint("scan", "--format", "json", *paths, cwd=cwd).stdout)["findings"]


def column_of(path: Path, line: int, text: str) -> int:
    return path.read_text().splitlines()[line - 1].index(text) + 1


def test_yaml_finding_column_is_the_key_after_the_list_dash() -> None:
    # line 24 is "        - PolicyName: orders-monitoring": the item's key, not the dash
    expected = column_of(ROOT / DEMO, 24, "PolicyName")
    assert expected == 11
    cwl003 = next(f for f in findings(DEMO) if f["rule_id"] == "CWL003")
    assert (cwl003["line"], cwl003["column"]) == (24, expected)
    text = cwlint("scan", DEMO).stdout
    assert f"{DEMO}:24:11: CWL003 error: " in text


def test_json_template_column_is_the_key_quote() -> None:
    found = next(f for f in findings(JSON_TEMPLATE) if f["rule_id"] == "CWL004")
    assert found["column"] == column_of(ROOT / JSON_TEMPLATE, found["line"], '"Role"')


def test_every_column_matches_the_decoded_marks() -> None:
    loaded = load_template(str(ROOT / DEMO))
    for finding in findings(DEMO):
        assert template_columns(loaded.template, [finding["line"]]) == {
            finding["line"]: finding["column"]}


def test_hcl_column_is_where_the_block_starts(tmp_path: Path) -> None:
    module = tmp_path / "module"
    shutil.copytree(HCL_MODULE, module)
    main = module / "main.tf"
    main.write_text("".join(f"  {line}" if line.strip() else line
                            for line in main.read_text().splitlines(keepends=True)))
    found = next(f for f in findings("module", cwd=tmp_path) if f["rule_id"] == "CWL001")
    assert found["column"] == 3
    assert column_of(main, found["line"], "resource") == 3
    assert f"main.tf:{found['line']}:3: CWL001 error" in cwlint("scan", "module",
                                                                   cwd=tmp_path).stdout


def test_plan_findings_have_no_column() -> None:
    found = findings(PLAN)
    assert found and all(f["line"] is None and f["column"] is None for f in found)
    text = cwlint("scan", PLAN).stdout
    assert f"{PLAN}:1: CWL001 error: " in text


def test_sarif_region_starts_at_the_column() -> None:
    log = json.loads(cwlint("scan", "--format", "sarif", DEMO).stdout)
    regions = {(r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"]):
               r["locations"][0]["physicalLocation"]["region"]["startColumn"]
               for r in log["runs"][0]["results"]}
    assert regions[("CWL003", 24)] == 11
