"""Terraform's JSON syntax (``.tf.json``, as CDK for Terraform writes it), alone or mixed
with ``.tf`` files in one module, and the files Terraform does not read (``.example.tf``).

The fixtures of ``fixtures/terraform/json/`` were checked with ``terraform validate``
when they were written; ``fixtures/terraform/plan-real/`` holds the plans real Terraform
(1.11, AWS provider 5.100, offline) made of the new fixtures, with
``scripts/terraform_plans.py``.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cwlint.terraform.attributes import Environment
from cwlint.terraform.modules import read_configuration

ROOT = Path(__file__).resolve().parent.parent
JSON = ROOT / "fixtures" / "terraform" / "json"


def scan(*paths: str | Path, cwd: Path = ROOT) -> tuple[int, dict]:
    result = subprocess.run([sys.executable, "-m", "cwlint", "scan", "--format", "json",
                             *map(str, paths)], capture_output=True, text=True, cwd=cwd,
                            timeout=300)
    assert "Traceback" not in result.stderr, result.stderr
    return result.returncode, json.loads(result.stdout)


def test_a_cdk_for_terraform_stack_is_analysed() -> None:
    code, report = scan("fixtures/terraform/json/cdktf-cwl001-fail")
    assert code == 1 and report["errors"] == []
    assert [(f["rule_id"], f["resource"], f["file"], f["line"]) for f in report["findings"]] == [
        ("CWL001", "aws_lambda_function.orders",
         "fixtures/terraform/json/cdktf-cwl001-fail/cdk.tf.json", 37)]
    assert "namespace Orders" in report["findings"][0]["message"]


def test_tf_and_tf_json_files_are_one_module(tmp_path: Path) -> None:
    code, report = scan("fixtures/terraform/json/mixed-cwl001-pass")
    assert (code, report["errors"], report["findings"]) == (0, [], [])
    # the same module publishing to another namespace than its policy allows: CWL002
    module = tmp_path / "mixed"
    shutil.copytree(JSON / "mixed-cwl001-pass", module)
    document = json.loads((module / "main.tf.json").read_text())
    document["resource"]["aws_lambda_function"]["orders"]["environment"]["variables"][
        "METRICS_NAMESPACE"] = "Billing"
    (module / "main.tf.json").write_text(json.dumps(document, indent=2))
    code, report = scan(module)
    assert [(f["rule_id"], f["resource"]) for f in report["findings"]] == [
        ("CWL002", "aws_lambda_function.orders")]
    assert report["findings"][0]["file"].endswith("main.tf.json")


def test_json_values_blocks_and_templates(tmp_path: Path) -> None:
    (tmp_path / "main.tf.json").write_text(json.dumps({
        "//": "a comment",
        "variable": {"names": {"default": ["a", "b"]}},
        "locals": [{"prefix": "app"}, {"doc": "${jsonencode({\"k\" = local.prefix})}"}],
        "provider": {"aws": [{"region": "eu-west-1"}, {"alias": "us", "region": "us-east-1"}]},
        "resource": {"aws_sqs_queue": {"q": {
            "for_each": "${toset(var.names)}",
            "name": "${local.prefix}-${each.key}",
            "policy": "${local.doc}",
            "tags": {"Team": "x"},
            "dynamic": {"setting": {"for_each": [1, 2], "content": {"value": "${setting.value}"}}},
            "lifecycle": {"ignore_changes": ["tags"]},
        }}},
    }))
    found = read_configuration(str(tmp_path), Environment())
    assert found.region == "eu-west-1"
    queues = {r.address: r.body for r in found.resources}
    assert sorted(queues) == ['aws_sqs_queue.q["a"]', 'aws_sqs_queue.q["b"]']
    body = queues['aws_sqs_queue.q["a"]']
    assert body["name"] == "app-a" and body["policy"] == '{"k":"app"}'
    assert body["tags"] == {"Team": "x"}
    assert [b["value"] for b in body.blocks("setting")] == [1, 2]
    assert "lifecycle" not in body


def test_invalid_json_is_an_error_with_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "main.tf.json").write_text('{\n  "resource": {\n    "a": 1,\n  }\n}\n')
    code, report = scan(tmp_path)
    assert code == 2
    error, = report["errors"]
    assert error["file"].endswith("main.tf.json") and error["line"] == 4
    assert "not valid JSON" in error["message"]


def test_hidden_and_backup_files_are_not_configuration(tmp_path: Path) -> None:
    only_hidden = tmp_path / "examples"
    only_hidden.mkdir()
    (only_hidden / ".example.tf").write_text('resource "aws_sqs_queue" "q" {\n}\n')
    module = tmp_path / "app"
    module.mkdir()
    (module / "main.tf").write_text('resource "aws_sqs_queue" "q" {\n}\n')
    # Terraform reads neither: they would declare aws_sqs_queue.q twice
    for name in (".draft.tf", "main.tf~", "#main.tf#", ".old.tf.json"):
        (module / name).write_text('resource "aws_sqs_queue" "q" {\n}\n')
    code, report = scan(tmp_path)
    assert (code, report["errors"]) == (0, [])
    assert report["summary"]["files"] == 1
    code, report = scan(only_hidden / ".example.tf", only_hidden)
    assert (code, report["errors"], report["summary"]["files"]) == (0, [], 0)
    assert [r.address for r in read_configuration(str(module), Environment()).resources] == [
        "aws_sqs_queue.q"]


# --- plan twins made with real Terraform (scripts/terraform_plans.py) ------------------


PLANS = ROOT / "fixtures" / "terraform" / "plan-real"


@pytest.mark.parametrize("plan", sorted(PLANS.glob("*.json")), ids=lambda p: p.stem)
def test_a_module_and_its_real_plan_give_the_same_findings(plan: Path) -> None:
    module = next(p for p in (ROOT / "fixtures" / "terraform").glob(f"*/{plan.stem}")
                  if p.is_dir())
    found = {}
    for path in (module, plan):
        _code, report = scan(path.relative_to(ROOT))
        assert report["errors"] == []
        found[path.suffix] = sorted((f["rule_id"], f["severity"], f["resource"])
                                    for f in report["findings"])
    assert found[".json"] == found[""]


def test_dynamic_iterator_given_as_a_string_names_the_iterator(tmp_path: Path) -> None:
    """HCL's JSON syntax reads ``"iterator": "rule"`` as the bare name ``rule`` (Terraform
    validates it so): the content's ``rule.value`` is each element, as in the native
    syntax."""
    json_dir, hcl_dir = tmp_path / "json", tmp_path / "hcl"
    json_dir.mkdir()
    hcl_dir.mkdir()
    (json_dir / "main.tf.json").write_text(json.dumps({"resource": {"aws_security_group": {
        "sg": {"name": "endpoints", "dynamic": {"ingress": {
            "for_each": [443, 8443], "iterator": "rule",
            "content": {"from_port": "${rule.value}", "to_port": "${rule.value}",
                        "protocol": "tcp", "cidr_blocks": ["10.0.0.0/16"]}}}}}}}))
    (hcl_dir / "main.tf").write_text(
        'resource "aws_security_group" "sg" {\n  name = "endpoints"\n'
        '  dynamic "ingress" {\n    for_each = [443, 8443]\n    iterator = rule\n'
        '    content {\n      from_port   = rule.value\n      to_port     = rule.value\n'
        '      protocol    = "tcp"\n      cidr_blocks = ["10.0.0.0/16"]\n    }\n  }\n}\n')
    bodies = [read_configuration(str(d), Environment()).resources[0].body
              for d in (json_dir, hcl_dir)]
    for body in bodies:
        assert [(b["from_port"], b["to_port"]) for b in body.blocks("ingress")] == [
            (443, 443), (8443, 8443)]
    assert bodies[0].blocks("ingress") == bodies[1].blocks("ingress")
