"""Registry and git modules that ``terraform init`` installed are analysed like local ones.

``terraform init`` writes ``.terraform/modules/modules.json``: ``{"Modules": [{"Key": "",
"Source": "", "Dir": "."}, {"Key": "app", "Source": "registry.terraform.io/...", "Version":
"7.20.1", "Dir": ".terraform/modules/app"}, {"Key": "app.child", ...}]}`` (the format
checked with a real ``terraform init`` of local sources: keys join call names with ``.``,
``Dir`` is relative to the root module). These tests write that file by hand, as init
would, with ``Dir`` pointing at the terraform-aws-modules repositories of the corpus
(read in place, relative paths): nothing is fetched, ever.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "tf"
LAMBDA = CORPUS / "terraform-aws-modules__terraform-aws-lambda"

LAMBDA_CALL = '''
module "{name}" {{
  source  = "terraform-aws-modules/lambda/aws"
  version = "~> 7.0"

  function_name          = "{name}"
  handler                = "index.handler"
  runtime                = "python3.12"
  create_package         = false
  local_existing_package = "{name}.zip"

  environment_variables = {{
    METRICS_NAMESPACE = "{namespace}"
  }}
{extra}}}
'''
METRICS_STATEMENT = '''  attach_policy_statements = true
  policy_statements = {
    metrics = {
      effect    = "Allow"
      actions   = ["cloudwatch:PutMetricData"]
      resources = ["*"]
    }
  }
'''


@pytest.fixture(autouse=True)
def _corpus() -> None:
    if not LAMBDA.is_dir():
        pytest.skip(f"the Terraform corpus is not at {CORPUS} (terraform-aws-lambda is read "
                    "in place)")


def install(root: Path, modules: dict[str, tuple[str, Path]]) -> None:
    """Write ``.terraform/modules/modules.json`` as ``terraform init`` does: key ->
    (source as init records it, module directory)."""
    entries = [{"Key": "", "Source": "", "Dir": "."}]
    for key, (source, directory) in modules.items():
        entry = {"Key": key, "Source": source, "Dir": os.path.relpath(directory, root)}
        if source.startswith("registry.terraform.io/"):
            entry["Version"] = "7.20.1"
        entries.append(entry)
    (root / ".terraform" / "modules").mkdir(parents=True, exist_ok=True)
    (root / ".terraform" / "modules" / "modules.json").write_text(
        json.dumps({"Modules": entries}, separators=(",", ":")))


def scan(path: Path) -> dict:
    result = subprocess.run([sys.executable, "-m", "cwlint", "scan", "--format", "json",
                             str(path)], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert result.returncode in (0, 1), result.stderr
    report = json.loads(result.stdout)
    assert report["errors"] == []
    return report


def test_an_installed_registry_module_is_analysed_with_its_inputs(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        LAMBDA_CALL.format(name="orders", namespace="Orders", extra="")
        + LAMBDA_CALL.format(name="billing", namespace="Billing", extra=METRICS_STATEMENT))
    registry = "registry.terraform.io/terraform-aws-modules/lambda/aws"
    install(tmp_path, {"orders": (registry, LAMBDA), "billing": (registry, LAMBDA)})
    report = scan(tmp_path)
    found = [(f["rule_id"], f["severity"], f["resource"]) for f in report["findings"]]
    # orders: the module's role only writes logs; billing: the statement allows metrics
    assert found == [("CWL001", "error", "module.orders.aws_lambda_function.this[0]")]
    finding = report["findings"][0]
    assert "module.orders.aws_iam_role.lambda[0]" in finding["message"]
    assert Path(finding["file"]).resolve() == (LAMBDA / "main.tf").resolve()


def test_nested_keys_and_calls_that_are_not_installed(tmp_path: Path) -> None:
    # a git module installed under .terraform/modules/stack, which calls the registry
    # lambda module (key stack.orders) and a registry module that is not installed
    stack = tmp_path / ".terraform" / "modules" / "stack"
    stack.mkdir(parents=True)
    (stack / "main.tf").write_text(
        LAMBDA_CALL.format(name="orders", namespace="Orders", extra="")
        + 'module "vpc" {\n  source = "terraform-aws-modules/vpc/aws"\n}\n')
    (tmp_path / "main.tf").write_text(
        'module "stack" {\n  source = "git::https://example.com/stack.git?ref=v1"\n}\n')
    install(tmp_path, {
        "stack": ("git::https://example.com/stack.git?ref=v1", stack),
        "stack.orders": ("registry.terraform.io/terraform-aws-modules/lambda/aws", LAMBDA),
    })
    report = scan(tmp_path)
    found = sorted((f["rule_id"], f["severity"], f["resource"]) for f in report["findings"])
    assert found == [
        ("CWL000", "info", "module.stack.module.vpc"),
        ("CWL001", "error", "module.stack.module.orders.aws_lambda_function.this[0]"),
    ]
    notice = next(f for f in report["findings"] if f["rule_id"] == "CWL000")
    assert "terraform init" in notice["message"]


def test_without_modules_json_the_call_is_a_notice_that_says_to_run_init(tmp_path: Path
                                                                          ) -> None:
    (tmp_path / "main.tf").write_text(LAMBDA_CALL.format(name="orders", namespace="Orders",
                                                         extra=""))
    report = scan(tmp_path)
    assert [(f["rule_id"], f["severity"], f["resource"]) for f in report["findings"]] == [
        ("CWL000", "info", "module.orders")]
    assert "run terraform init first" in report["findings"][0]["message"]
    # a manifest that lists the call under another key, or a directory that is gone,
    # changes nothing
    install(tmp_path, {"other": ("registry.terraform.io/x/y/aws", LAMBDA),
                       "orders": ("registry.terraform.io/terraform-aws-modules/lambda/aws",
                                  tmp_path / ".terraform" / "modules" / "orders")})
    report = scan(tmp_path)
    assert [f["rule_id"] for f in report["findings"]] == ["CWL000"]
