"""``--format junit`` and ``--format github``, and what suppressions add to text and JSON.

JUnit: one test case per (file, rule) that ran, failures carrying the messages at or above
``--fail-on``; GitHub: workflow commands with GitHub's escaping; text: suppressed findings
only with ``--show-suppressed``; JSON: the fixed shape, suppressed findings in an
optional top-level ``suppressed`` list, never in ``findings``.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from cwlint.report.github_report import escape_data, escape_property
from cwlint.rules import DOCUMENTED as ALL_RULES  # rules and notices
from tests.gate_helpers import GATE, cwlint, make_repo

SUPPRESSIONS = "fixtures/gate/suppressions.yaml"
ERROR = "fixtures/gate/exit/error.yaml"
INFO = "fixtures/gate/exit/info-only.yaml"
BROKEN = "fixtures/gate/exit/broken.yaml"


def junit(*args: str) -> tuple[int, ET.Element]:
    result = cwlint("scan", "--format", "junit", *args)
    assert result.returncode in (0, 1, 2), result.stderr
    assert result.stdout.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    return result.returncode, ET.fromstring(result.stdout)


def cases(root: ET.Element, path: str) -> dict[str, ET.Element]:
    (suite,) = [s for s in root.iter("testsuite") if s.get("name") == path]
    return {case.get("name", "").split()[0]: case for case in suite.iter("testcase")}


# --- JUnit ---------------------------------------------------------------------------


def test_junit_has_one_case_per_file_and_rule() -> None:
    code, root = junit(ERROR, SUPPRESSIONS)
    assert code == 1
    assert root.tag == "testsuites"
    suites = [s.get("name") for s in root.iter("testsuite")]
    assert suites == [ERROR, SUPPRESSIONS]
    for path in suites:
        found = cases(root, path)
        assert list(found) == [rule.id for rule in ALL_RULES]
        assert all(c.get("classname") == path and c.get("file") == path
                   for c in found.values())
    assert root.get("tests") == str(2 * len(ALL_RULES))
    assert root.get("failures") == "2"  # CWL001 in each file


def test_junit_failure_carries_every_message() -> None:
    _code, root = junit(SUPPRESSIONS)
    failure = cases(root, SUPPRESSIONS)["CWL001"].find("failure")
    assert failure is not None
    assert failure.get("type") == "CWL001"
    assert failure.get("message", "").startswith("line 65: Lambda function NoReasonFunction")
    assert failure.get("message", "").endswith("(and 1 more)")
    text = failure.text or ""
    assert "[NoReasonFunction]" in text and "[OtherRuleFunction]" in text
    assert "fix: Add a policy to role LogsOnlyRole" in text
    assert "CwlintFunction" not in text  # suppressed
    passing = cases(root, SUPPRESSIONS)["CWL002"]
    assert passing.find("failure") is None and len(passing) == 0


def test_junit_findings_below_fail_on_do_not_fail() -> None:
    code, root = junit(INFO, "--fail-on", "warning")
    assert code == 0
    case = cases(root, INFO)["CWL001"]
    assert case.find("failure") is None
    output = case.find("system-out")
    assert output is not None and "cannot tell" in (output.text or "")
    code, root = junit(INFO, "--fail-on", "info")
    assert code == 1
    assert cases(root, INFO)["CWL001"].find("failure") is not None


def test_junit_show_suppressed_skips_fully_suppressed_cases() -> None:
    _code, root = junit(SUPPRESSIONS, "--show-suppressed")
    skipped = cases(root, SUPPRESSIONS)["CWL008"].find("skipped")
    assert skipped is not None
    assert "cfn-lint ignore_checks ECW008" in skipped.get("message", "")
    output = cases(root, SUPPRESSIONS)["CWL001"].find("system-out")
    assert output is not None and "sidecar" in (output.text or "")
    _code, root = junit(SUPPRESSIONS)
    assert cases(root, SUPPRESSIONS)["CWL008"].find("skipped") is None


def test_junit_unreadable_input_is_an_error_case() -> None:
    code, root = junit(BROKEN, ERROR)
    assert code == 2
    (suite,) = [s for s in root.iter("testsuite") if s.get("name") == "unreadable inputs"]
    (case,) = suite.iter("testcase")
    error = case.find("error")
    assert case.get("classname") == BROKEN and error is not None
    assert error.get("message", "").startswith("line 6: invalid YAML")
    assert root.get("errors") == "1"


def test_junit_is_byte_identical_across_runs() -> None:
    first = cwlint("scan", "--format", "junit", ERROR, SUPPRESSIONS).stdout
    assert first == cwlint("scan", "--format", "junit", ERROR, SUPPRESSIONS).stdout


# --- GitHub workflow commands --------------------------------------------------------


@pytest.mark.parametrize(("text", "data", "prop"), [
    ("plain", "plain", "plain"),
    ("50% done", "50%25 done", "50%25 done"),
    ("a\r\nb", "a%0D%0Ab", "a%0D%0Ab"),
    ("k: v, w", "k: v, w", "k%3A v%2C w"),
    ("%0A literal", "%250A literal", "%250A literal"),
])
def test_escaping_follows_the_actions_toolkit(text: str, data: str, prop: str) -> None:
    assert escape_data(text) == data
    assert escape_property(text) == prop


def test_github_annotations_per_severity() -> None:
    result = cwlint("scan", "--format", "github", ERROR, INFO, BROKEN)
    assert result.returncode == 2
    lines = result.stdout.splitlines()
    assert lines[0].startswith(
        f"::error file={ERROR},line=20,title=CWL001::Lambda function OrdersFunction")
    assert "%0AFix: Add a policy to role OrdersRole" in lines[0]
    assert lines[1].startswith(f"::notice file={INFO},line=34,title=CWL001::cannot tell")
    assert lines[2] == (f"::error file={BROKEN},line=6,title=cwlint::invalid YAML: did not "
                        "find expected key (while parsing a block mapping)")
    assert lines[3].startswith("3 files scanned")


def test_github_escapes_paths_and_messages(tmp_path: Path) -> None:
    template = (GATE / "exit" / "error.yaml").read_text().replace(
        "METRICS_NAMESPACE: Orders", 'METRICS_NAMESPACE: "Orders,50%:x"')
    repo = make_repo(tmp_path, {"stacks/a,b%.yaml": template})
    result = cwlint("scan", "--format", "github", "stacks", cwd=repo)
    line = result.stdout.splitlines()[0]
    assert line.startswith("::error file=stacks/a%2Cb%25.yaml,line=20,title=CWL001::")
    assert "namespace Orders,50%25:x" in line
    assert "\r" not in line


def test_github_warning_for_reasonless_suppression_and_notice_when_shown() -> None:
    lines = cwlint("scan", "--format", "github", SUPPRESSIONS).stdout.splitlines()
    assert any(line.startswith(f"::warning file={SUPPRESSIONS},line=61,"
                               "title=cwlint suppression::suppression of CWL001")
               for line in lines)
    assert not any("suppressed:" in line for line in lines)
    shown = cwlint("scan", "--format", "github", "--show-suppressed", SUPPRESSIONS).stdout
    assert f"::notice file={SUPPRESSIONS},line=44,title=CWL001::" in shown
    assert "(suppressed: publishes through the sidecar's role" in shown


def test_github_paths_are_relative_to_the_repository_root(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"infra/stacks/orders.yaml": GATE / "exit" / "error.yaml"})
    result = cwlint("scan", "--format", "github", "stacks", cwd=repo / "infra")
    assert result.stdout.startswith("::error file=infra/stacks/orders.yaml,line=20,")


# --- text and JSON -------------------------------------------------------------------


def test_text_shows_suppressed_only_when_asked() -> None:
    plain = cwlint("scan", SUPPRESSIONS)
    assert "CwlintFunction" not in plain.stdout
    assert plain.stdout.rstrip().endswith("2 errors, 0 warnings, 0 info, 0 unreadable inputs, "
                                          "3 suppressed")
    assert "has no reason, so it is not applied" in plain.stderr
    shown = cwlint("scan", "--show-suppressed", SUPPRESSIONS).stdout
    assert (f"{SUPPRESSIONS}:44:7: CWL001 suppressed: Lambda function CwlintFunction"
            in shown)
    assert "    Metadata.cwlint.ignore: publishes through the sidecar's role" in shown
    assert "    checkov:skip comment: metrics are disabled in this account" in shown


def test_json_keeps_its_shape_and_lists_suppressed_apart() -> None:
    document = json.loads(cwlint("scan", "--format", "json", SUPPRESSIONS).stdout)
    assert list(document) == ["version", "findings", "errors", "summary", "suppressed",
                              "notices", "fixes"]
    # the suppressed typo's safe fix, as data, for `cwlint report`'s SARIF fixes
    (fix,) = document["fixes"]
    assert document[fix["in"]][fix["index"]]["rule_id"] == "CWL008"
    assert fix["applicability"] == "safe" and fix["changes"][0]["kind"] == "replace_literal"
    assert {f["resource"] for f in document["findings"]} == {"NoReasonFunction",
                                                             "OtherRuleFunction"}
    assert document["summary"] == {"files": 1, "findings": 2, "errors": 0}
    entry = next(s for s in document["suppressed"] if s["resource"] == "CheckovFunction")
    assert entry["suppression"] == {"kind": "inline", "source": "checkov:skip comment",
                                    "justification": "metrics are disabled in this account"}
    assert set(entry) == {"rule_id", "severity", "message", "file", "line", "column",
                          "resource", "related", "fix", "suppression"}


def test_json_without_suppressions_is_exactly_the_fixed_shape() -> None:
    document = json.loads(cwlint("scan", "--format", "json", ERROR).stdout)
    assert list(document) == ["version", "findings", "errors", "summary"]
    hidden = json.loads(cwlint("scan", "--format", "json", "--hide-suppressed",
                               SUPPRESSIONS).stdout)
    assert "suppressed" not in hidden


def test_show_and_hide_suppressed_are_exclusive() -> None:
    result = cwlint("scan", "--show-suppressed", "--hide-suppressed", ERROR)
    assert result.returncode == 2
    assert "not allowed with argument" in result.stderr


def test_json_is_byte_identical_across_runs() -> None:
    args = ("scan", "--format", "json", SUPPRESSIONS, ERROR, INFO, BROKEN)
    first = cwlint(*args)
    assert first.returncode == 2
    assert first.stdout == cwlint(*args).stdout
