"""FireLens outputs to CloudWatch Logs, read the same way by every front end.

An ECS container with the ``awsfirelens`` log driver hands its ``options`` to the task's
Fluent Bit log router as one output section: ``Name`` picks the plugin (``cloudwatch``,
the Go plugin, or ``cloudwatch_logs``, the C plugin; both write to CloudWatch Logs with
the task role), ``log_group_name``, ``region`` and ``auto_create_group`` (Fluent Bit's
booleans: ``true``/``on``/``yes``). A group name holding a ``$(...)`` template is chosen
per record: unknown."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from cwlint.model import LogDriver
from cwlint.values import StrValue, Unknown

CLOUDWATCH_PLUGINS = ("cloudwatch", "cloudwatch_logs")


def firelens_output(container: str, options: Mapping[str, Any], region: str,
                    as_string: Callable[[Any], StrValue], line: int | None
                    ) -> LogDriver | None:
    """The CloudWatch Logs output of one container's awsfirelens options, else None."""
    by_key = {str(k).lower(): v for k, v in options.items()}
    plugin = by_key.get("name")
    if not isinstance(plugin, str) or plugin.lower() not in CLOUDWATCH_PLUGINS:
        return None
    raw_group = by_key.get("log_group_name")
    group: StrValue = (as_string(raw_group) if raw_group is not None
                       else Unknown("the FireLens output sets no log_group_name"))
    if isinstance(group, str) and "$(" in group:
        group = Unknown(f"log_group_name {group} is chosen per log record")
    create = by_key.get("auto_create_group", "false")
    create_group: bool | Unknown = (str(create).lower() in ("true", "on", "yes")
                                    if isinstance(create, (str, bool))
                                    else Unknown("auto_create_group"))
    return LogDriver(container, group, as_string(by_key.get("region", region)),
                     create_group, line)
