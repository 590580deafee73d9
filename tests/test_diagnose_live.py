"""``cwlint diagnose --live`` against a real moto server on 127.0.0.1.

The account is built through boto3 before the tests run (roles, policies, boundaries,
instances, Lambda functions, VPCs, route tables, endpoints, security groups); the installed
``cwlint`` command then diagnoses messages against it with ``--endpoint-url``. The refusal
of write calls is tested on the read-only client itself, against the same server.
"""

from __future__ import annotations

import io
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.session import get_session

from cwlint.diagnose.readonly import (
    READ_ONLY_OPERATIONS,
    CallFailed,
    ReadOnlyAWS,
    WriteRefused,
    refuse_writes,
)

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures" / "diagnose"
ACCOUNT = "123456789012"
REGION = "us-east-1"
CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def doc(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def trust(service: str) -> str:
    return doc({"Effect": "Allow", "Principal": {"Service": service},
                "Action": "sts:AssumeRole"})


def base_env(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_DEFAULT_REGION=REGION, AWS_CONFIG_FILE=str(tmp / "no-config"),
               AWS_SHARED_CREDENTIALS_FILE=str(tmp / "no-credentials"),
               AWS_EC2_METADATA_DISABLED="true")
    return env


@dataclass
class World:
    """The account the tests diagnose against."""

    endpoint: str
    instances: dict[str, str] = field(default_factory=dict)
    groups: dict[str, str] = field(default_factory=dict)
    endpoints: dict[str, str] = field(default_factory=dict)
    boundary_arn: str = ""


class Builder:
    """Creates the account's resources through plain boto3 clients."""

    def __init__(self, endpoint: str) -> None:
        kwargs = {"endpoint_url": endpoint, "region_name": REGION, **CREDENTIALS}
        self.iam = boto3.client("iam", **kwargs)
        self.ec2 = boto3.client("ec2", **kwargs)
        self.lam = boto3.client("lambda", **kwargs)
        self.world = World(endpoint)
        self.ami = self.ec2.describe_images()["Images"][0]["ImageId"]

    def role(self, name: str, service: str = "ec2.amazonaws.com",
             inline: dict[str, str] | None = None, attached: tuple[str, ...] = (),
             boundary: str | None = None) -> str:
        kwargs: dict[str, Any] = {"RoleName": name, "AssumeRolePolicyDocument": trust(service)}
        if boundary:
            kwargs["PermissionsBoundary"] = boundary
        arn = self.iam.create_role(**kwargs)["Role"]["Arn"]
        for policy_name, document in (inline or {}).items():
            self.iam.put_role_policy(RoleName=name, PolicyName=policy_name,
                                     PolicyDocument=document)
        for policy_arn in attached:
            self.iam.attach_role_policy(RoleName=name, PolicyArn=policy_arn)
        return arn

    def network(self, name: str, cidr: str) -> tuple[str, str, str]:
        """A VPC, one subnet with its own route table (local route only), a workload group."""
        vpc = self.ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
        subnet = self.ec2.create_subnet(VpcId=vpc, CidrBlock=cidr.replace("/16", "/24"))
        subnet_id = subnet["Subnet"]["SubnetId"]
        table = self.ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
        self.ec2.associate_route_table(RouteTableId=table, SubnetId=subnet_id)
        group = self.ec2.create_security_group(GroupName=f"{name}-workload",
                                               Description="workload", VpcId=vpc)["GroupId"]
        self.world.groups[f"{name}-workload"] = group
        return vpc, subnet_id, table

    def instance(self, name: str, subnet: str, group: str, role: str | None = None) -> str:
        kwargs: dict[str, Any] = {"ImageId": self.ami, "MinCount": 1, "MaxCount": 1,
                                  "SubnetId": subnet, "SecurityGroupIds": [group]}
        if role:
            profile = self.iam.create_instance_profile(InstanceProfileName=f"{name}-profile")
            self.iam.add_role_to_instance_profile(InstanceProfileName=f"{name}-profile",
                                                  RoleName=role)
            kwargs["IamInstanceProfile"] = {"Arn": profile["InstanceProfile"]["Arn"]}
        instance_id = self.ec2.run_instances(**kwargs)["Instances"][0]["InstanceId"]
        self.world.instances[name] = instance_id
        return instance_id

    def endpoint(self, name: str, vpc: str, subnet: str, service: str, private_dns: bool,
                 policy: str | None = None) -> tuple[str, str]:
        group = self.ec2.create_security_group(GroupName=f"{name}-endpoint",
                                               Description="endpoint", VpcId=vpc)["GroupId"]
        kwargs: dict[str, Any] = {"VpcId": vpc, "ServiceName": f"com.amazonaws.{REGION}.{service}",
                                  "VpcEndpointType": "Interface", "SubnetIds": [subnet],
                                  "SecurityGroupIds": [group], "PrivateDnsEnabled": private_dns}
        if policy:
            kwargs["PolicyDocument"] = policy
        endpoint_id = self.ec2.create_vpc_endpoint(**kwargs)["VpcEndpoint"]["VpcEndpointId"]
        self.world.groups[f"{name}-endpoint"] = group
        self.world.endpoints[name] = endpoint_id
        return endpoint_id, group

    def function(self, name: str, role_arn: str, subnet: str | None = None,
                 group: str | None = None) -> None:
        archive = io.BytesIO()
        with zipfile.ZipFile(archive, "w") as zipped:
            zipped.writestr("app.py", "def handler(event, context):\n    return None\n")
        kwargs: dict[str, Any] = {"FunctionName": name, "Runtime": "python3.12",
                                  "Role": role_arn, "Handler": "app.handler",
                                  "Code": {"ZipFile": archive.getvalue()}}
        if subnet and group:
            kwargs["VpcConfig"] = {"SubnetIds": [subnet], "SecurityGroupIds": [group]}
        self.lam.create_function(**kwargs)


def build(endpoint: str) -> World:
    b = Builder(endpoint)
    allow_metrics = {"Effect": "Allow", "Action": "cloudwatch:PutMetricData", "Resource": "*"}
    # identity scenarios
    b.role("my-app-role", inline={"app-logs": doc(
        {"Effect": "Allow", "Action": "logs:*", "Resource": "*"})})
    lambda_role = b.role("my-lambda-role", "lambda.amazonaws.com", inline={"logs": doc(
        {"Sid": "Logs", "Effect": "Allow",
         "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
         "Resource": f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/aws/lambda/my-function"})})
    b.function("my-function", lambda_role)
    orders = b.iam.create_policy(PolicyName="orders-metrics", PolicyDocument=doc(
        {"Sid": "OrdersOnly", "Effect": "Allow", "Action": "cloudwatch:PutMetricData",
         "Resource": "*", "Condition": {"StringEquals": {"cloudwatch:namespace": "Orders"}}}))
    b.role("ns-role", attached=(orders["Policy"]["Arn"],))
    b.role("typo-role", inline={"metrics": doc(
        {"Sid": "Typo", "Effect": "Allow", "Action": "cloudwatch:PutMetricsData",
         "Resource": "*"})})
    b.role("deny-role", inline={"guard": doc(
        {"Sid": "NoMetrics", "Effect": "Deny", "Action": "cloudwatch:PutMetricData",
         "Resource": "*"})},
           attached=("arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy",))
    boundary = b.iam.create_policy(PolicyName="metrics-only-boundary", PolicyDocument=doc(
        {"Effect": "Allow", "Action": "cloudwatch:*", "Resource": "*"}))["Policy"]["Arn"]
    b.world.boundary_arn = boundary
    b.role("bounded-role", "lambda.amazonaws.com",
           attached=("arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",),
           boundary=boundary)
    b.role("allowed-role", inline={"metrics": doc(allow_metrics)})
    # the endpoint policy of the workload's VPC denies PutMetricData
    b.role("ep-role", inline={"metrics": doc(allow_metrics)})
    vpc, subnet, _ = b.network("ep", "10.10.0.0/16")
    b.endpoint("ep", vpc, subnet, "monitoring", True, json.dumps({"Statement": [
        {"Sid": "NoMetricsHere", "Effect": "Deny", "Principal": "*",
         "Action": "cloudwatch:PutMetricData", "Resource": "*"},
        {"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]}))
    b.instance("ep", subnet, b.world.groups["ep-workload"], "ep-role")
    # network scenarios
    vpc, subnet, _ = b.network("iso", "10.20.0.0/16")
    b.instance("iso", subnet, b.world.groups["iso-workload"])
    vpc, subnet, _ = b.network("dnsoff", "10.30.0.0/16")
    b.endpoint("dnsoff", vpc, subnet, "logs", False)
    b.instance("dnsoff", subnet, b.world.groups["dnsoff-workload"])
    vpc, subnet, _ = b.network("sgblock", "10.40.0.0/16")
    b.endpoint("sgblock", vpc, subnet, "monitoring", True)
    b.instance("sgblock", subnet, b.world.groups["sgblock-workload"])
    vpc, subnet, _ = b.network("egress", "10.50.0.0/16")
    _, endpoint_group = b.endpoint("egress", vpc, subnet, "monitoring", True)
    workload = b.world.groups["egress-workload"]
    b.ec2.authorize_security_group_ingress(GroupId=endpoint_group, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
         "UserIdGroupPairs": [{"GroupId": workload}]}])
    b.ec2.revoke_security_group_egress(GroupId=workload, IpPermissions=[
        {"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    b.instance("egress", subnet, workload)
    vpc, subnet, table = b.network("nat", "10.60.0.0/16")
    public = b.ec2.create_subnet(VpcId=vpc, CidrBlock="10.60.9.0/24")["Subnet"]["SubnetId"]
    allocation = b.ec2.allocate_address(Domain="vpc")["AllocationId"]
    nat = b.ec2.create_nat_gateway(SubnetId=public, AllocationId=allocation)
    b.ec2.create_route(RouteTableId=table, DestinationCidrBlock="0.0.0.0/0",
                       NatGatewayId=nat["NatGateway"]["NatGatewayId"])
    b.instance("nat", subnet, b.world.groups["nat-workload"])
    vpc, subnet, table = b.network("igw", "10.70.0.0/16")
    gateway = b.ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    b.ec2.attach_internet_gateway(InternetGatewayId=gateway, VpcId=vpc)
    b.ec2.create_route(RouteTableId=table, DestinationCidrBlock="0.0.0.0/0",
                       GatewayId=gateway)
    vpc_fn_role = b.role("vpc-fn-role", "lambda.amazonaws.com")
    b.function("vpc-fn", vpc_fn_role, subnet, b.world.groups["igw-workload"])
    # the default route goes to a transit gateway: whether it reaches the internet is unknown
    vpc, subnet, table = b.network("tgw", "10.80.0.0/16")
    transit = b.ec2.create_transit_gateway()["TransitGateway"]["TransitGatewayId"]
    b.ec2.create_route(RouteTableId=table, DestinationCidrBlock="0.0.0.0/0",
                       TransitGatewayId=transit)
    b.instance("tgw", subnet, b.world.groups["tgw-workload"])
    # the endpoint's group admits TCP 443 from the VPC's CIDR, not from a group
    vpc, subnet, _ = b.network("cidr", "10.90.0.0/16")
    _, endpoint_group = b.endpoint("cidr", vpc, subnet, "monitoring", True)
    b.ec2.authorize_security_group_ingress(GroupId=endpoint_group, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
         "IpRanges": [{"CidrIp": "10.90.0.0/16"}]}])
    b.instance("cidr", subnet, b.world.groups["cidr-workload"])
    return b.world


@pytest.fixture(scope="module")
def world() -> Iterator[World]:
    from moto.server import ThreadedMotoServer

    previous = os.environ.get("MOTO_IAM_LOAD_MANAGED_POLICIES")
    os.environ["MOTO_IAM_LOAD_MANAGED_POLICIES"] = "true"  # AWS managed policies can attach
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    try:
        urllib.request.urlopen(urllib.request.Request(f"{endpoint}/moto-api/reset",
                                                      method="POST"))
        yield build(endpoint)
    finally:
        server.stop()
        if previous is None:
            os.environ.pop("MOTO_IAM_LOAD_MANAGED_POLICIES", None)
        else:
            os.environ["MOTO_IAM_LOAD_MANAGED_POLICIES"] = previous


def cwlint(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    command = [str(Path(sys.executable).with_name("cwlint")), "diagnose", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=300, env=env)


def live(world: World, tmp_path: Path, message: str, *extra: str) -> dict[str, Any]:
    env = base_env(tmp_path)
    env.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing")
    result = cwlint(message, "--live", "--endpoint-url", world.endpoint, "--format", "json",
                    *extra, env=env)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    (diagnosis,) = json.loads(result.stdout)["diagnoses"]
    return diagnosis


def statuses(diagnosis: dict[str, Any]) -> dict[str, str]:
    return {(c["rule_id"] or c["name"]): c["status"] for c in diagnosis["causes"]}


def evidence(diagnosis: dict[str, Any], key: str) -> str:
    cause = next(c for c in diagnosis["causes"] if (c["rule_id"] or c["name"]) == key)
    return "\n".join(cause["evidence"])


def denied(role: str, session: str, action: str, resource: str = "*", clause: str = "") -> str:
    return (f"An error occurred (AccessDenied) when calling the {action.split(':')[1]} "
            f"operation: User: arn:aws:sts::{ACCOUNT}:assumed-role/{role}/{session} is not "
            f"authorized to perform: {action} on resource: {resource} {clause}")


def calls(diagnosis: dict[str, Any]) -> list[str]:
    return [c["call"] for c in diagnosis["live"]["calls"]]


# --- AccessDenied ----------------------------------------------------------------------------


def test_issue_put_metric_data_live(world: World, tmp_path: Path) -> None:
    diagnosis = live(world, tmp_path, (FIXTURES / "issue-put-metric-data.txt").read_text())
    found = statuses(diagnosis)
    assert diagnosis["causes"][0]["rule_id"] == "CWL001"
    assert found["CWL001"] == "confirmed"
    assert found["CWL002"] == "ruled_out" and found["CWL008"] == "ruled_out"
    assert "no statement of the role's policies (inline policy app-logs) allows " \
           "cloudwatch:PutMetricData on *" in evidence(diagnosis, "CWL001")
    info = diagnosis["live"]
    assert info["account"] == ACCOUNT
    assert info["evaluation"]["decision"] == "implicit_deny"
    assert info["role"]["arn"] == f"arn:aws:iam::{ACCOUNT}:role/my-app-role"
    assert info["simulation"]["available"] is False  # moto does not implement it
    assert any("i-0abc123def456" in p for p in info["problems"])  # no such instance
    # without the workload's VPC, the region's endpoints are listed, not blamed
    assert found["CWL014"] == "suspected"
    assert "the workload's VPC is unknown" in evidence(diagnosis, "CWL014")
    assert set(info) == {"error", "region", "account", "caller", "conclusion", "role",
                         "evaluation", "simulation", "workload", "network", "problems",
                         "missing_permissions", "calls"}
    assert calls(diagnosis)[:4] == ["sts:GetCallerIdentity", "iam:GetRole",
                                    "iam:ListRolePolicies", "iam:GetRolePolicy"]
    assert info["missing_permissions"] == []


def test_issue_lambda_live_names_the_bare_group_grant(world: World, tmp_path: Path) -> None:
    diagnosis = live(world, tmp_path,
                     (FIXTURES / "issue-lambda-put-log-events.txt").read_text())
    found = statuses(diagnosis)
    assert [c["rule_id"] for c in diagnosis["causes"][:2]] == ["CWL003", "CWL004"]
    assert found["CWL003"] == found["CWL004"] == "confirmed"
    assert "inline policy logs, statement 'Logs' grants logs:PutLogEvents on " \
           "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/my-function, which " \
           "matches the log group but none of its streams" in evidence(diagnosis, "CWL003")
    assert found["CWL014"] == "ruled_out"  # the function is not in a VPC
    assert diagnosis["live"]["workload"]["in_vpc"] is False
    assert "lambda:GetFunctionConfiguration" in calls(diagnosis)


def test_namespace_condition(world: World, tmp_path: Path) -> None:
    diagnosis = live(world, tmp_path, denied("ns-role", "i-0123456789abcdef0",
                                             "cloudwatch:PutMetricData"))
    found = statuses(diagnosis)
    assert diagnosis["causes"][0]["rule_id"] == "CWL002"
    assert found["CWL002"] == "confirmed"
    assert found["CWL001"] == "undecided"
    assert f"policy arn:aws:iam::{ACCOUNT}:policy/orders-metrics, statement 'OrdersOnly' " \
           "allows PutMetricData only when StringEquals cloudwatch:namespace = ['Orders']" in \
        evidence(diagnosis, "CWL002")
    assert diagnosis["live"]["role"]["policies"][0]["source"] == "account"
    assert diagnosis["live"]["evaluation"]["decision"] == "unknown"


def test_misspelled_action(world: World, tmp_path: Path) -> None:
    diagnosis = live(world, tmp_path, denied("typo-role", "i-0123456789abcdef0",
                                             "cloudwatch:PutMetricData"))
    found = statuses(diagnosis)
    assert diagnosis["causes"][0]["rule_id"] == "CWL008"
    assert found["CWL008"] == found["CWL001"] == "confirmed"
    assert "names cloudwatch:PutMetricsData, which does not exist" in \
        evidence(diagnosis, "CWL008")


def test_explicit_deny_is_named_and_managed_policy_comes_from_shipped_data(
        world: World, tmp_path: Path) -> None:
    diagnosis = live(world, tmp_path, denied("deny-role", "i-0123456789abcdef0",
                                             "cloudwatch:PutMetricData", "*",
                                             "with an explicit deny in an identity-based "
                                             "policy"))
    assert statuses(diagnosis) == {"CWL007": "confirmed"}
    assert "denied by inline policy guard, statement 'NoMetrics' (identity)" in \
        evidence(diagnosis, "CWL007")
    policies = {p["name"]: p["source"] for p in diagnosis["live"]["role"]["policies"]}
    assert policies == {
        "inline policy guard": "account",
        "policy arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy": "shipped"}
    assert "iam:GetPolicy" not in calls(diagnosis)


def test_permissions_boundary_fetched_from_the_account(world: World, tmp_path: Path) -> None:
    stream = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/aws/lambda/bounded:log-stream:s"
    diagnosis = live(world, tmp_path, denied("bounded-role", "bounded", "logs:PutLogEvents",
                                             stream, "because no permissions boundary allows "
                                             "the logs:PutLogEvents action"))
    assert statuses(diagnosis) == {"CWL007": "confirmed"}
    assert f"the permissions boundary {world.boundary_arn} has no statement allowing " \
           "logs:PutLogEvents" in evidence(diagnosis, "CWL007")
    role = diagnosis["live"]["role"]
    assert role["permissions_boundary"] == world.boundary_arn
    assert {p["kind"]: p["source"] for p in role["policies"]} == {
        "attached": "shipped", "boundary": "account"}
    fetched = [c for c in calls(diagnosis) if c in ("iam:GetPolicy", "iam:GetPolicyVersion")]
    assert fetched == ["iam:GetPolicy", "iam:GetPolicyVersion"]
    assert diagnosis["live"]["evaluation"]["missing_allow"] == ["permissions_boundary"]


def test_allowed_by_the_role_points_elsewhere(world: World, tmp_path: Path) -> None:
    diagnosis = live(world, tmp_path, denied("allowed-role", "i-0123456789abcdef0",
                                             "cloudwatch:PutMetricData"))
    found = statuses(diagnosis)
    assert found["CWL001"] == "ruled_out"
    assert "allowed by inline policy metrics, statement 0" in evidence(diagnosis, "CWL001")
    assert "a layer the read-only calls cannot see" in diagnosis["live"]["conclusion"]
    assert diagnosis["causes"][-1]["status"] == "ruled_out"


def test_endpoint_policy_of_the_workloads_vpc(world: World, tmp_path: Path) -> None:
    diagnosis = live(world, tmp_path, denied("ep-role", world.instances["ep"],
                                             "cloudwatch:PutMetricData", "*",
                                             "with an explicit deny in a VPC endpoint policy"))
    assert statuses(diagnosis) == {"CWL014": "confirmed"}
    assert f"the policy of {world.endpoints['ep']} (in {diagnosis['live']['workload']['vpc_id']})" \
           " denies cloudwatch:PutMetricData (NoMetricsHere)" in evidence(diagnosis, "CWL014")
    assert diagnosis["live"]["workload"]["found"] is True


def test_account_mismatch_is_reported(world: World, tmp_path: Path) -> None:
    message = denied("my-app-role", "s", "cloudwatch:PutMetricData").replace(ACCOUNT,
                                                                             "111122223333")
    diagnosis = live(world, tmp_path, message)
    assert any("account 123456789012" in p and "111122223333" in p
               for p in diagnosis["live"]["problems"])
    assert "iam:GetRole" not in calls(diagnosis)


def test_text_output_shows_the_live_section(world: World, tmp_path: Path) -> None:
    env = base_env(tmp_path)
    env.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing")
    result = cwlint((FIXTURES / "issue-lambda-put-log-events.txt").read_text(), "--live",
                    "--endpoint-url", world.endpoint, env=env)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Live check (read-only; account 123456789012" in out
    assert "1) CWL003 log-stream-arn-missing (possible) -- CONFIRMED" in out
    assert "found: inline policy logs, statement 'Logs'" in out
    assert "Fix (CWL003 log-stream-arn-missing)" in out


# --- failed connections -----------------------------------------------------------------------


TIMEOUT = ('botocore.exceptions.ConnectTimeoutError: Connect timeout on endpoint URL: '
           '"https://monitoring.us-east-1.amazonaws.com/"')


def test_isolated_subnet_without_endpoint(world: World, tmp_path: Path) -> None:
    diagnosis = live(world, tmp_path, TIMEOUT, "--instance-id", world.instances["iso"])
    found = statuses(diagnosis)
    assert diagnosis["causes"][0]["rule_id"] == "CWL010"
    assert found == {"CWL010": "confirmed", "CWL011": "ruled_out", "CWL012": "ruled_out",
                     "CWL013": "ruled_out"}
    assert "not the cause now" in evidence(diagnosis, "CWL013")
    said = evidence(diagnosis, "CWL010")  # what CWL010 says of the model of the account
    assert "has no route to the internet" in said
    assert "has no interface endpoint for com.amazonaws.us-east-1.monitoring" in said
    assert "has no default route to an internet or NAT gateway" in said
    assert diagnosis["live"]["network"]["internet"] == "no"
    fix = diagnosis["causes"][0]["fix"]["cloudformation"]
    assert diagnosis["live"]["workload"]["vpc_id"] in fix  # the fix names the real VPC
    assert diagnosis["live"]["workload"]["subnet_ids"][0] in fix


def test_private_dns_off_found_from_the_instance_in_the_log(world: World,
                                                            tmp_path: Path) -> None:
    instance = world.instances["dnsoff"]
    message = (f"2026-05-24T08:01:00Z E! [outputs.cloudwatchlogs] Aws error received when "
               f"sending logs to app.log/{instance}: RequestError: send request failed\n"
               'caused by: Post "https://logs.us-east-1.amazonaws.com/": dial tcp '
               "52.94.1.1:443: i/o timeout")
    diagnosis = live(world, tmp_path, message)
    found = statuses(diagnosis)
    assert diagnosis["causes"][0]["rule_id"] == "CWL011"
    assert found["CWL011"] == "confirmed" and found["CWL010"] == "ruled_out"
    assert f"interface endpoint {world.endpoints['dnsoff']} for com.amazonaws.us-east-1.logs " \
           "has private DNS disabled" in evidence(diagnosis, "CWL011")


def test_endpoint_group_without_https(world: World, tmp_path: Path) -> None:
    message = ('operation error CloudWatch: PutMetricData, exceeded maximum number of attempts, '
               '3, https response error StatusCode: 0, RequestID: , request send failed, Post '
               '"https://monitoring.us-east-1.amazonaws.com/": dial tcp 10.40.0.7:443: i/o '
               "timeout")
    diagnosis = live(world, tmp_path, message, "--instance-id", world.instances["sgblock"])
    found = statuses(diagnosis)
    assert found == {"CWL012": "confirmed", "CWL013": "ruled_out"}
    fix = diagnosis["causes"][0]["fix"]
    assert world.groups["sgblock-endpoint"] in fix["cloudformation"]
    assert world.groups["sgblock-workload"] in fix["terraform"]


def test_workload_egress_blocked(world: World, tmp_path: Path) -> None:
    diagnosis = live(world, tmp_path, TIMEOUT, "--instance-id", world.instances["egress"])
    found = statuses(diagnosis)
    assert diagnosis["causes"][0]["rule_id"] == "CWL013"
    assert found["CWL013"] == "confirmed"
    assert found["CWL012"] == "ruled_out"
    assert f"{world.groups['egress-endpoint']} allows TCP 443 from " \
           f"{world.groups['egress-workload']}" in evidence(diagnosis, "CWL012")


def test_nat_route_rules_out_the_isolated_subnet(world: World, tmp_path: Path) -> None:
    diagnosis = live(world, tmp_path, TIMEOUT, "--instance-id", world.instances["nat"])
    assert statuses(diagnosis)["CWL010"] == "ruled_out"
    assert diagnosis["live"]["network"]["internet"] == "yes"


def test_lambda_behind_an_internet_gateway_has_no_internet(world: World,
                                                           tmp_path: Path) -> None:
    diagnosis = live(world, tmp_path, TIMEOUT, "--function-name", "vpc-fn")
    assert statuses(diagnosis)["CWL010"] == "confirmed"
    assert "Lambda function vpc-fn runs in subnet" in evidence(diagnosis, "CWL010")
    assert "goes to an internet gateway, which the workload reaches only with a public IP, " \
           "and it has none" in evidence(diagnosis, "CWL010")


def test_transit_gateway_route_leaves_the_isolated_subnet_undecided(world: World,
                                                                    tmp_path: Path) -> None:
    """CWL010 decides on the model of the account as on a template: a default route to a
    transit gateway may or may not lead to the internet."""
    diagnosis = live(world, tmp_path, TIMEOUT, "--instance-id", world.instances["tgw"])
    assert statuses(diagnosis)["CWL010"] == "undecided"
    assert "goes to a transit-gateway" in evidence(diagnosis, "CWL010")
    assert diagnosis["live"]["network"]["internet"] == "unknown"


def test_endpoint_group_admitting_the_subnet_cidr(world: World, tmp_path: Path) -> None:
    """The workload's subnet CIDR (ec2:DescribeSubnets) lies inside the CIDR the endpoint's
    group admits, so CWL012 is ruled out, naming the rule that admits it."""
    diagnosis = live(world, tmp_path, TIMEOUT, "--instance-id", world.instances["cidr"])
    assert statuses(diagnosis)["CWL012"] == "ruled_out"
    assert f"{world.groups['cidr-endpoint']} allows TCP 443 from 10.90.0.0/16" in \
        evidence(diagnosis, "CWL012")
    assert "ec2:DescribeSubnets" in calls(diagnosis)


def test_lambda_outside_any_vpc(world: World, tmp_path: Path) -> None:
    diagnosis = live(world, tmp_path, TIMEOUT, "--function-name", "my-function")
    assert set(statuses(diagnosis).values()) == {"ruled_out"}


def test_network_without_a_workload_surveys_the_region(world: World, tmp_path: Path) -> None:
    diagnosis = live(world, tmp_path, TIMEOUT)
    info = diagnosis["live"]
    assert any("--instance-id" in p for p in info["problems"])
    ids = {e["id"] for e in info["network"]["endpoints"]}
    assert {world.endpoints["ep"], world.endpoints["sgblock"], world.endpoints["egress"]} <= ids


# --- credentials, profiles, permissions of the diagnosis itself --------------------------------


def test_no_credentials_is_reported_not_a_crash(world: World, tmp_path: Path) -> None:
    result = cwlint((FIXTURES / "issue-put-metric-data.txt").read_text(), "--live",
                    "--endpoint-url", world.endpoint, "--format", "json",
                    env=base_env(tmp_path))
    assert result.returncode == 0, result.stderr
    (diagnosis,) = json.loads(result.stdout)["diagnoses"]
    assert "no usable AWS credentials" in diagnosis["live"]["error"]
    assert statuses(diagnosis)["CWL001"] == "suspected"


def test_unknown_profile_is_a_usage_error(world: World, tmp_path: Path) -> None:
    (tmp_path / "no-config").write_text("[profile other]\nregion = us-east-1\n")
    result = cwlint((FIXTURES / "issue-put-metric-data.txt").read_text(), "--live",
                    "--profile", "nope", "--endpoint-url", world.endpoint,
                    env=base_env(tmp_path))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "--profile nope" in result.stderr
    assert "Traceback" not in result.stderr


def test_profile_from_the_config_file(world: World, tmp_path: Path) -> None:
    (tmp_path / "no-credentials").write_text(
        "[diag]\naws_access_key_id = testing\naws_secret_access_key = testing\n")
    result = cwlint((FIXTURES / "issue-put-metric-data.txt").read_text(), "--live",
                    "--profile", "diag", "--region", REGION, "--endpoint-url", world.endpoint,
                    "--format", "json", env=base_env(tmp_path))
    assert result.returncode == 0, result.stderr
    (diagnosis,) = json.loads(result.stdout)["diagnoses"]
    assert diagnosis["live"]["account"] == ACCOUNT
    assert diagnosis["live"]["region"] == REGION


@pytest.fixture(scope="module")
def restricted() -> Iterator[tuple[str, dict[str, str]]]:
    """A separate moto server, run as its own process, that enforces IAM: the diagnosing
    user may call sts:GetCallerIdentity and ec2:Describe* only."""
    port = free_port()
    endpoint = f"http://127.0.0.1:{port}"
    process = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p",
                                str(port)], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        iam = boto3.client("iam", endpoint_url=endpoint, region_name=REGION, **CREDENTIALS)
        iam.create_role(RoleName="my-app-role", AssumeRolePolicyDocument=trust(
            "ec2.amazonaws.com"))
        iam.create_user(UserName="diagnoser")
        iam.put_user_policy(UserName="diagnoser", PolicyName="read-some", PolicyDocument=doc(
            {"Effect": "Allow", "Action": ["sts:GetCallerIdentity", "ec2:Describe*"],
             "Resource": "*"}))
        key = iam.create_access_key(UserName="diagnoser")["AccessKey"]
        urllib.request.urlopen(urllib.request.Request(
            f"{endpoint}/moto-api/reset-auth", data=b"0", method="POST",
            headers={"Content-Type": "text/plain"}))
        yield endpoint, {"AWS_ACCESS_KEY_ID": key["AccessKeyId"],
                         "AWS_SECRET_ACCESS_KEY": key["SecretAccessKey"]}
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_missing_permissions_of_the_diagnosis(restricted: tuple[str, dict[str, str]],
                                              tmp_path: Path) -> None:
    endpoint, keys = restricted
    env = {**base_env(tmp_path), **keys}
    message = (FIXTURES / "issue-put-metric-data.txt").read_text()
    result = cwlint(message, "--live", "--endpoint-url", endpoint, "--format", "json", env=env)
    assert result.returncode == 0, result.stderr
    (diagnosis,) = json.loads(result.stdout)["diagnoses"]
    info = diagnosis["live"]
    assert info["error"] is None
    assert info["missing_permissions"] == ["iam:GetRole"]
    assert any("iam:GetRole is not allowed for the diagnosing credentials" in p
               for p in info["problems"])
    assert statuses(diagnosis)["CWL001"] == "suspected"
    text = cwlint(message, "--live", "--endpoint-url", endpoint, env=env)
    assert text.returncode == 0
    assert "missing permissions for the diagnosis: iam:GetRole" in text.stdout


# --- read-only by construction ------------------------------------------------------------------


@pytest.fixture
def read_only(world: World, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> ReadOnlyAWS:
    for key, value in base_env(tmp_path).items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    return ReadOnlyAWS(region=REGION, endpoint_url=world.endpoint)


def test_write_calls_are_refused_before_they_are_sent(world: World,
                                                      read_only: ReadOnlyAWS) -> None:
    iam = read_only.client("iam")
    with pytest.raises(WriteRefused, match="refused iam:PutRolePolicy"):
        iam.put_role_policy(RoleName="my-app-role", PolicyName="sneaky",
                            PolicyDocument=doc({"Effect": "Allow", "Action": "*",
                                                "Resource": "*"}))
    with pytest.raises(WriteRefused, match="refused ec2:CreateVpcEndpoint"):
        read_only.call("ec2", "CreateVpcEndpoint", VpcId="vpc-1",
                       ServiceName="com.amazonaws.us-east-1.logs")
    with pytest.raises(WriteRefused, match="refused iam:DetachRolePolicy"):
        read_only.client("iam").detach_role_policy(
            RoleName="deny-role", PolicyArn="arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy")
    with pytest.raises(WriteRefused, match="the s3 client"):
        read_only.client("s3")
    # nothing reached the account
    check = boto3.client("iam", endpoint_url=world.endpoint, region_name=REGION, **CREDENTIALS)
    assert check.list_role_policies(RoleName="my-app-role")["PolicyNames"] == ["app-logs"]
    attached = check.list_attached_role_policies(RoleName="deny-role")["AttachedPolicies"]
    assert [p["PolicyName"] for p in attached] == ["CloudWatchAgentServerPolicy"]
    assert read_only.calls == []


def test_reads_pass_and_are_recorded(read_only: ReadOnlyAWS) -> None:
    role = read_only.call("iam", "GetRole", RoleName="my-app-role")["Role"]
    assert role["RoleName"] == "my-app-role"
    names = list(read_only.pages("iam", "ListRolePolicies", "PolicyNames",
                                 RoleName="my-app-role"))
    assert names == ["app-logs"]
    with pytest.raises(CallFailed) as failure:
        read_only.call("iam", "GetRole", RoleName="no-such-role")
    assert failure.value.code == "NoSuchEntity" and not failure.value.denied
    assert [(c.action, c.outcome) for c in read_only.calls] == [
        ("iam:GetRole", "ok"), ("iam:ListRolePolicies", "ok"), ("iam:GetRole", "failed")]


def test_allow_list_is_real_read_operations_and_everything_else_is_refused() -> None:
    session = get_session()
    for service, allowed in READ_ONLY_OPERATIONS.items():
        model = session.get_service_model(service)
        assert allowed <= set(model.operation_names), service
        assert all(name.startswith(("Get", "List", "Describe", "Simulate")) for name in allowed)
        for name in model.operation_names:
            operation = model.operation_model(name)
            if name in allowed:
                refuse_writes(operation)
            else:
                with pytest.raises(WriteRefused):
                    refuse_writes(operation)


def test_a_service_error_is_not_checked_live_and_says_so(world: World, tmp_path: Path) -> None:
    message = ("Failed to execute action arn:aws:sns:us-east-1:123456789012:pager. Received "
               "error: \"CloudWatch Alarms does not have authorization to access the SNS topic "
               "encryption key.\"")
    diagnosis = live(world, tmp_path, message)
    assert diagnosis["kind"] == "service_error"
    assert diagnosis["causes"][0]["rule_id"] == "CWL042"
    assert diagnosis["causes"][0]["status"] == "suspected"
    assert any("does not check this kind of message" in p
               for p in diagnosis["live"]["problems"])
    assert [c for c in calls(diagnosis) if c != "sts:GetCallerIdentity"] == []


def test_a_redacted_account_is_evaluated_in_the_credentials_account(world: World,
                                                                    tmp_path: Path) -> None:
    message = (FIXTURES / "issue-lambda-put-log-events.txt").read_text().replace(
        ACCOUNT, "xxxx")
    assert ACCOUNT not in message
    diagnosis = live(world, tmp_path, message)
    assert diagnosis["request"]["account"] is None  # the output keeps what the message said
    found = statuses(diagnosis)
    assert found["CWL003"] == found["CWL004"] == "confirmed"
    assert any("redacts the account (xxxx)" in p and ACCOUNT in p
               for p in diagnosis["live"]["problems"])
