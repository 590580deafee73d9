"""Recognizing what a workload sends to CloudWatch, from text any front end can give.

These are the framework-neutral halves of the signals of what a workload sends to
CloudWatch (the README's "Rules" section lists them): environment variable
names, inline code, and the shell that installs and starts the CloudWatch agent. Front
ends feed them the values they read; nothing here knows CloudFormation or Terraform.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from cwlint.values import Partial, StrValue, Unknown, concat

#: Embedded metric format goes through logs, not PutMetricData.
EMF_VARIABLES = frozenset({"POWERTOOLS_METRICS_NAMESPACE", "AWS_EMF_NAMESPACE"})

_PUT_METRIC_DATA = re.compile(r"put_metric_data|putMetricData|PutMetricDataCommand|PutMetricData\(")
_LOGS_API = re.compile(r"put_log_events|putLogEvents|PutLogEventsCommand|PutLogEvents\(")
_CODE_NAMESPACE = re.compile(r"""Namespace\s*[=:]\s*['"]([^'"\s]+)['"]""")
_AGENT = re.compile(r"amazon-cloudwatch-agent|AmazonCloudWatchAgent")
_AGENT_SSM_CONFIG = re.compile(r"-c\s+['\"]?ssm:([A-Za-z0-9_.\-/]*)")
_PARAMETER_NAME = re.compile(r"[A-Za-z0-9_.\-/]*")
_AGENT_LOG_GROUP = re.compile(r'"log_group_name"\s*:\s*"([^"]+)"')
#: The legacy CloudWatch Logs agent: its installer, its package, its service, its file.
_LOGS_AGENT = re.compile(
    r"awslogs-agent-setup\.py"
    r"|\b(?:yum|dnf|apt-get|apt|zypper)\s+(?:-\S+\s+)*install\b[^\n;&|]*\bawslogs\b"
    r"|\bsystemctl\s+(?:-\S+\s+)*(?:start|enable|restart)\s+[^\n;&|]*\bawslogsd\b"
    r"|\bservice\s+awslogsd?\s+(?:start|restart)\b|\bchkconfig\s+awslogsd?\s+on\b"
    r"|/etc/awslogs/awslogs\.conf")
_LOGS_AGENT_GROUP = re.compile(r"^\s*log_group_name\s*=\s*(\S+)\s*$", re.MULTILINE)


def metric_namespace_variables(variables: Mapping[str, Any]) -> list[tuple[str, Any]]:
    """Environment variables that name a metrics namespace for PutMetricData.

    The name contains METRIC, CLOUDWATCH or CW and ends with NAMESPACE; the embedded
    metric format variables are excluded (see :func:`emf_namespace_variables`).
    """
    found = []
    for name, value in variables.items():
        upper = str(name).upper()
        if upper in EMF_VARIABLES or not upper.endswith("NAMESPACE"):
            continue
        if any(word in upper for word in ("METRIC", "CLOUDWATCH", "CW")):
            found.append((str(name), value))
    return found


def emf_namespace_variables(variables: Mapping[str, Any]) -> list[tuple[str, Any]]:
    return [(str(n), v) for n, v in variables.items() if str(n).upper() in EMF_VARIABLES]


def calls_put_metric_data(code: str) -> bool:
    return _PUT_METRIC_DATA.search(code) is not None


def calls_logs_api(code: str) -> bool:
    return _LOGS_API.search(code) is not None


def namespaces_in_code(code: str) -> list[str]:
    """Literal namespaces next to a PutMetricData call (``Namespace='Orders'``)."""
    return list(dict.fromkeys(_CODE_NAMESPACE.findall(code)))


def runs_cloudwatch_agent(texts: Iterable[str]) -> bool:
    return any(_AGENT.search(text) for text in texts)


def agent_ssm_parameter(texts: Iterable[StrValue]) -> StrValue | None:
    """The Parameter Store name the agent fetches its configuration from (``-c ssm:NAME``).

    A text may be a :class:`~cwlint.values.Partial` (user data built with ``Sub`` from a
    value not known statically): a name made of such a value stays partly unknown, as in
    ``-c ssm:${ConfigParameter}``.
    """
    for text in texts:
        parts = text.parts if isinstance(text, Partial) else (text,)
        for index, part in enumerate(parts):
            if isinstance(part, Unknown):
                continue
            found = _AGENT_SSM_CONFIG.search(part)
            if found is None:
                continue
            pieces: list[StrValue] = [found.group(1)]
            if found.end() == len(part):  # the name goes on in the next pieces
                for following in parts[index + 1:]:
                    if isinstance(following, Unknown):
                        pieces.append(following)
                        continue
                    tail = _PARAMETER_NAME.match(following)
                    pieces.append(tail.group(0) if tail else "")
                    if tail is None or tail.end() < len(following):
                        break
            name = concat(pieces)
            if name != "":
                return name
    return None


def agent_log_groups(texts: Iterable[str]) -> list[str]:
    """``log_group_name`` values of an agent configuration written out inline."""
    groups: dict[str, None] = {}
    for text in texts:
        for name in _AGENT_LOG_GROUP.findall(text):
            if "{" not in name:  # placeholders such as {instance_id} stay unknown
                groups.setdefault(name)
    return list(groups)


def runs_logs_agent(texts: Iterable[str]) -> bool:
    """User data or cfn-init text that installs or starts the legacy CloudWatch Logs agent
    (``awslogs``). The word alone is not enough: ECS instances list ``awslogs`` among their
    logging drivers."""
    return any(_LOGS_AGENT.search(text) for text in texts)


def logs_agent_groups(texts: Iterable[str]) -> list[StrValue]:
    """``log_group_name = NAME`` settings of an awslogs configuration written out inline;
    the agent's ``{instance_id}``-style placeholders stay unknown."""
    groups: dict[StrValue, None] = {}
    for text in texts:
        for name in _LOGS_AGENT_GROUP.findall(text):
            pieces: list[StrValue] = []
            position = 0
            for found in re.finditer(r"\{([a-z_]+)\}", name):
                pieces += [name[position:found.start()],
                           Unknown(f"the awslogs {{{found.group(1)}}} placeholder")]
                position = found.end()
            pieces.append(name[position:])
            groups.setdefault(concat(pieces))
    return list(groups)
