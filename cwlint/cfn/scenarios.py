"""``Fn::If`` branches: analyse a template once per combination of the conditions that
matter, and say which condition values a finding depends on.

The conditions that matter are those tested by ``Fn::If`` inside, or attached as
``Condition`` to, the resources cwlint models (roles, policies, workloads, log groups,
alarms...). Each is tried true and false, whatever its parameters' defaults say, since a
deploy may pass other values. A finding present in every combination is reported as it
is; one present in only some says so: ``(only when condition IsProd is true)``. At most
:data:`MAX_CONDITIONS` conditions are enumerated (2**3 models); the others keep their
statically evaluated value.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from cwlint.cfn.intrinsics import Resolver
from cwlint.cfn.loader import LoadedTemplate
from cwlint.findings import Finding

MAX_CONDITIONS = 3

#: The resource types the front end reads; conditions elsewhere change nothing for cwlint.
MODELLED_PREFIXES = ("AWS::IAM::", "AWS::Lambda::Function", "AWS::Serverless::Function",
                     "AWS::EC2::", "AWS::Logs::", "AWS::CloudWatch::", "AWS::ECS::",
                     "AWS::KMS::", "AWS::Oam::", "AWS::SSM::", "AWS::AutoScaling::")


def relevant_conditions(loaded: LoadedTemplate, resolver: Resolver) -> list[str]:
    """Conditions that can change the model, sorted, existing ones only."""
    declared = {str(name) for name in loaded.conditions}
    names: set[str] = set()
    for resource in loaded.resources.values():
        if not isinstance(resource, Mapping):
            continue
        rtype = resource.get("Type")
        if not isinstance(rtype, str) or not rtype.startswith(MODELLED_PREFIXES):
            continue
        if isinstance(resource.get("Condition"), str):
            names.add(str(resource["Condition"]))
        names |= resolver.conditions_used(resource)
    sam_globals = loaded.template.get("Globals")
    if isinstance(sam_globals, Mapping):
        names |= resolver.conditions_used(sam_globals)
    return sorted(names & declared)


def analyse_scenarios(
    conditions: list[str], analyse: Callable[[dict[str, bool] | None], list[Finding]]
) -> list[Finding]:
    """Run ``analyse`` per combination of ``conditions`` and merge the findings."""
    if not conditions:
        return analyse(None)
    chosen = conditions[:MAX_CONDITIONS]
    seen: dict[Finding, list[dict[str, bool]]] = {}
    combinations = [dict(zip(chosen, values, strict=True))
                    for values in itertools.product((True, False), repeat=len(chosen))]
    for overrides in combinations:
        for finding in analyse(overrides):
            seen.setdefault(finding, []).append(overrides)
    merged = []
    for finding, where in seen.items():
        if len(where) == len(combinations):
            merged.append(finding)
        else:
            merged.append(replace(finding, message=f"{finding.message} ({describe(where)})"))
    return merged


def describe(scenarios: list[dict[str, Any]]) -> str:
    """The condition values shared by every scenario in which a finding appears."""
    fixed = [name for name in scenarios[0]
             if all(s[name] == scenarios[0][name] for s in scenarios)]
    if not fixed:
        return "only in some combinations of conditions " + ", ".join(scenarios[0])
    return "only when " + " and ".join(
        f"condition {name} is {str(scenarios[0][name]).lower()}" for name in fixed)
