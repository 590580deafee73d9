"""CWL010 isolated-subnet-no-endpoint."""

from __future__ import annotations

from collections.abc import Iterable

from cwlint.findings import ERROR, INFO, Finding, Related
from cwlint.fixes import CreateEndpoint, Fix
from cwlint.model import Model
from cwlint.network import workload_groups
from cwlint.rules.base import Rule
from cwlint.rules.connectivity import path_workloads, service_paths
from cwlint.rules.fixing import with_fix
from cwlint.rules.resource_types import WORKLOADS
from cwlint.rules.workload_findings import describe_workload


class IsolatedSubnetNoEndpoint(Rule):
    """A workload that must reach CloudWatch runs in a subnet with no route to the
    internet, and its VPC has no interface endpoint for the service.

    A subnet is isolated when its route table (explicit association, else the VPC's main
    table) has no default route (`0.0.0.0/0`) to a NAT gateway or a NAT instance, nor to
    an internet gateway that the workload can use. An internet gateway carries traffic
    only for a network interface with a public IP: a Lambda function never has one; an
    ECS task in `awsvpc` mode has one only with `AssignPublicIp: ENABLED`
    (`assign_public_ip = true`) in its service's network configuration; an EC2 instance,
    launch template or launch configuration has one with `AssociatePublicIpAddress: true`
    (`associate_public_ip_address = true`), else when the subnet sets
    `MapPublicIpOnLaunch` (`map_public_ip_on_launch`) and the interface does not turn it
    off, or when an Elastic IP of the input is associated with the instance. Without one,
    a subnet whose default route goes to an internet gateway is isolated for that
    workload; when whether it has one is not known, nothing is reported. A NAT route
    needs no public IP on the workload. The workload then needs `com.amazonaws.<region>.monitoring` (metrics)
    and/or `com.amazonaws.<region>.logs` (the CloudWatch agent, code calling the Logs API),
    and `com.amazonaws.<region>.ssm` for an agent that fetches its configuration from
    Parameter Store (`-c ssm:NAME`); the message names which. A Lambda function's own logs
    need no endpoint: the Lambda service ships them. When the agent's configuration is in
    the input (an SSM parameter's value, user data, cfn-init), the endpoints follow it:
    `monitoring` when it collects metrics, `logs` when it ships log files, and
    `com.amazonaws.<region>.ec2` when it appends the `AutoScalingGroupName` or `VolumeId`
    dimension (the only ones that make it call `DescribeTags` / `DescribeVolumes`). When
    the configuration is not in the input, the agent needs `monitoring` and `logs`, and
    never an `ec2` endpoint. A default route to a transit gateway, a peering connection, a VPN
    gateway or a network interface is unknown (traffic may leave through another VPC) and
    gives no error.

    A workload publishes metrics (and needs `monitoring`) when one of its signals says so,
    also when its own role explicitly grants `cloudwatch:PutMetricData` in a policy written
    for it (not through `*`, `cloudwatch:*` or another wildcard, nor an AWS managed
    policy): nobody grants that without meaning to publish. A legacy CloudWatch Logs agent
    (`awslogs`) needs `logs`.

    A Route 53 private hosted zone named `monitoring.<region>.amazonaws.com` (or
    `logs.<region>.amazonaws.com`), associated with the workload's VPC and holding an
    alias record to an interface endpoint, stands in for an endpoint in that VPC (the
    shared-endpoint hub pattern).

    **Why monitoring goes silent.** The calls do not fail with AccessDenied: they time
    out. The agent retries forever, SDK calls block until their timeout, and nothing
    arrives.

    **Failing example (CloudFormation).**
    ```yaml
    OrdersFunction:
      Properties:
        VpcConfig: {SubnetIds: [!Ref PrivateSubnet], SecurityGroupIds: [!Ref AppSG]}
        Environment: {Variables: {METRICS_NAMESPACE: Orders}}
    # PrivateSubnet's route table has only the local route; no VPC endpoint
    ```

    **Fix (CloudFormation).**
    ```yaml
    MonitoringEndpoint:
      Type: AWS::EC2::VPCEndpoint
      Properties:
        VpcId: !Ref Vpc
        ServiceName: !Sub com.amazonaws.${AWS::Region}.monitoring
        VpcEndpointType: Interface
        PrivateDnsEnabled: true
        SubnetIds: [!Ref PrivateSubnet]
        SecurityGroupIds: [!Ref EndpointSG]   # admits TCP 443 from AppSG
    ```

    **Fix (Terraform).**
    ```hcl
    resource "aws_vpc_endpoint" "monitoring" {
      vpc_id              = aws_vpc.main.id
      service_name        = "com.amazonaws.${var.region}.monitoring"
      vpc_endpoint_type   = "Interface"
      private_dns_enabled = true
      subnet_ids          = [aws_subnet.private.id]
      security_group_ids  = [aws_security_group.endpoint.id]
    }
    ```
    """

    id = "CWL010"
    name = "isolated-subnet-no-endpoint"
    title = "Workload in an isolated subnet has no monitoring/logs endpoint"
    severity = ERROR
    ensures = "Ensure a workload in an isolated subnet has the CloudWatch endpoints it needs"
    reports_on = WORKLOADS

    def subjects(self, model: Model) -> Iterable[str]:
        """The workloads in a VPC that must reach a CloudWatch service."""
        return path_workloads(model)

    def check(self, model: Model) -> Iterable[Finding]:
        missing: dict[str, list] = {}
        for path in service_paths(model):
            if path.isolated and not path.endpoints and not path.zones:
                missing.setdefault(path.workload.id, []).append(path)
        for paths in missing.values():
            workload = paths[0].workload
            services = [f"com.amazonaws.{model.region}.{p.service} ({p.why})" for p in paths]
            subnets = ", ".join(paths[0].isolated)
            no_public_ip = [r for r in paths[0].isolated_reasons if "public IP" in r]
            route = ("no route to the internet" if not no_public_ip
                     else "no route to the internet (" + "; ".join(no_public_ip) + ")")
            declared = all(p.vpc_declared for p in paths)
            location = workload.location.at(workload.placement.line if workload.placement
                                            else None)
            related = tuple(Related.of(model.subnets[s].location) for s in paths[0].isolated
                            if s in model.subnets)
            if declared:
                sources = tuple(str(g) for g in workload_groups(model, workload)
                                if isinstance(g, str))
                if not sources:  # no group of its own: admit its subnets
                    sources = tuple(c for s in paths[0].isolated if s in model.subnets
                                    and isinstance(c := model.subnets[s].cidr, str))
                fix = Fix(tuple(CreateEndpoint(str(paths[0].vpc),
                                               f"com.amazonaws.{model.region}.{p.service}",
                                               tuple(paths[0].isolated), sources)
                                for p in paths))
                yield with_fix(Finding.at(
                    location, self.id, self.severity,
                    f"{describe_workload(workload)} runs in subnet {subnets}, which has "
                    f"{route}, and VPC {paths[0].vpc} has no interface endpoint "
                    f"for " + "; ".join(services),
                    related,
                ), fix)
            else:
                yield Finding.at(
                    location, self.id, INFO,
                    f"{describe_workload(workload)} runs in subnet {subnets}, which has "
                    f"{route}; its VPC is not in this input, so cwlint cannot "
                    f"tell whether it has interface endpoints for "
                    + ", ".join(p.service for p in paths),
                    related,
                )
