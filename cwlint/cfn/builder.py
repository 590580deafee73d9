"""CloudFormation and SAM templates into the :class:`~cwlint.model.Model`.

Follows every way a policy reaches a role: a role's ``Policies``, ``ManagedPolicyArns``
(AWS managed policies in any spelling of their ARN, and ``Ref`` to an
``AWS::IAM::ManagedPolicy``), ``AWS::IAM::Policy`` / ``ManagedPolicy`` / ``RolePolicy``
resources that name the role, ``PermissionsBoundary``, and instance profiles. SAM
functions (which cfn-lint no longer transforms) get their ``Role``, or the role SAM would
create: ``AWSLambdaBasicExecutionRole`` plus their ``Policies`` (managed policy names,
inline statements, SAM policy templates), with ``Globals`` applied.

Workloads are Lambda and SAM functions, EC2 instances and launch templates, each with its
role and the signals of what it sends to CloudWatch (:mod:`cwlint.frontend.signals`).
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator, Mapping
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from cwlint.agent_config import config_in_texts, config_value
from cwlint.cfn.intrinsics import NO_VALUE, Resolver, ResourceRef
from cwlint.cfn.loader import LoadedTemplate
from cwlint.cfn.services import ServiceBuilder
from cwlint.cfn.vpcs import VpcBuilder
from cwlint.frontend import workloads
from cwlint.frontend.builder import ModelBuilder
from cwlint.frontend.policies import BoundaryLookup
from cwlint.iam.managed import is_aws_managed_arn, managed_policy_arn
from cwlint.iam.policy import Policy, parse_policy
from cwlint.model import AttachedPolicy, Location, Model, Role, Workload
from cwlint.values import Partial, StrValue, Unknown

if TYPE_CHECKING:
    from cwlint.model import MetricSignal

ROLE = "AWS::IAM::Role"
LAMBDA = "AWS::Lambda::Function"
SAM_FUNCTION = "AWS::Serverless::Function"
INSTANCE = "AWS::EC2::Instance"
LAUNCH_TEMPLATE = "AWS::EC2::LaunchTemplate"
LAUNCH_CONFIGURATION = "AWS::AutoScaling::LaunchConfiguration"
SSM_PARAMETER = "AWS::SSM::Parameter"
CFN_INIT = "AWS::CloudFormation::Init"
INSTANCE_PROFILE = "AWS::IAM::InstanceProfile"
MANAGED_POLICY = "AWS::IAM::ManagedPolicy"
POLICY = "AWS::IAM::Policy"
ROLE_POLICY = "AWS::IAM::RolePolicy"
LOG_GROUP = "AWS::Logs::LogGroup"
ALARM = "AWS::CloudWatch::Alarm"
SAM_BASIC_ROLE = "AWSLambdaBasicExecutionRole"


def build_model(
    loaded: LoadedTemplate,
    region: str = "us-east-1",
    account_id: str = "123456789012",
    condition_overrides: Mapping[str, bool] | None = None,
    boundaries: BoundaryLookup | None = None,
) -> Model:
    """The model of one template (raises ResolveError for cyclic conditions).

    ``condition_overrides`` fixes named conditions (one ``Fn::If`` scenario); resources
    whose ``Condition`` is false in it are left out. ``boundaries`` (configuration hook)
    supplies permissions boundary documents that are not in the template, by ARN.
    """
    resolver = Resolver(loaded, region=region, account_id=account_id,
                        condition_overrides=condition_overrides)
    resolver.evaluate_conditions()  # cyclic conditions are an error for the whole file
    model = Model(file=loaded.path, syntax="cloudformation", region=region,
                  account_id=account_id, partition=resolver.partition)
    builder = CloudFormationBuilder(loaded, resolver, model)
    builder.external_boundaries = boundaries
    builder.build()
    return model


@cache
def sam_policy_templates() -> dict[str, Any]:
    data = resources.files("cwlint.data").joinpath("sam_policy_templates.json.gz").read_bytes()
    return json.loads(gzip.decompress(data))["templates"]


class CloudFormationBuilder(ModelBuilder):
    external_boundaries: BoundaryLookup | None = None

    def __init__(self, loaded: LoadedTemplate, resolver: Resolver, model: Model) -> None:
        self.loaded = loaded
        self.resolver = resolver
        self.model = model
        self.resources: Mapping[str, Any] = {
            str(k): v
            for k, v in loaded.resources.items()
            if isinstance(v, Mapping) and self.exists(v)
        }
        self.by_type: dict[str, list[tuple[str, Mapping[str, Any]]]] = {}
        self.position: dict[str, int] = {}
        for position, (logical_id, resource) in enumerate(self.resources.items()):
            self.position[logical_id] = position
            rtype = resource.get("Type")
            if isinstance(rtype, str):
                self.by_type.setdefault(str(rtype), []).append((logical_id, resource))
        self._parameter_index: dict[str, str] | None = None
        self.managed: dict[str, AttachedPolicy] = {}
        self.profiles: dict[str, Role | Unknown | None] = {}
        self.globals = _sam_function_globals(loaded.template)
        self.network: VpcBuilder = VpcBuilder(self)
        self.services: ServiceBuilder = ServiceBuilder(self)

    # --- helpers -----------------------------------------------------------------------

    def exists(self, resource: Mapping[str, Any]) -> bool:
        """False for a resource whose ``Condition`` is known to be false."""
        condition = resource.get("Condition")
        if not isinstance(condition, str):
            return True
        return self.resolver.condition_value(condition) is not False

    def of_type(self, *types: str) -> Iterator[tuple[str, Mapping[str, Any]]]:
        """Resources of the given types, in template order."""
        if len(types) == 1:
            yield from self.by_type.get(types[0], ())
            return
        found = [entry for rtype in dict.fromkeys(types) for entry in self.by_type.get(rtype, ())]
        yield from sorted(found, key=lambda entry: self.position[entry[0]])

    def properties(self, logical_id: str) -> Mapping[str, Any]:
        props = self.resources[logical_id].get("Properties")
        return props if isinstance(props, Mapping) else {}

    def location(self, logical_id: str, *path: str | int) -> Location:
        line = (
            self.loaded.property_line(logical_id, *path)
            if path
            else self.loaded.resource_line(logical_id)
        )
        return Location(self.loaded.path, line, logical_id)

    def resolve(self, node: Any) -> Any:
        return self.resolver.resolve(node)

    def string(self, node: Any) -> StrValue:
        value = self.resolve(node)
        if value is NO_VALUE:
            return Unknown("AWS::NoValue")
        return self.resolver.as_string(value)

    def linked(self, node: Any, *types: str) -> str | None:
        """The logical id of the first resource of ``types`` that ``node`` refers to, in the
        ``Fn::If`` branches this scenario takes (both when the condition is unknown)."""
        for ref in self.resolver.resource_refs(self.taken_branches(node)):
            resource = self.resources.get(ref.logical_id)
            if resource is not None and resource.get("Type") in types:
                return ref.logical_id
        return None

    def taken_branches(self, node: Any) -> Any:
        """``node`` with every ``Fn::If`` replaced by the branch its condition selects."""
        if isinstance(node, Mapping):
            if len(node) == 1 and "Fn::If" in node:
                arg = node["Fn::If"]
                if isinstance(arg, list) and len(arg) == 3 and isinstance(arg[0], str):
                    value = self.resolver.condition_value(arg[0])
                    if value is True:
                        return self.taken_branches(arg[1])
                    if value is False:
                        return self.taken_branches(arg[2])
            return {k: self.taken_branches(v) for k, v in node.items()}
        if isinstance(node, list):
            return [self.taken_branches(v) for v in node]
        return node

    def parse(self, document: Any, name: str, location: Location,
              require_resource: bool = True) -> Policy:
        return self.policy(_plain(self.resolve(document)), name, location, require_resource)

    # --- build -------------------------------------------------------------------------

    def identity(self) -> None:
        self.managed_policies()
        self.roles()
        self.policy_resources()
        self.instance_profiles()

    def log_groups(self) -> None:
        for logical_id, _resource in self.of_type(LOG_GROUP):
            name = self.resolver.as_string(self.resolver.ref(logical_id))
            self.add_log_group(logical_id, self.location(logical_id), name)

    def managed_policies(self) -> None:
        for logical_id, _resource in self.of_type(MANAGED_POLICY):
            props = self.properties(logical_id)
            location = self.location(logical_id)
            policy = self.parse(props.get("PolicyDocument"), logical_id, location)
            self.add_managed_policy(logical_id, logical_id, policy, location)

    def roles(self) -> None:
        for logical_id, _resource in self.of_type(ROLE):
            props = self.properties(logical_id)
            role = Role(
                id=logical_id,
                location=self.location(logical_id),
                name=self.resolver.as_string(self.resolver.ref(logical_id)),
                arn=self.resolver.as_string(self.resolver.get_att(logical_id, "Arn")),
            )
            if "AssumeRolePolicyDocument" in props:
                role.trust = self.parse(props["AssumeRolePolicyDocument"],
                                        f"trust policy of {logical_id}", role.location,
                                        require_resource=False)
            self.add_inline_policies(role, props.get("Policies"), "Policies")
            for index, item in enumerate(_as_list(props.get("ManagedPolicyArns"))):
                location = self.location(logical_id, "ManagedPolicyArns", index)
                self.attach_managed(role, item, location)
            if "PermissionsBoundary" in props:
                location = self.location(logical_id, "PermissionsBoundary")
                role.boundary = self.boundary(props["PermissionsBoundary"], location)
            self.model.roles[logical_id] = role

    def add_inline_policies(self, role: Role, policies: Any, key: str) -> None:
        for index, item in enumerate(_as_list(policies)):
            location = self.location(role.id, key, index)
            item = self.resolve(item)
            if item is NO_VALUE:
                continue
            if isinstance(item, Unknown) or not isinstance(item, Mapping):
                role.unresolved.append(Unknown(f"inline policy {index} of {role.id}"))
                continue
            name = item.get("PolicyName")
            name = name if isinstance(name, str) else f"{role.id} policy {index}"
            policy = self.parse(item.get("PolicyDocument"), name, location)
            self.attach(role, name, "inline", policy, location)
            self.add_standalone(policy, location)

    def attach_managed(self, role: Role, node: Any, location: Location) -> None:
        if self.resolve(node) is NO_VALUE:
            return
        linked = self.linked(node, MANAGED_POLICY)
        if linked is not None:
            role.policies.append(self.managed[linked])
            return
        value = self.string(node)
        if isinstance(value, str) and is_aws_managed_arn(value):
            attached = self.aws_managed(value, location)
            if attached is not None:
                role.policies.append(attached)
                return
            role.unresolved.append(Unknown(f"{value} is not a known AWS managed policy"))
            return
        if isinstance(value, str):
            role.unresolved.append(Unknown(f"managed policy {value} is not in this template"))
        else:
            role.unresolved.append(Unknown(f"managed policy ARN of {role.id}: {value.reason}"))

    def boundary(self, node: Any, location: Location) -> AttachedPolicy | None:
        """The permissions boundary ``node`` names; None when it resolves to
        ``AWS::NoValue`` (an ``Fn::If`` branch without a boundary: the role has none)."""
        if self.resolve(node) is NO_VALUE:
            return None
        linked = self.linked(node, MANAGED_POLICY)
        if linked is not None:
            return self.managed[linked]
        value = self.string(node)
        if isinstance(value, str) and is_aws_managed_arn(value):
            attached = self.aws_managed(value, location)
            if attached is not None:
                return attached
        if isinstance(value, str) and self.external_boundaries is not None:  # config hook
            external = self.external_boundaries(value, location)
            if external is not None:
                return external
        reason = (
            f"permissions boundary {value} is not in this template"
            if isinstance(value, str)
            else f"permissions boundary: {value.reason}"
        )
        return AttachedPolicy(
            "permissions boundary",
            "boundary",
            parse_policy(Unknown(reason), "permissions boundary"),
            location,
        )

    def roles_named(self, node: Any) -> list[Role]:
        """The roles a ``Roles`` list or ``RoleName`` value refers to."""
        found = []
        for item in _as_list(node):
            linked = self.linked(item, ROLE)
            if linked is not None:
                found.append(self.model.roles[linked])
                continue
            value = self.string(item)
            found.extend(r for r in self.model.roles.values() if r.name == value)
        return found

    def policy_resources(self) -> None:
        for logical_id, resource in self.of_type(POLICY, ROLE_POLICY):
            props = self.properties(logical_id)
            location = self.location(logical_id)
            name = props.get("PolicyName")
            name = name if isinstance(name, str) else logical_id
            policy = self.parse(props.get("PolicyDocument"), name, location)
            self.add_standalone(policy, location)
            targets = (
                props.get("Roles") if resource.get("Type") == POLICY else props.get("RoleName")
            )
            for role in self.roles_named(targets):
                self.attach(role, name, "policy", policy, location)
        for logical_id, attached in self.managed.items():
            for role in self.roles_named(self.properties(logical_id).get("Roles")):
                if attached not in role.policies:
                    role.policies.append(attached)

    def instance_profiles(self) -> None:
        for logical_id, _resource in self.of_type(INSTANCE_PROFILE):
            roles = self.properties(logical_id).get("Roles")
            linked = self.roles_named(roles)
            if linked:
                self.profiles[logical_id] = linked[0]
            else:
                self.profiles[logical_id] = Unknown(f"the role of instance profile {logical_id}")

    # --- workloads ---------------------------------------------------------------------

    def functions(self) -> None:
        for logical_id, resource in self.of_type(LAMBDA, SAM_FUNCTION):
            sam = resource.get("Type") == SAM_FUNCTION
            props = (
                _merge(self.globals, self.properties(logical_id))
                if sam
                else (self.properties(logical_id))
            )
            workload = Workload(logical_id, "lambda", self.location(logical_id))
            self.link_function_role(workload, props, sam)
            logging = self.resolve(props.get("LoggingConfig", {}))
            group = logging.get("LogGroup") if isinstance(logging, Mapping) else None
            workloads.set_function_log_group(
                workload, self.model,
                self.resolver.as_string(group) if group is not None else None,
                self.resolver.as_string(self.resolver.ref(logical_id)))
            environment = self.resolve(props.get("Environment", {}))
            workload.signals = workloads.function_signals(
                self.declared_namespaces(logical_id, props),
                environment.get("Variables") if isinstance(environment, Mapping) else None,
                _code_text(props, sam), _str_value)
            self.network.place_function(workload, props)
            self.model.workloads.append(workload)

    def link_function_role(self, workload: Workload, props: Mapping[str, Any], sam: bool) -> None:
        if "Role" in props:
            workload.role_line = self.loaded.property_line(workload.id, "Role")
            linked = self.linked(props["Role"], ROLE)
            if linked is not None:
                workload.role = self.model.roles[linked]
                return
            arn = self.string(props["Role"])
            match = [r for r in self.model.roles.values() if r.arn == arn]
            if match:
                workload.role = match[0]
            else:
                reason = (
                    arn.reason if not isinstance(arn, str) else f"{arn} is not in this template"
                )
                workload.role_unknown = Unknown(f"role {reason}")
            return
        if not sam:
            workload.role_unknown = Unknown("the function has no Role")
            return
        workload.role = self.sam_implicit_role(workload.id, props)
        if "Policies" in self.properties(workload.id):  # not from Globals
            workload.role_line = self.loaded.property_line(workload.id, "Policies")

    def sam_implicit_role(self, function_id: str, props: Mapping[str, Any]) -> Role:
        role_id = f"{function_id}Role"
        location = self.location(function_id)
        role = Role(
            role_id,
            location,
            Unknown(f"generated name of resource {role_id}"),
            Unknown(f"ARN of the role SAM creates for {function_id}"),
            implicit=True,
        )
        basic = managed_policy_arn(SAM_BASIC_ROLE, self.model.partition)
        if basic is not None:
            attached = self.aws_managed(basic, location)
            if attached is not None:
                role.policies.append(attached)
        for index, item in enumerate(_as_list(props.get("Policies"))):
            self.add_sam_policy(role, function_id, index, item)
        if "PermissionsBoundary" in props:
            role.boundary = self.boundary(
                props["PermissionsBoundary"], self.location(function_id, "PermissionsBoundary")
            )
        self.model.roles[role_id] = role
        return role

    def add_sam_policy(self, role: Role, function_id: str, index: int, item: Any) -> None:
        location = self.location(function_id, "Policies", index)
        item = self.taken_branches(item)
        if self.resolve(item) is NO_VALUE:
            return
        if isinstance(item, Mapping) and len(item) == 1:
            ((key, arguments),) = item.items()
            template = sam_policy_templates().get(str(key))
            if template is not None:
                document = _expand_sam_template(template, arguments)
                policy = self.parse(document, str(key), location)
                self.attach(role, str(key), "sam-template", policy, location)
                return
        if isinstance(item, Mapping) and "Statement" in item:
            name = f"{function_id} inline policy {index}"
            policy = self.parse(item, name, location)
            self.attach(role, name, "inline", policy, location)
            self.add_standalone(policy, location)
            return
        value = self.string(item)
        if isinstance(value, str):
            arn = (
                value
                if value.startswith("arn:")
                else managed_policy_arn(value, self.model.partition)
            )
            if arn is not None and is_aws_managed_arn(arn):
                attached = self.aws_managed(arn, location)
                if attached is not None:
                    role.policies.append(attached)
                    return
        linked = self.linked(item, MANAGED_POLICY)
        if linked is not None:
            role.policies.append(self.managed[linked])
            return
        role.unresolved.append(Unknown(f"policy {index} of {function_id} cannot be resolved"))

    def declared_namespaces(self, logical_id: str, props: Mapping[str, Any]) -> list[MetricSignal]:
        found = []
        metadata = self.resources[logical_id].get("Metadata")
        declared = metadata.get("cwlint") if isinstance(metadata, Mapping) else None
        if isinstance(declared, Mapping):
            for namespace in _as_list(self.resolve(declared.get("metrics_namespaces"))):
                found.append(workloads.declared_namespace(_str_value(namespace),
                                                          "Metadata.cwlint"))
        for key, value in _tags(self.resolve(props.get("Tags"))):
            if key == workloads.NAMESPACE_TAG:
                found.append(workloads.declared_namespace(
                    _str_value(value), f"tag {workloads.NAMESPACE_TAG}"))
        return found

    def instances(self) -> None:
        launched_in = self.network.auto_scaling_subnets()
        kinds = {INSTANCE: "ec2-instance", LAUNCH_TEMPLATE: "launch-template",
                 LAUNCH_CONFIGURATION: "launch-configuration"}
        for logical_id, resource in self.of_type(INSTANCE, LAUNCH_TEMPLATE,
                                                 LAUNCH_CONFIGURATION):
            kind = kinds[str(resource.get("Type"))]
            is_template = kind == "launch-template"
            props = self.properties(logical_id)
            data = props.get("LaunchTemplateData", {}) if is_template else props
            data = data if isinstance(data, Mapping) else {}
            workload = Workload(logical_id, kind, self.location(logical_id))
            self.link_instance_profile(workload, data, is_template)
            # Resolved first (Sub and Join put names together), then as written.
            texts: list[StrValue] = list(_resolved_strings(self.resolve(data.get("UserData"))))
            texts += _resolved_strings(self.resolve(resource.get("Metadata")))
            texts += _strings(data.get("UserData"))
            texts += _strings(resource.get("Metadata"))
            metadata = resource.get("Metadata")
            declared = metadata.get("cwlint") if isinstance(metadata, Mapping) else None
            init = _cfn_init(metadata)
            signals = workloads.instance_signals(
                self.declared_namespaces(logical_id, data), texts,
                carriers="its user data or cfn-init configuration",
                agent_declared_by="Metadata.cwlint.agent" if isinstance(declared, Mapping)
                and declared.get("agent") is True else None,
                logs_agent_elsewhere=_init_runs_awslogs(init),
                parameter_value=self.parameter_value,
                written_configs=self.written_agent_configs(data, init))
            workload.signals = signals
            path = {"launch-template": ("LaunchTemplateData",),
                    "launch-configuration": ()}.get(kind, ("SubnetId",))
            self.network.place_instance(workload, data, launched_in.get(logical_id), path)
            self.model.workloads.append(workload)

    def parameter_value(self, name: StrValue) -> tuple[Any, str] | None:
        """The value of the ``AWS::SSM::Parameter`` of the template named ``name``."""
        if isinstance(name, str):  # only a known name equals a known name: look it up
            found = self._parameters_by_name().get(name)
            candidates = [found] if found is not None else []
        else:
            candidates = [logical_id for logical_id, _ in self.of_type(SSM_PARAMETER)
                          if self.resolver.as_string(self.resolver.ref(logical_id)) == name]
        for logical_id in candidates[:1]:
            return (self.string(self.properties(logical_id).get("Value")),
                    f"the value of SSM parameter {logical_id}")
        return None

    def _parameters_by_name(self) -> dict[str, str]:
        """The first ``AWS::SSM::Parameter`` of each known name (each instance asks: one
        pass over the parameters, not one per instance)."""
        if self._parameter_index is None:
            self._parameter_index = {}
            for logical_id, _ in self.of_type(SSM_PARAMETER):
                known = self.resolver.as_string(self.resolver.ref(logical_id))
                if isinstance(known, str):
                    self._parameter_index.setdefault(known, logical_id)
        return self._parameter_index

    def written_agent_configs(self, data: Mapping[str, Any], init: list[Mapping[str, Any]]
                              ) -> Iterator[tuple[dict[str, Any] | None, str]]:
        """Agent configurations the template writes: files of ``AWS::CloudFormation::Init``,
        then JSON its user data writes."""
        for config in init:
            files = config.get("files")
            for path, spec in files.items() if isinstance(files, Mapping) else ():
                content = spec.get("content") if isinstance(spec, Mapping) else None
                if content is not None:
                    yield (config_value(self.resolve(content)),
                           f"file {path} of AWS::CloudFormation::Init")
        yield (config_in_texts(_resolved_strings(self.resolve(data.get("UserData")))),
               "written by its user data")

    def link_instance_profile(
        self, workload: Workload, data: Mapping[str, Any], is_template: bool
    ) -> None:
        node = data.get("IamInstanceProfile")
        if is_template and isinstance(node, Mapping):
            node = node.get("Arn", node.get("Name"))
        if node is None:
            workload.has_instance_profile = False
            return
        path = (
            ("LaunchTemplateData", "IamInstanceProfile") if is_template else ("IamInstanceProfile",)
        )
        workload.role_line = self.loaded.property_line(workload.id, *path)
        linked = self.linked(node, INSTANCE_PROFILE)
        if linked is None:
            value = self.string(node)
            linked = next(
                (
                    pid
                    for pid in self.profiles
                    if value
                    in (
                        self.resolver.as_string(self.resolver.ref(pid)),
                        self.resolver.as_string(self.resolver.get_att(pid, "Arn")),
                    )
                ),
                None,
            )
        target = self.profiles.get(linked) if linked else None
        if isinstance(target, Role):
            workload.role = target
        elif isinstance(target, Unknown):
            workload.role_unknown = target
        else:
            workload.role_unknown = Unknown("its instance profile is not in this template")

    def alarm_signals(self) -> None:
        by_id = {w.id: w for w in self.model.workloads}
        for logical_id, _resource in self.of_type(ALARM):
            props = self.properties(logical_id)
            namespace = self.string(props.get("Namespace")) if "Namespace" in props else None
            if not workloads.is_custom_namespace(namespace):
                continue
            for dimension in _as_list(props.get("Dimensions")):
                if not isinstance(dimension, Mapping):
                    continue
                for ref in self.resolver.resource_refs(dimension.get("Value")):
                    workload = by_id.get(ref.logical_id)
                    if workload is not None:
                        workloads.add_alarm_signal(workload, namespace, logical_id)


def _cfn_init(metadata: Any) -> list[Mapping[str, Any]]:
    """The config blocks of an ``AWS::CloudFormation::Init`` (as written)."""
    init = metadata.get(CFN_INIT) if isinstance(metadata, Mapping) else None
    if not isinstance(init, Mapping):
        return []
    return [v for k, v in init.items() if k != "configSets" and isinstance(v, Mapping)]


def _init_runs_awslogs(init: list[Mapping[str, Any]]) -> bool:
    """cfn-init installs the awslogs package or runs its service."""
    for config in init:
        packages = config.get("packages")
        for manager in packages.values() if isinstance(packages, Mapping) else ():
            if isinstance(manager, Mapping) and "awslogs" in manager:
                return True
        services = config.get("services")
        for manager in services.values() if isinstance(services, Mapping) else ():
            if isinstance(manager, Mapping) and ({"awslogs", "awslogsd"} & set(manager)):
                return True
    return False


def _sam_function_globals(template: Mapping[str, Any]) -> Mapping[str, Any]:
    globals_ = template.get("Globals")
    function = globals_.get("Function") if isinstance(globals_, Mapping) else None
    return function if isinstance(function, Mapping) else {}


def _merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """SAM Globals: the function's own properties win; mappings merge key by key."""
    merged = dict(base)
    for key, value in override.items():
        if (
            isinstance(value, Mapping)
            and isinstance(merged.get(key), Mapping)
            and not any(str(k).startswith("Fn::") or k == "Ref" for k in value)
        ):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _expand_sam_template(template: Mapping[str, Any], arguments: Any) -> Any:
    """A SAM policy template's document with its parameters replaced by the arguments."""
    values = arguments if isinstance(arguments, Mapping) else {}

    def substitute(node: Any) -> Any:
        if isinstance(node, Mapping):
            if set(node) == {"Ref"} and node["Ref"] in template["parameters"]:
                return values.get(node["Ref"], {"Ref": "AWS::NoValue"})
            return {k: substitute(v) for k, v in node.items()}
        if isinstance(node, list):
            return [substitute(v) for v in node]
        return node

    document = dict(substitute(template["definition"]))
    document.setdefault("Version", "2012-10-17")
    return document


def _code_text(props: Mapping[str, Any], sam: bool) -> str:
    pieces = list(_strings(props.get("InlineCode"))) if sam else []
    code = props.get("Code")
    if isinstance(code, Mapping):
        pieces += list(_strings(code.get("ZipFile")))
    return "\n".join(pieces)


def _strings(node: Any) -> list[str]:
    """Every string leaf of a raw template subtree (user data, inline code, metadata)."""
    return [leaf for leaf in _leaves(node) if isinstance(leaf, str)]


def _resolved_strings(node: Any) -> list[StrValue]:
    """Every string leaf of a resolved subtree, partly unknown ones included."""
    return [leaf for leaf in _leaves(node) if isinstance(leaf, (str, Partial))]


def _leaves(node: Any) -> Iterator[Any]:
    """Every leaf of a subtree, the last child first (an explicit stack: no recursion)."""
    stack = [node]
    while stack:
        item = stack.pop()
        children = (item.values() if isinstance(item, Mapping)
                    else item if isinstance(item, list) else None)
        if children is None:
            yield item
        else:
            stack.extend(children)


def _tags(value: Any) -> Iterator[tuple[Any, Any]]:
    if isinstance(value, Mapping):
        yield from value.items()
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, Mapping) and "Key" in item:
                yield item.get("Key"), item.get("Value")


def _as_list(value: Any) -> list[Any]:
    if value is None or value is NO_VALUE:
        return []
    return value if isinstance(value, list) else [value]


def _str_value(value: Any) -> StrValue:
    if isinstance(value, (str, Unknown, Partial)):
        return value
    if isinstance(value, ResourceRef):
        return Unknown(f"the value of {value}")
    if isinstance(value, (int, float, bool)):
        return str(value)
    return Unknown("a namespace that is not a string")


def _plain(value: Any) -> Any:
    """Resolved values as the policy parser takes them: ResourceRefs become unknowns."""
    if isinstance(value, ResourceRef):
        return Unknown(f"the value of {value}")
    if value is NO_VALUE:
        return Unknown("AWS::NoValue")
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items() if v is not NO_VALUE}
    if isinstance(value, list):
        return [_plain(v) for v in value if v is not NO_VALUE]
    return value
