"""The fixes cwlint shows are code that works: written into the input as a user would,
they remove the finding, and the host tools accept the result.

For every failing rule scenario, each fix's code (as rendered for that input) is put into
a copy of the input: CloudFormation resources into ``Resources`` (a fragment of an
existing resource merged into it, statements appended to the policy they name), Terraform
blocks into a new ``.tf`` file of the module (the arguments of an existing resource into
its block). Then:

* cwlint, scanning the copy, no longer reports the finding;
* cfn-lint finds no error in the fixed template that it did not find in the original;
* ``terraform validate`` (the AWS provider's schema, offline) accepts every fixed module.

Fixes that are advice, and those the applier of ``cwlint scan --fix`` writes in place
(``ReplaceLiteral``), are not code to paste; the test counts what it applied per kind of
change and requires each kind to have been exercised.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from cfnlint.api import lint_file
from cfnlint.decode import cfn_yaml

from cwlint.engine import scan
from cwlint.findings import INFO, Finding
from cwlint.fixes import (
    AddStatements,
    AddToList,
    Advice,
    ReplaceLiteral,
    SetValue,
    spelled,
)
from cwlint.fixes.render import change_blocks
from cwlint.fixes.terraform import value as hcl_value
from tests.fixture_layout import rule_scenarios

PROVIDER = """provider "aws" {
  region                      = "us-east-1"
  access_key                  = "testing"
  secret_key                  = "testing"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
}
"""
NOT_CODE = (Advice, ReplaceLiteral)


def _fixable(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity != INFO and f.fix_data is not None
            and any(not isinstance(c, NOT_CODE) for c in f.fix_data.changes)]


def _cases(twin: str) -> list[Path]:
    found = []
    for scenario in rule_scenarios():
        path = scenario / twin
        if scenario.name.startswith("fail-") and path.exists():
            found.append(path)
    return found


# --- CloudFormation ---------------------------------------------------------------------

def _merge(target: dict[str, Any], fragment: dict[str, Any]) -> None:
    for key, item in fragment.items():
        if isinstance(item, dict) and isinstance(target.get(key), dict):
            _merge(target[key], item)
        elif isinstance(item, list) and isinstance(target.get(key), list):
            target[key].extend(item)
        else:
            target[key] = item


def _property(resources: dict[str, Any], resource: str, name: str) -> Any:
    node: Any = resources[resource]["Properties"]
    for key in name.split("."):
        node = node[key]
    return node


def _apply_cfn(template: dict[str, Any], finding: Finding, applied: Counter[str]) -> None:
    resources = template["Resources"]
    fix = finding.fix_data
    assert fix is not None
    for change, block in zip([c for c in fix.changes if not isinstance(c, ReplaceLiteral)],
                             change_blocks(fix, "cloudformation"), strict=True):
        kind = type(change).__name__
        if isinstance(change, Advice):
            continue
        if isinstance(change, SetValue):
            _merge(resources, {change.resource: {"Properties": _nested(
                spelled(change.field, "cloudformation"), change.value)}})
        elif isinstance(change, AddStatements) and not change.whole:
            policy = _property(resources, change.resource,
                               spelled(change.field, "cloudformation"))
            policy["Statement"].extend(cfn_yaml.loads(block.code))
        elif isinstance(change, AddToList):
            _property(resources, change.resource,
                      spelled(change.field, "cloudformation")).extend(change.values)
        else:
            fragment = cfn_yaml.loads(block.code)
            new = [k for k in fragment if k not in resources]
            assert all("Type" in fragment[k] for k in new), block.code
            _merge(resources, fragment)
        applied[kind] += 1


def _nested(path: str, item: Any) -> dict[str, Any]:
    for key in reversed(path.split(".")):
        item = {key: item}
    return item


def _cfn_lint_errors(path: Path) -> Counter[str]:
    """cfn-lint's errors on a template (its own API: what its command line runs)."""
    return Counter(m.rule.id for m in lint_file(path) if m.rule.id.startswith("E"))


def _remaining(path: Path, fixed: list[Finding]) -> list[str]:
    result = scan([str(path)])
    assert not result.errors, result.errors
    left = {(f.rule_id, f.resource) for f in result.findings if f.severity != INFO}
    return [f"{f.rule_id} on {f.resource}" for f in fixed if (f.rule_id, f.resource) in left]


@pytest.fixture(scope="module")
def cfn_applied() -> Counter[str]:
    return Counter()


@pytest.mark.parametrize("template", _cases("template.yaml"),
                         ids=lambda p: p.parent.relative_to(p.parents[2]).as_posix())
def test_cloudformation_fix_code_removes_the_finding(template: Path, tmp_path: Path,
                                                     cfn_applied: Counter[str]) -> None:
    fixable = _fixable(scan([str(template)]).findings)
    if not fixable:
        return  # only advice or literal replacements here (see test_every_kind_applied)
    original = cfn_yaml.load(str(template))
    before = tmp_path / "before.json"
    before.write_text(json.dumps(original, indent=1))
    for finding in fixable:
        _apply_cfn(original, finding, cfn_applied)
    after = tmp_path / "template.json"
    after.write_text(json.dumps(original, indent=1))
    assert _remaining(after, fixable) == []
    new_errors = _cfn_lint_errors(after) - _cfn_lint_errors(before)
    assert not new_errors, f"cfn-lint errors the fix added: {dict(new_errors)}"


# --- Terraform ----------------------------------------------------------------------------

_HEADER = re.compile(r'^(resource|data) "([^"]+)" "([^"]+)" \{$')


def _blocks_of(code: str) -> list[list[str]]:
    """Top-level blocks of rendered HCL (comment lines dropped)."""
    blocks: list[list[str]] = []
    for line in code.splitlines():
        if line.startswith("#"):
            continue
        if _HEADER.match(line):
            blocks.append([line])
        elif blocks and line:
            blocks[-1].append(line)
    return blocks


def _block_span(text: str, kind: str, name: str) -> tuple[int, int] | None:
    """Offsets of the ``{`` and the matching ``}`` of ``resource "kind" "name"``."""
    match = re.search(rf'^resource\s+"{re.escape(kind)}"\s+"{re.escape(name)}"\s*\{{', text,
                      re.M)
    if match is None:
        return None
    depth, index = 0, match.end() - 1
    while index < len(text):
        depth += {"{": 1, "}": -1}.get(text[index], 0)
        if depth == 0:
            return match.end() - 1, index
        index += 1
    return None


def _find_block(module: Path, address: str) -> tuple[Path, tuple[int, int]] | None:
    kind, name = address.split("[")[0].split(".")[-2:]
    for path in sorted(module.glob("*.tf")):
        span = _block_span(path.read_text(), kind, name)
        if span is not None:
            return path, span
    return None


def _set_arguments(module: Path, address: str, lines: list[str]) -> None:
    """Put ``lines`` (arguments and nested blocks of the resource) into its block,
    replacing an argument of the same name."""
    found = _find_block(module, address)
    assert found is not None, address
    path, (start, end) = found
    text = path.read_text()
    body = text[start + 1:end]
    inserted = []
    for line in lines:
        argument = re.match(r"  ([a-z_0-9]+)\s*=", line)
        if argument and re.search(rf"^\s*{argument.group(1)}\s*=.*$", body, re.M):
            body = re.sub(rf"^\s*{argument.group(1)}\s*=.*$", line, body, count=1,
                          flags=re.M)
        else:
            inserted.append(line)
    path.write_text(text[:start + 1] + "\n" + "\n".join(inserted) + body + text[end:])


def _insert_after(module: Path, address: str, pattern: str, code: str) -> bool:
    found = _find_block(module, address)
    if found is None:
        return False
    path, (start, end) = found
    text = path.read_text()
    match = re.compile(pattern, re.M).search(text, start, end)
    if match is None:
        return False
    path.write_text(text[:match.end()] + code + text[match.end():])
    return True


def _apply_tf(module: Path, finding: Finding, applied: Counter[str]) -> None:
    fix = finding.fix_data
    assert fix is not None
    for change, block in zip([c for c in fix.changes if not isinstance(c, ReplaceLiteral)],
                             change_blocks(fix, "terraform"), strict=True):
        kind = type(change).__name__
        if isinstance(change, Advice):
            continue
        if isinstance(change, SetValue) and not block.code:
            _set_arguments(module, change.resource,
                           [f"  {spelled(change.field, 'terraform')} = "
                            f"{hcl_value(change.value)}"])
        elif isinstance(change, AddStatements) and not change.whole:
            if not _insert_after(module, change.resource, r"Statement\s*=\s*\[",
                                 "\n" + block.code + "\n"):
                continue  # a policy written otherwise (a heredoc, a policy document)
        elif isinstance(change, AddToList):
            field = spelled(change.field, "terraform")
            if not _insert_after(module, change.resource, rf"{field}\s*=\s*\[",
                                 "".join(hcl_value(v) + ", " for v in change.values)):
                continue
        else:
            extra = []
            for lines in _blocks_of(block.code):
                header = _HEADER.match(lines[0])
                assert header is not None
                address = f"{header.group(2)}.{header.group(3)}"
                if _find_block(module, address) is not None:
                    _set_arguments(module, address, lines[1:-1])
                else:
                    extra.append("\n".join(lines))
            with (module / "cwlint_fix.tf").open("a") as handle:
                handle.write("\n\n".join(extra) + "\n\n")
        applied[kind] += 1


def _validates(modules: list[Path], root: Path) -> None:
    """``terraform validate`` of every module at once: each a child of one root."""
    terraform = shutil.which("terraform")
    assert terraform is not None, "terraform is needed to validate the fixed modules"
    calls = "".join(f'module "m{n}" {{\n  source = "./{m.name}"\n}}\n'
                    for n, m in enumerate(modules))
    (root / "main.tf").write_text(PROVIDER + calls)
    init = subprocess.run([terraform, "init", "-plugin-dir=/opt/tf-plugins", "-input=false",
                           "-backend=false", "-no-color"], cwd=root, capture_output=True,
                          text=True, check=False)
    assert init.returncode == 0, init.stderr
    result = subprocess.run([terraform, "validate", "-no-color"], cwd=root,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr


def test_terraform_fix_code_removes_the_finding_and_validates(tmp_path: Path) -> None:
    applied: Counter[str] = Counter()
    fixed_modules = []
    for number, module in enumerate(_cases("terraform")):
        if any(re.search(r'^(variable|module|provider|terraform)\b|^(resource|data) "(?!aws_)',
                         p.read_text(), re.M) for p in module.glob("*.tf")):
            continue  # not a self-contained child module of the AWS provider alone
        fixable = _fixable(scan([str(module)]).findings)
        if not fixable:
            continue
        copy = tmp_path / f"{number:03d}-{module.parent.name}"
        shutil.copytree(module, copy, ignore=shutil.ignore_patterns(".*", "*.json"))
        for finding in fixable:
            _apply_tf(copy, finding, applied)
        assert _remaining(copy, fixable) == [], module
        fixed_modules.append(copy)
    assert len(fixed_modules) > 20
    _validates(fixed_modules, tmp_path)
    for kind in ("GrantStatements", "AllowHttpsIngress", "AllowHttpsEgress", "AttachRole",
                 "AddStatements", "CreateEndpoint", "CreateLogResourcePolicy", "AddToList"):
        assert applied[kind] > 0, (kind, applied)


def test_every_kind_applied_to_cloudformation(cfn_applied: Counter[str]) -> None:
    """Runs after the CloudFormation cases (same module): each kind of change that is
    code was written into a template and worked."""
    if not cfn_applied:
        pytest.fail("run with the CloudFormation cases (this test reads what they applied)")
    for kind in ("GrantStatements", "AllowHttpsIngress", "AllowHttpsEgress", "AttachRole",
                 "AddStatements", "CreateEndpoint", "CreateLogResourcePolicy", "AddToList"):
        assert cfn_applied[kind] > 0, (kind, cfn_applied)
