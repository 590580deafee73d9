"""A fix written as CloudFormation, in the template's own syntax.

YAML with the short form of intrinsic functions (``!Ref``, ``!GetAtt``) when the template
uses it, the long form (``Ref:``, ``Fn::GetAtt:``) when it does not, JSON for a JSON
template. New resources are shown as a ``Resources`` entry; a change of an existing
resource as the fragment of its ``Properties`` that changes.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any

import msgspec

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
from cwlint.fixes.names import camel, logical_attribute, logical_id, short_name
from cwlint.fixes.text import Block, cidr, document, ipv6, purpose, service_short_name

VERSION = "2012-10-17"
_QUOTED_TAG = re.compile(r"!(Ref|GetAtt|Sub) '([A-Za-z0-9.]+|[A-Za-z0-9.${}:-]+[A-Za-z0-9}])'")


class Style(msgspec.Struct, frozen=True):
    """How the template is written."""

    json: bool = False
    short: bool = True  # YAML short-form tags (!Ref); ignored for JSON


class Intrinsic(msgspec.Struct, frozen=True):
    """``Ref`` or ``Fn::GetAtt`` of a resource of the template."""

    function: str  # "Ref", "GetAtt" or "Sub"
    target: str  # LogicalId, LogicalId.Attribute for GetAtt, the string for Sub


def reference(value: str, attribute: str | None = None) -> Any:
    """``value`` (a logical id, ``Id.Attribute`` or a literal) as a value that refers to
    it: ``!Ref Id``, ``!GetAtt Id.Attribute``, or the literal itself."""
    if logical_attribute(value) is not None:
        return Intrinsic("GetAtt", value)
    if logical_id(value) and not value.isdigit():
        return Intrinsic("GetAtt", f"{value}.{attribute}") if attribute else \
            Intrinsic("Ref", value)
    return value


@lru_cache(maxsize=1)
def _dumpers() -> tuple[Any, Any]:
    """The YAML dumpers of the long and the short form, made on the first YAML fix (a run
    that renders none, such as one on Terraform only, does not load PyYAML): block style,
    with sequences indented under their key as templates usually are; the short form
    writes each :class:`Intrinsic` as a tag; both write a :class:`_Literal` as a literal
    block."""
    import yaml

    class Dumper(yaml.SafeDumper):
        def increase_indent(self, flow: bool = False, indentless: bool = False) -> Any:
            return super().increase_indent(flow, False)

    def short(dumper: yaml.SafeDumper, value: Intrinsic) -> yaml.Node:
        return dumper.represent_scalar(f"!{value.function}", value.target)

    def literal(dumper: yaml.SafeDumper, value: _Literal) -> yaml.Node:
        return dumper.represent_scalar("tag:yaml.org,2002:str", str(value), style="|")

    class ShortDumper(Dumper):
        pass

    ShortDumper.add_representer(Intrinsic, short)
    Dumper.add_representer(_Literal, literal)
    ShortDumper.add_representer(_Literal, literal)
    return Dumper, ShortDumper


def _long(value: Any) -> Any:
    """``value`` with each intrinsic in its long (JSON) form."""
    if isinstance(value, Intrinsic):
        if value.function == "GetAtt":
            return {"Fn::GetAtt": value.target.split(".", 1)}
        if value.function == "Ref":
            return {"Ref": value.target}
        return {f"Fn::{value.function}": value.target}
    if isinstance(value, dict):
        return {k: _long(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_long(v) for v in value]
    return value


def dump(value: Any, style: Style) -> str:
    """``value`` as the template would write it."""
    if style.json:
        text = json.dumps(_long(value), indent=2)
        if isinstance(value, dict) and text.startswith("{"):  # a fragment of a mapping
            return "\n".join(line[2:] for line in text.splitlines()[1:-1])
        return text
    import yaml

    long_form, short_form = _dumpers()
    if style.short:
        text = yaml.dump(value, Dumper=short_form, sort_keys=False,
                         default_flow_style=False, width=1000, allow_unicode=True)
        # PyYAML quotes a scalar with a tag it does not resolve; ids need no quotes
        text = _QUOTED_TAG.sub(r"!\1 \2", text)
    else:
        text = yaml.dump(_long(value), Dumper=long_form, sort_keys=False,
                         default_flow_style=False, width=1000, allow_unicode=True)
    return text.rstrip("\n")


class CloudFormation:
    """Renders each kind of change for one template style."""

    def __init__(self, style: Style) -> None:
        self.style = style

    def code(self, value: Any) -> str:
        return dump(value, self.style)

    def field(self, name: str) -> str:
        return spelled(name, "cloudformation")

    def _properties(self, resource: str, path: str, value: Any) -> dict[str, Any]:
        """``{Resource: {Properties: {A: {B: value}}}}`` for a dotted property path."""
        for key in reversed(path.split(".")):
            value = {key: value}
        return {resource: {"Properties": value}}

    def set_value(self, change: SetValue) -> Block:
        name = self.field(change.field)
        if "." not in name:
            shown = self.code({name: change.value})
            return Block(f"Set {shown} in {change.resource}")
        return Block(f"Set {name} in {change.resource}:",
                     self.code(self._properties(change.resource, name, change.value)))

    def grant(self, change: GrantStatements) -> Block:
        statements = [dict(s) for s in change.statements]
        if change.sam_function:
            return Block(f"Add to the Policies of {change.target} (SAM creates its role):",
                         self.code(self._properties(change.target, "Policies",
                                                    [document(statements)])))
        words = purpose(statements)
        name = camel(change.target, "CloudWatch", *words, "Policy")
        policy = {name: {"Type": "AWS::IAM::Policy", "Properties": {
            "PolicyName": "-".join(["cloudwatch", *words]),
            "Roles": [reference(change.target)],
            "PolicyDocument": document(statements)}}}
        return Block(f"Add a policy to role {change.target}:", self.code(policy))

    def ingress(self, change: AllowHttpsIngress) -> Block:
        peer = (_cidr(change.source) if cidr(change.source) else
                {"SourceSecurityGroupId": reference(change.source)})
        rule = {camel(short_name(change.group), "HttpsFrom", short_name(change.source)): {
            "Type": "AWS::EC2::SecurityGroupIngress", "Properties": {
                "GroupId": reference(change.group), "IpProtocol": "tcp",
                "FromPort": change.port, "ToPort": change.port, **peer}}}
        return Block(f"Admit TCP {change.port} into security group {change.group}:",
                     self.code(rule))

    def egress(self, change: AllowHttpsEgress) -> Block:
        peer = (_cidr(change.destination) if cidr(change.destination) else
                {"DestinationSecurityGroupId": reference(change.destination)})
        rule = {camel(short_name(change.group), "HttpsTo", short_name(change.destination)): {
            "Type": "AWS::EC2::SecurityGroupEgress", "Properties": {
                "GroupId": reference(change.group), "IpProtocol": "tcp",
                "FromPort": change.port, "ToPort": change.port, **peer}}}
        return Block(f"Allow outbound TCP {change.port} from security group {change.group}:",
                     self.code(rule))

    def attach_role(self, change: AttachRole) -> Block:
        field = self.field(change.field)
        role = camel(change.resource, field.split(".")[-1].removesuffix("Arn")
                     .removesuffix("Name").replace("IamInstanceProfile", "Role"))
        if not role.endswith("Role"):
            role += "Role"
        properties: dict[str, Any] = {"AssumeRolePolicyDocument": document([{
            "Effect": "Allow", "Principal": {"Service": change.service},
            "Action": "sts:AssumeRole"}])}
        if change.managed_policies:
            properties["ManagedPolicyArns"] = list(change.managed_policies)
        if change.statements:
            properties["Policies"] = [{"PolicyName": "-".join(
                ["cloudwatch", *purpose(list(change.statements))]), "PolicyDocument":
                                       document([dict(s) for s in change.statements])}]
        resources: dict[str, Any] = {role: {"Type": "AWS::IAM::Role",
                                            "Properties": properties}}
        if "InstanceProfile" in field:
            profile = camel(change.resource, "InstanceProfile")
            resources[profile] = {"Type": "AWS::IAM::InstanceProfile",
                                  "Properties": {"Roles": [reference(role)]}}
            value = reference(profile)
        else:
            value = reference(role, "Arn")
        fragment = {**self._properties(change.resource, field, value), **resources}
        return Block(f"Set {field} of {change.resource} to a new role:", self.code(fragment))

    def add_statements(self, change: AddStatements) -> Block:
        if change.whole:
            name = self.field(change.field)
            return Block(f"Set {name} of {change.resource} (it sets none, so AWS's default "
                         "applies: restated here, then what it lacks):",
                         self.code(self._properties(change.resource, name, document(
                             [dict(s) for s in change.statements]))))
        return Block(f"Add to the Statement list of the {self.field(change.field)} of "
                     f"{change.resource}:", self.code([dict(s) for s in change.statements]))

    def add_to_list(self, change: AddToList) -> Block:
        return Block(f"Add to the {self.field(change.field)} of {change.resource}:",
                     self.code(list(change.values)))

    def endpoint(self, change: CreateEndpoint) -> Block:
        short = service_short_name(change.service)
        endpoint = camel(short, "Endpoint")
        group = camel(short, "EndpointSecurityGroup")
        ingress = [{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
                    **(_cidr(s) if cidr(s) else
                       {"SourceSecurityGroupId": reference(s)})}
                   for s in change.sources]
        group_properties: dict[str, Any] = {
            "GroupDescription": f"HTTPS to the {short} endpoint",
            "VpcId": reference(change.vpc)}
        if ingress:
            group_properties["SecurityGroupIngress"] = ingress
        resources = {
            group: {"Type": "AWS::EC2::SecurityGroup", "Properties": group_properties},
            endpoint: {"Type": "AWS::EC2::VPCEndpoint", "Properties": {
                "ServiceName": _regional(change.service), "VpcEndpointType": "Interface",
                "VpcId": reference(change.vpc), "PrivateDnsEnabled": True,
                "SubnetIds": [reference(s) for s in change.subnets],
                "SecurityGroupIds": [reference(group)]}}}
        return Block(f"Add an interface endpoint for {change.service}:", self.code(resources))

    def log_resource_policy(self, change: CreateLogResourcePolicy) -> Block:
        text = json.dumps(document([dict(s) for s in change.statements]), indent=2)
        resource = {camel(change.name, "LogsResourcePolicy"): {
            "Type": "AWS::Logs::ResourcePolicy", "Properties": {
                "PolicyName": change.name, "PolicyDocument": _Literal(text)}}}
        return Block("Add a CloudWatch Logs resource policy:", self.code(resource))


def _cidr(block: str) -> dict[str, str]:
    return {"CidrIpv6": block} if ipv6(block) else {"CidrIp": block}


def _regional(service: str) -> Any:
    """``com.amazonaws.R.monitoring`` for the region the stack is deployed in."""
    parts = service.split(".")
    if len(parts) == 4 and parts[:2] == ["com", "amazonaws"]:
        return Intrinsic("Sub", f"com.amazonaws.${{AWS::Region}}.{parts[3]}")
    return service


class _Literal(str):
    """A string YAML writes as a literal block (a policy document that is JSON text)."""
