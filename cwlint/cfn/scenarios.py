"""``Fn::If`` branches: analyse a template once per combination of the conditions that
matter, and say which condition values a finding depends on.

The conditions that matter are those tested by ``Fn::If`` inside, or attached as
``Condition`` to, the resources cwlint models (roles, policies, workloads, log groups,
alarms...). Each is tried true and false, whatever its parameters' defaults say, since a
deploy may pass other values. A finding present in every combination is reported as it
is; one present in only some says so: ``(only when condition IsProd is true)``. At most
:data:`MAX_CONDITIONS` conditions are enumerated (2**3 models); the others keep their
statically evaluated value.

Conditions that exclude each other are not enumerated against each other: when the
conditions tested depend only on parameters (through ``Fn::Equals``, ``Fn::And``,
``Fn::Or``, ``Fn::Not`` and ``Condition``), each parameter is tried with its
``AllowedValues``, or with the values the conditions compare it to and one value equal to
none of them, and only the combinations some parameter values produce are analysed.
``IsProd`` and ``IsDev`` on ``Env: {AllowedValues: [prod, dev]}`` are never both false.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from typing import Any

from msgspec.structs import replace

from cwlint.cfn.intrinsics import Resolver
from cwlint.cfn.loader import LoadedTemplate
from cwlint.findings import Finding

MAX_CONDITIONS = 3
#: At most this many parameter assignments are tried to find the possible combinations.
MAX_ASSIGNMENTS = 256
_CONDITION_FUNCTIONS = ("Fn::Equals", "Fn::And", "Fn::Or", "Fn::Not")
#: A parameter value that no condition compares with.
_OTHER_VALUE = "\u0000another value"

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
    conditions: list[str], analyse: Callable[[dict[str, bool] | None], list[Finding]],
    possible: Callable[[list[str]], set[tuple[bool, ...]] | None] | None = None,
) -> list[Finding]:
    """Run ``analyse`` per combination of ``conditions`` and merge the findings; with
    ``possible``, only the combinations it says some deploy can produce."""
    if not conditions:
        return analyse(None)
    chosen = conditions[:MAX_CONDITIONS]
    seen: dict[Finding, list[dict[str, bool]]] = {}
    reachable = possible(chosen) if possible is not None else None
    combinations = [dict(zip(chosen, values, strict=True))
                    for values in itertools.product((True, False), repeat=len(chosen))
                    if not reachable or values in reachable]
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


def possible_combinations(loaded: LoadedTemplate, make_resolver: Callable[[dict[str, Any]],
                          Resolver], chosen: list[str]) -> set[tuple[bool, ...]] | None:
    """The combinations of ``chosen`` conditions that some parameter values produce, or
    None when the conditions depend on more than parameters (pseudo parameters, mappings,
    imports...) and every combination must be assumed possible."""
    definitions = {str(k): v for k, v in loaded.conditions.items()}
    parameters = {str(k): v for k, v in loaded.parameters.items()}
    used: set[str] = set()
    literals: set[str] = set()
    pending, visited = list(chosen), set()
    while pending:
        name = pending.pop()
        if name in visited or name not in definitions:
            if name not in definitions:
                return None
            continue
        visited.add(name)
        if not _parameter_only(definitions[name], parameters, used, literals, pending):
            return None
    candidates: list[list[Any]] = []
    for name in sorted(used):
        spec = parameters.get(name)
        allowed = spec.get("AllowedValues") if isinstance(spec, Mapping) else None
        if isinstance(allowed, list) and allowed and all(
                isinstance(v, (str, int, float)) for v in allowed):
            candidates.append([str(v) for v in allowed])
        else:
            candidates.append(sorted(literals) + [_OTHER_VALUE])
    total = 1
    for values in candidates:
        total *= len(values)
    if total > MAX_ASSIGNMENTS:
        return None
    found: set[tuple[bool, ...]] = set()
    for values in itertools.product(*candidates):
        resolver = make_resolver(dict(zip(sorted(used), values, strict=True)))
        options: list[tuple[bool, ...]] = [()]
        for name in chosen:
            value = resolver.condition_value(name)
            branches = (value,) if isinstance(value, bool) else (True, False)
            options = [o + (b,) for o in options for b in branches]
        found.update(options)
    return found


def _parameter_only(node: Any, parameters: Mapping[str, Any], used: set[str],
                    literals: set[str], pending: list[str]) -> bool:
    """Does a condition test only parameters and literal text? Collects the parameters,
    the literals and the conditions it refers to."""
    if isinstance(node, (str, int, float, bool)):
        literals.add(str(node).lower() if isinstance(node, bool) else str(node))
        return True
    if isinstance(node, list):
        return all(_parameter_only(i, parameters, used, literals, pending) for i in node)
    if not isinstance(node, Mapping) or len(node) != 1:
        return False
    key, arg = next(iter(node.items()))
    if key == "Ref" and isinstance(arg, str) and arg in parameters:
        used.add(arg)
        return True
    if key == "Condition" and isinstance(arg, str):
        pending.append(arg)
        return True
    if key in _CONDITION_FUNCTIONS:
        return _parameter_only(arg, parameters, used, literals, pending)
    return False
