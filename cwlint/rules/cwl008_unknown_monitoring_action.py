"""CWL008 unknown-monitoring-action."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from msgspec.structs import replace

from cwlint.findings import ERROR, INFO, Finding
from cwlint.fixes import SAFE, SUGGESTION, Fix, ReplaceLiteral
from cwlint.iam import actions
from cwlint.iam.policy import Statement
from cwlint.model import Model, StandalonePolicy
from cwlint.rules.base import Rule
from cwlint.rules.resource_types import POLICY_BEARING
from cwlint.rules.workload_findings import describe_policy

CHECKED_SERVICES = ("cloudwatch", "logs")


class UnknownMonitoringAction(Rule):
    """A policy names a `cloudwatch:` or `logs:` action that does not exist.

    IAM accepts any action string, so a typo such as `cloudwatch:PutMetricsData` or
    `logs:PutLogEvent` deploys fine and grants nothing. The message suggests the closest
    real action. A pattern with `*` or `?` that matches no action cwlint knows
    (`logs:PutLogsEvent*`) is reported as info only: it may be meant for actions AWS adds
    later, and it grants nothing today.

    **Why monitoring goes silent.** The permission the author meant to grant is simply
    not there, and the workload's calls are denied.

    **Failing example (CloudFormation).**
    ```yaml
    - Effect: Allow
      Action: [cloudwatch:PutMetricsData]
      Resource: "*"
    ```

    **Fix (CloudFormation).** Spell the action as the Service Authorization Reference does:
    ```yaml
    Action: [cloudwatch:PutMetricData]
    ```

    **Fix (Terraform).** The same spelling in the policy document's `actions`:
    ```hcl
    actions = ["cloudwatch:PutMetricData"]
    ```

    **Fixable.** `cwlint scan --fix` replaces each misspelled action written literally in
    an Allow statement's `Action` by the closest real action.

    Inside cfn-lint, cfn-lint's own W3037 reports an action its action list does not know;
    where it reports every unknown action of a finding, this rule's ECW008 stays silent so
    that the typo is reported once (W3037 does not suggest the closest action, and skips
    SAM templates, where ECW008 reports).
    """

    id = "CWL008"
    name = "unknown-monitoring-action"
    title = "Policy names a cloudwatch:/logs: action that does not exist"
    severity = ERROR
    ensures = "Ensure every cloudwatch: and logs: action a policy names exists"
    reports_on = POLICY_BEARING
    said_by_cfn_lint = "W3037"
    fixable = True

    def subjects(self, model: Model) -> Iterable[str]:
        """The resources whose policies name a cloudwatch: or logs: action."""
        return [s.location.resource for s in model.policies
                if next(_monitoring_actions(s), None) is not None]

    def check(self, model: Model) -> Iterable[Finding]:
        for standalone in model.policies:
            typos: dict[str, str | None] = {}
            patterns: dict[str, str | None] = {}
            for statement in standalone.policy.statements:
                for action, hint in unknown_actions(statement).items():
                    (patterns if _is_pattern(action) else typos)[action] = hint
            if patterns:
                yield Finding.at(
                    standalone.location, self.id, INFO,
                    f"{describe_policy(standalone)} names patterns that match no "
                    f"cloudwatch:/logs: action cwlint knows (they grant nothing today): "
                    + _described(patterns))
            if not typos:
                continue
            described = _described(typos)
            fixes = [f"{typo} -> {hint}" for typo, hint in sorted(typos.items()) if hint]
            finding = Finding.at(
                standalone.location, self.id, self.severity,
                f"{describe_policy(standalone)} names actions that do not exist and grant "
                f"nothing: "
                f"{described}",
                fix=("Replace " + ", ".join(fixes)) if fixes else None,
            )
            if fixes:
                finding = replace(finding, fix_data=_fix(model, standalone, typos))
            yield finding


def _fix(model: Model, standalone: StandalonePolicy, typos: dict[str, str | None]) -> Fix:
    """Each typo replaced by the action it is closest to. Safe when every typo has a
    suggestion and every statement of the resource naming one is an Allow with ``Action``
    (fixing a typo in a Deny or a ``NotAction`` would change what is denied)."""
    changes = tuple(ReplaceLiteral(standalone.location.resource, typo, hint)
                    for typo, hint in sorted(typos.items()) if hint)
    if len(changes) != len(typos):
        return Fix(changes, SUGGESTION)
    for other in model.policies:
        if other.location.resource != standalone.location.resource:
            continue
        for statement in other.policy.statements:
            if any(a in typos for a in statement.raw_actions) and (
                    statement.effect != "Allow" or statement.actions is None):
                return Fix(changes, SUGGESTION)
    return Fix(changes, SAFE)


def _is_pattern(action: str) -> bool:
    return "*" in action or "?" in action


def _described(names: dict[str, str | None]) -> str:
    return "; ".join(f"{name} (did you mean {hint}?)" if hint else name
                     for name, hint in sorted(names.items()))


def unknown_actions(statement: Statement) -> dict[str, str | None]:
    """The ``cloudwatch:`` and ``logs:`` actions (and patterns) ``statement`` names that do
    not exist, as written, each with the closest real action (None when none is close)."""
    return {action: actions.suggest(action) for action in _statement_actions(statement)
            if actions.action_exists(action) is False}


def _monitoring_actions(standalone: StandalonePolicy) -> Iterator[str]:
    """The ``cloudwatch:`` and ``logs:`` actions the policy names, as written."""
    for statement in standalone.policy.statements:
        yield from _statement_actions(statement)


def _statement_actions(statement: Statement) -> Iterator[str]:
    for action in statement.raw_actions:
        if isinstance(action, str) and ":" in action \
                and action.split(":", 1)[0].lower() in CHECKED_SERVICES:
            yield action
