#!/usr/bin/env python3
"""Write the plan twin of Terraform module directories with real Terraform, offline.

Usage::

    .venv/bin/python scripts/terraform_plans.py MODULE_DIR [MODULE_DIR ...] --out DIR
    .venv/bin/python scripts/terraform_plans.py --twins SCENARIO_DIR [SCENARIO_DIR ...]
        [--plugin-dir /opt/tf-plugins] [--moto | --endpoint http://127.0.0.1:5000]

For each module directory, its ``.tf`` and ``.tf.json`` files (and local modules: the
directory is copied whole, hidden files left out) go to a temporary directory with a
``provider.tf`` that sets dummy keys and skips every credential and account check; then
``terraform init -plugin-dir=...`` (the AWS provider from a filesystem mirror, nothing
downloaded), ``terraform plan -refresh=false`` and ``terraform show -json`` write
``DIR/<module name>.json``. With ``--twins`` each argument is a fixture scenario holding a
``terraform/`` module, and its plan twin ``<scenario>/plan.json`` is (re)written (the
JSON Terraform printed, indented so that a diff of the fixture can be read).

Data sources that call AWS (``aws_region`` is local, ``aws_caller_identity`` is not: STS
``GetCallerIdentity``) need an endpoint: ``--moto`` starts a moto server
(``.venv/bin/moto_server``) on 127.0.0.1 on a free port for the run and points the
provider's ``sts``, ``iam``, ``ec2``, ``ssm``, ``logs``, ``kms`` and ``lambda`` endpoints
at it (moto answers account ``123456789012``); ``--endpoint`` names a server already
running. Nothing leaves the machine.

A scenario whose plan must show a resource that already exists (its ARN known, action
``no-op``) lists those addresses in ``<scenario>/plan-existing.txt``, one a line: with
``--moto`` they are first created in moto with ``terraform apply -target=...`` and the
plan is then made against that state, as a plan of a deployed stack is.

The outputs are meant to be committed, so that tests comparing a configuration with its
plan run where Terraform is absent. Exit code 1 when a module could not be planned (its
error is printed), 2 when terraform or the plugin directory is missing.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Sequence
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
EXISTING = "plan-existing.txt"
_AWS_PROVIDER = re.compile(r'^provider\s+"?aws"?\s*\{.*?^\}', re.MULTILINE | re.DOTALL)


def has_default_aws_provider(text: str) -> bool:
    """Does a ``.tf`` file declare the default (not aliased) aws provider configuration?"""
    return any(not re.search(r"^\s*alias\s*=", block.group(0), re.MULTILINE)
               for block in _AWS_PROVIDER.finditer(text))


def provider_block(endpoint: str | None) -> str:
    if not endpoint:
        return PROVIDER.format(endpoints="")
    lines = "".join(f"    {service} = \"{endpoint}\"\n" for service in ENDPOINT_SERVICES)
    return PROVIDER.format(endpoints=f"  endpoints {{\n{lines}  }}\n")


def _not_configuration(directory: str, names: list[str]) -> list[str]:
    """What not to copy: hidden files and JSON that is not ``.tf.json`` (plans, twins)."""
    return [n for n in names if n.startswith(".")
            or (n.endswith(".json") and not n.endswith((".tf.json", ".tfvars.json")))
            or n.endswith(".snap")]


def _place(module: Path, scratch: Path, anchor: Path | None) -> Path:
    """Copy ``module`` into ``scratch``; with ``anchor`` (a directory above it), at the same
    place below a tree whose other entries are symbolic links to the originals, so that
    module sources like ``../../modules/x`` resolve (nothing else is copied)."""
    if anchor is None:
        work = scratch / module.name
    else:
        source, work = anchor, scratch / "tree"
        for part in module.relative_to(anchor).parts:
            work.mkdir()
            for entry in source.iterdir():
                if entry.name != part and not entry.name.startswith("."):
                    (work / entry.name).symlink_to(entry.resolve())
            source, work = source / part, work / part
    shutil.copytree(module, work, ignore=_not_configuration)
    return work


@contextlib.contextmanager
def moto_server() -> Iterator[str]:
    """A moto server on 127.0.0.1 for the duration; its URL."""
    executable = Path(sys.executable).parent / "moto_server"
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen([str(executable), "-H", "127.0.0.1", "-p", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{url}/moto-api/", timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def _run(step: list[str], work: Path, env: dict[str, str]) -> tuple[str | None, str]:
    result = subprocess.run(step, cwd=work, capture_output=True, text=True,
                            env=env, timeout=600, check=False)
    if result.returncode != 0:
        return f"{' '.join(step[:2])}: {(result.stderr or result.stdout).strip()}", ""
    return None, result.stdout


def plan_module(module: Path, out: Path, terraform: str, plugin_dir: Path,
                endpoint: str | None, existing: Sequence[str] = (),
                indent: int | None = None, anchor: Path | None = None) -> str | None:
    """Write ``out``; the error text when Terraform refused."""
    with tempfile.TemporaryDirectory(prefix="cwlint-plan-") as scratch:
        work = _place(module, Path(scratch), anchor)
        # A module with its own default aws provider block gets the offline settings as
        # an override of it (two default blocks would be an error).
        own = any(has_default_aws_provider(f.read_text(encoding="utf-8", errors="replace"))
                  for f in work.glob("*.tf"))
        name = "zz_cwlint_provider_override.tf" if own else "zz_cwlint_provider.tf"
        (work / name).write_text(provider_block(endpoint))
        env = {"TF_IN_AUTOMATION": "1", "CHECKPOINT_DISABLE": "1",
               "PATH": "/usr/bin:/bin:/usr/local/bin", "HOME": scratch}
        steps = [[terraform, "init", f"-plugin-dir={plugin_dir}", "-input=false", "-no-color"]]
        if existing:
            if not endpoint:
                return f"{EXISTING} needs --moto (resources are created there first)"
            reset = urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST")
            urllib.request.urlopen(reset, timeout=10).close()
            steps.append([terraform, "apply", "-auto-approve", "-input=false", "-no-color",
                          *(f"-target={address}" for address in existing)])
        steps += [[terraform, "plan", "-refresh=false", "-input=false", "-no-color",
                   "-out=plan.bin"],
                  [terraform, "show", "-json", "plan.bin"]]
        stdout = ""
        for step in steps:
            error, stdout = _run(step, work, env)
            if error:
                return error
        if indent is not None:  # the same JSON, laid out so that diffs can be read
            stdout = json.dumps(json.loads(stdout), indent=indent, ensure_ascii=False)
        out.write_text(stdout.strip() + "\n", encoding="utf-8")
    return None


def _jobs(args: argparse.Namespace) -> list[tuple[Path, Path, list[str]]]:
    """(module, output, addresses to create first) for each argument."""
    if args.twins:
        jobs = []
        for scenario in args.modules:
            listing = scenario / EXISTING
            existing = ([line.strip() for line in listing.read_text().splitlines()
                         if line.strip() and not line.startswith("#")]
                        if listing.is_file() else [])
            jobs.append((scenario / "terraform", scenario / "plan.json", existing))
        return jobs
    args.out.mkdir(parents=True, exist_ok=True)
    return [(module, args.out / f"{module.name}.json", []) for module in args.modules]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("modules", nargs="+", type=Path)
    parser.add_argument("--out", type=Path, help="where the plans go")
    parser.add_argument("--twins", action="store_true",
                        help="arguments are scenarios: write <scenario>/plan.json")
    parser.add_argument("--plugin-dir", type=Path, default=Path("/opt/tf-plugins"),
                        help="Terraform providers as a filesystem mirror")
    parser.add_argument("--endpoint", default=None,
                        help="AWS endpoint (a moto server) for data sources that call AWS")
    parser.add_argument("--moto", action="store_true",
                        help="start a moto server on 127.0.0.1 for the run")
    args = parser.parse_args(argv)
    if not args.twins and args.out is None:
        parser.error("--out is required unless --twins")
    terraform = shutil.which("terraform")
    if terraform is None or not args.plugin_dir.is_dir():
        print("terraform_plans: needs terraform on PATH and --plugin-dir", file=sys.stderr)
        return 2
    jobs = _jobs(args)
    with contextlib.ExitStack() as stack:
        endpoint = stack.enter_context(moto_server()) if args.moto else args.endpoint
        failed = 0
        for module, out, existing in jobs:
            error = plan_module(module, out, terraform, args.plugin_dir, endpoint, existing,
                                indent=2 if args.twins else None)
            if error:
                failed += 1
                print(f"{module}: {error}", file=sys.stderr)
            else:
                print(f"{module} -> {out}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
