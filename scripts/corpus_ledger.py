"""The findings ledger: every error and warning cwlint reports on the corpus, reviewed.

``tests/corpus_findings.tsv`` holds one row per error or warning finding on the shared
corpus, with a reviewer's verdict::

    path	rule	resource	severity	verdict	reason
    cfn/owner__repo/template.yaml	CWL004	Function	error	true	role has no logs:* at all

* ``path`` is the file relative to the corpus root (``cfn/...``, ``plan/...``, ``tf/...``);
* ``verdict`` is ``true`` (a reviewer confirmed it), ``false`` (it is wrong: the reason
  says why) or ``unreviewed`` (appended by ``--update-ledger``, waiting for a human);
* ``reason`` is one line: what decided the verdict.

A finding is known by (path, rule, resource, severity); the line is left out, so an edit
of a corpus file above a finding does not change it. The same key may appear on several
rows when cwlint reports it several times.

The check fails when the run reports an error or warning that has no row, one whose row
says ``false`` or ``unreviewed``, or when a row marked ``true`` is no longer reported.
Rows of corpus parts the run did not scan (``tf/`` when only ``cfn/`` and ``plan/`` ran)
are left alone.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

COLUMNS = ("path", "rule", "resource", "severity", "verdict", "reason")
VERDICTS = ("true", "false", "unreviewed")
#: The severities the ledger covers; info findings say what could not be resolved.
LEDGER_SEVERITIES = ("error", "warning")

Key = tuple[str, str, str, str]


@dataclass
class Row:
    """One reviewed finding."""

    path: str
    rule: str
    resource: str
    severity: str
    verdict: str
    reason: str

    @property
    def key(self) -> Key:
        return (self.path, self.rule, self.resource, self.severity)

    def line(self) -> str:
        return "\t".join((self.path, self.rule, self.resource, self.severity, self.verdict,
                          self.reason))


@dataclass
class Comparison:
    """The ledger against one run: what makes the check fail, and stale rows."""

    unlisted: list[Key] = field(default_factory=list)
    marked_false: list[Row] = field(default_factory=list)
    unreviewed: list[Row] = field(default_factory=list)
    disappeared: list[Row] = field(default_factory=list)
    stale: list[Row] = field(default_factory=list)
    matched: Counter[tuple[str, str, str]] = field(default_factory=Counter)

    @property
    def failures(self) -> int:
        return (len(self.unlisted) + len(self.marked_false) + len(self.unreviewed)
                + len(self.disappeared))


class LedgerError(ValueError):
    """The ledger file cannot be read: the message names the file and line."""


def one_line(text: str) -> str:
    """A reason fit for a TSV cell: no tab, no line break."""
    return " ".join(str(text).split())


def read_ledger(path: Path) -> list[Row]:
    """The rows of ``path`` (none when it does not exist yet)."""
    if not path.exists():
        return []
    rows: list[Row] = []
    for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not text.strip() or text.startswith("#"):
            continue
        cells = text.split("\t")
        if tuple(cells) == COLUMNS:
            continue
        if len(cells) != len(COLUMNS):
            raise LedgerError(f"{path}:{number}: expected {len(COLUMNS)} tab-separated "
                              f"columns ({', '.join(COLUMNS)}), found {len(cells)}")
        row = Row(*cells)
        if row.verdict not in VERDICTS:
            raise LedgerError(f"{path}:{number}: verdict {row.verdict!r} is not one of "
                              f"{', '.join(VERDICTS)}")
        if row.severity not in LEDGER_SEVERITIES:
            raise LedgerError(f"{path}:{number}: severity {row.severity!r} is not one of "
                              f"{', '.join(LEDGER_SEVERITIES)}")
        rows.append(row)
    return rows


def write_ledger(path: Path, rows: Iterable[Row]) -> None:
    """Write ``rows`` sorted by key, with the header line."""
    ordered = sorted(rows, key=lambda r: (r.key, r.verdict, r.reason))
    text = "\t".join(COLUMNS) + "\n" + "".join(row.line() + "\n" for row in ordered)
    path.write_text(text, encoding="utf-8")


def finding_key(finding: dict[str, Any], corpus: Path) -> Key | None:
    """The ledger key of one JSON finding, or None when the ledger does not cover it."""
    severity = finding.get("severity")
    if severity not in LEDGER_SEVERITIES:
        return None
    file = Path(str(finding.get("file", "")))
    try:
        relative = file.resolve().relative_to(corpus)
    except ValueError:
        relative = file
    return (relative.as_posix(), str(finding.get("rule_id", "")),
            str(finding.get("resource", "")), str(severity))


def reported_keys(findings: Iterable[dict[str, Any]], corpus: Path) -> Counter[Key]:
    """How often the run reported each ledger key."""
    keys = (finding_key(f, corpus) for f in findings)
    return Counter(k for k in keys if k is not None)


def in_scope(row: Row, parts: Sequence[str]) -> bool:
    """Did the run scan the corpus part this row belongs to?"""
    return row.path.split("/", 1)[0] in parts


def compare(rows: Sequence[Row], reported: Counter[Key], parts: Sequence[str]) -> Comparison:
    """Match the run's findings against the ledger rows, row for finding."""
    result = Comparison()
    by_key: dict[Key, list[Row]] = {}
    for row in rows:
        if in_scope(row, parts):
            by_key.setdefault(row.key, []).append(row)
    for key in sorted(set(reported) | set(by_key)):
        listed = by_key.get(key, [])
        count = reported.get(key, 0)
        seen, unseen = listed[:count], listed[count:]
        result.unlisted += [key] * max(0, count - len(listed))
        for row in seen:
            result.matched[(row.rule, row.severity, row.verdict)] += 1
            if row.verdict == "false":
                result.marked_false.append(row)
            elif row.verdict == "unreviewed":
                result.unreviewed.append(row)
        for row in unseen:
            (result.disappeared if row.verdict == "true" else result.stale).append(row)
    return result


def updated_rows(rows: Sequence[Row], comparison: Comparison,
                 messages: dict[Key, str]) -> list[Row]:
    """The ledger after ``--update-ledger``: new findings appended as ``unreviewed`` (the
    reason holds cwlint's message until a reviewer replaces it), stale ``false`` and
    ``unreviewed`` rows dropped; rows marked ``true`` always stay, reported or not."""
    stale = {id(row) for row in comparison.stale}
    kept = [row for row in rows if id(row) not in stale]
    added = [Row(*key, "unreviewed", one_line("cwlint: " + messages.get(key, "")))
             for key in comparison.unlisted]
    return kept + added


def render_diff(comparison: Comparison, ledger: Path) -> list[str]:
    """The differences, one line each: ``+`` not in the ledger, ``!`` marked false,
    ``?`` unreviewed, ``-`` marked true and no longer reported, ``~`` stale."""
    lines: list[str] = []
    if comparison.failures:
        lines.append(f"ledger {ledger}: {comparison.failures} difference(s) "
                     "(+ not in the ledger, ! marked false, ? unreviewed, "
                     "- marked true but no longer reported)")
    for key in comparison.unlisted:
        lines.append("  + " + "  ".join(key))
    for row in comparison.marked_false:
        lines.append("  ! " + "  ".join(row.key) + f"  (false: {row.reason})")
    for row in comparison.unreviewed:
        lines.append("  ? " + "  ".join(row.key))
    for row in comparison.disappeared:
        lines.append("  - " + "  ".join(row.key) + f"  (true: {row.reason})")
    if comparison.stale:
        lines.append(f"ledger {ledger}: {len(comparison.stale)} row(s) marked false or "
                     "unreviewed are no longer reported (--update-ledger drops them):")
        lines += ["  ~ " + "  ".join(row.key) for row in comparison.stale]
    return lines


def verdict_table(comparison: Comparison) -> list[str]:
    """Reported errors and warnings by rule, severity and verdict."""
    by_rule: dict[tuple[str, str], Counter[str]] = {}
    for (rule, severity, verdict), count in comparison.matched.items():
        by_rule.setdefault((rule, severity), Counter())[verdict] += count
    for _path, rule, _resource, severity in comparison.unlisted:
        by_rule.setdefault((rule, severity), Counter())["not in ledger"] += 1
    return [f"{rule} {severity}: " + ", ".join(f"{verdict} {count}" for verdict, count
                                               in sorted(counts.items()))
            for (rule, severity), counts in sorted(by_rule.items())]
