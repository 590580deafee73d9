"""``--live`` for the network: where the workload runs and whether it can reach CloudWatch.

Read calls: ``ec2:DescribeInstances`` or ``lambda:GetFunctionConfiguration`` (the
workload's VPC, subnets, security groups, addresses), ``ec2:DescribeRouteTables`` (the
subnet's routes: its own table, else the VPC's main one), ``ec2:DescribeVpcEndpoints``
(interface endpoints for ``monitoring`` / ``logs`` in the VPC, with private DNS, groups
and policy) and ``ec2:DescribeSecurityGroups``.

The checks are AWS's rules, each three-valued (``yes``, ``no``, ``unknown``):

* internet: a ``0.0.0.0/0`` route to a NAT gateway (or NAT instance), or to an internet
  gateway *and* the instance has a public address; a Lambda function in a VPC never has
  one, so an internet gateway route does not count for it. Transit gateway, peering and
  other targets may lead anywhere: unknown.
* a security group rule covers TCP 443 when its protocol is ``-1`` (all) or ``tcp``/``6``
  with a port range containing 443; its source (or destination) is another group, a CIDR
  or a prefix list. A CIDR matches when it contains the address; without the address
  (a Lambda function's ENIs) only ``0.0.0.0/0`` is certain.
"""

from __future__ import annotations

import ipaddress
import json
from dataclasses import dataclass, field
from typing import Any

from cwlint.diagnose.readonly import CallFailed, ReadOnlyAWS

YES = "yes"
NO = "no"
UNKNOWN = "unknown"
HTTPS = 443


@dataclass
class WorkloadFacts:
    """Where a workload runs. ``in_vpc`` False for a Lambda function outside any VPC."""

    kind: str  # ec2, lambda
    name: str
    found: bool = False
    in_vpc: bool = True
    vpc_id: str | None = None
    subnet_ids: list[str] = field(default_factory=list)
    security_groups: list[str] = field(default_factory=list)
    private_ip: str | None = None
    public_ip: str | None = None
    role: str | None = None  # instance profile ARN or the function's role ARN
    log_group: str | None = None
    problems: list[str] = field(default_factory=list)

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


@dataclass
class Endpoint:
    """An interface VPC endpoint as DescribeVpcEndpoints shows it."""
    id: str
    vpc_id: str | None
    service: str
    private_dns: bool
    groups: list[str]
    policy: dict[str, Any] | None
    state: str | None

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
                              [g["GroupId"] for g in item.get("Groups", [])], policy, state))
    return found


def fetch_route_tables(aws: ReadOnlyAWS, subnet_id: str, vpc_id: str | None) -> list[dict]:
    """The subnet's route table: its explicit association, else the VPC's main table."""
    tables = aws.call("ec2", "DescribeRouteTables",
                      Filters=[{"Name": "association.subnet-id", "Values": [subnet_id]}])
    found = tables.get("RouteTables", [])
    if found or not vpc_id:
        return found
    main = aws.call("ec2", "DescribeRouteTables",
                    Filters=[{"Name": "vpc-id", "Values": [vpc_id]},
                             {"Name": "association.main", "Values": ["true"]}])
    return main.get("RouteTables", [])


def fetch_groups(aws: ReadOnlyAWS, group_ids: list[str]) -> list[dict]:
    """The security groups with these ids."""
    if not group_ids:
        return []
    return aws.call("ec2", "DescribeSecurityGroups",
                    GroupIds=sorted(set(group_ids))).get("SecurityGroups", [])


def internet_route(tables: list[dict], kind: str, public_ip: str | None) -> tuple[str, str]:
    """Whether the subnet's routes reach the internet, and why."""
    if not tables:
        return UNKNOWN, "no route table found for the subnet"
    undecided = None
    for table in tables:
        for route in table.get("Routes", []):
            if route.get("DestinationCidrBlock") != "0.0.0.0/0":
                continue
            if route.get("State") == "blackhole":
                continue
            target = route.get("NatGatewayId") or route.get("InstanceId") or ""
            if target:
                return YES, f"0.0.0.0/0 goes to {target} in {table.get('RouteTableId')}"
            gateway = route.get("GatewayId") or ""
            if gateway.startswith("igw-"):
                if kind == "ec2" and public_ip:
                    return YES, f"0.0.0.0/0 goes to {gateway} and the instance has {public_ip}"
                who = ("a Lambda function in a VPC has no public address" if kind == "lambda"
                       else "the instance has no public address")
                return NO, f"0.0.0.0/0 goes to {gateway}, but {who}"
            other = (route.get("TransitGatewayId") or route.get("VpcPeeringConnectionId") or
                     route.get("NetworkInterfaceId") or gateway)
            if other:
                undecided = f"0.0.0.0/0 goes to {other}, which may or may not reach the internet"
    if undecided:
        return UNKNOWN, undecided
    names = ", ".join(t.get("RouteTableId", "?") for t in tables)
    return NO, f"route table {names} has no 0.0.0.0/0 route (an isolated subnet)"


def _covers_https(rule: dict) -> bool:
    protocol = str(rule.get("IpProtocol", ""))
    if protocol == "-1":
        return True
    if protocol not in ("tcp", "6"):
        return False
    low, high = rule.get("FromPort"), rule.get("ToPort")
    if low is None or high is None:
        return False
    return int(low) <= HTTPS <= int(high)


def _cidr_contains(cidr: str, address: str | None) -> str:
    network = ipaddress.ip_network(cidr, strict=False)
    if network.prefixlen == 0:
        return YES
    if address is None:
        return UNKNOWN
    return YES if ipaddress.ip_address(address) in network else NO


def admits_https(groups: list[dict], peer_groups: list[str], peer_ip: str | None,
                 egress: bool) -> tuple[str, str]:
    """Whether one of ``groups`` lets TCP 443 in from (or, ``egress``, out to) the peer."""
    direction = "IpPermissionsEgress" if egress else "IpPermissions"
    verdict, why = NO, "no rule covers TCP 443 " + ("to the endpoint" if egress else
                                                    "from the workload")
    for group in groups:
        for rule in group.get(direction, []):
            if not _covers_https(rule):
                continue
            gid = group.get("GroupId")
            for pair in rule.get("UserIdGroupPairs", []):
                if pair.get("GroupId") in peer_groups:
                    return YES, f"{gid} allows TCP 443 {'to' if egress else 'from'} " \
                                f"{pair['GroupId']}"
            for cidr in rule.get("IpRanges", []):
                found = _cidr_contains(cidr["CidrIp"], peer_ip)
                if found == YES:
                    return YES, f"{gid} allows TCP 443 {'to' if egress else 'from'} " \
                                f"{cidr['CidrIp']}"
                if found == UNKNOWN and verdict == NO:
                    verdict, why = UNKNOWN, (f"{gid} allows TCP 443 for {cidr['CidrIp']}; "
                                             "whether that covers the peer's addresses is unknown")
            for prefix in rule.get("PrefixListIds", []):
                if verdict == NO:
                    verdict, why = UNKNOWN, (f"{gid} allows TCP 443 for prefix list "
                                             f"{prefix.get('PrefixListId')}")
            if rule.get("Ipv6Ranges") and verdict == NO:
                verdict, why = UNKNOWN, f"{gid} allows TCP 443 for IPv6 ranges only"
    return verdict, why
