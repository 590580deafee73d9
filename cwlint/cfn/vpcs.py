"""The network half of the CloudFormation front end: VPCs, subnets, route tables and
routes, security groups with their inline rules and separate rule resources, VPC
endpoints, and where each workload's network interfaces are placed.

References become logical ids when they point into the template. Anything from outside
(a parameter, a literal ``subnet-0abc``) becomes an :class:`~cwlint.values.Unknown` whose
reason names it, so that the same outside value compares equal wherever it appears.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from cwlint import model
from cwlint.cfn.intrinsics import NO_VALUE, ResourceRef
from cwlint.frontend.builder import VpcSteps
from cwlint.frontend.public_ip import boolean, instance_public_ip
from cwlint.values import StrValue, Unknown

if TYPE_CHECKING:
    from cwlint.cfn.builder import CloudFormationBuilder

VPC = "AWS::EC2::VPC"
SUBNET = "AWS::EC2::Subnet"
ROUTE_TABLE = "AWS::EC2::RouteTable"
SECURITY_GROUP = "AWS::EC2::SecurityGroup"
DEFAULT_GROUP = ".DefaultSecurityGroup"

#: Route properties naming the next hop, and what kind of hop each is.
ROUTE_TARGETS = {
    "NatGatewayId": "nat-gateway",
    "InstanceId": "nat-instance",
    "TransitGatewayId": "transit-gateway",
    "VpcPeeringConnectionId": "peering",
    "NetworkInterfaceId": "network-interface",
    "EgressOnlyInternetGatewayId": "egress-only-internet-gateway",
    "VpcEndpointId": "endpoint",
    "CarrierGatewayId": "unknown",
    "LocalGatewayId": "unknown",
    "CoreNetworkArn": "unknown",
}
GATEWAY_TYPES = {"AWS::EC2::InternetGateway": "internet-gateway",
                 "AWS::EC2::VPNGateway": "vpn-gateway"}


class VpcBuilder(VpcSteps):
    b: CloudFormationBuilder

    # --- references ----------------------------------------------------------------------

    def ref_id(self, node: Any, *types: str, what: str = "resource") -> StrValue | None:
        """A logical id when ``node`` refers to a resource of ``types``; else Unknown."""
        if node is None:
            return None
        node = self.b.taken_branches(node)
        resolved = self.b.resolve(node)
        if resolved is NO_VALUE:
            return None
        if isinstance(resolved, ResourceRef) and resolved.attribute == "DefaultSecurityGroup":
            return resolved.logical_id + DEFAULT_GROUP
        linked = self.b.linked(node, *types)
        if linked is not None:
            return linked
        value = self.b.resolver.as_string(resolved)
        if isinstance(value, str):
            return Unknown(f"{what} {value} is not in this template")
        return value

    def ref_list(self, node: Any, *types: str, what: str = "resource") -> list[StrValue]:
        node = self.b.taken_branches(node)
        resolved = self.b.resolve(node)
        if isinstance(resolved, Unknown):
            return [resolved]
        if not isinstance(node, list):
            if isinstance(resolved, list):  # a parameter of type List<...>
                return [Unknown(f"{what} {v} is not in this template") for v in resolved]
            return [Unknown(f"the {what}s of a value that is not a list")]
        found = [self.ref_id(item, *types, what=what) for item in node]
        return [f for f in found if f is not None]

    # --- resources -----------------------------------------------------------------------

    def flag(self, node: Any, what: str) -> bool | Unknown:
        """A boolean property (``true``/``"false"``...); Unknown when not known statically."""
        return boolean(self.b.resolve(self.b.taken_branches(node)), what)

    def private_zones(self) -> None:
        """Route 53 private hosted zones, their VPCs and the endpoints their alias records
        point at (the shared-endpoint hub pattern)."""
        for logical_id, _ in self.b.of_type("AWS::Route53::HostedZone"):
            props = self.b.properties(logical_id)
            vpcs = self.b.taken_branches(props.get("VPCs"))
            if not isinstance(vpcs, list) or not vpcs:
                continue  # a public zone
            found = [self.ref_id(v.get("VPCId"), VPC, what="VPC") for v in vpcs
                     if isinstance(v, Mapping)]
            self.model.private_zones[logical_id] = model.PrivateZone(
                logical_id, self.b.location(logical_id), self.b.string(props.get("Name", "")),
                [v for v in found if v is not None])
        records: list[tuple[Mapping[str, Any], Any]] = []
        for logical_id, _ in self.b.of_type("AWS::Route53::RecordSet"):
            props = self.b.properties(logical_id)
            records.append((props, props.get("HostedZoneId")))
        for logical_id, _ in self.b.of_type("AWS::Route53::RecordSetGroup"):
            props = self.b.properties(logical_id)
            for record in _list(self.b.taken_branches(props.get("RecordSets"))):
                if isinstance(record, Mapping):
                    records.append((record, props.get("HostedZoneId")))
        for record, zone_node in records:
            zone = self.b.linked(zone_node, "AWS::Route53::HostedZone")
            target = record.get("AliasTarget")
            if zone not in self.model.private_zones or not isinstance(target, Mapping):
                continue
            endpoint = self.alias_endpoint(target.get("DNSName"))
            if endpoint is not None:
                self.model.private_zones[zone].alias_endpoints.append(endpoint)

    def alias_endpoint(self, node: Any) -> StrValue | None:
        """The endpoint an alias target's DNS name belongs to: its logical id when it comes
        from an endpoint of the template (``DnsEntries``), Unknown for a literal
        ``vpce-...`` name, else None."""
        linked = self.b.linked(node, "AWS::EC2::VPCEndpoint")
        if linked is not None:
            return linked
        value = self.b.string(node)
        if isinstance(value, str) and ".vpce.amazonaws.com" in value and "vpce-" in value:
            return Unknown(f"endpoint {value} is not in this template")
        return None

    def vpcs(self) -> None:
        for logical_id, _ in self.b.of_type(VPC):
            props = self.b.properties(logical_id)
            cidr = self.b.string(props["CidrBlock"]) if "CidrBlock" in props else None
            vpc = model.Vpc(logical_id, self.b.location(logical_id), [cidr] if cidr else [],
                            default_security_group=logical_id + DEFAULT_GROUP)
            self.model.vpcs[logical_id] = vpc
            default = model.SecurityGroup(vpc.default_security_group, vpc.location, logical_id,
                                          default_egress=True)
            default.ingress.append(model.SecurityGroupRule("-1", None, None, default.id, "group",
                                                           vpc.location))
            self.model.security_groups[default.id] = default
        for logical_id, _ in self.b.of_type("AWS::EC2::VPCCidrBlock"):
            props = self.b.properties(logical_id)
            vpc_id = self.ref_id(props.get("VpcId"), VPC, what="VPC")
            if isinstance(vpc_id, str) and vpc_id in self.model.vpcs and "CidrBlock" in props:
                self.model.vpcs[vpc_id].cidrs.append(self.b.string(props["CidrBlock"]))

    def subnets(self) -> None:
        for logical_id, _ in self.b.of_type(SUBNET):
            props = self.b.properties(logical_id)
            cidr = self.b.string(props["CidrBlock"]) if "CidrBlock" in props else None
            self.model.subnets[logical_id] = model.Subnet(
                logical_id, self.b.location(logical_id),
                self.ref_id(props.get("VpcId"), VPC, what="VPC"), cidr,
                map_public_ip=self.flag(props.get("MapPublicIpOnLaunch", False),
                                        f"MapPublicIpOnLaunch of {logical_id}"))
        for logical_id, _ in self.b.of_type("AWS::EC2::SubnetRouteTableAssociation"):
            props = self.b.properties(logical_id)
            subnet = self.ref_id(props.get("SubnetId"), SUBNET, what="subnet")
            if isinstance(subnet, str) and subnet in self.model.subnets:
                self.model.subnets[subnet].route_table = self.ref_id(
                    props.get("RouteTableId"), ROUTE_TABLE, what="route table")

    def route_tables(self) -> None:
        for logical_id, _ in self.b.of_type(ROUTE_TABLE):
            props = self.b.properties(logical_id)
            self.model.route_tables[logical_id] = model.RouteTable(
                logical_id, self.b.location(logical_id),
                self.ref_id(props.get("VpcId"), VPC, what="VPC"))
        for logical_id, _ in self.b.of_type("AWS::EC2::Route"):
            props = self.b.properties(logical_id)
            table = self.ref_id(props.get("RouteTableId"), ROUTE_TABLE, what="route table")
            if not isinstance(table, str) or table not in self.model.route_tables:
                continue
            self.model.route_tables[table].routes.append(self.route(logical_id, props))

    def route(self, logical_id: str, props: Mapping[str, Any]) -> model.Route:
        destination: StrValue = Unknown(f"destination of route {logical_id}")
        for key in ("DestinationCidrBlock", "DestinationIpv6CidrBlock",
                    "DestinationPrefixListId"):
            if key in props:
                destination = self.b.string(props[key])
                break
        return model.Route(destination, self.route_target(props), self.b.location(logical_id))

    def route_target(self, props: Mapping[str, Any]) -> str:
        if "GatewayId" in props:
            gateway = self.b.taken_branches(props["GatewayId"])
            for ref in self.b.resolver.resource_refs(gateway):
                resource = self.b.resources.get(ref.logical_id)
                if resource is not None and str(resource.get("Type")) in GATEWAY_TYPES:
                    return GATEWAY_TYPES[str(resource["Type"])]
            value = self.b.string(gateway)
            if isinstance(value, str) and value.startswith("igw-"):
                return "internet-gateway"
            if isinstance(value, str) and value.startswith("vgw-"):
                return "vpn-gateway"
            return "unknown"
        for key, kind in ROUTE_TARGETS.items():
            if key in props:
                return kind
        return "unknown"

    def security_groups(self) -> None:
        for logical_id, _ in self.b.of_type(SECURITY_GROUP):
            props = self.b.properties(logical_id)
            group = model.SecurityGroup(logical_id, self.b.location(logical_id),
                                        self.ref_id(props.get("VpcId"), VPC, what="VPC"))
            for index, rule in enumerate(self.rule_list(props.get("SecurityGroupIngress"))):
                group.ingress.append(self.rule(rule, "ingress",
                                               self.b.location(logical_id,
                                                               "SecurityGroupIngress", index)))
            for index, rule in enumerate(self.rule_list(props.get("SecurityGroupEgress"))):
                group.egress.append(self.rule(rule, "egress",
                                              self.b.location(logical_id,
                                                              "SecurityGroupEgress", index)))
            group.default_egress = not group.egress
            self.model.security_groups[logical_id] = group
        for rtype, direction in (("AWS::EC2::SecurityGroupIngress", "ingress"),
                                 ("AWS::EC2::SecurityGroupEgress", "egress")):
            for logical_id, _ in self.b.of_type(rtype):
                props = self.b.properties(logical_id)
                group_id = self.ref_id(props.get("GroupId"), SECURITY_GROUP,
                                       what="security group")
                group = self.model.security_groups.get(group_id) if isinstance(
                    group_id, str) else None
                if group is None:
                    continue
                rule = self.rule(props, direction, self.b.location(logical_id))
                (group.ingress if direction == "ingress" else group.egress).append(rule)
                if direction == "egress":
                    group.default_egress = False

    def cidr(self, node: Any) -> StrValue:
        """A CIDR value; ``!GetAtt Vpc.CidrBlock`` is the VPC's own CidrBlock."""
        resolved = self.b.resolve(self.b.taken_branches(node))
        if isinstance(resolved, ResourceRef) and resolved.attribute == "CidrBlock":
            vpc = self.model.vpcs.get(resolved.logical_id)
            if vpc is not None and vpc.cidrs:
                return vpc.cidrs[0]
        return self.b.resolver.as_string(resolved)

    def rule_list(self, node: Any) -> list[Any]:
        node = self.b.taken_branches(node)
        if isinstance(node, list):
            return [item for item in node if isinstance(item, Mapping)]
        return []

    def rule(self, props: Mapping[str, Any], direction: str,
             location: Any) -> model.SecurityGroupRule:
        protocol = self.b.string(props.get("IpProtocol", "-1"))
        peer: StrValue = Unknown("the rule's peer")
        kind = "unknown"
        group_keys = (("SourceSecurityGroupId",) if direction == "ingress"
                      else ("DestinationSecurityGroupId",))
        prefix_keys = (("SourcePrefixListId",) if direction == "ingress"
                       else ("DestinationPrefixListId",))
        if "CidrIp" in props:
            peer, kind = self.cidr(props["CidrIp"]), "cidr"
        elif "CidrIpv6" in props:
            peer, kind = self.b.string(props["CidrIpv6"]), "cidr6"
        elif any(k in props for k in group_keys):
            key = next(k for k in group_keys if k in props)
            group = self.ref_id(props[key], SECURITY_GROUP, what="security group")
            peer, kind = (group if group is not None else Unknown("peer group")), "group"
        elif any(k in props for k in prefix_keys):
            peer, kind = self.b.string(props[prefix_keys[0]]), "prefix-list"
        return model.SecurityGroupRule(protocol, _port(self.b.resolve(props.get("FromPort"))),
                                       _port(self.b.resolve(props.get("ToPort"))), peer, kind,
                                       location)

    def endpoints(self) -> None:
        for logical_id, _ in self.b.of_type("AWS::EC2::VPCEndpoint"):
            props = self.b.properties(logical_id)
            kind = self.b.string(props.get("VpcEndpointType", "Gateway"))
            private_dns = boolean(self.b.resolve(props.get("PrivateDnsEnabled", False)),
                                  "PrivateDnsEnabled")
            location = self.b.location(logical_id)
            policy = None
            if "PolicyDocument" in props:
                policy = self.b.parse(props["PolicyDocument"], f"endpoint policy of {logical_id}",
                                      location, require_resource=False)
            self.model.endpoints[logical_id] = model.Endpoint(
                logical_id, location, self.ref_id(props.get("VpcId"), VPC, what="VPC"),
                self.b.string(props.get("ServiceName", "")), kind, private_dns,
                self.ref_list(props.get("SubnetIds", []), SUBNET, what="subnet"),
                self.ref_list(props.get("SecurityGroupIds", []), SECURITY_GROUP,
                              what="security group"),
                policy,
                private_dns_line=self.b.loaded.property_line(logical_id, "PrivateDnsEnabled"),
                private_dns_set="PrivateDnsEnabled" in props,
                security_groups_line=self.b.loaded.property_line(logical_id, "SecurityGroupIds"),
                policy_line=self.b.loaded.property_line(logical_id, "PolicyDocument"),
            )

    # --- placement -----------------------------------------------------------------------

    def place_function(self, workload: model.Workload, props: Mapping[str, Any]) -> None:
        config = self.b.taken_branches(props.get("VpcConfig"))
        if not isinstance(config, Mapping) or self.b.resolve(config) is NO_VALUE:
            return
        workload.placement = model.Placement(
            self.ref_list(config.get("SubnetIds", []), SUBNET, what="subnet"),
            self.ref_list(config.get("SecurityGroupIds", []), SECURITY_GROUP,
                          what="security group"),
            self.b.loaded.property_line(workload.id, "VpcConfig"))

    def place_instance(self, workload: model.Workload, data: Mapping[str, Any],
                       subnets_from_groups: list[StrValue] | None, path: tuple[str, ...]) -> None:
        interfaces = self.b.taken_branches(data.get("NetworkInterfaces"))
        primary = None
        if isinstance(interfaces, list):
            primary = next((i for i in interfaces if isinstance(i, Mapping)), None)
        subnets: list[StrValue] = []
        groups: list[StrValue] = []
        if primary is not None:
            subnet = self.ref_id(primary.get("SubnetId"), SUBNET, what="subnet")
            subnets = [subnet] if subnet is not None else []
            groups = self.ref_list(primary.get("GroupSet", primary.get("Groups", [])),
                                   SECURITY_GROUP, what="security group")
        if "SubnetId" in data:
            subnet = self.ref_id(data["SubnetId"], SUBNET, what="subnet")
            subnets = [subnet] if subnet is not None else []
        if "SecurityGroupIds" in data:
            groups = self.ref_list(data["SecurityGroupIds"], SECURITY_GROUP,
                                   what="security group")
        if "SecurityGroups" in data and workload.kind == "launch-configuration":
            groups = self.ref_list(data["SecurityGroups"], SECURITY_GROUP,
                                   what="security group")
        if subnets_from_groups:
            subnets = subnets_from_groups
        if not subnets:
            return  # the default VPC, whose subnets reach the internet
        workload.placement = model.Placement(subnets, groups,
                                             self.b.loaded.property_line(workload.id, *path),
                                             public_ip=self.public_ip(workload, data, primary))

    def public_ip(self, workload: model.Workload, data: Mapping[str, Any],
                  primary: Mapping[str, Any] | None) -> bool | Unknown | None:
        """Whether the instance gets a public IP: an Elastic IP of the template, else its
        (primary interface's) AssociatePublicIpAddress, else None: the subnet decides."""
        holder = data if workload.kind == "launch-configuration" else primary
        return instance_public_ip(
            workload.kind == "ec2-instance" and self.has_elastic_ip(workload.id),
            self.flag(holder["AssociatePublicIpAddress"],
                      f"AssociatePublicIpAddress of {workload.id}")
            if holder is not None and "AssociatePublicIpAddress" in holder else None)

    def has_elastic_ip(self, instance_id: str) -> bool:
        for logical_id, _ in self.b.of_type("AWS::EC2::EIP", "AWS::EC2::EIPAssociation"):
            props = self.b.properties(logical_id)
            if self.b.linked(props.get("InstanceId"), "AWS::EC2::Instance") == instance_id:
                return True
        return False

    def auto_scaling_subnets(self) -> dict[str, list[StrValue]]:
        """Launch template or configuration logical id -> the subnets of the groups that
        launch it."""
        found: dict[str, list[StrValue]] = {}
        for logical_id, _ in self.b.of_type("AWS::AutoScaling::AutoScalingGroup"):
            props = self.b.properties(logical_id)
            spec = props.get("LaunchTemplate")
            template: str | None = None
            if isinstance(spec, Mapping):
                template = self.b.linked(
                    spec.get("LaunchTemplateId", spec.get("LaunchTemplateName")),
                    "AWS::EC2::LaunchTemplate")
            elif "LaunchConfigurationName" in props:
                template = self.b.linked(props["LaunchConfigurationName"],
                                         "AWS::AutoScaling::LaunchConfiguration")
            if template is None or "VPCZoneIdentifier" not in props:
                continue
            found.setdefault(template, []).extend(
                self.ref_list(props["VPCZoneIdentifier"], SUBNET, what="subnet"))
        return found


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _port(value: Any) -> int | None:
    try:
        return int(value) if value is not None and not isinstance(value, bool) else None
    except (TypeError, ValueError):
        return None

