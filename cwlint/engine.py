"""The scan: find inputs, build a model per input, run every rule, collect findings.

Front ends are chosen per input (:data:`FRONT_ENDS`, called through
:class:`~cwlint.frontend.protocol.FrontEnd`); whatever the syntax, one pipeline
(:func:`scan_one`) runs the rules and applies the configuration. An input that cannot be
read becomes an :class:`~cwlint.findings.InputError` naming the file (and line when
known); the other inputs are still scanned. Nothing a template names is fetched or executed.

What the configuration tunes arrives in :class:`ScanOptions`: the rules to run and their
severities, strict signals, declared namespaces, SCPs and permissions boundaries from
outside the templates, excluded paths. Inline suppressions in the templates are applied
here too: a suppressed finding moves from :attr:`ScanResult.findings` to
:attr:`ScanResult.suppressed` (baselines are the command's business, see
:mod:`cwlint.baseline`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

import msgspec
from msgspec.structs import replace

from cwlint.cfn.frontend import CloudFormationFrontEnd, template_findings
from cwlint.findings import Finding, InputError
from cwlint.fixes.render import render_findings
from cwlint.frontend.policies import BoundaryLookup
from cwlint.frontend.protocol import Discovery, FrontEnd, Input, InputFailure, RunRules
from cwlint.iam.policy import Policy
from cwlint.model import MetricSignal, Model
from cwlint.pathfilter import PathFilter
from cwlint.rules import ALL_RULES, DOCUMENTED, DOCUMENTED_BY_ID
from cwlint.rules.base import Rule
from cwlint.suppressions import Notice, Suppressed
from cwlint.terraform.frontend import TerraformFrontEnd
from cwlint.workers import worker_count

if TYPE_CHECKING:
    from cwlint.cfn.loader import LoadedTemplate

SKIPPED_DIRECTORIES = {".git", ".hg", ".svn", ".venv", "venv", "node_modules", ".terraform",
                       "__pycache__", ".tox", ".mypy_cache", ".pytest_cache", ".ruff_cache"}

#: The front ends, in the order they are asked: the first that claims an input reads it
#: (Terraform's module directories and plans first; CloudFormation takes what is left).
FRONT_ENDS: tuple[FrontEnd, ...] = (TerraformFrontEnd(), CloudFormationFrontEnd())



class ScanOptions(msgspec.Struct, frozen=True):
    """What a scan applies to every input: account, rules, configuration, workers."""

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


class ScanResult(msgspec.Struct):
    """What a scan found: findings, unreadable inputs, suppressed findings, notices."""

    findings: list[Finding] = msgspec.field(default_factory=list)
    errors: list[InputError] = msgspec.field(default_factory=list)
    files: int = 0
    suppressed: list[Suppressed] = msgspec.field(default_factory=list)
    notices: list[Notice] = msgspec.field(default_factory=list)
    scanned: list[str] = msgspec.field(default_factory=list)  # the templates analysed, in order


class InputOutcome(msgspec.Struct):
    """What one input produced."""

    findings: list[Finding] = msgspec.field(default_factory=list)
    suppressed: list[Suppressed] = msgspec.field(default_factory=list)
    notices: list[Notice] = msgspec.field(default_factory=list)
    error: InputError | None = None
    files: int = 0  # 1 when the input counts as a scanned file
    analysed: bool = False  # a template whose rules ran
    subjects: Subjects | None = None  # with ScanOptions.collect_subjects


def discover(paths: Sequence[str], exclude: PathFilter | None = None,
             skip_unrecognized: bool = False) -> tuple[list[Input], list[InputError]]:
    """The inputs under ``paths``, as the front ends find them (:data:`FRONT_ENDS`)."""
    inputs: list[Input] = []
    errors: list[InputError] = []
    context = Discovery(exclude, skip_unrecognized, lambda root: _walk(root, exclude))
    for path in paths:
        if exclude is not None and exclude.excluded(path):
            continue
        if os.path.isdir(path):
            walked = list(_walk(path, exclude))
            for front_end in FRONT_ENDS:
                walked = front_end.after_walk(walked, path)
            inputs.extend(Input(p, False) for p in walked)
        elif os.path.exists(path):
            for front_end in FRONT_ENDS:
                named = front_end.named(path, context)
                if named is not None:
                    inputs.extend(named)
                    break
        else:
            errors.append(InputError(path, "no such file or directory"))
    return _unique(inputs), errors


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
        names = sorted(files)
        for front_end in FRONT_ENDS:
            yield from front_end.found_in(directory, names, exclude)


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
        workers = worker_count(inputs, options.jobs)
        if workers > 1:
            from cwlint import parallel  # imports this module: only when it is needed

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


def front_end_of(path: str) -> FrontEnd:
    """The front end that reads the input ``path``."""
    return next(f for f in FRONT_ENDS if f.claims(path))


def scan_one(item: Input, options: ScanOptions) -> InputOutcome:
    """Everything one input produces: findings, suppressed findings, notices, or an error.

    The one pipeline, whatever the syntax: the front end reads the input and builds its
    models, the rules run on each, configured severities apply, the front end places the
    findings, and the inline suppressions of its files set some aside."""
    front_end = front_end_of(item.path)
    try:
        source = front_end.read(item, options)
    except InputFailure as exc:
        return InputOutcome(error=exc.error, files=1)
    if source is None:
        return InputOutcome()  # found by walking, and not an input after all
    try:
        subjects: Subjects | None = {} if options.collect_subjects else None
        findings = front_end.analyse(source, options, rule_runner(options, subjects))
        findings = front_end.place(apply_severity(findings, options.severity), source)
        index, notices = front_end.suppressions(source)
        kept, suppressed = index.apply(findings)
        return InputOutcome(kept, suppressed, notices, files=1, analysed=True,
                            subjects=subjects)
    except InputFailure as exc:
        return InputOutcome(error=exc.error, files=1)
    except RecursionError:
        return InputOutcome(error=InputError(
            item.path, f"the {front_end.what} nests too deeply to analyse"), files=1)
    except Exception as exc:  # a bug must not hide the other inputs' findings
        return InputOutcome(error=InputError(item.path, f"internal error while analysing: "
                                             f"{type(exc).__name__}: {exc}"), files=1)


def analyse_template(loaded: LoadedTemplate, options: ScanOptions,
                     subjects: Subjects | None = None) -> list[Finding]:
    """Every finding of one decoded template, across its ``Fn::If`` scenarios; with a
    ``subjects`` mapping, also what each rule examined in any scenario (the cfn-lint
    plugin's way in: cfn-lint has decoded the template already)."""
    return template_findings(loaded, options, rule_runner(options, subjects))


def rule_runner(options: ScanOptions, subjects: Subjects | None = None) -> RunRules:
    """The engine's part of an analysis: a model configured, then the rules run on it."""
    def run(model: Model) -> list[Finding]:
        configure_model(model, options)
        return run_rules(model, options.rules, subjects)
    return run


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
