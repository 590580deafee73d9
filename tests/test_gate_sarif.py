"""``cwlint scan --format sarif``: valid SARIF 2.1.0 that GitHub code scanning accepts.

Every document is validated against the official OASIS schema (read from ../shared, never
copied into the project). GitHub's documented requirements are checked one by one: rule
short/full descriptions and help, result message, one location with a full region
(start/end line and column) relative to the repository root, fingerprints, and limits
(25,000 results per run, 1,024-character descriptions, at most 10 displayed tags).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from cwlint.rules import DOCUMENTED as ALL_RULES  # rules and notices
from tests.gate_helpers import GATE, ROOT, cwlint, make_repo, sarif_schema, scan_sarif

FIXTURES = [
    "fixtures/gate/suppressions.yaml",
    "fixtures/gate/exit/error.yaml",
    "fixtures/cwl008/fail-put-log-event/template.yaml",
    "fixtures/cwl007/fail-permissions-boundary/template.yaml",
]


def validate(document: dict[str, Any]) -> None:
    jsonschema.validate(document, sarif_schema())


def results_by_rule(document: dict[str, Any], rule_id: str) -> list[dict[str, Any]]:
    return [r for r in document["runs"][0]["results"] if r["ruleId"] == rule_id]


@pytest.fixture(scope="module")
def sarif() -> dict[str, Any]:
    return scan_sarif(*FIXTURES)


def test_validates_against_the_official_schema(sarif: dict[str, Any]) -> None:
    validate(sarif)
    assert sarif["version"] == "2.1.0"
    assert sarif["$schema"].endswith("sarif-schema-2.1.0.json")
    assert len(sarif["runs"]) == 1


def test_driver_describes_every_rule_as_github_requires(sarif: dict[str, Any]) -> None:
    driver = sarif["runs"][0]["tool"]["driver"]
    assert driver["name"] == "cwlint" and driver["semanticVersion"]
    assert [r["id"] for r in driver["rules"]] == [rule.id for rule in ALL_RULES]
    for rule, descriptor in zip(ALL_RULES, driver["rules"], strict=True):
        assert descriptor["name"] == rule.name and len(descriptor["name"]) <= 255
        assert descriptor["shortDescription"]["text"] == rule.title
        assert 0 < len(descriptor["fullDescription"]["text"]) <= 1024
        assert 0 < len(descriptor["shortDescription"]["text"]) <= 1024
        assert descriptor["help"]["text"] and descriptor["help"]["markdown"]
        assert descriptor["helpUri"] == rule.help_uri()  # its page: tests/test_docs.py
        assert descriptor["defaultConfiguration"]["level"] in ("error", "warning", "note")
        tags = descriptor["properties"]["tags"]
        assert "cloudwatch" in tags and 0 < len(tags) <= 10
        assert descriptor["properties"]["cfn-lint-id"] == rule.cfn_lint_id()
        assert descriptor["properties"]["checkov-id"] == rule.checkov_id()


def test_results_have_full_relative_locations(sarif: dict[str, Any]) -> None:
    rules = sarif["runs"][0]["tool"]["driver"]["rules"]
    results = sarif["runs"][0]["results"]
    assert results
    for result in results:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["message"]["text"]
        assert result["level"] in ("error", "warning", "note")
        (location,) = result["locations"]
        artifact = location["physicalLocation"]["artifactLocation"]
        assert artifact["uriBaseId"] == "%SRCROOT%"
        assert artifact["uri"].startswith("fixtures/") and (ROOT / artifact["uri"]).is_file()
        region = location["physicalLocation"]["region"]
        assert set(region) == {"startLine", "startColumn", "endLine", "endColumn"}
        assert region["endColumn"] > region["startColumn"] >= 1
        assert location["logicalLocations"][0]["name"]
        assert len(result["partialFingerprints"]["cwlintFindingHash/v1"]) == 64


def test_region_spans_the_reported_line(sarif: dict[str, Any]) -> None:
    (result,) = [r for r in results_by_rule(sarif, "CWL001")
                 if r["locations"][0]["logicalLocations"][0]["name"] == "OrdersFunction"]
    region = result["locations"][0]["physicalLocation"]["region"]
    line = (GATE / "exit" / "error.yaml").read_text().splitlines()[region["startLine"] - 1]
    assert line[region["startColumn"] - 1:region["endColumn"] - 1] == line.strip()


def test_related_locations_point_at_role_and_are_linked(sarif: dict[str, Any]) -> None:
    (result,) = [r for r in results_by_rule(sarif, "CWL007")]
    related = {r["message"]["text"]: r for r in result["relatedLocations"]}
    assert set(related) == {"OrdersRole", "DeveloperBoundary"}
    role = related["OrdersRole"]
    assert role["physicalLocation"]["region"]["startLine"] == 22
    assert f"[OrdersRole]({role['id']})" in result["message"]["text"]


def test_fix_text_is_in_the_message(sarif: dict[str, Any]) -> None:
    (result,) = [r for r in results_by_rule(sarif, "CWL001")
                 if "error.yaml" in r["locations"][0]["physicalLocation"]["artifactLocation"]
                 ["uri"]]
    assert "\n\nFix: Add a policy to role OrdersRole:" in result["message"]["text"]
    assert "fixes" not in result  # no exact edit is known for an added statement


def test_typo_fix_is_a_valid_replacement(sarif: dict[str, Any]) -> None:
    (result,) = [r for r in results_by_rule(sarif, "CWL008") if not r["suppressions"]]
    (fix,) = result["fixes"]
    (change,) = fix["artifactChanges"]
    path = ROOT / change["artifactLocation"]["uri"]
    lines = path.read_text().splitlines()
    for replacement in change["replacements"]:
        region = replacement["deletedRegion"]
        line = lines[region["startLine"] - 1]
        start, end = region["startColumn"] - 1, region["endColumn"] - 1
        assert line[start:end] == "logs:PutLogEvent"
        lines[region["startLine"] - 1] = (line[:start] + replacement["insertedContent"]["text"]
                                          + line[end:])
    assert "              - logs:PutLogEvents" in lines


def test_inline_suppressions_carry_their_justification(sarif: dict[str, Any]) -> None:
    suppressed = {r["locations"][0]["logicalLocations"][0]["name"]: r["suppressions"]
                  for r in sarif["runs"][0]["results"] if r["suppressions"]}
    assert set(suppressed) == {"TypoPolicy", "CwlintFunction", "CheckovFunction"}
    for suppressions in suppressed.values():
        assert suppressions[0]["kind"] == "inSource"
        assert suppressions[0]["status"] == "accepted"
    assert suppressed["CwlintFunction"][0]["justification"].startswith(
        "publishes through the sidecar's role")
    # SARIF: suppressions on all results or none: the others carry an empty list
    assert all("suppressions" in r for r in sarif["runs"][0]["results"])


def test_reasonless_suppression_is_a_configuration_notification(sarif: dict[str, Any]
                                                                 ) -> None:
    notifications = sarif["runs"][0]["invocations"][0]["toolConfigurationNotifications"]
    (notice,) = notifications
    assert notice["level"] == "warning"
    assert "has no reason" in notice["message"]["text"]
    assert notice["locations"][0]["physicalLocation"]["region"]["startLine"] == 61


def test_hide_suppressed_leaves_them_out() -> None:
    document = scan_sarif("--hide-suppressed", "fixtures/gate/suppressions.yaml")
    validate(document)
    assert all(not r["suppressions"] for r in document["runs"][0]["results"])
    assert len(document["runs"][0]["results"]) == 2


def test_fingerprints_survive_line_moves_and_reformatting(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"stacks/orders.yaml": GATE / "exit" / "error.yaml"})
    before = scan_sarif("stacks", cwd=repo)["runs"][0]["results"]
    path = repo / "stacks" / "orders.yaml"
    text = path.read_text().replace("Resources:\n", "Resources:\n  # moved\n\n\n", 1)
    text = text.replace("Environment: {Variables: {METRICS_NAMESPACE: Orders}}",
                        "Environment:\n        Variables:\n          METRICS_NAMESPACE: 'Orders'")
    path.write_text(text)
    after = scan_sarif("./stacks/orders.yaml", cwd=repo)["runs"][0]["results"]
    assert [r["partialFingerprints"] for r in before] == \
        [r["partialFingerprints"] for r in after]
    line = [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in (
        before[0], after[0])]
    assert line[1] == line[0] + 3
    assert after[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == \
        "stacks/orders.yaml"


def test_input_errors_are_execution_notifications() -> None:
    result = cwlint("scan", "--format", "sarif", "fixtures/gate/exit/broken.yaml",
                    "fixtures/gate/exit/error.yaml")
    assert result.returncode == 2
    document = json.loads(result.stdout)
    validate(document)
    invocation = document["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    (notification,) = invocation["toolExecutionNotifications"]
    assert notification["level"] == "error"
    assert "invalid YAML" in notification["message"]["text"]
    location = notification["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "fixtures/gate/exit/broken.yaml"
    assert location["region"]["startLine"] == 6
    assert len(document["runs"][0]["results"]) == 1  # the readable file is still reported


def test_clean_scan_is_an_empty_run_with_all_rules() -> None:
    document = scan_sarif("fixtures/gate/exit/clean.yaml")
    validate(document)
    run = document["runs"][0]
    assert run["results"] == []
    assert len(run["tool"]["driver"]["rules"]) == len(ALL_RULES)
    assert run["invocations"][0]["executionSuccessful"] is True


def test_files_outside_the_repository_get_absolute_uris(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    shutil.copyfile(GATE / "exit" / "error.yaml", outside / "orders.yaml")
    repo = make_repo(tmp_path, {})
    document = scan_sarif(str(outside / "orders.yaml"), cwd=repo)
    validate(document)
    artifact = document["runs"][0]["results"][0]["locations"][0]["physicalLocation"][
        "artifactLocation"]
    assert artifact["uri"] == (outside / "orders.yaml").as_uri()
    assert "uriBaseId" not in artifact


def test_output_is_byte_identical_across_runs(tmp_path: Path) -> None:
    outputs = []
    for number in range(2):
        target = tmp_path / f"run{number}.sarif"
        result = cwlint("scan", "--format", "sarif", "--output", str(target), *FIXTURES)
        assert result.returncode == 1, result.stderr
        outputs.append(target.read_bytes())
    assert outputs[0] == outputs[1]
