"""The part of the checkov adapter that does not import checkov.

:mod:`cwlint.plugins.checkov_checks` (imported only inside checkov's environment) wraps
these functions in checkov check classes; keeping them here lets the main test suite
test them without checkov installed.

* :func:`resolve_scanned_file` turns the path checkov passes to a check (relative to the
  scan root, with a leading ``/``) back into a file that can be opened.
* :func:`cloudformation_run` runs the engine on a file, once per file (see
  :mod:`cwlint.plugins.cache`); checkov parsed the file too, but hands checks only one
  resource's configuration, without line marks, so cwlint reads it again.
* :func:`verdict` decides one (rule, resource) result: ``FAILED`` with the reasons as
  ``details`` for error and warning findings, ``PASSED`` for a resource of a kind the
  rule reports on and that has no finding, ``UNKNOWN`` otherwise (checkov leaves UNKNOWN
  results out of its report). An ``info`` finding (something cwlint could not resolve)
  makes the result ``UNKNOWN``, never ``FAILED``: checkov has no informational result,
  and failing a build on an unknown is what ``cwlint scan --fail-on error`` avoids too.
  A finding silenced by cwlint's own inline suppression is ``UNKNOWN`` too (checkov's
  ``# checkov:skip`` never reaches the check: checkov records it as SKIPPED).
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from types import FrameType
from typing import TYPE_CHECKING

from cwlint.findings import ERROR, INFO, WARNING, Finding
from cwlint.plugins.cache import EngineCache, EngineRun, engine_run
from cwlint.rules.base import Rule

if TYPE_CHECKING:  # the engine (and cfn-lint's decoder) load on the first template
    from cwlint.cfn.loader import LoadedTemplate

LOGGER = logging.getLogger(__name__)

#: One memo for every CKV_CWL check: the engine runs once per scanned file.
FILE_CACHE = EngineCache()

FAILED, PASSED, UNKNOWN = "FAILED", "PASSED", "UNKNOWN"

#: checkov severity names for cwlint severities.
SEVERITY = {ERROR: "HIGH", WARNING: "MEDIUM", INFO: "LOW"}

#: checkov categories (names of ``checkov.common.models.enums.CheckCategories``) by rule
#: group (DESIGN.md §3): 00x identity, 01x network, 02x logs and services, 03x
#: cross-account, 04x alarms and conventions. The first one is the main category.
CATEGORIES: dict[str, tuple[str, ...]] = {
    "0": ("IAM", "LOGGING"),
    "1": ("NETWORKING", "LOGGING"),
    "2": ("LOGGING", "IAM"),
    "3": ("LOGGING", "IAM"),
    "4": ("LOGGING",),
}

_LAMBDA = ("AWS::Lambda::Function", "AWS::Serverless::Function")
_INSTANCES = ("AWS::EC2::Instance", "AWS::EC2::LaunchTemplate",
              "AWS::AutoScaling::LaunchConfiguration")
_WORKLOADS = (*_LAMBDA, *_INSTANCES, "AWS::ECS::TaskDefinition")
_POLICY_BEARING = ("AWS::IAM::Role", "AWS::IAM::Policy", "AWS::IAM::ManagedPolicy",
                   "AWS::IAM::RolePolicy", "AWS::IAM::User", "AWS::IAM::Group",
                   "AWS::IAM::UserPolicy", "AWS::IAM::GroupPolicy",
                   "AWS::Serverless::Function")  # SAM functions carry their role's policies
_ENDPOINTS = ("AWS::EC2::VPCEndpoint",)

#: The CloudFormation resource types each rule reports on (DESIGN.md §3, "Where a
#: finding is reported"): a check runs on these types only (a rule missing here runs on
#: every type). A finding on another type could not be shown by checkov, so it is logged
#: as a warning (:func:`warn_unreportable`) and a test keeps this table complete.
CLOUDFORMATION_TYPES: dict[str, tuple[str, ...]] = {
    "CWL001": _WORKLOADS,
    "CWL002": _WORKLOADS,
    "CWL003": _POLICY_BEARING,
    "CWL004": _LAMBDA,
    "CWL005": _INSTANCES,
    "CWL006": _INSTANCES,
    "CWL007": _WORKLOADS,
    "CWL008": _POLICY_BEARING,
    "CWL010": _WORKLOADS,
    "CWL011": _ENDPOINTS,
    "CWL012": _ENDPOINTS,
    "CWL013": _WORKLOADS,
    "CWL014": _ENDPOINTS,
    "CWL020": ("AWS::Logs::LogGroup",),
    "CWL021": ("AWS::ECS::TaskDefinition",),
    "CWL030": ("AWS::Oam::Sink", "AWS::Oam::Link"),
    "CWL040": ("AWS::CloudWatch::Alarm",),
    "CWL041": (*_WORKLOADS, *_POLICY_BEARING, "AWS::CloudWatch::Alarm"),
}

#: Local variable names under which checkov's runners hold the file being scanned.
_PATH_LOCALS = ("file_abs_path", "full_file_path", "abs_scanned_file")
_MAX_FRAMES = 12


@dataclass(frozen=True)
class Verdict:
    """One check result: ``FAILED`` / ``PASSED`` / ``UNKNOWN`` and the reasons."""

    result: str
    details: tuple[str, ...] = ()


def categories(rule: type[Rule]) -> tuple[str, ...]:
    """The checkov category names of a rule, from its group (the number's middle digit)."""
    return CATEGORIES.get(rule.number()[1:2], ("LOGGING",))


def check_name(rule: type[Rule]) -> str:
    """The checkov check name: the rule's title, with the cwlint and cfn-lint ids."""
    return f"{rule.title} (cwlint {rule.id}, cfn-lint {rule.cfn_lint_id()})"


def details_of(finding: Finding) -> list[str]:
    """The ``details`` lines of one finding: where and why, then the fix."""
    where = f"line {finding.line}: " if finding.line else ""
    lines = [f"{where}{finding.message}"]
    if finding.fix:
        lines.append(f"fix: {finding.fix}")
    return lines


def verdict(run: EngineRun, rule: type[Rule], resource: str, resource_type: str,
            relevant_types: Iterable[str]) -> Verdict:
    """The result of ``rule`` on one resource, from the engine's findings on its file."""
    findings = run.for_resource(rule.id, resource)
    definite = [f for f in findings if f.severity != INFO]
    if definite:
        return Verdict(FAILED, tuple(line for f in definite for line in details_of(f)))
    if findings or run.error is not None or run.is_suppressed(rule.id, resource):
        return Verdict(UNKNOWN)
    return Verdict(PASSED if resource_type in relevant_types else UNKNOWN)


def cloudformation_run(path: str) -> EngineRun:
    """The engine's findings on the template at ``path``, as ``cwlint scan <path>`` gives
    them (its configuration, severities and inline suppressions), computed once per file
    version and configuration.

    A file cwlint cannot read, or that is not a template, gives no findings (checkov
    reports its own parsing errors).
    """
    # imported here: checkov loads the check files in every framework's worker process,
    # and only the CloudFormation one needs the engine and cfn-lint's decoder
    from cwlint.cfn.loader import TemplateError, load_template
    from cwlint.engine import analyse_template
    from cwlint.plugins.options import options_for, settle

    try:
        stat = os.stat(path)
        version: tuple[object, ...] = (stat.st_mtime_ns, stat.st_size)
    except OSError:
        version = (None, None)
    key = (os.path.abspath(path), *version)

    def analyse() -> EngineRun:
        plugin = options_for(path)
        if plugin.excludes(path):
            return EngineRun()
        try:
            loaded = load_template(path)
            if not loaded.looks_like_cloudformation():
                return EngineRun()
            findings = analyse_template(loaded, plugin.options)
        except TemplateError as exc:
            LOGGER.debug("cwlint skipped %s: %s", path, exc)
            return EngineRun()
        settled = settle(findings, plugin.options, loaded, _text(path))
        warn_unreportable(settled.kept, loaded)
        return EngineRun(settled.kept, suppressed=settled.suppressed)

    return FILE_CACHE.get(key, None, lambda: engine_run(analyse))


def _text(path: str) -> str:
    """The template's text, for ``# checkov:skip`` comments (already read once)."""
    try:
        with open(path, encoding="utf-8-sig", errors="replace") as handle:
            return handle.read()
    except OSError:
        return ""


def warn_unreportable(findings: Iterable[Finding], loaded: LoadedTemplate) -> list[Finding]:
    """Log (and return) the findings on a resource type their check does not run on."""
    lost = []
    for finding in findings:
        types = CLOUDFORMATION_TYPES.get(finding.rule_id)
        resource_type = loaded.resource_type(finding.resource)
        if types is not None and resource_type not in types:
            lost.append(finding)
            LOGGER.warning("cwlint %s on %s (%s) in %s cannot be reported by checkov: "
                           "%s does not run on that type; run `cwlint scan` to see it",
                           finding.rule_id, finding.resource, resource_type, loaded.path,
                           finding.rule_id)
    return lost


def resolve_scanned_file(scanned_file: str, frame: FrameType | None = None) -> str | None:
    """The file checkov is scanning, as a path that can be opened.

    checkov passes checks the file relative to the scan root with a leading ``/``
    (``/templates/app.yaml``); the root itself is only known to the runner, which keeps
    the real path in a local variable (``file_abs_path`` for CloudFormation,
    ``full_file_path`` for Terraform). Look for it in the calling frames first, then try
    the path as given, then relative to the working directory.
    """
    found = _path_from_frames(scanned_file, frame or sys._getframe(1))
    if found is not None:
        return found
    for candidate in (scanned_file, scanned_file.lstrip("/\\")):
        if candidate and os.path.isfile(candidate):
            return candidate
    return None


def _path_from_frames(scanned_file: str, frame: FrameType | None) -> str | None:
    depth = 0
    fallback: str | None = None
    while frame is not None and depth < _MAX_FRAMES:
        local = frame.f_locals
        for name in _PATH_LOCALS:
            value = local.get(name)
            path = getattr(value, "file_path", value)  # Terraform's TFDefinitionKey
            if not isinstance(path, str) or not os.path.isfile(path):
                continue
            if scanned_file in (local.get("cf_file"), local.get("scanned_file")):
                return path  # the runner's own pair: the relative name and the real path
            if fallback is None and _same_file(path, scanned_file):
                fallback = path
        frame = frame.f_back
        depth += 1
    return fallback


def _same_file(path: str, scanned_file: str) -> bool:
    """Whether ``path`` ends with the relative name checkov shows (``/dir/t.yaml``)."""
    parts = [p for p in scanned_file.replace("\\", "/").split("/") if p not in ("", ".", "..")]
    if not parts:
        return False
    normal = os.path.normpath(os.path.abspath(path))
    return normal.endswith(os.sep + os.path.join(*parts))
