"""``--live`` for the network: what the account says about where the workload runs.

Read calls: ``ec2:DescribeInstances`` or ``lambda:GetFunctionConfiguration`` (the
workload's VPC, subnets, security groups, addresses), ``ec2:DescribeSubnets`` (their
CIDRs), ``ec2:DescribeRouteTables`` (each subnet's routes: its own table, else the VPC's
main one), ``ec2:DescribeVpcEndpoints`` (interface endpoints for ``monitoring`` /
``logs`` in the VPC, with private DNS, subnets, groups and policy) and
``ec2:DescribeSecurityGroups``.

Nothing here decides reachability: :mod:`cwlint.diagnose.live_model` puts what these
calls return into the model, and the network rules decide, as they do for a template.
"""

from __future__ import annotations

import json
from typing import Any

import msgspec

from cwlint.diagnose.readonly import CallFailed, ReadOnlyAWS

YES = "yes"
NO = "no"
UNKNOWN = "unknown"


class WorkloadFacts(msgspec.Struct):
    """Where a workload runs. ``in_vpc`` False for a Lambda function outside any VPC."""

    kind: str  # ec2, lambda
    name: str
    found: bool = False
    in_vpc: bool = True
    vpc_id: str | None = None
    subnet_ids: list[str] = msgspec.field(default_factory=list)
    security_groups: list[str] = msgspec.field(default_factory=list)
    private_ip: str | None = None
    public_ip: str | None = None
    role: str | None = None  # instance profile ARN or the function's role ARN
    log_group: str | None = None
    problems: list[str] = msgspec.field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """As the JSON output shows it."""
        return {"type": self.kind, "name": self.name, "found": self.found,
                "in_vpc": self.in_vpc, "vpc_id": self.vpc_id, "subnet_ids": self.subnet_ids,
                "security_groups": self.security_groups, "private_ip": self.private_ip,
                "public_ip": self.public_ip, "role": self.role, "log_group": self.log_group,
                "problems": list(self.problems)}


def fetch_instance(aws: ReadOnlyAWS, instance_id: str) -> WorkloadFacts:
    """An EC2 instance's VPC, subnet, groups, addresses and instance profile."""
    facts = WorkloadFacts("ec2", instance_id)
    try:
        reservations = aws.call("ec2", "DescribeInstances", InstanceIds=[instance_id])
    except CallFailed as exc:
        facts.problems.append(_problem(exc, f"instance {instance_id}"))
        return facts
    instances = [i for r in reservations.get("Reservations", []) for i in r.get("Instances", [])]
    if not instances:
        facts.problems.append(f"instance {instance_id} not found")
        return facts
    instance = instances[0]
    facts.found = True
    facts.vpc_id = instance.get("VpcId")
    facts.subnet_ids = [instance["SubnetId"]] if instance.get("SubnetId") else []
    facts.security_groups = [g["GroupId"] for g in instance.get("SecurityGroups", [])]
    facts.private_ip = instance.get("PrivateIpAddress")
    facts.public_ip = instance.get("PublicIpAddress")
    facts.role = (instance.get("IamInstanceProfile") or {}).get("Arn")
    return facts


def fetch_function(aws: ReadOnlyAWS, name: str) -> WorkloadFacts:
    """A Lambda function's VPC configuration, role and log group."""
    facts = WorkloadFacts("lambda", name)
    try:
        config = aws.call("lambda", "GetFunctionConfiguration", FunctionName=name)
    except CallFailed as exc:
        facts.problems.append(_problem(exc, f"function {name}"))
        return facts
    facts.found = True
    vpc = config.get("VpcConfig") or {}
    facts.subnet_ids = list(vpc.get("SubnetIds") or [])
    facts.security_groups = list(vpc.get("SecurityGroupIds") or [])
    facts.in_vpc = bool(facts.subnet_ids)
    facts.vpc_id = vpc.get("VpcId") or None
    if facts.security_groups:
        # The VPC of the function's security groups is the VPC of its ENIs.
        try:
            groups = fetch_groups(aws, facts.security_groups)
        except CallFailed as exc:
            facts.problems.append(_problem(exc, "the function's security groups"))
            groups = []
        facts.vpc_id = next((g["VpcId"] for g in groups if g.get("VpcId")), facts.vpc_id)
    facts.role = config.get("Role")
    facts.log_group = (config.get("LoggingConfig") or {}).get("LogGroup") or \
        f"/aws/lambda/{config.get('FunctionName', name)}"
    return facts


def _problem(exc: CallFailed, what: str) -> str:
    if exc.denied:
        return f"cannot read {what}: {exc.action} is not allowed for the diagnosing credentials"
    return f"cannot read {what}: {exc.code}: {exc.message}"


class Endpoint(msgspec.Struct):
    """An interface VPC endpoint as DescribeVpcEndpoints shows it."""
    id: str
    vpc_id: str | None
    service: str
    private_dns: bool
    groups: list[str]
    policy: dict[str, Any] | None
    state: str | None
    subnets: list[str] = msgspec.field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """As the JSON output shows it."""
        return {"id": self.id, "vpc_id": self.vpc_id, "service_name": self.service,
                "private_dns_enabled": self.private_dns, "security_groups": self.groups,
                "state": self.state, "policy": self.policy}


def service_names(endpoint_service: str, region: str) -> list[str]:
    """Endpoint service names: ``com.amazonaws.R.S`` (and ``cn.com.amazonaws.R.S`` in China)."""
    names = [f"com.amazonaws.{region}.{endpoint_service}"]
    if region.startswith("cn-"):
        names.append(f"cn.com.amazonaws.{region}.{endpoint_service}")
    return names


def fetch_endpoints(aws: ReadOnlyAWS, endpoint_service: str, region: str,
                    vpc_id: str | None) -> list[Endpoint]:
    """Interface endpoints for the service (in the VPC when given); raises CallFailed."""
    filters = [{"Name": "service-name", "Values": service_names(endpoint_service, region)}]
    if vpc_id:
        filters.append({"Name": "vpc-id", "Values": [vpc_id]})
    found = []
    for item in aws.pages("ec2", "DescribeVpcEndpoints", "VpcEndpoints", Filters=filters):
        if item.get("VpcEndpointType", "Interface") != "Interface":
            continue
        state = item.get("State")
        if state and state.lower() in ("deleted", "deleting", "rejected", "failed", "expired"):
            continue
        policy = item.get("PolicyDocument")
        if isinstance(policy, str):
            try:
                policy = json.loads(policy)
            except json.JSONDecodeError:
                policy = None
        found.append(Endpoint(item["VpcEndpointId"], item.get("VpcId"), item.get("ServiceName",
                                                                               ""),
                              bool(item.get("PrivateDnsEnabled")),
                              [g["GroupId"] for g in item.get("Groups", [])], policy, state,
                              list(item.get("SubnetIds") or [])))
    return found


def fetch_subnet_tables(aws: ReadOnlyAWS, subnet_ids: list[str],
                        vpc_id: str | None) -> dict[str, dict | None]:
    """The route table each subnet uses: its explicit association, else the VPC's main
    table (None when neither is found); raises CallFailed."""
    if not subnet_ids:
        return {}
    tables = aws.call("ec2", "DescribeRouteTables",
                      Filters=[{"Name": "association.subnet-id",
                                "Values": sorted(set(subnet_ids))}]).get("RouteTables", [])
    found: dict[str, dict | None] = {}
    for table in tables:
        for association in table.get("Associations", []):
            if association.get("SubnetId") in subnet_ids:
                found.setdefault(association["SubnetId"], table)
    alone = [s for s in subnet_ids if s not in found]
    if alone:
        main = aws.call("ec2", "DescribeRouteTables",
                        Filters=[{"Name": "vpc-id", "Values": [vpc_id]},
                                 {"Name": "association.main", "Values": ["true"]}]
                        ).get("RouteTables", []) if vpc_id else []
        for subnet_id in alone:
            found[subnet_id] = main[0] if main else None
    return found


def fetch_subnets(aws: ReadOnlyAWS, subnet_ids: list[str]) -> list[dict]:
    """The subnets with these ids (CIDR, VPC, MapPublicIpOnLaunch); raises CallFailed."""
    if not subnet_ids:
        return []
    return aws.call("ec2", "DescribeSubnets",
                    SubnetIds=sorted(set(subnet_ids))).get("Subnets", [])


def fetch_groups(aws: ReadOnlyAWS, group_ids: list[str]) -> list[dict]:
    """The security groups with these ids."""
    if not group_ids:
        return []
    return aws.call("ec2", "DescribeSecurityGroups",
                    GroupIds=sorted(set(group_ids))).get("SecurityGroups", [])
