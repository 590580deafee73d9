#!/usr/bin/env python3
"""Write the plan twin of Terraform module directories with real Terraform, offline.

Usage::

    .venv/bin/python scripts/terraform_plans.py MODULE_DIR [MODULE_DIR ...] --out DIR
        [--plugin-dir /opt/tf-plugins] [--endpoint http://127.0.0.1:5000]

For each module directory, its ``.tf`` and ``.tf.json`` files (and local modules: the
directory is copied whole, hidden files left out) go to a temporary directory with a
``provider.tf`` that sets dummy keys and skips every credential and account check; then
``terraform init -plugin-dir=...`` (the AWS provider from a filesystem mirror, nothing
downloaded), ``terraform plan -refresh=false`` and ``terraform show -json`` write
``DIR/<module name>.json``. Data sources that call AWS (``aws_region`` is local,
``aws_caller_identity`` is not) need ``--endpoint``, a moto server on 127.0.0.1, for
``sts``, ``iam``, ``ec2``, ``ssm`` and ``logs``.

The outputs are meant to be committed, so that tests comparing a configuration with its
plan run where Terraform is absent. Exit code 1 when a module could not be planned (its
error is printed), 2 when terraform or the plugin directory is missing.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

PROVIDER = '''provider "aws" {{
  region                      = "us-east-1"
  access_key                  = "testing"
  secret_key                  = "testing"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
{endpoints}}}
'''
ENDPOINT_SERVICES = ("sts", "iam", "ec2", "ssm", "logs", "kms", "lambda")


def provider_block(endpoint: str | None) -> str:
    if not endpoint:
        return PROVIDER.format(endpoints="")
    lines = "".join(f"    {service} = \"{endpoint}\"\n" for service in ENDPOINT_SERVICES)
    return PROVIDER.format(endpoints=f"  endpoints {{\n{lines}  }}\n")


def _not_configuration(directory: str, names: list[str]) -> list[str]:
    """What not to copy: hidden files and JSON that is not ``.tf.json`` (plans, twins)."""
    return [n for n in names if n.startswith(".")
            or (n.endswith(".json") and not n.endswith(".tf.json"))]


def plan_module(module: Path, out: Path, terraform: str, plugin_dir: Path,
                endpoint: str | None) -> str | None:
    """Write ``out``; the error text when Terraform refused."""
    with tempfile.TemporaryDirectory(prefix="cwlint-plan-") as scratch:
        work = Path(scratch) / module.name
        shutil.copytree(module, work, ignore=_not_configuration)
        (work / "zz_cwlint_provider.tf").write_text(provider_block(endpoint))
        env = {"TF_IN_AUTOMATION": "1", "CHECKPOINT_DISABLE": "1",
               "PATH": "/usr/bin:/bin:/usr/local/bin", "HOME": scratch}
        steps = [[terraform, "init", f"-plugin-dir={plugin_dir}", "-input=false", "-no-color"],
                 [terraform, "plan", "-refresh=false", "-input=false", "-no-color",
                  "-out=plan.bin"],
                 [terraform, "show", "-json", "plan.bin"]]
        for step in steps:
            result = subprocess.run(step, cwd=work, capture_output=True, text=True,
                                    env=env, timeout=600, check=False)
            if result.returncode != 0:
                return f"{' '.join(step[:2])}: {(result.stderr or result.stdout).strip()}"
        out.write_text(result.stdout.strip() + "\n", encoding="utf-8")
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("modules", nargs="+", type=Path)
    parser.add_argument("--out", type=Path, required=True, help="where the plans go")
    parser.add_argument("--plugin-dir", type=Path, default=Path("/opt/tf-plugins"),
                        help="Terraform providers as a filesystem mirror")
    parser.add_argument("--endpoint", default=None,
                        help="AWS endpoint (a moto server) for data sources that call AWS")
    args = parser.parse_args(argv)
    terraform = shutil.which("terraform")
    if terraform is None or not args.plugin_dir.is_dir():
        print("terraform_plans: needs terraform on PATH and --plugin-dir", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    failed = 0
    for module in args.modules:
        error = plan_module(module, args.out / f"{module.name}.json", terraform,
                            args.plugin_dir, args.endpoint)
        if error:
            failed += 1
            print(f"{module}: {error}", file=sys.stderr)
        else:
            print(f"{module} -> {args.out / (module.name + '.json')}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
