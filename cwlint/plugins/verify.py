"""``cwlint plugin-path TOOL --verify``: prove that the host tool really loads cwlint.

The proof is the real command line a user runs, on a small bundled template that cwlint
reports CWL001 on: cfn-lint must print ECW001 on the function's ``Role`` line, checkov
must fail CKV_CWL_001 on the function, and on the same function in Terraform (checkov's
CloudFormation and Terraform runners, in one run). This catches every way the plugins can be
silently absent: cwlint not installed in the tool's environment (checkov only logs that
and runs nothing), a broken environment (python-hcl2 replacing checkov's
bc-python-hcl2), a wrong directory, a tool too old for the plugin API.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import msgspec

from cwlint.rules import RULES_BY_ID

PROBE_TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Description: cwlint plugin probe, a function that publishes metrics as a role that only logs.
Resources:
  ProbeRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: {Service: lambda.amazonaws.com}
            Action: sts:AssumeRole
      ManagedPolicyArns:
        - !Sub arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole
  ProbeFunction:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      Role: !GetAtt ProbeRole.Arn
      Environment:
        Variables:
          METRICS_NAMESPACE: Probe
      Code:
        ZipFile: |
          def handler(event, context):
              return {}
"""
#: The same scenario in Terraform: checkov must fail CKV_CWL_001 on its Terraform runner
#: too (a Terraform-only break, such as a replaced ``hcl2`` package, shows here).
PROBE_TERRAFORM = """\
resource "aws_iam_role" "probe" {
  name                = "cwlint-probe"
  assume_role_policy  = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole",
                   Principal = { Service = "lambda.amazonaws.com" } }]
  })
  managed_policy_arns = ["arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"]
}

resource "aws_lambda_function" "probe" {
  function_name = "cwlint-probe"
  role          = aws_iam_role.probe.arn
  runtime       = "python3.12"
  handler       = "index.handler"
  filename      = "probe.zip"
  environment {
    variables = { METRICS_NAMESPACE = "Probe" }
  }
}
"""
PROBE_RULE = RULES_BY_ID["CWL001"]
PROBE_RESOURCE = "ProbeFunction"
PROBE_LINE = 20  # "Role: !GetAtt ProbeRole.Arn"
#: What checkov must fail, per framework: (check type, resource as checkov names it).
PROBE_CHECKOV = (("cloudformation", "AWS::Lambda::Function." + PROBE_RESOURCE),
                 ("terraform", "aws_lambda_function.probe"))

TIMEOUT_SECONDS = 600


class Verification(msgspec.Struct, frozen=True):
    """The outcome: ``ok``, the tool that was run, and a one-paragraph explanation."""

    ok: bool
    executable: str | None
    message: str


def find_tool(tool: str, explicit: str | None = None) -> str | None:
    """The executable to verify: ``explicit`` if given, else the one installed next to
    this Python (the same environment as this cwlint), else the first on ``PATH``."""
    if explicit:
        return shutil.which(explicit) or (explicit if os.path.isfile(explicit) else None)
    beside = shutil.which(tool, path=str(Path(sys.executable).parent))
    return beside or shutil.which(tool)


def verify(tool: str, directory: Path, explicit: str | None = None) -> Verification:
    """Run ``tool`` with the plugins from ``directory`` on the probe template."""
    executable = find_tool(tool, explicit)
    if executable is None:
        return Verification(False, None, f"{tool} not found next to {sys.executable} nor on "
                            "PATH; pass --tool /path/to/" + tool)
    with tempfile.TemporaryDirectory(prefix="cwlint-probe-") as workdir:
        probe = Path(workdir) / "probe.yaml"
        probe.write_text(PROBE_TEMPLATE, encoding="utf-8")
        if tool == "cfn-lint":
            command = [executable, f"--append-rules={directory}", "--format", "json", "--",
                       str(probe)]
            check = _cfn_lint_ok
        else:
            (Path(workdir) / "main.tf").write_text(PROBE_TERRAFORM, encoding="utf-8")
            command = [executable, "-d", workdir, "--framework", "cloudformation",
                       "terraform", "--external-checks-dir", str(directory), "--check",
                       PROBE_RULE.checkov_id(), "--output", "json", "--skip-download",
                       "--quiet"]
            check = _checkov_ok
        try:
            done = subprocess.run(command, capture_output=True, text=True, cwd=workdir,
                                  timeout=TIMEOUT_SECONDS, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            return Verification(False, executable, f"could not run {executable}: {exc}")
    found = check(done.stdout)
    if found:
        return Verification(True, executable, f"{tool} ({executable}) loads the cwlint "
                            f"plugins from {directory}: {found}")
    return Verification(False, executable, _failure(tool, executable, command, done))


def _cfn_lint_ok(stdout: str) -> str | None:
    wanted = PROBE_RULE.cfn_lint_id()
    for match in _json(stdout) or []:
        if not isinstance(match, dict):
            continue
        rule = match.get("Rule", {}).get("Id")
        line = match.get("Location", {}).get("Start", {}).get("LineNumber")
        if rule == wanted and line == PROBE_LINE:
            return f"{wanted} reported on the probe's line {line}"
    return None


def _checkov_ok(stdout: str) -> str | None:
    """Whether checkov failed the probe check on the probe function of every framework."""
    wanted = PROBE_RULE.checkov_id()
    data = _json(stdout)
    failed: set[tuple[str, str]] = set()
    for report in data if isinstance(data, list) else [data]:
        if not isinstance(report, dict):
            continue
        failed.update((str(report.get("check_type")), str(record.get("resource")))
                      for record in report.get("results", {}).get("failed_checks", [])
                      if record.get("check_id") == wanted)
    if not set(PROBE_CHECKOV) <= failed:
        return None
    return f"{wanted} failed on " + " and on ".join(resource for _, resource in PROBE_CHECKOV)


def _json(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return None


def _failure(tool: str, executable: str, command: list[str],
             done: subprocess.CompletedProcess[str]) -> str:
    wanted = PROBE_RULE.cfn_lint_id() if tool == "cfn-lint" else PROBE_RULE.checkov_id()
    tail = "\n".join((done.stderr or done.stdout or "").strip().splitlines()[-15:])
    return (f"{tool} did NOT load the cwlint plugins: {wanted} is missing from its report "
            f"on the probe template (exit code {done.returncode}).\n"
            f"  command: {' '.join(command)}\n"
            f"Install cwlint into the environment that runs {tool} "
            f"(the Python that {executable} uses), e.g. `<that python> -m pip install "
            f"cwlint`.\n{tail}")
