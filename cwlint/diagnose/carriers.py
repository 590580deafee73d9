"""AccessDenied facts carried by text that is not the usual "User: ... is not authorized"
message, or that cuts it short.

* ECS stopped reasons as the console and ``describe-tasks`` show them, cut after the
  principal (``failed to create Cloudwatch log stream: AccessDeniedException: User:
  arn:aws:sts::A:assumed-role/ROLE/TASK...``) or before it: the awslogs driver's phrase
  names the call (``log stream`` is CreateLogStream, ``log group`` CreateLogGroup);
* an HTTP ``403 Forbidden`` for a Query-protocol URL of a CloudWatch endpoint
  (``https://monitoring.R.amazonaws.com/?Action=PutMetricData&...``): the action is in
  the URL, the region in the host;
* CloudWatch Logs' own sentence for a tagged create: ``User with accountId: A is not
  authorized to perform CreateLogGroup with Tags``: the caller may create the group but
  lacks ``logs:TagResource``, which tags need; only the account is named;
* the CloudWatch agent finding no credentials at all (``NoCredentialProviders: no valid
  providers in chain``): the instance has no instance profile, so the agent's calls are
  refused before any policy is read; the action is the agent output's call;
* a CloudTrail record (``"errorCode": "AccessDenied"``) whose ``errorMessage`` holds no
  "is not authorized" sentence: the principal is ``userIdentity.arn``, the action
  ``eventSource`` and ``eventName``.

Each is read only where no complete message was recognised near it.
"""

from __future__ import annotations

import re

from cwlint.diagnose.arns import ACCOUNT, ACCOUNT_ID, PrincipalInfo, parse_principal
from cwlint.diagnose.denied import Match, normalize_action
from cwlint.diagnose.incident import AccessDenied
from cwlint.diagnose.shapes import BEFORE, envelope
from cwlint.diagnose.spans import Spans
from cwlint.iam import actions

_PRINCIPAL = rf"arn:[a-z0-9-]+:(?:sts|iam):[a-z0-9-]*:{ACCOUNT}:[^\s\"'`]+|[^\s\"'`]+"
_ECS_CUT = re.compile(
    r"failed to create Cloudwatch log (?P<what>stream|group)s?:\s*"
    r"(?:operation error [^\"]{0,300}?api error\s+)?(?P<code>AccessDenied\w*|Unauthorized\w*)\b"
    rf"(?::\s*User:\s*(?P<principal>{_PRINCIPAL}))?",
    re.IGNORECASE,
)
_HTTP_403 = re.compile(
    r"\b403\b[^\"'\n]{0,80}?https?://(?P<endpoint>monitoring|logs)\.(?P<region>[a-z0-9-]+)\."
    r"amazonaws\.com(?:\.cn)?/?[^\s\"']*?[?&]Action=(?P<op>\w+)",
)
_WITH_ACCOUNT = re.compile(
    r"User with accountId:\s*(?P<account><[^<>]{0,40}>|[^\s:]*)\s+is\s+not\s+authorized\s+"
    r"to\s+perform\s+(?P<op>[A-Z]\w+)(?P<tags>\s+with\s+Tags)?"
)
_NO_CREDENTIALS = re.compile(r"NoCredentialProviders: no valid providers in chain")
_AGENT_OUTPUT = re.compile(
    r"\[outputs\.cloudwatchlogs\]|E! cloudwatchlogs:|logs\.[a-z0-9-]+\.amazonaws|"
    r"(?P<metrics>\[outputs\.cloudwatch\]|E! cloudwatch:|WriteToCloudWatch|monitoring\.)"
)
_TRAIL_CODE = re.compile(
    r"\"errorCode\"\s*:\s*\"(?P<code>AccessDenied\w*|Unauthorized\w*|"
    r"Client\.UnauthorizedOperation)\""
)
_TRAIL_START = re.compile(r"\"eventVersion\"\s*:")
_TRAIL_SOURCE = re.compile(r"\"eventSource\"\s*:\s*\"(?P<source>[\w-]+)\.amazonaws\.com\"")
_TRAIL_NAME = re.compile(r"\"eventName\"\s*:\s*\"(?P<name>\w+)\"")
_TRAIL_ARN = re.compile(r"\"userIdentity\"\s*:\s*\{.*?\"arn\"\s*:\s*\"(?P<arn>arn:[^\"]+)\"")
_TRAIL_REGION = re.compile(r"\"awsRegion\"\s*:\s*\"(?P<region>[a-z0-9-]+)\"")
_TRAIL_RESOURCE = re.compile(r"on resource:\s*(?P<resource>[^\s\"'`]+)")
# The resource's account (recipientAccountId), else the caller's.
_TRAIL_ACCOUNTS = (re.compile(r"\"recipientAccountId\"\s*:\s*\"(?P<account>\d{12})\""),
                   re.compile(r"\"accountId\"\s*:\s*\"(?P<account>\d{12})\""))
_TRAIL_GROUP = re.compile(r"\"logGroupName\"\s*:\s*\"(?P<group>[^\"]+)\"")
_TRAIL_STREAM = re.compile(r"\"logStreamName\"\s*:\s*\"(?P<stream>[^\"]+)\"")
# The operations whose request ARN is a log stream's (CreateLogGroup's has an empty stream).
_STREAM_OPERATIONS = ("CreateLogStream", "PutLogEvents", "CreateLogGroup")
# CloudTrail's eventSource prefix -> the IAM service prefix, where they differ.
_TRAIL_SERVICES = {"monitoring": "cloudwatch"}
_SENTENCE = re.compile(r"is\s+not\s+authorized\s+to\s+perform:")
RECORD = 6000  # the longest CloudTrail record read around an error code


def find_carried(text: str, taken: Spans) -> list[Match]:
    """The AccessDenied facts of ``text`` outside the spans already recognised."""
    out: list[Match] = []
    for finder in (_ecs_cut_short, _http_403, _with_account, _agent_without_credentials,
                   _cloudtrail):
        for found in finder(text):
            if taken.near(found.start, BEFORE, 0):
                continue
            out.append(found)
            taken.add(found.start, found.end)
    return out


def _ecs_cut_short(text: str) -> list[Match]:
    out: list[Match] = []
    if "loudwatch log" not in text and "LOUDWATCH LOG" not in text:
        return out
    for match in _ECS_CUT.finditer(text):
        operation = "CreateLogStream" if match["what"].lower() == "stream" else "CreateLogGroup"
        env = envelope(text, match.start(), match.end())
        raw = match["principal"]
        principal = parse_principal(raw.rstrip(".,;")) if raw else None
        incident = AccessDenied(
            action=f"logs:{operation}", principal=principal, error_code=match["code"],
            operation=operation, status_code=env.status_code, request_id=env.request_id,
            sdk_service="CloudWatch Logs", sources=tuple(dict.fromkeys((*env.sources, "ecs"))),
            excerpt=match.group())
        out.append(Match(match.start(), match.end(), incident))
    return out


def _http_403(text: str) -> list[Match]:
    out: list[Match] = []
    if "Action=" not in text:
        return out
    for match in _HTTP_403.finditer(text):
        service = "cloudwatch" if match["endpoint"] == "monitoring" else "logs"
        action = actions.canonical(f"{service}:{match['op']}")
        region = match["region"]
        resource = "*" if action == "cloudwatch:PutMetricData" else None
        incident = AccessDenied(
            action=action, resource=resource, error_code="403 Forbidden",
            operation=match["op"], status_code=403, sdk_service=service,
            region_hint=region, sources=("http",), excerpt=match.group())
        out.append(Match(match.start(), match.end(), incident))
    return out


def _with_account(text: str) -> list[Match]:
    out = []
    for match in _WITH_ACCOUNT.finditer(text):
        env = envelope(text, match.start(), match.end())
        account = match["account"] if ACCOUNT_ID.fullmatch(match["account"]) else None
        principal = PrincipalInfo(f"account {match['account'] or '(not shown)'}", "unknown",
                                  account=account)
        action = "logs:TagResource" if match["tags"] else f"logs:{match['op']}"
        incident = AccessDenied(
            action=action, principal=principal, error_code=env.error_code or "AccessDenied",
            operation=match["op"], status_code=env.status_code, request_id=env.request_id,
            sdk_service=env.sdk_service or "CloudWatch Logs", sources=env.sources,
            excerpt=match.group())
        out.append(Match(match.start(), match.end(), incident))
    return out


def _agent_without_credentials(text: str) -> list[Match]:
    out = []
    for match in _NO_CREDENTIALS.finditer(text):
        env = envelope(text, match.start(), match.end())
        if "cloudwatch-agent" not in env.sources:
            continue
        before = text[max(0, match.start() - BEFORE):match.start()]
        outputs = list(_AGENT_OUTPUT.finditer(before))
        if not outputs:
            continue
        action = "cloudwatch:PutMetricData" if outputs[-1]["metrics"] else "logs:PutLogEvents"
        incident = AccessDenied(
            action=action, error_code="NoCredentialProviders", operation=action.split(":")[1],
            sources=env.sources, excerpt=text[max(0, match.start() - 200):match.end()].strip())
        out.append(Match(match.start(), match.end(), incident))
    return out


def _cloudtrail(text: str) -> list[Match]:
    out = []
    for match in _TRAIL_CODE.finditer(text):
        starts = [m.start() for m in _TRAIL_START.finditer(
            text, max(0, match.start() - RECORD), match.start())]
        start = starts[-1] if starts else max(0, match.start() - RECORD // 2)
        after = _TRAIL_START.search(text, match.end(), match.end() + RECORD)
        end = after.start() if after else min(len(text), match.end() + RECORD // 2)
        record = text[start:end]
        if _SENTENCE.search(record):
            continue  # its errorMessage is a whole message, read as such
        source, name = _TRAIL_SOURCE.search(record), _TRAIL_NAME.search(record)
        if source is None or name is None:
            continue
        service = _TRAIL_SERVICES.get(source["source"], source["source"])
        arn = _TRAIL_ARN.search(record)
        resource = _TRAIL_RESOURCE.search(record)
        region = _TRAIL_REGION.search(record)
        incident = AccessDenied(
            action=normalize_action(f"{service}:{name['name']}"),
            principal=parse_principal(arn["arn"]) if arn else None,
            resource=(resource["resource"].rstrip(".,;") if resource else
                      _log_request_arn(record, service, name["name"], region)),
            error_code=match["code"], operation=name["name"],
            region_hint=region["region"] if region else None, sources=("cloudtrail",),
            excerpt=record.strip())
        out.append(Match(start, end, incident))
    return out


def _log_request_arn(record: str, service: str, operation: str,
                     region: re.Match[str] | None) -> str | None:
    """The log-stream ARN CloudWatch Logs authorized, from the record's request parameters
    (the form its AccessDenied messages show), when the record holds every part of it."""
    if service != "logs" or operation not in _STREAM_OPERATIONS or region is None:
        return None
    group = _TRAIL_GROUP.search(record)
    account = next((m["account"] for m in (p.search(record) for p in _TRAIL_ACCOUNTS) if m),
                   None)
    if group is None or account is None:
        return None
    stream = _TRAIL_STREAM.search(record)
    if operation != "CreateLogGroup" and stream is None:
        return None
    name = "" if operation == "CreateLogGroup" else stream["stream"] if stream else ""
    return (f"arn:aws:logs:{region['region']}:{account}:"
            f"log-group:{group['group']}:log-stream:{name}")
