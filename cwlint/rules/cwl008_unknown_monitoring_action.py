"""CWL008 unknown-monitoring-action."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from cwlint.findings import ERROR, Finding
from cwlint.iam import actions
from cwlint.model import Model, StandalonePolicy
from cwlint.rules.base import Rule
from cwlint.rules.workload_findings import describe_policy

CHECKED_SERVICES = ("cloudwatch", "logs")


class UnknownMonitoringAction(Rule):
    """A policy names a `cloudwatch:` or `logs:` action that does not exist.

    IAM accepts any action string, so a typo such as `cloudwatch:PutMetricsData` or
    `logs:PutLogEvent` deploys fine and grants nothing. Patterns with `*` or `?` are
    checked too: `logs:PutLogEvent?` matches no real action. The message suggests the
    closest real action.

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

    Inside cfn-lint, cfn-lint's own W3037 reports an action its action list does not know;
    where it reports every unknown action of a finding, this rule's ECW008 stays silent so
    that the typo is reported once (W3037 does not suggest the closest action, and skips
    SAM templates, where ECW008 reports).
    """

    id = "CWL008"
    name = "unknown-monitoring-action"
    title = "Policy names a cloudwatch:/logs: action that does not exist"
    severity = ERROR

    def subjects(self, model: Model) -> Iterable[str]:
        """The resources whose policies name a cloudwatch: or logs: action."""
        return [s.location.resource for s in model.policies
                if next(_monitoring_actions(s), None) is not None]

    def check(self, model: Model) -> Iterable[Finding]:
        for standalone in model.policies:
            typos: dict[str, str | None] = {}
            for action in _monitoring_actions(standalone):
                if actions.action_exists(action) is False:
                    typos[action] = actions.suggest(action)
            if not typos:
                continue
            described = "; ".join(
                f"{typo} (did you mean {hint}?)" if hint else typo
                for typo, hint in sorted(typos.items())
            )
            fixes = [f"{typo} -> {hint}" for typo, hint in sorted(typos.items()) if hint]
            yield Finding.at(
                standalone.location, self.id, self.severity,
                f"{describe_policy(standalone)} names actions that do not exist and grant "
                f"nothing: "
                f"{described}",
                fix=("Replace " + ", ".join(fixes)) if fixes else None,
            )


def _monitoring_actions(standalone: StandalonePolicy) -> Iterator[str]:
    """The ``cloudwatch:`` and ``logs:`` actions the policy names, as written."""
    for statement in standalone.policy.statements:
        for action in statement.raw_actions:
            if isinstance(action, str) and ":" in action \
                    and action.split(":", 1)[0].lower() in CHECKED_SERVICES:
                yield action
