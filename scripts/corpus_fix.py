#!/usr/bin/env python3
"""``cwlint scan --fix`` over a copy of the third-party corpus: what it fixes, and that it
breaks nothing.

Usage::

    .venv/bin/python scripts/corpus_fix.py [--corpus DIR] [--jobs N] [--cwlint PATH] [--keep]

The corpus (``../shared/corpus`` beside the project) is copied to a new temporary
directory (never into the project); the installed ``cwlint`` scans the copy
(``--format json``), prints the edits ``--diff`` would make, applies them with ``--fix``
and the script scans the copy again. The run fails (exit 1) when

* a run prints a traceback or an internal error, or exits with anything but 0, 1 or 2;
* ``--diff`` changed a file, or ``--fix`` changed a file that ``--diff`` did not name;
* a file is unreadable after the fixes that was readable before (a new input error);
* an error or warning is reported after the fixes that was not reported before, on the
  same file, resource and rule (a fix that introduced a problem);
* where ``terraform`` is on PATH, ``terraform fmt -check`` rejects a fixed ``.tf`` file
  that it accepted before.

It prints the numbers: files and edits ``--diff`` showed, findings ``--fix`` fixed,
files changed, findings before and after by rule.

Real corpora have few findings with a literal to fix, so ``--exercise`` also drives the
locators over every place where a fix could go, whatever the findings: on every
CloudFormation alarm, interface endpoint and log group of the copy's templates, and every
``aws_cloudwatch_metric_alarm``, ``aws_vpc_endpoint`` and ``aws_cloudwatch_log_group`` of
its ``.tf`` files, it asks for the edit of CWL040's, CWL011's and CWL041's fix (missing
data breaching, private DNS on, a name without a prefix). Every edit made must leave a
file that parses (the locator's own check: the same document with exactly the intended
value changed), and ``terraform fmt -check`` must accept every edited ``.tf`` file it
accepted before; an exception other than "not a literal" fails the run. It prints how
many edits were made, how many places stayed suggestions, and why.

``--keep`` keeps the copy (its path is printed) for a look at the edited files. Exit
code 2 when the corpus or the command is missing.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = PROJECT.parent / "shared" / "corpus"
PROBLEMS = ("error", "warning")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--cwlint", default=shutil.which("cwlint", path=str(
        Path(sys.executable).parent)) or shutil.which("cwlint"))
    parser.add_argument("--keep", action="store_true", help="keep the edited copy")
    parser.add_argument("--exercise", action="store_true",
                        help="also make the edits of three fixes at every place they fit")
    args = parser.parse_args(argv)
    if not args.corpus.is_dir() or not args.cwlint:
        print(f"corpus_fix: missing corpus ({args.corpus}) or cwlint command", file=sys.stderr)
        return 2
    work = Path(tempfile.mkdtemp(prefix="cwlint-corpus-fix-"))
    copy = work / "corpus"
    started = time.monotonic()
    try:
        shutil.copytree(args.corpus, copy, symlinks=True)
        status = run(args, copy, started)
        if args.exercise:
            status = max(status, exercise(copy))
        return status
    finally:
        if args.keep:
            print(f"the edited copy is kept in {copy}")
        else:
            shutil.rmtree(work, ignore_errors=True)


def run(args: argparse.Namespace, copy: Path, started: float) -> int:
    """Scan, diff, fix and scan again, in the copy's parent directory (paths in the
    reports and the diff are relative to it: ``corpus/...``)."""
    failures: list[str] = []
    work = copy.parent
    hashes = _hashes(work)
    before, _ = _scan(args, work, failures)
    diff = _cwlint(args, work, ["--diff", copy.name], failures)
    if _hashes(work) != hashes:
        failures.append("--diff changed files")
    named = {Path(line[len("+++ b/"):].rstrip("\n")) for line in diff.stdout.splitlines()
             if line.startswith("+++ b/")}
    shown = re.search(r"would fix (\d+) findings? \((\d+) edits? in (\d+) files?\)",
                      diff.stderr)
    fmt_before = _fmt_accepted(work, named)
    after, fixed = _scan(args, work, failures, "--fix")
    changed = sorted(p for p, h in _hashes(work).items() if hashes.get(p) != h)
    for path in changed:
        if path not in named:
            failures.append(f"--fix changed {path}, which --diff did not show")
    errors_before = {e["file"] for e in before["errors"]}
    for error in after["errors"]:
        if error["file"] not in errors_before:
            failures.append(f"unreadable after the fixes: {error['file']}: {error['message']}")
    known = {_key(f) for f in before["findings"] if f["severity"] in PROBLEMS}
    for finding in after["findings"]:
        if finding["severity"] in PROBLEMS and _key(finding) not in known:
            failures.append(f"new after the fixes: {finding['file']}:{finding['line']}: "
                            f"{finding['rule_id']} {finding['message']}")
    fmt_after = _fmt_accepted(work, set(fmt_before))
    for path in sorted(set(fmt_before) - set(fmt_after)):
        failures.append(f"terraform fmt accepted {path} before the fixes, not after")
    _summary(before, after, shown, fixed, changed, fmt_before, time.monotonic() - started)
    for failure in failures:
        print(f"FAIL {failure}")
    return 1 if failures else 0


def _key(finding: dict[str, Any]) -> tuple[str, str, str]:
    return finding["rule_id"], finding["file"], finding["resource"]


def _cwlint(args: argparse.Namespace, work: Path, extra: list[str],
            failures: list[str]) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([args.cwlint, "scan", "--jobs", str(args.jobs), *extra],
                          capture_output=True, text=True, timeout=3600, cwd=work)
    if done.returncode not in (0, 1, 2) or "Traceback" in done.stderr \
            or "internal error" in done.stderr:
        failures.append(f"cwlint scan {' '.join(extra[:-1])} exited {done.returncode}: "
                        f"{done.stderr[-500:]}")
    return done


def _scan(args: argparse.Namespace, work: Path, failures: list[str],
          *extra: str) -> tuple[dict[str, Any], str]:
    done = _cwlint(args, work, ["--format", "json", "--fail-on", "never", *extra, "corpus"],
                   failures)
    try:
        return json.loads(done.stdout), done.stderr
    except json.JSONDecodeError:
        failures.append(f"cwlint scan {' '.join(extra)} printed no JSON report")
        return {"findings": [], "errors": []}, done.stderr


def _hashes(work: Path) -> dict[Path, str]:
    """Each file's hash, by its path relative to ``work``."""
    return {p.relative_to(work): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in work.rglob("*") if p.is_file() and not p.is_symlink()}


def _fmt_accepted(work: Path, paths: set[Path]) -> list[Path]:
    """The ``.tf`` files among ``paths`` (relative to ``work``) that ``terraform fmt
    -check`` accepts."""
    terraform = shutil.which("terraform")
    if terraform is None:
        return []
    return [path for path in sorted(paths) if path.suffix == ".tf" and subprocess.run(
        [terraform, "fmt", "-check", str(path)], capture_output=True, cwd=work,
        timeout=120).returncode == 0]


def _summary(before: dict[str, Any], after: dict[str, Any], shown: re.Match[str] | None,
             fixed: str, changed: list[Path], fmt_checked: list[Path], seconds: float) -> None:
    counted_before = Counter(f["rule_id"] for f in before["findings"])
    counted_after = Counter(f["rule_id"] for f in after["findings"])
    if shown is not None:
        print(f"--diff: {shown.group(1)} findings, {shown.group(2)} edits in "
              f"{shown.group(3)} files")
    print(f"--fix: {fixed.strip().splitlines()[-1] if fixed.strip() else '(nothing said)'}")
    print(f"files changed: {len(changed)} "
          f"({sum(1 for p in changed if p.suffix == '.tf')} .tf, "
          f"{sum(1 for p in changed if p.suffix in ('.yaml', '.yml', '.json', '.template'))} "
          f"CloudFormation or .tf.json); terraform fmt -check on {len(fmt_checked)} of them")
    print(f"findings: {len(before['findings'])} before, {len(after['findings'])} after; "
          f"input errors: {len(before['errors'])} before, {len(after['errors'])} after")
    for rule in sorted(counted_before | counted_after):
        if counted_before[rule] != counted_after[rule]:
            print(f"  {rule}: {counted_before[rule]} -> {counted_after[rule]}")
    print(f"time: {seconds:.0f} s")


#: (CloudFormation type, Terraform type, neutral field, value): the fixes exercised.
EXERCISED = (
    ("AWS::CloudWatch::Alarm", "aws_cloudwatch_metric_alarm", "alarm.treat_missing_data",
     "breaching"),
    ("AWS::EC2::VPCEndpoint", "aws_vpc_endpoint", "endpoint.private_dns", True),
    ("AWS::Logs::LogGroup", "aws_cloudwatch_log_group", "log_group.name", "/cwlint/exercised"),
)


def exercise(copy: Path) -> int:
    """The locators at every place of the copy where the exercised fixes fit."""
    sys.path.insert(0, str(PROJECT))
    from cwlint.cfn.loader import TemplateError, load_template
    from cwlint.fixes import SAFE, Fix, SetValue
    from cwlint.fixes.apply import fix_edits
    from cwlint.fixes.edits import apply_edits
    from cwlint.fixes.locate_document import NotLiteral

    made: Counter[str] = Counter()
    kept: Counter[str] = Counter()
    failures: list[str] = []
    fmt_checked = 0
    terraform = shutil.which("terraform")
    places: list[tuple[Path, str, str, Any]] = []
    for path in sorted(copy.rglob("*")):
        if not path.is_file() or path.is_symlink() or ".terraform" in path.parts:
            continue
        if path.suffix == ".tf":
            text = path.read_text(errors="replace")
            for _cfn, tf_type, field, value in EXERCISED:
                for match in re.finditer(rf'^resource\s+"{tf_type}"\s+"([^"]+)"', text, re.M):
                    places.append((path, f"{tf_type}.{match.group(1)}", field, value))
        elif path.suffix in (".yaml", ".yml", ".json", ".template"):
            try:
                resources = load_template(str(path)).resources
            except TemplateError:
                continue
            for logical_id, resource in resources.items():
                rtype = resource.get("Type") if isinstance(resource, dict) else None
                for cfn_type, _tf, field, value in EXERCISED:
                    if rtype == cfn_type:
                        places.append((path, str(logical_id), field, value))
    for path, resource, field, value in places:
        kind = "terraform" if path.suffix == ".tf" else "cloudformation"
        try:
            edits = fix_edits(Fix((SetValue(resource, field, value),), SAFE), str(path))
        except NotLiteral as exc:
            kept[f"{kind}: {_reason(str(exc))}"] += 1
            continue
        except Exception as exc:  # any other failure is what the exercise looks for
            failures.append(f"{path} {resource}: {type(exc).__name__}: {exc}")
            continue
        made[kind] += 1
        for edited in {e.path for e in edits}:
            before = Path(edited).read_bytes()
            after = apply_edits(before, [e for e in edits if e.path == edited])
            if edited.endswith(".tf") and terraform and _fmt_ok(terraform, before):
                fmt_checked += 1
                if not _fmt_ok(terraform, after):
                    failures.append(f"terraform fmt rejects the edit of {resource} in {edited}")
    print(f"exercise: {len(places)} places; edits made: "
          + ", ".join(f"{k} {v}" for k, v in sorted(made.items()))
          + f" ({fmt_checked} in .tf files that terraform fmt accepted before: "
          "checked after)")
    for reason, count in kept.most_common():
        print(f"  suggestion only, {reason}: {count}")
    for failure in failures:
        print(f"FAIL exercise: {failure}")
    return 1 if failures else 0


def _reason(text: str) -> str:
    """A reason without the names in it, to count them together."""
    return re.sub(r"\S*(/|::|\.)\S*", "X", text)[:80]


def _fmt_ok(terraform: str, data: bytes) -> bool:
    return subprocess.run([terraform, "fmt", "-check", "-"], input=data,
                          capture_output=True, timeout=120).returncode == 0


if __name__ == "__main__":
    sys.exit(main())
