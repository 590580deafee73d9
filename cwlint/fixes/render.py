"""A :class:`~cwlint.fixes.Fix` as text, in the language of the input it is about.

* ``cloudformation``: the template's own syntax (YAML short or long form, or JSON), from
  :func:`template_style`;
* ``terraform``: HCL;
* ``plan``: HCL too (a plan's user edits the configuration, not the plan);
* ``policy``: the policy statements as JSON (``cwlint diagnose``), other changes as for
  Terraform.

:func:`render_findings` gives each finding that carries ``fix_data`` its ``fix`` text; the
engine calls it once rules have run on a model.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable
from functools import lru_cache

from msgspec.structs import replace

from cwlint.findings import Finding
from cwlint.fixes import (
    AddStatements,
    AddToList,
    Advice,
    AllowHttpsEgress,
    AllowHttpsIngress,
    AttachRole,
    Change,
    CreateEndpoint,
    CreateLogResourcePolicy,
    Fix,
    GrantStatements,
    ReplaceLiteral,
    SetValue,
)
from cwlint.fixes.cloudformation import CloudFormation, Style
from cwlint.fixes.terraform import Terraform
from cwlint.fixes.text import Block, document

CLOUDFORMATION = "cloudformation"
TERRAFORM = "terraform"
PLAN = "plan"
POLICY = "policy"
SYNTAXES = (CLOUDFORMATION, TERRAFORM, PLAN, POLICY)

#: Short-form intrinsic function tags of CloudFormation YAML.
_SHORT_FORM = re.compile(r"(?<![\w!])!(Ref|Sub|GetAtt|Join|Select|Split|If|Equals|And|Or|Not"
                         r"|FindInMap|ImportValue|Base64|Cidr|GetAZs|Condition|Transform"
                         r"|ToJsonString|Length)\b")
_SNIFF_BYTES = 1_000_000


def template_style(text: str, path: str = "") -> Style:
    """How a template is written: JSON, or YAML with or without short-form tags (a
    template with no intrinsic function at all gets the short form, the usual one)."""
    stripped = text.lstrip("\ufeff \t\r\n")
    if stripped.startswith("{") or (not stripped and path.endswith(".json")):
        return Style(json=True)
    if _SHORT_FORM.search(text):
        return Style(short=True)
    return Style(short=not re.search(r"(?m)^\s*(?:-\s+)?[\"']?(Ref|Fn::\w+)[\"']?\s*:",
                                     text))


@lru_cache(maxsize=64)
def _file_style(path: str, mtime: float) -> Style:
    try:
        with open(path, encoding="utf-8-sig", errors="replace") as handle:
            return template_style(handle.read(_SNIFF_BYTES), path)
    except OSError:
        return Style(json=path.endswith(".json"))


def file_style(path: str) -> Style:
    """The style of the template at ``path`` (YAML short form when it cannot be read)."""
    try:
        mtime = os.path.getmtime(path)
    except OSError:
        return Style(json=path.endswith(".json"))
    return _file_style(path, mtime)


def render(fix: Fix, syntax: str, style: Style | None = None) -> str:
    """The text of ``fix`` for an input of ``syntax``."""
    text = "\n".join(b.text() for b in change_blocks(fix, syntax, style))
    for alternative in fix.alternatives:
        text += f"\nOr {_lower_first(alternative.text)}"
    return text


def change_blocks(fix: Fix, syntax: str, style: Style | None = None) -> list[Block]:
    """The changes of ``fix`` rendered one by one (a sentence and its code)."""
    if syntax == CLOUDFORMATION:
        language: CloudFormation | Terraform = CloudFormation(style or Style())
    else:
        language = Terraform()
    return _blocks(fix.changes, language, syntax)


def _blocks(changes: Iterable[Change], language: CloudFormation | Terraform,
            syntax: str) -> list[Block]:
    blocks: list[Block] = []
    replacements = [c for c in changes if isinstance(c, ReplaceLiteral)]
    if replacements and all(c.new == c.old + ":*" for c in replacements):
        # "Append ':*' to a, b": bare log-group ARNs that gain their streams
        blocks.append(Block("Append ':*' to the log group ARN: "
                            + ", ".join(c.new for c in replacements)))
    elif replacements:  # "Replace a -> b, c -> d": one line, as the typo fixes always read
        blocks.append(Block("Replace " + ", ".join(f"{c.old} -> {c.new}"
                                                   for c in replacements)))
    for change in changes:
        if isinstance(change, ReplaceLiteral):
            continue
        if isinstance(change, Advice):
            blocks.append(Block(_upper_first(change.text)))
        elif syntax == POLICY and isinstance(change, GrantStatements | AddStatements):
            blocks.append(Block(f"Add to {_target(change)}:", json.dumps(
                document([dict(s) for s in change.statements]), indent=2)))
        elif isinstance(change, SetValue):
            blocks.append(language.set_value(change))
        elif isinstance(change, GrantStatements):
            blocks.append(language.grant(change))
        elif isinstance(change, AllowHttpsIngress):
            blocks.append(language.ingress(change))
        elif isinstance(change, AllowHttpsEgress):
            blocks.append(language.egress(change))
        elif isinstance(change, AttachRole):
            blocks.append(language.attach_role(change))
        elif isinstance(change, AddStatements):
            blocks.append(language.add_statements(change))
        elif isinstance(change, AddToList):
            blocks.append(language.add_to_list(change))
        elif isinstance(change, CreateEndpoint):
            blocks.append(language.endpoint(change))
        elif isinstance(change, CreateLogResourcePolicy):
            blocks.append(language.log_resource_policy(change))
    return blocks


def _target(change: GrantStatements | AddStatements) -> str:
    if isinstance(change, GrantStatements):
        return f"role {change.target}" if not change.sam_function else change.target
    return f"the policy of {change.resource}"


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[1:2].islower() or len(text) == 1 else text


def render_findings(findings: Iterable[Finding], syntax: str,
                    style: Style | None = None) -> list[Finding]:
    """``findings`` with ``fix`` set to the text of their ``fix_data`` for ``syntax``
    (those without fix data unchanged). For CloudFormation the style is ``style``, else
    read from each finding's template."""
    rendered = []
    for finding in findings:
        if finding.fix_data is not None:
            shown = style if style is not None or syntax != CLOUDFORMATION \
                else file_style(finding.file)
            finding = replace(finding, fix=render(finding.fix_data, syntax, shown))
        rendered.append(finding)
    return rendered
