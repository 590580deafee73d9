#!/usr/bin/env python
"""Regenerate ``cwlint/data/actions.json.gz``, the catalogue of real IAM actions.

Which actions exist comes from the installed cfn-lint
(``cfnlint/data/AdditionalSpecs/Policies.json``: lowercase service prefixes and action
names). Their display casing (``PutMetricData``, not ``putmetricdata``) comes, in order
of preference, from:

1. the operation names of the botocore service models of that IAM prefix (same name,
   same signing name, or listed in ``EXTRA_BOTOCORE_SERVICES``);
2. the spelling most often used in the shipped AWS managed policy documents, among those
   that begin with a capital letter;
3. an operation of the same name in any other botocore service (many ``cloudwatch:``
   actions belong to APIs such as Application Signals);
4. a camel-case spelling from the managed policies, first letter capitalised;
5. otherwise the lowercase name, as cfn-lint has it.

Only the services in ``cwlint.iam.actions.SERVICES_COVERED`` are written; to cover more,
extend that constant and rerun this script. The output is compact gzip JSON::

    {"generated_from": "...", "services": {"logs": ["AssociateKmsKey", ...], ...}}

Usage::

    python scripts/refresh_actions.py [--output FILE] [--managed-policies FILE] [--verbose]
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUTPUT = ROOT / "cwlint" / "data" / "actions.json.gz"
DEFAULT_MANAGED = ROOT / "cwlint" / "data" / "aws_managed_policies.pack"

# IAM service prefix -> botocore services beyond the one of the same name and those whose
# model names the prefix as its signing name (several APIs can share one IAM prefix).
EXTRA_BOTOCORE_SERVICES: dict[str, tuple[str, ...]] = {
    "cloudwatch": ("application-signals",),
}

SOURCES = ("botocore", "managed-policies", "botocore-other", "managed-camel", "lowercase")


def _services_covered() -> tuple[str, ...]:
    """``SERVICES_COVERED`` from the package (the script may run from a plain checkout)."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from cwlint.iam.actions import SERVICES_COVERED

    return SERVICES_COVERED


def cfn_lint_actions() -> tuple[dict[str, set[str]], str]:
    """Lowercase action names per lowercase service prefix, from cfn-lint's policy data."""
    from importlib import metadata, resources

    spec = resources.files("cfnlint") / "data" / "AdditionalSpecs" / "Policies.json"
    raw: dict[str, dict[str, Any]] = json.loads(spec.read_text(encoding="utf-8"))
    actions = {
        prefix.lower(): {a.lower() for a in body.get("Actions", {})} for prefix, body in raw.items()
    }
    return actions, f"cfn-lint {metadata.version('cfn-lint')}"


def _policy_actions(node: Any) -> Iterator[str]:
    """Every literal string under ``Action``/``NotAction`` in a policy document."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("Action", "NotAction"):
                yield from (
                    v for v in ([value] if isinstance(value, str) else value) if isinstance(v, str)
                )
            else:
                yield from _policy_actions(value)
    elif isinstance(node, list):
        for item in node:
            yield from _policy_actions(item)


def managed_policy_spellings(path: Path) -> tuple[dict[tuple[str, str], Counter[str]], str]:
    """How often each spelling of each concrete action occurs in the managed policies."""
    from cwlint.iam.managed import load_managed_policies

    policies = load_managed_policies(path)
    seen: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for name in policies.names():
        policy = policies.get(name)
        assert policy is not None
        for action in _policy_actions(policy.document):
            prefix, _, name = action.partition(":")
            if name and "*" not in name and "?" not in name:
                seen[(prefix.lower(), name.lower())][name] += 1
    return seen, f"managed policies from {policies.generated_from or path.name}"


def botocore_operations() -> tuple[dict[str, list[str]], dict[str, tuple[str, ...]], str]:
    """Operation names of every botocore service model, and the services of each IAM prefix."""
    import botocore
    import botocore.session

    session = botocore.session.get_session()
    operations: dict[str, list[str]] = {}
    by_prefix: dict[str, list[str]] = defaultdict(list)
    for name in session.get_available_services():
        model = session.get_service_model(name)
        operations[name] = list(model.operation_names)
        by_prefix[name].append(name)
        signing = model.metadata.get("signingName")
        if signing and signing != name:
            by_prefix[signing].append(name)
    for prefix, extra in EXTRA_BOTOCORE_SERVICES.items():
        by_prefix[prefix].extend(extra)
    services = {prefix: tuple(names) for prefix, names in by_prefix.items()}
    return operations, services, f"botocore {botocore.__version__}"


def _most_common(spellings: Iterable[str]) -> str | None:
    counts = Counter(spellings)
    return max(counts, key=lambda s: (counts[s], s)) if counts else None


def canonical_names(
    prefix: str,
    actions: set[str],
    operations: dict[str, list[str]],
    own_services: tuple[str, ...],
    spellings: dict[tuple[str, str], Counter[str]],
) -> tuple[list[str], Counter[str], list[str]]:
    """Display names of ``prefix``'s actions, the tally of casing sources, and the uncased ones."""
    own = {op.lower(): op for service in own_services for op in operations.get(service, ())}
    other: dict[str, Counter[str]] = defaultdict(Counter)
    for ops in operations.values():
        for op in ops:
            other[op.lower()][op] += 1
    names: list[str] = []
    tally: Counter[str] = Counter()
    uncased: list[str] = []
    for action in sorted(actions):
        seen = spellings.get((prefix, action), Counter())
        capitalised = Counter({s: n for s, n in seen.items() if s[:1].isupper()})
        camel = [s for s in seen if s != s.lower()]
        candidates = (
            own.get(action),
            _most_common(capitalised.elements()),
            _most_common(other[action].elements()) if action in other else None,
            (camel[0][:1].upper() + camel[0][1:]) if camel else None,
            action,
        )
        for source, name in zip(SOURCES, candidates, strict=True):
            if name is not None:
                names.append(name)
                tally[source] += 1
                if source == "lowercase":
                    uncased.append(action)
                break
    return names, tally, uncased


def write_payload(services: dict[str, list[str]], generated_from: str, output: Path) -> int:
    """Write the gzip JSON file (sorted, compact, reproducible); return its size in bytes."""
    payload = {"generated_from": generated_from, "services": dict(sorted(services.items()))}
    text = json.dumps(payload, separators=(",", ":"))
    output.parent.mkdir(parents=True, exist_ok=True)
    data = gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0)
    output.write_bytes(data)
    return len(data)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--output", type=Path, default=DEFAULT_OUTPUT, help=f"default {DEFAULT_OUTPUT}"
    )
    parser.add_argument(
        "--managed-policies",
        type=Path,
        default=DEFAULT_MANAGED,
        help="managed policies file used for casing (default: the shipped one)",
    )
    parser.add_argument("--verbose", action="store_true", help="list the actions left in lowercase")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Regenerate the action catalogue; exit status 1 when a covered service is unknown."""
    args = parse_args(argv)
    actions, cfn_source = cfn_lint_actions()
    spellings, managed_source = managed_policy_spellings(args.managed_policies)
    operations, prefix_services, botocore_source = botocore_operations()

    services: dict[str, list[str]] = {}
    for prefix in _services_covered():
        if prefix not in actions:
            print(f"error: cfn-lint knows no IAM service prefix {prefix!r}", file=sys.stderr)
            return 1
        names, tally, uncased = canonical_names(
            prefix, actions[prefix], operations, prefix_services.get(prefix, ()), spellings
        )
        services[prefix] = names
        sources = ", ".join(f"{s} {tally[s]}" for s in SOURCES if tally[s])
        print(f"{prefix}: {len(names)} actions ({sources})")
        if uncased and args.verbose:
            print("  lowercase: " + ", ".join(uncased))

    source = f"{cfn_source} (Policies.json); casing from {botocore_source} and {managed_source}"
    size = write_payload(services, source, args.output)
    total = sum(len(v) for v in services.values())
    print(f"wrote {total} actions of {len(services)} services to {args.output} ({size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
