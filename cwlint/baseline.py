"""Baselines: adopt the gate in a repository that already has findings.

``cwlint scan --write-baseline .cwlint-baseline.json`` records every current finding;
``cwlint scan --baseline .cwlint-baseline.json`` then fails only on findings that are not
in it. A finding is recorded by a fingerprint of its rule id, its file (relative to the
baseline file's directory, so that ``cwlint scan .`` and ``cwlint scan stacks/`` agree),
its resource and its normalized message, never its line: moving a resource, reformatting
the template or reordering statements does not make a finding new. Each recorded finding
excuses one current finding with the same fingerprint.

The file is JSON, sorted, one finding per entry with the fields a reviewer needs::

    {"cwlint_baseline": 1,
     "findings": [{"fingerprint": "…", "rule_id": "CWL001", "file": "stacks/orders.yaml",
                   "resource": "OrdersFunction", "message": "…"}]}
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections import Counter
from collections.abc import Iterable, Sequence

import msgspec

from cwlint.errors import UsageError
from cwlint.findings import Finding
from cwlint.suppressions import Suppressed

FORMAT_KEY = "cwlint_baseline"
FORMAT_VERSION = 1

_NUMBERED = re.compile(r"\b(line|statement|policy|index)\s+\d+\b", re.IGNORECASE)


def normalized_message(message: str) -> str:
    """The message without formatting noise: runs of whitespace, and positions such as
    ``statement 2`` or ``line 12`` (letter case is kept: namespaces are case-sensitive)."""
    return " ".join(_NUMBERED.sub(lambda m: f"{m.group(1)} #", message).split())


def relative_file(path: str, base: str) -> str:
    """``path`` relative to the directory ``base``, with ``/`` separators."""
    relative = os.path.relpath(os.path.abspath(path), os.path.abspath(base))
    return relative.replace(os.sep, "/")


def fingerprint(finding: Finding, base: str) -> str:
    """A stable identity of ``finding``: rule, file relative to ``base``, resource and
    normalized message (SHA-256, hex)."""
    material = "\0".join(("cwlint-fingerprint/v1", finding.rule_id,
                          relative_file(finding.file, base), finding.resource,
                          normalized_message(finding.message)))
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


class Baseline(msgspec.Struct, frozen=True):
    """The recorded fingerprints (with multiplicity) and where the file lives."""

    path: str
    counts: tuple[tuple[str, int], ...]

    @property
    def base(self) -> str:
        return os.path.dirname(os.path.abspath(self.path))

    def split(self, findings: Iterable[Finding]) -> tuple[list[Finding], list[Suppressed]]:
        """(new findings, findings the baseline excuses), in the order given."""
        remaining = Counter(dict(self.counts))
        new: list[Finding] = []
        known: list[Suppressed] = []
        for finding in findings:
            key = fingerprint(finding, self.base)
            if remaining[key] > 0:
                remaining[key] -= 1
                known.append(Suppressed(finding, "baseline", f"baseline {self.path}",
                                        "recorded in the baseline"))
            else:
                new.append(finding)
        return new, known


def read_baseline(path: str) -> Baseline:
    """Load a baseline file; a missing or malformed file is a usage error (exit 2)."""
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except FileNotFoundError:
        raise UsageError(f"{path}: no such baseline file (create it with "
                         f"--write-baseline {path})") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: cannot read the baseline: {exc}") from None
    except json.JSONDecodeError as exc:
        raise UsageError(f"{path}:{exc.lineno}: the baseline is not valid JSON: "
                         f"{exc.msg}") from None
    if not isinstance(data, dict) or data.get(FORMAT_KEY) != FORMAT_VERSION \
            or not isinstance(data.get("findings"), list):
        raise UsageError(f"{path}: not a cwlint baseline (expected "
                         f'{{"{FORMAT_KEY}": {FORMAT_VERSION}, "findings": [...]}})')
    counts: Counter[str] = Counter()
    for number, entry in enumerate(data["findings"]):
        key = entry.get("fingerprint") if isinstance(entry, dict) else None
        if not isinstance(key, str) or not key:
            raise UsageError(f"{path}: findings[{number}] has no fingerprint")
        counts[key] += 1
    return Baseline(path, tuple(sorted(counts.items())))


def render_baseline(findings: Sequence[Finding], base: str) -> str:
    """The baseline file for ``findings``: deterministic JSON."""
    entries = [{"fingerprint": fingerprint(f, base), "rule_id": f.rule_id,
                "file": relative_file(f.file, base), "resource": f.resource,
                "message": normalized_message(f.message)} for f in findings]
    entries.sort(key=lambda e: (e["file"], e["rule_id"], e["resource"], e["fingerprint"]))
    document = {FORMAT_KEY: FORMAT_VERSION, "findings": entries}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def write_baseline(path: str, findings: Sequence[Finding]) -> None:
    base = os.path.dirname(os.path.abspath(path))
    try:
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(render_baseline(findings, base))
    except OSError as exc:
        raise UsageError(f"{path}: cannot write the baseline: {exc.strerror}") from None
