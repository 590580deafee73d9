"""Read every recognised message out of a text: AccessDenied messages and failed
connections to CloudWatch, each once however often a log repeats it."""

from __future__ import annotations

from dataclasses import dataclass, field

from cwlint.diagnose.denied import find_access_denied
from cwlint.diagnose.incident import Incident
from cwlint.diagnose.network import Elsewhere, find_network_failures
from cwlint.diagnose.text import logical_text


@dataclass
class Parsed:
    """The distinct incidents of a text in order of first appearance, with how often each
    appeared, and the failed connections to AWS hosts that are not CloudWatch's."""

    incidents: list[Incident] = field(default_factory=list)
    occurrences: list[int] = field(default_factory=list)
    elsewhere: list[Elsewhere] = field(default_factory=list)


def parse(raw: str) -> Parsed:
    """The incidents of ``raw`` (pasted text or a whole log file)."""
    text = logical_text(raw)
    denied = find_access_denied(text)
    network, elsewhere = find_network_failures(text)
    ordered = sorted([(m.start, m.incident) for m in denied] +
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
