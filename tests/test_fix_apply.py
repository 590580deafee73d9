"""``cwlint scan --fix`` / ``--diff`` and SARIF ``fixes``, proven on copies of the fixtures
of ``fixtures/fixes/<rule>/``: ``fixable/`` (a CloudFormation template in YAML and in
JSON, a Terraform module) and ``near-miss/`` (the value comes from a parameter, a
variable, a local or an intrinsic, or the change is not local: the fix stays a
suggestion), plus each rule's Terraform plan (never edited).

For every fixable rule and input kind, on a copy in a temporary directory, through the
real command line: the rule's finding is there before and gone after, no input error,
no finding that was not there before, every line that changed is one the fix is about
(the rest of the file byte-identical), the real ``cfn-lint`` reports the same rules on
the fixed template as on the original (less its own report of the same typo, W3037),
and ``terraform fmt -check`` accepts the fixed module (skipped, with the reason shown,
where ``terraform`` is not on PATH).
"""

from __future__ import annotations

import difflib
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.fixture_layout import FIXTURES, ROOT

FIXES = FIXTURES / "fixes"
INPUTS = ("template.yaml", "template.json", "terraform", "terraform-json")
TERRAFORM = shutil.which("terraform")
CFN_LINT = Path(sys.executable).parent / "cfn-lint"

#: What a changed line of each rule's fixed files must mention (the property or argument,
#: or the value the fix writes); a blank line is allowed where Terraform gains an argument.
CHANGED = {
    "cwl003": re.compile(r"log-group:/myapp/(orders|worker)"),
    "cwl008": re.compile(r"cloudwatch:PutMetrics?Data|logs:PutLogEvents?\b"),
    "cwl011": re.compile(r"PrivateDnsEnabled|private_dns_enabled"),
    "cwl040": re.compile(r"TreatMissingData|treat_missing_data"),
    "cwl041": re.compile(r"LogGroupName|name\s+="),
}
#: cfn-lint's own rules that report the mistake a fix removes (W3037: an unknown action).
OVERLAP = {"cwl008": {"W3037"}}
#: Each rule's Terraform plan fixture: the finding is there, and a plan is never edited.
PLANS = {
    "cwl003": "cwl003/fail-log-group-arn/plan.json",
    "cwl008": "cwl008/fail-put-metrics-data/plan.json",
    "cwl011": "cwl011/fail-private-dns-off/plan.json",
    "cwl040": "cwl040/fail-default-missing/plan.json",
    "cwl041": "cwl041/fail-log-group-aws-prefix/plan.json",
}


def cwlint(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cwlint", "scan", *map(str, args)],
                          capture_output=True, text=True, cwd=cwd or ROOT, timeout=300)


def report(*args: str | Path) -> tuple[dict[str, Any], subprocess.CompletedProcess[str]]:
    done = cwlint("--format", "json", *args)
    assert "Traceback" not in done.stderr, done.stderr
    return json.loads(done.stdout), done


def files_of(path: Path) -> dict[Path, bytes]:
    if path.is_dir():
        return {p: p.read_bytes() for p in sorted(path.iterdir()) if p.is_file()}
    return {path: path.read_bytes()}


def copy_input(source: Path, tmp_path: Path) -> Path:
    target = tmp_path / source.name
    if source.is_dir():
        shutil.copytree(source, target)
    else:
        shutil.copy(source, target)
    return target


def found(data: dict[str, Any], rule: str) -> list[dict[str, Any]]:
    return [f for f in data["findings"] if f["rule_id"] == rule.upper()]


def cases(kind: str) -> list[Any]:
    return [pytest.param(rule, name, id=f"{rule}-{kind}-{name}")
            for rule in sorted(CHANGED) for name in INPUTS
            if (FIXES / rule / kind / name).exists()]


@pytest.mark.parametrize(("rule", "name"), cases("fixable"))
def test_fix_removes_the_finding_and_changes_nothing_else(rule: str, name: str,
                                                          tmp_path: Path) -> None:
    target = copy_input(FIXES / rule / "fixable" / name, tmp_path)
    original = files_of(target)
    before, _ = report(target)
    assert found(before, rule) and not before["errors"]
    after, done = report("--fix", target)
    assert not found(after, rule), after
    assert not after["errors"]
    new = {(f["rule_id"], f["resource"]) for f in after["findings"]}
    assert new <= {(f["rule_id"], f["resource"]) for f in before["findings"]}
    assert re.search(rf"fixed {len(found(before, rule))} findings? in 1 file", done.stderr), \
        done.stderr
    fixed = files_of(target)
    assert fixed.keys() == original.keys()
    changed = 0
    for path, data in original.items():
        for line in difflib.ndiff(data.decode().splitlines(), fixed[path].decode().splitlines()):
            if line[:2] in ("- ", "+ "):
                changed += 1
                assert CHANGED[rule].search(line) or (line[:2] == "+ " and not line[2:].strip()), \
                    f"{path.name}: unexpected change {line!r}"
    assert changed


@pytest.mark.parametrize(("rule", "name"), cases("near-miss"))
def test_no_edit_where_the_value_comes_from_elsewhere(rule: str, name: str,
                                                      tmp_path: Path) -> None:
    target = copy_input(FIXES / rule / "near-miss" / name, tmp_path)
    original = files_of(target)
    before, _ = report(target)
    assert found(before, rule) and not before["errors"]
    after, done = report("--fix", target)
    assert files_of(target) == original
    assert "fixed 0 findings in 0 files" in done.stderr
    assert found(after, rule) == found(before, rule)
    assert all(f["fix"] for f in found(after, rule))  # the suggestion is still shown


@pytest.mark.parametrize("rule", sorted(PLANS))
def test_a_plan_is_never_edited(rule: str, tmp_path: Path) -> None:
    target = copy_input(FIXTURES / PLANS[rule], tmp_path)
    original = target.read_bytes()
    before, _ = report(target)
    assert found(before, rule)
    after, done = report("--fix", target)
    assert target.read_bytes() == original
    assert found(after, rule) == found(before, rule)
    assert "fixed 0 findings" in done.stderr


@pytest.mark.parametrize("rule", sorted(CHANGED))
def test_cfn_lint_accepts_the_fixed_templates(rule: str, tmp_path: Path) -> None:
    originals = [FIXES / rule / "fixable" / n for n in INPUTS[:2]]
    copies = [copy_input(p, tmp_path) for p in originals]
    report("--fix", *copies)
    assert [p.read_bytes() for p in copies] != [p.read_bytes() for p in originals]
    for original, fixed in zip(originals, copies, strict=True):
        before = cfn_lint_rules(original)
        assert OVERLAP.get(rule, set()) <= before
        assert cfn_lint_rules(fixed) == before - OVERLAP.get(rule, set()), fixed.name


def cfn_lint_rules(template: Path) -> set[str]:
    """The rule ids the real cfn-lint reports on a template (cwlint's rules not loaded)."""
    done = subprocess.run([str(CFN_LINT), "--format", "parseable", "--", str(template)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode in (0, 2, 4, 6, 8, 10, 12, 14), done.stderr
    rules = {line.split(":")[5] for line in done.stdout.splitlines() if line.count(":") >= 6}
    assert not any(r.startswith("E0") for r in rules), done.stdout  # template errors
    return rules


@pytest.mark.parametrize("rule", sorted(CHANGED))
def test_terraform_fmt_accepts_the_fixed_module(rule: str, tmp_path: Path) -> None:
    if TERRAFORM is None:
        pytest.skip("terraform is not on PATH: terraform fmt cannot check the fixed module")
    source = FIXES / rule / "fixable" / "terraform"
    assert _fmt_check(source).returncode == 0  # the fixture itself is formatted
    target = copy_input(source, tmp_path)
    report("--fix", target)
    assert files_of(target) != files_of(source)
    done = _fmt_check(target)
    assert done.returncode == 0, done.stdout + done.stderr


def _fmt_check(directory: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(TERRAFORM), "fmt", "-check", "-diff", str(directory)],
                          capture_output=True, text=True, timeout=120)


def test_fix_in_a_local_module_edits_its_file_once(tmp_path: Path) -> None:
    """Both instances of a module called with for_each are fixed by one edit of the
    module's file; a module input (the caller's value) stays a suggestion."""
    target = copy_input(FIXES / "cwl040" / "module", tmp_path)
    original = files_of(target / "modules" / "alarm")
    before, _ = report(target)
    assert len(found(before, "cwl040")) == 2
    after, done = report("--fix", target)
    assert not found(after, "cwl040") and not after["errors"]
    assert "fixed 2 findings in 1 file" in done.stderr
    (path,) = original
    assert path.read_bytes() == original[path].replace(b'"notBreaching"', b'"breaching"')
    near = copy_input(FIXES / "cwl040" / "near-miss-module-input", tmp_path)
    untouched = {**files_of(near), **files_of(near / "modules" / "alarm")}
    after, done = report("--fix", near)
    assert len(found(after, "cwl040")) == 1 and "fixed 0 findings" in done.stderr
    assert {**files_of(near), **files_of(near / "modules" / "alarm")} == untouched


def test_diff_writes_nothing_and_patch_applies_it(tmp_path: Path) -> None:
    work, tmp_path = tmp_path, tmp_path / "in"
    sources = [FIXES / r / "fixable" / n for r in ("cwl011", "cwl040") for n in INPUTS
               if (FIXES / r / "fixable" / n).exists()]
    for index, source in enumerate(sources):
        (tmp_path / str(index)).mkdir(parents=True)
        copy_input(source, tmp_path / str(index))
    original = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    done = cwlint("--diff", ".", cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    assert {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()} == original
    assert re.search(r"would fix 14 findings \(14 edits in 7 files\)", done.stderr), done.stderr
    patched = work / "patched"
    shutil.copytree(tmp_path, patched)
    fixed = work / "fixed"
    shutil.copytree(tmp_path, fixed)
    cwlint("--fix", ".", cwd=fixed)
    if shutil.which("patch") is None:
        pytest.skip("patch is not on PATH: the diff cannot be applied")
    applied = subprocess.run(["patch", "-p1", "-s"], input=done.stdout, text=True,
                             cwd=patched, capture_output=True, timeout=60)
    assert applied.returncode == 0, applied.stdout + applied.stderr
    for path in fixed.rglob("*"):
        if path.is_file():
            assert (patched / path.relative_to(fixed)).read_bytes() == path.read_bytes(), path


def test_diff_of_nothing_fixable_exits_0(tmp_path: Path) -> None:
    target = copy_input(FIXES / "cwl040" / "near-miss" / "template.yaml", tmp_path)
    done = cwlint("--diff", target)
    assert done.returncode == 0 and done.stdout == ""
    assert "would fix 0 findings" in done.stderr


def test_fix_keeps_bom_and_crlf(tmp_path: Path) -> None:
    source = (FIXES / "cwl040" / "fixable" / "template.yaml").read_bytes()
    target = tmp_path / "template.yaml"
    target.write_bytes(b"\xef\xbb\xbf" + source.replace(b"\n", b"\r\n"))
    after, _ = report("--fix", target)
    assert not found(after, "cwl040") and not after["errors"]
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"\n" not in data.replace(b"\r\n", b"")
    assert b"      TreatMissingData: breaching\r\n      Namespace: Orders\r\n" in data
    assert b'TreatMissingData: "breaching"\r\n' in data


def test_fix_exit_code_is_that_of_what_is_left(tmp_path: Path) -> None:
    fixable = copy_input(FIXES / "cwl040" / "fixable" / "template.yaml", tmp_path)
    assert cwlint("--fail-on", "warning", fixable).returncode == 1
    assert cwlint("--fix", "--fail-on", "warning", fixable).returncode == 0
    other = tmp_path / "near"
    other.mkdir()
    near = copy_input(FIXES / "cwl040" / "near-miss" / "template.yaml", other)
    assert cwlint("--fix", "--fail-on", "warning", near).returncode == 1


def test_sarif_fixes_are_the_edits_fix_applies(tmp_path: Path) -> None:
    """Applying each SARIF replacement (regions in lines and UTF-16 columns) to the
    original gives the file --fix writes; a suggestion has no ``fixes``."""
    work, tmp_path = tmp_path, tmp_path / "in"
    for name in INPUTS[:3]:
        (tmp_path / name.split(".")[-1]).mkdir(parents=True)
        copy_input(FIXES / "cwl011" / "fixable" / name, tmp_path / name.split(".")[-1])
    copy_input(FIXES / "cwl040" / "near-miss" / "template.yaml", tmp_path)
    done = cwlint("--format", "sarif", ".", cwd=tmp_path)
    results = json.loads(done.stdout)["runs"][0]["results"]
    fixed = work / "fixed"
    shutil.copytree(tmp_path, fixed)
    cwlint("--fix", ".", cwd=fixed)
    replacements: dict[str, list[dict[str, Any]]] = {}
    for result in results:
        if result["ruleId"] == "CWL040":
            assert "fixes" not in result and "Fix: " in result["message"]["text"]
            continue
        (fix,) = result["fixes"]
        for change in fix["artifactChanges"]:
            replacements.setdefault(change["artifactLocation"]["uri"], []).extend(
                change["replacements"])
    edited: dict[str, list[str]] = {}
    for uri, found_here in replacements.items():
        lines = edited.setdefault(uri, (tmp_path / uri).read_text().split("\n"))
        for replacement in sorted(found_here, reverse=True, key=lambda r: (
                r["deletedRegion"]["startLine"], r["deletedRegion"]["startColumn"])):
            region = replacement["deletedRegion"]
            assert region["startLine"] == region["endLine"]
            line = lines[region["startLine"] - 1]
            start, end = region["startColumn"] - 1, region["endColumn"] - 1
            lines[region["startLine"] - 1] = (
                line[:start] + replacement["insertedContent"]["text"] + line[end:])
    assert len(edited) == 3
    for uri, lines in edited.items():
        assert "\n".join(lines) == (fixed / uri).read_text(), uri


def test_fixes_as_json_round_trip() -> None:
    from cwlint.fixes import (
        SAFE,
        Advice,
        AllowHttpsIngress,
        Fix,
        GrantStatements,
        ReplaceLiteral,
        SetValue,
    )
    from cwlint.fixes.as_json import fix_from_json, fix_to_json

    fix = Fix((SetValue("Alarm", "alarm.treat_missing_data", "breaching"),
               ReplaceLiteral("Role", "logs:PutLogEvent", "logs:PutLogEvents"),
               GrantStatements("Role", ({"Effect": "Allow", "Action": "x:Y", "Resource": "*"},)),
               AllowHttpsIngress("sg-1", "10.0.0.0/8"), Advice("create an endpoint")),
              SAFE, alternatives=(Advice("add an insufficient-data action"),))
    assert fix_from_json(json.loads(json.dumps(fix_to_json(fix)))) == fix
    with pytest.raises(ValueError):
        fix_from_json({"applicability": "sometimes", "changes": []})


def test_report_writes_the_sarif_fixes_of_the_scan(tmp_path: Path) -> None:
    target = copy_input(FIXES / "cwl040" / "fixable" / "template.yaml", tmp_path)
    saved = tmp_path / "scan.json"
    cwlint("--format", "json", "--output", saved, target, cwd=tmp_path)
    direct = cwlint("--format", "sarif", target, cwd=tmp_path).stdout
    rendered = subprocess.run([sys.executable, "-m", "cwlint", "report", str(saved),
                               "--format", "sarif"], capture_output=True, text=True,
                              cwd=tmp_path, timeout=300).stdout
    assert rendered == direct
    assert all(r["fixes"] for r in json.loads(direct)["runs"][0]["results"])


@pytest.mark.parametrize(("text", "why"), [
    ("      Fn::If: [Prod, {Namespace: Orders}, {Namespace: Orders}]\n", "plain mapping"),
    ("      TreatMissingData: !If [Prod, missing, breaching]\n      Namespace: Orders\n",
     "literal"),
    ("      TreatMissingData: *treat\n      Namespace: Orders\n", "alias|decode"),
    ("      TreatMissingData: |\n        missing\n      Namespace: Orders\n", "literal"),
])
def test_no_edit_that_would_change_something_else(text: str, why: str,
                                                  tmp_path: Path) -> None:
    """Properties behind Fn::If, a value behind an intrinsic, a YAML alias (editing the
    anchor would change its other uses too), a block scalar: no edit."""
    from cwlint.fixes import SAFE, Fix, SetValue
    from cwlint.fixes.apply import fix_edits
    from cwlint.fixes.locate_document import NotLiteral

    template = tmp_path / "template.yaml"
    template.write_text("Conditions:\n  Prod: !Equals [a, a]\nMetadata:\n  Treat: &treat missing\n"
                        "Resources:\n  Alarm:\n    Type: AWS::CloudWatch::Alarm\n"
                        f"    Properties:\n{text}")
    fix = Fix((SetValue("Alarm", "alarm.treat_missing_data", "breaching"),), SAFE)
    with pytest.raises(NotLiteral, match=why):
        fix_edits(fix, str(template))
