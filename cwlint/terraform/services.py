"""The services half of the Terraform builder: KMS keys of log groups, ECS task
definitions and the services that place them, OAM sinks, sink policies and links, and
metric alarms.

Terraform differences from CloudFormation: a key without ``policy`` gets the default key
policy (only the account's IAM principals may use it, so CloudWatch Logs may not); the
key policy may also come from ``aws_kms_key_policy`` and the sink policy from
``aws_oam_sink_policy``; container definitions are JSON in ``container_definitions``
(``logConfiguration`` with ``logDriver`` and ``options``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cwlint import model
from cwlint.frontend.builder import ServiceSteps
from cwlint.frontend.containers import ContainerSyntax, read_containers
from cwlint.terraform.builder import text
from cwlint.terraform.log_delivery import collect_log_deliveries
from cwlint.terraform.resources import TfResource
from cwlint.terraform.values import json_document
from cwlint.terraform.vpcs import flag
from cwlint.values import Partial, StrValue, Unknown

if TYPE_CHECKING:
    from cwlint.terraform.builder import TerraformBuilder


def default_key_policy(partition: str, account_id: str) -> dict[str, Any]:
    """The key policy AWS gives a key created without one."""
    return {"Version": "2012-10-17", "Id": "key-default-1", "Statement": [{
        "Sid": "Enable IAM User Permissions", "Effect": "Allow",
        "Principal": {"AWS": f"arn:{partition}:iam::{account_id}:root"},
        "Action": "kms:*", "Resource": "*"}]}


#: ``container_definitions`` JSON, spelt as the ECS API spells it.
CONTAINER_SYNTAX = ContainerSyntax(spell=lambda key: key, resolve=lambda value: value,
                                   to_text=text, namespace=lambda _variable, value: text(value),
                                   line=lambda _index: None)


class ServiceBuilder(ServiceSteps):
    b: TerraformBuilder

    def log_deliveries(self) -> None:
        collect_log_deliveries(self.b)

    # --- KMS -----------------------------------------------------------------------------

    def key_id(self, resource: TfResource, attribute: str) -> str | None:
        return resource.address if resource.type == "aws_kms_key" else None

    def kms_keys(self) -> None:
        for resource in self.b.of_type("aws_kms_key"):
            body = resource.body
            name = f"key policy of {resource.address}"
            if body.get("policy") not in (None, ""):
                policy = self.b.document(body["policy"], name, resource.location,
                                         require_resource=False)
            elif resource.is_set("policy") is False:
                policy = self.b.document(default_key_policy(self.model.partition,
                                                            self.model.account_id),
                                         name, resource.location, require_resource=False)
            else:
                policy = None
            spec = body.get("customer_master_key_spec", body.get("key_spec"))
            self.model.kms_keys[resource.address] = model.KmsKey(
                resource.address, resource.location, policy,
                text(spec) if spec not in (None, "") else "SYMMETRIC_DEFAULT",
                text(self.b.attribute(resource, "arn")),
                default_policy=resource.is_set("policy") is False)
        for resource in self.b.of_type("aws_kms_key_policy"):
            key = self.b.link_one(resource.body, "key_id", self.key_id, ["aws_kms_key"],
                                  "KMS key")
            if isinstance(key, str) and key in self.model.kms_keys and \
                    resource.body.get("policy") not in (None, ""):
                self.model.kms_keys[key].policy = self.b.document(
                    resource.body["policy"], f"key policy of {key}", resource.location,
                    require_resource=False)
                self.model.kms_keys[key].default_policy = False

    def log_group_keys(self) -> None:
        for group in self.model.log_groups.values():
            resource = self.b.by_address[group.id]
            if resource.body.get("kms_key_id") in (None, ""):
                continue
            group.kms_key = self.b.link_one(resource.body, "kms_key_id", self.key_id,
                                            ["aws_kms_key"], "KMS key")

    # --- ECS -----------------------------------------------------------------------------

    def task_definitions(self) -> None:
        for resource in self.b.of_type("aws_ecs_task_definition"):
            body = resource.body
            workload = model.Workload(resource.address, "ecs-task", resource.location)
            if body.get("task_role_arn") not in (None, ""):
                workload.role, workload.role_unknown = self.b.role_of(body, "task_role_arn")
            else:
                workload.role_unknown = Unknown("the task definition has no task_role_arn")
            compatibilities = body.get("requires_compatibilities")
            workload.fargate = isinstance(compatibilities, list) and "FARGATE" in compatibilities
            workload.execution_role, workload.execution_role_unknown = self.b.role_of(
                body, "execution_role_arn")
            containers: Any
            try:
                containers = json_document(body.get("container_definitions"))
            except ValueError:
                containers = Unknown("container_definitions is not valid JSON")
            read_containers(workload, containers, CONTAINER_SYNTAX, self.model.region)
            self.model.workloads.append(workload)

    def ecs_services(self) -> None:
        tasks = {w.id: w for w in self.model.workloads if w.kind == "ecs-task"}

        def task(resource: TfResource, attribute: str) -> str | None:
            return resource.address if resource.type == "aws_ecs_task_definition" else None

        for resource in self.b.of_type("aws_ecs_service"):
            linked = self.b.link_one(resource.body, "task_definition", task,
                                     ["aws_ecs_task_definition"], "task definition")
            network = resource.body.first("network_configuration")
            if not isinstance(linked, str) or linked not in tasks or network is None:
                continue
            # awsvpc tasks get a public IP only with assign_public_ip = true (default false).
            tasks[linked].placement = model.Placement(
                self.b.network.subnets_of(network, "subnets"),
                self.b.network.groups(network, "security_groups"), None,
                public_ip=flag(network.get("assign_public_ip"), False,
                               f"assign_public_ip of {resource.address}"))

    # --- OAM and alarms ------------------------------------------------------------------

    def oam(self) -> None:
        def sink(resource: TfResource, attribute: str) -> str | None:
            return resource.address if resource.type == "aws_oam_sink" else None

        for resource in self.b.of_type("aws_oam_sink"):
            self.model.oam_sinks[resource.address] = model.OamSink(
                resource.address, resource.location, None,
                text(self.b.attribute(resource, "arn")))
        for resource in self.b.of_type("aws_oam_sink_policy"):
            linked = self.b.link_one(resource.body, "sink_identifier", sink, ["aws_oam_sink"],
                                     "OAM sink")
            if isinstance(linked, str) and linked in self.model.oam_sinks and \
                    resource.body.get("policy") not in (None, ""):
                self.model.oam_sinks[linked].policy = self.b.document(
                    resource.body["policy"], f"sink policy of {linked}", resource.location,
                    require_resource=False)
        for resource in self.b.of_type("aws_oam_link"):
            types = resource.body.get("resource_types")
            resource_types: list[StrValue] | Unknown = (
                [text(t) for t in types] if isinstance(types, list)
                else Unknown("the link's resource_types are not known statically"))
            linked = self.b.link_one(resource.body, "sink_identifier", sink, ["aws_oam_sink"],
                                     "OAM sink")
            self.model.oam_links[resource.address] = model.OamLink(
                resource.address, resource.location, resource_types,
                linked if isinstance(linked, str) else Unknown("the sink is not in this input"))

    def alarms(self) -> None:
        for resource in self.b.of_type("aws_cloudwatch_metric_alarm"):
            body = resource.body
            namespaces: list[StrValue] = []
            metrics: list[model.AlarmMetric] = []
            if body.get("namespace") not in (None, ""):
                namespaces.append(text(body["namespace"]))
                metrics.append(model.AlarmMetric(namespaces[-1], _metric_name(body)))
            for query in body.blocks("metric_query"):
                for metric in query.blocks("metric"):
                    if metric.get("namespace") not in (None, ""):
                        namespaces.append(text(metric["namespace"]))
                        metrics.append(model.AlarmMetric(namespaces[-1], _metric_name(metric)))
            treat = body.get("treat_missing_data")
            if resource.is_set("treat_missing_data") is False or treat in (None, ""):
                treat_value: StrValue | None = None
            else:
                treat_value = text(treat)
            alarm = model.Alarm(resource.address, resource.location, namespaces, treat_value,
                                metrics=metrics, arn=text(self.b.attribute(resource, "arn")))
            self.alarm_actions(alarm, resource)
            self.model.alarms[resource.address] = alarm

    def alarm_actions(self, alarm: model.Alarm, resource: TfResource) -> None:
        """The topics the alarm notifies, and whether it acts on INSUFFICIENT_DATA."""
        body = resource.body
        if body.get("actions_enabled") is False:
            return
        for key in ("alarm_actions", "ok_actions", "insufficient_data_actions"):
            value = body.get(key)
            if key == "insufficient_data_actions":
                alarm.insufficient_data_actions = (
                    Unknown("insufficient_data_actions is known only after apply")
                    if isinstance(value, (Unknown, Partial)) else bool(value))
            if value in (None, "", []):
                continue
            for topic in self.b.link_list(body, key, self.b.typed("aws_sns_topic"),
                                          ["aws_sns_topic"], "SNS topic"):
                if isinstance(topic, str) and topic in self.model.sns_topics and \
                        topic not in alarm.topics:
                    alarm.topics.append(topic)

    def metric_filters(self) -> None:
        for resource in self.b.of_type("aws_cloudwatch_log_metric_filter"):
            body = resource.body
            found = model.MetricFilter(resource.address, resource.location, text(body.get("name")),
                                       text(body.get("log_group_name")))
            for transformation in body.blocks("metric_transformation"):
                found.metrics.append(model.AlarmMetric(text(transformation.get("namespace")),
                                                       text(transformation.get("name"))))
            self.model.metric_filters[resource.address] = found

    # --- SNS -----------------------------------------------------------------------------

    def sns_topics(self) -> None:
        topic_of = self.b.typed("aws_sns_topic")
        for resource in self.b.of_type("aws_sns_topic"):
            body = resource.body
            topic = model.SnsTopic(resource.address, resource.location,
                                   text(self.b.attribute(resource, "arn")))
            if body.get("kms_master_key_id") not in (None, ""):
                topic.kms_key = self.topic_key(body)
            if body.get("policy") not in (None, ""):
                topic.policies.append((self.b.document(
                    body["policy"], f"policy of {resource.address}", resource.location),
                    resource.location))
            self.model.sns_topics[resource.address] = topic
        for resource in self.b.of_type("aws_sns_topic_policy"):
            linked = self.b.link_one(resource.body, "arn", topic_of, ["aws_sns_topic"],
                                     "SNS topic")
            if isinstance(linked, str) and linked in self.model.sns_topics and \
                    resource.body.get("policy") not in (None, ""):
                self.model.sns_topics[linked].policies.append((self.b.document(
                    resource.body["policy"], f"topic policy {resource.address}",
                    resource.location), resource.location))

    def topic_key(self, body: Any) -> StrValue:
        """A key of this input (through an alias of this input too), else the text."""
        def key_or_alias(resource: TfResource, attribute: str) -> str | None:
            if resource.type in ("aws_kms_key", "aws_kms_alias"):
                return resource.address
            return None

        linked = self.b.link_one(body, "kms_master_key_id", key_or_alias,
                                 ["aws_kms_key", "aws_kms_alias"], "KMS key")
        if isinstance(linked, str) and linked in self.b.by_address and \
                self.b.by_address[linked].type == "aws_kms_alias":
            alias = self.b.by_address[linked]
            target = self.b.link_one(alias.body, "target_key_id", self.key_id,
                                     ["aws_kms_key"], "KMS key")
            return target if target is not None else Unknown(
                f"the target of KMS alias {linked} is not set")
        if isinstance(linked, Unknown) and isinstance(body.get("kms_master_key_id"), str):
            return str(body["kms_master_key_id"])  # a key or alias from outside the input
        return linked if linked is not None else Unknown("the KMS key is not known")


def _metric_name(block: Any) -> StrValue:
    name = block.get("metric_name")
    return text(name) if name not in (None, "") else Unknown("the metric has no metric_name")
