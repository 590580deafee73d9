"""One diagnosis per distinct incident: the parsed request, the workload and the causes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cwlint.diagnose.causes import Cause, causes_for
from cwlint.diagnose.incident import Incident
from cwlint.diagnose.network import Elsewhere
from cwlint.diagnose.parse import parse
from cwlint.diagnose.workload import Workload, infer_workload


@dataclass
class Diagnosis:
    """An incident, how many times the input showed it, and its ranked causes; ``live``
    is what ``--live`` found (None without it)."""

    incident: Incident
    occurrences: int
    workload: Workload
    causes: list[Cause]
    live: dict[str, Any] | None = field(default=None)

    def to_json(self) -> dict[str, Any]:
        """The diagnosis as the JSON output shows it."""
        return {
            "kind": self.incident.kind,
            "occurrences": self.occurrences,
            "excerpt": self.incident.excerpt,
            "request": self.incident.to_json(),
            "workload": self.workload.to_json(),
            "causes": [cause.to_json(rank) for rank, cause in enumerate(self.causes, start=1)],
            "live": self.live,
        }


@dataclass
class Result:
    """Every diagnosis of an input, and the failed connections to non-CloudWatch hosts."""
    diagnoses: list[Diagnosis]
    elsewhere: list[Elsewhere]


def diagnose(raw: str) -> Result:
    """Every diagnosis for the text ``raw``, offline."""
    parsed = parse(raw)
    diagnoses = []
    for incident, count in zip(parsed.incidents, parsed.occurrences, strict=True):
        workload = infer_workload(incident)
        diagnoses.append(Diagnosis(incident, count, workload, causes_for(incident, workload)))
    return Result(diagnoses, parsed.elsewhere)
