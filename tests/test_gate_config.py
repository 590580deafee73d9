"""The configuration file, as a user writes it: ``.cwlint.yaml`` or ``[tool.cwlint]``.

Discovery from the scanned paths upward (stopping at the repository root), ``--config``,
validation (unknown keys and bad values exit 2 naming the file and the key), and each
key's effect on a real scan: rule selection, severities, strict signals, declared
namespaces, region/account, exclusions, SCPs and permissions boundaries from outside the
templates, and the defaults of ``--fail-on`` and ``--baseline``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.gate_helpers import GATE, ROOT, cwlint, make_repo

ERROR = GATE / "exit" / "error.yaml"
STRICT = GATE / "strict" / "stack.yaml"
AGENT_CONFIG = (ROOT / "fixtures" / "cwl005" / "fail-agent-config-ssm-retention-asg"
                / "template.yaml")
EXTERNAL = GATE / "external"


def findings(repo: Path, *args: str, cwd: Path | None = None) -> tuple[int, list[dict[str, Any]]]:
    result = cwlint("scan", "--format", "json", *args, cwd=cwd or repo)
    assert result.returncode in (0, 1), result.stderr
    return result.returncode, json.loads(result.stdout)["findings"]


def rules_found(repo: Path, *args: str) -> list[tuple[str, str, str]]:
    _code, found = findings(repo, *args)
    return [(f["rule_id"], f["severity"], f["resource"]) for f in found]


# --- discovery -----------------------------------------------------------------------


def test_cwlint_yaml_found_from_the_scanned_path_upward(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"infra/stacks/orders.yaml": ERROR,
                                ".cwlint.yaml": "disable: [CWL001]\n"})
    assert rules_found(repo, "infra/stacks") == []
    assert rules_found(repo, "infra/stacks/orders.yaml") == []
    assert findings(repo, "stacks", cwd=repo / "infra")[1] == []


def test_search_stops_at_the_repository_root(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"stacks/orders.yaml": ERROR})
    (tmp_path / ".cwlint.yaml").write_text("disable: [CWL001]\n")  # above the repository
    assert rules_found(repo, "stacks") == [("CWL001", "error", "OrdersFunction")]


def test_pyproject_tool_table(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {
        "stacks/orders.yaml": ERROR,
        "pyproject.toml": '[project]\nname = "x"\n\n[tool.cwlint]\nfail-on = "warning"\n\n'
                          '[tool.cwlint.severity]\nCWL001 = "warning"\n'})
    code, found = findings(repo, "stacks")
    assert [(f["rule_id"], f["severity"]) for f in found] == [("CWL001", "warning")]
    assert code == 1  # fail_on: warning from the configuration


def test_cwlint_yaml_wins_over_pyproject_and_plain_pyproject_is_skipped(tmp_path: Path
                                                                        ) -> None:
    repo = make_repo(tmp_path, {
        "stacks/orders.yaml": ERROR,
        ".cwlint.yaml": "severity: {CWL001: info}\n",
        "pyproject.toml": '[tool.cwlint]\nseverity = {CWL001 = "warning"}\n',
        "stacks/pyproject.toml": '[project]\nname = "no cwlint table"\n'})
    assert rules_found(repo, "stacks") == [("CWL001", "info", "OrdersFunction")]


def test_a_pyproject_that_only_mentions_the_table_is_skipped(tmp_path: Path) -> None:
    """A comment or a string naming [tool.cwlint] is not a cwlint table (this project's own
    pyproject.toml says `[tool.cwlint]` in a dependency's comment)."""
    repo = make_repo(tmp_path, {
        "stacks/orders.yaml": ERROR,
        "pyproject.toml": '[project]\ndependencies = [\n  "tomli",  # [tool.cwlint] on 3.10\n]'
                          '\ndescription = "see [tool.cwlint] and tool.cwlint.x"\n'})
    assert rules_found(repo, "stacks") == [("CWL001", "error", "OrdersFunction")]


def test_config_option_overrides_discovery(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"stacks/orders.yaml": ERROR,
                                ".cwlint.yaml": "disable: [CWL001]\n",
                                "ci/strict.yaml": "severity: {ECW001: warning}\n",
                                "ci/pyproject.toml": "[tool.cwlint]\nenable = ['CWL004']\n"})
    assert rules_found(repo, "--config", "ci/strict.yaml", "stacks") == [
        ("CWL001", "warning", "OrdersFunction")]
    assert rules_found(repo, "--config", "ci/pyproject.toml", "stacks") == []


# --- validation ----------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    ("disabel: [CWL001]\n", "unknown key 'disabel' (known keys: account_id, baseline,"),
    ("severity: {CWL999: error}\n", "severity.CWL999: no rule 'CWL999'"),
    ("severity: {CWL001: fatal}\n", "severity.CWL001: expected error, warning or info"),
    ("strict: yes please\n", "strict: expected true or false"),
    ("enable: CWL0001\n", "enable[0]: no rule 'CWL0001'"),
    ("exclude: {a: b}\n", "exclude: expected a list of strings"),
    ("namespaces: [Orders]\n", "namespaces: expected a mapping"),
    ("account_id: '12345'\n", "account_id: expected a 12-digit AWS account id"),
    ("fail_on: sometimes\n", "fail_on: expected one of error, warning, info, never"),
    ("scps: [missing.json]\n", "scps[0]: "),
    ("permissions_boundaries: {B: missing.json}\n", "permissions_boundaries.B: "),
    ("- a list\n", "the configuration must be a mapping of keys"),
    ("strict: [\n", ":2: invalid YAML"),
])
def test_invalid_configuration_exits_2_naming_file_and_key(tmp_path: Path, text: str,
                                                           expected: str) -> None:
    repo = make_repo(tmp_path, {"stacks/orders.yaml": ERROR, ".cwlint.yaml": text})
    result = cwlint("scan", "stacks", cwd=repo)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith("cwlint: error: .cwlint.yaml")
    assert expected in result.stderr


def test_invalid_pyproject_key_names_the_table(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"stacks/orders.yaml": ERROR,
                                "pyproject.toml": "[tool.cwlint]\nbogus = 1\n"})
    result = cwlint("scan", "stacks", cwd=repo)
    assert result.returncode == 2
    assert result.stderr.startswith("cwlint: error: pyproject.toml: [tool.cwlint]: unknown "
                                     "key 'bogus'")


def test_missing_config_file_exits_2(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"stacks/orders.yaml": ERROR})
    result = cwlint("scan", "--config", "nope.yaml", "stacks", cwd=repo)
    assert result.returncode == 2
    assert "nope.yaml: no such configuration file" in result.stderr
    result = cwlint("scan", "--config", "pyproject.toml", "stacks", cwd=make_repo(
        tmp_path / "b", {"pyproject.toml": "[project]\nname = 'x'\n"}))
    assert result.returncode == 2 and "no [tool.cwlint] table" in result.stderr


# --- what each key does --------------------------------------------------------------


@pytest.mark.parametrize(("config", "expected"), [
    ("disable: [CWL001]", []),
    ("disable: [CKV_CWL_001]", []),
    ("enable: [CWL004, CWL005]", []),
    ("enable: [ECW001]", [("CWL001", "error", "OrdersFunction")]),
    ("severity: {CWL001: warning}", [("CWL001", "warning", "OrdersFunction")]),
])
def test_rule_selection_and_severity(tmp_path: Path, config: str,
                                     expected: list[tuple[str, str, str]]) -> None:
    repo = make_repo(tmp_path, {"orders.yaml": ERROR, ".cwlint.yaml": config + "\n"})
    assert rules_found(repo, "orders.yaml") == expected


def test_severity_override_keeps_unknowns_info(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"orders.yaml": GATE / "exit" / "info-only.yaml",
                                ".cwlint.yaml": "severity: {CWL001: error}\n"})
    assert rules_found(repo, "orders.yaml") == [("CWL001", "info", "OrdersFunction")]


def test_strict_signals(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"stack.yaml": STRICT})
    assert rules_found(repo, "stack.yaml") == []
    (repo / ".cwlint.yaml").write_text("strict: true\n")
    _code, found = findings(repo, "stack.yaml")
    assert [(f["rule_id"], f["resource"]) for f in found] == [
        ("CWL001", "ReportFunction"), ("CWL005", "WorkerInstance")]
    assert "strict mode" in found[0]["message"]
    # no namespace is known in strict mode: the statement has no namespace condition
    assert found[0]["fix"].endswith(
        "- Effect: Allow\n            Action: cloudwatch:PutMetricData\n"
        "            Resource: '*'")
    assert "no instance profile" in found[1]["message"]


def test_strict_mode_with_namespace_conditions_is_unknown(tmp_path: Path) -> None:
    template = STRICT.read_text().replace(
        'Action: cloudwatch:PutMetricData\n                Resource: "*"',
        'Action: cloudwatch:PutMetricData\n                Resource: "*"\n'
        '                Condition: {StringEquals: {cloudwatch:namespace: Reports}}')
    repo = make_repo(tmp_path, {"stack.yaml": template, ".cwlint.yaml": "strict: true\n"})
    assert ("CWL001", "info", "PublisherFunction") in rules_found(repo, "stack.yaml")


def test_declared_namespaces(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"stack.yaml": STRICT, ".cwlint.yaml":
                                "namespaces:\n  ReportFunction: [Reports, Audit]\n"
                                "  PublisherFunction: Publishing\n"})
    _code, found = findings(repo, "stack.yaml")
    assert [(f["rule_id"], f["resource"]) for f in found] == [("CWL001", "ReportFunction")]
    assert "namespace Audit" in found[0]["message"] and "Reports" in found[0]["message"]


def test_region_and_account(tmp_path: Path) -> None:
    # The agent's configuration sets a retention on /app/application: the fix grants
    # logs calls on that group's ARN, in the configured region and account.
    repo = make_repo(tmp_path, {"stack.yaml": AGENT_CONFIG, ".cwlint.yaml":
                                "region: eu-west-1\naccount_id: '111122223333'\n"})
    _code, found = findings(repo, "stack.yaml")
    assert "arn:aws:logs:eu-west-1:111122223333:log-group:/app/application:*" in found[0]["fix"]
    _code, found = findings(repo, "--region", "ap-south-1", "stack.yaml")
    assert "arn:aws:logs:ap-south-1:111122223333:log-group:/app/application:*" in (
        found[0]["fix"])


def test_exclude_patterns(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {
        "stacks/orders.yaml": ERROR,
        "cdk.out/Orders.template.json": ERROR.read_text(),
        "legacy/old/orders.yaml": ERROR,
        "stacks/orders.generated.yaml": ERROR,
        ".cwlint.yaml": "exclude: [cdk.out, 'legacy/**', '*.generated.yaml']\n"})
    result = cwlint("scan", "--format", "json", ".", cwd=repo)
    document = json.loads(result.stdout)
    assert [f["file"] for f in document["findings"]] == ["./stacks/orders.yaml"]
    assert document["summary"]["files"] == 1
    explicit = cwlint("scan", "--format", "json", "legacy/old/orders.yaml",
                      "stacks/orders.yaml", cwd=repo)
    assert [f["file"] for f in json.loads(explicit.stdout)["findings"]] == [
        "stacks/orders.yaml"]


def test_scps_and_permissions_boundary_from_files(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {
        "stack.yaml": EXTERNAL / "stack.yaml",
        "policies/boundary.json": EXTERNAL / "developer-boundary.json",
        "policies/scp.json": EXTERNAL / "org-scp.json"})
    assert {r[1] for r in rules_found(repo, "stack.yaml")} == {"info"}
    (repo / ".cwlint.yaml").write_text(
        "scps: [policies/scp.json]\n"
        "permissions-boundaries: {DeveloperBoundary: policies/boundary.json}\n")
    _code, found = findings(repo, "stack.yaml")
    assert [(f["rule_id"], f["severity"]) for f in found] == [("CWL007", "error")]
    message = found[0]["message"]
    assert "permissions boundary DeveloperBoundary, which does not allow it" in message
    assert "Deny NoNewLogGroups of policies/scp.json in service control policies" in message


def test_boundary_by_full_arn_must_match_exactly(tmp_path: Path) -> None:
    arn = "arn:aws:iam::123456789012:policy/DeveloperBoundary"
    repo = make_repo(tmp_path, {"stack.yaml": EXTERNAL / "stack.yaml",
                                "b.json": EXTERNAL / "developer-boundary.json",
                                ".cwlint.yaml": f"permissions_boundaries: {{'{arn}': b.json}}\n"})
    assert rules_found(repo, "stack.yaml") == [("CWL007", "error", "OrdersFunction")]
    assert {r[1] for r in rules_found(repo, "--account-id", "999999999999", "stack.yaml")} \
        == {"info"}


def test_fail_on_and_baseline_defaults(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"stacks/orders.yaml": ERROR,
                                ".cwlint.yaml": "fail_on: never\n"})
    assert cwlint("scan", "stacks", cwd=repo).returncode == 0
    assert cwlint("scan", "--fail-on", "error", "stacks", cwd=repo).returncode == 1
    (repo / ".cwlint.yaml").write_text("baseline: .cwlint-baseline.json\n")
    missing = cwlint("scan", "stacks", cwd=repo)
    assert missing.returncode == 2 and "no such baseline file" in missing.stderr
    assert cwlint("scan", "--write-baseline", ".cwlint-baseline.json", "stacks",
                  cwd=repo).returncode == 0
    assert cwlint("scan", "stacks", cwd=repo).returncode == 0
