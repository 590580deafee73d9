"""What a CloudWatch agent configuration makes the agent call, read from its JSON.

Framework-neutral: front ends hand over the texts and mappings they found (an SSM
parameter's value, a file that user data or ``AWS::CloudFormation::Init`` writes), and
:func:`agent_needs` says what the agent will call with that configuration. The calls come
from the agent's own source (aws/amazon-cloudwatch-agent):

* ``plugins/outputs/cloudwatchlogs/internal/pusher/target.go``: for each log group it
  calls ``CreateLogStream``; ``CreateLogGroup`` only when that fails because the group
  does not exist; ``DescribeLogGroups`` and ``PutRetentionPolicy`` only for a target whose
  ``Retention`` (``retention_in_days``) is above 0;
* ``translator/translate/otel/processor/ec2taggerprocessor/translator.go`` and
  ``plugins/processors/ec2tagger``: ``ec2:DescribeTags`` only when
  ``metrics.append_dimensions`` asks for ``AutoScalingGroupName`` (``ImageId``,
  ``InstanceId`` and ``InstanceType`` come from instance metadata), ``ec2:DescribeVolumes``
  only when ``metrics.metrics_collected.disk.append_dimensions`` asks for ``VolumeId``.
  ``aggregation_dimensions`` only rolls up dimensions already there and calls nothing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

import msgspec

from cwlint.values import Partial, StrValue, Unknown, concat

DEFAULT_NAMESPACE = "CWAgent"
_ASG_DIMENSION = "${aws:AutoScalingGroupName}"
_VOLUME_DIMENSION = "${aws:VolumeId}"
#: Placeholders the agent fills in a log group name at run time.
_PLACEHOLDER = re.compile(r"\{(instance_id|hostname|local_hostname|ip_address|[a-z_]+)\}")
_SECTIONS = ("metrics", "logs", "agent", "traces")
_MARK = "@@cwlint-unknown-{}@@"
_MARKER = re.compile(r"@@cwlint-unknown-(\d+)@@")


class LogTarget(msgspec.Struct, frozen=True):
    group: StrValue
    retention: bool  # retention_in_days > 0: DescribeLogGroups and PutRetentionPolicy


class AgentNeeds(msgspec.Struct):
    """What one configuration makes the agent call."""

    metrics_namespace: StrValue | None = None  # None: the configuration has no metrics
    log_targets: list[LogTarget] = msgspec.field(default_factory=list)
    describe_tags: bool = False
    describe_volumes: bool = False


def is_agent_config(value: Any) -> bool:
    """A mapping shaped like an agent configuration (``metrics`` with
    ``metrics_collected``, or ``logs`` with ``logs_collected``)."""
    if not isinstance(value, Mapping) or not any(k in value for k in _SECTIONS):
        return False
    metrics, logs = value.get("metrics"), value.get("logs")
    return (isinstance(metrics, Mapping) and "metrics_collected" in metrics) or (
        isinstance(logs, Mapping) and ("logs_collected" in logs or "metrics_collected" in logs))


def config_in_texts(texts: Iterable[StrValue]) -> dict[str, Any] | None:
    """The first agent configuration written out as JSON in one of ``texts`` (a heredoc of
    user data, a parameter value, a cfn-init file's content). A text may be partly
    unknown (``Fn::Sub`` or Terraform interpolation of a value known only at deploy): the
    strings of the configuration that hold an unknown piece stay partly unknown."""
    decoder = json.JSONDecoder()
    for value in texts:
        text, unknowns = _render(value)
        if '"metrics_collected"' not in text and '"logs_collected"' not in text:
            continue
        start = text.find("{")
        while start != -1:
            try:
                found, _end = decoder.raw_decode(text, start)
            except json.JSONDecodeError:
                found = None
            if is_agent_config(found):
                return dict(_restore(found, unknowns))
            start = text.find("{", start + 1)
    return None


def config_value(value: Any) -> dict[str, Any] | None:
    """An agent configuration given as a mapping or as (partly known) JSON text."""
    if isinstance(value, Mapping):
        return dict(value) if is_agent_config(value) else None
    if isinstance(value, (str, Partial)):
        return config_in_texts([value])
    return None


def _render(value: StrValue) -> tuple[str, list[Unknown]]:
    """``value`` as text, each unknown piece replaced by a marker :func:`_restore` undoes."""
    if isinstance(value, str):
        return value, []
    parts = value.parts if isinstance(value, Partial) else (value,)
    unknowns: list[Unknown] = []
    pieces = []
    for part in parts:
        if isinstance(part, Unknown):
            pieces.append(_MARK.format(len(unknowns)))
            unknowns.append(part)
        else:
            pieces.append(part)
    return "".join(pieces), unknowns


def _restore(value: Any, unknowns: list[Unknown]) -> Any:
    if isinstance(value, str) and unknowns and "@@cwlint-unknown-" in value:
        pieces: list[StrValue] = []
        position = 0
        for found in _MARKER.finditer(value):
            pieces += [value[position:found.start()], unknowns[int(found.group(1))]]
            position = found.end()
        pieces.append(value[position:])
        return concat(pieces)
    if isinstance(value, dict):
        return {k: _restore(v, unknowns) for k, v in value.items()}
    if isinstance(value, list):
        return [_restore(v, unknowns) for v in value]
    return value


def agent_needs(config: Mapping[str, Any]) -> AgentNeeds:
    needs = AgentNeeds()
    metrics = config.get("metrics")
    if isinstance(metrics, Mapping):
        namespace = metrics.get("namespace", DEFAULT_NAMESPACE)
        needs.metrics_namespace = namespace if isinstance(namespace, str) else Unknown(
            "the namespace of the agent configuration")
        dimensions = metrics.get("append_dimensions")
        if isinstance(dimensions, Mapping) and dimensions.get(
                "AutoScalingGroupName") == _ASG_DIMENSION:
            needs.describe_tags = True
        collected = metrics.get("metrics_collected")
        disk = collected.get("disk") if isinstance(collected, Mapping) else None
        disk_dimensions = disk.get("append_dimensions") if isinstance(disk, Mapping) else None
        if isinstance(disk_dimensions, Mapping) and disk_dimensions.get(
                "VolumeId") == _VOLUME_DIMENSION:
            needs.describe_volumes = True
    logs = config.get("logs")
    if isinstance(logs, Mapping):
        collected = logs.get("logs_collected")
        for kind in ("files", "windows_events"):
            section = collected.get(kind) if isinstance(collected, Mapping) else None
            entries = section.get("collect_list") if isinstance(section, Mapping) else None
            for entry in entries if isinstance(entries, list) else []:
                if isinstance(entry, Mapping):
                    needs.log_targets.append(LogTarget(
                        _group_name(entry.get("log_group_name"), kind),
                        _retention(entry.get("retention_in_days"))))
        emf = logs.get("metrics_collected")
        if isinstance(emf, Mapping) and emf:
            needs.log_targets.append(LogTarget(
                Unknown("the log groups its embedded metric format or Prometheus "
                        "configuration names"), False))
    return needs


def _group_name(value: Any, kind: str) -> StrValue:
    if isinstance(value, Unknown):
        return value
    if not isinstance(value, (str, Partial)) or value == "":
        return Unknown("the log group of a collect_list entry with no log_group_name"
                       if kind == "files" else "a log group the configuration does not name")
    pieces: list[StrValue] = []
    for part in value.parts if isinstance(value, Partial) else (value,):
        if isinstance(part, Unknown):
            pieces.append(part)
            continue
        position = 0
        for found in _PLACEHOLDER.finditer(part):
            pieces.append(part[position:found.start()])
            pieces.append(Unknown(f"the agent's {{{found.group(1)}}} placeholder"))
            position = found.end()
        pieces.append(part[position:])
    return concat(pieces)


def _retention(value: Any) -> bool:
    try:
        return int(value) > 0
    except (TypeError, ValueError):
        return False
