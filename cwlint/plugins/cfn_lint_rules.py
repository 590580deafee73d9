"""cwlint's rules as cfn-lint rules (module mode: ``--append-rules=cwlint.plugins.cfn_lint_rules``).

``checks/cfn_lint/`` (directory mode, ``--append-rules=checks/cfn_lint``) re-exports the
classes defined here, so both modes run exactly the same code.

One class per cwlint rule and finding severity, id = severity letter + ``CW`` + number:
CWL001's findings are ECW001 (the rule's own severity, the class you normally see),
CWL040's are WCW040. A class has one fixed severity in cfn-lint, so the other severities
get twin classes: ``info`` findings (what cwlint could not resolve: a parameter without
default, an imported value) are ICW001, never promoted to errors nor dropped; cfn-lint
leaves informational rules out unless asked (``--include-checks I``), the host's way of
saying "show me the info level too". A severity changed in cwlint's configuration
(``severity: {CWL003: warning}``) moves the findings to that letter's twin (WCW003).

The template's cwlint configuration applies as in ``cwlint scan`` (found from the
template's directory upward; :mod:`cwlint.plugins.options`): enabled rules, severities,
strict mode, namespaces, SCPs, boundaries, region, excluded paths, and cwlint's inline
suppressions (``Metadata: {cwlint: {ignore: ...}}``). cfn-lint applies its own
``ignore_checks`` (command line, ``.cfnlintrc``, template and resource metadata).
``# checkov:skip`` comments are checkov's, and do not silence cfn-lint.

**Said once.** Where cfn-lint's own W3037 already reports an unknown action that CWL008
would report, ECW008 stays silent (:mod:`cwlint.plugins.cfn_lint_overlap`).

**No extra time.** cfn-lint hands every rule the same decoded template (``cfn.template``,
already carrying line marks from cfn-lint's decoder, which is also cwlint's). The first
cwlint rule that runs builds the model from that object and runs the whole engine once;
the other classes read the memo (:mod:`cwlint.plugins.cache`), keyed by the identity of
``cfn.template``. The file is never read again. (cfn-lint has already merged SAM
``Globals`` into the resources and expanded ``Fn::ForEach`` of ``AWS::LanguageExtensions``
in that object; cwlint applies ``Globals`` the same way, and an expanded ``ForEach`` only
lets the plugin see resources ``cwlint scan`` leaves alone.)

**Where a match points.** A finding carries file, line and resource. The match's path is
the first node below ``Resources.<resource>`` that starts on the finding's line, following
the nodes whose span contains that line: the function's ``Role`` key for
``Role: !GetAtt R.Arn`` (not the ``Fn::GetAtt`` inside it), the list item
``Policies/0`` for ``- PolicyName: ...``. When no node starts on that line, the path is
``["Resources", resource]`` and the match's location is set to the finding's line, so
cfn-lint prints the same line as ``cwlint scan`` either way. Because every path starts
with ``Resources/<resource>``, resource-level ``Metadata: cfn-lint: config:
ignore_checks`` works as for cfn-lint's own rules.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from typing import Any, ClassVar

from cfnlint.rules import CloudFormationLintRule, RuleMatch

from cwlint.cfn.loader import LoadedTemplate, TemplateError, line_of, looks_like_cloudformation
from cwlint.engine import analyse_template
from cwlint.findings import ERROR, INFO, WARNING, Finding
from cwlint.plugins.cache import EngineCache, EngineRun, engine_run
from cwlint.plugins.cfn_lint_overlap import W3037, reported_by_w3037
from cwlint.plugins.options import options_for, settle
from cwlint.rules import ALL_RULES
from cwlint.rules.base import Rule

LOGGER = logging.getLogger(__name__)

#: The memo shared by every cwlint rule class (one engine run per template).
CACHE = EngineCache()

#: The file name cwlint uses when cfn-lint reads the template from stdin.
STDIN_NAME = "-"

#: cfn-lint's default region (``--regions`` not given).
DEFAULT_REGION = "us-east-1"

_LETTERS = {ERROR: "E", WARNING: "W", INFO: "I"}

Path = list[str | int]

__all__: list[str] = ["CACHE", "RULE_CLASSES", "CwlintCfnLintRule", "cfn_lint_rule_classes",
                      "match_path"]


def explicit_region(cfn: Any) -> str | None:
    """The region cfn-lint was asked for (``--regions``), None for its default: then the
    cwlint configuration's region applies, as in ``cwlint scan``."""
    regions = [r for r in getattr(cfn, "regions", None) or [] if isinstance(r, str)]
    return regions[0] if regions and regions != [DEFAULT_REGION] else None


def findings_for(cfn: Any) -> EngineRun:
    """The engine's findings on the template cfn-lint decoded, computed once per template."""
    template = cfn.template
    filename = cfn.filename if isinstance(cfn.filename, str) else STDIN_NAME
    region = explicit_region(cfn)
    key = (id(template), filename, region)

    def analyse() -> EngineRun:
        if not looks_like_cloudformation(template):
            return EngineRun()
        where = filename if filename != STDIN_NAME else os.path.join(os.getcwd(), "-")
        plugin = options_for(where, region)
        if plugin.excludes(filename):
            return EngineRun()
        loaded = LoadedTemplate(filename, template)
        try:
            findings = analyse_template(loaded, plugin.options)
        except TemplateError as exc:
            # e.g. a cyclic condition: cfn-lint reports the template problem itself
            LOGGER.debug("cwlint skipped %s: %s", filename, exc)
            return EngineRun()
        # no source text: the file is not read again, so checkov's comments do not apply
        settled = settle(findings, plugin.options, loaded, "")
        return EngineRun(settled.kept, suppressed=settled.suppressed)

    return CACHE.get(key, template, lambda: engine_run(analyse))


def match_path(template: Mapping[str, Any], resource: str, line: int | None) -> tuple[Path, bool]:
    """The cfn-lint path of a finding, and whether it starts exactly on ``line``.

    Searches ``Resources.<resource>`` for the first node that starts on ``line`` (see the
    module docstring). Falls back to ``["Resources", resource]`` (``False``); when the
    resource is not in the template (a finding about something the template only
    implies), the whole template is searched, then ``["Resources"]``.
    """
    resources = template.get("Resources")
    if isinstance(resources, Mapping) and resource in resources:
        base: Path = ["Resources", resource]
        if line is None:
            return base, False
        if _key_line(resources, resource) == line:
            return base, True
        found = _descend(resources[resource], base, line)
        return (found, True) if found is not None else (base, False)
    if line is not None:
        found = _descend(template, [], line)
        if found is not None:
            return found, True
    return ["Resources"], False


def node_at(template: Mapping[str, Any], path: Path) -> Any:
    """The node of ``template`` at ``path`` (None when the path leads nowhere)."""
    node: Any = template
    for step in path:
        found = (isinstance(node, Mapping) and step in node) or (
            isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node))
        if not found:
            return None
        node = node[step]
    return node


def _key_line(mapping: Mapping[str, Any], wanted: str) -> int | None:
    for key in mapping:
        if key == wanted:
            return line_of(key)
    return None


def _span(node: Any) -> tuple[int, int] | None:
    """1-based first and last line of a decoded node (None for unmarked scalars)."""
    start = getattr(node, "start_mark", None)
    end = getattr(node, "end_mark", None)
    if start is None or end is None:
        return None
    last = end.line + 1
    if end.column == 0 and end.line > start.line:
        last -= 1  # a block node ends at column 0 of the line after its content
    return start.line + 1, last


def _contains(node: Any, line: int) -> bool:
    span = _span(node)
    return span is not None and span[0] <= line <= span[1]


def _descend(node: Any, path: Path, line: int) -> Path | None:
    """The path of the first node below ``node`` that starts on ``line``, or None."""
    if isinstance(node, Mapping):
        for key, value in node.items():
            if line_of(key) == line:
                return [*path, str(key)]
            if isinstance(value, (Mapping, list)) and _contains(value, line):
                found = _descend(value, [*path, str(key)], line)
                if found is not None:
                    return found
    elif isinstance(node, list):
        for index, item in enumerate(node):
            if line_of(item) == line:
                return [*path, index]
            if isinstance(item, (Mapping, list)) and _contains(item, line):
                found = _descend(item, [*path, index], line)
                if found is not None:
                    return found
    return None


class CwlintCfnLintRule(CloudFormationLintRule):
    """Base class of the generated rules: report one cwlint rule's findings of one
    severity.

    Subclasses set ``rule`` (the cwlint rule class) and ``finding_severity``. Its own
    ``id`` is empty, so cfn-lint ignores it when a module re-exports it.
    """

    rule: ClassVar[type[Rule]]
    finding_severity: ClassVar[str] = ERROR

    def match(self, cfn: Any) -> list[RuleMatch]:
        """Translate this rule's findings on ``cfn`` into cfn-lint matches."""
        run = findings_for(cfn)
        error = run.take_error()
        if error is not None:
            # reported once, by the first class that asks: cfn-lint turns the exception
            # into one E0002 "Unknown exception while processing rule" match
            raise RuntimeError(error)
        return [self.to_match(cfn, finding) for finding in run.for_rule(self.rule.id)
                if finding.severity == self.finding_severity
                and not self.said_by_cfn_lint(cfn, finding)]

    def said_by_cfn_lint(self, cfn: Any, finding: Finding) -> bool:
        """Whether one of cfn-lint's own rules already reports ``finding`` in this run: the
        rule's :attr:`~cwlint.rules.base.Rule.said_by_cfn_lint` (CWL008's unknown actions
        that W3037 reports, :mod:`cwlint.plugins.cfn_lint_overlap`)."""
        if self.rule.said_by_cfn_lint != W3037:
            return False
        path, _ = match_path(cfn.template, finding.resource, finding.line)
        return reported_by_w3037(cfn, finding.resource, node_at(cfn.template, path))

    def matchall_resource_properties(self, filename: str, cfn: Any, resource_properties: Any,
                                     property_type: str, path: Any) -> tuple[()]:
        """Nothing per resource: cfn-lint calls this for every rule and resource, and the
        whole template is analysed once in :meth:`match` (skipping cfn-lint's generator
        wrapper keeps the 3 x 18 classes' share of those calls small)."""
        return ()

    def to_match(self, cfn: Any, finding: Finding) -> RuleMatch:
        """The RuleMatch of one finding: path at the exact node, the finding's line."""
        path, exact = match_path(cfn.template, finding.resource, finding.line)
        message = finding.message if not finding.fix else f"{finding.message}. Fix: {finding.fix}"
        match = RuleMatch(path, message)
        if not exact and finding.line is not None:
            # cfn-lint takes the line from the path unless the match carries a location
            # (0-based line, column, end line, end column)
            match.location = (finding.line - 1, 0, finding.line - 1, 0)
        return match


def cfn_lint_id(rule: type[Rule], severity: str) -> str:
    """The cfn-lint id of ``rule``'s findings of ``severity`` (ECW001, WCW001, ICW001)."""
    return f"{_LETTERS[severity]}CW{rule.number()}"


def _description(rule: type[Rule]) -> str:
    first = rule.documentation().split("\n\n", 1)[0]
    return " ".join(first.split())


def _make_class(rule: type[Rule], severity: str) -> type[CwlintCfnLintRule]:
    suffix = "" if severity == rule.severity else severity.capitalize()
    name = f"{rule.id}{_camel(rule.name)}{suffix}"
    shortdesc = rule.title if not suffix else f"{rule.title} ({severity})"
    attributes: dict[str, Any] = {
        "__doc__": f"{rule.id} {rule.name}: its {severity} findings, as cfn-lint rule "
                   f"{cfn_lint_id(rule, severity)}.",
        "__module__": __name__,
        "id": cfn_lint_id(rule, severity),
        "shortdesc": shortdesc,
        "description": _description(rule),
        "source_url": rule.help_uri(),
        "tags": ["cwlint", "cloudwatch", rule.name],
        "rule": rule,
        "finding_severity": severity,
    }
    return type(name, (CwlintCfnLintRule,), attributes)


def _camel(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("-"))


def cfn_lint_rule_classes() -> list[type[CwlintCfnLintRule]]:
    """The generated classes: per cwlint rule, its own-severity class first (ECW001, or
    WCW040 for a warning rule), then the twins for the other severities."""
    classes: list[type[CwlintCfnLintRule]] = []
    for rule in ALL_RULES:
        severities = [rule.severity, *(s for s in (ERROR, WARNING, INFO) if s != rule.severity)]
        classes.extend(_make_class(rule, severity) for severity in severities)
    return classes


#: The generated classes, in rule order.
RULE_CLASSES: tuple[type[CwlintCfnLintRule], ...] = tuple(cfn_lint_rule_classes())

# cfn-lint instantiates every CloudFormationLintRule subclass it finds in this module's
# namespace (cfnlint.helpers.create_rules), so the generated classes are module globals.
for _class in RULE_CLASSES:
    globals()[_class.__name__] = _class
    __all__.append(_class.__name__)
del _class
