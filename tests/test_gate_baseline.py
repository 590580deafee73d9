"""Baselines: ``--write-baseline`` records today's findings, ``--baseline`` fails only on
new ones. Matching ignores lines and formatting (rule, file, resource, normalized message)
and is independent of how the paths were written on the command line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.gate_helpers import GATE, cwlint, make_repo

ERROR = GATE / "exit" / "error.yaml"
SUPPRESSIONS = GATE / "suppressions.yaml"


@pytest.fixture()
def repo(tmp_path: Path) -> Path:
    """A repository with two CWL001 findings and a written baseline."""
    root = make_repo(tmp_path, {"stacks/orders.yaml": ERROR, "stacks/more.yaml": SUPPRESSIONS})
    result = cwlint("scan", "--write-baseline", ".cwlint-baseline.json", cwd=root)
    assert result.returncode == 0, result.stderr
    assert "cwlint: recorded 3 findings in .cwlint-baseline.json" in result.stderr
    return root


def scan(repo: Path, *args: str) -> tuple[int, dict[str, Any]]:
    result = cwlint("scan", "--format", "json", "--baseline", ".cwlint-baseline.json",
                    *args, cwd=repo)
    assert result.returncode in (0, 1), result.stderr
    return result.returncode, json.loads(result.stdout)


def test_baseline_file_is_sorted_reviewable_json(repo: Path) -> None:
    data = json.loads((repo / ".cwlint-baseline.json").read_text())
    assert data["cwlint_baseline"] == 1
    assert [(e["file"], e["rule_id"], e["resource"]) for e in data["findings"]] == [
        ("stacks/more.yaml", "CWL001", "NoReasonFunction"),
        ("stacks/more.yaml", "CWL001", "OtherRuleFunction"),
        ("stacks/orders.yaml", "CWL001", "OrdersFunction"),
    ]
    assert all(len(e["fingerprint"]) == 64 and "line" not in e for e in data["findings"])
    rewritten = cwlint("scan", "--write-baseline", "again.json", cwd=repo)
    assert rewritten.returncode == 0
    assert (repo / "again.json").read_bytes() == (repo / ".cwlint-baseline.json").read_bytes()


def test_recorded_findings_do_not_fail(repo: Path) -> None:
    code, document = scan(repo)
    assert code == 0
    assert document["findings"] == []
    kinds = {s["suppression"]["kind"] for s in document["suppressed"]}
    assert kinds == {"baseline", "inline"}
    assert sum(1 for s in document["suppressed"] if s["suppression"]["kind"] == "baseline") == 3


def test_matching_survives_line_moves_and_reformatting(repo: Path) -> None:
    path = repo / "stacks" / "orders.yaml"
    text = path.read_text().replace("Resources:\n", "Resources:\n  # a comment\n\n", 1)
    text = text.replace("Environment: {Variables: {METRICS_NAMESPACE: Orders}}",
                        'Environment:\n        Variables:\n          "METRICS_NAMESPACE": Orders')
    text = text.replace("  OrdersFunction:", "  Padding:\n    Type: AWS::SNS::Topic\n"
                        "  OrdersFunction:")
    path.write_text(text)
    code, document = scan(repo, "./stacks/", "stacks/more.yaml")
    assert code == 0 and document["findings"] == []


def test_a_new_finding_fails(repo: Path) -> None:
    path = repo / "stacks" / "orders.yaml"
    path.write_text(path.read_text().replace("METRICS_NAMESPACE: Orders",
                                             "METRICS_NAMESPACE: Invoices"))
    code, document = scan(repo)
    assert code == 1
    assert [(f["resource"], "Invoices" in f["message"]) for f in document["findings"]] == [
        ("OrdersFunction", True)]


def test_each_record_excuses_one_finding(repo: Path) -> None:
    copy = repo / "stacks" / "copy" / "orders.yaml"
    copy.parent.mkdir()
    copy.write_text((repo / "stacks" / "orders.yaml").read_text())
    code, document = scan(repo)
    assert code == 1
    assert [f["file"] for f in document["findings"]] == ["./stacks/copy/orders.yaml"]


def test_paths_are_relative_to_the_baseline_file(repo: Path) -> None:
    result = cwlint("scan", "--format", "json", "--baseline", "../.cwlint-baseline.json",
                    ".", cwd=repo / "stacks")
    assert result.returncode == 0, result.stdout
    assert json.loads(result.stdout)["findings"] == []


def test_text_and_sarif_show_the_baseline(repo: Path) -> None:
    text = cwlint("scan", "--baseline", ".cwlint-baseline.json", cwd=repo).stdout
    assert text.rstrip().endswith("3 suppressed, 3 in the baseline")
    sarif = json.loads(cwlint("scan", "--format", "sarif", "--baseline",
                              ".cwlint-baseline.json", cwd=repo).stdout)
    results = sarif["runs"][0]["results"]
    baselined = [r for r in results if r["baselineState"] == "unchanged"]
    assert len(baselined) == 3
    assert all(r["suppressions"][0]["kind"] == "external" for r in baselined)
    assert {r["baselineState"] for r in results} == {"new", "unchanged"}


@pytest.mark.parametrize(("content", "message"), [
    (None, "no such baseline file (create it with --write-baseline"),
    ("{", "the baseline is not valid JSON"),
    ('{"findings": []}', "not a cwlint baseline"),
    ('{"cwlint_baseline": 1, "findings": [{"rule_id": "CWL001"}]}',
     "findings[0] has no fingerprint"),
])
def test_unusable_baseline_exits_2(tmp_path: Path, content: str | None, message: str) -> None:
    repo = make_repo(tmp_path, {"orders.yaml": ERROR})
    if content is not None:
        (repo / "baseline.json").write_text(content)
    result = cwlint("scan", "--baseline", "baseline.json", "orders.yaml", cwd=repo)
    assert result.returncode == 2
    assert result.stderr.startswith("cwlint: error: baseline.json")
    assert message in result.stderr
