"""CWL012 endpoint-sg-no-https."""

from __future__ import annotations

from collections.abc import Iterable

from cwlint.findings import ERROR, INFO, Finding, Related
from cwlint.fixes import Advice, AllowHttpsIngress, Change, Fix, spelled
from cwlint.iam.tri import Tri
from cwlint.model import Model
from cwlint.network import endpoint_groups, groups_allow, subnet_cidrs, workload_groups
from cwlint.rules.base import Rule
from cwlint.rules.connectivity import path_endpoints, service_paths
from cwlint.rules.fixing import with_fix
from cwlint.rules.resource_types import ENDPOINTS
from cwlint.rules.workload_findings import describe_workload


class EndpointSgNoHttps(Rule):
    """No security group of a `monitoring`/`logs` endpoint admits TCP 443 from a workload
    that needs it.

    The endpoint's groups must admit TCP 443 from the workload's security group, or from
    a CIDR that covers the workload's subnets. An endpoint with no security group gets the
    VPC's default group, which admits only members of that same default group.

    **Why monitoring goes silent.** The endpoint and its DNS are right, but the TCP
    connection is dropped: calls time out.

    **Failing example (CloudFormation).**
    ```yaml
    EndpointSG:
      Type: AWS::EC2::SecurityGroup
      Properties:
        SecurityGroupIngress:
          - {IpProtocol: tcp, FromPort: 80, ToPort: 80, SourceSecurityGroupId: !Ref AppSG}
    ```

    **Fix (CloudFormation).**
    ```yaml
    - {IpProtocol: tcp, FromPort: 443, ToPort: 443, SourceSecurityGroupId: !Ref AppSG}
    ```

    **Fix (Terraform).**
    ```hcl
    resource "aws_vpc_security_group_ingress_rule" "endpoint_https" {
      security_group_id            = aws_security_group.endpoint.id
      ip_protocol                  = "tcp"
      from_port                    = 443
      to_port                      = 443
      referenced_security_group_id = aws_security_group.app.id
    }
    ```
    """

    id = "CWL012"
    name = "endpoint-sg-no-https"
    title = "Endpoint security groups do not admit TCP 443 from the workload"
    severity = ERROR
    ensures = "Ensure the endpoint's security groups admit TCP 443 from the workload"
    reports_on = ENDPOINTS

    def subjects(self, model: Model) -> Iterable[str]:
        """The endpoints through which workloads reach a CloudWatch service."""
        return [e.location.resource for e in path_endpoints(model)]

    def check(self, model: Model) -> Iterable[Finding]:
        blocked: dict[str, list[str]] = {}
        unknown: dict[str, list[str]] = {}
        peers: dict[str, list[str]] = {}  # endpoint -> what to admit (a group, or a CIDR)
        for path in service_paths(model):
            workload = path.workload
            assert workload.placement is not None
            sources = workload_groups(model, workload)
            cidrs = subnet_cidrs(model, workload.placement.subnets)
            for endpoint in path.endpoints:
                verdict = groups_allow(model, endpoint_groups(model, endpoint), "ingress",
                                       sources, cidrs)
                target = blocked if verdict is Tri.NO else unknown if verdict is Tri.MAYBE \
                    else None
                if target is not None:
                    entry = (f"{describe_workload(workload)} (groups "
                             f"{', '.join(str(g) for g in sources)}; subnets "
                             f"{', '.join(str(c) for c in cidrs)})")
                    if entry not in target.setdefault(endpoint.id, []):
                        target[endpoint.id].append(entry)
                    peer = next((str(p) for p in [*sources, *cidrs] if isinstance(p, str)),
                                None)
                    if peer is not None and peer not in peers.setdefault(endpoint.id, []):
                        peers[endpoint.id].append(peer)
        for endpoint_id, workloads in blocked.items():
            endpoint = model.endpoints[endpoint_id]
            groups = ", ".join(str(g) for g in endpoint_groups(model, endpoint))
            field = spelled("endpoint.security_groups", model.syntax)
            own = "" if endpoint.security_groups else f" (no {field}: the VPC default)"
            group = next((g for g in endpoint_groups(model, endpoint) if isinstance(g, str)),
                         None)
            changes: tuple[Change, ...] = tuple(
                AllowHttpsIngress(group, peer) for peer in peers.get(endpoint_id, [])
            ) if group is not None else ()
            yield with_fix(Finding.at(
                endpoint.location.at(endpoint.security_groups_line), self.id, self.severity,
                f"no security group of endpoint {endpoint_id} ({groups}{own}) admits TCP 443 "
                f"from " + "; ".join(workloads),
                tuple(Related.of(model.security_groups[g].location)
                      for g in endpoint_groups(model, endpoint)
                      if isinstance(g, str) and g in model.security_groups),
            ), Fix(changes or (Advice(f"Admit TCP 443 from the workload into a security "
                                      f"group of endpoint {endpoint_id}"),)))
        for endpoint_id, workloads in unknown.items():
            endpoint = model.endpoints[endpoint_id]
            yield Finding.at(
                endpoint.location.at(endpoint.security_groups_line), self.id, INFO,
                f"cannot tell whether the security groups of endpoint {endpoint_id} admit TCP "
                f"443 from " + "; ".join(workloads),
            )
