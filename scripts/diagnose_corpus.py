"""Measure ``cwlint diagnose`` on the corpus of real-shaped messages.

    .venv/bin/python scripts/diagnose_corpus.py [CORPUS.yaml] [--verbose]

For every message of ``fixtures/diagnose/messages/corpus.yaml`` (or the file given), reads
what cwlint parses (recognised, principal, action, resource) and ranks first, compares it
with the entry's ``expect``, prints one line per message that differs (every message with
``--verbose``) and the totals:

* recognised: messages that hold a CloudWatch error and that cwlint recognises (and
  messages that hold none and that it rejects);
* principal: of the messages that name a role (or user), those whose role, session and
  account cwlint reads exactly (a redacted account read as unknown);
* action, resource: read exactly;
* top cause: the right rule (or named cause) ranked first.

Exit 0 when the targets hold (>= 90 % recognised, >= 80 % right first, every named role
extracted), else 1.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from cwlint.diagnose.diagnosis import diagnose
from cwlint.diagnose.incident import AccessDenied, ServiceError

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "fixtures" / "diagnose" / "messages" / "corpus.yaml"
TARGET_RECOGNISED = 0.90
TARGET_TOP = 0.80


def load(path: Path = CORPUS) -> list[dict[str, Any]]:
    """The corpus entries."""
    return yaml.safe_load(path.read_text())["messages"]


@dataclass
class Reading:
    """What cwlint made of one message, and where it differs from the expectation."""

    id: str
    shape: str
    recognised: bool
    kind: str | None = None
    role: str | None = None
    user: str | None = None
    session: str | None = None
    account: str | None = None
    action: str | None = None
    resource: str | None = None
    top: str | None = None
    wrong: list[str] = field(default_factory=list)


def read(entry: dict[str, Any]) -> Reading:
    """Diagnose one entry's message and compare it with its ``expect``."""
    result = diagnose(entry["message"])
    reading = Reading(entry["id"], entry["shape"], bool(result.diagnoses))
    if result.diagnoses:
        first = result.diagnoses[0]
        incident = first.incident
        reading.kind = incident.kind
        reading.top = (first.causes[0].rule_id or first.causes[0].name) if first.causes else None
        if isinstance(incident, AccessDenied):
            principal = incident.principal
            if principal is not None:
                reading.role = principal.role_name
                reading.user = principal.name if principal.kind == "user" else None
                reading.session = principal.session
            reading.account = incident.account
            reading.action, reading.resource = incident.action, incident.resource
        elif isinstance(incident, ServiceError):
            reading.account = incident.account
            reading.action, reading.resource = incident.operation, incident.resource
    expect = entry["expect"]
    if reading.recognised != expect["recognised"]:
        reading.wrong.append(f"recognised {reading.recognised}")
    if not expect["recognised"] or not reading.recognised:
        return reading
    for name in ("kind", "role", "user", "session", "account", "action", "resource", "top"):
        if name in expect and getattr(reading, name) != expect[name]:
            reading.wrong.append(f"{name} {getattr(reading, name)!r} != {expect[name]!r}")
    return reading


@dataclass
class Totals:
    """The measured rates."""

    messages: int
    recognised: tuple[int, int]
    rejected: tuple[int, int]
    principal: tuple[int, int]
    action: tuple[int, int]
    resource: tuple[int, int]
    top: tuple[int, int]

    def meets_targets(self) -> bool:
        """Whether the issue's targets hold."""
        return (_rate(self.recognised) >= TARGET_RECOGNISED and _rate(self.top) >= TARGET_TOP
                and self.principal[0] == self.principal[1] and self.rejected[0] == self.rejected[1])


def _rate(pair: tuple[int, int]) -> float:
    return pair[0] / pair[1] if pair[1] else 1.0


def totals(entries: list[dict[str, Any]], readings: list[Reading]) -> Totals:
    """Count the readings against their entries."""
    errors = [(e, r) for e, r in zip(entries, readings, strict=True)
              if e["expect"]["recognised"]]
    clean = [(e, r) for e, r in zip(entries, readings, strict=True)
             if not e["expect"]["recognised"]]
    named = [(e, r) for e, r in errors if e["expect"].get("role") or e["expect"].get("user")]

    def exact(pairs: list[tuple[dict[str, Any], Reading]], *names: str) -> tuple[int, int]:
        good = sum(1 for e, r in pairs if r.recognised and all(
            getattr(r, n) == e["expect"].get(n) for n in names if n in e["expect"]))
        return good, len(pairs)

    return Totals(
        messages=len(entries),
        recognised=(sum(r.recognised for _, r in errors), len(errors)),
        rejected=(sum(not r.recognised for _, r in clean), len(clean)),
        principal=exact(named, "role", "user", "session", "account"),
        action=exact(errors, "action"),
        resource=exact(errors, "resource"),
        top=exact(errors, "top"),
    )


def report(result: Totals) -> str:
    """The totals as the script prints them."""
    def line(label: str, pair: tuple[int, int]) -> str:
        return f"  {label:<34} {pair[0]:>3} / {pair[1]:<3} {100 * _rate(pair):5.1f} %"

    return "\n".join([
        f"{result.messages} messages",
        line("recognised (hold an error)", result.recognised),
        line("rejected, exit 2 (hold none)", result.rejected),
        line("principal read (role/user named)", result.principal),
        line("action read", result.action),
        line("resource read", result.resource),
        line("right cause ranked first", result.top),
    ])


def main(argv: list[str] | None = None) -> int:
    """Measure and print; exit 1 when a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=CORPUS)
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args(argv)
    entries = load(args.corpus)
    readings = [read(entry) for entry in entries]
    for reading in readings:
        if reading.wrong or args.verbose:
            status = "; ".join(reading.wrong) or "ok"
            print(f"{reading.id:<40} {reading.shape:<22} top={reading.top}  {status}")
    result = totals(entries, readings)
    print(report(result))
    return 0 if result.meets_targets() else 1


if __name__ == "__main__":
    sys.exit(main())
