"""Network reachability to CloudWatch, framework-neutral: it reads only the Model.

* Which endpoints a workload needs, from its signals (:mod:`cwlint.signals`): the CloudWatch agent
  needs ``monitoring`` and ``logs`` (``ssm`` when its configuration is in Parameter Store,
  ``ec2`` for DescribeTags); code calling PutMetricData needs ``monitoring``; a Lambda
  function's own logs need no endpoint (the Lambda service ships them) unless its code
  calls the Logs API itself.
* Whether a subnet reaches the internet: its route table (explicit association, else the
  VPC's main table) has a default route (``0.0.0.0/0``) to an internet gateway, a NAT
  gateway or a NAT instance. A default route elsewhere (transit gateway, peering, VPN,
  network interface) is *unknown*: traffic may leave through another VPC.
* Whether security group rules admit TCP 443 from or to a peer (a group or CIDRs).
"""

from __future__ import annotations

import enum
import ipaddress
from dataclasses import dataclass

from cwlint.iam.tri import Tri, tri_all, tri_any
from cwlint.model import Endpoint, Model, SecurityGroup, SecurityGroupRule, Subnet, Workload
from cwlint.values import StrValue, Unknown

HTTPS = 443
INTERNET_TARGETS = frozenset({"internet-gateway", "nat-gateway", "nat-instance"})
DEFAULT_ROUTES = frozenset({"0.0.0.0/0"})
ALL_PROTOCOLS = frozenset({"-1", "all"})
TCP = frozenset({"tcp", "6"})


class Reach(enum.Enum):
    INTERNET = "internet"
    ISOLATED = "isolated"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class SubnetReach:
    reach: Reach
    reason: str = ""


def needed_services(workload: Workload) -> dict[str, str]:
    """Endpoint service short names (``monitoring``, ``logs``...) and why each is needed."""
    needs: dict[str, str] = {}
    signals = workload.signals
    if signals.agent is not None:
        needs["monitoring"] = "the CloudWatch agent publishes metrics"
        needs["logs"] = "the CloudWatch agent ships logs"
        if signals.agent.ssm_parameter is not None:
            needs["ssm"] = "the agent reads its configuration from Parameter Store"
        # no "ec2": the agent calls DescribeTags / DescribeVolumes only for dimensions its
        # configuration asks for, which cwlint cannot see (CWL010's documentation)
    if signals.metrics:
        needs.setdefault("monitoring", "it publishes metrics with PutMetricData")
    if signals.calls_logs_api:
        needs.setdefault("logs", "its code calls the CloudWatch Logs API")
    if workload.kind == "ecs-task" and workload.log_group is not None:
        needs.setdefault("logs", "the awslogs log driver ships its logs")
    return needs


def subnet_reach(model: Model, subnet_id: StrValue) -> SubnetReach:
    if not isinstance(subnet_id, str) or subnet_id not in model.subnets:
        reason = subnet_id.reason if not isinstance(subnet_id, str) else (
            f"subnet {subnet_id} is not in this input")
        return SubnetReach(Reach.UNKNOWN, reason)
    subnet = model.subnets[subnet_id]
    table_id = subnet.route_table
    if table_id is None:
        return _main_table_reach(model, subnet)
    if not isinstance(table_id, str) or table_id not in model.route_tables:
        reason = table_id.reason if not isinstance(table_id, str) else (
            f"route table {table_id} is not in this input")
        return SubnetReach(Reach.UNKNOWN, reason)
    return _table_reach(model, table_id)


def _main_table_reach(model: Model, subnet: Subnet) -> SubnetReach:
    if not isinstance(subnet.vpc, str) or subnet.vpc not in model.vpcs:
        return SubnetReach(Reach.UNKNOWN, f"the VPC of subnet {subnet.id} is not in this input")
    mains = [t.id for t in model.route_tables.values() if t.main and t.vpc == subnet.vpc]
    if not mains:
        # The main route table a VPC is created with holds only the local route.
        return SubnetReach(Reach.ISOLATED, f"subnet {subnet.id} uses the main route table of "
                           f"{subnet.vpc}, which has only the local route")
    return _table_reach(model, mains[0])


def _table_reach(model: Model, table_id: str) -> SubnetReach:
    table = model.route_tables[table_id]
    unknown: list[str] = []
    for route in table.routes:
        if isinstance(route.destination, str) and route.destination not in DEFAULT_ROUTES:
            continue
        if route.target in INTERNET_TARGETS and isinstance(route.destination, str):
            return SubnetReach(Reach.INTERNET)
        if not isinstance(route.destination, str):
            unknown.append(f"a route of {table_id} has an unknown destination")
        else:
            unknown.append(f"the default route of {table_id} goes to a {route.target}")
    if unknown:
        return SubnetReach(Reach.UNKNOWN, "; ".join(unknown))
    return SubnetReach(Reach.ISOLATED, f"route table {table_id} has no default route to an "
                       "internet or NAT gateway")


def endpoints_for(model: Model, vpc: StrValue | None, service: str) -> list[Endpoint]:
    """Interface endpoints of ``vpc`` for the service (``monitoring``, ``logs``...)."""
    return [e for e in model.endpoints.values()
            if vpc is not None and e.vpc == vpc and e.kind == "Interface"
            and e.service_short_name(model.region) == service]


def workload_vpc(model: Model, workload: Workload) -> StrValue | None:
    if workload.placement is None:
        return None
    for subnet_id in workload.placement.subnets:
        if isinstance(subnet_id, str) and subnet_id in model.subnets:
            return model.subnets[subnet_id].vpc
    for group_id in workload.placement.security_groups:
        if isinstance(group_id, str) and group_id in model.security_groups:
            return model.security_groups[group_id].vpc
    return None


def workload_groups(model: Model, workload: Workload) -> list[StrValue]:
    """The workload's security groups; the VPC default group when it names none."""
    assert workload.placement is not None
    if workload.placement.security_groups:
        return list(workload.placement.security_groups)
    vpc = workload_vpc(model, workload)
    default = model.vpcs[vpc].default_security_group if isinstance(vpc, str) and (
        vpc in model.vpcs) else None
    return [default] if default else [Unknown("the VPC default security group")]


def endpoint_groups(model: Model, endpoint: Endpoint) -> list[StrValue]:
    """An endpoint's security groups; the VPC default group when it names none."""
    if endpoint.security_groups:
        return list(endpoint.security_groups)
    vpc = endpoint.vpc
    default = model.vpcs[vpc].default_security_group if isinstance(vpc, str) and (
        vpc in model.vpcs) else None
    return [default] if default else [Unknown("the VPC default security group")]


def subnet_cidrs(model: Model, subnet_ids: list[StrValue]) -> list[StrValue]:
    cidrs: list[StrValue] = []
    for subnet_id in subnet_ids:
        if isinstance(subnet_id, str) and subnet_id in model.subnets:
            cidr = model.subnets[subnet_id].cidr
            cidrs.append(cidr if cidr is not None else Unknown(f"CIDR of {subnet_id}"))
        else:
            cidrs.append(Unknown(f"CIDR of subnet {subnet_id}"))
    return cidrs


def admits_https(rule: SecurityGroupRule) -> Tri:
    """Does the rule's protocol and port range include TCP 443?"""
    protocol = rule.protocol
    if not isinstance(protocol, str):
        return Tri.MAYBE
    protocol = protocol.lower()
    if protocol in ALL_PROTOCOLS:
        return Tri.YES
    if protocol not in TCP:
        return Tri.NO
    low = 0 if rule.from_port is None else rule.from_port
    high = 65535 if rule.to_port is None else rule.to_port
    if low == -1 and high == -1:  # "all ports" for tcp is written 0-65535, but be lenient
        return Tri.YES
    return Tri.of(low <= HTTPS <= high)


def peer_covers(rule: SecurityGroupRule, groups: list[StrValue], cidrs: list[StrValue]) -> Tri:
    """Does the rule's peer include the traffic's other end (its groups or CIDRs)?"""
    if rule.peer_kind == "group":
        if not isinstance(rule.peer, str):
            return Tri.MAYBE
        if rule.peer in groups:
            return Tri.YES
        return Tri.MAYBE if any(not isinstance(g, str) for g in groups) else Tri.NO
    if rule.peer_kind == "cidr":
        if not isinstance(rule.peer, str) or not cidrs:
            return Tri.MAYBE
        return tri_all(_contains(rule.peer, cidr) for cidr in cidrs)
    if rule.peer_kind == "cidr6":
        return Tri.NO  # cwlint reasons about IPv4 traffic
    return Tri.MAYBE  # prefix lists and unknown peers


def _contains(network: str, cidr: StrValue) -> Tri:
    if not isinstance(cidr, str):
        return Tri.YES if network in ("0.0.0.0/0",) else Tri.MAYBE
    try:
        outer = ipaddress.ip_network(network, strict=False)
        inner = ipaddress.ip_network(cidr, strict=False)
    except ValueError:
        return Tri.MAYBE
    if outer.version != inner.version:
        return Tri.NO
    return Tri.of(inner.subnet_of(outer))  # type: ignore[arg-type]


def group_rules(model: Model, group_id: StrValue, direction: str) -> list[SecurityGroupRule] | None:
    """A group's rules in one direction; None when the group is not in the input."""
    if not isinstance(group_id, str) or group_id not in model.security_groups:
        return None
    group: SecurityGroup = model.security_groups[group_id]
    return group.ingress if direction == "ingress" else group.egress


def groups_allow(model: Model, group_ids: list[StrValue], direction: str,
                 peer_groups: list[StrValue], peer_cidrs: list[StrValue]) -> Tri:
    """Do any of the groups allow TCP 443 in ``direction`` with the peer?"""
    verdicts = []
    for group_id in group_ids:
        rules = group_rules(model, group_id, direction)
        if rules is None:
            verdicts.append(Tri.MAYBE)
            continue
        group = model.security_groups[group_id]  # type: ignore[index]
        if direction == "egress" and group.default_egress and not rules:
            verdicts.append(Tri.YES)
            continue
        verdicts.append(tri_any(admits_https(r) & peer_covers(r, peer_groups, peer_cidrs)
                                for r in rules))
    return tri_any(verdicts)
