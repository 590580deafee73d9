"""How each workload reaches each CloudWatch service it needs: the facts the network
rules (CWL010–CWL014) share, computed once per model."""

from __future__ import annotations

import msgspec

from cwlint.model import Endpoint, Model, PrivateZone, Workload
from cwlint.network import (
    Reach,
    endpoints_for,
    needed_services,
    subnet_reach,
    workload_vpc,
    zone_endpoints,
)
from cwlint.values import StrValue

#: The action prefix of each endpoint service a workload may need (CWL014).
SERVICE_PREFIX = {"monitoring": "cloudwatch:", "logs": "logs:", "ssm": "ssm:", "ec2": "ec2:"}


class ServicePath(msgspec.Struct):
    """One workload's way to one service (``monitoring``, ``logs``...)."""

    workload: Workload
    service: str
    why: str
    vpc: StrValue | None
    vpc_declared: bool  # the VPC is in this input, so its endpoints would be too
    isolated: list[str] = msgspec.field(default_factory=list)  # subnets with no internet route
    reaches_internet: bool = False  # every subnet has a route to the internet
    unknown: list[str] = msgspec.field(default_factory=list)
    endpoints: list[Endpoint] = msgspec.field(default_factory=list)
    isolated_reasons: list[str] = msgspec.field(default_factory=list)
    # Private hosted zones for the service's name, associated with the VPC, that alias an
    # endpoint (the shared-endpoint hub pattern): they stand in for an endpoint.
    zones: list[PrivateZone] = msgspec.field(default_factory=list)


def service_paths(model: Model) -> list[ServicePath]:
    key = "service_paths"
    if key not in model.cache:
        model.cache[key] = [p for w in model.workloads for p in _paths(model, w)]
    return model.cache[key]


def path_workloads(model: Model) -> list[str]:
    """The workloads (resource ids) in a VPC that must reach a CloudWatch service."""
    return [p.workload.location.resource for p in service_paths(model)]


def path_endpoints(model: Model) -> list[Endpoint]:
    """The endpoints through which those workloads reach a CloudWatch service."""
    return [e for p in service_paths(model) for e in p.endpoints]


def _paths(model: Model, workload: Workload) -> list[ServicePath]:
    if workload.placement is None:
        return []
    needs = needed_services(workload)
    if not needs:
        return []
    vpc = workload_vpc(model, workload)
    isolated: list[str] = []
    unknown: list[str] = []
    internet = 0
    reasons: list[str] = []
    for subnet in workload.placement.subnets:
        reach = subnet_reach(model, subnet, workload.placement.public_ip)
        if reach.reach is Reach.ISOLATED and isinstance(subnet, str):
            isolated.append(subnet)
            reasons.append(reach.reason)
        elif reach.reach is Reach.INTERNET:
            internet += 1
        else:
            unknown.append(reach.reason)
    all_internet = internet == len(workload.placement.subnets) and internet > 0
    declared = isinstance(vpc, str) and vpc in model.vpcs
    return [
        ServicePath(workload, service, why, vpc, declared, isolated, all_internet, unknown,
                    endpoints_for(model, vpc, service), reasons,
                    zone_endpoints(model, vpc, service))
        for service, why in sorted(needs.items())
    ]
