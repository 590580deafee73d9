#!/usr/bin/env python3
"""Run ``cwlint scan`` over every template, plan and Terraform module of the third-party
corpus.

Usage (``make corpus`` runs it with the project's virtualenv)::

    .venv/bin/python scripts/corpus.py [--corpus DIR] [--jobs N] [--cwlint PATH]

The corpus (``../shared/corpus`` beside the project, with ``cfn/``, ``plan/`` and ``tf/``)
is read in place, never copied. The installed ``cwlint`` command runs twice over it, as a
user runs it: ``--format json`` for the findings and errors, ``--format junit`` for the
list of files it analysed. The run fails (exit 1) when

* ``cwlint`` exits with anything but 0 or 2, or prints a traceback or an internal error;
* an input error is not clean: no file, an empty or multi-line message, a file that is
  not in the corpus;
* a file that looks like a template or a plan (independent check: the text names
  ``AWSTemplateFormatVersion``, ``AWS::Serverless`` or a ``Type: AWS::...`` resource, or
  is plan JSON with ``format_version``) was neither analysed nor reported as an error,
  i.e. cwlint dropped it silently; likewise a Terraform module directory (``.tf`` or
  ``.tf.json`` files) that was neither analysed, nor reported, nor called as a local
  module by another one (it is then analysed through its caller);
* where ``terraform`` is on PATH: a ``.tf`` file cwlint refused that ``terraform fmt -``
  (Terraform's own parser) accepts, unless cwlint refused it for what Terraform refuses
  later too (a resource, variable or local declared twice in one module);
* the two runs disagree on which inputs could not be read;
* the findings ledger (``tests/corpus_findings.tsv``, see ``corpus_ledger.py``) does not
  match: an error or warning that is not in it, or that it marks ``false`` or
  ``unreviewed``, or a finding it marks ``true`` that is no longer reported. The
  differences are printed one per line; ``--update-ledger`` appends the new findings as
  ``unreviewed`` rows for a reviewer to fill in (they still fail until reviewed).

It prints a summary: files, findings by rule, errors and their kinds, time. Exit code 2
when the corpus or the command is missing.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus_ledger  # beside this script

PROJECT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = PROJECT.parent / "shared" / "corpus"
DEFAULT_LEDGER = PROJECT / "tests" / "corpus_findings.tsv"
PARTS = ("cfn", "plan", "tf")
TEMPLATE_SUFFIXES = (".yaml", ".yml", ".json", ".template")
#: What any CloudFormation/SAM template names (checked apart from cwlint's own code).
TEMPLATE_MARKER = re.compile(r"AWSTemplateFormatVersion|AWS::Serverless"
                             r"|[\"']?\bType[\"']?\s*:\s*[\"']?AWS::[A-Za-z0-9]")
PLAN_KEYS = ('"format_version"', '"planned_values"', '"resource_changes"')
TERRAFORM_SUFFIXES = (".tf", ".tf.json")
#: A local module call in HCL or JSON syntax: the directory it names.
LOCAL_SOURCE = re.compile(r'^\s*"?source"?\s*[=:]\s*"(\.\.?/[^"]*)"', re.MULTILINE)
SKIPPED_DIRECTORIES = {".git", ".terraform", "node_modules"}
#: Refusals that are not about syntax: Terraform's parser accepts the file, and Terraform
#: refuses the module when it loads it.
CONFIGURATION_ERRORS = re.compile(r" is declared twice$")
#: The suite of the JUnit report that lists the inputs cwlint could not read.
UNREADABLE_SUITE = "unreadable inputs"
MAX_READ = 64 * 1024 * 1024


@dataclass
class Run:
    """One ``cwlint scan`` process."""

    command: list[str]
    returncode: int
    stdout: str
    stderr: str
    seconds: float


@dataclass
class Report:
    """What the corpus run found; ``problems`` make it fail."""

    candidates: list[str] = field(default_factory=list)
    modules: list[str] = field(default_factory=list)
    walked: int = 0
    analysed: set[str] = field(default_factory=set)
    errors: list[dict[str, Any]] = field(default_factory=list)
    findings: Counter[str] = field(default_factory=Counter)
    raw_findings: list[dict[str, Any]] = field(default_factory=list)
    ledger_lines: list[str] = field(default_factory=list)
    summary: dict[str, Any] = field(default_factory=dict)
    notices: int = 0
    problems: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    fmt_checked: int = 0
    runs: list[Run] = field(default_factory=list)


def cwlint_command(explicit: str | None) -> str:
    """The ``cwlint`` console script: ``--cwlint``, else the one beside this Python."""
    if explicit:
        return explicit
    beside = Path(sys.executable).with_name("cwlint")
    if beside.exists():
        return str(beside)
    raise SystemExit(f"corpus: no cwlint command beside {sys.executable}; run `make corpus` "
                     "or pass --cwlint")


def corpus_files(roots: Sequence[Path]) -> Iterator[Path]:
    """Every file under ``roots`` with a template suffix, in sorted order."""
    for root in roots:
        for directory, subdirectories, names in os.walk(root):
            subdirectories.sort()
            for name in sorted(names):
                if name.endswith(TEMPLATE_SUFFIXES):
                    yield Path(directory, name)


def module_directories(roots: Sequence[Path]) -> dict[str, list[str]]:
    """Every Terraform module directory under ``roots`` (one holding ``.tf`` or
    ``.tf.json`` files whose names do not start with a dot) -> the directories it calls as
    local modules."""
    modules: dict[str, list[str]] = {}
    for root in roots:
        for directory, subdirectories, names in os.walk(root):
            subdirectories[:] = sorted(d for d in subdirectories if d not in SKIPPED_DIRECTORIES)
            files = [n for n in sorted(names)
                     if n.endswith(TERRAFORM_SUFFIXES) and not n.startswith(".")]
            if not files:
                continue
            called = []
            for name in files:
                try:
                    text = Path(directory, name).read_text(encoding="utf-8", errors="replace")
                except OSError:
                    continue
                called += [os.path.normpath(os.path.join(directory, source))
                           for source in LOCAL_SOURCE.findall(text)]
            modules[directory] = called
    return modules


def looks_like_input(path: Path) -> bool:
    """Would a user expect cwlint to read this file (a template or a plan)?"""
    try:
        with open(path, "rb") as handle:
            text = handle.read(MAX_READ).decode("utf-8", errors="replace")
    except OSError:
        return True  # unreadable: cwlint must say so
    if TEMPLATE_MARKER.search(text):
        return True
    return path.suffix == ".json" and PLAN_KEYS[0] in text and \
        (PLAN_KEYS[1] in text or PLAN_KEYS[2] in text)


def run_cwlint(command: list[str]) -> Run:
    """Run one scan; its report goes to a temporary file, not through a pipe."""
    with tempfile.TemporaryDirectory(prefix="cwlint-corpus-") as scratch:
        output = Path(scratch, "report")
        start = time.perf_counter()
        proc = subprocess.run([*command, "--output", str(output)], capture_output=True,
                              text=True, errors="replace", check=False)
        seconds = time.perf_counter() - start
        text = output.read_text(encoding="utf-8") if output.exists() else ""
    return Run(command, proc.returncode, text, proc.stderr, seconds)


def check_process(run: Run, label: str, report: Report) -> None:
    """Exit code and stderr of one run."""
    if run.returncode not in (0, 2):
        report.problems.append(f"{label}: exit code {run.returncode}")
    for line in run.stderr.splitlines():
        if "Traceback" in line or "internal error" in line:
            report.problems.append(f"{label}: stderr: {line.strip()[:300]}")
        elif line.startswith("cwlint: warning: "):
            report.notices += 1
        elif line.strip():
            report.problems.append(f"{label}: unexpected stderr line: {line.strip()[:300]}")


def check_json(run: Run, report: Report, roots: Sequence[Path]) -> None:
    """Findings and errors of the JSON run; every error must be clean."""
    try:
        data = json.loads(run.stdout)
    except json.JSONDecodeError as exc:
        report.problems.append(f"json run: the report is not JSON ({exc})")
        return
    report.summary = data.get("summary", {})
    report.raw_findings = list(data.get("findings", []))
    report.findings = Counter(f["rule_id"] for f in report.raw_findings)
    report.errors = data.get("errors", [])
    inside = tuple(str(root) + os.sep for root in roots)
    for error in report.errors:
        file, message = error.get("file"), error.get("message")
        where = f"error {file!r}"
        if not isinstance(file, str) or not file.startswith(inside):
            report.problems.append(f"{where}: names no corpus file")
        if not isinstance(message, str) or not message.strip() or "\n" in message:
            report.problems.append(f"{where}: message is not one line: {message!r}")
        elif "internal error" in message or "Traceback" in message:
            report.problems.append(f"{where}: {message[:300]}")


def check_junit(run: Run, report: Report) -> None:
    """Which files the JUnit run analysed; its unreadable inputs must match the JSON's."""
    try:
        root = ET.fromstring(run.stdout)
    except ET.ParseError as exc:
        report.problems.append(f"junit run: the report is not XML ({exc})")
        return
    unreadable: set[str] = set()
    for suite in root.iter("testsuite"):
        name = suite.get("name", "")
        if name == UNREADABLE_SUITE:
            unreadable.update(case.get("classname", "") for case in suite.iter("testcase"))
        else:
            report.analysed.add(name)
    reported = {e.get("file") for e in report.errors}
    if unreadable != reported:
        report.problems.append(f"the JSON and JUnit runs disagree on unreadable inputs: "
                               f"{sorted(unreadable ^ reported)[:10]}")


def check_accounted(report: Report) -> None:
    """Every file that looks like a template or plan was analysed or reported."""
    reported = {e.get("file") for e in report.errors}
    dropped = [p for p in report.candidates if p not in report.analysed and p not in reported]
    for path in dropped[:20]:
        report.problems.append(f"{path}: looks like a template or plan but was neither "
                               "analysed nor reported as an error")
    if len(dropped) > 20:
        report.problems.append(f"... and {len(dropped) - 20} more files dropped silently")


def check_modules(report: Report, calls: dict[str, list[str]]) -> None:
    """Every Terraform module directory was analysed, reported (an error on one of its
    files or of a module it calls), or is called by another module directory."""
    reported = {os.path.dirname(str(e.get("file"))) for e in report.errors}
    called = {c for callees in calls.values() for c in callees}

    def accounted(directory: str, seen: frozenset[str] = frozenset()) -> bool:
        if directory in report.analysed or directory in reported or directory in called:
            return True
        return any(c not in seen and accounted(c, seen | {directory})
                   for c in calls.get(directory, ()) if c in calls)

    dropped = [d for d in calls if not accounted(d)]
    for directory in dropped[:20]:
        report.problems.append(f"{directory}: a Terraform module directory neither analysed "
                               "nor reported as an error")
    if len(dropped) > 20:
        report.problems.append(f"... and {len(dropped) - 20} more module directories dropped")


def check_terraform_refusals(report: Report) -> None:
    """A ``.tf`` file cwlint refused must be refused by Terraform's parser too."""
    terraform = shutil.which("terraform")
    if terraform is None:
        report.skipped.append("terraform is not on PATH: refused .tf files not checked "
                              "against terraform fmt")
        return
    for error in report.errors:
        file, message = str(error.get("file")), str(error.get("message", ""))
        if not file.endswith(".tf") or CONFIGURATION_ERRORS.search(message):
            continue
        try:
            with open(file, "rb") as source:
                result = subprocess.run([terraform, "fmt", "-"], stdin=source,
                                        capture_output=True, timeout=60, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            report.problems.append(f"{file}: terraform fmt could not check it ({exc})")
            continue
        if result.returncode == 0:
            report.problems.append(f"{file}: refused by cwlint ({message[:120]}) but "
                                   "terraform fmt accepts it")
        report.fmt_checked += 1


def check_ledger(report: Report, corpus: Path, parts: Sequence[str], ledger: Path,
                 update: bool) -> None:
    """Compare the errors and warnings with the ledger; with ``update``, rewrite it."""
    rows = corpus_ledger.read_ledger(ledger)
    reported = corpus_ledger.reported_keys(report.raw_findings, corpus)
    comparison = corpus_ledger.compare(rows, reported, parts)
    if update:
        messages: dict[corpus_ledger.Key, str] = {}
        for finding in report.raw_findings:
            key = corpus_ledger.finding_key(finding, corpus)
            if key is not None:
                messages.setdefault(key, str(finding.get("message", "")))
        corpus_ledger.write_ledger(ledger, corpus_ledger.updated_rows(rows, comparison,
                                                                     messages))
        report.ledger_lines.append(f"ledger {ledger}: {len(comparison.unlisted)} row(s) "
                                   f"appended as unreviewed, {len(comparison.stale)} stale "
                                   "row(s) dropped")
        comparison = corpus_ledger.compare(corpus_ledger.read_ledger(ledger), reported, parts)
    reviewed = sum(comparison.matched.values())
    report.ledger_lines.append(f"  ledger:   {sum(reported.values())} errors and warnings, "
                               f"{reviewed} in the ledger")
    report.ledger_lines += ["    " + line for line in corpus_ledger.verdict_table(comparison)]
    report.ledger_lines += corpus_ledger.render_diff(comparison, ledger)
    if comparison.failures:
        report.problems.append(f"ledger: {comparison.failures} finding(s) differ from "
                               f"{ledger} (listed above)")


def error_kinds(errors: Sequence[dict[str, Any]]) -> Counter[str]:
    """Input errors by kind: the first words of the message, before any name or number."""
    kinds: Counter[str] = Counter()
    for error in errors:
        message = str(error.get("message", ""))
        head = re.split(r"[:(\"'\d{\[]| -> ", message, maxsplit=1)[0]
        kinds[" ".join(head.split()[:2]) or "(no message)"] += 1
    return kinds


def render(report: Report, corpus: Path, jobs: str, total: float) -> str:
    """The summary printed at the end."""
    json_run, junit_run = report.runs
    lines = [
        f"cwlint corpus run over {corpus} ({', '.join(PARTS)}), --jobs {jobs}",
        f"  files:    {report.walked:,} with a template suffix, {len(report.candidates):,} "
        f"look like templates or plans; cwlint analysed {len(report.analysed):,}, "
        f"{len(report.errors)} unreadable (clean errors), summary.files "
        f"{report.summary.get('files', '?'):,}",
        f"  terraform: {len(report.modules):,} module directories; {report.fmt_checked} "
        f"refused .tf files checked with terraform fmt (all refused by it too)"
        + "".join(f"; {reason}" for reason in report.skipped),
        f"  findings: {sum(report.findings.values()):,}"
        + (": " + ", ".join(f"{rule} {count}" for rule, count in sorted(report.findings.items()))
           if report.findings else ""),
        f"  errors:   {len(report.errors)}"
        + (": " + "; ".join(f"{kind} ({count})" for kind, count
                            in error_kinds(report.errors).most_common(8))
           if report.errors else ""),
        f"  notices:  {report.notices} suppression warnings on stderr",
        f"  time:     scan (json) {json_run.seconds:.1f} s, accounting run (junit) "
        f"{junit_run.seconds:.1f} s, total {total:.1f} s",
    ]
    lines += report.ledger_lines
    if report.problems:
        lines.append(f"FAILED: {len(report.problems)} problem(s)")
        lines += [f"  - {p}" for p in report.problems[:50]]
    else:
        lines.append("OK: no traceback, no internal error, every unreadable file reported "
                     "as a clean error")
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the corpus check; 0 clean, 1 problems, 2 missing corpus or command."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS,
                        help=f"the corpus directory, holding cfn/, plan/ and tf/ "
                        f"(default {DEFAULT_CORPUS})")
    parser.add_argument("--jobs", default=None, metavar="N",
                        help="cwlint scan --jobs (default: cwlint's own default)")
    parser.add_argument("--cwlint", default=None, metavar="PATH",
                        help="the cwlint command (default: the one beside this Python)")
    parser.add_argument("--ledger", type=Path, default=DEFAULT_LEDGER, metavar="FILE",
                        help=f"the findings ledger (default {DEFAULT_LEDGER})")
    parser.add_argument("--no-ledger", action="store_true",
                        help="robustness only: do not compare findings with a ledger")
    parser.add_argument("--update-ledger", action="store_true",
                        help="append new errors and warnings to the ledger as "
                        "'unreviewed' and drop rows marked false or unreviewed that are "
                        "no longer reported")
    args = parser.parse_args(argv)
    if args.no_ledger and args.update_ledger:
        parser.error("--update-ledger needs the ledger: drop --no-ledger")
    started = time.perf_counter()
    corpus = args.corpus.resolve()
    roots = [corpus / part for part in PARTS if (corpus / part).is_dir()]
    if not roots:
        print(f"corpus: no {', '.join(PARTS[:-1])} or {PARTS[-1]} directory under {corpus} "
              "(the shared corpus "
              "belongs at ../shared/corpus beside the project)", file=sys.stderr)
        return 2
    command = [cwlint_command(args.cwlint), "scan", "--fail-on", "never"]
    if args.jobs:
        command += ["--jobs", str(args.jobs)]
    report = Report()
    files = list(corpus_files(roots))
    report.walked = len(files)
    report.candidates = [str(p) for p in files
                         if not p.name.endswith(TERRAFORM_SUFFIXES) and looks_like_input(p)]
    calls = module_directories([r for r in roots if r.name == "tf"])
    report.modules = sorted(calls)
    paths = [str(root) for root in roots]
    json_run = run_cwlint([*command, "--format", "json", *paths])
    check_process(json_run, "json run", report)
    check_json(json_run, report, roots)
    junit_run = run_cwlint([*command, "--format", "junit", *paths])
    notices = report.notices
    check_process(junit_run, "junit run", report)
    report.notices = notices  # the same notices again: count them once
    check_junit(junit_run, report)
    check_accounted(report)
    check_modules(report, calls)
    check_terraform_refusals(report)
    report.runs = [json_run, junit_run]
    if not args.no_ledger:
        parts = [root.name for root in roots]
        try:
            check_ledger(report, corpus, parts, args.ledger, args.update_ledger)
        except corpus_ledger.LedgerError as exc:
            report.problems.append(f"ledger: {exc}")
    sys.stdout.write(render(report, corpus, args.jobs or "default",
                            time.perf_counter() - started))
    return 1 if report.problems else 0


if __name__ == "__main__":
    sys.exit(main())
