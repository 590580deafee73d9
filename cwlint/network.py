"""Network reachability to CloudWatch, framework-neutral: it reads only the Model.

* Which endpoints a workload needs, from its signals (:mod:`cwlint.frontend.signals`): the
  CloudWatch agent needs what its configuration uses when the input holds it
  (``monitoring`` for metrics, ``logs`` for log files, ``ec2`` for AutoScalingGroupName /
  VolumeId dimensions), else ``monitoring`` and ``logs``; ``ssm`` when its configuration
  is in Parameter Store; the legacy awslogs agent needs ``logs``; code calling
  PutMetricData, or a role that names it explicitly (signal 5), needs ``monitoring``; a
  Lambda function's own logs need no endpoint (the Lambda service ships them) unless its
  code calls the Logs API itself.
* Whether a subnet reaches the internet: its route table (explicit association, else the
  VPC's main table) has a default route (``0.0.0.0/0``) to a NAT gateway or a NAT
  instance, or to an internet gateway and the workload's interface has a public IP
  (Lambda functions never do; ECS tasks with ``AssignPublicIp: ENABLED``; instances with
  ``AssociatePublicIpAddress``, the subnet's ``MapPublicIpOnLaunch`` or an Elastic IP).
  A default route elsewhere (transit gateway, peering, VPN,
  network interface) is *unknown*: traffic may leave through another VPC.
* Whether security group rules admit TCP 443 from or to a peer (a group or CIDRs).
"""

from __future__ import annotations

import enum
import ipaddress

import msgspec

from cwlint.agent_config import agent_needs
from cwlint.iam.tri import Tri, tri_all, tri_any
from cwlint.model import (
    AgentConfig,
    Endpoint,
    Model,
    PrivateZone,
    Role,
    SecurityGroup,
    SecurityGroupRule,
    Subnet,
    Workload,
)
from cwlint.values import StrValue, Unknown

HTTPS = 443
INTERNET_TARGETS = frozenset({"internet-gateway", "nat-gateway", "nat-instance"})
NAT_TARGETS = frozenset({"nat-gateway", "nat-instance"})
NO_PUBLIC_IP = ("the default route of {table} goes to an internet gateway, which the workload "
                "reaches only with a public IP, and it has none")
DEFAULT_ROUTES = frozenset({"0.0.0.0/0"})
ALL_PROTOCOLS = frozenset({"-1", "all"})
TCP = frozenset({"tcp", "6"})
PUT_METRIC_DATA = "cloudwatch:putmetricdata"
NAMESPACE_CONDITION = "cloudwatch:namespace"


class Reach(enum.Enum):
    INTERNET = "internet"
    ISOLATED = "isolated"
    UNKNOWN = "unknown"


class SubnetReach(msgspec.Struct, frozen=True):
    reach: Reach
    reason: str = ""


def needed_services(workload: Workload) -> dict[str, str]:
    """Endpoint service short names (``monitoring``, ``logs``...) and why each is needed."""
    needs: dict[str, str] = {}
    signals = workload.signals
    if signals.agent is not None:
        needs.update(_agent_services(signals.agent))
    if signals.logs_agent is not None:
        needs.setdefault("logs", "the CloudWatch Logs agent (awslogs) ships logs")
    if signals.metrics:
        needs.setdefault("monitoring", "it publishes metrics with PutMetricData")
    else:
        granted = granted_metric_namespaces(workload.role)
        if granted is not None:
            shown = ", ".join(n if isinstance(n, str) else "(unknown)" for n in granted)
            needs.setdefault("monitoring", "its role grants cloudwatch:PutMetricData "
                             + (f"for namespace {shown}" if shown else "explicitly")
                             + ", so it publishes metrics")
    if signals.calls_logs_api:
        needs.setdefault("logs", "its code calls the CloudWatch Logs API")
    if workload.kind == "ecs-task" and workload.log_group is not None:
        needs.setdefault("logs", "the awslogs log driver ships its logs")
    return needs


def _agent_services(agent: AgentConfig) -> dict[str, str]:
    """The endpoints the CloudWatch agent uses: what its configuration needs when the
    input holds it; otherwise ``monitoring`` and ``logs`` (never ``ec2``: it calls
    DescribeTags / DescribeVolumes only for dimensions a configuration asks for)."""
    needs: dict[str, str] = {}
    if agent.config is None:
        needs["monitoring"] = "the CloudWatch agent publishes metrics"
        needs["logs"] = "the CloudWatch agent ships logs"
    else:
        wanted = agent_needs(agent.config)
        if wanted.metrics_namespace is not None:
            needs["monitoring"] = "the CloudWatch agent's configuration collects metrics"
        if wanted.log_targets:
            needs["logs"] = "the CloudWatch agent's configuration ships logs"
        if wanted.describe_tags or wanted.describe_volumes:
            needs["ec2"] = ("the CloudWatch agent's configuration appends "
                            + " and ".join(d for d, on in (
                                ("AutoScalingGroupName", wanted.describe_tags),
                                ("VolumeId", wanted.describe_volumes)) if on)
                            + " dimensions (EC2 API)")
    if agent.ssm_parameter is not None:
        needs["ssm"] = "the agent reads its configuration from Parameter Store"
    return needs


def granted_metric_namespaces(role: Role | None) -> list[StrValue] | None:
    """Signal 5: the namespaces (from ``cloudwatch:namespace`` conditions; empty when the
    grant has none) for which the role's own policies name ``cloudwatch:PutMetricData``
    in an Allow; None when none does. Grants through wildcards (``*``, ``cloudwatch:*``,
    ``cloudwatch:Put*``) and AWS managed policies do not count: they say nothing about
    what the code does."""
    if role is None:
        return None
    namespaces: list[StrValue] | None = None
    for attached in role.policies:
        if attached.kind == "aws-managed":
            continue
        for statement in attached.policy.statements:
            if statement.effect != "Allow" or statement.not_actions is not None:
                continue
            if not any(isinstance(a, str) and a.lower() == PUT_METRIC_DATA
                       for a in statement.raw_actions):
                continue
            namespaces = namespaces if namespaces is not None else []
            if isinstance(statement.conditions, Unknown):
                continue
            for condition in statement.conditions:
                if condition.key == NAMESPACE_CONDITION and not isinstance(
                        condition.values, Unknown):
                    namespaces.extend(v for v in condition.values if v not in namespaces)
    return namespaces


def zone_endpoints(model: Model, vpc: StrValue | None, service: str) -> list[PrivateZone]:
    """Private hosted zones named ``<service>.<region>.amazonaws.com``, associated with
    ``vpc``, with an alias record to an interface endpoint: they do what the endpoint's
    private DNS would (the shared-endpoint hub pattern)."""
    if vpc is None:
        return []
    host = f"{service}.{model.region}.amazonaws.com"
    return [z for z in model.private_zones.values()
            if z.serves(host) and vpc in z.vpcs and z.alias_endpoints]


def subnet_reach(model: Model, subnet_id: StrValue,
                 public_ip: bool | Unknown | None = True) -> SubnetReach:
    """Whether an interface in the subnet reaches the internet. ``public_ip`` is whether
    the interface has a public IP (None: the subnet's MapPublicIpOnLaunch decides): a
    default route to an internet gateway works only with one, a NAT route without."""
    if not isinstance(subnet_id, str) or subnet_id not in model.subnets:
        reason = subnet_id.reason if not isinstance(subnet_id, str) else (
            f"subnet {subnet_id} is not in this input")
        return SubnetReach(Reach.UNKNOWN, reason)
    subnet = model.subnets[subnet_id]
    if public_ip is None:
        public_ip = subnet.map_public_ip
    table_id = subnet.route_table
    if table_id is None:
        return _main_table_reach(model, subnet, public_ip)
    if not isinstance(table_id, str) or table_id not in model.route_tables:
        reason = table_id.reason if not isinstance(table_id, str) else (
            f"route table {table_id} is not in this input")
        return SubnetReach(Reach.UNKNOWN, reason)
    return _table_reach(model, table_id, public_ip)


def _main_table_reach(model: Model, subnet: Subnet, public_ip: bool | Unknown) -> SubnetReach:
    if not isinstance(subnet.vpc, str) or subnet.vpc not in model.vpcs:
        return SubnetReach(Reach.UNKNOWN, f"the VPC of subnet {subnet.id} is not in this input")
    mains = [t.id for t in model.route_tables.values() if t.main and t.vpc == subnet.vpc]
    if not mains:
        # The main route table a VPC is created with holds only the local route.
        return SubnetReach(Reach.ISOLATED, f"subnet {subnet.id} uses the main route table of "
                           f"{subnet.vpc}, which has only the local route")
    return _table_reach(model, mains[0], public_ip)


def _table_reach(model: Model, table_id: str, public_ip: bool | Unknown) -> SubnetReach:
    table = model.route_tables[table_id]
    unknown: list[str] = []
    for route in table.routes:
        if isinstance(route.destination, str) and route.destination not in DEFAULT_ROUTES:
            continue
        if route.target in NAT_TARGETS and isinstance(route.destination, str):
            return SubnetReach(Reach.INTERNET)
        if route.target == "internet-gateway" and isinstance(route.destination, str):
            if public_ip is True:
                return SubnetReach(Reach.INTERNET)
            if public_ip is False:
                return SubnetReach(Reach.ISOLATED, NO_PUBLIC_IP.format(table=table_id))
            unknown.append(f"the default route of {table_id} goes to an internet gateway, "
                           f"and whether the workload has a public IP is not known "
                           f"({public_ip.reason})")
            continue
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
