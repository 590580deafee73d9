"""What a recognised message says: an AccessDenied request, or a failed connection.

These are the *parsed request* of a diagnosis, before any interpretation. Both kinds keep
the logical text they were read from (``excerpt``) and the message shapes recognised on
the way (``sources``: ``boto3``, ``aws-cli``, ``java-sdk-v1``, ``go-sdk-v2``, ``lambda``,
``cloudwatch-agent``...).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import msgspec

from cwlint.diagnose.arns import LogTarget, PrincipalInfo, parse_log_target

ACCESS_DENIED = "access_denied"
NETWORK = "network"
SERVICE_ERROR = "service_error"

# What a service error says went wrong (the ``problem`` of a ServiceError).
KMS_KEY_UNUSABLE = "log_group_kms_key_unusable"
RESERVED_LOG_GROUP = "reserved_log_group"
ALARM_ACTION_FAILED = "alarm_action_failed"
DELIVERY_POLICY_MISSING = "log_delivery_policy_missing"
APIGATEWAY_ROLE_MISSING = "apigateway_logs_role_missing"
LOG_GROUP_MISSING = "log_group_missing"
PROBLEMS = (KMS_KEY_UNUSABLE, RESERVED_LOG_GROUP, ALARM_ACTION_FAILED, DELIVERY_POLICY_MISSING,
            APIGATEWAY_ROLE_MISSING, LOG_GROUP_MISSING)
# Why an alarm action failed, when the message says.
TOPIC_KEY = "topic_key"
TOPIC_POLICY = "topic_policy"

IMPLICIT = "implicit_deny"
EXPLICIT = "explicit_deny"

# Failure kinds of a connection to a CloudWatch endpoint.
CONNECT_TIMEOUT = "connect_timeout"
CONNECT_FAILED = "connect_failed"
DNS_FAILURE = "dns_failure"
TIMEOUT = "timeout"


class Reason(msgspec.Struct, frozen=True):
    """The clause AWS appends to an AccessDenied message.

    ``decision`` is ``implicit_deny`` ("because no X allows the A action") or
    ``explicit_deny`` ("with an explicit deny in a X"); ``policy_type`` is the X as
    AWS writes it (``identity-based policy``, ``service control policy``, ``permissions
    boundary``, ``VPC endpoint policy``...), None when the clause names none or one
    cwlint does not know; ``policy_arn`` the policy AWS names after a colon, ``via`` the
    policy type of "... transitively through a service control policy".
    """

    decision: str
    policy_type: str | None
    text: str
    policy_arn: str | None = None
    via: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The parsed request as the JSON output shows it."""
        return {"decision": self.decision, "policy_type": self.policy_type,
                "policy_arn": self.policy_arn, "via": self.via, "text": self.text}


@dataclass(frozen=True)
class AccessDenied:
    """An authorization failure: who could not do what on which resource, and why."""

    action: str
    principal: PrincipalInfo | None = None
    resource: str | None = None
    reason: Reason | None = None
    error_code: str | None = None
    operation: str | None = None
    status_code: int | None = None
    request_id: str | None = None
    sdk_service: str | None = None  # the service as the SDK names it ("CloudWatch Logs")
    region_hint: str | None = None  # the region a host or a CloudTrail record names
    sources: tuple[str, ...] = ()
    excerpt: str = ""
    kind: str = field(default=ACCESS_DENIED, init=False)

    @property
    def service(self) -> str:
        """The IAM service prefix of the action (``cloudwatch``, ``logs``...)."""
        return self.action.split(":", 1)[0].lower()

    @property
    def account(self) -> str | None:
        """The account of the principal, else of the log group, else None."""
        if self.principal is not None and self.principal.account:
            return self.principal.account
        target = self.log_target
        return target.account if target is not None else None

    @property
    def region(self) -> str | None:
        """The region of the resource ARN, when it has one."""
        target = self.log_target
        if target is not None:
            return target.region
        if self.resource and self.resource.startswith("arn:"):
            fields = self.resource.split(":")
            if len(fields) > 3 and fields[3]:
                return fields[3]
        return self.region_hint

    @property
    def log_target(self) -> LogTarget | None:
        """The log group and stream of a CloudWatch Logs resource ARN, else None."""
        return parse_log_target(self.resource)

    def key(self) -> tuple[Any, ...]:
        """What makes two messages the same incident (a log repeats its errors)."""
        return (self.kind, self.action.lower(), self.principal.arn if self.principal else None,
                self.resource, self.reason.decision if self.reason else None,
                self.reason.policy_type if self.reason else None)

    def to_json(self) -> dict[str, Any]:
        """The parsed request as the JSON output shows it."""
        target = self.log_target
        return {
            "kind": self.kind,
            "error_code": self.error_code,
            "operation": self.operation,
            "service": self.service,
            "action": self.action,
            "resource": self.resource,
            "log_group": target.group if target else None,
            "log_stream": target.stream if target else None,
            "principal": self.principal.to_json() if self.principal else None,
            "account": self.account,
            "region": self.region,
            "reason": self.reason.to_json() if self.reason else None,
            "status_code": self.status_code,
            "request_id": self.request_id,
            "sources": list(self.sources),
        }


@dataclass(frozen=True)
class NetworkFailure:
    """A request that never reached a CloudWatch endpoint.

    ``service`` is ``cloudwatch`` (host ``monitoring.*``) or ``logs``; ``failure`` one of
    ``connect_timeout``, ``connect_failed``, ``dns_failure`` or ``timeout``; ``address``
    the IP address the SDK tried, when the message shows it. ``vpc_endpoint_host`` is
    True when the host is an endpoint-specific ``vpce-...`` name.
    """

    service: str
    failure: str
    host: str | None = None
    region: str | None = None
    url: str | None = None
    address: str | None = None
    address_scope: str | None = None  # "private" or "public"
    vpc_endpoint_host: bool = False
    operation: str | None = None
    known_region: bool | None = None
    suggested_region: str | None = None
    instance_id: str | None = None
    sources: tuple[str, ...] = ()
    excerpt: str = ""
    kind: str = field(default=NETWORK, init=False)

    @property
    def endpoint_service(self) -> str:
        """The endpoint service's last label: ``monitoring`` or ``logs``."""
        return "monitoring" if self.service == "cloudwatch" else "logs"

    def key(self) -> tuple[Any, ...]:
        """What makes two messages the same incident."""
        return (self.kind, self.service, self.failure, self.host, self.address_scope)

    def to_json(self) -> dict[str, Any]:
        """The parsed request as the JSON output shows it."""
        return {
            "kind": self.kind,
            "failure": self.failure,
            "service": self.service,
            "endpoint_service": self.endpoint_service,
            "operation": self.operation,
            "host": self.host,
            "url": self.url,
            "region": self.region,
            "known_region": self.known_region,
            "suggested_region": self.suggested_region,
            "address": self.address,
            "address_scope": self.address_scope,
            "vpc_endpoint_host": self.vpc_endpoint_host,
            "instance_id": self.instance_id,
            "sources": list(self.sources),
        }


@dataclass(frozen=True)
class ServiceError:
    """A request AWS refused for a reason that is not the caller's IAM permissions.

    ``problem`` is one of:

    * ``log_group_kms_key_unusable``: "The specified KMS key does not exist or is not
      allowed to be used with Arn 'arn:aws:logs:...'" (CreateLogGroup, AssociateKmsKey,
      or CloudFormation and Terraform creating the group): ``resource`` is the log group;
    * ``reserved_log_group``: "Log groups starting with AWS/ are reserved for AWS";
      ``log_group`` the name when the message shows it;
    * ``alarm_action_failed``: an alarm's action could not notify its SNS topic
      (``resource``); ``detail`` is ``topic_key`` when the topic's KMS key refused
      CloudWatch, ``topic_policy`` when the topic's policy did, None when the message
      does not say; ``principal`` the alarm's ARN when the message names it;
    * ``log_delivery_policy_missing``: Route 53 query logging refused because no CloudWatch
      Logs resource policy lets ``route53.amazonaws.com`` write to the group;
    * ``apigateway_logs_role_missing``: API Gateway cannot log because its account-level
      CloudWatch Logs role is not set in the region;
    * ``log_group_missing``: "The specified log group does not exist" where a writer (the
      ECS ``awslogs`` driver, the agent, an SDK) expected it.
    """

    problem: str
    service: str
    operation: str | None = None
    resource: str | None = None
    log_group: str | None = None
    principal: str | None = None
    detail: str | None = None
    error_code: str | None = None
    sources: tuple[str, ...] = ()
    excerpt: str = ""
    kind: str = field(default=SERVICE_ERROR, init=False)

    @property
    def log_target(self) -> LogTarget | None:
        """The log group of a CloudWatch Logs resource ARN, else None."""
        return parse_log_target(self.resource)

    @property
    def region(self) -> str | None:
        """The region of the resource ARN, when it has one."""
        if self.resource and self.resource.startswith("arn:"):
            fields = self.resource.split(":")
            return fields[3] or None if len(fields) > 3 else None
        return None

    @property
    def account(self) -> str | None:
        """The account of the resource ARN, None when absent or redacted."""
        if self.resource and self.resource.startswith("arn:"):
            fields = self.resource.split(":")
            if len(fields) > 4 and fields[4].isdigit() and len(fields[4]) == 12:
                return fields[4]
        return None

    def key(self) -> tuple[Any, ...]:
        """What makes two messages the same incident."""
        return (self.kind, self.problem, self.resource, self.log_group, self.detail)

    def to_json(self) -> dict[str, Any]:
        """The parsed request as the JSON output shows it."""
        target = self.log_target
        return {
            "kind": self.kind,
            "problem": self.problem,
            "service": self.service,
            "operation": self.operation,
            "error_code": self.error_code,
            "resource": self.resource,
            "log_group": self.log_group or (target.group if target else None),
            "principal": self.principal,
            "detail": self.detail,
            "account": self.account,
            "region": self.region,
            "sources": list(self.sources),
        }


Incident = AccessDenied | NetworkFailure | ServiceError
