"""``cwlint rules`` and ``cwlint explain CWLnnn``: the rule catalogue and each rule's page."""

from __future__ import annotations

import argparse
from typing import Any

from cwlint.errors import UsageError

# The rules and their fixes are imported when a command runs: building the command line
# (every cwlint command does) loads none of them.


def add_parsers(subparsers: Any) -> None:
    rules = subparsers.add_parser("rules", help="list the rules")
    rules.set_defaults(handler=run_rules)
    explain = subparsers.add_parser("explain", help="show a rule's documentation")
    explain.add_argument("rule_id", metavar="CWLnnn")
    explain.set_defaults(handler=run_explain)


def run_rules(_args: argparse.Namespace) -> int:
    from cwlint.rules import DOCUMENTED

    header = ("id", "cfn-lint", "checkov", "severity", "title")
    rows = [header] + [(r.id, *_plugin_ids(r), r.severity, r.title) for r in DOCUMENTED]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header) - 1)]
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        print("  ".join([*cells, row[-1]]))
    return 0


def run_explain(args: argparse.Namespace) -> int:
    rule = lookup(args.rule_id)
    cfn_lint_id, checkov_id = _plugin_ids(rule)
    print(f"{rule.id} {rule.name} ({rule.severity}; cfn-lint {cfn_lint_id}, "
          f"checkov {checkov_id})")
    print(rule.title)
    print()
    print(rule.documentation())
    print()
    for line in fix_examples(rule.id):
        print(line)
    print(f"Page: {rule.help_uri()}")
    return 0


def fix_examples(rule_id: str) -> list[str]:
    """The rule's example fix as a finding shows it, for CloudFormation and for
    Terraform (one fix as data, rendered in each language); empty when it has none."""
    from cwlint.fixes.examples import example_fix
    from cwlint.fixes.render import render

    lines = []
    for syntax, title in (("cloudformation", "CloudFormation"), ("terraform", "Terraform")):
        fix = example_fix(rule_id, syntax)
        if fix is None:
            return []
        applied = " (cwlint scan --fix applies it)" if fix.safe else ""
        lines += [f"The fix a finding shows, in {title}{applied}:", "",
                  *("    " + line if line else "" for line in
                    render(fix, syntax).splitlines()), ""]
    return lines


def _plugin_ids(rule: Any) -> tuple[str, str]:
    """The cfn-lint and checkov ids of a rule ("-" for a notice, which has none)."""
    return (rule.cfn_lint_id(), rule.checkov_id()) if rule.plugin else ("-", "-")


def lookup(text: str) -> Any:
    """A rule by cwlint, cfn-lint or checkov id (CWL001, ECW001, CKV_CWL_001)."""
    from cwlint.rules import DOCUMENTED_BY_ID, rule_named

    rule = rule_named(text)
    if rule is not None:
        return rule
    known = ", ".join(DOCUMENTED_BY_ID)
    raise UsageError(f"no rule {text!r}; known rules: {known}")
