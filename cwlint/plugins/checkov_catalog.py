"""What checkov needs to register the CKV_CWL checks, without importing a rule.

checkov executes the files of ``checks/checkov`` in every framework worker that loads
external checks, whether or not that run has anything a cwlint rule looks at (the
CloudFormation worker of ``checkov -d .`` on a Terraform repository, a Terraform run on
code without AWS resources). Registering a check needs only its id, name, severity,
categories, the resource types it runs on and its guideline: :data:`CATALOG` holds them
from literals (:mod:`cwlint.plugins.checkov_table`), so the rule registry, the model and
the engine are imported by the first check that runs, not by registering.

``checkov_table.py`` is generated from the rules by ``make docs``
(``scripts/gen_docs.py``, which also fails the tests when it is out of date), and a test
compares :data:`CATALOG` with :func:`check_info` of every rule, so the table cannot drift
from the rules it describes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from cwlint.rules.base import Rule

#: The generated file holding the table, relative to the repository root.
TABLE_FILE = "cwlint/plugins/checkov_table.py"


class CheckInfo(NamedTuple):
    """One rule as its checkov checks register: from :func:`check_info`."""

    #: the cwlint rule id (``CWL001``)
    rule_id: str
    #: the checkov check id (``CKV_CWL_001``)
    checkov_id: str
    #: the check name checkov prints (:func:`cwlint.plugins.checkov_support.check_name`)
    name: str
    #: the checkov severity name (``HIGH`` for an error rule)
    severity: str
    #: checkov category names, the main one first
    categories: tuple[str, ...]
    #: the rule group: the middle digit of its number (``"0"`` for CWL001-CWL009)
    group: str
    #: the CloudFormation resource types the check runs on (empty: every type)
    cloudformation: tuple[str, ...]
    #: the Terraform resource types the check runs on (empty: every type)
    terraform: tuple[str, ...]
    #: the rule's documentation page (checkov's ``guideline``)
    guideline: str


def check_info(rule: type[Rule]) -> CheckInfo:
    """What the checks of ``rule`` register with (imports the rule's helpers: for the
    generator and the tests, not for checkov)."""
    from cwlint.plugins.checkov_support import SEVERITY, categories, check_name

    return CheckInfo(
        rule_id=rule.id,
        checkov_id=rule.checkov_id(),
        name=check_name(rule),
        severity=SEVERITY[rule.severity],
        categories=categories(rule),
        group=rule.number()[1:2],
        cloudformation=tuple(rule.reports_on.cloudformation),
        terraform=tuple(rule.reports_on.terraform),
        guideline=rule.help_uri(),
    )


def render_table(rules: tuple[type[Rule], ...]) -> str:
    """The source of ``checkov_table.py`` for ``rules`` (every plugin rule, in id order)."""
    lines = [
        '"""The CKV_CWL checks as checkov registers them: generated from the rules by',
        "``make docs`` (scripts/gen_docs.py); do not edit. See",
        ':mod:`cwlint.plugins.checkov_catalog`."""',
        "",
        "ROWS = (",
    ]
    for info in (check_info(rule) for rule in rules):
        lines.append("    {")
        for field, value in zip(CheckInfo._fields, info, strict=True):
            lines.append(f"        {field!r}: {value!r},")
        lines.append("    },")
    lines.append(")")
    return "\n".join(lines) + "\n"


def _catalog() -> tuple[CheckInfo, ...]:
    from cwlint.plugins.checkov_table import ROWS

    return tuple(CheckInfo(**row) for row in ROWS)


#: Every CKV_CWL check's registration data, in rule id order (see the module docstring).
CATALOG: tuple[CheckInfo, ...] = _catalog()

#: :data:`CATALOG` by cwlint rule id.
BY_RULE_ID: dict[str, CheckInfo] = {info.rule_id: info for info in CATALOG}
