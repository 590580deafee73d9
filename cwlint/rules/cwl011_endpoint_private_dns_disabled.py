"""CWL011 endpoint-private-dns-disabled."""

from __future__ import annotations

from collections.abc import Iterable

from msgspec.structs import replace

from cwlint.findings import ERROR, INFO, Finding
from cwlint.fixes import SAFE, Fix, SetValue
from cwlint.model import Endpoint, Model
from cwlint.rules.base import Rule
from cwlint.rules.connectivity import service_paths
from cwlint.rules.resource_types import ENDPOINTS
from cwlint.values import Unknown

ALWAYS_CHECKED = ("monitoring", "logs")


class EndpointPrivateDnsDisabled(Rule):
    """An interface endpoint for `monitoring` or `logs` has private DNS turned off.

    `PrivateDnsEnabled` defaults to false in CloudFormation, and `private_dns_enabled` to
    false in Terraform. Without it, `monitoring.<region>.amazonaws.com` still resolves to
    the public endpoint, so SDKs and the CloudWatch agent in an isolated subnet never use
    the endpoint that was created for them. (Endpoints for `ssm` and `ec2` are checked too
    when a workload in the VPC needs them.)

    A Route 53 private hosted zone named after the service
    (`monitoring.<region>.amazonaws.com`, `logs.<region>.amazonaws.com`), associated with
    the workloads' VPCs and holding an alias record to the endpoint, does what private DNS
    does: the shared-endpoint hub pattern, where one VPC's endpoints serve many VPCs. Such
    an endpoint is not reported.

    When every workload of the input that calls the service from the endpoint's VPC has a
    route to the internet from all its subnets (a NAT gateway, or an internet gateway and a
    public IP), the SDK reaches the public endpoint through that route: the endpoint goes
    unused but nothing goes silent, so the finding is info.

    **Why monitoring goes silent.** The endpoint exists, so the network looks done; the
    calls still time out trying to reach the public address.

    **Failing example (CloudFormation).**
    ```yaml
    MonitoringEndpoint:
      Type: AWS::EC2::VPCEndpoint
      Properties:
        VpcId: !Ref Vpc
        ServiceName: !Sub com.amazonaws.${AWS::Region}.monitoring
        VpcEndpointType: Interface
        SubnetIds: [!Ref PrivateSubnet]
        SecurityGroupIds: [!Ref EndpointSG]
        # no PrivateDnsEnabled: false
    ```

    **Fix (CloudFormation).** `PrivateDnsEnabled: true` on the `AWS::EC2::VPCEndpoint`
    (the VPC needs `EnableDnsSupport` and `EnableDnsHostnames`).

    **Fix (Terraform).** `private_dns_enabled = true` on the `aws_vpc_endpoint`.

    **Fixable.** `cwlint scan --fix` sets it to true where the file says false or nothing
    (not where the value comes from a parameter, a variable or a module input).
    """

    id = "CWL011"
    name = "endpoint-private-dns-disabled"
    title = "Monitoring/logs interface endpoint has private DNS disabled"
    severity = ERROR
    ensures = "Ensure CloudWatch interface endpoints have private DNS enabled"
    reports_on = ENDPOINTS
    fixable = True

    def subjects(self, model: Model) -> Iterable[str]:
        """The interface endpoints of the CloudWatch services that workloads reach."""
        return [e.location.resource for e, _service in _checked_endpoints(model)]

    def check(self, model: Model) -> Iterable[Finding]:
        for endpoint, service in _checked_endpoints(model):
            location = endpoint.location.at(endpoint.private_dns_line)
            if isinstance(endpoint.private_dns, Unknown):
                yield Finding.at(location, self.id, INFO,
                                 f"cannot tell whether endpoint {endpoint.id} for {service} has "
                                 f"private DNS: {endpoint.private_dns.reason}")
            elif endpoint.private_dns is False and not _zone_resolves(model, endpoint, service):
                if _callers_reach_internet(model, endpoint, service):
                    yield Finding.at(
                        location, self.id, INFO,
                        f"interface endpoint {endpoint.id} for {endpoint.service} has private "
                        "DNS disabled, so it is unused: the workloads that call "
                        f"{service} from its VPC reach the public endpoint through their "
                        "internet route (private DNS would keep that traffic in the VPC)",
                    )
                    continue
                default = " (the default)" if endpoint.private_dns_set is False else ""
                finding = Finding.at(
                    location, self.id, self.severity,
                    f"interface endpoint {endpoint.id} for {endpoint.service} has private DNS "
                    f"disabled{default}, so SDKs and the CloudWatch agent still resolve "
                    f"the public {service} endpoint",
                    fix=f"Set PrivateDnsEnabled: true on {endpoint.id} "
                    "(Terraform: private_dns_enabled = true)",
                )
                yield replace(finding, fix_data=Fix(
                    (SetValue(endpoint.id, "endpoint.private_dns", True),), SAFE))


def _callers_reach_internet(model: Model, endpoint: Endpoint, service: str) -> bool:
    """Workloads of the input call the service from the endpoint's VPC, and every one of
    them has a route to the internet from all its subnets."""
    callers = [p for p in service_paths(model) if p.service == service
               and (endpoint in p.endpoints
                    or (endpoint.vpc is not None and p.vpc == endpoint.vpc))]
    return bool(callers) and all(p.reaches_internet and not p.isolated and not p.unknown
                                 for p in callers)


def _zone_resolves(model: Model, endpoint: Endpoint, service: str) -> bool:
    """A private hosted zone for the service's name aliases this endpoint, or is
    associated with its VPC and aliases an endpoint: the zone does what private DNS does."""
    host = f"{service}.{model.region}.amazonaws.com"
    return any(zone.serves(host) and (
        endpoint.id in zone.alias_endpoints
        or (endpoint.vpc is not None and endpoint.vpc in zone.vpcs and zone.alias_endpoints))
        for zone in model.private_zones.values())


def _checked_endpoints(model: Model) -> list[tuple[Endpoint, str]]:
    """The interface endpoints this rule checks, with their short service name."""
    needed = {(p.vpc, p.service) for p in service_paths(model)}
    found = []
    for endpoint in model.endpoints.values():
        service = endpoint.service_short_name(model.region)
        if endpoint.kind != "Interface" or service is None:
            continue
        if service in ALWAYS_CHECKED or (endpoint.vpc, service) in needed:
            found.append((endpoint, service))
    return found
