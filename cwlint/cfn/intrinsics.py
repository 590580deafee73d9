"""Static evaluation of CloudFormation intrinsic functions.

:class:`Resolver` turns a property tree of a decoded template into plain Python values
(dict, list, str, int, float, bool, None). Whatever cannot be known before deploy
becomes an :class:`~cwlint.values.Unknown`, and a string with known and unknown parts a
:class:`~cwlint.values.Partial` (``arn:aws:logs:us-east-1:123456789012:log-group:${?}:*``).
Nothing is guessed.

A ``Ref`` or ``Fn::GetAtt`` to a resource becomes a :class:`ResourceRef` (so that the
caller can link resources, e.g. ``Roles: [!Ref MyRole]``) unless its value is derivable
and worth having as a string: the name of a log group, the ARN of a role, log group,
instance profile, Lambda function, KMS key or OAM sink (``LogGroup.Arn`` ends in
``:*``, as in CloudFormation). Inside ``Fn::Sub`` / ``Fn::Join`` a resource reference
becomes its physical name when the template sets it, else an :class:`Unknown` piece
whose reason names the resource.

``Ref: AWS::NoValue`` resolves to :data:`NO_VALUE`, which removes the key or list item
that holds it. ``Fn::If`` follows ``condition_overrides`` when given, else the
``Conditions`` section, evaluated statically; an undecidable condition makes the
``Fn::If`` :class:`Unknown`. Cyclic conditions raise :class:`ResolveError`. Nesting is
bounded: an absurdly deep expression becomes ``Unknown("expression too deeply nested")``.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import msgspec

from cwlint.cfn.loader import LoadedTemplate, TemplateError, is_sam, key_line
from cwlint.frontend.arns import build_arn, partition_for_region
from cwlint.values import Partial, StrValue, Unknown, concat, render_scalar

#: How deep expressions may nest (each mapping, list or function is one level).
MAX_DEPTH = 100

_DEFAULT_REGION = "us-east-1"
_DEFAULT_ACCOUNT = "123456789012"

_SSM_PARAMETER_PREFIX = "AWS::SSM::Parameter::Value<"
_SUB_PATTERN = re.compile(r"\$\{([^}]*)\}")

_LOG_GROUP = "AWS::Logs::LogGroup"
_ROLE = "AWS::IAM::Role"
_SAM_FUNCTION = "AWS::Serverless::Function"
_SAM_STATE_MACHINE = "AWS::Serverless::StateMachine"


class ResolveError(TemplateError):
    """A template whose expressions cannot be evaluated at all (cyclic conditions)."""


class ResourceRef(msgspec.Struct, frozen=True):
    """A ``Ref`` (``attribute`` None) or ``Fn::GetAtt`` to a resource of the template.

    Used where the value is not derivable, or where linking the resource is more useful
    than its physical value (a role's ``Ref``, a managed policy's ``Ref`` = its ARN).
    It is not a string: :meth:`Resolver.as_string` turns it into one (or an Unknown).
    """

    logical_id: str
    attribute: str | None = None

    def __str__(self) -> str:
        if self.attribute is None:
            return f"<Ref {self.logical_id}>"
        return f"<GetAtt {self.logical_id}.{self.attribute}>"


class _NoValue:
    """The type of :data:`NO_VALUE`."""

    _instance: _NoValue | None = None

    def __new__(cls) -> _NoValue:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "NO_VALUE"

    def __reduce__(self) -> str:
        return "NO_VALUE"


#: ``Ref: AWS::NoValue``: the key or list item holding it is removed from its parent.
NO_VALUE = _NoValue()


def url_suffix_for_partition(partition: str) -> str:
    """The value of ``AWS::URLSuffix`` in a partition."""
    return {
        "aws-cn": "amazonaws.com.cn",
        "aws-iso": "c2s.ic.gov",
        "aws-iso-b": "sc2s.sgov.gov",
        "aws-iso-e": "cloud.adc-e.uk",
        "aws-iso-f": "csp.hci.ic.gov",
    }.get(partition, "amazonaws.com")


_Handler = Callable[["Resolver", Any, int], Any]


class Resolver:
    """Evaluate intrinsic functions of one template statically.

    ``template`` is a :class:`~cwlint.cfn.loader.LoadedTemplate` or a decoded mapping.
    ``region``, ``account_id`` and ``partition`` (derived from the region when None)
    give the pseudo parameters their values; ``condition_overrides`` fixes the value of
    named conditions (to enumerate ``Fn::If`` scenarios); ``parameter_values`` gives
    parameters values that take precedence over their defaults.

    Results are memoized per resolver (parameters, conditions, resource attributes),
    so resolving every resource of a large template stays linear.
    """

    def __init__(
        self,
        template: LoadedTemplate | Mapping[str, Any],
        region: str = _DEFAULT_REGION,
        account_id: str = _DEFAULT_ACCOUNT,
        partition: str | None = None,
        condition_overrides: Mapping[str, bool] | None = None,
        parameter_values: Mapping[str, Any] | None = None,
    ) -> None:
        self._source = template
        if isinstance(template, LoadedTemplate):
            self.path = template.path
            root: Any = template.template
        else:
            self.path = "<template>"
            root = template
        self.template: Mapping[str, Any] = root if isinstance(root, Mapping) else {}
        self.region = region
        self.account_id = account_id
        self.partition = partition or partition_for_region(region)
        self.url_suffix = url_suffix_for_partition(self.partition)
        self.condition_overrides = dict(condition_overrides or {})
        self.parameter_values = dict(parameter_values or {})
        self._parameters = _section(self.template, "Parameters")
        self._conditions = _section(self.template, "Conditions")
        self._mappings = _section(self.template, "Mappings")
        self._resources = _section(self.template, "Resources")
        self._sam_roles = _sam_generated_roles(self.template, self._resources)
        self._param_memo: dict[str, Any] = {}
        self._cond_memo: dict[str, bool | Unknown] = {}
        self._cond_stack: list[str] = []
        self._attr_memo: dict[tuple[str, str | None, bool], Any] = {}
        self._attr_stack: list[tuple[str, str | None, bool]] = []
        self._truncations = 0

    # --- public API ------------------------------------------------------------------

    def with_conditions(self, condition_overrides: Mapping[str, bool]) -> Resolver:
        """A resolver for the same template with other condition overrides."""
        return Resolver(
            self._source,
            region=self.region,
            account_id=self.account_id,
            partition=self.partition,
            condition_overrides=condition_overrides,
            parameter_values=self.parameter_values,
        )

    def resolve(self, node: Any) -> Any:
        """Evaluate every intrinsic function in ``node``.

        Returns plain values with Unknown / Partial / ResourceRef where needed;
        :data:`NO_VALUE` when ``node`` itself is ``Ref: AWS::NoValue`` (or an
        ``Fn::If`` choosing it). Raises :class:`ResolveError` on cyclic conditions.
        """
        return self._guarded(lambda: self._resolve(node, 0))

    def ref(self, name: str) -> Any:
        """The value of ``Ref: name`` (parameter, pseudo parameter or resource)."""
        return self._guarded(lambda: self._ref(name, 0))

    def get_att(self, logical_id: str, attribute: str) -> Any:
        """The value of ``Fn::GetAtt: [logical_id, attribute]``."""
        return self._guarded(lambda: self._get_att(logical_id, attribute, 0))

    def as_string(self, value: Any) -> StrValue:
        """A resolved value as a string piece: ResourceRef becomes a name or Unknown."""
        return self._guarded(lambda: self._to_str(value, 0))

    def condition_value(self, name: str) -> bool | Unknown:
        """The value of a named condition; Unknown when it depends on unknown values.

        Raises :class:`ResolveError` when conditions refer to each other in a cycle.
        """
        return self._guarded(lambda: self._condition(name, 0))

    def evaluate_conditions(self) -> dict[str, bool | Unknown]:
        """Every condition of the template, evaluated (raises ResolveError on cycles)."""
        return {str(name): self.condition_value(str(name)) for name in self._conditions}

    def conditions_used(self, node: Any) -> set[str]:
        """Names of the conditions that the ``Fn::If`` functions inside ``node`` test."""
        names: set[str] = set()
        for key, arg in _walk_functions(node):
            if key == "Fn::If" and isinstance(arg, list) and arg and isinstance(arg[0], str):
                names.add(str(arg[0]))
        return names

    def resource_refs(self, node: Any) -> list[ResourceRef]:
        """Every resource that ``node`` refers to (Ref, GetAtt, Sub), in order, once.

        Includes the branches of every ``Fn::If``; lets the caller link
        ``Role: !GetAtt MyRole.Arn`` to ``MyRole`` even when the ARN is a string.
        """
        found: dict[ResourceRef, None] = {}
        for key, arg in _walk_functions(node):
            for ref in self._refs_of_function(key, arg):
                found.setdefault(ref)
        return list(found)

    # --- dispatch --------------------------------------------------------------------

    def _guarded(self, compute: Callable[[], Any]) -> Any:
        """Run an evaluation, turning stack exhaustion into an Unknown."""
        try:
            return compute()
        except RecursionError:
            self._cond_stack.clear()
            self._attr_stack.clear()
            return Unknown("expression too deeply nested")

    def _resolve(self, node: Any, depth: int) -> Any:
        if depth > MAX_DEPTH:
            self._truncations += 1
            return Unknown("expression too deeply nested")
        if isinstance(node, str):
            return str(node)
        if isinstance(node, (bool, int, float)) or node is None:
            return node
        if isinstance(node, Mapping):
            return self._resolve_mapping(node, depth)
        if isinstance(node, (list, tuple)):
            return self._resolve_list(node, depth)
        return _other_scalar(node)

    def _resolve_mapping(self, node: Mapping[Any, Any], depth: int) -> Any:
        function = _function(node)
        if function is not None:
            key, arg = function
            handler = _HANDLERS.get(key)
            if handler is None:
                return Unknown(f"unsupported intrinsic function {key}")
            return handler(self, arg, depth + 1)
        result: dict[Any, Any] = {}
        for key, value in node.items():
            resolved = self._resolve(value, depth + 1)
            if resolved is not NO_VALUE:
                result[str(key) if isinstance(key, str) else key] = resolved
        return result

    def _resolve_list(self, node: list[Any] | tuple[Any, ...], depth: int) -> list[Any]:
        result = []
        for item in node:
            resolved = self._resolve(item, depth + 1)
            if resolved is not NO_VALUE:
                result.append(resolved)
        return result

    # --- strings ---------------------------------------------------------------------

    def _to_str(self, value: Any, depth: int) -> StrValue:
        """A resolved value as a string piece for Sub / Join / names."""
        if isinstance(value, (str, Unknown, Partial)):
            return value
        if isinstance(value, ResourceRef):
            return self._ref_string(value, depth + 1)
        if value is NO_VALUE:
            return Unknown("AWS::NoValue used where a string is expected")
        if isinstance(value, list):
            return Unknown("a list used where a string is expected")
        if isinstance(value, dict):
            return Unknown("a mapping used where a string is expected")
        if value is None:
            return Unknown("a null value used where a string is expected")
        return render_scalar(value)

    def _str_of(self, node: Any, depth: int) -> StrValue:
        """Resolve ``node`` and render it as a string piece."""
        return self._to_str(self._resolve(node, depth), depth)

    def _ref_string(self, ref: ResourceRef, depth: int) -> StrValue:
        if ref.attribute is None:
            return self._physical_id(ref.logical_id, depth)
        value = self._get_att(ref.logical_id, ref.attribute, depth)
        if isinstance(value, ResourceRef):
            return Unknown(f"attribute {ref.attribute} of resource {ref.logical_id}")
        return self._to_str(value, depth)

    # --- Ref -------------------------------------------------------------------------

    def _fn_ref(self, arg: Any, depth: int) -> Any:
        if not isinstance(arg, str):
            name = self._resolve(arg, depth)
            if not isinstance(name, str):
                return Unknown("Ref to a name that is not a literal string")
            arg = name
        return self._ref(str(arg), depth)

    def _ref(self, name: str, depth: int) -> Any:
        if name.startswith("AWS::"):
            return self._pseudo(name)
        if name in self._parameters:
            return self._parameter(name)
        if self._resource_type(name) is not None:
            return self._resource_ref_value(name, depth)
        return Unknown(f"Ref to {name}, which is not a parameter or resource")

    def _pseudo(self, name: str) -> Any:
        known: dict[str, str] = {
            "AWS::Region": self.region,
            "AWS::AccountId": self.account_id,
            "AWS::Partition": self.partition,
            "AWS::URLSuffix": self.url_suffix,
        }
        if name in known:
            return known[name]
        if name == "AWS::NoValue":
            return NO_VALUE
        if name in ("AWS::StackName", "AWS::StackId", "AWS::NotificationARNs"):
            return Unknown(f"{name} is known only at deploy time")
        return Unknown(f"unknown pseudo parameter {name}")

    def _parameter(self, name: str) -> Any:
        if name not in self._param_memo:
            self._param_memo[name] = self._parameter_value(name)
        return self._param_memo[name]

    def _parameter_value(self, name: str) -> Any:
        spec = self._parameters.get(name)
        spec = spec if isinstance(spec, Mapping) else {}
        ptype = spec.get("Type")
        ptype = str(ptype) if isinstance(ptype, str) else "String"
        if ptype.startswith(_SSM_PARAMETER_PREFIX):
            return Unknown(f"parameter {name} is read from SSM Parameter Store at deploy time")
        if _truthy(spec.get("NoEcho")):
            return Unknown(f"NoEcho parameter {name}")
        if name in self.parameter_values:
            value = self.parameter_values[name]
        elif "Default" in spec:
            value = spec["Default"]
        else:
            return Unknown(f"parameter {name} has no default")
        return _parameter_typed(name, ptype, value)

    def _resource_ref_value(self, logical_id: str, depth: int) -> Any:
        """Ref to a resource: a log group's name when set, else a ResourceRef."""
        if self._resource_type(logical_id) == _LOG_GROUP:
            properties = self._properties(logical_id)
            if "LogGroupName" in properties:
                return self._attr(logical_id, None, depth, as_name=True)
        return ResourceRef(logical_id)

    # --- GetAtt ----------------------------------------------------------------------

    def _fn_get_att(self, arg: Any, depth: int) -> Any:
        if isinstance(arg, str):
            logical_id, _, attribute = str(arg).partition(".")
        elif isinstance(arg, list) and len(arg) >= 2:
            logical_id = arg[0]
            parts = [self._str_of(item, depth) for item in arg[1:]]
            attribute = concat([p for i, part in enumerate(parts) for p in ("." * bool(i), part)])
        else:
            return Unknown("malformed Fn::GetAtt")
        if not isinstance(logical_id, str) or not logical_id:
            return Unknown("Fn::GetAtt of a resource name that is not a literal string")
        if not isinstance(attribute, str) or not attribute:
            reason = getattr(attribute, "reason", "it is not a literal string")
            return Unknown(f"attribute name of Fn::GetAtt {logical_id}: {reason}")
        return self._get_att(str(logical_id), str(attribute), depth)

    def _get_att(self, logical_id: str, attribute: str, depth: int) -> Any:
        if self._resource_type(logical_id) is None:
            return Unknown(f"Fn::GetAtt of {logical_id}, which is not a resource")
        if (self._resource_type(logical_id), attribute) in _ARN_BUILDERS:
            return self._attr(logical_id, attribute, depth, as_name=False)
        return ResourceRef(logical_id, attribute)

    def _attr(self, logical_id: str, attribute: str | None, depth: int, as_name: bool) -> Any:
        """A memoized physical value (name or ARN), guarding against reference cycles."""
        key = (logical_id, attribute, as_name)
        if key in self._attr_memo:
            return self._attr_memo[key]
        if key in self._attr_stack:
            cycle = [k[0] for k in self._attr_stack[self._attr_stack.index(key) :]]
            return Unknown("circular reference " + " -> ".join([*cycle, logical_id]))
        truncations = self._truncations
        self._attr_stack.append(key)
        try:
            value = self._compute_attr(logical_id, attribute, depth, as_name)
        finally:
            self._attr_stack.pop()
        if truncations == self._truncations:  # not cut short by the depth guard
            self._attr_memo[key] = value
        return value

    def _compute_attr(self, logical_id: str, attribute: str | None, depth: int, as_name: bool):
        rtype = self._resource_type(logical_id) or ""
        if as_name:
            return self._name_or_physical(logical_id, rtype, depth)
        return _ARN_BUILDERS[(rtype, attribute)](self, logical_id, depth)

    def _physical_id(self, logical_id: str, depth: int) -> StrValue:
        """The string a ``Ref`` to a resource stands for inside Sub / Join."""
        return self._to_str(self._attr(logical_id, None, depth, as_name=True), depth)

    def _name_or_physical(self, logical_id: str, rtype: str, depth: int) -> StrValue:
        name_property = _NAME_PROPERTIES.get(rtype)
        if name_property is not None:
            return self._name(logical_id, name_property, depth)
        builder = _REF_BUILDERS.get(rtype)
        if builder is not None:
            return builder(self, logical_id, depth)
        return Unknown(f"physical id of resource {logical_id} ({rtype})")

    def _name(self, logical_id: str, name_property: str, depth: int) -> StrValue:
        """A name property of a resource, or Unknown when CloudFormation generates it."""
        properties = self._properties(logical_id)
        if name_property not in properties:
            return Unknown(f"generated name of resource {logical_id}")
        value = self._resolve(properties[name_property], depth + 1)
        if value is NO_VALUE:
            return Unknown(f"generated name of resource {logical_id}")
        return self._to_str(value, depth + 1)

    def _arn(self, service: str, resource: list[Any], regional: bool = True) -> StrValue:
        region = self.region if regional else ""
        account = self.account_id
        return build_arn(self.partition, service, region, account, *resource)

    def _iam_path(self, logical_id: str, depth: int) -> StrValue:
        properties = self._properties(logical_id)
        if "Path" not in properties:
            return "/"
        value = self._resolve(properties["Path"], depth + 1)
        return "/" if value is NO_VALUE else self._to_str(value, depth + 1)

    def _role_arn(self, logical_id: str, depth: int) -> StrValue:
        name = self._name(logical_id, "RoleName", depth)
        path = self._iam_path(logical_id, depth)
        return self._arn("iam", ["role", path, name], regional=False)

    def _instance_profile_arn(self, logical_id: str, depth: int) -> StrValue:
        name = self._name(logical_id, "InstanceProfileName", depth)
        path = self._iam_path(logical_id, depth)
        return self._arn("iam", ["instance-profile", path, name], regional=False)

    def _managed_policy_arn(self, logical_id: str, depth: int) -> StrValue:
        name = self._name(logical_id, "ManagedPolicyName", depth)
        path = self._iam_path(logical_id, depth)
        return self._arn("iam", ["policy", path, name], regional=False)

    def _log_group_arn(self, logical_id: str, depth: int) -> StrValue:
        name = self._name(logical_id, "LogGroupName", depth)
        return self._arn("logs", ["log-group:", name, ":*"])

    def _function_arn(self, logical_id: str, depth: int) -> StrValue:
        name = self._name(logical_id, "FunctionName", depth)
        return self._arn("lambda", ["function:", name])

    def _kms_key_arn(self, logical_id: str, depth: int) -> StrValue:
        return self._arn("kms", ["key/", Unknown(f"key id of KMS key {logical_id}")])

    def _oam_sink_arn(self, logical_id: str, depth: int) -> StrValue:
        return self._arn("oam", ["sink/", Unknown(f"id of OAM sink {logical_id}")])

    def _oam_link_arn(self, logical_id: str, depth: int) -> StrValue:
        return self._arn("oam", ["link/", Unknown(f"id of OAM link {logical_id}")])

    def _sns_topic_arn(self, logical_id: str, depth: int) -> StrValue:
        return self._arn("sns", [self._name(logical_id, "TopicName", depth)])

    def _alarm_arn(self, logical_id: str, depth: int) -> StrValue:
        return self._arn("cloudwatch", ["alarm:", self._name(logical_id, "AlarmName", depth)])

    def _sqs_queue_arn(self, logical_id: str, depth: int) -> StrValue:
        return self._arn("sqs", [self._name(logical_id, "QueueName", depth)])

    def _s3_bucket_arn(self, logical_id: str, depth: int) -> StrValue:
        name = self._name(logical_id, "BucketName", depth)
        return build_arn(self.partition, "s3", "", "", name)

    # --- Sub, Join, Select, Split ----------------------------------------------------

    def _fn_sub(self, arg: Any, depth: int) -> Any:
        variables: Mapping[Any, Any] = {}
        if isinstance(arg, list) and len(arg) == 2 and isinstance(arg[1], Mapping):
            arg, variables = arg[0], arg[1]
        if not isinstance(arg, str):
            return Unknown("Fn::Sub of a template that is not a literal string")
        pieces: list[Any] = []
        position = 0
        for match in _SUB_PATTERN.finditer(arg):
            pieces.append(arg[position : match.start()])
            pieces.append(self._sub_variable(match.group(1), variables, depth))
            position = match.end()
        pieces.append(arg[position:])
        return concat(pieces)

    def _sub_variable(self, body: str, variables: Mapping[Any, Any], depth: int) -> StrValue:
        if body.startswith("!"):
            return "${" + body[1:] + "}"  # ${!Literal} is the literal text ${Literal}
        name = body.strip()
        if name in variables:
            return self._str_of(variables[name], depth)
        if not name:
            return "${}"
        if "." in name and not name.startswith("AWS::"):
            logical_id, _, attribute = name.partition(".")
            return self._to_str(self._get_att(logical_id, attribute, depth), depth)
        return self._to_str(self._ref(name, depth), depth)

    def _fn_join(self, arg: Any, depth: int) -> Any:
        if not (isinstance(arg, list) and len(arg) == 2):
            return Unknown("malformed Fn::Join")
        delimiter = self._str_of(arg[0], depth)
        items = self._resolve(arg[1], depth)
        if not isinstance(delimiter, str):
            return _unknown_from(delimiter, "Fn::Join delimiter is not known")
        if not isinstance(items, list):
            return _unknown_from(items, "Fn::Join of a list that is not known")
        pieces: list[Any] = []
        for index, item in enumerate(items):
            if index:
                pieces.append(delimiter)
            pieces.append(self._to_str(item, depth))
        return concat(pieces)

    def _fn_select(self, arg: Any, depth: int) -> Any:
        if not (isinstance(arg, list) and len(arg) == 2):
            return Unknown("malformed Fn::Select")
        index = self._resolve(arg[0], depth)
        items = self._resolve(arg[1], depth)
        if not isinstance(items, list):
            return _unknown_from(items, "Fn::Select from a list that is not known")
        position = _as_index(index)
        if position is None:
            return _unknown_from(index, "Fn::Select index is not a known number")
        if not 0 <= position < len(items):
            return Unknown(f"Fn::Select index {position} out of range (list of {len(items)})")
        return items[position]

    def _fn_split(self, arg: Any, depth: int) -> Any:
        if not (isinstance(arg, list) and len(arg) == 2):
            return Unknown("malformed Fn::Split")
        delimiter = self._str_of(arg[0], depth)
        source = self._str_of(arg[1], depth)
        if not isinstance(delimiter, str) or not delimiter:
            return _unknown_from(delimiter, "Fn::Split delimiter is not known")
        if not isinstance(source, str):
            return _unknown_from(source, "Fn::Split of a string that is not known")
        return source.split(delimiter)

    # --- FindInMap, If, other functions ---------------------------------------------

    def _fn_find_in_map(self, arg: Any, depth: int) -> Any:
        if not (isinstance(arg, list) and len(arg) in (3, 4)):
            return Unknown("malformed Fn::FindInMap")
        keys = [self._str_of(item, depth) for item in arg[:3]]
        default = _find_in_map_default(arg)
        for key in keys:
            if not isinstance(key, str):
                return _unknown_from(key, "Fn::FindInMap key is not known")
        value = _lookup_mapping(self._mappings, keys)
        if value is None:
            if default is not None:
                return self._resolve(default[0], depth)
            return Unknown("Fn::FindInMap finds no entry " + ".".join(map(str, keys)))
        return self._resolve(value, depth)

    def _fn_if(self, arg: Any, depth: int) -> Any:
        if not (isinstance(arg, list) and len(arg) == 3 and isinstance(arg[0], str)):
            return Unknown("malformed Fn::If")
        name = str(arg[0])
        decision = self._condition(name, depth)
        if isinstance(decision, Unknown):
            return Unknown(f"depends on condition {name} ({decision.reason})")
        return self._resolve(arg[1] if decision else arg[2], depth)

    def _fn_import_value(self, arg: Any, depth: int) -> Any:
        name = self._str_of(arg, depth)
        label = name if isinstance(name, str) else str(name)
        return Unknown(f"Fn::ImportValue {label} (exported by another stack)")

    def _fn_get_azs(self, arg: Any, depth: int) -> Any:
        return Unknown("Fn::GetAZs (the Availability Zones of the account)")

    def _fn_cidr(self, arg: Any, depth: int) -> Any:
        return Unknown("Fn::Cidr is not evaluated")

    def _fn_base64(self, arg: Any, depth: int) -> Any:
        """The text to encode, unencoded: callers inspect its content (UserData)."""
        return self._str_of(arg, depth)

    def _fn_length(self, arg: Any, depth: int) -> Any:
        items = self._resolve(arg, depth)
        if isinstance(items, list):
            return len(items)
        return _unknown_from(items, "Fn::Length of a list that is not known")

    def _fn_to_json_string(self, arg: Any, depth: int) -> Any:
        value = self._resolve(arg, depth)
        if not _plain(value):
            return Unknown("Fn::ToJsonString of a value that is not fully known")
        return json.dumps(value, separators=(",", ":"))

    # --- conditions ------------------------------------------------------------------

    def _condition(self, name: str, depth: int) -> bool | Unknown:
        if name in self.condition_overrides:
            return bool(self.condition_overrides[name])
        if name in self._cond_memo:
            return self._cond_memo[name]
        if name not in self._conditions:
            return Unknown(f"condition {name} is not defined")
        if name in self._cond_stack:
            cycle = [*self._cond_stack[self._cond_stack.index(name) :], name]
            line = key_line(self._conditions, name)
            raise ResolveError(self.path, line, "cyclic condition " + " -> ".join(cycle))
        truncations = self._truncations
        self._cond_stack.append(name)
        try:
            value = self._condition_expr(self._conditions[name], depth + 1)
        finally:
            self._cond_stack.pop()
        if truncations == self._truncations:
            self._cond_memo[name] = value
        return value

    def _condition_expr(self, node: Any, depth: int) -> bool | Unknown:
        if depth > MAX_DEPTH:
            self._truncations += 1
            return Unknown("expression too deeply nested")
        if isinstance(node, bool):
            return node
        if isinstance(node, str) and node.lower() in ("true", "false"):
            return node.lower() == "true"
        function = _function(node) if isinstance(node, Mapping) else None
        if isinstance(node, Mapping) and len(node) == 1 and "Condition" in node:
            function = ("Condition", node["Condition"])
        if function is None:
            return Unknown("condition is not a condition function")
        key, arg = function
        handler = _CONDITION_HANDLERS.get(key)
        if handler is None:
            return Unknown(f"condition function {key} is not evaluated")
        return handler(self, arg, depth + 1)

    def _cond_ref(self, arg: Any, depth: int) -> bool | Unknown:
        if not isinstance(arg, str):
            return Unknown("Condition with a name that is not a literal string")
        return self._condition(str(arg), depth)

    def _cond_equals(self, arg: Any, depth: int) -> bool | Unknown:
        if not (isinstance(arg, list) and len(arg) == 2):
            return Unknown("malformed Fn::Equals")
        left, right = (self._resolve(item, depth) for item in arg)
        return self._equal(left, right, depth)

    def _equal(self, left: Any, right: Any, depth: int) -> bool | Unknown:
        if isinstance(left, list) and isinstance(right, list):
            if len(left) != len(right):
                return False
            results = [self._equal(a, b, depth) for a, b in zip(left, right, strict=True)]
            return _all(results)
        if isinstance(left, list) or isinstance(right, list):
            return _unknown_or(left, right, False)
        left_str, right_str = self._to_str(left, depth), self._to_str(right, depth)
        if isinstance(left_str, str) and isinstance(right_str, str):
            return left_str == right_str
        if _cannot_match(left_str, right_str) or _cannot_match(right_str, left_str):
            return False
        return _unknown_from(left_str if not isinstance(left_str, str) else right_str, "")

    def _cond_and(self, arg: Any, depth: int) -> bool | Unknown:
        if not isinstance(arg, list) or not arg:
            return Unknown("malformed Fn::And")
        return _all([self._condition_expr(item, depth) for item in arg])

    def _cond_or(self, arg: Any, depth: int) -> bool | Unknown:
        if not isinstance(arg, list) or not arg:
            return Unknown("malformed Fn::Or")
        return _any([self._condition_expr(item, depth) for item in arg])

    def _cond_not(self, arg: Any, depth: int) -> bool | Unknown:
        if isinstance(arg, list) and len(arg) == 1:
            arg = arg[0]
        value = self._condition_expr(arg, depth)
        return value if isinstance(value, Unknown) else not value

    # --- resources -------------------------------------------------------------------

    def _resource_type(self, logical_id: str) -> str | None:
        resource = self._resources.get(logical_id)
        if isinstance(resource, Mapping):
            rtype = resource.get("Type")
            return str(rtype) if isinstance(rtype, str) else ""
        if logical_id in self._sam_roles:
            return _ROLE
        return None

    def _properties(self, logical_id: str) -> Mapping[str, Any]:
        resource = self._resources.get(logical_id)
        if isinstance(resource, Mapping):
            properties = resource.get("Properties")
            if isinstance(properties, Mapping):
                return properties
        return {}

    def _refs_of_function(self, key: str, arg: Any) -> Iterator[ResourceRef]:
        if key == "Ref" and isinstance(arg, str) and self._is_resource(arg):
            yield ResourceRef(str(arg))
        elif key == "Fn::GetAtt":
            target = _get_att_target(arg)
            if target is not None and self._is_resource(target[0]):
                yield ResourceRef(*target)
        elif key == "Fn::Sub":
            yield from self._refs_of_sub(arg)

    def _refs_of_sub(self, arg: Any) -> Iterator[ResourceRef]:
        variables: Mapping[Any, Any] = {}
        if isinstance(arg, list) and len(arg) == 2 and isinstance(arg[1], Mapping):
            arg, variables = arg[0], arg[1]
        if not isinstance(arg, str):
            return
        for match in _SUB_PATTERN.finditer(arg):
            name = match.group(1).strip()
            if name.startswith("!") or name in variables:
                continue
            logical_id, dot, attribute = name.partition(".")
            if self._is_resource(logical_id):
                yield ResourceRef(logical_id, attribute if dot else None)

    def _is_resource(self, name: str) -> bool:
        return self._resource_type(name) is not None and name not in self._parameters


# --- tables --------------------------------------------------------------------------

_HANDLERS: dict[str, _Handler] = {
    "Ref": Resolver._fn_ref,
    "Fn::GetAtt": Resolver._fn_get_att,
    "Fn::Sub": Resolver._fn_sub,
    "Fn::Join": Resolver._fn_join,
    "Fn::Select": Resolver._fn_select,
    "Fn::Split": Resolver._fn_split,
    "Fn::FindInMap": Resolver._fn_find_in_map,
    "Fn::If": Resolver._fn_if,
    "Fn::ImportValue": Resolver._fn_import_value,
    "Fn::GetAZs": Resolver._fn_get_azs,
    "Fn::Cidr": Resolver._fn_cidr,
    "Fn::Base64": Resolver._fn_base64,
    "Fn::Length": Resolver._fn_length,
    "Fn::ToJsonString": Resolver._fn_to_json_string,
}

_CONDITION_HANDLERS: dict[str, Callable[[Resolver, Any, int], bool | Unknown]] = {
    "Condition": Resolver._cond_ref,
    "Fn::Equals": Resolver._cond_equals,
    "Fn::And": Resolver._cond_and,
    "Fn::Or": Resolver._cond_or,
    "Fn::Not": Resolver._cond_not,
}

#: Resource types whose ``Ref`` is the value of one of their name properties.
_NAME_PROPERTIES: dict[str, str] = {
    _LOG_GROUP: "LogGroupName",
    _ROLE: "RoleName",
    "AWS::IAM::InstanceProfile": "InstanceProfileName",
    "AWS::IAM::User": "UserName",
    "AWS::IAM::Group": "GroupName",
    "AWS::Lambda::Function": "FunctionName",
    _SAM_FUNCTION: "FunctionName",
    "AWS::SSM::Parameter": "Name",
    "AWS::S3::Bucket": "BucketName",
    "AWS::Logs::LogStream": "LogStreamName",
    "AWS::CloudWatch::Alarm": "AlarmName",
    "AWS::ECS::Cluster": "ClusterName",
    "AWS::DynamoDB::Table": "TableName",
}

#: Resource types whose ``Ref`` is an ARN that can be built from properties.
_REF_BUILDERS: dict[str, Callable[[Resolver, str, int], StrValue]] = {
    "AWS::IAM::ManagedPolicy": Resolver._managed_policy_arn,
    "AWS::SNS::Topic": Resolver._sns_topic_arn,
    "AWS::Oam::Sink": Resolver._oam_sink_arn,
    "AWS::Oam::Link": Resolver._oam_link_arn,
}

#: ``Fn::GetAtt`` attributes returned as (possibly partial) ARN strings.
_ARN_BUILDERS: dict[tuple[str, str | None], Callable[[Resolver, str, int], StrValue]] = {
    (_ROLE, "Arn"): Resolver._role_arn,
    ("AWS::IAM::InstanceProfile", "Arn"): Resolver._instance_profile_arn,
    ("AWS::IAM::ManagedPolicy", "PolicyArn"): Resolver._managed_policy_arn,
    (_LOG_GROUP, "Arn"): Resolver._log_group_arn,
    ("AWS::Lambda::Function", "Arn"): Resolver._function_arn,
    (_SAM_FUNCTION, "Arn"): Resolver._function_arn,
    ("AWS::KMS::Key", "Arn"): Resolver._kms_key_arn,
    ("AWS::Oam::Sink", "Arn"): Resolver._oam_sink_arn,
    ("AWS::Oam::Link", "Arn"): Resolver._oam_link_arn,
    ("AWS::SNS::Topic", "TopicArn"): Resolver._sns_topic_arn,
    ("AWS::SQS::Queue", "Arn"): Resolver._sqs_queue_arn,
    ("AWS::CloudWatch::Alarm", "Arn"): Resolver._alarm_arn,
    ("AWS::S3::Bucket", "Arn"): Resolver._s3_bucket_arn,
}


# --- helpers -------------------------------------------------------------------------


def _section(template: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    value = template.get(name)
    return value if isinstance(value, Mapping) else {}


def _function(node: Mapping[Any, Any]) -> tuple[str, Any] | None:
    """``(name, argument)`` when ``node`` is an intrinsic function call."""
    if len(node) != 1:
        return None
    ((key, arg),) = node.items()
    if isinstance(key, str) and (key == "Ref" or key.startswith("Fn::")):
        return str(key), arg
    return None


def _walk_functions(node: Any) -> Iterator[tuple[str, Any]]:
    """Every intrinsic function call inside ``node`` (iteratively, any depth)."""
    stack = [node]
    seen: set[int] = set()
    while stack:
        current = stack.pop()
        if isinstance(current, Mapping):
            if id(current) in seen:
                continue
            seen.add(id(current))
            function = _function(current)
            if function is not None:
                yield function
            stack.extend(reversed(list(current.values())))
        elif isinstance(current, list):
            if id(current) in seen:
                continue
            seen.add(id(current))
            stack.extend(reversed(current))


def _get_att_target(arg: Any) -> tuple[str, str] | None:
    if isinstance(arg, str) and "." in arg:
        logical_id, _, attribute = str(arg).partition(".")
        return logical_id, attribute
    if isinstance(arg, list) and len(arg) >= 2 and isinstance(arg[0], str):
        attribute = ".".join(str(a) for a in arg[1:] if isinstance(a, str))
        return str(arg[0]), attribute
    return None


def _sam_generated_roles(template: Mapping[str, Any], resources: Mapping[str, Any]) -> set[str]:
    """Logical ids of the roles the SAM transform generates (``<Function>Role``)."""
    if not is_sam(template):
        return set()
    roles = set()
    for logical_id, resource in resources.items():
        if not isinstance(resource, Mapping):
            continue
        if resource.get("Type") not in (_SAM_FUNCTION, _SAM_STATE_MACHINE):
            continue
        properties = resource.get("Properties")
        if not (isinstance(properties, Mapping) and "Role" in properties):
            roles.add(f"{logical_id}Role")
    return roles


def _parameter_typed(name: str, ptype: str, value: Any) -> Any:
    """A parameter value as CloudFormation passes it: a string, or a list of strings."""
    if ptype == "CommaDelimitedList" or ptype.startswith("List<"):
        items = value if isinstance(value, list) else None
        if items is None:
            text = render_scalar(value)
            if isinstance(text, Unknown):
                return Unknown(f"parameter {name} has a default that is not a list")
            items = text.split(",") if text else []
        rendered = [render_scalar(item) for item in items]
        return [item.strip() if isinstance(item, str) else item for item in rendered]
    if isinstance(value, (list, dict)) or value is None:
        return Unknown(f"parameter {name} has a default that is not a string")
    return render_scalar(_other_scalar(value))


def _other_scalar(value: Any) -> Any:
    """YAML scalars that are not JSON types: dates as written, anything else Unknown."""
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, (str, bool, int, float)) or value is None:
        return value
    if isinstance(value, (Unknown, Partial, ResourceRef)):
        return value
    return Unknown(f"a YAML {type(value).__name__} value is not a template value")


def _truthy(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.lower() == "true")


def _as_index(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None


def _find_in_map_default(arg: list[Any]) -> tuple[Any] | None:
    if len(arg) == 4 and isinstance(arg[3], Mapping) and "DefaultValue" in arg[3]:
        return (arg[3]["DefaultValue"],)
    return None


def _lookup_mapping(mappings: Mapping[str, Any], keys: list[Any]) -> Any:
    """``Mappings[map][top][second]`` with keys compared as strings, or None."""
    node: Any = mappings
    for key in keys:
        if not isinstance(node, Mapping):
            return None
        node = next((v for k, v in node.items() if render_scalar(k) == key), None)
        if node is None:
            return None
    return node


def _unknown_from(value: Any, fallback: str) -> Unknown:
    """The Unknown inside ``value`` (keeping its reason), else one with ``fallback``."""
    if isinstance(value, Unknown):
        return value
    if isinstance(value, Partial):
        return Unknown(value.reason)
    if isinstance(value, ResourceRef):
        return Unknown(f"{fallback}: {value}" if fallback else str(value))
    return Unknown(fallback or "value is not known")


def _unknown_or(left: Any, right: Any, default: bool) -> bool | Unknown:
    for value in (left, right):
        if isinstance(value, (Unknown, Partial)):
            return _unknown_from(value, "")
    return default


def _cannot_match(pattern: StrValue, text: StrValue) -> bool:
    """True when a Partial can never equal a known string (its known ends differ)."""
    if not (isinstance(pattern, Partial) and isinstance(text, str)):
        return False
    prefix, suffix = pattern.known_prefix(), pattern.known_suffix()
    too_short = len(text) < len(prefix) + len(suffix)
    return too_short or not text.startswith(prefix) or not text.endswith(suffix)


def _all(values: list[bool | Unknown]) -> bool | Unknown:
    if any(value is False for value in values):
        return False
    return next((v for v in values if isinstance(v, Unknown)), True)


def _any(values: list[bool | Unknown]) -> bool | Unknown:
    if any(value is True for value in values):
        return True
    return next((v for v in values if isinstance(v, Unknown)), False)


def _plain(value: Any) -> bool:
    """True when ``value`` is made only of JSON types (no Unknown, Partial, ResourceRef)."""
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_plain(v) for v in value)
    return isinstance(value, (str, int, float, bool)) or value is None


__all__ = [
    "MAX_DEPTH",
    "NO_VALUE",
    "ResolveError",
    "Resolver",
    "ResourceRef",
    "partition_for_region",
    "url_suffix_for_partition",
]
