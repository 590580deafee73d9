"""Recognise AccessDenied messages and extract the request they describe.

The message AWS returns has one shape whatever the SDK (IAM User Guide, "Troubleshoot
access denied error messages"):

    User: <principal ARN> is not authorized to perform: <action>[ on resource: <ARN>]
    [because no <type> allows the <action> action | with an explicit deny in a <type>]

where ``<type>`` is ``identity-based policy``, ``resource-based policy``, ``service control
policy``, ``resource control policy``, ``VPC endpoint policy``, ``permissions boundary``,
``session policy`` or ``role trust policy``. An explicit deny may end with ``: <policy
ARN>`` (the policy AWS names) or "transitively through a service control policy". The
``on resource:`` part is absent for some services and the reason clause for others, and
for requests from another account or organization.

When the message body is generic ("Access Denied") the envelope still names the error
code and the operation (``An error occurred (AccessDeniedException) when calling the
PutLogEvents operation``, Go's ``operation error CloudWatch Logs: PutLogEvents ... api
error AccessDeniedException``, Fluent Bit's ``PutLogEvents API responded with
error='AccessDeniedException'``, the CloudWatch agent's ``ec2tagger: ...
UnauthorizedOperation``): the action is then the operation in its service.
"""

from __future__ import annotations

import re

import msgspec

from cwlint.diagnose.arns import ACCOUNT, parse_principal
from cwlint.diagnose.incident import EXPLICIT, IMPLICIT, AccessDenied, Reason
from cwlint.diagnose.service_errors import is_alarm_publish
from cwlint.diagnose.shapes import BEFORE, envelope
from cwlint.diagnose.spans import Spans
from cwlint.iam import actions

KNOWN_POLICY_TYPES: dict[str, str] = {
    "identity-based policy": "identity-based policy",
    "resource-based policy": "resource-based policy",
    "service control policy": "service control policy",
    "resource control policy": "resource control policy",
    "vpc endpoint policy": "VPC endpoint policy",
    "permissions boundary": "permissions boundary",
    "session policy": "session policy",
    "sessions policy": "session policy",  # so spelled in the IAM User Guide's example
    "role trust policy": "role trust policy",
}

# A principal ARN, its account field possibly redacted (``<my account_id>`` has a space).
_PRINCIPAL_ARN = rf"arn:[a-z0-9-]+:[a-z0-9-]+:[a-z0-9-]*:{ACCOUNT}:[^\s\"'`]+"
_NOT_AUTHORIZED = re.compile(
    rf"(?:\bUser:\s*(?P<principal>{_PRINCIPAL_ARN}|[^\s\"'`]+)|(?<![\w:/-])(?P<bare>{_PRINCIPAL_ARN}))"
    r"\s+is\s+not\s+authorized\s+to\s+perform:\s*"
    r"(?P<action>[A-Za-z0-9][A-Za-z0-9-]*:\s?[A-Za-z0-9*?]+)"
    # some messages quote the resource ARN ("on resource: \"arn:aws:s3:::b/k\" because ...")
    rf"(?:\s+on\s+resource:\s*(?P<quote>[\"']?)(?P<resource>{_PRINCIPAL_ARN}|[^\s\"'`]+)"
    r"(?P=quote))?"
)
# A message cut after its principal (console columns, "..."), right after a fallback's code.
_CUT_PRINCIPAL = re.compile(rf"[\s:]*User:\s*(?P<principal>{_PRINCIPAL_ARN})")
_TYPE = r"(?:[A-Za-z-]+\s+){0,3}?(?:policy|boundary)"
_IMPLICIT = re.compile(
    rf"\s*because\s+no\s+(?P<type>{_TYPE})\s+allows\s+the\s+(?P<action>[^\s\"'`]+)\s+action",
    re.IGNORECASE,
)
_EXPLICIT = re.compile(
    rf"\s*with\s+an\s+explicit\s+deny(?:\s+in\s+(?:an?|the)\s+(?P<type>{_TYPE}))?"
    rf"(?:\s+transitively\s+through\s+(?:an?|the)\s+(?P<via>{_TYPE}))?"
    r"(?::\s*(?P<arn>arn:[^\s\"'`]+))?",
    re.IGNORECASE,
)
_DENIED_CODE = r"AccessDenied\w*|Unauthorized\w*|Client\.UnauthorizedOperation|AuthorizationError"
_FALLBACKS = (
    re.compile(rf"An error occurred \((?P<code>{_DENIED_CODE})\) when calling the (?P<op>\w+) "
               r"operation"),
    re.compile(r"operation error (?P<svc>[A-Za-z0-9 ]+?): (?P<op>\w+),[^\n]{0,400}?"
               rf"api error (?P<code>{_DENIED_CODE}):"),
    re.compile(rf"\b(?P<op>[A-Z]\w+) API responded with error='(?P<code>{_DENIED_CODE})'"),
    re.compile(rf"\bec2tagger: [^\n]{{0,160}}?\b(?P<code>{_DENIED_CODE})\b"),
)
# How SDKs name the services cwlint reasons about, lower-cased without spaces.
SDK_SERVICES: dict[str, str] = {
    "cloudwatch": "cloudwatch", "amazoncloudwatch": "cloudwatch",
    "cloudwatchlogs": "logs", "awslogs": "logs", "logs": "logs",
    "amazoncloudwatchlogs": "logs",
    "ssm": "ssm", "awssimplesystemsmanagement": "ssm", "simplesystemsmanagement": "ssm",
    "ec2": "ec2", "amazonec2": "ec2",
}
# Services whose operations name an action when the message does not (most likely first).
_OPERATION_SERVICES = ("cloudwatch", "logs", "ssm", "ec2")
_TRAILING = ".,;"


class Match(msgspec.Struct, frozen=True):
    """One recognised message: where it is in the logical text, and what it says."""

    start: int
    end: int
    incident: AccessDenied


def find_access_denied(text: str) -> list[Match]:
    """Every AccessDenied message in the logical text, in order."""
    found: list[Match] = []
    floor = 0
    for match in _NOT_AUTHORIZED.finditer(text):
        principal = (match["principal"] or match["bare"]).rstrip(_TRAILING)
        if is_alarm_publish(principal, match["action"]):
            continue  # an alarm's action: a service error (service_errors)
        reason, end = _reason(text, match.end())
        env = envelope(text, match.start(), end, floor)
        action = normalize_action(match["action"])
        operation = env.operation or action.split(":", 1)[1]
        incident = AccessDenied(
            action=action,
            principal=parse_principal(principal),
            resource=_clean_resource(match["resource"]),
            reason=reason,
            error_code=env.error_code,
            operation=operation,
            status_code=env.status_code,
            request_id=env.request_id,
            sdk_service=env.sdk_service,
            sources=env.sources,
            excerpt=_excerpt(text, match.start(), end),
        )
        found.append(Match(match.start(), end, incident))
        floor = end
    found.extend(_fallbacks(text, found))
    return sorted(found, key=lambda m: m.start)


def normalize_action(raw: str) -> str:
    """``SNS: Publish`` -> ``sns:Publish``; real actions in their canonical casing."""
    prefix, _, name = "".join(raw.split()).partition(":")
    return actions.canonical(f"{prefix.lower()}:{name}")


def _reason(text: str, position: int) -> tuple[Reason | None, int]:
    implicit = _IMPLICIT.match(text, position)
    if implicit is not None:
        return Reason(IMPLICIT, _policy_type(implicit["type"]), implicit.group().strip()), \
            implicit.end()
    explicit = _EXPLICIT.match(text, position)
    if explicit is not None:
        arn = explicit["arn"].rstrip(_TRAILING) if explicit["arn"] else None
        via = _policy_type(explicit["via"]) if explicit["via"] else None
        policy_type = _policy_type(explicit["type"]) if explicit["type"] else None
        return Reason(EXPLICIT, policy_type, explicit.group().strip(), arn, via), explicit.end()
    return None, position


def _policy_type(raw: str) -> str | None:
    return KNOWN_POLICY_TYPES.get(" ".join(raw.split()).lower())


def _clean_resource(raw: str | None) -> str | None:
    if raw is None:
        return None
    resource = raw.rstrip(_TRAILING)
    if resource.endswith(")") and "(" not in resource:
        resource = resource[:-1]
    return resource or None


def _excerpt(text: str, start: int, end: int) -> str:
    return text[start:end]


def _fallbacks(text: str, found: list[Match]) -> list[Match]:
    """Generic AccessDenied messages, where no "is not authorized" message is near."""
    out: list[Match] = []
    taken = Spans()
    for m in found:
        taken.add(m.start, m.end)
    for pattern in _FALLBACKS:
        for match in pattern.finditer(text):
            if taken.near(match.start(), BEFORE, 0):
                continue
            groups = match.groupdict()
            sdk_service = groups.get("svc")
            operation = groups.get("op") or ("DescribeTags" if "ec2tagger" in match.group()
                                             else None)
            env = envelope(text, match.start(), match.end())
            service = service_for(operation, sdk_service or env.sdk_service)
            if operation is None or service is None:
                continue
            cut = _CUT_PRINCIPAL.match(text, match.end())
            incident = AccessDenied(
                action=actions.canonical(f"{service}:{operation}"),
                principal=parse_principal(cut["principal"].rstrip(_TRAILING)) if cut else None,
                error_code=match["code"],
                operation=operation,
                status_code=env.status_code,
                request_id=env.request_id,
                sdk_service=sdk_service or env.sdk_service,
                sources=env.sources or ("sdk",),
                excerpt=_excerpt(text, match.start(), match.end()),
            )
            end = cut.end() if cut else match.end()
            out.append(Match(match.start(), end, incident))
            taken.add(match.start(), end)
    return out


def service_for(operation: str | None, sdk_service: str | None) -> str | None:
    """The IAM service prefix of an operation: the SDK's service name when given, else the
    only one of cloudwatch, logs, ssm and ec2 that has the operation."""
    if sdk_service:
        known = SDK_SERVICES.get("".join(sdk_service.split()).lower())
        if known is not None:
            return known
    if not operation:
        return None
    owners = [s for s in _OPERATION_SERVICES if actions.action_exists(f"{s}:{operation}")]
    return owners[0] if len(owners) == 1 else None
