"""Read every recognised message out of a text: AccessDenied messages (also cut short or
carried by ECS stopped reasons, HTTP 403s and CloudTrail records), service errors that
silence monitoring, and failed connections to CloudWatch, each once however often a log
repeats it."""

from __future__ import annotations

import msgspec

from cwlint.diagnose.carriers import find_carried
from cwlint.diagnose.denied import find_access_denied
from cwlint.diagnose.incident import ALARM_ACTION_FAILED, Incident
from cwlint.diagnose.network import Elsewhere, find_network_failures
from cwlint.diagnose.service_errors import ERROR_WINDOW, find_service_errors
from cwlint.diagnose.spans import Spans
from cwlint.diagnose.text import logical_text

ENVELOPE_GAP = 80  # the most text between an SDK's envelope and the sentence it wraps


class Parsed(msgspec.Struct):
    """The distinct incidents of a text in order of first appearance, with how often each
    appeared, and the failed connections to AWS hosts that are not CloudWatch's."""

    incidents: list[Incident] = msgspec.field(default_factory=list)
    occurrences: list[int] = msgspec.field(default_factory=list)
    elsewhere: list[Elsewhere] = msgspec.field(default_factory=list)


def parse(raw: str) -> Parsed:
    """The incidents of ``raw`` (pasted text or a whole log file)."""
    text = logical_text(raw)
    service = find_service_errors(text)
    # An alarm's failed action quotes the error it received (an SNS:Publish or KMS denial):
    # that error is part of the service error, not an incident of its own.
    # A generic envelope (``An error occurred (AccessDeniedException) when calling the
    # CreateLogGroup operation:``) around a service error's sentence is that error's.
    quoted, wrapped = Spans(), Spans()
    for m in service:
        wrapped.add(m.start, m.end)
        if m.incident.problem == ALARM_ACTION_FAILED:
            quoted.add(m.start, max(m.end, m.start + ERROR_WINDOW))
    denied = [m for m in find_access_denied(text) if not quoted.near(m.start, 0, 0) and
              not (m.incident.principal is None and wrapped.near(m.end, ENVELOPE_GAP, 0))]
    taken = Spans()
    for m in [*denied, *service]:
        taken.add(m.start, m.end)
    carried = [m for m in find_carried(text, taken) if not quoted.near(m.start, 0, 0)]
    network, elsewhere = find_network_failures(text)
    ordered = sorted([(m.start, m.incident) for m in [*denied, *carried, *service]] +
                     [(m.start, m.incident) for m in network], key=lambda item: item[0])
    parsed = Parsed(elsewhere=elsewhere)
    index: dict[tuple[object, ...], int] = {}
    for _, incident in ordered:
        key = incident.key()
        if key in index:
            parsed.occurrences[index[key]] += 1
            continue
        index[key] = len(parsed.incidents)
        parsed.incidents.append(incident)
        parsed.occurrences.append(1)
    return parsed
