"""The envelope around an AWS error: which SDK or log printed it, with which error code.

The same "User: ... is not authorized to perform: ..." text arrives wrapped differently by
each SDK, and the wrapper carries the error code, the operation and the service:

* AWS CLI / boto3 (botocore): ``An error occurred (AccessDenied) when calling the
  PutMetricData operation: <message>``; ``botocore.exceptions.ClientError:`` or Lambda's
  ``[ERROR] ClientError:`` in front for boto3;
* Java SDK v1: ``<message> (Service: AWSLogs; Status Code: 400; Error Code:
  AccessDeniedException; Request ID: ...)``; v2: ``<message> (Service: CloudWatch, Status
  Code: 403, Request ID: ...)``, with ``com.amazonaws.`` / ``software.amazon.awssdk.``
  exception classes;
* Go SDK v2: ``operation error CloudWatch: PutMetricData, https response error StatusCode:
  403, RequestID: ..., api error AccessDenied: <message>``; Go SDK v1 (and the CloudWatch
  agent, which uses it): ``AccessDenied: <message>`` then ``status code: 403, request id: ...``;
* JavaScript SDK v3: ``AccessDeniedException: <message>`` or, in Lambda's Node.js logs,
  ``{"errorType":"AccessDeniedException","errorMessage":"<message>",...}``;
* .NET: ``Amazon.CloudWatchLogs.AmazonCloudWatchLogsException: <message>``;
* CloudWatch agent: ``E! [outputs.cloudwatchlogs] Aws error received when sending logs to
  GROUP/STREAM: ...``, ``E! cloudwatch: WriteToCloudWatch failure, err: ...``;
* ECS: ``failed to initialize logging driver: failed to create Cloudwatch log stream: ...``,
  Fargate's ``ResourceInitializationError: failed to validate logger args: ...``, the
  ``"stoppedReason"`` of ``describe-tasks``; FireLens (``awsfirelens``) and AWS for Fluent
  Bit (``[output:cloudwatch_logs:...]``, ``[cloudwatch 0]``);
* CloudTrail records (``"eventSource": "logs.amazonaws.com"``);
* deployment tools: Terraform (``Error: creating ...``, ``with aws_x.y``, ``on main.tf line
  N``) and CloudFormation (``CREATE_FAILED``, ``Resource handler returned message``).

:func:`envelope` reads the text around a message (``before`` and ``after`` it) and returns
what it found.
"""

from __future__ import annotations

import bisect
import functools
import re

import msgspec

_BOTOCORE = re.compile(
    r"An error occurred \((?P<code>[\w.:-]+)\) when calling the (?P<op>\w+) operation"
)
_GO_V2 = re.compile(r"operation error (?P<svc>[A-Za-z0-9 ]+?): (?P<op>\w+),")
_GO_V2_STATUS = re.compile(r"StatusCode: (?P<status>\d+), RequestID: (?P<rid>[\w-]*)")
_GO_V2_CODE = re.compile(r"api error (?P<code>[\w.]+):")
_JAVA_V1 = re.compile(
    r"\(Service: (?P<svc>[\w. ]+?); Status Code: (?P<status>\d+); Error Code: (?P<code>[\w.]+);"
    r" Request ID: (?P<rid>[\w-]*)"
)
_JAVA_V2 = re.compile(
    r"\(Service: (?P<svc>[\w. ]+?), Status Code: (?P<status>\d+), Request ID: (?P<rid>[\w-]*)"
)
_GO_V1_STATUS = re.compile(r"status code: (?P<status>\d+), request id: (?P<rid>[\w-]*)")
_CODE_BEFORE = re.compile(r"(?P<code>[A-Z][A-Za-z]*(?:\.[A-Za-z]+)?):\s*$")
_JS_JSON = re.compile(r'"(?:errorType|name|Code|code)"\s*:\s*"(?P<code>[A-Za-z.]+)"')
_JS_STATUS = re.compile(r'"httpStatusCode"\s*:\s*(?P<status>\d+)')
_JS_RID = re.compile(r'"requestId"\s*:\s*"(?P<rid>[\w-]+)"')
_DOTNET = re.compile(r"\bAmazon\.(?P<svc>[A-Za-z]+)\.(?:Model\.)?(?P<code>[A-Za-z]+Exception)\b")
_JAVA_CLASS = re.compile(
    r"\b(?P<sdk>com\.amazonaws|software\.amazon\.awssdk)\.services\.(?P<svc>\w+)\.model\."
    r"(?P<code>\w+)"
)
_AGENT = re.compile(
    r"\b[EWID]! (?:\[outputs\.cloudwatch(?:logs)?\]|cloudwatch(?:logs)?:|WriteToCloudWatch|"
    r"\[inputs\.|ec2tagger)|\"userAgent\"\s*:\s*\"CWAgent/"
)
_LAMBDA = re.compile(
    r"\[ERROR\]\s|\bInvoke Error\b|\bSTART RequestId: |\bREPORT RequestId: |"
    r"/aws/lambda/|\"errorType\"\s*:"
)
_ECS = re.compile(
    r"failed to initialize logging driver|CannotStartContainerError|ResourceInitializationError|"
    r"failed to validate logger args|\"stoppedReason\"|arn:aws[a-z-]*:ecs:|awslogs-group"
)
# FireLens: the awsfirelens driver, or AWS for Fluent Bit's cloudwatch outputs. (The
# patterns avoid IGNORECASE and leading \b: they run around every message of a long log.)
_FIRELENS = re.compile(r"[Ff]ire[Ll]ens|FIRELENS|log_router")  # FireLens's usual container
_FLUENT_BIT = re.compile(r"\[output:cloudwatch|\[cloudwatch \d+\]|[Ff]luent-?[Bb]it")
_CLOUDTRAIL = re.compile(r"\"eventSource\"\s*:\s*\"[\w-]+\.amazonaws\.com\"")
# A deployment tool reporting a failed create: its principal is the deployer's.
_TERRAFORM = re.compile(
    r"Error: (?:[Ee]rror )?(?:creating|associating|putting|updating|reading|deleting|"
    r"[Cc]reating CloudWatch) |with (?:module\.[\w-]+\.)*aws_\w+\.|\* aws_\w+\.[\w-]+: |"
    r"\.tf line \d+|[Tt]erraform"
)
_CLOUDFORMATION = re.compile(
    r"(?:CREATE|UPDATE)_FAILED|Resource handler returned message|HandlerErrorCode|"
    r"AWS::[A-Za-z0-9]+::[A-Za-z0-9]+|[Cc]loud[Ff]ormation|cdk-|serverless deploy"
)
_BOTO3 = re.compile(r"botocore\.exceptions\.ClientError|\bClientError: An error occurred")

BEFORE = 600
AFTER = 400


class Envelope(msgspec.Struct, frozen=True):
    """What the wrapper of one message says; None where it says nothing."""

    sources: tuple[str, ...]
    error_code: str | None = None
    operation: str | None = None
    sdk_service: str | None = None
    status_code: int | None = None
    request_id: str | None = None


def _last(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    found = None
    for found in pattern.finditer(text):  # noqa: B007 - the last one is the nearest
        pass
    return found


def envelope(text: str, start: int, end: int, floor: int = 0) -> Envelope:
    """The envelope of the message at ``text[start:end]``; nothing before ``floor`` (the
    end of the previous message) is read."""
    before = text[max(floor, start - BEFORE):start]
    after = text[end:end + AFTER]
    sources: list[str] = []
    code = operation = service = request_id = None
    status: int | None = None

    botocore = _last(_BOTOCORE, before)
    if botocore is not None:
        code, operation = botocore["code"], botocore["op"]
        sources.append("boto3" if _BOTO3.search(before) else "aws-cli/boto3")
    go_v2 = _last(_GO_V2, before)
    if go_v2 is not None:
        sources.append("go-sdk-v2")
        service, operation = go_v2["svc"], go_v2["op"]
        rest = before[go_v2.end():]
        go_status, go_code = _GO_V2_STATUS.search(rest), _last(_GO_V2_CODE, rest)
        code = go_code["code"] if go_code else code
        status = int(go_status["status"]) if go_status else None
        request_id = (go_status["rid"] or None) if go_status else None
    java = _JAVA_V1.search(after)
    if java is not None:
        sources.append("java-sdk-v1")
        service, code = java["svc"], java["code"]
        status, request_id = int(java["status"]), java["rid"] or None
    else:
        java = _JAVA_V2.search(after)
        if java is not None:
            sources.append("java-sdk-v2")
            service, status, request_id = java["svc"], int(java["status"]), java["rid"] or None
    java_class = _last(_JAVA_CLASS, before)
    if java_class is not None:
        label = "java-sdk-v1" if java_class["sdk"] == "com.amazonaws" else "java-sdk-v2"
        if label not in sources:
            sources.append(label)
        if code is None and java_class["code"].endswith("Exception"):
            code = java_class["code"]
        service = service or java_class["svc"]
    dotnet = _last(_DOTNET, before)
    if dotnet is not None:
        sources.append("dotnet-sdk")
        service = service or dotnet["svc"]
        code = code or dotnet["code"]
    js = _last(_JS_JSON, before)
    if js is not None and '"errorMessage"' in before:
        sources.append("js-sdk-v3")
        code = code or js["code"]
        js_status = _JS_STATUS.search(after)
        status = status or (int(js_status["status"]) if js_status else None)
        js_rid = _JS_RID.search(after)
        request_id = request_id or (js_rid["rid"] if js_rid else None)
    go_v1 = _GO_V1_STATUS.search(after[:200])
    if go_v1 is not None and go_v2 is None:
        sources.append("go-sdk-v1")
        status, request_id = int(go_v1["status"]), go_v1["rid"] or None
    if code is None:
        bare = _CODE_BEFORE.search(before)
        if bare is not None and _looks_like_code(bare["code"]):
            code = bare["code"]
            if not sources:
                sources.append("sdk")
    lo, hi = max(floor, start - BEFORE), end + AFTER
    sources += [name for name, _ in _WRITERS if _marked(text, name, lo, hi)]
    return Envelope(tuple(dict.fromkeys(sources)), code, operation, service, status, request_id)


# Who wrote the text around a message: each marker is found once per text (a long log holds
# thousands of messages) and looked up by position.
def _first(chars: str, pattern: re.Pattern[str]) -> re.Pattern[str]:
    """``pattern`` tried only where one of the characters its matches begin with stands: an
    alternation is otherwise tried in full at every position of a long log."""
    return re.compile(rf"(?=[{re.escape(chars)}])(?:{pattern.pattern})", pattern.flags)


_WRITERS = (("cloudwatch-agent", _first('EWID"', _AGENT)),
            ("lambda", _first('[ISR/"', _LAMBDA)),
            ("ecs", _first('fCRa"', _ECS)),
            ("firelens", _first("Ffl", _FIRELENS)),
            ("fluent-bit", _first("[Ff", _FLUENT_BIT)),
            ("cloudtrail", _CLOUDTRAIL),
            ("terraform", _first("Ew*.Tt", _TERRAFORM)),
            ("cloudformation", _first("CURHAcs", _CLOUDFORMATION)))


@functools.lru_cache(maxsize=1)  # the text being parsed
def _writer_marks(text: str) -> dict[str, tuple[list[int], list[int]]]:
    marks: dict[str, tuple[list[int], list[int]]] = {}
    for name, pattern in _WRITERS:
        found = list(pattern.finditer(text))
        marks[name] = ([m.start() for m in found], [m.end() for m in found])
    return marks


def _marked(text: str, name: str, lo: int, hi: int) -> bool:
    """Whether a ``name`` marker lies wholly within ``text[lo:hi]``."""
    starts, ends = _writer_marks(text)[name]
    index = bisect.bisect_left(starts, lo)
    while index < len(starts) and starts[index] < hi:
        if ends[index] <= hi:
            return True
        index += 1
    return False


def _looks_like_code(word: str) -> bool:
    return word.endswith(("Exception", "Denied", "Operation", "Error", "Fault")) or \
        word.startswith(("AccessDenied", "Unauthorized", "Client."))
