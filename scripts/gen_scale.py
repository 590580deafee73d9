#!/usr/bin/env python3
"""Generate a large, valid CloudFormation template or Terraform plan for scale benchmarks.

Usage::

    python scripts/gen_scale.py N OUT.yaml [--format yaml|json] [--no-mistakes]
    python scripts/gen_scale.py N OUT.json --kind plan [--no-mistakes]
    python scripts/gen_scale.py N OUT_DIR --kind hcl [--no-mistakes]

``--kind plan`` writes the same stack as a Terraform plan, ``terraform show -json`` of
``format_version`` 1.2 (see :func:`generate_plan`); ``--kind hcl`` writes it as a
Terraform configuration, one module directory with one ``.tf`` file per zone (see
:func:`generate_hcl`).

The template has exactly ``N`` resources, wired together the way real stacks are:

* per VPC ("zone", up to :data:`CELLS_PER_ZONE` cells): the VPC, a route table with no
  internet route, an endpoint security group admitting TCP 443 from the VPC's CIDR
  (``!GetAtt Vpc.CidrBlock``), and interface endpoints with private DNS for
  ``monitoring`` and ``logs``, and for ``ec2`` and ``ssm`` (the agent calls
  ``ec2:DescribeTags`` and reads its configuration from Parameter Store);
* per cell (:data:`RESOURCES_PER_CELL` resources): a subnet and its route table
  association, a workload security group, a Lambda function (``Role``, ``Environment``
  ``METRICS_NAMESPACE``, ``VpcConfig``, ``LoggingConfig``, inline code calling
  ``put_metric_data``) with its log group and role (inline policy scoped to the log group
  and to a ``cloudwatch:namespace`` condition), a customer managed policy attached to two
  roles through ``Roles``, an EC2 instance that installs and starts the CloudWatch agent
  from ``UserData`` with its role (``ManagedPolicyArns``) and instance profile, the agent's
  SSM configuration parameter, and an alarm on the function's custom metric.

Unless ``--no-mistakes`` is given, a fixed, deterministic fraction of cells carries one of
the mistakes cwlint exists to find (a namespace that differs in letter case, a bare
log-group ARN, an agent role without ``CloudWatchAgentServerPolicy``, a misspelled action),
so the rules' reporting paths are exercised too. The output depends only on the arguments.

cfn-lint finds nothing in it but the deliberate misspelling (W3037) and, above 500
resources, CloudFormation's per-stack resource quota (E3010): the large templates exist to
measure scale, not to be deployed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: Cells per VPC; each cell takes one /24 of the VPC's /16.
CELLS_PER_ZONE = 50
#: Resources in one cell (see :func:`cell_resources`).
RESOURCES_PER_CELL = 12
#: Resources shared by the cells of one zone (see :func:`zone_resources`).
RESOURCES_PER_ZONE = 7
#: At most this many zones fit the 10.Z.0.0/16 address plan.
MAX_ZONES = 256

Resource = dict[str, Any]


def ref(name: str) -> dict[str, str]:
    """``{"Ref": name}``."""
    return {"Ref": name}


def get_att(name: str, attribute: str) -> dict[str, list[str]]:
    """``{"Fn::GetAtt": [name, attribute]}``."""
    return {"Fn::GetAtt": [name, attribute]}


def sub(text: str) -> dict[str, str]:
    """``{"Fn::Sub": text}``."""
    return {"Fn::Sub": text}


def assume_role(service: str) -> dict[str, Any]:
    """A trust policy letting ``service`` assume the role."""
    return {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": service},
                       "Action": "sts:AssumeRole"}],
    }


def zone_resources(zone: int) -> Iterator[tuple[str, Resource]]:
    """The :data:`RESOURCES_PER_ZONE` resources every cell of ``zone`` shares."""
    vpc = f"Vpc{zone}"
    yield vpc, {
        "Type": "AWS::EC2::VPC",
        "Properties": {
            "CidrBlock": f"10.{zone}.0.0/16",
            "EnableDnsSupport": True,
            "EnableDnsHostnames": True,
            "Tags": [{"Key": "Name", "Value": sub(f"${{Environment}}-vpc-{zone}")}],
        },
    }
    yield f"{vpc}RouteTable", {
        "Type": "AWS::EC2::RouteTable",
        "Properties": {"VpcId": ref(vpc)},
    }
    yield f"{vpc}EndpointSecurityGroup", {
        "Type": "AWS::EC2::SecurityGroup",
        "Properties": {
            "GroupDescription": f"Interface endpoints of VPC {zone}",
            "VpcId": ref(vpc),
            "SecurityGroupIngress": [{
                "IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
                "CidrIp": get_att(vpc, "CidrBlock"),
            }],
        },
    }
    first_subnet = f"Subnet{zone * CELLS_PER_ZONE}"
    for service, name in (("monitoring", "Monitoring"), ("logs", "Logs"), ("ec2", "Ec2"),
                          ("ssm", "Ssm")):
        yield f"{vpc}{name}Endpoint", {
            "Type": "AWS::EC2::VPCEndpoint",
            "Properties": {
                "VpcEndpointType": "Interface",
                "ServiceName": sub(f"com.amazonaws.${{AWS::Region}}.{service}"),
                "VpcId": ref(vpc),
                "SubnetIds": [ref(first_subnet)],
                "SecurityGroupIds": [ref(f"{vpc}EndpointSecurityGroup")],
                "PrivateDnsEnabled": True,
            },
        }


FUNCTION_CODE = """\
import os
import boto3

cloudwatch = boto3.client("cloudwatch")


def handler(event, context):
    cloudwatch.put_metric_data(
        Namespace=os.environ["METRICS_NAMESPACE"],
        MetricData=[{"MetricName": "Processed", "Value": len(event.get("Records", []))}],
    )
    return {"ok": True}
"""

USER_DATA = """\
#!/bin/bash
set -euo pipefail
dnf install -y amazon-cloudwatch-agent
/opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 \\
  -c ssm:${AgentConfig} -s
"""


def cell_resources(cell: int, mistakes: bool) -> Iterator[tuple[str, Resource]]:
    """The :data:`RESOURCES_PER_CELL` resources of one application cell."""
    zone, slot = divmod(cell, CELLS_PER_ZONE)
    vpc = f"Vpc{zone}"
    subnet, app, agent = f"Subnet{cell}", f"App{cell}", f"Agent{cell}"
    namespace = f"Cell{cell}/App"
    name = f"${{Environment}}-app-{cell}"

    granted_namespace = namespace.lower() if mistakes and cell % 13 == 7 else namespace
    log_resource: Any = get_att(f"{app}LogGroup", "Arn")
    if mistakes and cell % 17 == 5:
        log_resource = sub(f"arn:${{AWS::Partition}}:logs:${{AWS::Region}}:${{AWS::AccountId}}"
                           f":log-group:/aws/lambda/{name}")
    read_action = ("cloudwatch:DescribeAlarm" if mistakes and cell % 23 == 11
                   else "cloudwatch:DescribeAlarms")
    agent_policies = [
        sub("arn:${AWS::Partition}:iam::aws:policy/AmazonSSMManagedInstanceCore"),
    ]
    if not (mistakes and cell % 19 == 3):
        agent_policies.append(
            sub("arn:${AWS::Partition}:iam::aws:policy/CloudWatchAgentServerPolicy"))

    yield subnet, {
        "Type": "AWS::EC2::Subnet",
        "Properties": {
            "VpcId": ref(vpc),
            "CidrBlock": f"10.{zone}.{slot}.0/24",
            "AvailabilityZone": {"Fn::Select": [slot % 2, {"Fn::GetAZs": ""}]},
            "Tags": [{"Key": "Name", "Value": sub(f"${{Environment}}-private-{cell}")}],
        },
    }
    yield f"{subnet}RouteTableAssociation", {
        "Type": "AWS::EC2::SubnetRouteTableAssociation",
        "Properties": {"SubnetId": ref(subnet), "RouteTableId": ref(f"{vpc}RouteTable")},
    }
    yield f"{app}SecurityGroup", {
        "Type": "AWS::EC2::SecurityGroup",
        "Properties": {
            "GroupDescription": f"Workloads of cell {cell}",
            "VpcId": ref(vpc),
            "SecurityGroupEgress": [{
                "IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
                "CidrIp": get_att(vpc, "CidrBlock"),
            }],
        },
    }
    yield f"{app}LogGroup", {
        "Type": "AWS::Logs::LogGroup",
        "Properties": {"LogGroupName": sub(f"/aws/lambda/{name}"), "RetentionInDays": 14},
    }
    yield f"{app}Role", {
        "Type": "AWS::IAM::Role",
        "Properties": {
            "AssumeRolePolicyDocument": assume_role("lambda.amazonaws.com"),
            "ManagedPolicyArns": [sub("arn:${AWS::Partition}:iam::aws:policy/service-role/"
                                      "AWSLambdaVPCAccessExecutionRole")],
            "Policies": [{
                "PolicyName": "monitoring",
                "PolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {"Sid": "PublishMetrics", "Effect": "Allow",
                         "Action": "cloudwatch:PutMetricData", "Resource": "*",
                         "Condition": {"StringEquals": {
                             "cloudwatch:namespace": granted_namespace}}},
                        {"Sid": "WriteLogs", "Effect": "Allow",
                         "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                         "Resource": log_resource},
                        {"Sid": "ReadAlarms", "Effect": "Allow",
                         "Action": read_action, "Resource": "*"},
                    ],
                },
            }],
        },
    }
    yield f"{app}Function", {
        "Type": "AWS::Lambda::Function",
        "Properties": {
            "FunctionName": sub(name),
            "Runtime": "python3.12",
            "Handler": "index.handler",
            "Role": get_att(f"{app}Role", "Arn"),
            "Code": {"ZipFile": FUNCTION_CODE},
            "Environment": {"Variables": {"METRICS_NAMESPACE": namespace,
                                          "STAGE": ref("Environment")}},
            "VpcConfig": {"SubnetIds": [ref(subnet)],
                          "SecurityGroupIds": [ref(f"{app}SecurityGroup")]},
            "LoggingConfig": {"LogGroup": ref(f"{app}LogGroup"), "LogFormat": "Text"},
            "Timeout": 30,
        },
    }
    yield f"{app}SharedPolicy", {
        "Type": "AWS::IAM::ManagedPolicy",
        "Properties": {
            "Description": f"Configuration reads shared by cell {cell}",
            "Roles": [ref(f"{app}Role"), ref(f"{agent}Role")],
            "PolicyDocument": {
                "Version": "2012-10-17",
                "Statement": [{
                    "Effect": "Allow",
                    "Action": ["ssm:GetParameter", "ssm:GetParameters"],
                    "Resource": sub("arn:${AWS::Partition}:ssm:${AWS::Region}:"
                                    f"${{AWS::AccountId}}:parameter/{name}/*"),
                }],
            },
        },
    }
    yield f"{agent}Role", {
        "Type": "AWS::IAM::Role",
        "Properties": {
            "AssumeRolePolicyDocument": assume_role("ec2.amazonaws.com"),
            "ManagedPolicyArns": agent_policies,
        },
    }
    yield f"{agent}InstanceProfile", {
        "Type": "AWS::IAM::InstanceProfile",
        "Properties": {"Roles": [ref(f"{agent}Role")]},
    }
    yield f"{agent}ConfigParameter", {
        "Type": "AWS::SSM::Parameter",
        "Properties": {
            "Name": sub(f"AmazonCloudWatch-{name}"),
            "Type": "String",
            "Value": json.dumps({"metrics": {"namespace": namespace,
                                             "metrics_collected": {"mem": {
                                                 "measurement": ["mem_used_percent"]}}}},
                                sort_keys=True),
        },
    }
    yield f"{agent}Instance", {
        "Type": "AWS::EC2::Instance",
        "Properties": {
            "ImageId": ref("AmiId"),
            "InstanceType": "t3.micro",
            "IamInstanceProfile": ref(f"{agent}InstanceProfile"),
            "SubnetId": ref(subnet),
            "SecurityGroupIds": [ref(f"{app}SecurityGroup")],
            "UserData": {"Fn::Base64": {"Fn::Sub": [
                USER_DATA, {"AgentConfig": ref(f"{agent}ConfigParameter")}]}},
        },
    }
    yield f"{app}ProcessedAlarm", {
        "Type": "AWS::CloudWatch::Alarm",
        "Properties": {
            "AlarmDescription": f"Cell {cell} stopped processing",
            "Namespace": namespace,
            "MetricName": "Processed",
            "Dimensions": [{"Name": "FunctionName", "Value": ref(f"{app}Function")}],
            "Statistic": "Sum",
            "Period": 300,
            "EvaluationPeriods": 1,
            "Threshold": 1,
            "ComparisonOperator": "LessThanThreshold",
            "TreatMissingData": "breaching",
        },
    }


def padding_resource(index: int) -> tuple[str, Resource]:
    """A standalone log group that tops the template up to exactly N resources."""
    return f"Padding{index}LogGroup", {
        "Type": "AWS::Logs::LogGroup",
        "Properties": {"LogGroupName": sub(f"/${{Environment}}/padding/{index}"),
                       "RetentionInDays": 7},
    }


def generate(count: int, mistakes: bool = True) -> dict[str, Any]:
    """A template with exactly ``count`` resources (see the module documentation)."""
    if count < 1:
        raise ValueError("the template needs at least one resource")
    resources: dict[str, Resource] = {}
    cell = 0
    while True:
        zone_overhead = RESOURCES_PER_ZONE if cell % CELLS_PER_ZONE == 0 else 0
        if len(resources) + zone_overhead + RESOURCES_PER_CELL > count:
            break
        if cell // CELLS_PER_ZONE >= MAX_ZONES:
            raise ValueError(f"at most {MAX_ZONES * CELLS_PER_ZONE} cells fit the address plan")
        if zone_overhead:
            resources.update(zone_resources(cell // CELLS_PER_ZONE))
        resources.update(cell_resources(cell, mistakes))
        cell += 1
    index = 0
    while len(resources) < count:
        name, resource = padding_resource(index)
        resources[name] = resource
        index += 1
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": f"cwlint scale benchmark: {count} resources in {cell} cells",
        "Parameters": {
            "Environment": {"Type": "String", "Default": "prod",
                            "AllowedValues": ["dev", "staging", "prod"]},
            "AmiId": {
                "Type": "AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>",
                "Default": "/aws/service/ami-amazon-linux-latest/"
                           "al2023-ami-kernel-default-x86_64",
            },
        },
        "Resources": resources,
    }


# --- Terraform -------------------------------------------------------------------------

#: Resources in one Terraform cell (see :func:`tf_cell`); a zone has RESOURCES_PER_ZONE.
TF_RESOURCES_PER_CELL = 14
REGION, ACCOUNT, PARTITION = "us-east-1", "123456789012", "aws"
PROVIDER = "registry.terraform.io/hashicorp/aws"
#: Attributes every resource computes at apply time (``after_unknown``).
COMPUTED = ("id", "arn", "tags_all")


@dataclass
class TfResource:
    """One managed resource of a generated Terraform stack, in the plan's terms.

    ``values`` are the attribute values known when planning (``planned_values``),
    ``unknown`` the ``after_unknown`` markers (values Terraform knows only after apply,
    absent from ``values``), ``expressions`` the configuration's expressions: a constant
    (``{"constant_value": v}``), references (``{"references": [...]}``), ``{}`` for a
    function call without references, or a list of nested blocks of expressions.
    """

    rtype: str
    name: str
    values: dict[str, Any]
    unknown: dict[str, Any]
    expressions: dict[str, Any]
    sensitive: dict[str, Any] = field(default_factory=dict)

    @property
    def address(self) -> str:
        return f"{self.rtype}.{self.name}"


def const(value: Any) -> dict[str, Any]:
    """A configuration expression with a constant value."""
    return {"constant_value": value}


def refs(address: str, attribute: str) -> dict[str, list[str]]:
    """A configuration expression referring to ``address.attribute``."""
    return {"references": [f"{address}.{attribute}", address]}


def tf_policy(*statements: dict[str, Any]) -> str:
    """A policy document as the AWS provider normalises it (``jsonencode``)."""
    return json.dumps({"Statement": list(statements), "Version": "2012-10-17"},
                      separators=(",", ":"), sort_keys=True)


def tf_assume_role(service: str) -> str:
    return tf_policy({"Action": "sts:AssumeRole", "Effect": "Allow",
                      "Principal": {"Service": service}})


def tf_zone(zone: int) -> Iterator[TfResource]:
    """The :data:`RESOURCES_PER_ZONE` resources every cell of ``zone`` shares."""
    vpc, cidr = f"aws_vpc.zone{zone}", f"10.{zone}.0.0/16"
    tags = {"Name": f"prod-vpc-{zone}"}
    yield TfResource("aws_vpc", f"zone{zone}", {
        "cidr_block": cidr, "enable_dns_hostnames": True, "enable_dns_support": True,
        "instance_tenancy": "default", "tags": tags,
    }, {**{k: True for k in COMPUTED}, "default_security_group_id": True,
        "main_route_table_id": True, "owner_id": True}, {
        "cidr_block": const(cidr), "enable_dns_hostnames": const(True),
        "enable_dns_support": const(True), "tags": const(tags),
    })
    yield TfResource("aws_route_table", f"zone{zone}", {"tags": None, "timeouts": None},
                     {**{k: True for k in COMPUTED}, "owner_id": True, "propagating_vgws": True,
                      "route": True, "vpc_id": True}, {"vpc_id": refs(vpc, "id")})
    rule = {"cidr_blocks": [cidr], "description": "", "from_port": 443, "ipv6_cidr_blocks": [],
            "prefix_list_ids": [], "protocol": "tcp", "security_groups": [], "self": False,
            "to_port": 443}
    yield TfResource("aws_security_group", f"endpoints{zone}", {
        "description": f"Interface endpoints of VPC {zone}", "name": f"prod-endpoints-{zone}",
        "revoke_rules_on_delete": False, "tags": None, "timeouts": None, "ingress": [rule],
    }, {**{k: True for k in COMPUTED}, "owner_id": True, "vpc_id": True, "egress": True,
        "name_prefix": True}, {
        "description": const(f"Interface endpoints of VPC {zone}"),
        "name": const(f"prod-endpoints-{zone}"), "vpc_id": refs(vpc, "id"),
        "ingress": [{"cidr_blocks": refs(vpc, "cidr_block"), "from_port": const(443),
                     "protocol": const("tcp"), "to_port": const(443)}],
    })
    first_subnet = f"aws_subnet.cell{zone * CELLS_PER_ZONE}"
    for service in ("monitoring", "logs", "ec2", "ssm"):
        yield TfResource("aws_vpc_endpoint", f"{service}{zone}", {
            "auto_accept": None, "ip_address_type": "ipv4",
            "service_name": f"com.amazonaws.{REGION}.{service}", "tags": None,
            "timeouts": None, "vpc_endpoint_type": "Interface", "private_dns_enabled": True,
        }, {**{k: True for k in COMPUTED}, "cidr_blocks": True, "dns_entry": True,
            "dns_options": True, "network_interface_ids": True, "owner_id": True,
            "policy": True, "prefix_list_id": True, "requester_managed": True,
            "route_table_ids": True, "security_group_ids": True, "state": True,
            "subnet_configuration": True, "subnet_ids": True, "vpc_id": True}, {
            "service_name": {"references": ["data.aws_region.current.name",
                                            "data.aws_region.current"]},
            "vpc_endpoint_type": const("Interface"), "private_dns_enabled": const(True),
            "vpc_id": refs(vpc, "id"), "subnet_ids": refs(first_subnet, "id"),
            "security_group_ids": refs(f"aws_security_group.endpoints{zone}", "id"),
        })


def tf_cell(cell: int, mistakes: bool) -> Iterator[TfResource]:
    """The :data:`TF_RESOURCES_PER_CELL` resources of one application cell: what
    :func:`cell_resources` declares in CloudFormation, in the AWS provider's terms (the
    role's inline policy is an ``aws_iam_role_policy``; the shared policy reaches both
    roles through an ``aws_iam_policy_attachment``)."""
    zone, slot = divmod(cell, CELLS_PER_ZONE)
    vpc, vpc_cidr = f"aws_vpc.zone{zone}", f"10.{zone}.0.0/16"
    subnet, sg = f"aws_subnet.cell{cell}", f"aws_security_group.app{cell}"
    log_group, role = f"aws_cloudwatch_log_group.app{cell}", f"aws_iam_role.app{cell}"
    agent_role, profile = f"aws_iam_role.agent{cell}", f"aws_iam_instance_profile.agent{cell}"
    namespace, name, agent_name = f"Cell{cell}/App", f"prod-app-{cell}", f"prod-agent-{cell}"
    log_group_name = f"/aws/lambda/{name}"
    log_arn = f"arn:{PARTITION}:logs:{REGION}:{ACCOUNT}:log-group:{log_group_name}"
    granted_namespace = namespace.lower() if mistakes and cell % 13 == 7 else namespace
    log_resource = log_arn if mistakes and cell % 17 == 5 else f"{log_arn}:*"
    read_action = ("cloudwatch:DescribeAlarm" if mistakes and cell % 23 == 11
                   else "cloudwatch:DescribeAlarms")
    agent_policies = [f"arn:{PARTITION}:iam::aws:policy/AmazonSSMManagedInstanceCore"]
    if not (mistakes and cell % 19 == 3):
        agent_policies.append(f"arn:{PARTITION}:iam::aws:policy/CloudWatchAgentServerPolicy")
    parameter = f"AmazonCloudWatch-{name}"
    user_data = USER_DATA.replace("${AgentConfig}", parameter)
    computed = {k: True for k in COMPUTED}
    subnet_tags = {"Name": f"prod-private-{cell}"}

    yield TfResource("aws_subnet", f"cell{cell}", {
        "assign_ipv6_address_on_creation": False, "availability_zone": f"{REGION}{'ab'[slot % 2]}",
        "cidr_block": f"10.{zone}.{slot}.0/24", "map_public_ip_on_launch": False,
        "tags": subnet_tags, "timeouts": None,
    }, {**computed, "availability_zone_id": True, "owner_id": True, "vpc_id": True}, {
        "availability_zone": const(f"{REGION}{'ab'[slot % 2]}"),
        "cidr_block": const(f"10.{zone}.{slot}.0/24"), "tags": const(subnet_tags),
        "vpc_id": refs(vpc, "id"),
    })
    yield TfResource("aws_route_table_association", f"cell{cell}",
                     {"gateway_id": None, "timeouts": None},
                     {"id": True, "route_table_id": True, "subnet_id": True},
                     {"route_table_id": refs(f"aws_route_table.zone{zone}", "id"),
                      "subnet_id": refs(subnet, "id")})
    yield TfResource("aws_security_group", f"app{cell}", {
        "description": f"Workloads of cell {cell}", "name": f"prod-app-{cell}",
        "revoke_rules_on_delete": False, "tags": None, "timeouts": None,
        "egress": [{"cidr_blocks": [vpc_cidr], "description": "", "from_port": 443,
                    "ipv6_cidr_blocks": [], "prefix_list_ids": [], "protocol": "tcp",
                    "security_groups": [], "self": False, "to_port": 443}],
    }, {**computed, "ingress": True, "name_prefix": True, "owner_id": True, "vpc_id": True}, {
        "description": const(f"Workloads of cell {cell}"), "name": const(f"prod-app-{cell}"),
        "vpc_id": refs(vpc, "id"),
        "egress": [{"cidr_blocks": refs(vpc, "cidr_block"), "from_port": const(443),
                    "protocol": const("tcp"), "to_port": const(443)}],
    })
    yield TfResource("aws_cloudwatch_log_group", f"app{cell}", {
        "kms_key_id": None, "log_group_class": "STANDARD", "name": log_group_name,
        "retention_in_days": 14, "skip_destroy": False, "tags": None,
    }, {**computed, "name_prefix": True}, {
        "name": const(log_group_name), "retention_in_days": const(14),
    })
    yield TfResource("aws_iam_role", f"app{cell}", {
        "assume_role_policy": tf_assume_role("lambda.amazonaws.com"), "description": None,
        "force_detach_policies": False, "max_session_duration": 3600, "name": name,
        "path": "/", "permissions_boundary": None, "tags": None,
        "managed_policy_arns": [f"arn:{PARTITION}:iam::aws:policy/service-role/"
                                "AWSLambdaVPCAccessExecutionRole"],
    }, {**computed, "create_date": True, "inline_policy": True, "name_prefix": True,
        "unique_id": True}, {
        "assume_role_policy": {}, "name": const(name),
        "managed_policy_arns": const([f"arn:{PARTITION}:iam::aws:policy/service-role/"
                                      "AWSLambdaVPCAccessExecutionRole"]),
    })
    yield TfResource("aws_iam_role_policy", f"app{cell}", {
        "name": "monitoring",
        "policy": tf_policy(
            {"Action": "cloudwatch:PutMetricData", "Condition": {"StringEquals": {
                "cloudwatch:namespace": granted_namespace}}, "Effect": "Allow",
             "Resource": "*", "Sid": "PublishMetrics"},
            {"Action": ["logs:CreateLogStream", "logs:PutLogEvents"], "Effect": "Allow",
             "Resource": log_resource, "Sid": "WriteLogs"},
            {"Action": read_action, "Effect": "Allow", "Resource": "*", "Sid": "ReadAlarms"}),
    }, {"id": True, "name_prefix": True, "role": True}, {
        "name": const("monitoring"),
        "policy": {"references": ["data.aws_caller_identity.current.account_id",
                                  "data.aws_caller_identity.current"]},
        "role": refs(role, "id"),
    })
    yield TfResource("aws_lambda_function", f"app{cell}", {
        "architectures": ["x86_64"], "description": None,
        "environment": [{"variables": {"METRICS_NAMESPACE": namespace, "STAGE": "prod"}}],
        "filename": "app.zip", "function_name": name, "handler": "index.handler",
        "logging_config": [{"application_log_level": "", "log_format": "Text",
                            "log_group": log_group_name, "system_log_level": ""}],
        "memory_size": 128, "package_type": "Zip", "publish": False,
        "reserved_concurrent_executions": -1, "runtime": "python3.12", "tags": None,
        "timeout": 30, "timeouts": None,
        "vpc_config": [{"ipv6_allowed_for_dual_stack": False}],
    }, {**computed, "code_sha256": True, "invoke_arn": True, "last_modified": True,
        "qualified_arn": True, "qualified_invoke_arn": True, "role": True,
        "source_code_hash": True, "source_code_size": True, "version": True,
        "environment": [{"variables": {}}],
        "vpc_config": [{"security_group_ids": True, "subnet_ids": True, "vpc_id": True}]}, {
        "filename": const("app.zip"), "function_name": const(name),
        "handler": const("index.handler"), "runtime": const("python3.12"),
        "timeout": const(30), "role": refs(role, "arn"),
        "environment": [{"variables": const({"METRICS_NAMESPACE": namespace,
                                             "STAGE": "prod"})}],
        "logging_config": [{"log_format": const("Text"),
                            "log_group": refs(log_group, "name")}],
        "vpc_config": [{"security_group_ids": refs(sg, "id"), "subnet_ids": refs(subnet, "id")}],
    }, {"architectures": [False], "environment": [{"variables": {}}],
        "logging_config": [{}], "vpc_config": [{}]})
    shared_policy = tf_policy({
        "Action": ["ssm:GetParameter", "ssm:GetParameters"], "Effect": "Allow",
        "Resource": f"arn:{PARTITION}:ssm:{REGION}:{ACCOUNT}:parameter/{name}/*"})
    yield TfResource("aws_iam_policy", f"shared{cell}", {
        "description": f"Configuration reads shared by cell {cell}", "name": f"{name}-shared",
        "path": "/", "policy": shared_policy, "tags": None,
    }, {**computed, "attachment_count": True, "name_prefix": True, "policy_id": True}, {
        "description": const(f"Configuration reads shared by cell {cell}"),
        "name": const(f"{name}-shared"),
        "policy": {"references": ["data.aws_caller_identity.current.account_id",
                                  "data.aws_caller_identity.current"]},
    })
    yield TfResource("aws_iam_policy_attachment", f"shared{cell}", {
        "groups": None, "name": f"{name}-shared", "roles": [name, agent_name], "users": None,
    }, {"id": True, "policy_arn": True, "roles": [False, False]}, {
        "name": const(f"{name}-shared"),
        "policy_arn": refs(f"aws_iam_policy.shared{cell}", "arn"),
        "roles": {"references": [f"{role}.name", role, f"{agent_role}.name", agent_role]},
    })
    yield TfResource("aws_iam_role", f"agent{cell}", {
        "assume_role_policy": tf_assume_role("ec2.amazonaws.com"), "description": None,
        "force_detach_policies": False, "max_session_duration": 3600, "name": agent_name,
        "path": "/", "permissions_boundary": None, "tags": None,
        "managed_policy_arns": agent_policies,
    }, {**computed, "create_date": True, "inline_policy": True, "name_prefix": True,
        "unique_id": True}, {
        "assume_role_policy": {}, "name": const(agent_name),
        "managed_policy_arns": const(agent_policies),
    })
    yield TfResource("aws_iam_instance_profile", f"agent{cell}", {
        "name": agent_name, "path": "/", "role": agent_name, "tags": None,
    }, {**computed, "create_date": True, "name_prefix": True, "unique_id": True}, {
        "name": const(agent_name), "role": refs(agent_role, "name"),
    })
    agent_config = json.dumps({"metrics": {"namespace": namespace, "metrics_collected": {
        "mem": {"measurement": ["mem_used_percent"]}}}}, sort_keys=True)
    yield TfResource("aws_ssm_parameter", f"agent{cell}", {
        "allowed_pattern": None, "data_type": "text", "description": None,
        "name": parameter, "overwrite": None, "tags": None, "tier": "Standard",
        "type": "String", "value": agent_config,
    }, {**computed, "insecure_value": True, "key_id": True, "version": True}, {
        "name": const(parameter), "type": const("String"), "value": {},
    }, {"value": True})
    yield TfResource("aws_instance", f"agent{cell}", {
        "ami": "ami-0123456789abcdef0", "get_password_data": False, "hibernation": None,
        "iam_instance_profile": agent_name, "instance_type": "t3.micro",
        "source_dest_check": True, "tags": None, "timeouts": None,
        "user_data": hashlib.sha1(user_data.encode()).hexdigest(),
        "user_data_replace_on_change": False, "volume_tags": None,
    }, {**computed, "availability_zone": True, "private_ip": True, "public_ip": True,
        "subnet_id": True, "vpc_security_group_ids": True}, {
        "ami": const("ami-0123456789abcdef0"), "instance_type": const("t3.micro"),
        "iam_instance_profile": refs(profile, "name"), "subnet_id": refs(subnet, "id"),
        "user_data": const(user_data), "vpc_security_group_ids": refs(sg, "id"),
    })
    yield TfResource("aws_cloudwatch_metric_alarm", f"app{cell}", {
        "actions_enabled": True, "alarm_actions": None,
        "alarm_description": f"Cell {cell} stopped processing", "alarm_name": f"{name}-processed",
        "comparison_operator": "LessThanThreshold", "dimensions": {"FunctionName": name},
        "evaluation_periods": 1, "metric_name": "Processed", "metric_query": [],
        "namespace": namespace, "period": 300, "statistic": "Sum", "tags": None,
        "threshold": 1, "treat_missing_data": "breaching", "unit": None,
    }, {**computed, "evaluate_low_sample_count_percentiles": True}, {
        "alarm_description": const(f"Cell {cell} stopped processing"),
        "alarm_name": const(f"{name}-processed"),
        "comparison_operator": const("LessThanThreshold"),
        "dimensions": {"references": [f"aws_lambda_function.app{cell}.function_name",
                                      f"aws_lambda_function.app{cell}"]},
        "evaluation_periods": const(1), "metric_name": const("Processed"),
        "namespace": const(namespace), "period": const(300), "statistic": const("Sum"),
        "threshold": const(1), "treat_missing_data": const("breaching"),
    }, {"metric_query": []})


def tf_padding(index: int) -> TfResource:
    """A standalone log group that tops the stack up to exactly N resources."""
    name = f"/prod/padding/{index}"
    return TfResource("aws_cloudwatch_log_group", f"padding{index}", {
        "kms_key_id": None, "log_group_class": "STANDARD", "name": name,
        "retention_in_days": 7, "skip_destroy": False, "tags": None,
    }, {k: True for k in COMPUTED}, {"name": const(name), "retention_in_days": const(7)})


def tf_resources(count: int, mistakes: bool = True) -> list[TfResource]:
    """Exactly ``count`` managed resources: zones and cells as in :func:`generate`."""
    if count < 1:
        raise ValueError("the stack needs at least one resource")
    resources: list[TfResource] = []
    cell = 0
    while True:
        zone_overhead = RESOURCES_PER_ZONE if cell % CELLS_PER_ZONE == 0 else 0
        if len(resources) + zone_overhead + TF_RESOURCES_PER_CELL > count:
            break
        if cell // CELLS_PER_ZONE >= MAX_ZONES:
            raise ValueError(f"at most {MAX_ZONES * CELLS_PER_ZONE} cells fit the address plan")
        if zone_overhead:
            resources.extend(tf_zone(cell // CELLS_PER_ZONE))
        resources.extend(tf_cell(cell, mistakes))
        cell += 1
    resources.extend(tf_padding(i) for i in range(count - len(resources)))
    return resources


#: The data sources the stack reads while planning (in ``prior_state``).
DATA_SOURCES = [
    ("aws_region", {"description": "US East (N. Virginia)", "id": REGION, "name": REGION,
                    "endpoint": f"ec2.{REGION}.amazonaws.com"}),
    ("aws_caller_identity", {"account_id": ACCOUNT, "arn": f"arn:aws:iam::{ACCOUNT}:user/ci",
                             "id": ACCOUNT, "user_id": "AIDAEXAMPLE"}),
]


def generate_plan(count: int, mistakes: bool = True) -> dict[str, Any]:
    """``terraform show -json`` of a plan creating exactly ``count`` resources.

    The shape is Terraform 1.7's (``format_version`` 1.2): ``planned_values`` (what is
    known when planning; unknown attributes are left out), ``resource_changes`` (actions
    ``create``, ``after`` and ``after_unknown``), ``prior_state`` (the data sources read),
    ``configuration`` (the provider and each resource's expressions, whose
    ``references`` link resources whose ids are known only after apply), and
    ``relevant_attributes``. Resources appear in address order, as Terraform writes them.
    """
    resources = sorted(tf_resources(count, mistakes), key=lambda r: r.address)
    planned, changes, configured = [], [], []
    for r in resources:
        common = {"address": r.address, "mode": "managed", "type": r.rtype, "name": r.name}
        planned.append({**common, "provider_name": PROVIDER, "schema_version": 0,
                        "values": r.values, "sensitive_values": r.sensitive})
        changes.append({**common, "provider_name": PROVIDER, "change": {
            "actions": ["create"], "before": None, "after": r.values,
            "after_unknown": r.unknown, "before_sensitive": False,
            "after_sensitive": r.sensitive}})
        configured.append({**common, "provider_config_key": "aws",
                           "expressions": r.expressions, "schema_version": 0})
    data = []
    for rtype, values in DATA_SOURCES:
        address = f"data.{rtype}.current"
        data.append({"address": address, "mode": "data", "type": rtype, "name": "current",
                     "provider_name": PROVIDER, "schema_version": 0, "values": values,
                     "sensitive_values": {}})
        configured.append({"address": address, "mode": "data", "type": rtype,
                           "name": "current", "provider_config_key": "aws", "expressions": {},
                           "schema_version": 0})
    return {
        "format_version": "1.2",
        "terraform_version": "1.7.5",
        "planned_values": {"root_module": {"resources": planned}},
        "resource_changes": changes,
        "prior_state": {"format_version": "1.0", "terraform_version": "1.7.5",
                        "values": {"root_module": {"resources": data}}},
        "configuration": {
            "provider_config": {"aws": {
                "name": "aws", "full_name": PROVIDER, "version_constraint": "~> 5.0",
                "expressions": {"region": const(REGION)}}},
            "root_module": {"resources": configured},
        },
        "relevant_attributes": [],
        "timestamp": "2026-01-15T09:30:00Z",
        "applyable": True,
        "complete": True,
        "errored": False,
    }


#: Attributes whose references are lists in HCL (``subnet_ids = [aws_subnet.a.id]``).
HCL_LISTS = {"subnet_ids", "security_group_ids", "vpc_security_group_ids", "cidr_blocks",
             "roles"}
#: Attributes the configuration builds with ``jsonencode`` of the planned value.
HCL_JSON = {"policy", "assume_role_policy", "value"}
#: Attributes with an expression of their own shape.
HCL_SPECIAL = {
    "service_name": lambda r: json.dumps(r.values["service_name"]).replace(
        REGION, "${data.aws_region.current.name}"),
    "dimensions": lambda r: '{ "FunctionName" = aws_lambda_function.'
                            + r.name + ".function_name }",
}


def hcl_literal(value: Any, indent: str = "") -> str:
    """A constant as HCL (strings escaped, ``${`` and ``%{`` doubled)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, (int, float)):
        return json.dumps(value)
    if isinstance(value, str):
        return json.dumps(value).replace("${", "$${").replace("%{", "%%{")
    if isinstance(value, list):
        return "[" + ", ".join(hcl_literal(v, indent) for v in value) + "]"
    inner = indent + "  "
    items = "".join(f"{inner}{json.dumps(str(k))} = {hcl_literal(v, inner)}\n"
                    for k, v in value.items())
    return "{\n" + items + indent + "}"


def hcl_attribute(resource: TfResource, key: str, expression: Any, value: Any,
                  indent: str) -> str:
    """One ``key = expression`` line of a resource block."""
    if key in HCL_SPECIAL:
        text = HCL_SPECIAL[key](resource)
    elif key in HCL_JSON and isinstance(value, str):
        text = f"jsonencode({hcl_literal(json.loads(value), indent)})"
    elif isinstance(expression, dict) and "constant_value" in expression:
        text = hcl_literal(expression["constant_value"], indent)
    elif isinstance(expression, dict) and expression.get("references"):
        traversals = expression["references"][0::2]
        text = (f"[{', '.join(traversals)}]" if key in HCL_LISTS or len(traversals) > 1
                else traversals[0])
    else:
        text = hcl_literal(value, indent)
    return f"{indent}{key} = {text}\n"


def hcl_block(resource: TfResource) -> str:
    """A ``resource`` block with the arguments the configuration sets."""
    lines = [f'resource "{resource.rtype}" "{resource.name}" {{\n']
    for key, expression in resource.expressions.items():
        value = resource.values.get(key)
        if isinstance(expression, list):  # nested blocks
            for index, nested in enumerate(expression):
                known = value[index] if isinstance(value, list) and index < len(value) else {}
                lines.append(f"\n  {key} {{\n")
                lines += [hcl_attribute(resource, k, e, known.get(k), "    ")
                          for k, e in nested.items()]
                lines.append("  }\n")
        else:
            lines.append(hcl_attribute(resource, key, expression, value, "  "))
    lines.append("}\n")
    return "".join(lines)


def generate_hcl(count: int, mistakes: bool = True) -> dict[str, str]:
    """The stack of :func:`generate_plan` as one Terraform module: file name -> text
    (``main.tf`` with the provider and data sources, one ``zone-Z.tf`` per VPC and its
    cells, ``padding.tf``)."""
    files: dict[str, list[str]] = {"main.tf": [
        'terraform {\n  required_providers {\n    aws = {\n      source  = "hashicorp/aws"\n'
        '      version = "~> 5.0"\n    }\n  }\n}\n\n'
        f'provider "aws" {{\n  region = "{REGION}"\n}}\n\n'
        'data "aws_region" "current" {}\n\ndata "aws_caller_identity" "current" {}\n']}
    zone = -1
    for resource in tf_resources(count, mistakes):
        if resource.rtype == "aws_vpc":
            zone += 1
        name = "padding.tf" if resource.name.startswith("padding") else f"zone-{zone}.tf"
        files.setdefault(name, []).append(hcl_block(resource))
    return {name: "\n".join(blocks) for name, blocks in files.items()}


def to_yaml(template: dict[str, Any]) -> str:
    """Block-style YAML (multi-line strings as literal blocks), key order preserved."""
    import yaml

    base: type = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml's emitter is faster

    class _Dumper(base):  # type: ignore[misc, valid-type]
        pass

    def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
        style = "|" if "\n" in value else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    _Dumper.add_representer(str, _str)
    return yaml.dump(template, Dumper=_Dumper, sort_keys=False, default_flow_style=False,
                     width=100)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("count", type=int, metavar="N", help="number of resources")
    parser.add_argument("output", metavar="OUT", help="file to write ('-' for stdout; a "
                        "directory for --kind hcl)")
    parser.add_argument("--kind", choices=("cfn", "plan", "hcl"), default="cfn",
                        help="a CloudFormation template (default), a Terraform plan "
                        "(terraform show -json) or a Terraform module directory")
    parser.add_argument("--format", choices=("yaml", "json"), default=None,
                        help="template format (default: from OUT's suffix, else yaml)")
    parser.add_argument("--no-mistakes", action="store_true",
                        help="leave out the deliberate monitoring mistakes")
    args = parser.parse_args(argv)
    mistakes = not args.no_mistakes
    try:
        if args.kind == "hcl":
            if args.output == "-":
                parser.error("--kind hcl writes a directory, not stdout")
            files = generate_hcl(args.count, mistakes)
            Path(args.output).mkdir(parents=True, exist_ok=True)
            for name, text in files.items():
                Path(args.output, name).write_text(text, encoding="utf-8")
            return 0
        if args.kind == "plan":
            text = json.dumps(generate_plan(args.count, mistakes), indent=2) + "\n"
        else:
            template = generate(args.count, mistakes=mistakes)
            fmt = args.format or ("json" if args.output.endswith(".json") else "yaml")
            text = json.dumps(template, indent=2) + "\n" if fmt == "json" else to_yaml(template)
    except ValueError as exc:
        parser.error(str(exc))
    if args.output == "-":
        sys.stdout.write(text)
    else:
        with open(args.output, "w", encoding="utf-8") as handle:
            handle.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
