"""The part of the checkov adapter that does not import checkov.

:mod:`cwlint.plugins.checkov_checks` (imported only inside checkov's environment) wraps
these functions in checkov check classes; keeping them here lets the main test suite
test them without checkov installed.

* :func:`resolve_scanned_file` turns the path checkov passes to a check (relative to the
  scan root, with a leading ``/``) back into a file that can be opened.
* :func:`cloudformation_run` runs the engine on a file, once per file (see
  :mod:`cwlint.plugins.cache`); checkov parsed the file too, but hands checks only one
  resource's configuration, without line marks, so cwlint reads it again.
* :func:`terraform_input` finds what the engine must read for a Terraform resource (the
  plan file, or the root module directory that calls the resource's module) and
  :func:`terraform_run` runs the engine on it, once per plan / directory version.
* :func:`verdict` decides one (rule, resource) result: ``FAILED`` with the reasons as
  ``details`` for error and warning findings, ``PASSED`` for a resource the rule
  examined (:meth:`cwlint.rules.base.Rule.subjects`: a workload that publishes metrics
  for CWL001, a policy granting a log-stream action for CWL003) and that has no
  finding, ``UNKNOWN`` otherwise (checkov leaves UNKNOWN results out of its report): a
  Lambda function that publishes no metrics is outside CWL001, not a pass of it. A rule
  that does not name its subjects passes every resource of the types it reports on.
  An ``info`` finding (something cwlint could not resolve) makes the result
  ``UNKNOWN``, never ``FAILED``: checkov has no informational result, and failing
  a build on an unknown is what ``cwlint scan --fail-on error`` avoids too.
  A finding silenced by cwlint's own inline suppression is ``UNKNOWN`` too (checkov's
  ``# checkov:skip`` never reaches the check: checkov records it as SKIPPED).
"""

from __future__ import annotations

import logging
import os
import re
import sys
from collections.abc import Iterable
from types import FrameType
from typing import TYPE_CHECKING

import msgspec
from msgspec.structs import replace

from cwlint.findings import ERROR, INFO, WARNING, Finding
from cwlint.plugins.cache import EngineCache, EngineRun, engine_run
from cwlint.rules.base import Rule

if TYPE_CHECKING:  # the engine (and cfn-lint's decoder) load on the first template
    from cwlint.cfn.loader import LoadedTemplate

LOGGER = logging.getLogger(__name__)

#: One memo for every CKV_CWL check: the engine runs once per scanned file. checkov's
#: Terraform runner goes file by file, and a module called by several roots interleaves
#: them (terraform-aws-cloudwatch: 14 roots, 4 of them analysed twice with 8 entries), so
#: it keeps more than the default; an entry holds findings only (no template).
FILE_CACHE = EngineCache(size=64)

FAILED, PASSED, UNKNOWN = "FAILED", "PASSED", "UNKNOWN"

#: checkov severity names for cwlint severities.
SEVERITY = {ERROR: "HIGH", WARNING: "MEDIUM", INFO: "LOW"}

#: checkov categories (names of ``checkov.common.models.enums.CheckCategories``) by rule
#: group: 00x identity, 01x network, 02x logs and services, 03x
#: cross-account, 04x alarms and conventions. The first one is the main category.
CATEGORIES: dict[str, tuple[str, ...]] = {
    "0": ("IAM", "LOGGING"),
    "1": ("NETWORKING", "LOGGING"),
    "2": ("LOGGING", "IAM"),
    "3": ("LOGGING", "IAM"),
    "4": ("LOGGING",),
}

#: A Terraform address: module calls, then ``[data.]TYPE.NAME``, each with an optional
#: ``count`` / ``for_each`` key (``module.app["a.b"].aws_subnet.private[0]``).
_INDEX = r'(?:\[(?:"(?:[^"\\]|\\.)*"|[^\]]*)\])?'
_ADDRESS = re.compile(rf"^(?:module\.[\w-]+{_INDEX}\.)*(data\.)?([\w-]+)\.[\w-]+{_INDEX}$")

#: Local variable names under which checkov's runners hold the file being scanned.
_PATH_LOCALS = ("file_abs_path", "full_file_path", "abs_scanned_file")
_MAX_FRAMES = 16
#: What cwlint reads of a Terraform module directory (its version for the cache).
_TF_INPUT_SUFFIXES = (".tf", ".tfvars", ".tf.json", ".tfvars.json")


class Verdict(msgspec.Struct, frozen=True):
    """One check result: ``FAILED`` / ``PASSED`` / ``UNKNOWN`` and the reasons."""

    result: str
    details: tuple[str, ...] = ()


def categories(rule: type[Rule]) -> tuple[str, ...]:
    """The checkov category names of a rule, from its group (the number's middle digit)."""
    return CATEGORIES.get(rule.number()[1:2], ("LOGGING",))


def check_name(rule: type[Rule]) -> str:
    """The checkov check name: what the check ensures (it reads beside PASSED and
    FAILED), with the cwlint and cfn-lint ids."""
    return f"{rule.checkov_name()} (cwlint {rule.id}, cfn-lint {rule.cfn_lint_id()})"


def details_of(finding: Finding) -> list[str]:
    """The ``details`` lines of one finding: where and why, then the fix."""
    where = f"line {finding.line}: " if finding.line else ""
    lines = [f"{where}{finding.message}"]
    if finding.fix:  # one details line per line of the fix: checkov indents each
        first, *rest = finding.fix.split("\n")
        lines += [f"fix: {first}", *rest]
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
    examined = run.examined(rule.id)
    if examined is not None:
        return Verdict(PASSED if resource in examined else UNKNOWN)
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
    from cwlint.engine import Subjects, analyse_template
    from cwlint.plugins.options import options_for, settle

    def analyse() -> EngineRun:
        plugin = options_for(path)
        if plugin.excludes(path):
            return EngineRun()
        try:
            loaded = load_template(path)
            if not loaded.looks_like_cloudformation():
                return EngineRun()
            subjects: Subjects = {}
            findings = analyse_template(loaded, plugin.options, subjects)
        except TemplateError as exc:
            LOGGER.debug("cwlint skipped %s: %s", path, exc)
            return EngineRun()
        settled = settle(findings, plugin.options, loaded, _text(path))
        warn_unreportable(settled.kept, loaded)
        return EngineRun(settled.kept, suppressed=settled.suppressed, subjects=subjects)

    return FILE_CACHE.get(_cache_key(path, path, _file_version(path)), None,
                          lambda: engine_run(analyse))


def terraform_run(path: str) -> EngineRun:
    """The engine's findings on a Terraform input, as ``cwlint scan <path>`` gives them:
    ``path`` is a plan file or a root module directory (with the local modules it calls,
    whose resources are addressed ``module.NAME.TYPE.NAME``), computed once per version of
    its files and configuration.

    An input cwlint cannot read gives no findings but an error (checkov read it, so the
    difference is worth a log line): every check on it is UNKNOWN, none PASSED.
    """
    from cwlint.engine import Input, scan_one
    from cwlint.plugins.options import options_for

    directory = os.path.isdir(path)
    config_anchor = os.path.join(path, "main.tf") if directory else path
    version = _directory_version(path) if directory else _file_version(path)

    def analyse() -> EngineRun:
        plugin = options_for(config_anchor)
        if plugin.excludes(path):
            return EngineRun()
        LOGGER.debug("cwlint analyses %s", path)
        outcome = scan_one(Input(path, explicit=True),
                           replace(plugin.options, collect_subjects=True))
        if outcome.error is not None:
            where = outcome.error.file + (f":{outcome.error.line}" if outcome.error.line else "")
            return EngineRun(error=f"cwlint could not read {where}: {outcome.error.message}")
        warn_unreportable_terraform(outcome.findings)
        return EngineRun(tuple(outcome.findings),
                         suppressed=tuple(s.finding for s in outcome.suppressed),
                         subjects=outcome.subjects)

    return FILE_CACHE.get(_cache_key(path, config_anchor, version), None,
                          lambda: engine_run(analyse))


def _cache_key(path: str, config_anchor: str, version: tuple[object, ...]) -> tuple[object, ...]:
    """The memo key of one input: its path, the version of what cwlint reads of it, and
    the configuration that applies (an invalid one is reported by the run itself)."""
    from cwlint.errors import UsageError
    from cwlint.plugins.options import options_for

    try:
        options: object = options_for(config_anchor).key
    except UsageError:
        options = "invalid configuration"
    return (os.path.abspath(path), version, options)


def _file_version(path: str) -> tuple[object, ...]:
    try:
        stat = os.stat(path)
    except OSError:
        return (None, None)
    return (stat.st_mtime_ns, stat.st_size)


def _directory_version(directory: str) -> tuple[object, ...]:
    """The version of a module directory: name, time and size of its Terraform files."""
    try:
        names = sorted(n for n in os.listdir(directory) if n.endswith(_TF_INPUT_SUFFIXES))
    except OSError:
        return ()
    return tuple((name, *_file_version(os.path.join(directory, name))) for name in names)


def _text(path: str) -> str:
    """The template's text, for ``# checkov:skip`` comments (already read once)."""
    try:
        with open(path, encoding="utf-8-sig", errors="replace") as handle:
            return handle.read()
    except OSError:
        return ""


def _reported_types(rule_id: str, syntax: str) -> tuple[str, ...]:
    """The resource types the check of ``rule_id`` runs on, in one syntax (its rule's
    :attr:`~cwlint.rules.base.Rule.reports_on`); empty: every type."""
    from cwlint.rules import DOCUMENTED_BY_ID

    rule = DOCUMENTED_BY_ID.get(rule_id)
    return getattr(rule.reports_on, syntax) if rule is not None else ()


def warn_unreportable(findings: Iterable[Finding], loaded: LoadedTemplate) -> list[Finding]:
    """Log (and return) the findings on a resource type their check does not run on."""
    lost = []
    for finding in findings:
        types = _reported_types(finding.rule_id, "cloudformation")
        resource_type = loaded.resource_type(finding.resource)
        if types and resource_type not in types:
            lost.append(finding)
            LOGGER.warning("cwlint %s on %s (%s) in %s cannot be reported by checkov: "
                           "%s does not run on that type; run `cwlint scan` to see it",
                           finding.rule_id, finding.resource, resource_type, loaded.path,
                           finding.rule_id)
    return lost


def terraform_type(address: str) -> str | None:
    """The resource type of a Terraform address (``module.app.aws_iam_role.x[0]`` ->
    ``aws_iam_role``; ``data.aws_iam_policy_document.x`` -> ``data.aws_iam_policy_document``);
    None for what is not a resource address (a ``module`` block)."""
    match = _ADDRESS.match(address)
    if match is None or match.group(2) == "module":
        return None
    return f"{match.group(1) or ''}{match.group(2)}"


def warn_unreportable_terraform(findings: Iterable[Finding]) -> list[Finding]:
    """Log (and return) the Terraform findings on a type their check does not run on."""
    lost = []
    for finding in findings:
        types = _reported_types(finding.rule_id, "terraform")
        resource_type = terraform_type(finding.resource)
        if types and resource_type not in types:
            lost.append(finding)
            LOGGER.warning("cwlint %s on %s in %s cannot be reported by checkov: %s does not "
                           "run on %s; run `cwlint scan` to see it", finding.rule_id,
                           finding.resource, finding.file, finding.rule_id, resource_type)
    return lost


def terraform_input(scanned_file: str, frame: FrameType | None = None) -> str | None:
    """What the engine reads for a resource checkov found in ``scanned_file``.

    * A plan (``.json``): the plan file.
    * HCL: the root module directory. checkov's Terraform runner hands checks the file of
      the module that declares the resource and keeps, in ``full_file_path`` (a
      ``TFDefinitionKey``), the chain of module calls that led there; its last caller is
      the root module, which ``cwlint scan`` analyses with the module's inputs. Without
      that key, the directory of the file.
    * None for what cwlint does not read: a module checkov downloaded into
      ``.terraform/`` (cwlint never fetches modules: its resources are unknown, not
      passed), a file that cannot be located. (``.tf.json`` files are HCL modules'
      files like ``.tf`` files.)
    """
    from cwlint.terraform.discovery import module_directory_of

    frame = frame or sys._getframe(1)
    if ".terraform" in re.split(r"[/\\]", scanned_file):
        return None
    if scanned_file.endswith(".json") and not scanned_file.endswith(".tf.json"):
        return resolve_scanned_file(scanned_file, frame)
    key = _definition_key(scanned_file, frame)
    path = root_module_file(key) if key is not None else resolve_scanned_file(scanned_file,
                                                                             frame)
    return module_directory_of(path) if path else None


def root_module_file(key: object) -> str:
    """The file of the root module that (through its module calls) reads the file of a
    checkov ``TFDefinitionKey`` (``file_path``, ``tf_source_modules``: each call's
    ``path`` and its own caller, ``nested_tf_module``)."""
    path = str(getattr(key, "file_path", ""))
    module = getattr(key, "tf_source_modules", None)
    while module is not None:
        path = str(getattr(module, "path", path))
        module = getattr(module, "nested_tf_module", None)
    return path


def _definition_key(scanned_file: str, frame: FrameType | None) -> object | None:
    """checkov's ``TFDefinitionKey`` of ``scanned_file``, from the runner's frame."""
    depth = 0
    while frame is not None and depth < _MAX_FRAMES:
        local = frame.f_locals
        key = local.get("full_file_path")
        if hasattr(key, "file_path") and local.get("scanned_file") == scanned_file:
            return key
        frame = frame.f_back
        depth += 1
    return None


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
