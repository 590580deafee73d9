"""The framework-neutral picture of a stack that every rule reads.

Front ends (CloudFormation/SAM, Terraform HCL, Terraform plan JSON) build a :class:`Model`
from one input; rules read only the model, never the raw template. Every element keeps a
:class:`Location` so that each finding points at a file, a line and a resource (a
CloudFormation logical id or a Terraform address). Values the front end could not resolve
are :class:`~cwlint.values.Unknown` or :class:`~cwlint.values.Partial`, never guesses.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import msgspec

from cwlint.iam.policy import Policy
from cwlint.values import StrValue, Unknown


class Location(msgspec.Struct, frozen=True):
    """Where a model element comes from: the file as given, a 1-based line, the resource."""

    file: str
    line: int | None
    resource: str

    def at(self, line: int | None) -> Location:
        """The same resource, pointing at a more precise line when one is known."""
        return Location(self.file, line or self.line, self.resource)


class AttachedPolicy(msgspec.Struct):
    """A policy document that reaches a role, and the resource that carries it.

    ``kind`` is ``inline`` (a role's own ``Policies``), ``policy`` (a separate policy
    resource naming the role), ``managed`` (a customer managed policy), ``aws-managed``
    or ``sam-template`` (a SAM policy template).
    """

    name: str
    kind: str
    policy: Policy
    location: Location


class Role(msgspec.Struct):
    """An IAM role: the policies that reach it, its permissions boundary and trust policy."""

    id: str
    location: Location
    name: StrValue
    arn: StrValue
    policies: list[AttachedPolicy] = msgspec.field(default_factory=list)
    boundary: AttachedPolicy | None = None
    # Attachments cwlint could not resolve (a managed policy ARN from a parameter, a policy
    # from outside the input): the role may hold more permissions than the model shows.
    unresolved: list[Unknown] = msgspec.field(default_factory=list)
    implicit: bool = False  # a role SAM creates for a function
    trust: Policy | None = None  # its trust policy, when the input has it


class MetricSignal(msgspec.Struct):
    """Evidence that a workload publishes custom metrics; ``namespace`` may be unknown."""

    namespace: StrValue
    source: str  # e.g. "environment variable METRICS_NAMESPACE", "Metadata.cwlint"
    declared: bool = False


class AgentConfig(msgspec.Struct):
    """How a workload runs the CloudWatch agent.

    ``config`` is the agent's JSON configuration when the input holds it (the value of an
    SSM parameter resource the agent fetches, a file that user data or
    ``AWS::CloudFormation::Init`` writes), with ``config_source`` saying where it is; None
    when cwlint cannot see it. ``log_groups`` are group names written out inline in user
    data, found even when the whole configuration cannot be read.
    """

    source: str  # what shows it runs the agent
    ssm_parameter: StrValue | None = None  # the Parameter Store name its config comes from
    log_groups: list[StrValue] = msgspec.field(default_factory=list)
    config: dict[str, Any] | None = None
    config_source: str = ""


class LogsAgent(msgspec.Struct):
    """The legacy CloudWatch Logs agent (``awslogs``): ``log_groups`` from its
    ``log_group_name`` settings when they are written out in the input."""

    source: str
    log_groups: list[StrValue] = msgspec.field(default_factory=list)


class Signals(msgspec.Struct):
    """What a workload sends to CloudWatch, from its signals (:mod:`cwlint.frontend.signals`)."""

    metrics: list[MetricSignal] = msgspec.field(default_factory=list)
    emf_namespaces: list[MetricSignal] = msgspec.field(default_factory=list)
    agent: AgentConfig | None = None
    logs_agent: LogsAgent | None = None
    calls_logs_api: bool = False


class Placement(msgspec.Struct):
    """Where a workload's network interfaces live: subnet and security group ids (logical
    ids or Terraform addresses), or Unknown when they come from outside the input."""

    subnets: list[StrValue] = msgspec.field(default_factory=list)
    security_groups: list[StrValue] = msgspec.field(default_factory=list)
    line: int | None = None  # the property that places it (VpcConfig, SubnetId...)
    # Whether its interface has a public IP: True/False, Unknown, or None when the
    # subnet's MapPublicIpOnLaunch decides (an instance that does not say).
    public_ip: bool | Unknown | None = False


class Workload(msgspec.Struct):
    """Something that runs code and sends metrics or logs: a Lambda function, an EC2
    instance, a launch template, an ECS task definition.

    ``role`` is the role the code runs as; ``role_unknown`` says why it could not be
    linked when it could not (a role ARN from a parameter). ``log_group`` is the group its
    own logs go to (Lambda: ``/aws/lambda/<name>`` or ``LoggingConfig.LogGroup``).
    """

    id: str
    kind: str  # "lambda", "ec2-instance", "launch-template", "launch-configuration", "ecs-task"
    location: Location
    role: Role | None = None
    role_unknown: Unknown | None = None
    role_line: int | None = None
    has_instance_profile: bool = True
    name: StrValue | None = None
    log_group: StrValue | None = None
    log_group_declared: bool = False
    signals: Signals = msgspec.field(default_factory=Signals)
    placement: Placement | None = None  # None: not in a VPC (or not known to be)
    # ECS task definitions: the role the agent uses to ship logs and pull images.
    execution_role: Role | None = None
    execution_role_unknown: Unknown | None = None
    execution_role_line: int | None = None
    log_drivers: list[LogDriver] = msgspec.field(default_factory=list)
    # ECS: FireLens outputs to CloudWatch Logs (written with the task role)
    firelens_outputs: list[LogDriver] = msgspec.field(default_factory=list)
    # ECS: Fargate tasks need the execution role for awslogs; on EC2 the agent falls back
    # to the container instance's role.
    fargate: bool = False


class StandalonePolicy(msgspec.Struct):
    """A policy-bearing resource, whether or not it reaches a workload (for rules about
    policies themselves: CWL003, CWL008)."""

    policy: Policy
    location: Location


class LogGroup(msgspec.Struct):
    """A CloudWatch Logs log group; ``kms_key`` is the key that encrypts it, None when none does."""

    id: str
    location: Location
    name: StrValue
    kms_key: StrValue | None = None  # a key id of this input, or Unknown
    kms_line: int | None = None


class KmsKey(msgspec.Struct):
    """A KMS key: its key policy and key spec, and the lines a fix edits."""

    id: str
    location: Location
    policy: Policy | None  # None: no KeyPolicy (CloudFormation requires one)
    key_spec: StrValue = "SYMMETRIC_DEFAULT"
    arn: StrValue = ""
    policy_line: int | None = None
    key_spec_line: int | None = None
    #: True when the input sets no policy and ``policy`` is the one AWS gives such a key
    #: (a fix then writes a whole policy rather than adding to one the file lacks).
    default_policy: bool = False


class LogDriver(msgspec.Struct):
    """An ECS container's ``awslogs`` log configuration, or its FireLens (``awsfirelens``)
    output to CloudWatch Logs (Fluent Bit ``cloudwatch`` / ``cloudwatch_logs``:
    ``log_group_name``, ``region``, ``auto_create_group``)."""

    container: str
    group: StrValue
    region: StrValue
    create_group: bool | Unknown
    line: int | None


class OamSink(msgspec.Struct):
    """A CloudWatch cross-account observability (OAM) sink and its sink policy."""

    id: str
    location: Location
    policy: Policy | None
    arn: StrValue = ""
    policy_line: int | None = None


class OamLink(msgspec.Struct):
    """An OAM link: the telemetry types it shares (``resource_types``) and its sink."""

    id: str
    location: Location
    resource_types: list[StrValue] | Unknown
    sink: StrValue | None  # the sink's id when in this input, else Unknown
    resource_types_line: int | None = None


class AlarmMetric(msgspec.Struct):
    """One metric an alarm watches (its own, or one a metric-math query reads)."""

    namespace: StrValue
    name: StrValue


class Alarm(msgspec.Struct):
    """A CloudWatch alarm: the namespaces and metrics it watches, how it treats missing
    data, and the SNS topics of this input it notifies."""

    id: str
    location: Location
    namespaces: list[StrValue]  # of the metric, or of every metric in a math expression
    treat_missing_data: StrValue | None
    treat_missing_data_line: int | None = None
    metrics: list[AlarmMetric] = msgspec.field(default_factory=list)
    # True, False, or Unknown when the list is not known statically
    insufficient_data_actions: bool | Unknown = False
    # The SNS topics of this input that its actions (alarm, OK, insufficient data) notify
    topics: list[str] = msgspec.field(default_factory=list)
    arn: StrValue = ""
    actions_line: int | None = None


class MetricFilter(msgspec.Struct):
    """A log metric filter: it publishes each transformation's metric when a line matches."""

    id: str
    location: Location
    name: StrValue  # the filter's own name (not a metric name)
    log_group: StrValue
    metrics: list[AlarmMetric] = msgspec.field(default_factory=list)


class SnsTopic(msgspec.Struct):
    """An SNS topic; ``kms_key`` is None (not encrypted), the id of a key of this input,
    the key id, ARN or alias text when the key is not in the input, or Unknown.
    ``policies`` are the topic policies of the input that name it."""

    id: str
    location: Location
    arn: StrValue
    kms_key: StrValue | None = None
    kms_line: int | None = None
    policies: list[tuple[Policy, Location]] = msgspec.field(default_factory=list)


class LogResourcePolicy(msgspec.Struct):
    """A CloudWatch Logs resource policy (``AWS::Logs::ResourcePolicy``,
    ``aws_cloudwatch_log_resource_policy``): it applies to every log group of the account
    and region, whatever its ``Resource`` says."""

    id: str
    location: Location
    policy: Policy


class LogDelivery(msgspec.Struct):
    """An AWS service writing to a log group on its own, admitted by a CloudWatch Logs
    resource policy: ``service`` is ``eventbridge`` (a rule's log group target) or
    ``route53`` (a query logging configuration). ``group_arn`` is the group's ARN without
    a trailing ``:*``; ``group`` the id of that group when the input declares it.
    ``source_arn`` is what ``aws:SourceArn`` holds when the service writes."""

    id: str
    location: Location
    service: str
    group_arn: StrValue
    group: str | None = None
    source_arn: StrValue = ""
    line: int | None = None
    what: str = ""  # how messages call it: "EventBridge rule", "EventBridge target", ...


class Route(msgspec.Struct):
    """A route of a route table. ``target`` is the kind of next hop: ``internet-gateway``,
    ``nat-gateway``, ``nat-instance``, ``egress-only-internet-gateway``,
    ``transit-gateway``, ``peering``, ``vpn-gateway``, ``network-interface``, ``local``,
    ``endpoint``, or ``unknown``."""

    destination: StrValue  # a CIDR such as 0.0.0.0/0, a prefix list id, or Unknown
    target: str
    location: Location


class RouteTable(msgspec.Struct):
    """A route table and its routes; ``main`` for its VPC's main table."""

    id: str
    location: Location
    vpc: StrValue | None
    routes: list[Route] = msgspec.field(default_factory=list)
    main: bool = False


class Subnet(msgspec.Struct):
    """A subnet: its VPC, CIDR and route table, and whether instances launched in it get a
    public IP address."""

    id: str
    location: Location
    vpc: StrValue | None
    cidr: StrValue | None
    route_table: StrValue | None = None  # explicit association, else the VPC's main table
    map_public_ip: bool | Unknown = False  # MapPublicIpOnLaunch (false unless set)


class Vpc(msgspec.Struct):
    """A VPC: its CIDR blocks and its default security group."""

    id: str
    location: Location
    cidrs: list[StrValue] = msgspec.field(default_factory=list)
    default_security_group: str | None = None  # the id workloads use to refer to it


class SecurityGroupRule(msgspec.Struct):
    """One ingress or egress permission. ``peer`` is a CIDR, a security group id, a prefix
    list id or Unknown; ``peer_kind`` says which (``cidr``, ``cidr6``, ``group``,
    ``prefix-list``, ``unknown``). Ports are inclusive; None for all ports."""

    protocol: StrValue
    from_port: int | None
    to_port: int | None
    peer: StrValue
    peer_kind: str
    location: Location


class SecurityGroup(msgspec.Struct):
    """A security group and its ingress and egress rules."""

    id: str
    location: Location
    vpc: StrValue | None
    ingress: list[SecurityGroupRule] = msgspec.field(default_factory=list)
    egress: list[SecurityGroupRule] = msgspec.field(default_factory=list)
    # CloudFormation keeps the default allow-all egress until an egress rule is declared;
    # Terraform removes it. The front end decides.
    default_egress: bool = False


class Endpoint(msgspec.Struct):
    """A VPC endpoint: its service and kind, subnets and security groups, private DNS and
    endpoint policy, and the lines a fix edits."""

    id: str
    location: Location
    vpc: StrValue | None
    service: StrValue
    kind: StrValue  # Interface, Gateway, GatewayLoadBalancer
    private_dns: bool | Unknown
    subnets: list[StrValue] = msgspec.field(default_factory=list)
    security_groups: list[StrValue] = msgspec.field(default_factory=list)  # empty: VPC default SG
    policy: Policy | None = None
    private_dns_line: int | None = None
    # Whether the input sets private DNS itself (False: it is the default); None: unknown
    private_dns_set: bool | None = None
    security_groups_line: int | None = None
    policy_line: int | None = None

    def service_short_name(self, region: str) -> str | None:
        """``monitoring`` for ``com.amazonaws.us-east-1.monitoring``, else None."""
        if not isinstance(self.service, str):
            return None
        for prefix in (f"com.amazonaws.{region}.", f"cn.com.amazonaws.{region}."):
            if self.service.startswith(prefix):
                return self.service[len(prefix):]
        return None


class PrivateZone(msgspec.Struct):
    """A Route 53 private hosted zone: its name, the VPCs it is associated with, and the
    endpoints its alias records point at (ids of endpoints in the input, or Unknown for an
    endpoint DNS name from outside)."""

    id: str
    location: Location
    name: StrValue
    vpcs: list[StrValue] = msgspec.field(default_factory=list)
    alias_endpoints: list[StrValue] = msgspec.field(default_factory=list)

    def serves(self, service_host: str) -> bool:
        """Does the zone answer for ``service_host`` (``logs.us-east-1.amazonaws.com``)?"""
        return isinstance(self.name, str) and (
            self.name.rstrip(".").lower() == service_host.lower())


@dataclass
class Model:
    """Everything front ends found in one input."""

    file: str
    #: The input's language, for text a user reads (fixes, property names):
    #: "cloudformation", "terraform" (HCL) or "plan" (a Terraform plan's JSON).
    syntax: str = "cloudformation"
    region: str = "us-east-1"
    account_id: str = "123456789012"
    partition: str = "aws"
    roles: dict[str, Role] = field(default_factory=dict)
    workloads: list[Workload] = field(default_factory=list)
    policies: list[StandalonePolicy] = field(default_factory=list)
    log_groups: dict[str, LogGroup] = field(default_factory=dict)
    scps: list[list[Policy]] = field(default_factory=list)  # from configuration, per level
    vpcs: dict[str, Vpc] = field(default_factory=dict)
    subnets: dict[str, Subnet] = field(default_factory=dict)
    route_tables: dict[str, RouteTable] = field(default_factory=dict)
    security_groups: dict[str, SecurityGroup] = field(default_factory=dict)
    endpoints: dict[str, Endpoint] = field(default_factory=dict)
    kms_keys: dict[str, KmsKey] = field(default_factory=dict)
    oam_sinks: dict[str, OamSink] = field(default_factory=dict)
    oam_links: dict[str, OamLink] = field(default_factory=dict)
    alarms: dict[str, Alarm] = field(default_factory=dict)
    private_zones: dict[str, PrivateZone] = field(default_factory=dict)
    metric_filters: dict[str, MetricFilter] = field(default_factory=dict)
    # Metric filters of the input that this Fn::If scenario leaves out (their Condition is
    # false): the metrics they produce are still metric-filter metrics.
    left_out_metric_filters: dict[str, MetricFilter] = field(default_factory=dict)
    sns_topics: dict[str, SnsTopic] = field(default_factory=dict)
    log_resource_policies: list[LogResourcePolicy] = field(default_factory=list)
    log_deliveries: list[LogDelivery] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what a front end could not model
    strict: bool = False  # every Lambda function / instance must publish metrics
    cache: dict[Any, Any] = field(default_factory=dict, repr=False)  # shared rule results

    def log_group_named(self, name: StrValue) -> LogGroup | None:
        """The first log group, in input order, whose name equals ``name`` (a partly known
        name equals the very same pieces). Looked up in an index by name, built again when
        a group has been added since: each function and rule asks, so a scan of every
        group per question would grow with the square of the input."""
        key = ("log groups by name", len(self.log_groups))
        index = self.cache.get(key)
        if index is None:
            index = {}
            for group in self.log_groups.values():
                index.setdefault(group.name, group)
            self.cache[key] = index
        return index.get(name)  # type: ignore[no-any-return]
