"""What the renderers of every language share: a rendered block, policy documents."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Any

VERSION = "2012-10-17"


@dataclass(frozen=True)
class Block:
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
