"""The twins of a scenario describe the same infrastructure, so they must give the same
findings.

* A module and its plan: the same rule ids and severities on the same Terraform addresses,
  with the same related resources.
* The CloudFormation template and a Terraform twin: the same rule ids and severities, as
  many times each (the resources are named differently: a logical id against an address).

Twins that legitimately differ say so in the scenario's ``parity.yaml``: a mapping from the
pair (``template-terraform``, ``template-plan``, ``terraform-plan``) to the reason. A
declared difference must be real: a pair that agrees while declared different fails, so a
stale declaration does not hide a later regression.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.fixture_layout import FIXTURES, Twin, scenarios, twins
from tests.scenario_scan import scan

PARITY_FILE = "parity.yaml"
PAIRS = ("template-terraform", "template-plan", "terraform-plan")


def declared(scenario: Path) -> dict[str, str]:
    path = scenario / PARITY_FILE
    if not path.exists():
        return {}
    reasons = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(reasons, dict) and set(reasons) <= set(PAIRS), (
        f"{path}: expected a mapping from {', '.join(PAIRS)} to the reason")
    assert all(isinstance(r, str) and r.strip() for r in reasons.values()), (
        f"{path}: every declared difference needs its reason")
    return reasons


def key(pair: tuple[Twin, Twin], finding: dict[str, Any]) -> tuple[Any, ...]:
    """What must agree between the two twins of ``pair``."""
    if {pair[0].kind, pair[1].kind} == {"terraform", "plan"}:
        return (finding["rule_id"], finding["severity"], finding["resource"],
                tuple(r["resource"] for r in finding["related"]))
    return (finding["rule_id"], finding["severity"])


def pairs() -> list[tuple[Twin, Twin]]:
    found = []
    for scenario in scenarios():
        by_kind = {t.kind: t for t in twins(scenario)}
        found += [(by_kind[a], by_kind[b]) for a, b in (p.split("-") for p in PAIRS)
                  if a in by_kind and b in by_kind]
    return found


@pytest.mark.parametrize("pair", pairs(),
                         ids=lambda p: f"{p[0].scenario.relative_to(FIXTURES)}:"
                                       f"{p[0].kind}-{p[1].kind}")
def test_twins_agree(pair: tuple[Twin, Twin]) -> None:
    first, second = pair
    got = [Counter(key(pair, f) for f in scan(t.argument)["findings"]) for t in pair]
    name = f"{first.kind}-{second.kind}"
    reason = declared(first.scenario).get(name)
    if reason is None:
        assert got[0] == got[1], (
            f"{first.argument} and {second.argument} disagree: only in the first "
            f"{sorted((got[0] - got[1]).elements())}, only in the second "
            f"{sorted((got[1] - got[0]).elements())}; fix the twin, or declare why they "
            f"differ in {PARITY_FILE}")
    else:
        assert got[0] != got[1], (
            f"{first.scenario / PARITY_FILE} declares that {name} differ ({reason}), "
            "but they agree: remove the declaration")


def test_parity_files_name_pairs_the_scenario_has() -> None:
    for path in FIXTURES.rglob(PARITY_FILE):
        kinds = {t.kind for t in twins(path.parent)}
        for pair in declared(path.parent):
            assert set(pair.split("-")) <= kinds, (path, pair)


def test_most_rule_scenarios_have_twins() -> None:
    """The parity checks above are not vacuous: every pair kind is exercised."""
    kinds = Counter(f"{a.kind}-{b.kind}" for a, b in pairs())
    assert kinds["template-terraform"] >= 40 and kinds["terraform-plan"] >= 40, kinds
