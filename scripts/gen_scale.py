#!/usr/bin/env python3
"""Generate a large, valid CloudFormation template for scale benchmarks.

Usage::

    python scripts/gen_scale.py N OUT.yaml [--format yaml|json] [--no-mistakes]

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
import json
import sys
from collections.abc import Iterator
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
    parser.add_argument("output", metavar="OUT", help="file to write ('-' for stdout)")
    parser.add_argument("--format", choices=("yaml", "json"), default=None,
                        help="output format (default: from OUT's suffix, else yaml)")
    parser.add_argument("--no-mistakes", action="store_true",
                        help="leave out the deliberate monitoring mistakes")
    args = parser.parse_args(argv)
    try:
        template = generate(args.count, mistakes=not args.no_mistakes)
    except ValueError as exc:
        parser.error(str(exc))
    fmt = args.format or ("json" if args.output.endswith(".json") else "yaml")
    text = json.dumps(template, indent=2) + "\n" if fmt == "json" else to_yaml(template)
    if args.output == "-":
        sys.stdout.write(text)
    else:
        with open(args.output, "w", encoding="utf-8") as handle:
            handle.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
