"""Safe fixes as edits of the files that define the resources (``cwlint scan --fix`` and
``--diff``, SARIF ``fixes``).

A finding's fix is applied only when the rule said it is safe (:data:`cwlint.fixes.SAFE`)
and every change of it is a local edit (:class:`~cwlint.fixes.SetValue`,
:class:`~cwlint.fixes.ReplaceLiteral`) that the locator of the file's syntax can make on a
literal: :mod:`cwlint.fixes.locate_document` for CloudFormation YAML and JSON and for
Terraform ``.tf.json``, :mod:`cwlint.fixes.locate_hcl` for ``.tf``. Otherwise the fix
stays a suggestion (its text in the finding). A Terraform plan is never edited: the user
edits the configuration it was planned from. Nor is a module Terraform downloaded
(``.terraform/modules``): it is not the user's code.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable

import msgspec

from cwlint.errors import UsageError
from cwlint.findings import Finding
from cwlint.fixes import Fix, ReplaceLiteral, SetValue
from cwlint.fixes.edits import Edit, apply_edits, overlapping
from cwlint.fixes.locate_document import Document, NotLiteral
from cwlint.fixes.locate_hcl import hcl_edits

Reader = Callable[[str], bytes]


def read_file(path: str) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()


def file_kind(path: str) -> str | None:
    """``terraform`` (``.tf``), ``terraform-json`` (``.tf.json``), ``cloudformation``
    (another YAML or JSON file that has a ``Resources`` section), else None (a plan)."""
    parts = os.path.normpath(path).split(os.sep)
    if ".terraform" in parts:
        return None
    if path.endswith(".tf"):
        return "terraform"
    if path.endswith(".tf.json"):
        return "terraform-json"
    return "cloudformation"


def finding_edits(finding: Finding, read: Reader = read_file) -> list[Edit]:
    """The byte edits that apply ``finding``'s safe fix; empty when it is a suggestion
    (not safe, not a literal where it must change, a plan, an unreadable file)."""
    fix = finding.fix_data
    if fix is None or not fix.safe or not finding.file:
        return []
    try:
        return fix_edits(fix, finding.file, read)
    except (NotLiteral, OSError, UnicodeDecodeError, ValueError, KeyError):
        return []


def fix_edits(fix: Fix, path: str, read: Reader = read_file) -> list[Edit]:
    """Every change of ``fix`` as edits of ``path`` (raises NotLiteral otherwise)."""
    kind = file_kind(path)
    if kind is None:
        raise NotLiteral("not a file cwlint edits")
    if not fix.changes or not all(isinstance(c, (SetValue, ReplaceLiteral))
                                  for c in fix.changes):
        raise NotLiteral("not local edits")
    edits: list[Edit] = []
    if kind == "terraform":
        for change in fix.changes:
            assert isinstance(change, (SetValue, ReplaceLiteral))
            edits.extend(hcl_edits(path, change, read))
    else:
        document = Document(path, read(path), kind)
        changes = []
        for change in fix.changes:
            if isinstance(change, SetValue):
                changes.extend(document.set_value(change))
            elif isinstance(change, ReplaceLiteral):
                changes.extend(document.replace_literal(change))
        edits = document.edits(changes, _decoder(kind, path))
    if overlapping(edits):
        raise NotLiteral("the changes overlap")
    return edits


def _decoder(kind: str, path: str) -> Callable[[str], object]:
    if kind == "terraform-json":
        import json

        return json.loads

    from cwlint.cfn.loader import TemplateError, parse_template

    def decode(text: str) -> object:
        try:
            return parse_template(text, path).template
        except TemplateError as exc:
            raise NotLiteral(str(exc)) from None

    return decode


class FixPlan(msgspec.Struct):
    """The edits of a set of findings, file by file, without conflicts."""

    edits: dict[str, list[Edit]] = msgspec.field(default_factory=dict)
    fixed: list[Finding] = msgspec.field(default_factory=list)  # the findings the edits fix

    @property
    def count(self) -> int:
        return len(self.fixed)

    def results(self, read: Reader = read_file) -> dict[str, tuple[bytes, bytes]]:
        """Each edited file's bytes before and after."""
        found = {}
        for path, edits in sorted(self.edits.items()):
            before = read(path)
            found[path] = (before, apply_edits(before, edits))
        return found


def plan_fixes(findings: Iterable[Finding], read: Reader = read_file) -> FixPlan:
    """The safe edits of ``findings``: identical edits are made once, and a finding
    whose edits overlap another's is left for the next pass."""
    plan = FixPlan()
    cache: dict[str, bytes] = {}

    def cached(path: str) -> bytes:
        if path not in cache:
            cache[path] = read(path)
        return cache[path]

    for finding in findings:
        edits = finding_edits(finding, cached)
        if not edits:
            continue
        new = [e for e in edits if e not in plan.edits.get(e.path, [])]
        combined = [e for path in {e.path for e in new} for e in plan.edits.get(path, [])]
        if overlapping(combined + new):
            continue
        for edit in new:
            plan.edits.setdefault(edit.path, []).append(edit)
        plan.fixed.append(finding)
    return plan


def write_fixes(plan: FixPlan, read: Reader = read_file) -> list[str]:
    """Write the edited files in place; the paths written."""
    written = []
    for path, (_before, after) in plan.results(read).items():
        try:
            with open(path, "r+b") as handle:  # in place: the file keeps its mode and owner
                handle.write(after)
                handle.truncate()
        except OSError as exc:
            raise UsageError(f"{path}: cannot write the fix: {exc.strerror or exc}") from None
        written.append(path)
    return written
