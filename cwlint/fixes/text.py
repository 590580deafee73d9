"""What the renderers of every language share: a rendered block, policy documents."""

from __future__ import annotations

import ipaddress
from typing import Any

import msgspec

VERSION = "2012-10-17"


class Block(msgspec.Struct, frozen=True):
    """One change as text: a sentence, then the code to write (indented under it)."""

    heading: str
    code: str = ""

    def text(self) -> str:
        if not self.code:
            return self.heading
        return self.heading + "\n" + "\n".join(
            "  " + line if line else line for line in self.code.splitlines())


def document(statements: list[dict[str, Any]]) -> dict[str, Any]:
    """A policy document holding ``statements``."""
    return {"Version": VERSION, "Statement": statements}


def cidr(value: str) -> bool:
    """Is ``value`` an IPv4 or IPv6 CIDR block (rather than a security group)?"""
    try:
        ipaddress.ip_network(value, strict=False)
    except ValueError:
        return False
    return "/" in value


def ipv6(value: str) -> bool:
    return ":" in value


def service_short_name(service: str) -> str:
    """``monitoring`` of ``com.amazonaws.us-east-1.monitoring``."""
    return service.rsplit(".", 1)[-1]


#: How a policy is named after the services its statements grant.
_PURPOSES = {"cloudwatch": "metrics", "logs": "logs", "ssm": "ssm", "ec2": "ec2",
             "kms": "kms", "sns": "sns", "oam": "oam"}


def purpose(statements: list[dict[str, Any]]) -> list[str]:
    """Words naming a policy after what it grants (``["metrics"]``, ``["logs"]``), so
    two fixes for one role create policies with different names."""
    found: list[str] = []
    for statement in statements:
        actions = statement.get("Action", [])
        for action in [actions] if isinstance(actions, str) else actions:
            word = _PURPOSES.get(str(action).split(":")[0].lower(), "monitoring")
            if word not in found:
                found.append(word)
    return found or ["monitoring"]
