"""What every rule scenario (``fixtures/<cwlNNN>/<scenario>/``) promises, whatever its
findings: its name and its first line say what it is, and its twins' findings keep that
promise. The findings themselves are in each twin's expected file (``test_snapshots.py``).

* ``fail-*``: the rule fires (at warning or error) in every twin;
* ``pass-*``: no finding from any rule;
* ``near-miss-*``: what a naive rule would flag: no warning or error from the rule;
* ``unknown-*``: a value that cannot be known statically: info findings at most.

And every finding that is not info comes with a fix that is scoped: a namespace condition
on ``cloudwatch:PutMetricData``, a log-group ARN for ``logs:`` actions, never a wildcard
action.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from cwlint.cfn.loader import parse_template
from cwlint.rules import RULES_BY_ID
from tests.fixture_layout import Twin, all_twins, rule_scenarios, twins
from tests.scenario_scan import scan

KINDS = {"fail": "fails", "pass": "passes", "near-miss": "near miss", "unknown": "unknown"}
LOGS = "arn:aws:logs:us-east-1:123456789012:log-group:"
RULE_TWINS = [t for s in rule_scenarios() for t in twins(s)]


def kind_of(scenario: Path) -> str:
    kind = next((k for k in KINDS if scenario.name.startswith(k + "-")), None)
    assert kind is not None, f"{scenario}: the name must start with one of {list(KINDS)}"
    return kind


def rule_of(twin: Twin) -> str:
    return twin.scenario.parent.name.upper()


def first_line(twin: Twin) -> str | None:
    """The template's ``Description``, or the first comment of ``terraform/main.tf``."""
    if twin.kind == "template":
        description = parse_template(twin.path.read_text(encoding="utf-8"),
                                     str(twin.path)).template.get("Description", "")
        return " ".join(str(description).split())
    if twin.kind == "terraform":
        return (twin.path / "main.tf").read_text(encoding="utf-8").splitlines()[0][2:]
    return None  # a plan has no comment


#: Rules with no scenario that ends without a finding yet.
ONLY_FAILING = {"CWL011"}


@pytest.mark.parametrize("rule", sorted(set(RULES_BY_ID) - {"CWL000"}))
def test_every_rule_has_failing_and_clean_scenarios(rule: str) -> None:
    """Every rule fails somewhere and is silent somewhere; the identity rules CWL001-CWL008
    have a fail, a pass and a near-miss scenario each."""
    scenarios = rule_scenarios(rule.lower())
    kinds = {kind_of(s) for s in scenarios}
    assert "fail" in kinds, rule
    if rule <= "CWL008":
        assert {"pass", "near-miss"} <= kinds, (rule, kinds)
    if rule not in ONLY_FAILING:
        assert any(kind_of(s) in ("pass", "near-miss") and not any(
            scan(t.argument)["findings"] for t in twins(s)) for s in scenarios), rule


@pytest.mark.parametrize("twin", [t for t in RULE_TWINS if t.kind != "plan"],
                         ids=lambda t: t.id)
def test_twin_says_what_scenario_it_is(twin: Twin) -> None:
    line = first_line(twin)
    assert line is not None and line.startswith(f"{rule_of(twin)} "), line
    assert KINDS[kind_of(twin.scenario)] in line, line


@pytest.mark.parametrize("twin", RULE_TWINS, ids=lambda t: t.id)
def test_findings_keep_the_scenario_promise(twin: Twin) -> None:
    findings = scan(twin.argument)["findings"]
    rule, kind = rule_of(twin), kind_of(twin.scenario)
    of_rule = [f for f in findings if f["rule_id"] == rule and f["severity"] != "info"]
    if kind == "fail":
        assert of_rule, findings
    elif kind == "pass":
        assert findings == []
    elif kind == "near-miss":
        assert of_rule == []
    else:
        assert all(f["severity"] == "info" for f in findings), findings


def statements_in(fix: str) -> list[dict[str, Any]]:
    """The JSON policy statements written out in a fix text."""
    decoder = json.JSONDecoder()
    found: list[dict[str, Any]] = []
    for start in (m.start() for m in re.finditer(r"\[\{", fix)):
        try:
            value, _ = decoder.raw_decode(fix, start)
        except json.JSONDecodeError:
            continue
        found.extend(s for s in value if isinstance(s, dict) and "Effect" in s)
    return found


@pytest.mark.parametrize("twin", all_twins(), ids=lambda t: t.id)
def test_every_fix_is_present_and_scoped(twin: Twin) -> None:
    for finding in scan(twin.argument)["findings"]:
        fix = finding["fix"]
        if finding["severity"] == "info":
            assert fix is None  # nothing definite to fix: the message says what is unknown
            continue
        assert fix, finding
        assert "cloudwatch:*" not in fix and '"logs:*"' not in fix
        for statement in statements_in(fix):
            actions = statement["Action"]
            actions = [actions] if isinstance(actions, str) else actions
            assert all("*" not in a for a in actions), statement
            if "cloudwatch:PutMetricData" in actions:
                assert "cloudwatch:namespace" in statement["Condition"]["StringEquals"]
            if any(a.startswith("logs:") for a in actions):
                assert statement["Resource"].startswith(LOGS), statement
                assert "log-stream:" not in statement["Resource"], statement


@pytest.mark.parametrize("twin", [t for t in RULE_TWINS if t.kind == "template"
                                  and rule_of(t) <= "CWL008" and kind_of(t.scenario) == "fail"],
                         ids=lambda t: t.id)
def test_identity_findings_name_the_role_in_related(twin: Twin) -> None:
    """A workload's identity finding points at the workload and names its role in
    ``related`` (SAM's generated role lives on the function itself)."""
    for finding in scan(twin.argument)["findings"]:
        if finding["rule_id"] in ("CWL003", "CWL008") or "no instance profile" in (
                finding["message"]):
            assert finding["related"] == []
            continue
        role = re.search(r"role (\w+)", finding["message"])
        assert role is not None
        related = {r["resource"] for r in finding["related"]}
        assert role.group(1) in related or finding["resource"] in related
