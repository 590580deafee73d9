"""The order in which every front end builds a model.

Each syntax has three builders, one module each: the model builder (identity and
workloads: ``cwlint/cfn/builder.py``, ``cwlint/terraform/builder.py``), the VPC builder
(``vpcs.py``: VPCs, subnets, route tables, security groups, endpoints, private zones,
where workloads are placed) and the service builder (``services.py``: KMS keys, OAM,
SNS topics, metric filters, alarms, log deliveries, ECS task definitions). What one step
needs, an earlier step has built: roles before the workloads that run as them, the
network before the workloads placed in it, workloads before the alarms that name them.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from cwlint.frontend.policies import attached_managed_policy
from cwlint.iam.policy import Policy, PolicyError, parse_policy
from cwlint.model import AttachedPolicy, Location, LogGroup, Model, Role, StandalonePolicy
from cwlint.values import StrValue, Unknown


class VpcSteps(ABC):
    """The network part of a model, in order."""

    def __init__(self, builder: ModelBuilder) -> None:
        self.b = builder
        self.model = builder.model

    def collect(self) -> None:
        self.vpcs()
        self.subnets()
        self.route_tables()
        self.security_groups()
        self.endpoints()
        self.private_zones()

    @abstractmethod
    def vpcs(self) -> None: ...

    @abstractmethod
    def subnets(self) -> None: ...

    @abstractmethod
    def route_tables(self) -> None: ...

    @abstractmethod
    def security_groups(self) -> None: ...

    @abstractmethod
    def endpoints(self) -> None: ...

    @abstractmethod
    def private_zones(self) -> None: ...


class ServiceSteps(ABC):
    """The services part of a model: what workloads need first, then ECS tasks."""

    def __init__(self, builder: ModelBuilder) -> None:
        self.b = builder
        self.model = builder.model

    def collect(self) -> None:
        """Keys, log group encryption, OAM, topics, filters, alarms and log deliveries
        (before workloads)."""
        self.kms_keys()
        self.log_group_keys()
        self.oam()
        self.sns_topics()
        self.metric_filters()
        self.alarms()
        self.log_deliveries()

    def collect_workloads(self) -> None:
        """ECS task definitions, after roles and the network are known."""
        self.task_definitions()
        self.ecs_services()

    @abstractmethod
    def kms_keys(self) -> None: ...

    @abstractmethod
    def log_group_keys(self) -> None: ...

    @abstractmethod
    def oam(self) -> None: ...

    @abstractmethod
    def sns_topics(self) -> None: ...

    @abstractmethod
    def metric_filters(self) -> None: ...

    @abstractmethod
    def alarms(self) -> None: ...

    @abstractmethod
    def log_deliveries(self) -> None: ...

    @abstractmethod
    def task_definitions(self) -> None: ...

    @abstractmethod
    def ecs_services(self) -> None: ...


class ModelBuilder(ABC):
    """A whole model, in order; ``network`` and ``services`` are the syntax's own."""

    model: Model
    network: VpcSteps
    services: ServiceSteps
    managed: dict[str, AttachedPolicy]  # customer managed policies of the input, by id

    def build(self) -> None:
        self.log_groups()
        self.identity()
        self.network.collect()
        self.services.collect()
        self.functions()
        self.instances()
        self.services.collect_workloads()
        self.alarm_signals()
        # The step builders point back at this one; drop them so that an input's objects
        # are freed by reference counting alone (the command line runs with few
        # collections).
        del self.network, self.services

    def policy(self, document: Any, name: str, location: Location,
               require_resource: bool = True) -> Policy:
        """A policy document the syntax has made plain; one that IAM would reject is an
        unknown policy, and a note says why."""
        try:
            return parse_policy(document, name, origin=location,
                                require_resource=require_resource)
        except PolicyError as exc:
            self.model.notes.append(f"{location.resource}: {exc}")
            return parse_policy(Unknown(f"policy {name} is not valid: {exc}"), name)

    def add_log_group(self, group_id: str, location: Location, name: StrValue) -> None:
        self.model.log_groups[group_id] = LogGroup(group_id, location, name)

    def add_managed_policy(self, policy_id: str, name: str, policy: Policy,
                           location: Location) -> None:
        """A customer managed policy of the input: roles attach it by id or ARN."""
        self.managed[policy_id] = AttachedPolicy(name, "managed", policy, location)
        self.add_standalone(policy, location)

    def add_standalone(self, policy: Policy, location: Location) -> None:
        """A policy the input writes, checked on its own (whoever it is attached to)."""
        self.model.policies.append(StandalonePolicy(policy, location))

    def attach(self, role: Role, name: str, kind: str, policy: Policy,
               location: Location) -> None:
        """A policy the input writes for ``role`` (``kind``: "inline", "policy"...)."""
        role.policies.append(AttachedPolicy(name, kind, policy, location))

    def aws_managed(self, arn: str, location: Location) -> AttachedPolicy | None:
        """The AWS managed policy ``arn`` names, in the model's partition."""
        return attached_managed_policy(arn, self.model.partition, location)

    @abstractmethod
    def log_groups(self) -> None: ...

    @abstractmethod
    def identity(self) -> None:
        """Managed policies, roles and what attaches policies to them, instance
        profiles."""

    @abstractmethod
    def functions(self) -> None: ...

    @abstractmethod
    def instances(self) -> None: ...

    @abstractmethod
    def alarm_signals(self) -> None: ...
