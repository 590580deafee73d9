"""The network half of the Terraform builder: VPCs, subnets, route tables and routes,
security groups and their rule resources, VPC endpoints, and workload placement.

Terraform semantics that differ from CloudFormation:

* an ``aws_security_group`` has no egress at all unless it declares ``egress`` blocks or
  rule resources add some: Terraform removes the default allow-all rule
  (``SecurityGroup.default_egress`` is False);
* the VPC's default security group is ``aws_vpc.x.default_security_group_id`` (its rules
  replaced by an ``aws_default_security_group`` when one is declared), and its main route
  table ``aws_vpc.x.main_route_table_id`` / ``default_route_table_id`` (replaced by an
  ``aws_default_route_table``, or chosen with ``aws_main_route_table_association``);
* a rule block lists several peers (``cidr_blocks``, ``security_groups``, ``self``...):
  each becomes one model rule;
* ``vpc_endpoint_type`` defaults to ``Gateway`` and ``private_dns_enabled`` to false.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cwlint import model
from cwlint.frontend.builder import VpcSteps
from cwlint.frontend.public_ip import boolean, instance_public_ip
from cwlint.terraform.builder import text
from cwlint.terraform.resources import Block, TfResource
from cwlint.values import Partial, StrValue, Unknown

if TYPE_CHECKING:
    from cwlint.terraform.builder import TerraformBuilder

DEFAULT_GROUP = ".default_security_group_id"
MAIN_TABLE = ".main_route_table_id"
GROUP_TYPES = ("aws_security_group", "aws_default_security_group")
TABLE_TYPES = ("aws_route_table", "aws_default_route_table")

#: Route arguments naming the next hop (other than gateway_id), and the kind of hop.
ROUTE_TARGETS = (
    ("nat_gateway_id", "nat-gateway"),
    ("instance_id", "nat-instance"),
    ("transit_gateway_id", "transit-gateway"),
    ("vpc_peering_connection_id", "peering"),
    ("network_interface_id", "network-interface"),
    ("egress_only_gateway_id", "egress-only-internet-gateway"),
    ("vpc_endpoint_id", "endpoint"),
    ("carrier_gateway_id", "unknown"),
    ("local_gateway_id", "unknown"),
    ("core_network_arn", "unknown"),
)
GATEWAY_TYPES = {"aws_internet_gateway": "internet-gateway", "aws_vpn_gateway": "vpn-gateway",
                 "aws_egress_only_internet_gateway": "egress-only-internet-gateway"}


class VpcBuilder(VpcSteps):
    b: TerraformBuilder

    def __init__(self, builder: TerraformBuilder) -> None:
        super().__init__(builder)
        self.main_tables: dict[str, str] = {}  # VPC id -> its main route table id

    # --- resolvers (a referenced resource attribute -> a model id) -----------------------

    def vpc_id(self, resource: TfResource, attribute: str) -> str | None:
        return resource.address if resource.type == "aws_vpc" else None

    def subnet_id(self, resource: TfResource, attribute: str) -> str | None:
        return resource.address if resource.type == "aws_subnet" else None

    def group_id(self, resource: TfResource, attribute: str) -> str | None:
        if resource.type == "aws_security_group":
            return resource.address
        if resource.type == "aws_vpc" and attribute == DEFAULT_GROUP[1:]:
            return resource.address + DEFAULT_GROUP
        if resource.type == "aws_default_security_group":
            vpc = self.b.link_one(resource.body, "vpc_id", self.vpc_id, ["aws_vpc"], "VPC")
            return vpc + DEFAULT_GROUP if isinstance(vpc, str) else None
        return None

    def table_id(self, resource: TfResource, attribute: str) -> str | None:
        if resource.type in TABLE_TYPES:
            return resource.address
        if resource.type == "aws_vpc" and attribute in ("main_route_table_id",
                                                        "default_route_table_id"):
            return self.main_table(resource.address)
        return None

    def main_table(self, vpc: str) -> str:
        """The id of a VPC's main route table (created as the VPC creates it: only the local
        route) the first time something refers to it."""
        if vpc not in self.main_tables:
            table_id = vpc + MAIN_TABLE
            location = self.model.vpcs[vpc].location if vpc in self.model.vpcs else model.Location(
                self.model.file, None, vpc)
            self.model.route_tables[table_id] = model.RouteTable(table_id, location, vpc, main=True)
            self.main_tables[vpc] = table_id
        return self.main_tables[vpc]

    def groups(self, block: Block, key: str) -> list[StrValue]:
        return self.b.link_list(block, key, self.group_id, GROUP_TYPES, "security group")

    def subnets_of(self, block: Block, key: str) -> list[StrValue]:
        return self.b.link_list(block, key, self.subnet_id, ["aws_subnet"], "subnet")

    def vpc_of(self, block: Block, key: str = "vpc_id") -> StrValue | None:
        return self.b.link_one(block, key, self.vpc_id, ["aws_vpc"], "VPC")

    # --- resources -------------------------------------------------------------------------

    def private_zones(self) -> None:
        """Route 53 private hosted zones (``vpc`` blocks and
        ``aws_route53_zone_association``) and the endpoints their alias records name."""
        def zone_id(resource: TfResource, attribute: str) -> str | None:
            return resource.address if resource.type == "aws_route53_zone" else None

        for resource in self.b.of_type("aws_route53_zone"):
            vpcs = [self.vpc_of(block) for block in resource.body.blocks("vpc")]
            if not vpcs:
                continue  # a public zone
            self.model.private_zones[resource.address] = model.PrivateZone(
                resource.address, resource.location, text(resource.body.get("name", "")),
                [v for v in vpcs if v is not None])
        for resource in self.b.of_type("aws_route53_zone_association"):
            zone = self.b.link_one(resource.body, "zone_id", zone_id, ["aws_route53_zone"],
                                   "hosted zone")
            vpc = self.vpc_of(resource.body)
            if isinstance(zone, str) and zone in self.model.private_zones and vpc is not None:
                self.model.private_zones[zone].vpcs.append(vpc)
        for resource in self.b.of_type("aws_route53_record"):
            zone = self.b.link_one(resource.body, "zone_id", zone_id, ["aws_route53_zone"],
                                   "hosted zone")
            if not isinstance(zone, str) or zone not in self.model.private_zones:
                continue
            for alias in resource.body.blocks("alias"):
                endpoint = self.alias_endpoint(alias)
                if endpoint is not None:
                    self.model.private_zones[zone].alias_endpoints.append(endpoint)

    def alias_endpoint(self, alias: Block) -> StrValue | None:
        """The endpoint an alias names: its address when it is an endpoint of the input
        (``dns_entry[0].dns_name``), Unknown for a literal ``vpce-...`` name, else None."""
        linked = self.b.link_one(
            alias, "name", lambda r, _a: r.address if r.type == "aws_vpc_endpoint" else None,
            ["aws_vpc_endpoint"], "VPC endpoint")
        if isinstance(linked, str):
            return linked
        value = alias.get("name")
        if isinstance(value, str) and ".vpce.amazonaws.com" in value and "vpce-" in value:
            return Unknown(f"endpoint {value} is not in this input")
        return None

    def vpcs(self) -> None:
        for resource in self.b.of_type("aws_vpc"):
            cidr = resource.body.get("cidr_block")
            vpc = model.Vpc(resource.address, resource.location,
                            [text(cidr)] if cidr not in (None, "") else [],
                            default_security_group=resource.address + DEFAULT_GROUP)
            self.model.vpcs[resource.address] = vpc
            assert vpc.default_security_group is not None
            default = model.SecurityGroup(vpc.default_security_group, vpc.location, vpc.id,
                                          default_egress=True)
            default.ingress.append(model.SecurityGroupRule("-1", None, None, default.id, "group",
                                                           vpc.location))
            self.model.security_groups[default.id] = default
        for resource in self.b.of_type("aws_vpc_ipv4_cidr_block_association"):
            vpc = self.vpc_of(resource.body)
            cidr = resource.body.get("cidr_block")
            if isinstance(vpc, str) and vpc in self.model.vpcs and cidr not in (None, ""):
                self.model.vpcs[vpc].cidrs.append(text(cidr))

    def subnets(self) -> None:
        for resource in self.b.of_type("aws_subnet"):
            cidr = resource.body.get("cidr_block")
            self.model.subnets[resource.address] = model.Subnet(
                resource.address, resource.location, self.vpc_of(resource.body),
                text(cidr) if cidr not in (None, "") else None,
                map_public_ip=flag(resource.body.get("map_public_ip_on_launch"), False,
                                   f"map_public_ip_on_launch of {resource.address}"))

    def route_tables(self) -> None:
        for resource in self.b.of_type("aws_default_route_table"):
            vpc = self.b.link_one(resource.body, "default_route_table_id",
                                  lambda r, _a: r.address if r.type == "aws_vpc" else None,
                                  ["aws_vpc"], "VPC")
            table = model.RouteTable(resource.address, resource.location, vpc, main=True)
            self.model.route_tables[resource.address] = table
            if isinstance(vpc, str):
                self.main_tables.setdefault(vpc, resource.address)
            table.routes.extend(self.inline_routes(resource))
        for resource in self.b.of_type("aws_route_table"):
            table = model.RouteTable(resource.address, resource.location,
                                     self.vpc_of(resource.body))
            table.routes.extend(self.inline_routes(resource))
            self.model.route_tables[resource.address] = table
        for resource in self.b.of_type("aws_main_route_table_association"):
            table_id = self.b.link_one(resource.body, "route_table_id", self.table_id,
                                       TABLE_TYPES, "route table")
            vpc = self.vpc_of(resource.body)
            if isinstance(table_id, str) and table_id in self.model.route_tables:
                table = self.model.route_tables[table_id]
                table.main = True
                if table.vpc is None:
                    table.vpc = vpc
                if isinstance(vpc, str):
                    previous = self.main_tables.get(vpc)
                    if previous is not None and previous != table_id:
                        self.model.route_tables[previous].main = False
                    self.main_tables[vpc] = table_id
        for resource in self.b.of_type("aws_route"):
            table_id = self.b.link_one(resource.body, "route_table_id", self.table_id,
                                       TABLE_TYPES, "route table")
            if isinstance(table_id, str) and table_id in self.model.route_tables:
                self.model.route_tables[table_id].routes.append(
                    self.route(resource.body, resource.location, resource.address))
        for resource in self.b.of_type("aws_route_table_association"):
            subnet = self.b.link_one(resource.body, "subnet_id", self.subnet_id, ["aws_subnet"],
                                     "subnet")
            if isinstance(subnet, str) and subnet in self.model.subnets:
                self.model.subnets[subnet].route_table = self.b.link_one(
                    resource.body, "route_table_id", self.table_id, TABLE_TYPES, "route table")

    def inline_routes(self, resource: TfResource) -> list[model.Route]:
        value = resource.body.get("route")
        if isinstance(value, Unknown):
            return [model.Route(Unknown(f"the routes of {resource.address}: {value.reason}"),
                                "unknown", resource.location)]
        return [self.route(block, resource.location, resource.address)
                for block in resource.body.blocks("route")]

    def route(self, block: Block, location: model.Location, owner: str) -> model.Route:
        destination: StrValue = Unknown(f"the destination of a route of {owner}")
        for key in ("destination_cidr_block", "cidr_block", "destination_ipv6_cidr_block",
                    "ipv6_cidr_block", "destination_prefix_list_id"):
            if _is_set(block.get(key)):
                destination = text(block[key])
                break
        return model.Route(destination, self.route_target(block), location)

    def route_target(self, block: Block) -> str:
        if _is_set(block.get("gateway_id")):
            kinds = self.b.linked(block["gateway_id"], block, "gateway_id",
                                  lambda r, _a: GATEWAY_TYPES.get(r.type))
            if kinds:
                return kinds[0]
            value = block["gateway_id"]
            if isinstance(value, str):
                if value == "local":
                    return "local"
                if value.startswith("igw-"):
                    return "internet-gateway"
                if value.startswith("vgw-"):
                    return "vpn-gateway"
            return "unknown"
        for key, kind in ROUTE_TARGETS:
            if _is_set(block.get(key)):
                return kind
        return "unknown"

    def security_groups(self) -> None:
        for resource in self.b.of_type("aws_security_group"):
            group = model.SecurityGroup(resource.address, resource.location,
                                        self.vpc_of(resource.body))
            self.inline_rules(group, resource)
            self.model.security_groups[resource.address] = group
        for resource in self.b.of_type("aws_default_security_group"):
            vpc = self.vpc_of(resource.body)
            if not isinstance(vpc, str) or vpc not in self.model.vpcs:
                continue
            group = model.SecurityGroup(vpc + DEFAULT_GROUP, resource.location, vpc)
            self.inline_rules(group, resource)
            self.model.security_groups[group.id] = group
        for resource in self.b.of_type("aws_security_group_rule"):
            direction = resource.body.get("type")
            group = self.group_of(resource.body)
            if group is None or direction not in ("ingress", "egress"):
                continue
            rules = self.rules(resource.body, group.id, resource.location, direction)
            (group.ingress if direction == "ingress" else group.egress).extend(rules)
        for rtype, direction in (("aws_vpc_security_group_ingress_rule", "ingress"),
                                 ("aws_vpc_security_group_egress_rule", "egress")):
            for resource in self.b.of_type(rtype):
                group = self.group_of(resource.body)
                if group is None:
                    continue
                rules = self.rules(resource.body, group.id, resource.location, direction)
                (group.ingress if direction == "ingress" else group.egress).extend(rules)

    def group_of(self, block: Block) -> model.SecurityGroup | None:
        group_id = self.b.link_one(block, "security_group_id", self.group_id, GROUP_TYPES,
                                   "security group")
        if isinstance(group_id, str):
            return self.model.security_groups.get(group_id)
        return None

    def inline_rules(self, group: model.SecurityGroup, resource: TfResource) -> None:
        for direction in ("ingress", "egress"):
            target = group.ingress if direction == "ingress" else group.egress
            value = resource.body.get(direction)
            if isinstance(value, Unknown):
                rules = Unknown(f"the {direction} rules of {group.id}: {value.reason}")
                target.append(model.SecurityGroupRule(rules, None, None, Unknown(value.reason),
                                                      "unknown", resource.location))
                continue
            for block in resource.body.blocks(direction):
                target.extend(self.rules(block, group.id, resource.location, direction))

    def rules(self, block: Block, group_id: str, location: model.Location,
              direction: str) -> list[model.SecurityGroupRule]:
        """One model rule per peer of a rule block or rule resource."""
        protocol = block.get("protocol", block.get("ip_protocol", "-1"))
        protocol_value: StrValue = text(protocol if protocol not in (None, "") else "-1")
        from_port, to_port = block.get("from_port"), block.get("to_port")
        if isinstance(protocol_value, str) and protocol_value.lower() in ("-1", "all"):
            low: int | None = None
            high: int | None = None
        else:
            low, high = _port(from_port), _port(to_port)
            if _unknown(from_port) or _unknown(to_port):
                protocol_value = Unknown("the ports of the rule are not known statically")
        peers: list[tuple[StrValue, str]] = []
        for key, kind in (("cidr_blocks", "cidr"), ("ipv6_cidr_blocks", "cidr6"),
                          ("prefix_list_ids", "prefix-list"), ("cidr_ipv4", "cidr"),
                          ("cidr_ipv6", "cidr6"), ("prefix_list_id", "prefix-list")):
            value = block.get(key)
            if value in (None, "", []):
                continue
            items = value if isinstance(value, list) else [value]
            for item in items:
                if item in (None, ""):
                    continue
                peers.append((text(item), kind if not isinstance(item, Unknown) else "unknown"))
        for key in ("security_groups",):
            peers.extend((g, "group") for g in self.groups(block, key))
        for key in ("source_security_group_id", "referenced_security_group_id"):
            linked = self.b.link_one(block, key, self.group_id, GROUP_TYPES, "security group")
            if linked is not None:
                peers.append((linked, "group"))
        if block.get("self") is True:
            peers.append((group_id, "group"))
        elif isinstance(block.get("self"), Unknown):
            peers.append((Unknown("whether the rule applies to its own group"), "unknown"))
        return [model.SecurityGroupRule(protocol_value, low, high, peer, kind, location)
                for peer, kind in peers]

    def endpoints(self) -> None:
        for resource in self.b.of_type("aws_vpc_endpoint"):
            body = resource.body
            kind = body.get("vpc_endpoint_type")
            dns = body.get("private_dns_enabled")
            private_dns: bool | Unknown
            if isinstance(dns, bool):
                private_dns = dns
            elif dns in (None, ""):
                private_dns = False
            elif isinstance(dns, str) and dns.lower() in ("true", "false"):
                private_dns = dns.lower() == "true"
            else:
                reason = dns.reason if isinstance(dns, (Unknown, Partial)) else "not a bool"
                private_dns = Unknown(f"private_dns_enabled is not known statically ({reason})")
            policy = None
            if self.b.setting(resource, "policy") not in (None, ""):
                policy = self.b.document(body["policy"], f"endpoint policy of {resource.address}",
                                         resource.location, require_resource=False)
            subnets = self.subnets_of(body, "subnet_ids") if self.b.setting(
                resource, "subnet_ids") is not None else []
            groups = self.groups(body, "security_group_ids") if self.b.setting(
                resource, "security_group_ids") is not None else []
            self.model.endpoints[resource.address] = model.Endpoint(
                resource.address, resource.location, self.vpc_of(body),
                text(body.get("service_name", "")),
                text(kind) if kind not in (None, "") else "Gateway", private_dns,
                subnets, groups, policy, private_dns_set=dns not in (None, ""))
        for resource in self.b.of_type("aws_vpc_endpoint_policy"):
            endpoint = self.endpoint_of(resource.body)
            if endpoint is not None and resource.body.get("policy") not in (None, ""):
                endpoint.policy = self.b.document(
                    resource.body["policy"], f"endpoint policy of {endpoint.id}",
                    resource.location, require_resource=False)
        for resource in self.b.of_type("aws_vpc_endpoint_security_group_association"):
            endpoint = self.endpoint_of(resource.body)
            if endpoint is not None:
                endpoint.security_groups.extend(
                    g for g in self.groups(resource.body, "security_group_id")
                    if g not in endpoint.security_groups)
        for resource in self.b.of_type("aws_vpc_endpoint_subnet_association"):
            endpoint = self.endpoint_of(resource.body)
            if endpoint is not None:
                endpoint.subnets.extend(s for s in self.subnets_of(resource.body, "subnet_id")
                                        if s not in endpoint.subnets)

    def endpoint_of(self, block: Block) -> model.Endpoint | None:
        endpoint_id = self.b.link_one(
            block, "vpc_endpoint_id",
            lambda r, _a: r.address if r.type == "aws_vpc_endpoint" else None,
            ["aws_vpc_endpoint"], "VPC endpoint")
        return self.model.endpoints.get(endpoint_id) if isinstance(endpoint_id, str) else None

    # --- placement -------------------------------------------------------------------------

    def place_function(self, workload: model.Workload, resource: TfResource) -> None:
        config = resource.body.first("vpc_config")
        if config is None:
            return
        subnets = self.subnets_of(config, "subnet_ids")
        groups = self.groups(config, "security_group_ids")
        if subnets or groups:
            workload.placement = model.Placement(subnets, groups, None)

    def place_instance(self, workload: model.Workload, resource: TfResource,
                       subnets_from_groups: list[StrValue] | None) -> None:
        body = resource.body
        subnets: list[StrValue] = []
        groups: list[StrValue] = []
        interfaces = body.blocks("network_interfaces" if resource.type == "aws_launch_template"
                                 else "network_interface")
        primary = interfaces[0] if interfaces else None
        if primary is not None:
            if primary.get("subnet_id") not in (None, ""):
                subnets = self.subnets_of(primary, "subnet_id")
            groups = self.groups(primary, "security_groups")
            attached = self.b.link_one(
                primary, "network_interface_id",
                lambda r, _a: r.address if r.type == "aws_network_interface" else None,
                ["aws_network_interface"], "network interface")
            interface = self.b.by_address.get(attached) if isinstance(attached, str) else None
            if interface is not None:
                subnets = self.subnets_of(interface.body, "subnet_id")
                groups = self.groups(interface.body, "security_groups")
        if body.get("subnet_id") not in (None, ""):
            subnets = self.subnets_of(body, "subnet_id")
        if body.get("vpc_security_group_ids") not in (None, "", []):
            groups = self.groups(body, "vpc_security_group_ids")
        if resource.type == "aws_launch_configuration" and body.get("security_groups") not in (
                None, "", []):
            groups = self.groups(body, "security_groups")
        if subnets_from_groups:
            subnets = subnets_from_groups
        if not subnets:
            return  # the default VPC, whose subnets reach the internet
        workload.placement = model.Placement(subnets, groups, None,
                                             public_ip=self.public_ip(resource, primary))

    def public_ip(self, resource: TfResource, primary: Block | None) -> bool | Unknown | None:
        """Whether the instance gets a public IP: an Elastic IP of the input, else its
        (primary interface's) associate_public_ip_address when the configuration sets it,
        else None: the subnet's map_public_ip_on_launch decides."""
        return instance_public_ip(
            resource.type == "aws_instance" and self.has_elastic_ip(resource),
            self.associate_public_ip(resource, primary))

    def associate_public_ip(self, resource: TfResource, primary: Block | None
                            ) -> bool | Unknown | None:
        """``associate_public_ip_address`` when the configuration sets it, else None."""
        if resource.type == "aws_launch_template":
            holder, set_here = primary, primary is not None
        else:
            holder, set_here = resource.body, self.b.setting(
                resource, "associate_public_ip_address") is not None
        value = holder.get("associate_public_ip_address") if holder is not None else None
        if not set_here or value is None or value == "":
            return None
        if resource.type == "aws_instance" and isinstance(value, Unknown) and (
                resource.is_set("associate_public_ip_address") is None):
            return None  # a plan without configuration: the provider computed it
        return flag(value, None, f"associate_public_ip_address of {resource.address}")

    def has_elastic_ip(self, instance: TfResource) -> bool:
        def is_instance(resource: TfResource, attribute: str) -> str | None:
            return resource.address if resource.type == "aws_instance" else None

        for eip in self.b.of_type("aws_eip", "aws_eip_association"):
            key = "instance" if eip.type == "aws_eip" else "instance_id"
            if eip.body.get(key) in (None, "") and not eip.body.refs.get(key):
                continue
            if self.b.link_one(eip.body, key, is_instance, ["aws_instance"],
                               "instance") == instance.address:
                return True
        return False

    def auto_scaling_subnets(self) -> dict[str, list[StrValue]]:
        """Launch template address -> the subnets of the Auto Scaling groups using it."""
        found: dict[str, list[StrValue]] = {}

        def template(resource: TfResource, attribute: str) -> str | None:
            return resource.address if resource.type == "aws_launch_template" else None

        def configuration(resource: TfResource, attribute: str) -> str | None:
            return resource.address if resource.type == "aws_launch_configuration" else None

        for resource in self.b.of_type("aws_autoscaling_group"):
            specs: list[tuple[Block, tuple[str, ...]]] = [
                (b, ("id", "name")) for b in resource.body.blocks("launch_template")]
            if resource.body.get("launch_configuration") not in (None, "") and resource.body.get(
                    "vpc_zone_identifier") not in (None, "", []):
                linked = self.b.link_one(resource.body, "launch_configuration", configuration,
                                         ["aws_launch_configuration"], "launch configuration")
                if isinstance(linked, str) and linked in self.b.by_address:
                    found.setdefault(linked, []).extend(
                        self.subnets_of(resource.body, "vpc_zone_identifier"))
            for policy in resource.body.blocks("mixed_instances_policy"):
                for launch in policy.blocks("launch_template"):
                    specs += [(s, ("launch_template_id", "launch_template_name"))
                              for s in launch.blocks("launch_template_specification")]
            if resource.body.get("vpc_zone_identifier") in (None, "", []):
                continue
            subnets = self.subnets_of(resource.body, "vpc_zone_identifier")
            for spec, keys in specs:
                for key in keys:
                    linked = self.b.link_one(spec, key, template, ["aws_launch_template"],
                                             "launch template")
                    if isinstance(linked, str) and linked in self.b.by_address:
                        found.setdefault(linked, []).extend(subnets)
                        break
        return found


def flag(value: Any, default: bool | None, what: str) -> bool | Unknown:
    """A boolean argument; ``default`` when not set; Unknown when not known statically."""
    if value is None or value == "":
        return default if default is not None else Unknown(f"{what} is not set")
    return boolean(value, what)


def _is_set(value: Any) -> bool:
    return value not in (None, "", [])


def _unknown(value: Any) -> bool:
    return isinstance(value, (Unknown, Partial))


def _port(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return int(value)
    if isinstance(value, str):
        try:
            return int(value)
        except ValueError:
            return None
    return None
