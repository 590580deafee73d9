"""The change that removes a cause, as a JSON policy, CloudFormation YAML and Terraform HCL.

Two forms:

* :func:`identity_policy_fix`: a new policy attached to the role (or user) that was
  denied: ``AWS::IAM::Policy`` naming the role, ``aws_iam_role_policy``. It works however
  the role itself is defined, in this stack or elsewhere.
* :func:`statement_fix`: a statement to add to an existing document (a permissions
  boundary, a service control policy, a VPC endpoint policy), as a YAML list item and an
  ``aws_iam_policy_document`` ``statement`` block.

The network fixes (:func:`endpoint_fix`, :func:`private_dns_fix`, :func:`ingress_fix`,
:func:`egress_fix`) are resources; they use the ids ``--live`` found, else references to
resources the reader names (``!Ref Vpc``, ``aws_vpc.main.id``).
"""

from __future__ import annotations

import re
from typing import Any

import msgspec
import yaml

from cwlint.diagnose.arns import PrincipalInfo
from cwlint.fixes.terraform import value as hcl_value

VERSION = "2012-10-17"


class Fix(msgspec.Struct, frozen=True):
    """One change: what it does and where (``summary``), and the change in three forms.

    ``policy`` is a whole policy document (for a statement to add to an existing document,
    a document holding just that statement); None when the change is not a policy. The
    snippets are None when the change cannot be written without knowing more (removing
    an explicit Deny: ``--live`` names the statement).
    """

    summary: str
    policy: dict[str, Any] | None = None
    cloudformation: str | None = None
    terraform: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The fix as the JSON output shows it."""
        return {"summary": self.summary, "policy": self.policy,
                "cloudformation": self.cloudformation, "terraform": self.terraform}


def statement(actions: list[str], resource: str, *, condition: dict[str, Any] | None = None,
              principal: bool = False) -> dict[str, Any]:
    """An Allow statement; several actions become a list."""
    body: dict[str, Any] = {"Effect": "Allow"}
    if principal:
        body["Principal"] = "*"
    body["Action"] = actions[0] if len(actions) == 1 else list(actions)
    body["Resource"] = resource
    if condition:
        body["Condition"] = condition
    return body


def document(*statements: dict[str, Any]) -> dict[str, Any]:
    """A policy document holding ``statements``."""
    return {"Version": VERSION, "Statement": list(statements)}


def identity_policy_fix(summary: str, principal: PrincipalInfo | None,
                        statements: list[dict[str, Any]], purpose: str) -> Fix:
    """A new policy for the principal's role or user holding ``statements``.

    ``purpose`` names the policy (``cloudwatch-metrics``). Without a role or user name the
    snippets name a role ``ROLE_NAME`` for the reader to replace.
    """
    policy = document(*statements)
    if principal is not None and principal.kind == "user" and principal.name:
        holder, cfn_key, tf_type, tf_key = principal.name, "Users", "aws_iam_user_policy", "user"
    else:
        holder = (principal.role_name if principal is not None else None) or "ROLE_NAME"
        cfn_key, tf_type, tf_key = "Roles", "aws_iam_role_policy", "role"
    logical = _camel(f"{holder}-{purpose}-policy")
    cfn = yaml.safe_dump(
        {logical: {"Type": "AWS::IAM::Policy",
                   "Properties": {"PolicyName": purpose, cfn_key: [holder],
                                  "PolicyDocument": policy}}},
        sort_keys=False, default_flow_style=False, width=1000,
    ).rstrip()
    name = _snake(f"{holder}_{purpose}")
    terraform = (
        f'resource "{tf_type}" "{name}" {{\n'
        f"  name   = {hcl_value(purpose)}\n"
        f"  {tf_key.ljust(6)} = {hcl_value(holder)}\n"
        f"  policy = jsonencode({hcl_value(policy, 1)})\n"
        "}"
    )
    return Fix(summary, policy, cfn, terraform)


def statement_fix(summary: str, body: dict[str, Any]) -> Fix:
    """A statement to add to an existing policy document (boundary, SCP, endpoint policy)."""
    cfn = yaml.safe_dump([body], sort_keys=False, default_flow_style=False, width=1000).rstrip()
    return Fix(summary, document(body), cfn, _tf_statement(body))


def _tf_statement(body: dict[str, Any]) -> str:
    lines = ["statement {", f"  effect    = {hcl_value(body['Effect'])}"]
    principal = body.get("Principal")
    if isinstance(principal, dict):
        for kind, who in principal.items():
            who = who if isinstance(who, list) else [who]
            lines += ["  principals {", f"    type        = {hcl_value(kind)}",
                      f"    identifiers = {hcl_value(who)}", "  }"]
    elif principal is not None:
        lines += ["  principals {", '    type        = "*"', '    identifiers = ["*"]', "  }"]
    actions = body["Action"] if isinstance(body["Action"], list) else [body["Action"]]
    lines.append(f"  actions   = {hcl_value(actions)}")
    lines.append(f"  resources = {hcl_value([body['Resource']])}")
    for operator, block in body.get("Condition", {}).items():
        for key, values in block.items():
            values = values if isinstance(values, list) else [values]
            lines += ["  condition {", f"    test     = {hcl_value(operator)}",
                      f"    variable = {hcl_value(key)}",
                      f"    values   = {hcl_value(values)}", "  }"]
    lines.append("}")
    return "\n".join(lines)


class NetworkIds(msgspec.Struct, frozen=True):
    """Ids ``--live`` found; None where the snippet refers to a resource by name instead."""

    vpc_id: str | None = None
    subnet_ids: tuple[str, ...] = ()
    workload_groups: tuple[str, ...] = ()
    endpoint_id: str | None = None
    endpoint_groups: tuple[str, ...] = ()


def _service_name(endpoint_service: str, region: str | None) -> tuple[str, str]:
    """The endpoint service name for CloudFormation and for Terraform."""
    if region:
        name = f"com.amazonaws.{region}.{endpoint_service}"
        return name, hcl_value(name)
    return (f"!Sub com.amazonaws.${{AWS::Region}}.{endpoint_service}",
            f'"com.amazonaws.${{data.aws_region.current.name}}.{endpoint_service}"')


def endpoint_fix(endpoint_service: str, region: str | None, ids: NetworkIds) -> Fix:
    """CWL010: an interface endpoint for ``monitoring`` or ``logs`` with private DNS."""
    cfn_service, tf_service = _service_name(endpoint_service, region)
    logical = "MonitoringEndpoint" if endpoint_service == "monitoring" else "LogsEndpoint"
    vpc = ids.vpc_id or "!Ref Vpc"
    subnets = ", ".join(ids.subnet_ids) or "!Ref PrivateSubnet"
    groups = ", ".join(ids.endpoint_groups) or "!Ref EndpointSecurityGroup"
    cfn = (f"{logical}:\n"
           "  Type: AWS::EC2::VPCEndpoint\n"
           "  Properties:\n"
           f"    ServiceName: {cfn_service}\n"
           "    VpcEndpointType: Interface\n"
           f"    VpcId: {vpc}\n"
           f"    SubnetIds: [{subnets}]\n"
           f"    SecurityGroupIds: [{groups}]\n"
           "    PrivateDnsEnabled: true")
    tf_vpc = hcl_value(ids.vpc_id) if ids.vpc_id else "aws_vpc.main.id"
    tf_subnets = hcl_value(list(ids.subnet_ids)) if ids.subnet_ids else "[aws_subnet.private.id]"
    tf_groups = (hcl_value(list(ids.endpoint_groups)) if ids.endpoint_groups
                 else "[aws_security_group.endpoint.id]")
    terraform = (f'resource "aws_vpc_endpoint" "{endpoint_service}" {{\n'
                 f"  vpc_id              = {tf_vpc}\n"
                 f"  service_name        = {tf_service}\n"
                 '  vpc_endpoint_type   = "Interface"\n'
                 f"  subnet_ids          = {tf_subnets}\n"
                 f"  security_group_ids  = {tf_groups}\n"
                 "  private_dns_enabled = true\n"
                 "}")
    summary = (f"add an interface VPC endpoint for com.amazonaws.{region or '<region>'}."
               f"{endpoint_service} in the workload's subnets, with private DNS on (its "
               "security group must admit TCP 443 from the workload), or a route to a NAT "
               "gateway")
    return Fix(summary, None, cfn, terraform)


def private_dns_fix(endpoint_service: str, ids: NetworkIds) -> Fix:
    """CWL011: turn private DNS on (the VPC needs DNS support and DNS hostnames)."""
    logical = "MonitoringEndpoint" if endpoint_service == "monitoring" else "LogsEndpoint"
    where = f" ({ids.endpoint_id})" if ids.endpoint_id else ""
    cfn = (f"{logical}:{'  # ' + ids.endpoint_id if ids.endpoint_id else ''}\n"
           "  Type: AWS::EC2::VPCEndpoint\n"
           "  Properties:\n"
           "    PrivateDnsEnabled: true   # the default is false\n"
           "Vpc:\n"
           "  Type: AWS::EC2::VPC\n"
           "  Properties:\n"
           "    EnableDnsSupport: true\n"
           "    EnableDnsHostnames: true")
    terraform = (f'resource "aws_vpc_endpoint" "{endpoint_service}" {{\n'
                 "  private_dns_enabled = true   # the default is false\n"
                 "}\n"
                 'resource "aws_vpc" "main" {\n'
                 "  enable_dns_support   = true\n"
                 "  enable_dns_hostnames = true\n"
                 "}")
    summary = (f"turn on private DNS for the {endpoint_service} endpoint{where} so that "
               f"{endpoint_service}.<region>.amazonaws.com resolves to it; the VPC needs DNS "
               "support and DNS hostnames")
    return Fix(summary, None, cfn, terraform)


def ingress_fix(ids: NetworkIds) -> Fix:
    """CWL012: let the workload's security group reach the endpoint on TCP 443."""
    endpoint_sg = ids.endpoint_groups[0] if ids.endpoint_groups else None
    workload_sg = ids.workload_groups[0] if ids.workload_groups else None
    cfn = ("EndpointHttpsFromWorkload:\n"
           "  Type: AWS::EC2::SecurityGroupIngress\n"
           "  Properties:\n"
           f"    GroupId: {endpoint_sg or '!Ref EndpointSecurityGroup'}\n"
           "    IpProtocol: tcp\n"
           "    FromPort: 443\n"
           "    ToPort: 443\n"
           f"    SourceSecurityGroupId: {workload_sg or '!Ref WorkloadSecurityGroup'}")
    terraform = ('resource "aws_vpc_security_group_ingress_rule" "endpoint_https" {\n'
                 f"  security_group_id            = "
                 f"{hcl_value(endpoint_sg) if endpoint_sg else 'aws_security_group.endpoint.id'}\n"
                 f"  referenced_security_group_id = "
                 f"{hcl_value(workload_sg) if workload_sg else 'aws_security_group.workload.id'}\n"
                 '  ip_protocol                  = "tcp"\n'
                 "  from_port                    = 443\n"
                 "  to_port                      = 443\n"
                 "}")
    summary = ("admit TCP 443 into the endpoint's security group from the workload's security "
               "group (or a CIDR covering the workload)")
    return Fix(summary, None, cfn, terraform)


def egress_fix(ids: NetworkIds) -> Fix:
    """CWL013: let the workload send TCP 443 to the endpoint."""
    endpoint_sg = ids.endpoint_groups[0] if ids.endpoint_groups else None
    workload_sg = ids.workload_groups[0] if ids.workload_groups else None
    cfn = ("WorkloadHttpsToEndpoint:\n"
           "  Type: AWS::EC2::SecurityGroupEgress\n"
           "  Properties:\n"
           f"    GroupId: {workload_sg or '!Ref WorkloadSecurityGroup'}\n"
           "    IpProtocol: tcp\n"
           "    FromPort: 443\n"
           "    ToPort: 443\n"
           f"    DestinationSecurityGroupId: {endpoint_sg or '!Ref EndpointSecurityGroup'}")
    terraform = ('resource "aws_vpc_security_group_egress_rule" "workload_https" {\n'
                 f"  security_group_id            = "
                 f"{hcl_value(workload_sg) if workload_sg else 'aws_security_group.workload.id'}\n"
                 f"  referenced_security_group_id = "
                 f"{hcl_value(endpoint_sg) if endpoint_sg else 'aws_security_group.endpoint.id'}\n"
                 '  ip_protocol                  = "tcp"\n'
                 "  from_port                    = 443\n"
                 "  to_port                      = 443\n"
                 "}")
    summary = ("allow outbound TCP 443 from the workload's security group to the endpoint's "
               "security group (Terraform removes the default allow-all egress rule)")
    return Fix(summary, None, cfn, terraform)


def _camel(text: str) -> str:
    words = re.split(r"[^A-Za-z0-9]+", text)
    return "".join(w[:1].upper() + w[1:] for w in words if w)


def _snake(text: str) -> str:
    snake = re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_").lower()
    return snake if snake and not snake[0].isdigit() else f"r_{snake}"
