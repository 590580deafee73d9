"""The rule ids a diagnosis points at, with their names (fixed: docs/rules/README.md).

Some of these rules are implemented by other parts of cwlint at different times; the
names are the contract, so a diagnosis can cite a rule before ``cwlint explain`` knows it.
:func:`rule_title` adds the registered title when the rule exists.
"""

from __future__ import annotations

RULE_NAMES: dict[str, str] = {
    "CWL001": "metrics-publish-denied",
    "CWL002": "metrics-namespace-mismatch",
    "CWL003": "log-stream-arn-missing",
    "CWL004": "workload-logs-denied",
    "CWL005": "agent-permissions-missing",
    "CWL006": "agent-config-parameter-denied",
    "CWL007": "monitoring-explicitly-denied",
    "CWL008": "unknown-monitoring-action",
    "CWL010": "isolated-subnet-no-endpoint",
    "CWL011": "endpoint-private-dns-disabled",
    "CWL012": "endpoint-sg-no-https",
    "CWL013": "workload-egress-blocked",
    "CWL014": "endpoint-policy-denies",
    "CWL020": "log-group-kms-key-unusable",
    "CWL021": "ecs-awslogs-denied",
    "CWL022": "log-delivery-policy-missing",
    "CWL023": "firelens-logs-denied",
    "CWL041": "reserved-namespace",
    "CWL042": "alarm-topic-unusable",
}
# Rules a diagnosis may cite that other parts of cwlint are still building: not yet in the
# rule registry, so ``cwlint explain`` does not know them yet. A test checks that every
# other id above is registered under the same name; remove an id from here once its rule
# is registered.
NOT_YET_REGISTERED: frozenset[str] = frozenset()


def rule_name(rule_id: str | None) -> str | None:
    """The rule's name for a rule id, else None."""
    return RULE_NAMES.get(rule_id) if rule_id else None


def rule_title(rule_id: str | None) -> str | None:
    """The title of a registered rule (``cwlint explain`` knows it), else None."""
    if not rule_id:
        return None
    from cwlint.rules import RULES_BY_ID

    rule = RULES_BY_ID.get(rule_id)
    return rule.title if rule is not None else None
