"""``--format junit``: JUnit XML, the test report GitLab, Jenkins and Azure Pipelines show.

One ``<testsuite>`` per scanned file and one ``<testcase>`` per (file, rule) for every
rule that ran, so a clean template shows its passing checks too:

* a ``<failure>`` when the rule found something at or above ``--fail-on`` in that file,
  its message the first finding and its text every finding with line, resource and fix;
* findings below ``--fail-on`` go to the test case's ``<system-out>`` and do not fail it;
* with ``--show-suppressed``, suppressed findings are listed in ``<system-out>`` too, and
  a test case that only has suppressed findings is ``<skipped>`` with the reason.

Inputs that could not be read are one ``<testcase>`` each with an ``<error>``. Nothing
time-dependent is written, so the same input gives the same bytes.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Sequence

from cwlint.engine import ScanResult
from cwlint.findings import SEVERITY_RANK, Finding
from cwlint.rules.base import Rule
from cwlint.suppressions import Suppressed

_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
READ_CASE = "read input"


def render(result: ScanResult, rules: Sequence[type[Rule]], fail_on: str = "error",
           show_suppressed: bool = False) -> str:
    threshold = None if fail_on == "never" else SEVERITY_RANK[fail_on]
    root = ET.Element("testsuites", name="cwlint")
    findings: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    for finding in result.findings:
        findings[finding.file, finding.rule_id].append(finding)
    suppressed: dict[tuple[str, str], list[Suppressed]] = defaultdict(list)
    for item in result.suppressed:
        suppressed[item.finding.file, item.finding.rule_id].append(item)
    files = sorted(set(result.scanned) | {key[0] for key in (*findings, *suppressed)})
    for path in files:
        suite = ET.SubElement(root, "testsuite", name=_clean(path))
        for rule in rules:
            case = ET.SubElement(suite, "testcase", classname=_clean(path),
                                 name=f"{rule.id} {rule.name}", file=_clean(path))
            _fill(case, rule, findings.get((path, rule.id), []),
                  suppressed.get((path, rule.id), []), threshold, show_suppressed)
        _count(suite)
    if result.errors:
        suite = ET.SubElement(root, "testsuite", name="unreadable inputs")
        for error in result.errors:
            case = ET.SubElement(suite, "testcase", classname=_clean(error.file),
                                 name=READ_CASE, file=_clean(error.file))
            where = f"line {error.line}: " if error.line is not None else ""
            failure = ET.SubElement(case, "error", message=_clean(where + error.message),
                                    type="InputError")
            failure.text = _clean(f"{error.file}: {where}{error.message}")
        _count(suite)
    _count(root, nested=True)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n"


def _fill(case: ET.Element, rule: type[Rule], findings: list[Finding],
          suppressed: list[Suppressed], threshold: int | None, show_suppressed: bool) -> None:
    """A test case's failure, skip marker and output."""
    failing = [f for f in findings
               if threshold is not None and SEVERITY_RANK[f.severity] >= threshold]
    passing = [f for f in findings if f not in failing]
    if failing:
        first = failing[0]
        more = f" (and {len(failing) - 1} more)" if len(failing) > 1 else ""
        failure = ET.SubElement(case, "failure", type=rule.id,
                                message=_clean(f"line {first.line}: {first.message}{more}"))
        failure.text = _clean("\n\n".join(_describe(f) for f in failing))
    elif suppressed and not findings and show_suppressed:
        ET.SubElement(case, "skipped", message=_clean(
            "suppressed: " + "; ".join(sorted({s.justification for s in suppressed}))))
    output = [_describe(f) for f in passing]
    if show_suppressed:
        output += [_describe_suppressed(s) for s in suppressed]
    if output:
        ET.SubElement(case, "system-out").text = _clean("\n\n".join(output))


def _describe(finding: Finding) -> str:
    text = (f"{finding.file}:{finding.line}: {finding.rule_id} {finding.severity}: "
            f"{finding.message} [{finding.resource}]")
    return text + (f"\nfix: {finding.fix}" if finding.fix else "")


def _describe_suppressed(suppressed: Suppressed) -> str:
    return (f"{_describe(suppressed.finding)}\nsuppressed ({suppressed.source}): "
            f"{suppressed.justification}")


def _count(element: ET.Element, nested: bool = False) -> None:
    """tests/failures/errors/skipped attributes, from the test cases below."""
    cases = element.iter("testcase") if nested else element.findall("testcase")
    cases = list(cases)
    element.set("tests", str(len(cases)))
    element.set("failures", str(sum(1 for c in cases if c.find("failure") is not None)))
    element.set("errors", str(sum(1 for c in cases if c.find("error") is not None)))
    element.set("skipped", str(sum(1 for c in cases if c.find("skipped") is not None)))


def _clean(text: str) -> str:
    """Text XML 1.0 can hold (control characters removed)."""
    return _INVALID_XML.sub("", text)
