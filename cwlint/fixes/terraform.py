"""A fix written as Terraform (HCL): for a configuration, and for a plan (whose user
edits the configuration that produced it).

New resources are complete blocks (``resource "aws_iam_role_policy" ... { policy =
jsonencode({...}) }``, ``resource "aws_vpc_security_group_ingress_rule" ...``); a change
of an existing resource is the block with just the arguments that change. A resource of
a child module is written as that module refers to it, with a comment naming the module.
"""

from __future__ import annotations

import json
import re
from typing import Any

from cwlint.fixes import (
    AddStatements,
    AddToList,
    AllowHttpsEgress,
    AllowHttpsIngress,
    AttachRole,
    CreateEndpoint,
    CreateLogResourcePolicy,
    GrantStatements,
    SetValue,
    spelled,
)
from cwlint.fixes.names import (
    short_name,
    snake,
    terraform_address,
    terraform_module,
    terraform_reference,
)
from cwlint.fixes.text import Block, cidr, document, ipv6, purpose, service_short_name

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")


class Expression(str):
    """HCL written as is (a reference such as ``aws_iam_role.app.name``)."""


def value(item: Any, indent: int = 0) -> str:
    """An HCL expression for a JSON-like value (``${`` escaped as ``$${``)."""
    pad = "  " * indent
    if isinstance(item, Expression):
        return str(item)
    if isinstance(item, dict):
        if not item:
            return "{}"
        width = max(len(_key(k)) for k in item)
        lines = [f"{pad}  {_key(k).ljust(width)} = {value(v, indent + 1)}"
                 for k, v in item.items()]
        return "{\n" + "\n".join(lines) + f"\n{pad}}}"
    if isinstance(item, (list, tuple)):
        if all(not isinstance(v, (dict, list, tuple)) for v in item):
            return "[" + ", ".join(value(v) for v in item) + "]"
        lines = [f"{pad}  {value(v, indent + 1)}," for v in item]
        return "[\n" + "\n".join(lines) + f"\n{pad}]"
    if isinstance(item, bool):
        return "true" if item else "false"
    if isinstance(item, (int, float)):
        return json.dumps(item)
    return json.dumps(str(item)).replace("${", "$${").replace("%{", "%%{")


def _key(key: str) -> str:
    return key if _IDENTIFIER.fullmatch(key) else value(key)


def block(header: str, arguments: dict[str, Any]) -> str:
    """``header { argument = value ... }``: a dotted argument (``a.b``) becomes a nested
    block ``a { b = ... }``."""
    nested: dict[str, dict[str, Any]] = {}
    flat: dict[str, Any] = {}
    for name, item in arguments.items():
        if "." in name:
            outer, inner = name.split(".", 1)
            nested.setdefault(outer, {})[inner] = item
        else:
            flat[name] = item
    width = max((len(n) for n in flat), default=0)
    lines = [f"{header} {{"]
    lines += [f"  {name.ljust(width)} = {value(item, 1)}" for name, item in flat.items()]
    for outer, inner in nested.items():
        lines += ["  " + line for line in block(outer, inner).splitlines()]
    lines.append("}")
    return "\n".join(lines)


def reference(item: str, attribute: str) -> Any:
    """``item`` (an address, a reference to an attribute, or a literal) as a value."""
    found = terraform_reference(item, attribute)
    return Expression(found) if found is not None else item


class Terraform:
    """Renders each kind of change as HCL (for a plan too: its user edits the
    configuration that produced it)."""

    def field(self, name: str) -> str:
        return spelled(name, "terraform")

    def _where(self, *resources: str) -> str:
        """A comment naming the module the snippet goes into ("" for the root module)."""
        modules = sorted({terraform_module(r) for r in resources} - {""})
        return f"# in {', '.join(modules)}\n" if modules else ""

    def _existing(self, resource: str, arguments: dict[str, Any]) -> str:
        """The block of an existing resource with only ``arguments``."""
        address = terraform_address(resource)
        if address is None:
            return block(f"# {resource}", arguments)
        header = f'resource "{address.type}" "{address.name}"'
        if address.type.startswith("data."):
            header = f'data "{address.type[5:]}" "{address.name}"'
        return block(header, arguments)

    def set_value(self, change: SetValue) -> Block:
        name = self.field(change.field)
        if "." not in name:
            return Block(f"Set {name} = {value(change.value)} in {change.resource}")
        return Block(f"Set {name} in {change.resource}:", self._where(change.resource)
                     + self._existing(change.resource, {name: change.value}))

    def _role_policy(self, role: str, statements: list[dict[str, Any]], name: str) -> str:
        return block(f'resource "aws_iam_role_policy" "{name}"', {
            "name": "-".join(["cloudwatch", *purpose(statements)]),
            "role": reference(role, "name"),
            "policy": Expression(f"jsonencode({value(document(statements), 1)})")})

    def grant(self, change: GrantStatements) -> Block:
        statements = [dict(s) for s in change.statements]
        name = snake(short_name(change.target), "cloudwatch", *purpose(statements))
        code = self._role_policy(change.target, statements, name)
        return Block(f"Add a policy to role {change.target}:",
                     self._where(change.target) + code)

    def _rule(self, kind: str, name: str, group: str, peer: str, port: int) -> str:
        if cidr(peer):
            other = {"cidr_ipv6" if ipv6(peer) else "cidr_ipv4": peer}
        else:
            other = {"referenced_security_group_id": reference(peer, "id")}
        return block(f'resource "aws_vpc_security_group_{kind}_rule" "{name}"', {
            "security_group_id": reference(group, "id"), "ip_protocol": "tcp",
            "from_port": port, "to_port": port, **other})

    def ingress(self, change: AllowHttpsIngress) -> Block:
        name = snake(short_name(change.group), "https_from", short_name(change.source))
        return Block(f"Admit TCP {change.port} into security group {change.group} (or add "
                     "an ingress block to it if it declares its rules inline):",
                     self._where(change.group)
                     + self._rule("ingress", name, change.group, change.source, change.port))

    def egress(self, change: AllowHttpsEgress) -> Block:
        name = snake(short_name(change.group), "https_to", short_name(change.destination))
        return Block(f"Allow outbound TCP {change.port} from security group {change.group} "
                     "(or add an egress block to it if it declares its rules inline):",
                     self._where(change.group)
                     + self._rule("egress", name, change.group, change.destination,
                                  change.port))

    def attach_role(self, change: AttachRole) -> Block:
        field = self.field(change.field)
        base = short_name(change.resource)
        purpose = field.split(".")[0].removesuffix("_arn").removeprefix("iam_")
        role = snake(base, purpose if purpose.endswith("role") else "role")
        parts = [block(f'resource "aws_iam_role" "{role}"', {
            "name_prefix": f"{base[:20]}-",
            "assume_role_policy": Expression("jsonencode(" + value(document([{
                "Effect": "Allow", "Principal": {"Service": change.service},
                "Action": "sts:AssumeRole"}]), 1) + ")")})]
        for number, arn in enumerate(change.managed_policies):
            suffix = "" if len(change.managed_policies) == 1 else str(number + 1)
            parts.append(block(f'resource "aws_iam_role_policy_attachment" "{role}{suffix}"', {
                "role": Expression(f"aws_iam_role.{role}.name"), "policy_arn": arn}))
        if change.statements:
            parts.append(self._role_policy(f"aws_iam_role.{role}",
                                           [dict(s) for s in change.statements], role))
        if "instance_profile" in field:
            parts.append(block(f'resource "aws_iam_instance_profile" "{role}"', {
                "role": Expression(f"aws_iam_role.{role}.name")}))
            setting = Expression(f"aws_iam_instance_profile.{role}.name")
        else:
            setting = Expression(f"aws_iam_role.{role}.arn")
        code = "\n\n".join([self._existing(change.resource, {field: setting}), *parts])
        return Block(f"Set {field} of {change.resource} to a new role:",
                     self._where(change.resource) + code)

    def add_statements(self, change: AddStatements) -> Block:
        if change.whole:
            name = self.field(change.field)
            return Block(f"Set {name} of {change.resource} (it sets none, so AWS's default "
                         "applies: restated here, then what it lacks):",
                         self._where(change.resource) + self._existing(change.resource, {
                             name: Expression("jsonencode(" + value(document(
                                 [dict(s) for s in change.statements]), 1) + ")")}))
        statements = "\n".join(value(dict(s)) + "," for s in change.statements)
        return Block(f"Add to the Statement list of the {self.field(change.field)} of "
                     f"{change.resource} (a statement block of its aws_iam_policy_document "
                     "when it uses one):", statements)

    def add_to_list(self, change: AddToList) -> Block:
        return Block(f"Add to the {self.field(change.field)} of {change.resource}:",
                     "\n".join(value(v) + "," for v in change.values))

    def endpoint(self, change: CreateEndpoint) -> Block:
        short = service_short_name(change.service)
        group = snake(short, "endpoint")
        ingress = []
        for source in change.sources:
            rule: dict[str, Any] = {"from_port": 443, "to_port": 443, "protocol": "tcp"}
            if cidr(source):
                rule["ipv6_cidr_blocks" if ipv6(source) else "cidr_blocks"] = [source]
            else:
                rule["security_groups"] = [reference(source, "id")]
            ingress.append(block("ingress", rule))
        group_code = block(f'resource "aws_security_group" "{group}"', {
            "name_prefix": f"{short}-endpoint-", "vpc_id": reference(change.vpc, "id")})
        if ingress:
            lines = group_code.splitlines()
            inner = ["", *("  " + line for text in ingress for line in text.splitlines())]
            group_code = "\n".join(lines[:-1] + inner + lines[-1:])
        endpoint = block(f'resource "aws_vpc_endpoint" "{snake(short)}"', {
            "vpc_id": reference(change.vpc, "id"), "service_name": change.service,
            "vpc_endpoint_type": "Interface", "private_dns_enabled": True,
            "subnet_ids": [reference(s, "id") for s in change.subnets],
            "security_group_ids": [Expression(f"aws_security_group.{group}.id")]})
        return Block(f"Add an interface endpoint for {change.service}:",
                     self._where(change.vpc) + group_code + "\n\n" + endpoint)

    def log_resource_policy(self, change: CreateLogResourcePolicy) -> Block:
        code = block(f'resource "aws_cloudwatch_log_resource_policy" "{snake(change.name)}"', {
            "policy_name": change.name,
            "policy_document": Expression("jsonencode(" + value(
                document([dict(s) for s in change.statements]), 1) + ")")})
        return Block("Add a CloudWatch Logs resource policy:", code)
