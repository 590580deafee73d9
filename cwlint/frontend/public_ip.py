"""Whether a workload's network interface gets a public IP, the same for every syntax.

An EC2 instance gets one from an Elastic IP of the input, else from its (primary
interface's) ``AssociatePublicIpAddress`` when that is set, else from its subnet's
``MapPublicIpOnLaunch`` (the rules decide that part: :mod:`cwlint.network`). An ``awsvpc``
ECS task gets one only when its service enables ``AssignPublicIp`` (default off).
"""

from __future__ import annotations

from typing import Any

from cwlint.values import Unknown


def boolean(value: Any, what: str) -> bool | Unknown:
    """A boolean setting as written (``true``, ``"False"``...); Unknown when it is not
    known statically."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return Unknown(f"{what} is not known statically")


def instance_public_ip(elastic_ip: bool, associate: bool | Unknown | None
                       ) -> bool | Unknown | None:
    """An instance's public IP: True with an Elastic IP, else what
    ``associate_public_ip_address`` says when set, else None (its subnet decides)."""
    if elastic_ip:
        return True
    return associate
