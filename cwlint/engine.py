"""The scan: find inputs, build a model per input, run every rule, collect findings.

Front ends are chosen per file. An input that cannot be read becomes an
:class:`~cwlint.findings.InputError` naming the file (and line when known); the other
inputs are still scanned. Nothing a template names is fetched or executed.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from cwlint.cfn.frontend import build_model
from cwlint.cfn.intrinsics import Resolver
from cwlint.cfn.loader import LoadedTemplate, TemplateError, load_template
from cwlint.cfn.scenarios import analyse_scenarios, relevant_conditions
from cwlint.findings import Finding, InputError
from cwlint.model import Model
from cwlint.rules import ALL_RULES

TEMPLATE_SUFFIXES = (".yaml", ".yml", ".json", ".template")
SKIPPED_DIRECTORIES = {".git", ".hg", ".svn", ".venv", "venv", "node_modules", ".terraform",
                       "__pycache__", ".tox", ".mypy_cache", ".pytest_cache", ".ruff_cache"}


@dataclass(frozen=True)
class ScanOptions:
    region: str = "us-east-1"
    account_id: str = "123456789012"
    strict: bool = False


@dataclass
class ScanResult:
    findings: list[Finding] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)
    files: int = 0


@dataclass(frozen=True)
class Input:
    path: str
    explicit: bool  # named on the command line, not found by walking a directory


def discover(paths: Sequence[str]) -> tuple[list[Input], list[InputError]]:
    inputs: list[Input] = []
    errors: list[InputError] = []
    for path in paths:
        if os.path.isdir(path):
            inputs.extend(Input(p, False) for p in _walk(path))
        elif os.path.exists(path):
            inputs.append(Input(path, True))
        else:
            errors.append(InputError(path, "no such file or directory"))
    return inputs, errors


def _walk(root: str) -> Iterable[str]:
    for directory, subdirectories, files in os.walk(root):
        subdirectories[:] = sorted(d for d in subdirectories if d not in SKIPPED_DIRECTORIES)
        for name in sorted(files):
            if name.endswith(TEMPLATE_SUFFIXES):
                yield os.path.join(directory, name)


def scan(paths: Sequence[str], options: ScanOptions | None = None) -> ScanResult:
    options = options or ScanOptions()
    inputs, errors = discover(paths)
    result = ScanResult(errors=list(errors))
    for item in inputs:
        findings, error, scanned = scan_input(item, options)
        result.findings.extend(findings)
        if error is not None:
            result.errors.append(error)
        result.files += scanned
    result.findings.sort(key=Finding.sort_key)
    return result


def scan_input(item: Input, options: ScanOptions) -> tuple[list[Finding], InputError | None, int]:
    """Findings of one input, or the error that stopped it; the int counts scanned files."""
    try:
        loaded = load_template(item.path)
    except TemplateError as exc:
        return [], InputError(item.path, exc.message, exc.line), 1
    if not loaded.looks_like_cloudformation():
        if item.explicit:
            return [], InputError(item.path, "not a CloudFormation template, Terraform "
                                  "configuration or Terraform plan"), 1
        return [], None, 0
    try:
        return analyse_template(loaded, options), None, 1
    except TemplateError as exc:
        return [], InputError(item.path, exc.message, exc.line), 1
    except RecursionError:
        return [], InputError(item.path, "the template nests too deeply to analyse"), 1
    except Exception as exc:  # a bug must not hide the other files' findings
        return [], InputError(item.path, f"internal error while analysing: "
                              f"{type(exc).__name__}: {exc}"), 1


def analyse_template(loaded: LoadedTemplate, options: ScanOptions) -> list[Finding]:
    """Every finding of one decoded template, across its ``Fn::If`` scenarios."""
    resolver = Resolver(loaded, region=options.region, account_id=options.account_id)
    resolver.evaluate_conditions()  # a cyclic condition is an error for the whole file

    def analyse(overrides: dict[str, bool] | None) -> list[Finding]:
        model = build_model(loaded, options.region, options.account_id, overrides)
        model.strict = options.strict
        return run_rules(model)

    return analyse_scenarios(relevant_conditions(loaded, resolver), analyse)


def run_rules(model: Model) -> list[Finding]:
    findings: list[Finding] = []
    for rule in ALL_RULES:
        findings.extend(rule().check(model))
    return findings
