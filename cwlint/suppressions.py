"""Inline suppressions: silencing one rule on one resource, with a reason.

A suppression applies to the resource a finding is reported on (the workload, the
policy-bearing resource, the endpoint, the log group, ... that the rule's page names).
What is honoured:

* CloudFormation: ``Metadata: {cwlint: {ignore: [{rule: CWL001, reason: "..."}]}}`` on
  the resource (``rule`` may be a list, and a cfn-lint or checkov id);
* cfn-lint's own ``Metadata: {cfn-lint: {config: {ignore_checks: [ECW001]}}}`` on the
  resource (exact ids), or in the template's top-level ``Metadata`` (id prefixes, as
  cfn-lint reads them: ``ECW`` silences every cwlint error rule);
* checkov's ``# checkov:skip=CKV_CWL_001:reason`` comments inside the resource (YAML
  templates and Terraform blocks);
* Terraform: ``# cwlint:ignore CWL001 reason`` (or ``//``; several rules separated by
  commas) on the line of a ``resource``/``data``/``module`` block or in the comment lines
  directly above it (:func:`terraform_suppressions`).

**A reason is required** by cwlint's own syntax (``reason:`` / the words after the rule
ids). A cwlint suppression without one is *not applied*: the finding is still reported
and the suppression itself is reported as a :class:`Notice` (a warning on stderr, in
SARIF's tool configuration notifications and as a GitHub ``::warning``). cfn-lint's and
checkov's syntaxes are honoured as those tools honour them, with or without a reason.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import msgspec

from cwlint.findings import Finding
from cwlint.rules import BY_ANY_ID, DOCUMENTED_BY_ID, rule_named

if TYPE_CHECKING:  # a Terraform run does not load the CloudFormation reader (PyYAML)
    from cwlint.cfn.loader import LoadedTemplate

CWLINT_METADATA = "Metadata.cwlint.ignore"
CFN_LINT_METADATA = "Metadata.cfn-lint.config.ignore_checks"
CHECKOV_COMMENT = "checkov:skip comment"
TERRAFORM_COMMENT = "cwlint:ignore comment"

_CHECKOV_SKIP = re.compile(r"checkov:skip=\s*([A-Za-z0-9_]+)(?::([^\r\n]*))?")
_CWLINT_IGNORE = re.compile(r"\s*cwlint:ignore\b[ \t]*([^\s]*)[ \t]*(.*)")  # a comment's start


class Notice(msgspec.Struct, frozen=True):
    """A problem with a suppression (or the configuration) that is not an input error."""

    file: str
    line: int | None
    message: str

    def where(self) -> str:
        return f"{self.file}:{self.line}" if self.line is not None else self.file


class Suppression(msgspec.Struct, frozen=True):
    """One directive: the rules it silences and why."""

    source: str  # how it was written (CWLINT_METADATA, CHECKOV_COMMENT, ...)
    justification: str
    rule_ids: frozenset[str] = frozenset()  # cwlint ids
    cfn_lint_prefixes: tuple[str, ...] = ()  # template-level cfn-lint ignore_checks

    def covers(self, rule_id: str) -> bool:
        if rule_id in self.rule_ids:
            return True
        rule = DOCUMENTED_BY_ID.get(rule_id)
        return rule is not None and rule.plugin and any(rule.cfn_lint_id().startswith(p)
                                        for p in self.cfn_lint_prefixes)


class Suppressed(msgspec.Struct, frozen=True):
    """A finding left out of the failing findings, and what left it out."""

    finding: Finding
    kind: str  # "inline" (in the template) or "baseline"
    source: str
    justification: str

    def to_json(self) -> dict[str, Any]:
        return {**self.finding.to_json(),
                "suppression": {"kind": self.kind, "source": self.source,
                                "justification": self.justification}}


class SuppressionIndex(msgspec.Struct):
    """The suppressions of one file, by the resource (logical id or address) they sit on."""

    by_resource: dict[str, list[Suppression]] = msgspec.field(default_factory=dict)
    file_wide: list[Suppression] = msgspec.field(default_factory=list)

    def add(self, resource: str, suppression: Suppression) -> None:
        self.by_resource.setdefault(resource, []).append(suppression)

    def match(self, finding: Finding) -> Suppression | None:
        """The first suppression covering ``finding``, resource-level ones first."""
        for key, suppressions in self.by_resource.items():
            if _resource_matches(key, finding.resource):
                for suppression in suppressions:
                    if suppression.covers(finding.rule_id):
                        return suppression
        return next((s for s in self.file_wide if s.covers(finding.rule_id)), None)

    def apply(self, findings: Iterable[Finding]) -> tuple[list[Finding], list[Suppressed]]:
        """Split ``findings`` into those still reported and those suppressed."""
        kept: list[Finding] = []
        suppressed: list[Suppressed] = []
        for finding in findings:
            suppression = self.match(finding)
            if suppression is None:
                kept.append(finding)
            else:
                suppressed.append(Suppressed(finding, "inline", suppression.source,
                                             suppression.justification))
        return kept, suppressed


def _resource_matches(key: str, resource: str) -> bool:
    """A logical id equals; a Terraform address also matches its instances (``[0]``), the
    resources of a module block, and the same resource inside a module instance."""
    plain = re.sub(r"\[[^\]]*\]", "", resource)
    return plain == key or plain.startswith(key + ".") or plain.endswith("." + key)


def resolve_rule(text: Any) -> str | None:
    """The cwlint id for a cwlint, cfn-lint or checkov id; None when there is no such rule."""
    rule = rule_named(text) if isinstance(text, str) else None
    return rule.id if rule is not None else None


# --- CloudFormation ------------------------------------------------------------------


def cfn_suppressions(loaded: LoadedTemplate, text: str) -> tuple[SuppressionIndex,
                                                                 list[Notice]]:
    """Every suppression of a decoded template; ``text`` is its source (for comments)."""
    index = SuppressionIndex()
    notices: list[Notice] = []
    lines = text.splitlines()
    for logical_id, resource in loaded.resources.items():
        if not isinstance(resource, Mapping):
            continue
        logical_id = str(logical_id)
        metadata = resource.get("Metadata")
        if isinstance(metadata, Mapping):
            _cwlint_metadata(loaded, logical_id, metadata, index, notices)
            for rule_id in _cfn_lint_ignores(metadata):
                rule = BY_ANY_ID.get(rule_id)
                if rule is not None and rule_id == rule.cfn_lint_id():
                    index.add(logical_id, Suppression(
                        CFN_LINT_METADATA, f"cfn-lint ignore_checks {rule_id}",
                        frozenset({rule.id})))
        if loaded.format == "yaml":
            first, last = _resource_lines(loaded, logical_id, resource, lines)
            for suppression in checkov_comments(lines[first - 1:last]):
                index.add(logical_id, suppression)
    top = loaded.template.get("Metadata")
    prefixes = tuple(p.strip().upper() for p in _cfn_lint_ignores(top) if p.strip())
    if prefixes:
        index.file_wide.append(Suppression(
            CFN_LINT_METADATA, "template-level cfn-lint ignore_checks " + ", ".join(prefixes),
            cfn_lint_prefixes=prefixes))
    return index, notices


def _cwlint_metadata(loaded: LoadedTemplate, logical_id: str, metadata: Mapping[str, Any],
                     index: SuppressionIndex, notices: list[Notice]) -> None:
    cwlint = metadata.get("cwlint")
    if not isinstance(cwlint, Mapping) or "ignore" not in cwlint:
        return
    entries = cwlint["ignore"]
    path: list[str | int] = ["Resources", logical_id, "Metadata", "cwlint", "ignore"]
    if not isinstance(entries, list):
        notices.append(Notice(loaded.path, loaded.line_at(*path),
                              f"{CWLINT_METADATA} of {logical_id} must be a list of "
                              "{rule: CWLnnn, reason: ...} entries; it is not applied"))
        return
    for number, entry in enumerate(entries):
        line = loaded.line_at(*path, number)
        suppression, problems = _metadata_entry(entry, logical_id)
        notices.extend(Notice(loaded.path, line, p) for p in problems)
        if suppression is not None:
            index.add(logical_id, suppression)


def _metadata_entry(entry: Any, logical_id: str) -> tuple[Suppression | None, list[str]]:
    """A ``{rule, reason}`` entry, or the reasons it cannot be applied."""
    if not isinstance(entry, Mapping):
        return None, [f"suppression {entry!r} on {logical_id} is not applied: write "
                      f"{{rule: {entry if isinstance(entry, str) else 'CWLnnn'}, "
                      "reason: \"why\"}"]
    problems = [f"suppression on {logical_id} has unknown key {key!r} (use rule and reason)"
                for key in entry if key not in ("rule", "reason")]
    rule_ids, unknown = _rule_list(entry.get("rule"))
    problems += [f"suppression on {logical_id} names no rule {name!r}" for name in unknown]
    if not rule_ids and not unknown:
        problems.append(f"suppression on {logical_id} names no rule (rule: CWLnnn); "
                        "it is not applied")
    reason = entry.get("reason")
    if rule_ids and not (isinstance(reason, str) and reason.strip()):
        names = ", ".join(sorted(rule_ids))
        problems.append(f"suppression of {names} on {logical_id} has no reason, so it is "
                        f"not applied: add reason: \"why {names} does not apply here\"")
        return None, problems
    if not rule_ids:
        return None, problems
    return Suppression(CWLINT_METADATA, str(reason).strip(), frozenset(rule_ids)), problems


def _rule_list(value: Any) -> tuple[list[str], list[str]]:
    """(cwlint ids, names that are no rule) of a ``rule`` value: one id or a list."""
    items = value if isinstance(value, list) else [] if value is None else [value]
    known, unknown = [], []
    for item in items:
        rule_id = resolve_rule(item)
        if rule_id is None:
            unknown.append(str(item))
        else:
            known.append(rule_id)
    return known, unknown


def _cfn_lint_ignores(metadata: Any) -> list[str]:
    if not isinstance(metadata, Mapping):
        return []
    cfn_lint = metadata.get("cfn-lint")
    config = cfn_lint.get("config") if isinstance(cfn_lint, Mapping) else None
    checks = config.get("ignore_checks") if isinstance(config, Mapping) else None
    if isinstance(checks, str):
        checks = [checks]
    return [str(c) for c in checks if isinstance(c, str)] if isinstance(checks, list) else []


def _resource_lines(loaded: LoadedTemplate, logical_id: str, resource: Any,
                    lines: Sequence[str]) -> tuple[int, int]:
    """The 1-based first and last line of a resource's block in a YAML template."""
    first = loaded.resource_line(logical_id) or 1
    end = getattr(resource, "end_mark", None)
    if end is None:
        return first, first
    last = end.line + 1  # 1-based line of the end mark
    if last > len(lines) or not lines[last - 1][: end.column].strip():
        last -= 1  # the mapping ended before the next key (or at the end of the file)
    return first, max(first, last)


def checkov_comments(lines: Iterable[str]) -> list[Suppression]:
    """``checkov:skip=CKV_CWL_nnn[:reason]`` comments (other checkov ids are ignored)."""
    found = []
    for line in lines:
        hash_at = line.find("#")
        slash_at = line.find("//")
        starts = [i for i in (hash_at, slash_at) if i >= 0]
        if not starts:
            continue
        for match in _CHECKOV_SKIP.finditer(line, min(starts)):
            rule_id = resolve_rule(match.group(1))
            if rule_id is None or not match.group(1).upper().startswith("CKV_"):
                continue
            reason = (match.group(2) or "").strip()
            found.append(Suppression(CHECKOV_COMMENT,
                                     reason or "checkov:skip comment (no reason given)",
                                     frozenset({rule_id})))
    return found


# --- Terraform -----------------------------------------------------------------------


_BLOCK_HEADER = re.compile(
    r'^\s*(?:(resource|data)\s+"([^"]+)"\s+"([^"]+)"|(module)\s+"([^"]+)")\s*\{')


class _Line(msgspec.Struct):
    """One line of HCL: the brace depth at its start, its comments, whether only comments."""

    number: int
    depth: int
    comments: list[str]
    comment_only: bool
    code: str


def terraform_suppressions(text: str, path: str) -> tuple[SuppressionIndex, list[Notice]]:
    """The suppressions of one ``.tf`` file, keyed by block address
    (``aws_lambda_function.orders``, ``data.aws_iam_policy_document.x``, ``module.app``).

    ``# cwlint:ignore CWL001[,CWL004] reason`` counts on the block's first line or in the
    comment lines directly above it; ``checkov:skip=`` comments count anywhere inside the
    block, as checkov reads them.
    """
    index = SuppressionIndex()
    notices: list[Notice] = []
    if "cwlint:ignore" not in text and "checkov:skip" not in text:
        return index, notices  # most files: no need to lex them
    lines = _scan_hcl(text)
    attached: set[int] = set()  # lines whose cwlint:ignore belongs to a block
    current: str | None = None
    for position, line in enumerate(lines):
        if line.depth == 0:
            current = None
            header = _BLOCK_HEADER.match(line.code)
            if header is not None:
                current = _address(header)
                above = position
                while above > 0 and lines[above - 1].comment_only and lines[above - 1].depth == 0:
                    above -= 1
                for directive_line in lines[above:position + 1]:
                    attached.add(directive_line.number)
                    for comment in directive_line.comments:
                        _terraform_directive(comment, current, directive_line.number, path,
                                             index, notices)
        if current is not None and line.depth > 0:
            for suppression in checkov_comments("#" + c for c in line.comments):
                index.add(current, suppression)
    notices += [Notice(path, line.number, "cwlint:ignore is not on or directly above a "
                       "resource, data or module block, so it applies to nothing")
                for line in lines if line.number not in attached
                and any(_CWLINT_IGNORE.match(c) for c in line.comments)]
    return index, notices


def _address(header: re.Match[str]) -> str:
    if header.group(4):
        return f"module.{header.group(5)}"
    kind, rtype, name = header.group(1), header.group(2), header.group(3)
    return f"{rtype}.{name}" if kind == "resource" else f"data.{rtype}.{name}"


def _terraform_directive(comment: str, address: str, line: int, path: str,
                         index: SuppressionIndex, notices: list[Notice]) -> None:
    match = _CWLINT_IGNORE.match(comment)
    if match is None:
        return
    names = [n for n in match.group(1).split(",") if n]
    reason = match.group(2).strip()
    rule_ids, unknown = _rule_list(names)
    notices.extend(Notice(path, line, f"cwlint:ignore on {address} names no rule {n!r}")
                   for n in unknown)
    if not names:
        notices.append(Notice(path, line, f"cwlint:ignore on {address} names no rule; "
                              "write # cwlint:ignore CWLnnn reason"))
    elif rule_ids and not reason:
        listed = ",".join(rule_ids)
        notices.append(Notice(path, line, f"cwlint:ignore {listed} on {address} has no "
                              f"reason, so it is not applied: write # cwlint:ignore {listed} "
                              "why it does not apply here"))
    elif rule_ids:
        index.add(address, Suppression(TERRAFORM_COMMENT, reason, frozenset(rule_ids)))


def _scan_hcl(text: str) -> list[_Line]:
    """Lines of HCL with brace depth and comments; strings and heredocs are skipped."""
    result: list[_Line] = []
    depth = 0
    in_block_comment = False
    heredoc: str | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        start_depth = depth
        if heredoc is not None:
            if raw.strip() == heredoc:
                heredoc = None
            result.append(_Line(number, start_depth, [], False, ""))
            continue
        comments: list[str] = []
        code: list[str] = []
        i, in_string = 0, False
        while i < len(raw):
            char, pair = raw[i], raw[i:i + 2]
            if in_block_comment:
                end = raw.find("*/", i)
                comments.append(raw[i:end if end >= 0 else len(raw)])
                if end < 0:
                    break
                in_block_comment, i = False, end + 2
                continue
            if in_string:
                code.append(char)
                if char == "\\":
                    code.append(raw[i + 1:i + 2])
                    i += 2
                    continue
                in_string = char != '"'
            elif char == '"':
                in_string = True
                code.append(char)
            elif char == "#" or pair == "//":
                comments.append(raw[i + (1 if char == "#" else 2):])
                break
            elif pair == "/*":
                in_block_comment, i = True, i + 2
                continue
            else:
                if char == "{":
                    depth += 1
                elif char == "}":
                    depth = max(0, depth - 1)
                code.append(char)
            i += 1
        line_code = "".join(code)
        marker = re.search(r"<<-?\s*([A-Za-z_][A-Za-z0-9_]*)\s*$", line_code)
        if marker is not None and not in_string:
            heredoc = marker.group(1)
        result.append(_Line(number, start_depth, comments,
                            bool(comments) and not line_code.strip(), line_code))
    return result
