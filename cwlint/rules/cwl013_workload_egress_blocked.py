"""CWL013 workload-egress-blocked."""

from __future__ import annotations

from collections.abc import Iterable

from cwlint.findings import ERROR, Finding, Related
from cwlint.fixes import Advice, AllowHttpsEgress, Change, Fix
from cwlint.iam.tri import Tri
from cwlint.model import Model
from cwlint.network import endpoint_groups, groups_allow, subnet_cidrs, workload_groups
from cwlint.rules.base import Rule
from cwlint.rules.connectivity import path_workloads, service_paths
from cwlint.rules.fixing import with_fix
from cwlint.rules.resource_types import WORKLOADS
from cwlint.rules.workload_findings import describe_workload


class WorkloadEgressBlocked(Rule):
    """The workload's security groups do not allow outbound TCP 443 to the endpoint (or,
    without one, to the internet).

    In CloudFormation a security group keeps its default allow-all egress rule until an
    egress rule is declared (inline or as `AWS::EC2::SecurityGroupEgress`); then only the
    declared rules apply. In Terraform, an `aws_security_group` with no `egress` block has
    **no** egress at all.

    **Why monitoring goes silent.** The connection to CloudWatch never leaves the instance
    or function: timeouts.

    **Failing example (Terraform).**
    ```hcl
    resource "aws_security_group" "function" {
      name   = "orders-function"
      vpc_id = aws_vpc.main.id
      # no egress block: Terraform removes the default allow-all egress rule
    }

    resource "aws_lambda_function" "orders" {
      # ...
      vpc_config {
        subnet_ids         = [aws_subnet.private.id]
        security_group_ids = [aws_security_group.function.id]
      }
    }
    ```

    **Fix (CloudFormation).**
    ```yaml
    SecurityGroupEgress:
      - {IpProtocol: tcp, FromPort: 443, ToPort: 443, DestinationSecurityGroupId: !Ref EndpointSG}
    ```

    **Fix (Terraform).**
    ```hcl
    egress {
      from_port       = 443
      to_port         = 443
      protocol        = "tcp"
      security_groups = [aws_security_group.endpoint.id]
    }
    ```
    """

    id = "CWL013"
    name = "workload-egress-blocked"
    title = "Workload security groups block outbound TCP 443 to CloudWatch"
    severity = ERROR
    ensures = "Ensure the workload's security groups allow outbound TCP 443 to CloudWatch"
    reports_on = WORKLOADS

    def subjects(self, model: Model) -> Iterable[str]:
        """The workloads in a VPC that must reach a CloudWatch service."""
        return path_workloads(model)

    def check(self, model: Model) -> Iterable[Finding]:
        blocked: dict[str, list[str]] = {}
        destinations: dict[str, list[str]] = {}  # workload -> a group or CIDR to reach
        for path in service_paths(model):
            workload = path.workload
            groups = workload_groups(model, workload)
            targets = []
            for endpoint in path.endpoints:
                targets.append((f"endpoint {endpoint.id}", endpoint_groups(model, endpoint),
                                subnet_cidrs(model, endpoint.subnets)))
            if not path.endpoints and path.reaches_internet:
                targets.append((f"the public {path.service} endpoint", [], ["0.0.0.0/0"]))
            for name, peer_groups, peer_cidrs in targets:
                if groups_allow(model, groups, "egress", peer_groups, peer_cidrs) is Tri.NO:
                    entry = f"{name} ({path.service})"
                    if entry not in blocked.setdefault(workload.id, []):
                        blocked[workload.id].append(entry)
                    peer = next((str(p) for p in [*peer_groups, *peer_cidrs]
                                 if isinstance(p, str)), None)
                    known = destinations.setdefault(workload.id, [])
                    if peer is not None and peer not in known:
                        known.append(peer)
        by_id = {w.id: w for w in model.workloads}
        for workload_id, targets in blocked.items():
            workload = by_id[workload_id]
            groups = workload_groups(model, workload)
            group = next((str(g) for g in groups if isinstance(g, str)), None)
            changes: tuple[Change, ...] = tuple(
                AllowHttpsEgress(group, peer) for peer in destinations.get(workload_id, [])
            ) if group is not None else ()
            yield with_fix(Finding.at(
                workload.location.at(workload.placement.line if workload.placement else None),
                self.id, self.severity,
                f"the security groups of {describe_workload(workload)} "
                f"({', '.join(str(g) for g in groups)}) allow no outbound TCP 443 to "
                + "; ".join(targets),
                tuple(Related.of(model.security_groups[g].location) for g in groups
                      if isinstance(g, str) and g in model.security_groups),
            ), Fix(changes or (Advice("Allow outbound TCP 443 from the workload's security "
                                      "group to the endpoint's security group or subnets"),)))
