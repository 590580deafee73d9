"""Terraform resource instances (from HCL or a plan) into the :class:`~cwlint.model.Model`.

The same mapping serves both front ends, so that a configuration and its plan give the
same findings on the same addresses. Model ids are Terraform addresses.

Identity (this module): roles with ``inline_policy`` blocks, ``managed_policy_arns`` and
``permissions_boundary``; ``aws_iam_role_policy``, ``aws_iam_policy`` with
``aws_iam_role_policy_attachment`` and ``aws_iam_policy_attachment``,
``aws_iam_role_policies_exclusive``, instance profiles; AWS managed policies by ARN (also
through ``data "aws_iam_policy"``). Workloads: ``aws_lambda_function`` (role, name,
``logging_config``, environment, tags, inline code of a ``data "archive_file"``),
``aws_instance`` and ``aws_launch_template`` (instance profile, user data, tags). The
network (:mod:`cwlint.terraform.vpcs`) and the services
(:mod:`cwlint.terraform.services`: KMS, ECS, OAM, alarms) have their own modules.

References are linked three ways, in order: a :class:`~cwlint.terraform.values.TfRef`
in the value (HCL: ``aws_iam_role.app.arn``), the value itself when it is a known id, ARN
or name of a resource in the input, and, when the value is unknown, the references the
configuration records for the attribute (a plan's ``configuration`` section).
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from cwlint.agent_config import config_in_texts
from cwlint.frontend import workloads
from cwlint.frontend.builder import ModelBuilder
from cwlint.frontend.policies import BoundaryLookup
from cwlint.iam.managed import is_aws_managed_arn
from cwlint.iam.policy import Policy, parse_policy
from cwlint.model import AttachedPolicy, Location, Model, Role, Workload
from cwlint.terraform.attributes import Environment, computed_attribute
from cwlint.terraform.plan import reference_parts
from cwlint.terraform.resources import Block, LazyReferences, TerraformInput, TfResource
from cwlint.terraform.values import TfRef, json_document, refs_in
from cwlint.values import Partial, StrValue, Unknown

if TYPE_CHECKING:
    from cwlint.model import MetricSignal

AGENT_TAG = "cwlint:agent"

#: Maps a referenced (resource, attribute) to a model id, or None when it is not one.
Resolver = Callable[[TfResource, str], "str | None"]

_BASE64 = re.compile(r"[A-Za-z0-9+/=\s]+")


def build_model(tf: TerraformInput, env: Environment,
                boundaries: BoundaryLookup | None = None) -> Model:
    """The model of one Terraform input."""
    model = Model(file=tf.path, syntax="terraform" if tf.kind == "hcl" else "plan",
                  region=env.region, account_id=env.account_id, partition=env.partition)
    builder = TerraformBuilder(tf, model, env, boundaries)
    builder.build()
    return model


class TerraformBuilder(ModelBuilder):
    def __init__(self, tf: TerraformInput, model: Model, env: Environment,
                 boundaries: BoundaryLookup | None = None) -> None:
        self.tf = tf
        self.model = model
        self.env = env
        self.boundaries = boundaries
        self.by_address: dict[str, TfResource] = {}
        self.by_plain: dict[str, list[TfResource]] = {}
        for resource in tf.resources:
            self.by_address[resource.address] = resource
            self.by_plain.setdefault(_plain_address(resource.address), []).append(resource)
        self.managed: dict[str, AttachedPolicy] = {}
        self.profiles: dict[str, Role | Unknown] = {}
        self._identities: dict[str, set[StrValue]] = {}
        self._by_type: dict[tuple[str, str], list[tuple[int, TfResource]]] | None = None
        self._parameter_index: dict[str, TfResource] | None = None
        self._by_identity: dict[StrValue, list[TfResource]] | None = None
        from cwlint.terraform.services import ServiceBuilder
        from cwlint.terraform.vpcs import VpcBuilder

        self.network: VpcBuilder = VpcBuilder(self)
        self.services: ServiceBuilder = ServiceBuilder(self)

    # --- lookups -------------------------------------------------------------------------

    def of_type(self, *types: str, mode: str = "managed") -> list[TfResource]:
        """The resources of these types, in input order."""
        if self._by_type is None:
            self._by_type = {}
            for position, resource in enumerate(self.tf.resources):
                self._by_type.setdefault((resource.mode, resource.type), []).append(
                    (position, resource))
        found = [entry for rtype in dict.fromkeys(types)
                 for entry in self._by_type.get((mode, rtype), ())]
        if len(types) > 1:
            found.sort(key=lambda entry: entry[0])
        return [resource for _, resource in found]

    def reference_targets(self, reference: str) -> list[tuple[TfResource, str]]:
        """The resource instances a reference string names, with the attribute after them
        (``aws_subnet.a.id`` names every instance of ``aws_subnet.a`` when it has a count)."""
        parts = reference_parts(reference)
        for size in range(len(parts), 0, -1):
            prefix = ".".join(parts[:size])
            if prefix in self.by_address:
                return [(self.by_address[prefix], ".".join(parts[size:]))]
        plain = reference_parts(_plain_address(reference))
        for size in range(len(plain), 0, -1):
            prefix = ".".join(plain[:size])
            if prefix in self.by_plain:
                return [(r, ".".join(plain[size:])) for r in self.by_plain[prefix]]
        return []

    def _known_as(self, text: StrValue) -> list[TfResource]:
        """The managed resources that ``text`` is an identity of, in input order."""
        if self._by_identity is None:
            self._by_identity = {}
            for resource in self.tf.resources:
                if resource.mode == "managed":
                    for identity in self.identities(resource):
                        self._by_identity.setdefault(identity, []).append(resource)
        return self._by_identity.get(text, [])

    def identities(self, resource: TfResource) -> set[StrValue]:
        """Known ids, ARNs and names by which other resources may name this one; a partly
        known one (``"${var.env}-orders"``) names it when another value is the very same
        text with the very same unknown pieces, and so does a wholly unknown one that is a
        reference (``random_pet.this.id``): the same reference is the same name."""
        if resource.address not in self._identities:
            found: set[StrValue] = set()
            for key in ("id", "arn", "name", "function_name", "key_id"):
                value = self.attribute(resource, key)
                if (isinstance(value, str) and value) or isinstance(value, (Partial, TfRef)):
                    found.add(value)
            self._identities[resource.address] = found
        return self._identities[resource.address]

    def attribute(self, resource: TfResource, name: str) -> Any:
        """An attribute's value: the planned or configured value when known, else what
        :mod:`cwlint.terraform.attributes` can write, else the (unknown) value."""
        value = resource.body.get(name)
        if value not in (None, "") and not isinstance(value, Unknown):
            return value
        computed = computed_attribute(resource.mode, resource.type, name,
                                      lambda key: _configured(resource.body.get(key)),
                                      resource.address, self.env)
        if computed is not None:
            return computed
        return value if value is not None else Unknown(
            f"{resource.address}.{name} is known only after apply")

    def setting(self, resource: TfResource, key: str) -> Any:
        """A top-level argument as the configuration sets it: None when the configuration
        leaves it out (a plan still shows the value the provider computed)."""
        if resource.is_set(key) is False:
            return None
        return resource.body.get(key)

    def targets(self, references: Iterable[str], resolver: Resolver) -> list[str]:
        """Model ids that references (``aws_iam_role.app.arn``) point at, each once."""
        found: list[str] = []
        for reference in references:
            for resource, attribute in self.reference_targets(reference):
                target = resolver(resource, attribute)
                if target is not None:
                    found.append(target)
        return list(dict.fromkeys(found))

    def value_targets(self, value: Any, resolver: Resolver) -> list[str]:
        """Model ids that the TfRefs in a value point at."""
        return self.targets([f"{ref.address}.{ref.attribute}" if ref.attribute else ref.address
                             for ref in refs_in(value)], resolver)

    def linked(self, value: Any, block: Block, key: str, resolver: Resolver,
               use_refs: bool = True) -> list[str]:
        """Model ids that ``value``, the value of ``block[key]`` (or what stands for it),
        points at; when its own TfRefs name nothing and ``use_refs``, those the
        attribute's recorded references point at, read only then (for HCL, reading them
        walks the attribute's expression)."""
        found = self.value_targets(value, resolver)
        if found or not use_refs:
            return found
        return self.targets(block.refs.get(key, ()), resolver)

    def by_identity(self, text: StrValue, resolver: Resolver, types: Iterable[str],
                    prefer: Iterable[str] = ()) -> str | None:
        """The model id of a resource of ``types`` known by ``text`` (its id, ARN or name);
        among several, one of ``prefer`` (the ids the configuration refers to) first."""
        matches: list[str] = []
        wanted = set(types)
        for resource in self._known_as(text):
            if resource.type in wanted and resource.mode == "managed":
                target = resolver(resource, "")
                if target is not None:
                    matches.append(target)
        preferred = [m for m in matches if m in set(prefer)]
        return (preferred or matches or [None])[0]

    def link_one(self, block: Block, key: str, resolver: Resolver, types: Iterable[str],
                 what: str) -> StrValue | None:
        """The model id one attribute refers to; an Unknown saying why when it refers to
        nothing in the input; None when the attribute is not set."""
        value = block.get(key)
        if value is None or value == "":
            if not block.refs.get(key, ()):
                return None
            value = Unknown(f"{what} has no value")
        found = self.linked(value, block, key, resolver,
                            use_refs=isinstance(value, Unknown) and not isinstance(value, TfRef))
        if found:
            return found[0]
        if isinstance(value, str):
            match = self.by_identity(value, resolver, types,
                                     prefer=self.targets(block.refs.get(key, ()), resolver))
            return match if match is not None else Unknown(f"{what} {value} is not in this input")
        if isinstance(value, (Partial, TfRef)):
            match = self.by_identity(value, resolver, types,
                                     prefer=self.targets(block.refs.get(key, ()), resolver))
            if match is not None:
                return match
        if isinstance(value, (Unknown, Partial)):
            return Unknown(value.reason)
        return Unknown(f"{what} is not a string")

    def link_list(self, block: Block, key: str, resolver: Resolver, types: Iterable[str],
                  what: str) -> list[StrValue]:
        """The model ids a list attribute refers to, element by element; unknown elements
        are filled from the recorded references when the value alone cannot tell."""
        value = block.get(key)
        if value is None or value == "":
            return []
        items = value if isinstance(value, list) else [value]
        result: list[StrValue] = []
        pending: list[Unknown] = []
        for item in items:
            if isinstance(item, (TfRef, Partial)) and refs_in(item):
                targets = self.value_targets(item, resolver)
                result.extend(targets or [item])
            elif isinstance(item, str):
                if item == "":
                    continue
                match = self.by_identity(item, resolver, types)
                result.append(match if match is not None else
                              Unknown(f"{what} {item} is not in this input"))
            elif isinstance(item, Unknown):
                pending.append(item)
            elif isinstance(item, Partial):
                pending.append(Unknown(item.reason))
            else:
                pending.append(Unknown(f"a {what} that is not a string"))
        if pending:
            via_refs = [t for t in self.targets(block.refs.get(key, ()), resolver)
                        if t not in result]
            result.extend(via_refs if via_refs else pending)
        return list(dict.fromkeys(result))

    def typed(self, *types: str, mode: str = "managed") -> Resolver:
        """A resolver accepting references to resources of ``types``."""
        def resolve(resource: TfResource, attribute: str) -> str | None:
            if resource.type in types and resource.mode == mode:
                return resource.address
            return None
        return resolve

    def document(self, value: Any, name: str, location: Location,
                 require_resource: bool = True) -> Policy:
        """A policy attribute (JSON text, jsonencode output, a heredoc) as a Policy."""
        try:
            document = json_document(value)
        except ValueError as exc:
            document = Unknown(f"policy {name} is not valid JSON ({exc})")
            self.model.notes.append(f"{location.resource}: {document.reason}")
        try:
            return self.policy(_plain(document), name, location, require_resource)
        except (TypeError, AttributeError, ValueError) as exc:
            return parse_policy(Unknown(f"policy {name} cannot be read ({exc})"), name)

    # --- build ---------------------------------------------------------------------------

    def identity(self) -> None:
        self.managed_policies()
        self.roles()
        self.role_policies()
        self.attachments()
        self.exclusive_policies()
        self.instance_profiles()

    def log_groups(self) -> None:
        for resource in self.of_type("aws_cloudwatch_log_group"):
            self.add_log_group(resource.address, resource.location,
                               text(self.attribute(resource, "name")))

    def managed_policies(self) -> None:
        for resource in self.of_type("aws_iam_policy"):
            name = resource.body.get("name")
            label = name if isinstance(name, str) and name else resource.address
            policy = self.document(resource.body.get("policy"), label, resource.location)
            self.add_managed_policy(resource.address, label, policy, resource.location)

    def roles(self) -> None:
        for resource in self.of_type("aws_iam_role"):
            body = resource.body
            role = Role(resource.address, resource.location, text(self.attribute(resource, "name")),
                        text(self.attribute(resource, "arn")))
            if body.get("assume_role_policy") not in (None, ""):
                role.trust = self.document(body["assume_role_policy"],
                                           f"trust policy of {resource.address}",
                                           resource.location, require_resource=False)
            self.inline_policies(role, resource)
            arns = body.get("managed_policy_arns")
            if isinstance(arns, list):
                # Each ARN with the list's references, read only if it needs them.
                refs = LazyReferences(["arn"], lambda _, refs=body.refs: refs.get(
                    "managed_policy_arns", ()))
                for index, _ in enumerate(arns):
                    self.attach_managed(role, Block({"arn": arns[index]}, refs), "arn")
            elif isinstance(arns, Unknown) and resource.is_set("managed_policy_arns") is not False:
                linked = self.linked(arns, body, "managed_policy_arns",
                                     self.typed("aws_iam_policy"))
                role.policies.extend(self.managed[a] for a in linked if a in self.managed)
                if not linked:
                    role.unresolved.append(Unknown(f"managed_policy_arns of {role.id}: "
                                                   f"{arns.reason}"))
            if body.get("permissions_boundary") not in (None, ""):
                role.boundary = self.boundary(body, "permissions_boundary", resource.location)
            self.model.roles[resource.address] = role

    def inline_policies(self, role: Role, resource: TfResource) -> None:
        value = resource.body.get("inline_policy")
        if isinstance(value, Unknown):
            if resource.is_set("inline_policy"):
                role.unresolved.append(Unknown(f"inline policies of {role.id}: {value.reason}"))
            return
        for index, block in enumerate(resource.body.blocks("inline_policy")):
            policy_text = block.get("policy")
            if policy_text in (None, ""):
                continue
            name = block.get("name")
            label = name if isinstance(name, str) and name else f"{role.id} inline policy {index}"
            policy = self.document(policy_text, label, resource.location)
            self.attach(role, label, "inline", policy, resource.location)
            self.add_standalone(policy, resource.location)

    def attach_managed(self, role: Role, block: Block, key: str) -> None:
        """One managed policy ARN of a role: a policy of the input, an AWS managed policy,
        or an attachment cwlint cannot resolve."""
        value = block.get(key)
        linked = self.linked(value, block, key, self.typed("aws_iam_policy"),
                             use_refs=isinstance(value, Unknown) and not isinstance(value, TfRef))
        if linked and linked[0] in self.managed:
            role.policies.append(self.managed[linked[0]])
            return
        if isinstance(value, str):
            match = self.by_identity(value, self.typed("aws_iam_policy"), ["aws_iam_policy"])
            if match is not None and match in self.managed:
                role.policies.append(self.managed[match])
                return
            if is_aws_managed_arn(value):
                attached = self.aws_managed(value, role.location)
                if attached is not None:
                    role.policies.append(attached)
                else:
                    role.unresolved.append(Unknown(f"{value} is not a known AWS managed policy"))
                return
            role.unresolved.append(Unknown(f"managed policy {value} is not in this input"))
            return
        reason = value.reason if isinstance(value, (Unknown, Partial)) else "not a string"
        role.unresolved.append(Unknown(f"a managed policy ARN of {role.id}: {reason}"))

    def boundary(self, block: Block, key: str, location: Location) -> AttachedPolicy:
        value = block.get(key)
        linked = self.linked(value, block, key, self.typed("aws_iam_policy"),
                             use_refs=isinstance(value, Unknown) and not isinstance(value, TfRef))
        if linked and linked[0] in self.managed:
            return self.managed[linked[0]]
        if isinstance(value, str):
            match = self.by_identity(value, self.typed("aws_iam_policy"), ["aws_iam_policy"])
            if match is not None and match in self.managed:
                return self.managed[match]
            if is_aws_managed_arn(value):
                attached = self.aws_managed(value, location)
                if attached is not None:
                    return attached
            if self.boundaries is not None:
                external = self.boundaries(value, location)
                if external is not None:
                    return external
            reason = f"permissions boundary {value} is not in this input"
        else:
            reason = (f"permissions boundary: {value.reason}"
                      if isinstance(value, (Unknown, Partial)) else "permissions boundary")
        unknown = Unknown(reason)
        return AttachedPolicy(str(value) if isinstance(value, str) else "boundary", "managed",
                              parse_policy(unknown, "permissions boundary"), location)

    def role_of(self, block: Block, key: str, what: str = "role") -> tuple[Role | None,
                                                                          Unknown | None]:
        """The role an attribute names (by ARN, name or id)."""
        linked = self.link_one(block, key, self.typed("aws_iam_role"), ["aws_iam_role"], what)
        if linked is None:
            return None, Unknown("no role is set")
        if isinstance(linked, str) and linked in self.model.roles:
            return self.model.roles[linked], None
        if isinstance(linked, str):
            return None, Unknown(f"{what} {linked} is not in this input")
        return None, Unknown(f"{what} {linked.reason}" if not linked.reason.startswith(what)
                             else linked.reason)

    def role_policies(self) -> None:
        for resource in self.of_type("aws_iam_role_policy"):
            name = resource.body.get("name")
            label = name if isinstance(name, str) and name else resource.address
            policy = self.document(resource.body.get("policy"), label, resource.location)
            self.add_standalone(policy, resource.location)
            role, _ = self.role_of(resource.body, "role")
            if role is not None:
                self.attach(role, label, "policy", policy, resource.location)

    def attachments(self) -> None:
        for resource in self.of_type("aws_iam_role_policy_attachment"):
            role, _ = self.role_of(resource.body, "role")
            if role is not None:
                self.attach_managed(role, resource.body, "policy_arn")
        for resource in self.of_type("aws_iam_policy_attachment"):
            roles = self.link_list(resource.body, "roles", self.typed("aws_iam_role"),
                                   ["aws_iam_role"], "role")
            for role_id in roles:
                if isinstance(role_id, str) and role_id in self.model.roles:
                    self.attach_managed(self.model.roles[role_id], resource.body, "policy_arn")

    def exclusive_policies(self) -> None:
        """``aws_iam_role_policies_exclusive``: inline policies not listed are removed."""
        for resource in self.of_type("aws_iam_role_policies_exclusive"):
            role, _ = self.role_of(resource.body, "role_name")
            names = resource.body.get("policy_names")
            if role is None or not isinstance(names, list) or not all(
                    isinstance(n, str) for n in names):
                continue
            role.policies = [p for p in role.policies
                             if p.kind not in ("inline", "policy") or p.name in names
                             or p.name == p.location.resource]

    def instance_profiles(self) -> None:
        for resource in self.of_type("aws_iam_instance_profile"):
            key = "role" if resource.body.get("role") not in (None, "") else "roles"
            if key == "roles":
                roles = self.link_list(resource.body, "roles", self.typed("aws_iam_role"),
                                       ["aws_iam_role"], "role")
                first = roles[0] if roles else None
            else:
                first = self.link_one(resource.body, "role", self.typed("aws_iam_role"),
                                      ["aws_iam_role"], "role")
            if isinstance(first, str) and first in self.model.roles:
                self.profiles[resource.address] = self.model.roles[first]
            elif first is None:
                self.profiles[resource.address] = Unknown(
                    f"instance profile {resource.address} has no role")
            else:
                reason = first.reason if isinstance(first, Unknown) else \
                    f"role {first} is not in this input"
                self.profiles[resource.address] = Unknown(
                    f"the role of instance profile {resource.address}: {reason}")

    # --- workloads -----------------------------------------------------------------------

    def functions(self) -> None:
        for resource in self.of_type("aws_lambda_function"):
            body = resource.body
            workload = Workload(resource.address, "lambda", resource.location)
            workload.role, workload.role_unknown = self.role_of(body, "role")
            if workload.role is None and workload.role_unknown is not None and \
                    workload.role_unknown.reason == "no role is set":
                workload.role_unknown = Unknown("the function has no role")
            logging = body.first("logging_config")
            group = logging.get("log_group") if logging is not None else None
            workloads.set_function_log_group(workload, self.model,
                                   text(group) if group not in (None, "") else None,
                                   text(self.attribute(resource, "function_name")))
            environment = body.first("environment")
            workload.signals = workloads.function_signals(
                self.declared_namespaces(resource),
                environment.get("variables") if environment is not None else None,
                self.inline_code(resource), text)
            self.network.place_function(workload, resource)
            self.model.workloads.append(workload)

    def inline_code(self, resource: TfResource) -> str:
        """Source code of a ``data "archive_file"`` the function's package comes from."""
        pieces: list[str] = []
        for key in ("filename", "source_code_hash"):
            for archive in self.linked(resource.body.get(key), resource.body, key,
                                       self.typed("archive_file", mode="data")):
                data = self.by_address.get(archive)
                if data is None:
                    continue
                content = data.body.get("source_content")
                if isinstance(content, str):
                    pieces.append(content)
                for source in data.body.blocks("source"):
                    if isinstance(source.get("content"), str):
                        pieces.append(source["content"])
        return "\n".join(dict.fromkeys(pieces))

    def declared_namespaces(self, resource: TfResource) -> list[MetricSignal]:
        tags = self.tags(resource)
        value = tags.get(workloads.NAMESPACE_TAG)
        if value is None:
            return []
        return [workloads.declared_namespace(text(value), f"tag {workloads.NAMESPACE_TAG}")]

    def tags(self, resource: TfResource) -> Mapping[str, Any]:
        tags = resource.body.get("tags")
        if not isinstance(tags, Mapping):
            tags = resource.body.get("tags_all")
        return tags if isinstance(tags, Mapping) else {}

    def instances(self) -> None:
        launched_in = self.network.auto_scaling_subnets()
        kinds = {"aws_instance": "ec2-instance", "aws_launch_template": "launch-template",
                 "aws_launch_configuration": "launch-configuration"}
        for resource in self.of_type(*kinds):
            kind = kinds[resource.type]
            workload = Workload(resource.address, kind, resource.location)
            self.link_instance_profile(workload, resource, kind == "launch-template")
            texts = self.user_data(resource)
            agent_declared = str(self.tags(resource).get(AGENT_TAG, "")).lower() == "true"
            signals = workloads.instance_signals(
                self.declared_namespaces(resource), texts, carriers="its user data",
                agent_declared_by=f"tag {AGENT_TAG}" if agent_declared else None,
                parameter_value=self.parameter_value,
                written_configs=_lazy_written(texts))
            workload.signals = signals
            self.network.place_instance(workload, resource, launched_in.get(resource.address))
            self.model.workloads.append(workload)

    def parameter_value(self, name: StrValue) -> tuple[Any, str] | None:
        """The value of the ``aws_ssm_parameter`` of the input named ``name``."""
        if isinstance(name, str):  # only a known name equals a known name: look it up
            found = self._parameters_by_name().get(name)
            candidates = [found] if found is not None else []
        else:
            candidates = [r for r in self.of_type("aws_ssm_parameter")
                          if self.attribute(r, "name") == name]
        for resource in candidates[:1]:
            value = resource.body.get("value")
            if value in (None, ""):
                value = resource.body.get("insecure_value")
            return value, f"the value of {resource.address}"
        return None

    def _parameters_by_name(self) -> dict[str, TfResource]:
        """The first ``aws_ssm_parameter`` of each known name (each instance of a
        configuration asks: one pass over the parameters, not one per instance)."""
        if self._parameter_index is None:
            self._parameter_index = {}
            for resource in self.of_type("aws_ssm_parameter"):
                known = self.attribute(resource, "name")
                if isinstance(known, str):
                    self._parameter_index.setdefault(known, resource)
        return self._parameter_index

    def user_data(self, resource: TfResource) -> list[StrValue]:
        texts: list[StrValue] = []
        for key in ("user_data", "user_data_base64"):
            value = resource.body.get(key)
            if isinstance(value, str) and value:
                decoded = _maybe_base64(value) if (
                    key == "user_data_base64" or resource.type == "aws_launch_template") else None
                texts.append(decoded if decoded is not None else value)
            elif isinstance(value, Partial):
                texts.append(value)
        return texts

    def link_instance_profile(self, workload: Workload, resource: TfResource,
                              is_template: bool) -> None:
        if is_template:
            spec = resource.body.first("iam_instance_profile")
            block, key = (spec, "arn") if spec is not None and spec.get("arn") not in (
                None, "") else (spec, "name")
        else:
            block, key = resource.body, "iam_instance_profile"
        if block is None or block.get(key) in (None, ""):
            workload.has_instance_profile = False
            return
        linked = self.link_one(block, key, self.typed("aws_iam_instance_profile"),
                               ["aws_iam_instance_profile"], "instance profile")
        target = self.profiles.get(linked) if isinstance(linked, str) else None
        if isinstance(target, Role):
            workload.role = target
        elif isinstance(target, Unknown):
            workload.role_unknown = target
        elif isinstance(linked, Unknown):
            workload.role_unknown = Unknown(f"its instance profile: {linked.reason}")
        else:
            workload.role_unknown = Unknown("its instance profile is not in this input")

    def alarm_signals(self) -> None:
        by_id = {w.id: w for w in self.model.workloads}
        for resource in self.of_type("aws_cloudwatch_metric_alarm"):
            queries = [(resource.body, resource.body.get("namespace"))]
            for query in resource.body.blocks("metric_query"):
                for metric in query.blocks("metric"):
                    queries.append((metric, metric.get("namespace")))
            for block, namespace in queries:
                if not workloads.is_custom_namespace(namespace):
                    continue
                dimensions = block.get("dimensions")
                for workload_id in self.linked(dimensions, block, "dimensions",
                                               lambda r, _a: r.address if r.address in by_id
                                               else None):
                    workloads.add_alarm_signal(by_id[workload_id], namespace, resource.address)


def text(value: Any) -> StrValue:
    """A value where the model wants a string."""
    if isinstance(value, (str, Unknown, Partial)):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(int(value)) if float(value).is_integer() else str(value)
    if value is None:
        return Unknown("the value is not set")
    return Unknown(f"a {type(value).__name__} where a string is expected")


def _lazy_written(texts: list[StrValue]) -> Iterator[tuple[dict[str, Any] | None, str]]:
    """The agent configuration the user data writes (read only when wanted)."""
    yield config_in_texts(texts), "written by its user data"


def _configured(value: Any) -> Any:
    return None if value == "" else value


def _plain(value: Any) -> Any:
    """A decoded document as the policy parser takes it (Blocks are plain dicts)."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _plain_address(address: str) -> str:
    return re.sub(r"\[[^\]]*\]", "", address)


def _maybe_base64(value: str) -> str | None:
    compact = value.strip()
    if len(compact) < 8 or not _BASE64.fullmatch(compact):
        return None
    try:
        return base64.b64decode(compact, validate=False).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
