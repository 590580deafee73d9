"""Inline suppressions with a required reason.

CloudFormation through the installed command: ``Metadata.cwlint.ignore`` (reason
required), cfn-lint's ``ignore_checks`` (resource-level exact ids, template-level
prefixes), checkov's ``checkov:skip`` comments. A cwlint suppression without a reason is
not applied and is reported as a warning. Terraform comments through
:func:`cwlint.suppressions.terraform_suppressions`, on ``.tf`` text, ready for the
Terraform front end.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from cwlint.findings import Finding
from cwlint.suppressions import terraform_suppressions
from tests.gate_helpers import GATE, cwlint, make_repo

ERROR = (GATE / "exit" / "error.yaml").read_text()
FUNCTION_LINE = "  OrdersFunction:\n    Type: AWS::Lambda::Function\n"


def with_metadata(metadata: str) -> str:
    """The CWL001 fixture with ``metadata`` (YAML lines) on OrdersFunction."""
    return ERROR.replace(FUNCTION_LINE, FUNCTION_LINE + metadata)


def scan(tmp_path: Path, template: str, name: str = "stack.yaml"
         ) -> tuple[int, dict[str, Any], str]:
    repo = make_repo(tmp_path, {name: template})
    result = cwlint("scan", "--format", "json", name, cwd=repo)
    assert result.returncode in (0, 1), result.stderr
    return result.returncode, json.loads(result.stdout), result.stderr


@pytest.mark.parametrize("metadata", [
    "    Metadata:\n      cwlint:\n        ignore:\n"
    "          - {rule: CWL001, reason: published by the sidecar}\n",
    "    Metadata:\n      cwlint:\n        ignore:\n"
    "          - rule: [ECW004, CKV_CWL_001]\n            reason: published by the sidecar\n",
    "    Metadata:\n      cfn-lint:\n        config:\n          ignore_checks: [E3012, ECW001]\n",
    "    # checkov:skip=CKV_CWL_001:published by the sidecar\n",
    "    # checkov:skip=CKV_CWL_001\n",
], ids=["cwlint", "cwlint-list-of-ids", "cfn-lint", "checkov", "checkov-without-reason"])
def test_each_syntax_suppresses(tmp_path: Path, metadata: str) -> None:
    code, document, stderr = scan(tmp_path, with_metadata(metadata))
    assert code == 0
    assert document["findings"] == []
    (entry,) = document["suppressed"]
    assert entry["rule_id"] == "CWL001" and entry["suppression"]["kind"] == "inline"
    assert entry["suppression"]["justification"]
    assert stderr == ""


@pytest.mark.parametrize(("metadata", "warning"), [
    ("    Metadata:\n      cwlint:\n        ignore:\n          - rule: CWL001\n",
     "suppression of CWL001 on OrdersFunction has no reason, so it is not applied"),
    ("    Metadata:\n      cwlint:\n        ignore:\n          - {rule: CWL001, reason: '  '}\n",
     "has no reason, so it is not applied"),
    ("    Metadata:\n      cwlint:\n        ignore: [CWL001]\n",
     "suppression 'CWL001' on OrdersFunction is not applied: write {rule: CWL001, reason:"),
    ("    Metadata:\n      cwlint:\n        ignore:\n          - {rule: CWL01, reason: typo}\n",
     "suppression on OrdersFunction names no rule 'CWL01'"),
    ("    Metadata:\n      cwlint:\n        ignore:\n          - {rules: CWL001, reason: x}\n",
     "suppression on OrdersFunction has unknown key 'rules'"),
    ("    Metadata:\n      cwlint:\n        ignore: {rule: CWL001, reason: x}\n",
     "Metadata.cwlint.ignore of OrdersFunction must be a list"),
], ids=["no-reason", "blank-reason", "bare-id", "unknown-rule", "unknown-key", "not-a-list"])
def test_invalid_suppressions_are_reported_and_not_applied(tmp_path: Path, metadata: str,
                                                           warning: str) -> None:
    code, document, stderr = scan(tmp_path, with_metadata(metadata))
    assert code == 1
    assert [f["rule_id"] for f in document["findings"]] == ["CWL001"]
    assert "suppressed" not in document
    assert stderr.startswith("cwlint: warning: stack.yaml:")
    assert warning in stderr


def test_suppression_applies_only_to_its_resource_and_rule(tmp_path: Path) -> None:
    template = ERROR.replace(
        "  OrdersRole:\n    Type: AWS::IAM::Role\n",
        "  OrdersRole:\n    Type: AWS::IAM::Role\n    Metadata:\n      cwlint:\n        ignore:\n"
        "          - {rule: CWL001, reason: on the role, where CWL001 is never reported}\n")
    code, document, _stderr = scan(tmp_path, template)
    assert code == 1 and [f["resource"] for f in document["findings"]] == ["OrdersFunction"]
    code, document, _stderr = scan(tmp_path / "b", with_metadata(
        "    Metadata:\n      cwlint:\n        ignore:\n"
        "          - {rule: CWL004, reason: another rule}\n"))
    assert code == 1 and [f["rule_id"] for f in document["findings"]] == ["CWL001"]


def test_cfn_lint_resource_ids_are_exact_template_ids_are_prefixes(tmp_path: Path) -> None:
    prefix_on_resource = with_metadata(
        "    Metadata:\n      cfn-lint:\n        config:\n          ignore_checks: [ECW]\n")
    code, document, _stderr = scan(tmp_path, prefix_on_resource)
    assert code == 1 and document["findings"]
    template_level = ERROR.replace(
        "Resources:\n", "Metadata:\n  cfn-lint:\n    config:\n      ignore_checks: [ECW]\n"
        "Resources:\n", 1)
    code, document, _stderr = scan(tmp_path / "b", template_level)
    assert code == 0 and document["findings"] == []
    assert document["suppressed"][0]["suppression"]["justification"] == \
        "template-level cfn-lint ignore_checks ECW"


def test_checkov_comment_outside_the_resource_does_not_count(tmp_path: Path) -> None:
    template = ERROR.replace("  OrdersRole:\n", "  # checkov:skip=CKV_CWL_001:on the role\n"
                             "  OrdersRole:\n")
    code, document, _stderr = scan(tmp_path, template)
    assert code == 1 and [f["resource"] for f in document["findings"]] == ["OrdersFunction"]


def test_json_template_metadata(tmp_path: Path) -> None:
    import yaml  # the JSON twin of the YAML fixture
    document = yaml.safe_load(with_metadata(
        "    Metadata:\n      cwlint:\n        ignore:\n"
        "          - {rule: CWL001, reason: published by the sidecar}\n"
    ).replace("!GetAtt OrdersRole.Arn", "{'Fn::GetAtt': [OrdersRole, Arn]}"))
    code, result, _stderr = scan(tmp_path, json.dumps(document, indent=2), "stack.json")
    assert code == 0 and result["suppressed"][0]["resource"] == "OrdersFunction"


# --- Terraform -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def terraform() -> tuple[Any, list[Any]]:
    path = GATE / "terraform" / "suppressions.tf"
    return terraform_suppressions(path.read_text(), "suppressions.tf")


def finding(resource: str, rule_id: str = "CWL001") -> Finding:
    return Finding(rule_id, "error", "m", "suppressions.tf", 1, resource)


@pytest.mark.parametrize(("resource", "rule_id", "reason"), [
    ("aws_lambda_function.orders", "CWL001", "metrics go through the sidecar's role"),
    ("aws_lambda_function.payments", "CWL001", "legacy, replaced in Q3"),
    ("aws_lambda_function.payments", "CWL004", "legacy, replaced in Q3"),
    ("aws_iam_role_policy.typo", "CWL008", "the typo is in a policy nobody attaches"),
    ("module.batch.aws_ecs_task_definition.job", "CWL021",
     "task definitions of this module ship logs elsewhere"),
    ("data.aws_iam_policy_document.doc", "CWL008", "data sources have addresses too"),
    ("module.app.aws_lambda_function.orders[0]", "CWL001",
     "metrics go through the sidecar's role"),
])
def test_terraform_comments_suppress(terraform: tuple[Any, list[Any]], resource: str,
                                     rule_id: str, reason: str) -> None:
    index, _notices = terraform
    suppression = index.match(finding(resource, rule_id))
    assert suppression is not None and suppression.justification == reason


@pytest.mark.parametrize(("resource", "rule_id"), [
    ("aws_lambda_function.orders", "CWL004"),  # another rule
    ("aws_lambda_function.no_reason", "CWL001"),  # no reason: not applied
    ("aws_instance.worker", "CWL005"),  # unknown rule id
    ("aws_instance.separated", "CWL005"),  # a blank line detaches the comment
    ("module.app.aws_lambda_function.x", "CWL001"),  # inside the block does not count
    ("aws_iam_role_policy.typo", "CWL001"),  # checkov skip names CKV_CWL_008 only
])
def test_terraform_comments_that_do_not_apply(terraform: tuple[Any, list[Any]],
                                              resource: str, rule_id: str) -> None:
    index, _notices = terraform
    assert index.match(finding(resource, rule_id)) is None


def test_terraform_problems_are_reported(terraform: tuple[Any, list[Any]]) -> None:
    _index, notices = terraform
    assert [(n.line, n.message.split(" on ")[0]) for n in notices] == [
        (22, "cwlint:ignore CWL001"),
        (38, "cwlint:ignore"),
        (43, "cwlint:ignore is not"),
        (50, "cwlint:ignore is not"),
    ]
    assert "has no reason, so it is not applied" in notices[0].message
    assert "names no rule 'CWL999'" in notices[1].message


def test_terraform_heredocs_strings_and_comments_do_not_confuse_blocks() -> None:
    text = '''resource "aws_iam_policy" "p" {
  policy = <<-POLICY
    resource "aws_lambda_function" "fake" {
    }
  POLICY
  name = "a } b"
  /* } */
}
# cwlint:ignore CWL001 real block after the heredoc
resource "aws_lambda_function" "real" {
}
'''
    index, notices = terraform_suppressions(text, "main.tf")
    assert notices == []
    assert list(index.by_resource) == ["aws_lambda_function.real"]
