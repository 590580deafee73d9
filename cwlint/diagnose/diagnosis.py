"""One diagnosis per distinct incident: the parsed request, the workload and the causes."""

from __future__ import annotations

from typing import Any

import msgspec

from cwlint.diagnose.causes import Cause, causes_for
from cwlint.diagnose.incident import AccessDenied, Incident
from cwlint.diagnose.network import Elsewhere
from cwlint.diagnose.parse import parse
from cwlint.diagnose.workload import Workload, infer_workload


class Diagnosis(msgspec.Struct):
    """An incident, how many times the input showed it, and its ranked causes; ``live``
    is what ``--live`` found (None without it)."""

    incident: Incident
    occurrences: int
    workload: Workload
    causes: list[Cause]
    live: dict[str, Any] | None = None

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


#: The services of the calls that CloudWatch monitoring makes or needs: metrics and logs,
#: the agent's (EC2 tags and volumes, its SSM configuration, a role to assume), an
#: alarm's topic and its key, a log group's key, FireLens and subscription destinations,
#: cross-account observability. An AccessDenied for another service (``s3:GetObject``) is
#: not a monitoring failure: it is named, not diagnosed.
MONITORING_SERVICES = frozenset({"cloudwatch", "logs", "ec2", "ssm", "sts", "iam", "sns", "kms",
                                 "firehose", "kinesis", "oam"})


class Result(msgspec.Struct):
    """Every diagnosis of an input; the failed connections to non-CloudWatch hosts, and the
    AccessDenied messages for calls that are not monitoring's (``unrelated``)."""
    diagnoses: list[Diagnosis]
    elsewhere: list[Elsewhere]
    unrelated: list[AccessDenied] = msgspec.field(default_factory=list)


def diagnose(raw: str) -> Result:
    """Every diagnosis for the text ``raw``, offline."""
    parsed = parse(raw)
    diagnoses, unrelated = [], []
    for incident, count in zip(parsed.incidents, parsed.occurrences, strict=True):
        if isinstance(incident, AccessDenied) and incident.service not in MONITORING_SERVICES:
            unrelated.append(incident)
            continue
        workload = infer_workload(incident)
        diagnoses.append(Diagnosis(incident, count, workload, causes_for(incident, workload)))
    return Result(diagnoses, parsed.elsewhere, unrelated)
