"""``--live`` for the network, on the model: what the read calls return becomes the
:class:`~cwlint.model.Model` the rules read, and the network rules run on it as
``cwlint scan`` runs them on a template.

The account's answers map onto the model one to one: the workload's VPC (a
:class:`~cwlint.model.Vpc`), its subnets (``ec2:DescribeSubnets``: CIDR, VPC,
``MapPublicIpOnLaunch``), the route table each subnet uses (its explicit association,
else the VPC's main table) with its routes, the interface endpoints for the service in
the VPC, the security groups of the workload and of the endpoints with their rules, and
the workload itself: an instance (its public address decides whether an internet
gateway route serves it) or a Lambda function (never a public address). What the call in
the message shows is its one signal: a PutMetricData call for ``monitoring``, a call to
the CloudWatch Logs API for ``logs``; the rules then ask for that service only.

:func:`judge_network` runs CWL010–CWL013 and turns each rule's answer into a verdict: a
definite finding confirms the cause, an info finding leaves it undecided (and so does
CWL010's silence on a subnet whose way out is unknown: a default route to a transit
gateway, a peering connection...), and a rule that examined the workload or its endpoint
and found nothing rules it out, with the fact that cleared it (the endpoint that exists,
the route to the internet, the security group rule that admits TCP 443).
"""

from __future__ import annotations

from typing import Any

import msgspec

from cwlint.diagnose.causes import CONFIRMED, RULED_OUT, UNDECIDED
from cwlint.diagnose.live_network import Endpoint as LiveEndpoint
from cwlint.diagnose.live_network import WorkloadFacts
from cwlint.findings import INFO
from cwlint.iam.policy import PolicyError, parse_policy
from cwlint.iam.tri import Tri
from cwlint.model import (
    Endpoint,
    Location,
    MetricSignal,
    Model,
    Placement,
    Route,
    RouteTable,
    SecurityGroup,
    SecurityGroupRule,
    Signals,
    Subnet,
    Vpc,
    Workload,
)
from cwlint.network import (
    INTERNET_TARGETS,
    admits_https,
    endpoint_groups,
    peer_covers,
    subnet_cidrs,
    workload_groups,
)
from cwlint.rules.base import Rule
from cwlint.rules.connectivity import ServicePath, service_paths
from cwlint.rules.cwl010_isolated_subnet_no_endpoint import IsolatedSubnetNoEndpoint
from cwlint.rules.cwl011_endpoint_private_dns_disabled import EndpointPrivateDnsDisabled
from cwlint.rules.cwl012_endpoint_sg_no_https import EndpointSgNoHttps
from cwlint.rules.cwl013_workload_egress_blocked import WorkloadEgressBlocked
from cwlint.values import StrValue, Unknown

#: The rules ``--live`` runs on a failed connection, in the order of the causes.
NETWORK_RULES: tuple[type[Rule], ...] = (IsolatedSubnetNoEndpoint, EndpointPrivateDnsDisabled,
                                         EndpointSgNoHttps, WorkloadEgressBlocked)
#: The file name the model's locations carry (no finding of it is shown with its file).
LIVE_FILE = "(account)"
#: The model's workload kinds for the live workload kinds.
WORKLOAD_KINDS = {"ec2": "ec2-instance", "lambda": "lambda"}
#: What a route's target id starts with, and the model's kind of next hop.
_TARGETS = (("NatGatewayId", "nat-gateway"), ("InstanceId", "nat-instance"),
            ("TransitGatewayId", "transit-gateway"), ("VpcPeeringConnectionId", "peering"),
            ("EgressOnlyInternetGatewayId", "egress-only-internet-gateway"),
            ("NetworkInterfaceId", "network-interface"))
_GATEWAYS = (("igw-", "internet-gateway"), ("vgw-", "vpn-gateway"), ("vpce-", "endpoint"),
             ("local", "local"))
_HOPS = {"nat-gateway": "a NAT gateway", "nat-instance": "a NAT instance",
         "internet-gateway": "an internet gateway"}


class NetworkFacts(msgspec.Struct):
    """What the read calls returned about the workload's network."""

    workload: WorkloadFacts
    service: str  # monitoring, logs
    region: str
    subnets: list[dict[str, Any]] = msgspec.field(default_factory=list)  # DescribeSubnets
    # The route table each subnet uses (None: none found), by subnet id
    tables: dict[str, dict[str, Any] | None] = msgspec.field(default_factory=dict)
    endpoints: list[LiveEndpoint] = msgspec.field(default_factory=list)
    groups: list[dict[str, Any]] = msgspec.field(default_factory=list)  # DescribeSecurityGroups


def network_model(facts: NetworkFacts, account: str | None = None) -> Model:
    """The model of the workload's network, as the rules read it."""
    model = Model(LIVE_FILE, region=facts.region)
    if account:
        model.account_id = account
    workload = facts.workload
    vpc = workload.vpc_id
    if vpc:
        model.vpcs[vpc] = Vpc(vpc, _at(vpc))
    for item in facts.subnets:
        subnet_id = item["SubnetId"]
        model.subnets[subnet_id] = Subnet(
            subnet_id, _at(subnet_id), item.get("VpcId") or vpc, item.get("CidrBlock"),
            map_public_ip=bool(item.get("MapPublicIpOnLaunch")))
    for subnet_id in workload.subnet_ids:
        subnet = model.subnets.setdefault(subnet_id, Subnet(subnet_id, _at(subnet_id), vpc,
                                                            None))
        table = facts.tables.get(subnet_id)
        if table is None:
            subnet.route_table = Unknown(f"no route table found for subnet {subnet_id}")
            continue
        subnet.route_table = table["RouteTableId"]
        model.route_tables.setdefault(table["RouteTableId"], _route_table(table))
    for group in facts.groups:
        model.security_groups[group["GroupId"]] = _security_group(group)
    for endpoint in facts.endpoints:
        model.endpoints[endpoint.id] = _endpoint(endpoint)
    model.workloads.append(_workload(workload, facts.service))
    return model


def _at(resource: str) -> Location:
    return Location(LIVE_FILE, None, resource)


def _route_table(table: dict[str, Any]) -> RouteTable:
    table_id = table["RouteTableId"]
    routes = []
    for route in table.get("Routes", []):
        if route.get("State") == "blackhole":
            continue  # its target is gone: it carries nothing
        destination = (route.get("DestinationCidrBlock") or route.get("DestinationPrefixListId")
                       or route.get("DestinationIpv6CidrBlock")
                       or Unknown(f"a route of {table_id} without a destination"))
        routes.append(Route(destination, _target(route), _at(table_id)))
    main = any(a.get("Main") for a in table.get("Associations", []))
    return RouteTable(table_id, _at(table_id), table.get("VpcId"), routes, main)


def _target(route: dict[str, Any]) -> str:
    """The model's kind of next hop of a route (an instance id names a NAT instance)."""
    for key, kind in _TARGETS:
        if route.get(key):
            return kind
    gateway = str(route.get("GatewayId") or "")
    return next((kind for prefix, kind in _GATEWAYS if gateway.startswith(prefix)), "unknown")


def _security_group(group: dict[str, Any]) -> SecurityGroup:
    group_id = group["GroupId"]
    return SecurityGroup(group_id, _at(group_id), group.get("VpcId"),
                         [r for p in group.get("IpPermissions", []) for r in _rules(group_id, p)],
                         [r for p in group.get("IpPermissionsEgress", [])
                          for r in _rules(group_id, p)])


def _rules(group_id: str, permission: dict[str, Any]) -> list[SecurityGroupRule]:
    """One model rule per peer of an ``IpPermissions`` item."""
    protocol = str(permission.get("IpProtocol", ""))
    low, high = permission.get("FromPort"), permission.get("ToPort")
    peers: list[tuple[StrValue, str]] = [
        *((p["GroupId"], "group") for p in permission.get("UserIdGroupPairs", [])),
        *((r["CidrIp"], "cidr") for r in permission.get("IpRanges", [])),
        *((r["CidrIpv6"], "cidr6") for r in permission.get("Ipv6Ranges", [])),
        *((p["PrefixListId"], "prefix-list") for p in permission.get("PrefixListIds", [])),
    ]
    return [SecurityGroupRule(protocol, None if low is None else int(low),
                              None if high is None else int(high), peer, kind, _at(group_id))
            for peer, kind in peers]


def _endpoint(endpoint: LiveEndpoint) -> Endpoint:
    policy = None
    if endpoint.policy is not None:
        try:
            policy = parse_policy(endpoint.policy, f"endpoint policy of {endpoint.id}",
                                  require_resource=False)
        except PolicyError:
            policy = None  # the network rules do not read it
    return Endpoint(endpoint.id, _at(endpoint.id), endpoint.vpc_id, endpoint.service,
                    "Interface", endpoint.private_dns, list(endpoint.subnets),
                    list(endpoint.groups), policy)


def _workload(facts: WorkloadFacts, service: str) -> Workload:
    """The workload, with the call of the message as its one signal."""
    signals = Signals()
    if service == "monitoring":
        signals.metrics.append(MetricSignal(Unknown("the namespace of the failed call"),
                                            "the call in the message"))
    else:
        signals.calls_logs_api = True
    public_ip = facts.kind == "ec2" and bool(facts.public_ip)
    placement = Placement(list(facts.subnet_ids), list(facts.security_groups),
                          public_ip=public_ip)
    return Workload(facts.name, WORKLOAD_KINDS.get(facts.kind, facts.kind), _at(facts.name),
                    name=facts.name, signals=signals, placement=placement)


class RuleVerdict(msgspec.Struct):
    """What one rule says of the live network: ``confirmed``, ``undecided`` or
    ``ruled_out``, and the evidence."""

    rule: type[Rule]
    status: str
    evidence: list[str]


def judge_network(model: Model) -> dict[str, RuleVerdict]:
    """Run the network rules on ``model``; their verdicts, by rule id."""
    path = _path(model)
    verdicts = {}
    for rule in NETWORK_RULES:
        findings = list(rule().check(model))
        definite = [f for f in findings if f.severity != INFO]
        if definite:
            evidence = [f.message for f in definite]
            if rule is IsolatedSubnetNoEndpoint and path is not None:
                evidence += [r for r in path.isolated_reasons  # the route, when not said
                             if not any(r in said for said in evidence)]
            verdicts[rule.id] = RuleVerdict(rule, CONFIRMED, evidence)
        elif findings:
            verdicts[rule.id] = RuleVerdict(rule, UNDECIDED, [f.message for f in findings])
        elif rule is IsolatedSubnetNoEndpoint and path is not None and not path.endpoints \
                and not path.reaches_internet and not path.isolated:
            # CWL010 says nothing when the subnet's way out is unknown: that is no pass
            verdicts[rule.id] = RuleVerdict(rule, UNDECIDED, path.unknown)
        else:
            verdicts[rule.id] = RuleVerdict(rule, RULED_OUT, _cleared(rule, model, path))
    return verdicts


def _path(model: Model) -> ServicePath | None:
    paths = service_paths(model)
    return paths[0] if paths else None


def internet(model: Model) -> tuple[str, str]:
    """Whether the workload's subnets reach the internet (``yes``, ``no``, ``unknown``)
    and why, as the network rules see it."""
    path = _path(model)
    if path is None:
        return "unknown", "the workload is not in a VPC subnet the account shows"
    if path.isolated:
        return "no", "; ".join(path.isolated_reasons)
    if path.reaches_internet:
        return "yes", "; ".join(_default_routes(model, path.workload))
    return "unknown", "; ".join(path.unknown)


def _default_routes(model: Model, workload: Workload) -> list[str]:
    """The default routes that take the workload's subnets to the internet, in words."""
    said = []
    assert workload.placement is not None
    for subnet_id in workload.placement.subnets:
        subnet = model.subnets.get(subnet_id) if isinstance(subnet_id, str) else None
        table = model.route_tables.get(subnet.route_table) if subnet is not None and \
            isinstance(subnet.route_table, str) else None
        if table is None:
            continue
        for route in table.routes:
            if route.destination == "0.0.0.0/0" and route.target in INTERNET_TARGETS:
                line = f"the default route of {table.id} goes to {_HOPS[route.target]}"
                if route.target == "internet-gateway":
                    line += " and the instance has a public IP"
                if line not in said:
                    said.append(line)
    return said


def _cleared(rule: type[Rule], model: Model, path: ServicePath | None) -> list[str]:
    """Why a rule that found nothing clears the workload (the fact it rests on)."""
    if path is None:
        return ["the workload is not in a VPC subnet the account shows"]
    name = f"com.amazonaws.{model.region}.{path.service}"
    no_endpoint = f"no interface endpoint for {name} in {path.vpc}"
    if rule is IsolatedSubnetNoEndpoint:
        if path.endpoints:
            return [f"endpoint {e.id} for {name} is in {path.vpc}" for e in path.endpoints]
        return [internet(model)[1]]
    if rule is EndpointPrivateDnsDisabled:
        if not path.endpoints:
            return [no_endpoint]
        return [f"endpoint {e.id} has private DNS on" for e in path.endpoints]
    workload = path.workload
    assert workload.placement is not None
    groups = workload_groups(model, workload)
    if rule is EndpointSgNoHttps:
        if not path.endpoints:
            return [no_endpoint]
        cidrs = subnet_cidrs(model, workload.placement.subnets)
        return [_admitting(model, endpoint_groups(model, e), "ingress", groups, cidrs)
                or f"the security groups of {e.id} admit TCP 443 from the workload"
                for e in path.endpoints]
    if not path.endpoints and not path.reaches_internet:
        return ["not the cause now: there is no endpoint and no internet route to reach "
                "(check the outbound rules once there is)"]
    targets = [(endpoint_groups(model, e), subnet_cidrs(model, e.subnets))
               for e in path.endpoints] or [([], ["0.0.0.0/0"])]
    return [_admitting(model, groups, "egress", peers, cidrs)
            or "the workload's security groups allow outbound TCP 443"
            for peers, cidrs in targets]


def _admitting(model: Model, group_ids: list[StrValue], direction: str,
               peer_groups: list[StrValue], peer_cidrs: list[StrValue]) -> str | None:
    """The first rule of ``group_ids`` that lets TCP 443 through with the peer, in words."""
    word = "from" if direction == "ingress" else "to"
    for group_id in group_ids:
        group = model.security_groups.get(group_id) if isinstance(group_id, str) else None
        if group is None:
            continue
        for rule in group.ingress if direction == "ingress" else group.egress:
            if (admits_https(rule) & peer_covers(rule, peer_groups, peer_cidrs)) is Tri.YES:
                return f"{group_id} allows TCP 443 {word} {rule.peer}"
    return None

