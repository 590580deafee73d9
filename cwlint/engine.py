"""The scan: find inputs, build a model per input, run every rule, collect findings.

Front ends are chosen per file. An input that cannot be read becomes an
:class:`~cwlint.findings.InputError` naming the file (and line when known); the other
inputs are still scanned. Nothing a template names is fetched or executed.

What the configuration tunes arrives in :class:`ScanOptions`: the rules to run and their
severities, strict signals, declared namespaces, SCPs and permissions boundaries from
outside the templates, excluded paths. Inline suppressions in the templates are applied
here too: a suppressed finding moves from :attr:`ScanResult.findings` to
:attr:`ScanResult.suppressed` (baselines are the command's business, see
:mod:`cwlint.baseline`).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace

from cwlint.cfn.frontend import build_model
from cwlint.cfn.intrinsics import Resolver
from cwlint.cfn.loader import MAX_FILE_BYTES, LoadedTemplate, TemplateError, load_template
from cwlint.cfn.scenarios import analyse_scenarios, possible_combinations, relevant_conditions
from cwlint.columns import place_in_template, terraform_column, with_columns
from cwlint.findings import Finding, InputError
from cwlint.fixes.render import render_findings
from cwlint.iam.policy import Policy
from cwlint.model import AttachedPolicy, Location, MetricSignal, Model
from cwlint.pathfilter import PathFilter
from cwlint.rules import ALL_RULES, DOCUMENTED, DOCUMENTED_BY_ID
from cwlint.rules.base import Rule
from cwlint.suppressions import Notice, Suppressed, cfn_suppressions
from cwlint.terraform import discovery as terraform  # Terraform inputs (cwlint.terraform)

TEMPLATE_SUFFIXES = (".yaml", ".yml", ".json", ".template")
SKIPPED_DIRECTORIES = {".git", ".hg", ".svn", ".venv", "venv", "node_modules", ".terraform",
                       "__pycache__", ".tox", ".mypy_cache", ".pytest_cache", ".ruff_cache"}

#: Text that any CloudFormation template contains: a file found by walking a directory
#: that cannot be parsed and holds none of it (a Helm chart, a multi-document Kubernetes
#: manifest, a tsconfig.json with comments) is skipped, not reported as unreadable.
_CFN_MARKER = re.compile(r"AWSTemplateFormatVersion|AWS::Serverless"
                         r"|[\"']?\bType[\"']?\s*:\s*[\"']?[A-Za-z0-9]+::[A-Za-z0-9]")

#: Looks up a permissions boundary document by the ARN a role names (configuration).
BoundaryLookup = Callable[[str, Location], "AttachedPolicy | None"]


@dataclass(frozen=True)
class ScanOptions:
    region: str = "us-east-1"
    account_id: str = "123456789012"
    strict: bool = False
    rules: tuple[type[Rule], ...] = DOCUMENTED
    severity: tuple[tuple[str, str], ...] = ()  # rule id -> severity of definite findings
    namespaces: tuple[tuple[str, tuple[str, ...]], ...] = ()  # workload -> namespaces
    namespace_source: str = "the configuration"  # says where declared namespaces come from
    scps: tuple[tuple[Policy, ...], ...] = ()  # one tuple per level
    boundaries: BoundaryLookup | None = None
    exclude: PathFilter | None = None
    # Treat files named on the command line like files found by walking a directory:
    # skip those that are not templates (pre-commit passes every changed file).
    skip_unrecognized: bool = False
    # Worker processes for the inputs (cwlint.parallel): 1 scans in this process; None
    # is automatic (the CPU count, when the inputs are large enough to repay starting
    # workers). The outcome is the same whatever the number.
    jobs: int | None = 1
    # Also say which resources each rule examined (InputOutcome.subjects): the checkov
    # plugin reports a pass only there. Off for `cwlint scan`, which reports findings only.
    collect_subjects: bool = False


#: Rule id -> the resources the rule examined, or None when the rule does not say
#: (:meth:`cwlint.rules.base.Rule.subjects`).
Subjects = dict[str, set[str] | None]


@dataclass
class ScanResult:
    findings: list[Finding] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)
    files: int = 0
    suppressed: list[Suppressed] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    scanned: list[str] = field(default_factory=list)  # the templates analysed, in order


@dataclass(frozen=True)
class Input:
    path: str
    explicit: bool  # named on the command line, not found by walking a directory


@dataclass
class InputOutcome:
    """What one input produced."""

    findings: list[Finding] = field(default_factory=list)
    suppressed: list[Suppressed] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    error: InputError | None = None
    files: int = 0  # 1 when the input counts as a scanned file
    analysed: bool = False  # a template whose rules ran
    subjects: Subjects | None = None  # with ScanOptions.collect_subjects


def discover(paths: Sequence[str], exclude: PathFilter | None = None,
             skip_unrecognized: bool = False) -> tuple[list[Input], list[InputError]]:
    inputs: list[Input] = []
    errors: list[InputError] = []
    repositories: dict[str, list[str]] = {}  # repository root -> its module directories
    for path in paths:
        if exclude is not None and exclude.excluded(path):
            continue
        if os.path.isdir(path):
            walked = terraform.drop_called_modules(list(_walk(path, exclude)), path)
            inputs.extend(Input(p, False) for p in walked)
        elif os.path.exists(path):
            if terraform.is_tf_like(path):  # Terraform: a .tf file is its module
                if terraform.is_ignored_name(path):
                    continue  # .example.tf: not configuration, as for Terraform
                path = terraform.module_directory_of(path)
                roots: list[str] = []
                repository = _repository_of(path)
                if repository is not None:
                    if repository not in repositories:
                        repositories[repository] = [
                            p for p in _walk(repository, exclude) if os.path.isdir(p)]
                    roots = terraform.calling_roots(path, repositories[repository])
                inputs.extend(Input(p, not skip_unrecognized) for p in roots or [path])
                continue
            if skip_unrecognized and not path.endswith(TEMPLATE_SUFFIXES):
                continue
            inputs.append(Input(path, not skip_unrecognized))
        else:
            errors.append(InputError(path, "no such file or directory"))
    return _unique(inputs), errors


def _repository_of(directory: str) -> str | None:
    """The root of the git repository holding ``directory`` (the nearest directory above
    it with a ``.git``), spelt relative to it when it is relative; None outside one."""
    current = directory
    while True:
        if os.path.exists(os.path.join(current, ".git")):
            return current
        parent = os.path.normpath(os.path.join(current, os.pardir))
        if os.path.abspath(parent) == os.path.abspath(current):
            return None
        current = parent


def _unique(inputs: list[Input]) -> list[Input]:
    """Each file once, however often it was named or found (the first spelling wins)."""
    seen: set[str] = set()
    unique = []
    for item in inputs:
        key = os.path.normcase(os.path.realpath(item.path))
        if key not in seen:
            seen.add(key)
            unique.append(item)
    return unique


def _walk(root: str, exclude: PathFilter | None = None) -> Iterable[str]:
    for directory, subdirectories, files in os.walk(root):
        subdirectories[:] = sorted(
            d for d in subdirectories if d not in SKIPPED_DIRECTORIES
            and not (exclude is not None and exclude.excluded(os.path.join(directory, d))))
        if terraform.has_tf_files(files):  # Terraform: a directory of .tf files is one input
            yield directory
        for name in sorted(files):
            path = os.path.join(directory, name)
            if name.endswith(TEMPLATE_SUFFIXES) and not terraform.is_tf_like(name) and not (
                    exclude and exclude.excluded(path)):
                yield path


#: Told, as the scan goes, how many of how many inputs are done and which one is next.
ProgressCallback = Callable[[int, int, str], None]


def scan(paths: Sequence[str], options: ScanOptions | None = None,
         progress: ProgressCallback | None = None) -> ScanResult:
    options = options or ScanOptions()
    inputs, errors = discover(paths, options.exclude, options.skip_unrecognized)
    result = ScanResult(errors=list(errors))
    result.notices.extend(excluded_notices(paths, options.exclude))
    total = len(inputs)
    if progress is not None and inputs:
        progress(0, total, inputs[0].path)
    for done, (item, outcome) in enumerate(zip(inputs, scan_inputs(inputs, options),
                                               strict=True), start=1):
        if progress is not None:
            progress(done, total, inputs[done].path if done < total else item.path)
        result.findings.extend(outcome.findings)
        result.suppressed.extend(outcome.suppressed)
        result.notices.extend(outcome.notices)
        if outcome.error is not None:
            result.errors.append(outcome.error)
        if outcome.analysed:
            result.scanned.append(item.path)
        result.files += outcome.files
    result.findings.sort(key=Finding.sort_key)
    result.suppressed.sort(key=lambda s: s.finding.sort_key())
    result.notices.sort(key=lambda n: (n.file, n.line or 0, n.message))
    return result


def excluded_notices(paths: Sequence[str], exclude: PathFilter | None) -> list[Notice]:
    """A notice for each path named on the command line that the configuration's
    ``exclude`` leaves out, saying which pattern did (a directory walk drops excluded
    files silently; a file or directory the user named deserves the reason)."""
    if exclude is None:
        return []
    notices = []
    for path in paths:
        reason = exclude.reason(path) if os.path.exists(path) else None
        if reason is not None:
            notices.append(Notice(path, None, reason))
    return notices


def scan_inputs(inputs: Sequence[Input], options: ScanOptions) -> Iterable[InputOutcome]:
    """The outcome of each input, in input order: here, or in ``options.jobs`` worker
    processes (:mod:`cwlint.parallel`) when there are several inputs."""
    if options.jobs != 1 and len(inputs) > 1:
        from cwlint import parallel  # imports this module: only when it is needed

        workers = parallel.worker_count(inputs, options.jobs)
        if workers > 1:
            return parallel.scan_parallel(inputs, options, workers)
    return (scan_guarded(item, options) for item in inputs)


def scan_guarded(item: Input, options: ScanOptions) -> InputOutcome:
    """:func:`scan_one`, with an exception that escapes it turned into this input's error
    (one input's bug must not hide the others' findings; a worker process and this one
    report it the same way)."""
    try:
        return scan_one(item, options)
    except RecursionError:
        return InputOutcome(error=InputError(item.path, "the input nests too deeply to "
                                             "read"), files=1)
    except Exception as exc:
        return InputOutcome(error=InputError(item.path, f"internal error while reading: "
                                             f"{type(exc).__name__}: {exc}"), files=1)


def scan_input(item: Input, options: ScanOptions) -> tuple[list[Finding], InputError | None, int]:
    """Findings of one input (inline suppressions applied), or the error that stopped it;
    the int counts scanned files."""
    outcome = scan_one(item, options)
    return outcome.findings, outcome.error, outcome.files


def scan_one(item: Input, options: ScanOptions) -> InputOutcome:
    """Everything one input produces: findings, suppressed findings, notices, or an error."""
    if terraform.is_terraform_input(item.path):  # Terraform HCL or plan: cwlint.terraform
        from cwlint.terraform.scan import scan_terraform  # imported for Terraform inputs only

        return _placed(scan_terraform(item, options))
    try:
        loaded = load_template(item.path)
    except TemplateError as exc:
        if not item.explicit and not _mentions_cloudformation(item.path):
            return InputOutcome()
        return InputOutcome(error=InputError(item.path, exc.message, exc.line), files=1)
    if not loaded.looks_like_cloudformation():
        if item.explicit:
            return InputOutcome(error=InputError(
                item.path, "not a CloudFormation template, Terraform configuration or "
                "Terraform plan"), files=1)
        return InputOutcome()
    try:
        subjects: Subjects | None = {} if options.collect_subjects else None
        findings = apply_severity(analyse_template(loaded, options, subjects),
                                  options.severity)
        findings = place_in_template(findings, loaded.template)
        index, notices = cfn_suppressions(loaded, _source_text(item.path))
        kept, suppressed = index.apply(findings)
        return InputOutcome(kept, suppressed, notices, files=1, analysed=True,
                            subjects=subjects)
    except TemplateError as exc:
        return InputOutcome(error=InputError(item.path, exc.message, exc.line), files=1)
    except RecursionError:
        return InputOutcome(error=InputError(item.path, "the template nests too deeply to "
                                             "analyse"), files=1)
    except Exception as exc:  # a bug must not hide the other files' findings
        return InputOutcome(error=InputError(item.path, f"internal error while analysing: "
                                             f"{type(exc).__name__}: {exc}"), files=1)


def _placed(outcome: InputOutcome) -> InputOutcome:
    """A Terraform input's outcome with the columns of its findings (HCL only)."""
    outcome.findings = with_columns(outcome.findings, terraform_column)
    outcome.suppressed = [replace(s, finding=with_columns([s.finding], terraform_column)[0])
                          for s in outcome.suppressed]
    return outcome


def analyse_template(loaded: LoadedTemplate, options: ScanOptions,
                     subjects: Subjects | None = None) -> list[Finding]:
    """Every finding of one decoded template, across its ``Fn::If`` scenarios; with a
    ``subjects`` mapping, also what each rule examined in any scenario."""
    resolver = Resolver(loaded, region=options.region, account_id=options.account_id)
    resolver.evaluate_conditions()  # a cyclic condition is an error for the whole file

    def analyse(overrides: dict[str, bool] | None) -> list[Finding]:
        if options.boundaries is None:
            model = build_model(loaded, options.region, options.account_id, overrides)
        else:
            model = build_model(loaded, options.region, options.account_id, overrides,
                                boundaries=options.boundaries)
        configure_model(model, options)
        return run_rules(model, options.rules, subjects)

    def possible(chosen: list[str]) -> set[tuple[bool, ...]] | None:
        return possible_combinations(
            loaded, lambda values: Resolver(loaded, region=options.region,
                                            account_id=options.account_id,
                                            parameter_values=values), chosen)

    return analyse_scenarios(relevant_conditions(loaded, resolver), analyse, possible)


def configure_model(model: Model, options: ScanOptions) -> None:
    """What the configuration adds to a model: strict mode, SCPs, declared namespaces."""
    model.strict = options.strict
    model.scps = [list(level) for level in options.scps]
    declared = dict(options.namespaces)
    for workload in model.workloads:
        for namespace in declared.get(workload.id, ()):
            if not any(s.namespace == namespace for s in workload.signals.metrics):
                workload.signals.metrics.append(
                    MetricSignal(namespace, options.namespace_source, declared=True))


def run_rules(model: Model, rules: Sequence[type[Rule]] = ALL_RULES,
              subjects: Subjects | None = None) -> list[Finding]:
    """The findings of ``rules`` on ``model``, their fixes written in the model's language;
    with a ``subjects`` mapping, also add what each rule examined (merged with what it
    holds, e.g. from other scenarios)."""
    findings: list[Finding] = []
    for rule in rules:
        instance = rule()
        findings.extend(instance.check(model))
        if subjects is not None:
            examined = instance.subjects(model)
            if examined is None:
                subjects.setdefault(rule.id, None)
            else:
                known = subjects.setdefault(rule.id, set())
                if known is not None:
                    known.update(examined)
    return render_findings(findings, model.syntax)


def apply_severity(findings: list[Finding], overrides: Sequence[tuple[str, str]]
                   ) -> list[Finding]:
    """Configured severities replace a rule's own severity on its definite findings; the
    ``info`` findings that say what could not be resolved stay ``info``."""
    if not overrides:
        return findings
    wanted = dict(overrides)
    changed = []
    for finding in findings:
        rule = DOCUMENTED_BY_ID.get(finding.rule_id)
        severity = wanted.get(finding.rule_id)
        if rule is not None and severity is not None and finding.severity == rule.severity:
            finding = replace(finding, severity=severity)
        changed.append(finding)
    return changed


def _source_text(path: str) -> str:
    """The template's text for comment-based suppressions (already read once by the
    loader, so it is readable)."""
    try:
        with open(path, encoding="utf-8-sig", errors="replace") as handle:
            return handle.read(MAX_FILE_BYTES)
    except OSError:
        return ""


def _mentions_cloudformation(path: str) -> bool:
    """Could this unparsable file be a CloudFormation template? (see _CFN_MARKER)"""
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_FILE_BYTES)
    except OSError:
        return True  # unreadable: report it
    if b"\x00" in data:
        return False
    return _CFN_MARKER.search(data.decode("utf-8", errors="replace")) is not None
