"""The rule registry: every rule class, in id order."""

from __future__ import annotations

from cwlint.rules.base import Rule
from cwlint.rules.cwl001_metrics_publish_denied import MetricsPublishDenied
from cwlint.rules.cwl002_metrics_namespace_mismatch import MetricsNamespaceMismatch
from cwlint.rules.cwl003_log_stream_arn_missing import LogStreamArnMissing
from cwlint.rules.cwl004_workload_logs_denied import WorkloadLogsDenied
from cwlint.rules.cwl005_agent_permissions_missing import AgentPermissionsMissing
from cwlint.rules.cwl006_agent_config_parameter_denied import AgentConfigParameterDenied
from cwlint.rules.cwl007_monitoring_explicitly_denied import MonitoringExplicitlyDenied
from cwlint.rules.cwl008_unknown_monitoring_action import UnknownMonitoringAction

ALL_RULES: tuple[type[Rule], ...] = (
    MetricsPublishDenied,
    MetricsNamespaceMismatch,
    LogStreamArnMissing,
    WorkloadLogsDenied,
    AgentPermissionsMissing,
    AgentConfigParameterDenied,
    MonitoringExplicitlyDenied,
    UnknownMonitoringAction,
)

RULES_BY_ID: dict[str, type[Rule]] = {rule.id: rule for rule in ALL_RULES}
