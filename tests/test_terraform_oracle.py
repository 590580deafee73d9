"""Terraform itself as the oracle of cwlint's HCL evaluator, and of the plan twins.

Every plan twin beside a ``terraform/`` module was made by real Terraform (1.11, AWS
provider 5.100, offline: ``scripts/terraform_plans.py``), and the values cwlint's
evaluator computes for the module (arguments and nested blocks, policies, names, ARNs
Terraform knows, count and for_each keys, root outputs) equal the plan's
``planned_values`` wherever Terraform knows them (``scripts/terraform_oracle.py`` holds
the comparison; it also runs it over a sample of the Terraform corpus).

The committed plans keep these tests running where Terraform is absent; where it is on
PATH, one fixture is planned again and must give the committed plan.
"""

from __future__ import annotations

import copy
import importlib.util
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from cwlint.terraform.plan import plan_resources

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
_spec = importlib.util.spec_from_file_location("terraform_oracle",
                                               ROOT / "scripts" / "terraform_oracle.py")
assert _spec is not None and _spec.loader is not None
oracle = importlib.util.module_from_spec(_spec)
sys.modules["terraform_oracle"] = oracle
_spec.loader.exec_module(oracle)

#: Plan twins that are not Terraform's output of a module here, and why (also in
#: fixtures/README.md).
NOT_GENERATED = {
    "terraform/deleted-resources-ignored": "a plan of resources being destroyed: no module",
    "terraform/format-0.1-terraform-0.12": "the output of Terraform 0.12 (format 0.1)",
    "cwl003/unknown-partly-known-bare-group-in-plan": "a plan only (no module twin)",
    "cwl021/unknown-bare-group-arn-in-plan": "a plan only (no module twin)",
    "cwl042/unknown-topic-policy-in-plan": "a plan only (no module twin)",
}


def _twins() -> list[Path]:
    return sorted(p.parent for p in FIXTURES.glob("**/plan.json")
                  if (p.parent / "terraform").is_dir())


def _real_plans() -> list[tuple[str, Path, Path]]:
    """(name, module, plan) of every fixture module with a plan made by Terraform."""
    found = [(str(s.relative_to(FIXTURES)), s / "terraform", s / "plan.json")
             for s in _twins()]
    for plan in sorted((FIXTURES / "terraform" / "plan-real").glob("*.json")):
        module = next((p for p in (FIXTURES / "terraform").glob(f"*/{plan.stem}")
                       if p.is_dir()), None)
        if module is not None:
            found.append((f"plan-real/{plan.stem}", module, plan))
    return found


def _load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


# --- the plan twins are Terraform's -----------------------------------------------------------

def test_every_plan_twin_was_made_by_terraform() -> None:
    """Terraform's own output carries its version, a timestamp and the provider block
    terraform_plans.py writes; a plan written by hand would not have them all."""
    hand_written = []
    for scenario in _twins():
        plan = _load(scenario / "plan.json")
        provider = plan.get("configuration", {}).get("provider_config", {}).get("aws", {})
        if not (plan.get("terraform_version", "").startswith("1.11.")
                and "timestamp" in plan
                and "skip_requesting_account_id" in provider.get("expressions", {})):
            hand_written.append(str(scenario.relative_to(FIXTURES)))
    assert hand_written == []
    others = sorted(str(p.parent.relative_to(FIXTURES)) for p in FIXTURES.glob("**/plan.json")
                    if not (p.parent / "terraform").is_dir())
    assert others == sorted(NOT_GENERATED)
    readme = (FIXTURES / "README.md").read_text(encoding="utf-8")
    for name in NOT_GENERATED:
        assert name in readme


@pytest.mark.skipif(shutil.which("terraform") is None or not Path("/opt/tf-plugins").is_dir(),
                    reason="needs terraform and the AWS provider mirror in /opt/tf-plugins")
def test_terraform_plans_a_fixture_as_committed(tmp_path: Path) -> None:
    scenario = FIXTURES / "cwl001" / "fail-env-namespace"
    result = subprocess.run([sys.executable, "scripts/terraform_plans.py", "--out",
                             str(tmp_path), str(scenario / "terraform")], cwd=ROOT,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    fresh, committed = _load(tmp_path / "terraform.json"), _load(scenario / "plan.json")
    for key in ("planned_values", "resource_changes", "configuration"):
        assert fresh[key] == committed[key], key


# --- the evaluator against Terraform ---------------------------------------------------------

def test_the_evaluator_agrees_with_terraform_on_every_fixture() -> None:
    total = oracle.Comparison()
    for name, module, plan in _real_plans():
        total.add(oracle.compare_module(str(module), _load(plan), name))
    assert [str(d) for d in total.differences] == []
    assert len(_real_plans()) >= 110
    assert total.compared >= 2000  # not vacuous: arguments, blocks, instances, outputs


def test_a_difference_is_reported() -> None:
    """The comparison can fail: a plan whose function has another name and one more
    instance, and a queue the module does not declare."""
    scenario = FIXTURES / "cwl001" / "fail-env-namespace"
    plan = copy.deepcopy(_load(scenario / "plan.json"))
    resources = {r["address"]: r for r in plan["planned_values"]["root_module"]["resources"]}
    function = next(a for a in resources if a.startswith("aws_lambda_function."))
    resources[function]["values"]["function_name"] = "other"
    extra = copy.deepcopy(resources[function])
    extra["address"] = function + "[1]"
    plan["planned_values"]["root_module"]["resources"].append(extra)
    queue = {"address": "aws_sqs_queue.q", "mode": "managed", "type": "aws_sqs_queue",
             "name": "q", "values": {"name": "q"}}  # a block the module does not have
    plan["planned_values"]["root_module"]["resources"].append(queue)
    result = oracle.compare_module(str(scenario / "terraform"), plan, "changed")
    assert {(d.address, d.path) for d in result.differences} == {
        (function, "function_name"), (function, "(instances)"),
        ("aws_sqs_queue.q", "(instances)")}


def test_values_are_compared_as_terraform_converts_them() -> None:
    comparer = oracle.Comparer("m")
    comparer.value("a", "timeout", "30", 30, None)  # a string given to a number argument
    comparer.value("a", "enabled", "true", True, None)
    comparer.value("a", "policy", '{"b": 1, "a": [1, 2]}', '{"a":[1,2],"b":1}', None)
    comparer.value("a", "names", ["b", "a"], ["a", "b"], None)  # a set
    comparer.value("a", "arn", "x", None, True)  # unknown in the plan: not compared
    assert (comparer.result.compared, comparer.result.differences) == (5, [])
    comparer.value("a", "policy", '{"a": [2, 1]}', '{"a":[1,2]}', None)  # order in a list
    comparer.value("a", "count", 2, 3, None)
    assert [d.path for d in comparer.result.differences] == ["policy", "count"]
# --- evaluator fixes the oracle found --------------------------------------------------------

def _module(tmp_path: Path, files: dict[str, str]) -> oracle.ModuleInstance:
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    return oracle.evaluated_module(str(tmp_path))


def test_a_policy_document_renders_as_the_provider_does(tmp_path: Path) -> None:
    """As in Terraform's plans (``prior_state`` of a ``terraform show -json``): a set of one
    value is a string, more are in reverse sorted order, a principal type with one
    identifier maps to a string."""
    root = _module(tmp_path, {"main.tf": '''
data "aws_iam_policy_document" "p" {
  statement {
    actions   = ["s3:GetObject", "s3:ListBucket"]
    resources = ["arn:aws:s3:::my-tf-test-bucket"]
    principals {
      type        = "AWS"
      identifiers = ["*"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = ["111122223333", "444455556666"]
    }
  }
}
'''})
    instance = next(oracle.evaluated_instances(root))
    assert json.loads(instance.get_attribute("json")) == {
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Action": ["s3:ListBucket", "s3:GetObject"],
            "Resource": "arn:aws:s3:::my-tf-test-bucket",
            "Principal": {"AWS": "*"},
            "Condition": {"StringEquals": {
                "aws:SourceAccount": ["444455556666", "111122223333"]}}}]}


def test_path_module_is_relative_to_the_root_module(tmp_path: Path) -> None:
    """Terraform runs in the root module's directory: ``path.module`` is ``.`` there and
    ``modules/app`` in the module it calls from ``./modules/app``, whatever directory
    cwlint was given; file functions read from there all the same."""
    root = _module(tmp_path / "stack", {
        "main.tf": 'module "app" {\n  source = "./modules/app"\n}\n'
                   'output "here" {\n  value = path.module\n}\n',
        "modules/app/main.tf": '''
resource "aws_lambda_function" "f" {
  function_name = "f"
  role          = "arn:aws:iam::123456789012:role/f"
  filename      = "${path.module}/f.zip"
  description   = file("${path.module}/description.txt")
}
''',
        "modules/app/description.txt": "orders",
    })
    assert root.output("here") == "."
    instance = next(i for i in oracle.evaluated_instances(root) if i.type == "aws_lambda_function")
    assert instance.argument("filename") == "modules/app/f.zip"
    assert instance.argument("description") == "orders"
# --- the plan reader: inline security group rules --------------------------------------------

def _scan_plan(plan: dict[str, Any], tmp_path: Path) -> list[tuple[str, str]]:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan), encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "cwlint", "scan", "--format", "json",
                             str(path)], capture_output=True, text=True, cwd=ROOT, timeout=300)
    return [(f["rule_id"], f["severity"]) for f in json.loads(result.stdout)["findings"]]


def test_inline_ingress_rules_of_a_plan_link_the_groups_they_name(tmp_path: Path) -> None:
    """``ingress { security_groups = [...] }``: in a plan the blocks are one attribute
    with one expression and the group ids are unknown; the references link them."""
    scenario = FIXTURES / "cwl012" / "pass-ingress-from-two-groups"
    plan = _load(scenario / "plan.json")
    resource = next(r for r in plan_resources(plan, "plan.json").resources
                    if r.address == "aws_security_group.endpoints")
    assert [b.refs["security_groups"] for b in resource.body.blocks("ingress")] == [
        ("aws_security_group.admin.id", "aws_security_group.admin",
         "aws_security_group.app.id", "aws_security_group.app")] * 2
    assert _scan_plan(plan, tmp_path) == []
    # The same blocks with other ports: which group is whose cannot be told from the
    # plan, so the rules stay unknown (an info finding, never a guessed pass or error).
    changed = copy.deepcopy(plan)
    for raw in changed["planned_values"]["root_module"]["resources"]:
        if raw["address"] == "aws_security_group.endpoints":
            raw["values"]["ingress"][0].update(from_port=80, to_port=80)
    resource = next(r for r in plan_resources(changed, "plan.json").resources
                    if r.address == "aws_security_group.endpoints")
    assert [b.refs.get("security_groups") for b in resource.body.blocks("ingress")] == [
        None, None]
    assert _scan_plan(changed, tmp_path) == [("CWL012", "info")]


def test_a_timeouts_block_is_a_block_of_the_resource(tmp_path: Path) -> None:
    """``timeouts`` is a nested block of the provider's schema, not a meta-argument: the
    plan holds it as the resource's value (found by the oracle on the security group
    module of terraform-aws-modules, where cwlint said ``[]``)."""
    root = _module(tmp_path, {"main.tf": '''
variable "create_timeout" {
  default = "10m"
}
resource "aws_security_group" "g" {
  name = "g"
  timeouts {
    create = var.create_timeout
    delete = "15m"
  }
}
'''})
    instance = next(oracle.evaluated_instances(root))
    assert instance.get_attribute("timeouts") == [{"create": "10m", "delete": "15m"}]
    comparer = oracle.Comparer("m")
    comparer.value("aws_security_group.g", "timeouts", instance.get_attribute("timeouts"),
                   {"create": "10m", "delete": "15m", "update": None}, None)
    assert (comparer.result.compared, comparer.result.differences) == (2, [])
