"""The rule registry: every rule class, in id order.

``ALL_RULES`` are the analysis rules (each also a cfn-lint rule and a checkov check);
``NOTICES`` are ids a front end reports about its own limits (CWL000), documented and
configurable like rules; ``DOCUMENTED`` is both, for listing, configuration and reports."""

from __future__ import annotations

from cwlint.rules.base import Rule
from cwlint.rules.cwl000_module_not_analysed import ModuleNotAnalysed
from cwlint.rules.cwl001_metrics_publish_denied import MetricsPublishDenied
from cwlint.rules.cwl002_metrics_namespace_mismatch import MetricsNamespaceMismatch
from cwlint.rules.cwl003_log_stream_arn_missing import LogStreamArnMissing
from cwlint.rules.cwl004_workload_logs_denied import WorkloadLogsDenied
from cwlint.rules.cwl005_agent_permissions_missing import AgentPermissionsMissing
from cwlint.rules.cwl006_agent_config_parameter_denied import AgentConfigParameterDenied
from cwlint.rules.cwl007_monitoring_explicitly_denied import MonitoringExplicitlyDenied
from cwlint.rules.cwl008_unknown_monitoring_action import UnknownMonitoringAction
from cwlint.rules.cwl010_isolated_subnet_no_endpoint import IsolatedSubnetNoEndpoint
from cwlint.rules.cwl011_endpoint_private_dns_disabled import EndpointPrivateDnsDisabled
from cwlint.rules.cwl012_endpoint_sg_no_https import EndpointSgNoHttps
from cwlint.rules.cwl013_workload_egress_blocked import WorkloadEgressBlocked
from cwlint.rules.cwl014_endpoint_policy_denies import EndpointPolicyDenies
from cwlint.rules.cwl020_log_group_kms_key_unusable import LogGroupKmsKeyUnusable
from cwlint.rules.cwl021_ecs_awslogs_denied import EcsAwslogsDenied
from cwlint.rules.cwl022_log_delivery_policy_missing import LogDeliveryPolicyMissing
from cwlint.rules.cwl023_firelens_logs_denied import FirelensLogsDenied
from cwlint.rules.cwl030_oam_sharing_incomplete import OamSharingIncomplete
from cwlint.rules.cwl040_alarm_silent_on_missing_data import AlarmSilentOnMissingData
from cwlint.rules.cwl041_reserved_namespace import ReservedNamespace
from cwlint.rules.cwl042_alarm_topic_unusable import AlarmTopicUnusable
from cwlint.rules.cwl043_alarm_metric_not_published import AlarmMetricNotPublished

ALL_RULES: tuple[type[Rule], ...] = (
    MetricsPublishDenied,
    MetricsNamespaceMismatch,
    LogStreamArnMissing,
    WorkloadLogsDenied,
    AgentPermissionsMissing,
    AgentConfigParameterDenied,
    MonitoringExplicitlyDenied,
    UnknownMonitoringAction,
    IsolatedSubnetNoEndpoint,
    EndpointPrivateDnsDisabled,
    EndpointSgNoHttps,
    WorkloadEgressBlocked,
    EndpointPolicyDenies,
    LogGroupKmsKeyUnusable,
    EcsAwslogsDenied,
    LogDeliveryPolicyMissing,
    FirelensLogsDenied,
    OamSharingIncomplete,
    AlarmSilentOnMissingData,
    ReservedNamespace,
    AlarmTopicUnusable,
    AlarmMetricNotPublished,
)

RULES_BY_ID: dict[str, type[Rule]] = {rule.id: rule for rule in ALL_RULES}

NOTICES: tuple[type[Rule], ...] = (ModuleNotAnalysed,)

DOCUMENTED: tuple[type[Rule], ...] = NOTICES + ALL_RULES

DOCUMENTED_BY_ID: dict[str, type[Rule]] = {rule.id: rule for rule in DOCUMENTED}



def _aliases(rule: type[Rule]) -> tuple[str, ...]:
    """CWL001; ECW001 and the ids cfn-lint prints for its findings of another severity
    (WCW001, ICW001); CKV_CWL_001. A notice has only its cwlint id."""
    if not rule.plugin:
        return (rule.id,)
    twins = tuple(f"{letter}CW{rule.number()}" for letter in "EWI")
    return (rule.id, rule.cfn_lint_id(), *twins, rule.checkov_id())


#: Every way to name a rule, upper case: CWL001, ECW001 (WCW001, ICW001) and CKV_CWL_001.
BY_ANY_ID: dict[str, type[Rule]] = {
    alias: rule for rule in DOCUMENTED for alias in _aliases(rule)
}


def rule_named(text: str) -> type[Rule] | None:
    """The rule a cwlint, cfn-lint or checkov id names (any case), or None."""
    return BY_ANY_ID.get(text.strip().upper())
