"""ECS container definitions, the same for every syntax.

CloudFormation spells a container definition's keys ``LogConfiguration`` / ``LogDriver``
/ ``Options``; Terraform's ``container_definitions`` JSON spells them as the ECS API does
(``logConfiguration`` / ``logDriver`` / ``options``). A front end says how it spells a key
and how it reads a value (:class:`ContainerSyntax`); what the definition means for
CloudWatch is read here: ``awslogs`` drivers, FireLens outputs to CloudWatch Logs
(:mod:`cwlint.frontend.firelens`) and environment variables naming a metrics namespace.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import msgspec

from cwlint.frontend.firelens import firelens_output
from cwlint.frontend.signals import metric_namespace_variables
from cwlint.model import LogDriver, MetricSignal, Workload
from cwlint.values import StrValue, Unknown


class ContainerSyntax(msgspec.Struct, frozen=True):
    """How one syntax writes container definitions."""

    spell: Callable[[str], str]  # an ECS API key ("logConfiguration") as written here
    resolve: Callable[[Any], Any]  # a written value as a plain value
    to_text: Callable[[Any], StrValue]  # a plain value as the model's string
    namespace: Callable[[str, Any], StrValue]  # a namespace variable's value
    line: Callable[[int], int | None]  # the line of container ``index``'s log settings


def read_containers(workload: Workload, containers: Any, syntax: ContainerSyntax,
                    region: str) -> None:
    """Every container definition of a task definition (a list, else nothing known); the
    task's log group is its first container's."""
    for index, container in enumerate(containers if isinstance(containers, list) else []):
        if isinstance(container, Mapping):
            read_container(workload, index, container, syntax, region)
    if workload.log_drivers:
        workload.log_group = workload.log_drivers[0].group


def read_container(workload: Workload, index: int, container: Mapping[str, Any],
                   syntax: ContainerSyntax, region: str) -> None:
    key = syntax.spell
    written = container.get(key("name"))
    name = syntax.to_text(syntax.resolve(written)) if written is not None else None
    name = name if isinstance(name, str) else f"container {index}"
    config = syntax.resolve(container.get(key("logConfiguration")))
    driver = config.get(key("logDriver")) if isinstance(config, Mapping) else None
    options = config.get(key("options")) if isinstance(config, Mapping) else None
    if driver == "awslogs":
        options = options if isinstance(options, Mapping) else {}
        create = options.get("awslogs-create-group", "false")
        create_group: bool | Unknown = (str(create).lower() == "true"
                                        if isinstance(create, (str, bool))
                                        else Unknown("awslogs-create-group"))
        group = options.get("awslogs-group")
        workload.log_drivers.append(LogDriver(
            name,
            syntax.to_text(group) if group is not None
            else Unknown("the container sets no awslogs-group"),
            syntax.to_text(options.get("awslogs-region", region)),
            create_group, syntax.line(index)))
    if driver == "awsfirelens" and isinstance(options, Mapping):
        output = firelens_output(name, options, region, syntax.to_text, syntax.line(index))
        if output is not None:
            workload.firelens_outputs.append(output)
    environment = syntax.resolve(container.get(key("environment")))
    if isinstance(environment, list):
        variables = {e.get(key("name")): e.get(key("value")) for e in environment
                     if isinstance(e, Mapping) and isinstance(e.get(key("name")), str)}
        for variable, value in metric_namespace_variables(variables):
            workload.signals.metrics.append(MetricSignal(
                syntax.namespace(variable, value),
                f"environment variable {variable} of container {name}"))
