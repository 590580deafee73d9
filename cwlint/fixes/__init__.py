"""Fixes as data: what a rule proposes, in no particular syntax.

A rule builds a :class:`Fix` from the model: a list of changes (set an attribute of a
resource, replace a literal, grant policy statements to a role, allow HTTPS from a
group, or advice that is not a change) and its applicability. Everything else is done
per input kind from that data:

* the fix text a finding shows (``Finding.fix``) is rendered in the input's own
  language: CloudFormation in the template's syntax, Terraform in HCL, a plan as
  Terraform (the user edits the configuration, not the plan);
* ``cwlint scan --fix`` / ``--diff`` turn the safe changes into byte-span edits of the
  file that defines the resource, and only where the current value there is a literal
  (never through an intrinsic, a variable or a module input);
* SARIF ``fixes`` carry those edits as ``artifactChanges``.

``field`` names are syntax-neutral; :data:`FIELDS` says how each is spelled in
CloudFormation (a property path under ``Properties``) and in Terraform (an argument).
"""

from __future__ import annotations

from typing import Any, Literal

import msgspec

SAFE: Literal["safe"] = "safe"
SUGGESTION: Literal["suggestion"] = "suggestion"
Applicability = Literal["safe", "suggestion"]


class Spelling(msgspec.Struct, frozen=True):
    """How one neutral field is written in each language."""

    cloudformation: str  # the property under the resource's Properties
    terraform: str  # the resource's argument


#: Neutral field name -> its spelling. Extend it as rules need more fields.
FIELDS: dict[str, Spelling] = {
    "endpoint.private_dns": Spelling("PrivateDnsEnabled", "private_dns_enabled"),
    "endpoint.security_groups": Spelling("SecurityGroupIds", "security_group_ids"),
    "endpoint.policy": Spelling("PolicyDocument", "policy"),
    "alarm.treat_missing_data": Spelling("TreatMissingData", "treat_missing_data"),
    "alarm.namespace": Spelling("Namespace", "namespace"),
    "alarm.metric_name": Spelling("MetricName", "metric_name"),
    "log_group.name": Spelling("LogGroupName", "name"),
    "ecs_task.execution_role": Spelling("ExecutionRoleArn", "execution_role_arn"),
    "ecs_task.task_role": Spelling("TaskRoleArn", "task_role_arn"),
    "instance.profile": Spelling("IamInstanceProfile", "iam_instance_profile"),
    "oam_link.resource_types": Spelling("ResourceTypes", "resource_types"),
    "oam_sink.policy": Spelling("Policy", "policy"),
    "kms_key.policy": Spelling("KeyPolicy", "policy"),
    "kms_key.spec": Spelling("KeySpec", "customer_master_key_spec"),
    "sns_topic_policy.policy": Spelling("PolicyDocument", "policy"),
    "launch_template.profile": Spelling("LaunchTemplateData.IamInstanceProfile.Name",
                                        "iam_instance_profile.name"),
    "launch_configuration.profile": Spelling("IamInstanceProfile", "iam_instance_profile"),
}


def spelled(field_name: str, syntax: str) -> str:
    """How ``field_name`` (a key of FIELDS) is written in ``syntax`` ("cloudformation",
    "terraform" or "plan": a plan's user edits Terraform)."""
    spelling = FIELDS[field_name]
    return spelling.cloudformation if syntax == "cloudformation" else spelling.terraform


class SetValue(msgspec.Struct, frozen=True):
    """Set the scalar ``field`` of ``resource`` to ``value`` (add it when absent)."""

    resource: str  # the finding's resource: a logical id or a Terraform address
    field: str  # a key of FIELDS
    value: str | bool | int


class ReplaceLiteral(msgspec.Struct, frozen=True):
    """Replace the literal string ``old`` by ``new`` inside ``resource``'s definition
    (a misspelled action, a bare log-group ARN that gains ``:*``)."""

    resource: str
    old: str
    new: str


class GrantStatements(msgspec.Struct, frozen=True):
    """IAM statements that ``target`` needs: a role, or a SAM function whose own
    ``Policies`` receive them."""

    target: str
    statements: tuple[dict[str, Any], ...]
    #: True when ``target`` is a SAM function whose own ``Policies`` receive them (the
    #: role is the one SAM creates for it); False for a role.
    sam_function: bool = False


class AllowHttpsIngress(msgspec.Struct, frozen=True):
    """An ingress rule on security group ``group``: TCP 443 from ``source`` (a security
    group's id or address, or a CIDR)."""

    group: str
    source: str
    port: int = 443


class Advice(msgspec.Struct, frozen=True):
    """What is not a change of one resource (create an endpoint, name your own
    namespace). Syntax-neutral prose: it names no property and no argument; use a
    field of FIELDS through a change instead when one is meant."""

    text: str


class AllowHttpsEgress(msgspec.Struct, frozen=True):
    """An egress rule on security group ``group``: TCP 443 to ``destination`` (a security
    group's id or address, or a CIDR)."""

    group: str
    destination: str
    port: int = 443


class AttachRole(msgspec.Struct, frozen=True):
    """Give ``resource`` a new role through ``field`` (a key of FIELDS: an ECS task's
    execution or task role, an instance's profile), trusted by the service principal
    ``service``, with AWS managed policies (ARNs) and statements of its own."""

    resource: str
    field: str
    service: str
    managed_policies: tuple[str, ...] = ()
    statements: tuple[dict[str, Any], ...] = ()


class AddStatements(msgspec.Struct, frozen=True):
    """Statements to add to the policy document held by ``field`` of ``resource`` (an
    endpoint policy, a key policy, an OAM sink policy, a topic policy)."""

    resource: str
    field: str
    statements: tuple[dict[str, Any], ...]
    #: True when ``resource`` sets no document there (AWS's default applies): the fix
    #: writes a whole document holding ``statements`` (which then restate the default's).
    whole: bool = False


class AddToList(msgspec.Struct, frozen=True):
    """Values to add to the list ``field`` of ``resource``."""

    resource: str
    field: str
    values: tuple[str, ...]


class CreateEndpoint(msgspec.Struct, frozen=True):
    """A new interface VPC endpoint for ``service`` (``com.amazonaws.R.monitoring``) in
    ``vpc`` and ``subnets`` (ids or addresses), with private DNS on and a new security
    group that admits TCP 443 from ``sources`` (security groups or CIDRs)."""

    vpc: str
    service: str
    subnets: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()


class CreateLogResourcePolicy(msgspec.Struct, frozen=True):
    """A new CloudWatch Logs resource policy holding ``statements``."""

    name: str
    statements: tuple[dict[str, Any], ...]


Change = (SetValue | ReplaceLiteral | GrantStatements | AllowHttpsIngress | Advice
          | AllowHttpsEgress | AttachRole | AddStatements | AddToList | CreateEndpoint
          | CreateLogResourcePolicy)


class Fix(msgspec.Struct, frozen=True):
    """A rule's fix: its changes, and whether ``scan --fix`` may apply them.

    ``applicability`` is :data:`SAFE` only when every change is a local edit of one
    resource whose value is known (SetValue, ReplaceLiteral); the applier still checks
    the source and downgrades to a suggestion where the value there is not a literal.
    """

    changes: tuple[Change, ...]
    applicability: Applicability = SUGGESTION
    alternatives: tuple[Advice, ...] = ()  # "or add an insufficient-data action"

    @property
    def safe(self) -> bool:
        return self.applicability == SAFE
