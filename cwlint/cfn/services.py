"""The services half of the CloudFormation front end: KMS keys of log groups, ECS task
definitions (a workload with a task role, an execution role and ``awslogs`` drivers) and
the services that place them, OAM sinks and links, and alarms."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from cwlint import model
from cwlint.cfn.intrinsics import NO_VALUE, ResourceRef
from cwlint.cfn.log_delivery import collect_log_deliveries
from cwlint.frontend.builder import ServiceSteps
from cwlint.frontend.containers import ContainerSyntax, read_containers
from cwlint.values import StrValue, Unknown

if TYPE_CHECKING:
    from cwlint.cfn.builder import CloudFormationBuilder

KMS_KEY = "AWS::KMS::Key"
ROLE = "AWS::IAM::Role"
TASK_DEFINITION = "AWS::ECS::TaskDefinition"
OAM_SINK = "AWS::Oam::Sink"
SNS_TOPIC = "AWS::SNS::Topic"
KMS_ALIAS = "AWS::KMS::Alias"
ALARM_ACTIONS = ("AlarmActions", "OKActions", "InsufficientDataActions")


class ServiceBuilder(ServiceSteps):
    b: CloudFormationBuilder

    def log_deliveries(self) -> None:
        collect_log_deliveries(self.b)

    # --- KMS -----------------------------------------------------------------------------

    def kms_keys(self) -> None:
        for logical_id, _ in self.b.of_type(KMS_KEY):
            props = self.b.properties(logical_id)
            location = self.b.location(logical_id)
            policy = None
            if "KeyPolicy" in props:
                policy = self.b.parse(props["KeyPolicy"], f"key policy of {logical_id}",
                                      location, require_resource=False)
            self.model.kms_keys[logical_id] = model.KmsKey(
                logical_id, location, policy,
                self.b.string(props.get("KeySpec", "SYMMETRIC_DEFAULT")),
                self.b.resolver.as_string(self.b.resolver.get_att(logical_id, "Arn")),
                policy_line=self.b.loaded.property_line(logical_id, "KeyPolicy"),
                key_spec_line=self.b.loaded.property_line(logical_id, "KeySpec"))

    def log_group_keys(self) -> None:
        for group in self.model.log_groups.values():
            props = self.b.properties(group.id)
            if "KmsKeyId" not in props:
                continue
            node = self.b.taken_branches(props["KmsKeyId"])
            if self.b.resolve(node) is NO_VALUE:
                continue
            linked = self.b.linked(node, KMS_KEY)
            if linked is not None:
                group.kms_key = linked
            else:
                value = self.b.string(node)
                group.kms_key = (Unknown(f"KMS key {value} is not in this template")
                                 if isinstance(value, str) else value)
            group.kms_line = self.b.loaded.property_line(group.id, "KmsKeyId")

    # --- ECS -----------------------------------------------------------------------------

    def role_of(self, node: Any) -> tuple[model.Role | None, Unknown | None]:
        node = self.b.taken_branches(node)
        if node is None or self.b.resolve(node) is NO_VALUE:
            return None, Unknown("no role is set")
        linked = self.b.linked(node, ROLE)
        if linked is not None and linked in self.model.roles:
            return self.model.roles[linked], None
        arn = self.b.string(node)
        match = [r for r in self.model.roles.values() if r.arn == arn]
        if match:
            return match[0], None
        reason = arn.reason if not isinstance(arn, str) else f"{arn} is not in this template"
        return None, Unknown(f"role {reason}")

    def task_definitions(self) -> None:
        for logical_id, _ in self.b.of_type(TASK_DEFINITION):
            props = self.b.properties(logical_id)
            workload = model.Workload(logical_id, "ecs-task", self.b.location(logical_id))
            if "TaskRoleArn" in props:
                workload.role, workload.role_unknown = self.role_of(props["TaskRoleArn"])
                workload.role_line = self.b.loaded.property_line(logical_id, "TaskRoleArn")
            else:
                workload.role_unknown = Unknown("the task definition has no TaskRoleArn")
            compatibilities = self.b.resolve(props.get("RequiresCompatibilities", []))
            workload.fargate = isinstance(compatibilities, list) and "FARGATE" in compatibilities
            workload.execution_role, workload.execution_role_unknown = self.role_of(
                props.get("ExecutionRoleArn"))
            workload.execution_role_line = self.b.loaded.property_line(logical_id,
                                                                       "ExecutionRoleArn")
            read_containers(workload, self.b.taken_branches(props.get("ContainerDefinitions")),
                            self.container_syntax(logical_id), self.model.region)
            self.model.workloads.append(workload)

    def container_syntax(self, task_id: str) -> ContainerSyntax:
        """Container definitions as a template writes them (``LogConfiguration``...)."""
        def namespace(variable: str, value: Any) -> StrValue:
            return value if isinstance(value, (str, Unknown)) else Unknown(
                f"the value of {variable}")

        return ContainerSyntax(
            spell=lambda key: key[0].upper() + key[1:], resolve=self.b.resolve,
            to_text=self.b.resolver.as_string, namespace=namespace,
            line=lambda index: self.b.loaded.property_line(
                task_id, "ContainerDefinitions", index, "LogConfiguration"))

    def ecs_services(self) -> None:
        tasks = {w.id: w for w in self.model.workloads if w.kind == "ecs-task"}
        for logical_id, _ in self.b.of_type("AWS::ECS::Service"):
            props = self.b.properties(logical_id)
            task = self.b.linked(props.get("TaskDefinition"), TASK_DEFINITION)
            network = self.b.taken_branches(props.get("NetworkConfiguration"))
            vpc = network.get("AwsvpcConfiguration") if isinstance(network, Mapping) else None
            if task not in tasks or not isinstance(vpc, Mapping):
                continue
            collector = self.b.network
            # awsvpc tasks get a public IP only with AssignPublicIp: ENABLED (default
            # DISABLED).
            assign = self.b.string(vpc.get("AssignPublicIp", "DISABLED"))
            public_ip: bool | Unknown = (assign.upper() == "ENABLED" if isinstance(assign, str)
                                         else Unknown(f"AssignPublicIp of {logical_id} is not "
                                                      "known statically"))
            tasks[task].placement = model.Placement(
                collector.ref_list(vpc.get("Subnets", []), "AWS::EC2::Subnet", what="subnet"),
                collector.ref_list(vpc.get("SecurityGroups", []), "AWS::EC2::SecurityGroup",
                                   what="security group"),
                None,  # the finding stays on the task definition's own line
                public_ip=public_ip)

    # --- OAM and alarms ------------------------------------------------------------------

    def oam(self) -> None:
        for logical_id, _ in self.b.of_type(OAM_SINK):
            props = self.b.properties(logical_id)
            location = self.b.location(logical_id)
            policy = None
            if "Policy" in props:
                policy = self.b.parse(props["Policy"], f"sink policy of {logical_id}", location,
                                      require_resource=False)
            self.model.oam_sinks[logical_id] = model.OamSink(
                logical_id, location, policy,
                self.b.resolver.as_string(self.b.resolver.get_att(logical_id, "Arn")),
                self.b.loaded.property_line(logical_id, "Policy"))
        for logical_id, _ in self.b.of_type("AWS::Oam::Link"):
            props = self.b.properties(logical_id)
            types = self.b.resolve(props.get("ResourceTypes", []))
            resource_types: list[StrValue] | Unknown = (
                [self.b.resolver.as_string(t) for t in types] if isinstance(types, list)
                else Unknown("the link's ResourceTypes are not known statically"))
            sink = self.b.linked(props.get("SinkIdentifier"), OAM_SINK)
            self.model.oam_links[logical_id] = model.OamLink(
                logical_id, self.b.location(logical_id), resource_types,
                sink if sink is not None else Unknown("the sink is not in this template"),
                self.b.loaded.property_line(logical_id, "ResourceTypes"))

    def alarms(self) -> None:
        for logical_id, _ in self.b.of_type("AWS::CloudWatch::Alarm"):
            props = self.b.properties(logical_id)
            namespaces: list[StrValue] = []
            metrics: list[model.AlarmMetric] = []
            if "Namespace" in props:
                namespaces.append(self.b.string(props["Namespace"]))
                metrics.append(model.AlarmMetric(namespaces[-1], self.metric_name(props)))
            queries = self.b.taken_branches(props.get("Metrics"))
            for query in queries if isinstance(queries, list) else []:
                stat = query.get("MetricStat") if isinstance(query, Mapping) else None
                metric = stat.get("Metric") if isinstance(stat, Mapping) else None
                if isinstance(metric, Mapping) and "Namespace" in metric:
                    namespaces.append(self.b.string(metric["Namespace"]))
                    metrics.append(model.AlarmMetric(namespaces[-1], self.metric_name(metric)))
            treat = (self.b.string(props["TreatMissingData"]) if "TreatMissingData" in props
                     else None)
            alarm = model.Alarm(logical_id, self.b.location(logical_id), namespaces, treat,
                                self.b.loaded.property_line(logical_id, "TreatMissingData"),
                                metrics,
                                arn=self.b.resolver.as_string(
                                    self.b.resolver.get_att(logical_id, "Arn")))
            self.alarm_actions(alarm, props)
            self.model.alarms[logical_id] = alarm

    def metric_name(self, props: Mapping[str, Any]) -> StrValue:
        if "MetricName" not in props:
            return Unknown("the metric has no MetricName")
        return self.b.string(props["MetricName"])

    def alarm_actions(self, alarm: model.Alarm, props: Mapping[str, Any]) -> None:
        """The topics the alarm notifies, and whether it acts on INSUFFICIENT_DATA."""
        if self.b.resolve(props.get("ActionsEnabled", True)) in (False, "false", "False"):
            return
        for key in ALARM_ACTIONS:
            if key not in props:
                continue
            node = self.b.taken_branches(props[key])
            resolved = self.b.resolve(node)
            if key == "InsufficientDataActions":
                alarm.insufficient_data_actions = (
                    bool(resolved) if isinstance(resolved, list)
                    else Unknown("InsufficientDataActions is not known statically"))
            for item in node if isinstance(node, list) else [node]:
                topic = self.b.linked(item, SNS_TOPIC)
                if topic is not None and topic not in alarm.topics:
                    alarm.topics.append(topic)
                    alarm.actions_line = alarm.actions_line or self.b.loaded.property_line(
                        alarm.id, key)

    def metric_filters(self) -> None:
        for logical_id, _ in self.b.of_type("AWS::Logs::MetricFilter"):
            props = self.b.properties(logical_id)
            self.model.metric_filters[logical_id] = self._metric_filter(logical_id, props)
        for logical_id, resource in self.b.loaded.resources.items():
            if (isinstance(resource, Mapping) and str(logical_id) not in self.b.resources
                    and resource.get("Type") == "AWS::Logs::MetricFilter"):
                props = resource.get("Properties")
                self.model.left_out_metric_filters[str(logical_id)] = self._metric_filter(
                    str(logical_id), props if isinstance(props, Mapping) else {})

    def _metric_filter(self, logical_id: str, props: Mapping[str, Any]) -> model.MetricFilter:
        name = (self.b.string(props["FilterName"]) if "FilterName" in props
                else Unknown(f"generated name of resource {logical_id}"))
        found = model.MetricFilter(logical_id, self.b.location(logical_id), name,
                                   self.b.string(props.get("LogGroupName")))
        transformations = self.b.taken_branches(props.get("MetricTransformations"))
        for item in transformations if isinstance(transformations, list) else []:
            if isinstance(item, Mapping):
                found.metrics.append(model.AlarmMetric(
                    self.b.string(item.get("MetricNamespace")),
                    self.b.string(item.get("MetricName"))))
        if not isinstance(transformations, list):
            found.metrics.append(model.AlarmMetric(
                Unknown("MetricTransformations is not known statically"),
                Unknown("MetricTransformations is not known statically")))
        return found

    # --- SNS -----------------------------------------------------------------------------

    def sns_topics(self) -> None:
        for logical_id, _ in self.b.of_type(SNS_TOPIC):
            props = self.b.properties(logical_id)
            topic = model.SnsTopic(logical_id, self.b.location(logical_id),
                                   self.b.resolver.as_string(self.b.resolver.get_att(logical_id,
                                                                              "TopicArn")))
            if "KmsMasterKeyId" in props:
                node = self.b.taken_branches(props["KmsMasterKeyId"])
                if self.b.resolve(node) is not NO_VALUE:
                    topic.kms_key = self.topic_key(node)
                    topic.kms_line = self.b.loaded.property_line(logical_id, "KmsMasterKeyId")
            self.model.sns_topics[logical_id] = topic
        for logical_id, _ in self.b.of_type("AWS::SNS::TopicPolicy",
                                            "AWS::SNS::TopicInlinePolicy"):
            props = self.b.properties(logical_id)
            node = self.b.taken_branches(props.get("Topics", props.get("TopicArn")))
            location = self.b.location(logical_id)
            policy = None
            for item in node if isinstance(node, list) else [node]:
                topic = self.b.linked(item, SNS_TOPIC)
                if topic is None:
                    continue
                if policy is None:  # a Ref to a topic is its ARN, which the model can build
                    policy = self.b.parse(self.refs_as_strings(props.get("PolicyDocument")),
                                          f"topic policy {logical_id}", location)
                self.model.sns_topics[topic].policies.append((policy, location))

    def refs_as_strings(self, node: Any) -> Any:
        """``node`` resolved, with each resource reference as the string it stands for
        (partly known or unknown when it cannot be built)."""
        resolved = self.b.resolve(node)

        def convert(value: Any) -> Any:
            if isinstance(value, ResourceRef):
                return self.b.resolver.as_string(value)
            if isinstance(value, Mapping):
                return {k: convert(v) for k, v in value.items()}
            if isinstance(value, list):
                return [convert(v) for v in value]
            return value
        return convert(resolved)

    def topic_key(self, node: Any) -> StrValue:
        """A key of this input (through an alias of this input too), else the text."""
        key = self.b.linked(node, KMS_KEY)
        if key is not None:
            return key
        alias = self.b.linked(node, KMS_ALIAS)
        if alias is not None:
            target = self.b.linked(self.b.properties(alias).get("TargetKeyId"), KMS_KEY)
            if target is not None:
                return target
            return Unknown(f"the target of KMS alias {alias} is not in this template")
        return self.b.string(node)
