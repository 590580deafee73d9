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

from cwlint.model import Model


class VpcSteps(ABC):
    """The network part of a model, in order."""

    model: Model

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

    model: Model

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
