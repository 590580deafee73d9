"""Where the fixtures live: the one layout every test reads them through.

A scenario is a directory holding one or more twins of the same infrastructure:
``template.yaml`` (or ``template.json``), the CloudFormation/SAM twin; ``terraform/``, the
Terraform module twin; ``plan.json``, the ``terraform show -json`` plan of that module.
Rule scenarios are ``fixtures/<cwlNNN>/<scenario>/``; scenarios of a front end's own
features are ``fixtures/cfn/<feature>/<scenario>/`` and ``fixtures/terraform/<scenario>/``.
Each twin's expected findings sit beside it in ``<twin>.snap`` (``template.snap``,
``terraform.snap``, ``plan.snap``).
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
DEMO = FIXTURES / "demo" / "orders-service.yaml"

#: The twins a scenario may hold, in the order they are reported.
TWINS = ("template.yaml", "template.json", "terraform", "plan.json")
SNAPSHOT_SUFFIX = ".snap"


@dataclass(frozen=True)
class Twin:
    """One twin of a scenario: what ``cwlint scan`` is given, and its expected file."""

    path: Path

    @property
    def scenario(self) -> Path:
        return self.path.parent

    @property
    def kind(self) -> str:
        """``template``, ``terraform`` or ``plan``."""
        return self.path.name.split(".")[0]

    @property
    def argument(self) -> str:
        """The path as a user at the repository root names it."""
        return self.path.relative_to(ROOT).as_posix()

    @property
    def expected(self) -> Path:
        return self.scenario / f"{self.kind}{SNAPSHOT_SUFFIX}"

    @property
    def id(self) -> str:
        return f"{self.scenario.relative_to(FIXTURES).as_posix()}/{self.kind}"


def is_twin(path: Path) -> bool:
    if path.name == "terraform":  # a module: .tf files (fixtures/terraform is not one)
        return path.is_dir() and any(path.glob("*.tf"))
    return path.name in TWINS and path.is_file()


#: Where scenario directories are: rules, then each front end's own features.
SCENARIO_GLOBS = ("cwl[0-9][0-9][0-9]/*", "cfn/*/*", "terraform/*")


def scenarios() -> list[Path]:
    """Every scenario directory (one holding a twin), sorted."""
    found = {d for pattern in SCENARIO_GLOBS for d in FIXTURES.glob(pattern)}
    return sorted(d for d in found if d.is_dir() and any(is_twin(d / n) for n in TWINS))


def twins(scenario: Path) -> list[Twin]:
    return [Twin(scenario / name) for name in TWINS if is_twin(scenario / name)]


def all_twins() -> list[Twin]:
    return [twin for scenario in scenarios() for twin in twins(scenario)]


def rule_scenarios(rule: str | None = None) -> list[Path]:
    """The scenarios of one rule (``"cwl001"``), or of every rule."""
    return [s for s in scenarios() if re.fullmatch(r"cwl\d{3}", s.parent.name)
            and s.parent.parent == FIXTURES and (rule is None or s.parent.name == rule)]


def templates() -> list[Path]:
    """Every CloudFormation/SAM twin (rule and feature scenarios)."""
    return [t.path for t in all_twins() if t.kind == "template"]


def modules() -> list[Path]:
    """Every Terraform module twin (a directory)."""
    return [t.path for t in all_twins() if t.kind == "terraform"]


def plans() -> list[Path]:
    """Every plan twin."""
    return [t.path for t in all_twins() if t.kind == "plan"]


def scenario(name: str) -> Path:
    """``scenario("cwl001/fail-env-namespace")``: a scenario directory by its name."""
    path = FIXTURES / name
    assert path.is_dir(), path
    return path


def flat_name(scenario: Path) -> str:
    """A scenario as one path component: ``cwl001-fail-env-namespace``,
    ``module-local-app`` (a front end's feature scenario keeps its own name)."""
    parts = scenario.relative_to(FIXTURES).parts
    return "-".join(parts[1:] if parts[0] in ("cfn", "terraform") else parts)


def terraform_tree(destination: Path) -> tuple[Path, Path]:
    """Every module twin copied to ``hcl/<flat name>/`` and every plan twin to
    ``plan/<flat name>.json`` under ``destination``: the Terraform fixtures as two trees,
    for a tool that walks one directory (``checkov -d``)."""
    hcl, plan = destination / "hcl", destination / "plan"
    plan.mkdir(parents=True, exist_ok=True)
    for module in modules():
        shutil.copytree(module, hcl / flat_name(module.parent))
    for path in plans():
        shutil.copy(path, plan / f"{flat_name(path.parent)}.json")
    return hcl, plan
