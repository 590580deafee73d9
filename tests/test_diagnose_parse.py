"""Recognising AccessDenied messages and failed connections, shape by shape, with near misses."""

from __future__ import annotations

from pathlib import Path

import pytest

from cwlint.diagnose.arns import parse_log_target, parse_principal
from cwlint.diagnose.incident import (
    CONNECT_FAILED,
    CONNECT_TIMEOUT,
    DNS_FAILURE,
    EXPLICIT,
    IMPLICIT,
    TIMEOUT,
    AccessDenied,
    NetworkFailure,
)
from cwlint.diagnose.parse import parse

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures" / "diagnose"
ROLE = "arn:aws:sts::123456789012:assumed-role/app-role/i-0abc123def4567890"
STREAM = "arn:aws:logs:us-east-1:123456789012:log-group:/app/web:log-stream:web-1"
CORE = f"User: {ROLE} is not authorized to perform: logs:PutLogEvents on resource: {STREAM}"
IMPLICIT_CLAUSE = "because no identity-based policy allows the logs:PutLogEvents action"


def only_denied(text: str) -> AccessDenied:
    parsed = parse(text)
    assert len(parsed.incidents) == 1, parsed.incidents
    incident = parsed.incidents[0]
    assert isinstance(incident, AccessDenied)
    return incident


def only_network(text: str) -> NetworkFailure:
    parsed = parse(text)
    assert len(parsed.incidents) == 1, parsed.incidents
    incident = parsed.incidents[0]
    assert isinstance(incident, NetworkFailure)
    return incident


# --- the two messages of the issue, exactly as wrapped there -----------------------------


def test_issue_put_metric_data() -> None:
    incident = only_denied((FIXTURES / "issue-put-metric-data.txt").read_text())
    assert incident.error_code == "AccessDenied"
    assert incident.operation == "PutMetricData"
    assert incident.action == "cloudwatch:PutMetricData"
    assert incident.resource == "*"
    assert incident.reason is None
    principal = incident.principal
    assert principal is not None
    assert principal.kind == "assumed-role"
    assert principal.name == "my-app-role"
    assert principal.session == "i-0abc123def456"
    assert principal.instance_id == "i-0abc123def456"
    assert incident.account == "123456789012"
    assert incident.sources == ("aws-cli/boto3",)


def test_issue_lambda_put_log_events_wrapped_inside_arns() -> None:
    incident = only_denied((FIXTURES / "issue-lambda-put-log-events.txt").read_text())
    assert incident.error_code == "AccessDenied"
    assert incident.operation == "PutLogEvents"
    assert incident.action == "logs:PutLogEvents"
    assert incident.resource == ("arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/"
                                 "my-function:log-stream:2026/05/24/[$LATEST]abc123")
    principal = incident.principal
    assert principal is not None
    assert (principal.name, principal.session) == ("my-lambda-role", "my-function")
    assert principal.role_arn == "arn:aws:iam::123456789012:role/my-lambda-role"
    target = incident.log_target
    assert target is not None
    assert (target.group, target.stream) == ("/aws/lambda/my-function",
                                             "2026/05/24/[$LATEST]abc123")
    assert incident.region == "us-east-1"
    assert incident.sources == ("boto3", "lambda")


# --- SDK and log shapes ------------------------------------------------------------------


SHAPES = [
    ("aws-cli", f"\nAn error occurred (AccessDeniedException) when calling the PutLogEvents "
     f"operation: {CORE} {IMPLICIT_CLAUSE}\n", ("aws-cli/boto3",), "AccessDeniedException",
     "PutLogEvents", None, None),
    ("boto3", "Traceback (most recent call last):\n  File \"app.py\", line 3, in <module>\n"
     "botocore.exceptions.ClientError: An error occurred (AccessDeniedException) when calling "
     f"the PutLogEvents operation: {CORE} {IMPLICIT_CLAUSE}", ("boto3",),
     "AccessDeniedException", "PutLogEvents", None, None),
    ("java-v1", f"com.amazonaws.services.logs.model.AWSLogsException: {CORE} {IMPLICIT_CLAUSE} "
     "(Service: AWSLogs; Status Code: 400; Error Code: AccessDeniedException; Request ID: "
     "504cb041-a4e8-4e81-a408-b3d3b9ec272d; Proxy: null)", ("java-sdk-v1",),
     "AccessDeniedException", "PutLogEvents", 400, "504cb041-a4e8-4e81-a408-b3d3b9ec272d"),
    ("java-v2", "software.amazon.awssdk.services.cloudwatchlogs.model."
     f"CloudWatchLogsException: {CORE} {IMPLICIT_CLAUSE} (Service: CloudWatchLogs, Status "
     "Code: 400, Request ID: 0b7e4c1a-1d2e-4f3a-9b8c-7d6e5f4a3b2c)", ("java-sdk-v2",),
     "CloudWatchLogsException", "PutLogEvents", 400, "0b7e4c1a-1d2e-4f3a-9b8c-7d6e5f4a3b2c"),
    ("go-v2", "operation error CloudWatch Logs: PutLogEvents, https response error StatusCode: "
     "400, RequestID: 9f1e2d3c-4b5a-6978-8e9f-0a1b2c3d4e5f, api error AccessDeniedException: "
     f"{CORE} {IMPLICIT_CLAUSE}", ("go-sdk-v2",), "AccessDeniedException", "PutLogEvents", 400,
     "9f1e2d3c-4b5a-6978-8e9f-0a1b2c3d4e5f"),
    ("go-v1", f"AccessDeniedException: {CORE} {IMPLICIT_CLAUSE}\n\tstatus code: 400, request "
     "id: 1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d", ("go-sdk-v1",), "AccessDeniedException",
     "PutLogEvents", 400, "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"),
    ("js-v3-lambda", '2026-05-24T10:15:02.114Z\tabc\tERROR\tInvoke Error \t{"errorType":'
     f'"AccessDeniedException","errorMessage":"{CORE} {IMPLICIT_CLAUSE}","name":'
     '"AccessDeniedException","$fault":"client","$metadata":{"httpStatusCode":400,'
     '"requestId":"3f0c9d8e-1234-4abc-9def-0123456789ab"}}', ("js-sdk-v3", "lambda"),
     "AccessDeniedException", "PutLogEvents", 400, "3f0c9d8e-1234-4abc-9def-0123456789ab"),
    ("dotnet", f"Amazon.CloudWatchLogs.AmazonCloudWatchLogsException: {CORE} {IMPLICIT_CLAUSE}"
     "\n ---> Amazon.Runtime.Internal.HttpErrorResponseException: Exception of type "
     "'Amazon.Runtime.Internal.HttpErrorResponseException' was thrown.", ("dotnet-sdk",),
     "AmazonCloudWatchLogsException", "PutLogEvents", None, None),
    ("agent", "2026-05-24T08:01:00Z E! [outputs.cloudwatchlogs] Aws error received when "
     f"sending logs to app.log/i-0abc123def4567890: AccessDeniedException: {CORE}\n\t"
     f"{IMPLICIT_CLAUSE}", ("sdk", "cloudwatch-agent"), "AccessDeniedException",
     "PutLogEvents", None, None),
]


@pytest.mark.parametrize(("name", "text", "sources", "code", "operation", "status", "rid"),
                         SHAPES, ids=[s[0] for s in SHAPES])
def test_sdk_shapes(name: str, text: str, sources: tuple[str, ...], code: str,
                    operation: str, status: int | None, rid: str | None) -> None:
    incident = only_denied(text)
    assert incident.action == "logs:PutLogEvents"
    assert incident.resource == STREAM
    assert incident.principal is not None and incident.principal.arn == ROLE
    assert incident.reason is not None
    assert (incident.reason.decision, incident.reason.policy_type) == (
        IMPLICIT, "identity-based policy")
    assert incident.sources == sources
    assert incident.error_code == code
    assert incident.operation == operation
    assert incident.status_code == status
    assert incident.request_id == rid


def test_ecs_awslogs_driver() -> None:
    incident = only_denied((FIXTURES / "ecs-stopped-reason.txt").read_text())
    assert incident.action == "logs:CreateLogStream"
    assert "ecs" in incident.sources
    assert incident.principal is not None and incident.principal.name == "ecsTaskExecutionRole"


@pytest.mark.parametrize("quote", ['"', "'"])
def test_a_quoted_resource_is_read_without_its_quotes(quote: str) -> None:
    text = (f"User: {ROLE} is not authorized to perform: logs:PutLogEvents on resource: "
            f"{quote}{STREAM}{quote} {IMPLICIT_CLAUSE}")
    incident = only_denied(text)
    assert incident.resource == STREAM
    assert incident.reason is not None and incident.reason.policy_type == "identity-based policy"


def test_a_log_repeats_one_incident() -> None:
    parsed = parse((FIXTURES / "lambda-python.log").read_text())
    assert len(parsed.incidents) == 1
    assert parsed.occurrences == [2]
    incident = parsed.incidents[0]
    assert isinstance(incident, AccessDenied)
    assert incident.resource is None  # CloudWatch names no resource for PutMetricData here


def test_agent_log_with_two_kinds_of_incident() -> None:
    parsed = parse((FIXTURES / "cloudwatch-agent.log").read_text())
    kinds = [i.kind for i in parsed.incidents]
    assert kinds == ["access_denied", "network"]
    assert parsed.occurrences == [2, 1]


def test_message_without_resource_part() -> None:
    incident = only_denied("User: arn:aws:iam::777788889999:user/John is not authorized to "
                           "perform: codecommit:ListRepositories because no service control "
                           "policy allows the codecommit:ListRepositories action")
    assert incident.resource is None
    assert incident.reason is not None
    assert incident.reason.policy_type == "service control policy"
    assert incident.principal is not None and incident.principal.kind == "user"


def test_action_prefix_is_lower_cased_and_catalogued_actions_canonical() -> None:
    incident = only_denied("User: arn:aws:iam::1:user/a is not authorized to perform: "
                           "CloudWatch:putmetricdata on resource: *")
    assert incident.action == "cloudwatch:PutMetricData"
    other = only_denied("User: arn:aws:iam::1:user/a is not authorized to perform: "
                        "SNS:Publish on resource: arn:aws:sns:us-east-1:1:t")
    assert other.action == "sns:Publish"


# --- reason clauses ----------------------------------------------------------------------


REASONS = [
    ("because no identity-based policy allows the logs:PutLogEvents action", IMPLICIT,
     "identity-based policy", None, None),
    ("because no resource-based policy allows the logs:PutLogEvents action", IMPLICIT,
     "resource-based policy", None, None),
    ("because no service control policy allows the logs:PutLogEvents action", IMPLICIT,
     "service control policy", None, None),
    ("because no VPC endpoint policy allows the logs:PutLogEvents action", IMPLICIT,
     "VPC endpoint policy", None, None),
    ("because no permissions boundary allows the logs:PutLogEvents action", IMPLICIT,
     "permissions boundary", None, None),
    ("because no session policy allows the logs:PutLogEvents action", IMPLICIT,
     "session policy", None, None),
    ("with an explicit deny in an identity-based policy", EXPLICIT, "identity-based policy",
     None, None),
    ("with an explicit deny in a resource-based policy", EXPLICIT, "resource-based policy",
     None, None),
    ("with an explicit deny in a service control policy", EXPLICIT, "service control policy",
     None, None),
    ("with an explicit deny in a resource control policy", EXPLICIT, "resource control policy",
     None, None),
    ("with an explicit deny in a VPC endpoint policy", EXPLICIT, "VPC endpoint policy", None,
     None),
    ("with an explicit deny in a permissions boundary", EXPLICIT, "permissions boundary", None,
     None),
    ("with an explicit deny in a sessions policy", EXPLICIT, "session policy", None, None),
    ("with an explicit deny in a service control policy: arn:aws:organizations::111122223333:"
     "policy/o-abcdef1234/service_control_policy/p-12345678", EXPLICIT,
     "service control policy", "arn:aws:organizations::111122223333:policy/o-abcdef1234/"
     "service_control_policy/p-12345678", None),
    ("with an explicit deny in a VPC endpoint policy transitively through a service control "
     "policy", EXPLICIT, "VPC endpoint policy", None, "service control policy"),
    # an old message: explicit, no type
    ("with an explicit deny", EXPLICIT, None, None, None),
    # near misses: a policy type AWS does not use is kept as text, without a type
    ("because no magic policy allows the logs:PutLogEvents action", IMPLICIT, None, None, None),
    ("with an explicit deny in a magic policy", EXPLICIT, None, None, None),
]


@pytest.mark.parametrize(("clause", "decision", "policy_type", "arn", "via"), REASONS,
                         ids=[r[0][:60] for r in REASONS])
def test_reason_clauses(clause: str, decision: str, policy_type: str | None, arn: str | None,
                        via: str | None) -> None:
    incident = only_denied(f"{CORE} {clause}")
    reason = incident.reason
    assert reason is not None
    assert (reason.decision, reason.policy_type, reason.policy_arn, reason.via) == (
        decision, policy_type, arn, via)
    assert incident.resource == STREAM


@pytest.mark.parametrize("clause", [
    "because no identity-based policy allow the logs:PutLogEvents action",  # allow, not allows
    "since no identity-based policy allows the logs:PutLogEvents action",
    "with explicit deny in a service control policy",  # "an" missing
])
def test_reason_near_misses_leave_no_reason(clause: str) -> None:
    incident = only_denied(f"{CORE} {clause}")
    assert incident.reason is None
    assert incident.resource == STREAM


# --- principals and log targets -----------------------------------------------------------


@pytest.mark.parametrize(("arn", "kind", "name", "session", "role_arn"), [
    ("arn:aws:sts::123456789012:assumed-role/app/i-0abc12345678", "assumed-role", "app",
     "i-0abc12345678", "arn:aws:iam::123456789012:role/app"),
    ("arn:aws:sts::123456789012:assumed-role/app/user@example.com", "assumed-role", "app",
     "user@example.com", "arn:aws:iam::123456789012:role/app"),
    ("arn:aws-cn:sts::123456789012:assumed-role/app/s", "assumed-role", "app", "s",
     "arn:aws-cn:iam::123456789012:role/app"),
    ("arn:aws:iam::123456789012:role/service-role/app", "role", "app", None,
     "arn:aws:iam::123456789012:role/service-role/app"),
    ("arn:aws:iam::123456789012:user/ops/alice", "user", "alice", None, None),
    ("arn:aws:sts::123456789012:federated-user/bob", "federated-user", "bob", None, None),
    ("arn:aws:iam::123456789012:root", "root", None, None, None),
    ("anonymous", "unknown", None, None, None),
    ("arn:aws:s3:::bucket", "unknown", None, None, None),
])
def test_principals(arn: str, kind: str, name: str | None, session: str | None,
                    role_arn: str | None) -> None:
    principal = parse_principal(arn)
    assert (principal.kind, principal.name, principal.session, principal.role_arn) == (
        kind, name, session, role_arn)


@pytest.mark.parametrize(("session", "instance"), [
    ("i-0abc123def456", "i-0abc123def456"),
    ("i-12345678", "i-12345678"),
    ("i-0123456789abcdef0", "i-0123456789abcdef0"),
    ("i-1234567", None),  # too short
    ("i-0ABC12345678", None),  # instance ids are lower-case hex
    ("my-function", None),
])
def test_instance_sessions(session: str, instance: str | None) -> None:
    principal = parse_principal(f"arn:aws:sts::123456789012:assumed-role/r/{session}")
    assert principal.instance_id == instance


@pytest.mark.parametrize(("resource", "group", "stream"), [
    (STREAM, "/app/web", "web-1"),
    ("arn:aws:logs:us-east-1:123456789012:log-group:/app/web:log-stream:", "/app/web", ""),
    ("arn:aws:logs:us-east-1:123456789012:log-group:/app/web", "/app/web", None),
    ("arn:aws:logs:us-east-1:123456789012:log-group:/app/web:*", "/app/web", None),
])
def test_log_targets(resource: str, group: str, stream: str | None) -> None:
    target = parse_log_target(resource)
    assert target is not None
    assert (target.group, target.stream) == (group, stream)
    assert target.grant == "arn:aws:logs:us-east-1:123456789012:log-group:/app/web:*"


@pytest.mark.parametrize("resource", [None, "*", "arn:aws:s3:::bucket/key",
                                      "arn:aws:logs:us-east-1:123456789012:destination:d"])
def test_log_target_near_misses(resource: str | None) -> None:
    assert parse_log_target(resource) is None


# --- generic AccessDenied envelopes --------------------------------------------------------


@pytest.mark.parametrize(("text", "action", "code"), [
    ("An error occurred (AccessDeniedException) when calling the PutLogEvents operation: "
     "Access Denied", "logs:PutLogEvents", "AccessDeniedException"),
    ("operation error CloudWatch: PutMetricData, https response error StatusCode: 403, "
     "RequestID: abc, api error AccessDenied: Access Denied", "cloudwatch:PutMetricData",
     "AccessDenied"),
    ("[error] [output:cloudwatch_logs:cloudwatch_logs.0] CreateLogStream API responded with "
     "error='AccessDeniedException'", "logs:CreateLogStream", "AccessDeniedException"),
    ("2026-05-24T08:00:03Z E! ec2tagger: Unable to describe ec2 tags for initial retrieval: "
     "UnauthorizedOperation: You are not authorized to perform this operation.",
     "ec2:DescribeTags", "UnauthorizedOperation"),
])
def test_generic_envelopes(text: str, action: str, code: str) -> None:
    incident = only_denied(text)
    assert (incident.action, incident.error_code, incident.principal) == (action, code, None)


@pytest.mark.parametrize("text", [
    # not a denial
    "An error occurred (ThrottlingException) when calling the PutLogEvents operation: Rate "
    "exceeded",
    # an operation that several services have, and nothing says which
    "An error occurred (AccessDeniedException) when calling the TagResource operation: no",
    # "is authorized" is not a denial
    f"User: {ROLE} is authorized to perform: logs:PutLogEvents on resource: {STREAM}",
    # no action after "perform:"
    f"User: {ROLE} is not authorized to perform this operation",
    "",
])
def test_denial_near_misses(text: str) -> None:
    assert parse(text).incidents == []


# --- failed connections --------------------------------------------------------------------


NETWORK = [
    ("botocore connect timeout",
     'botocore.exceptions.ConnectTimeoutError: Connect timeout on endpoint URL: '
     '"https://logs.us-east-1.amazonaws.com/"', "logs", CONNECT_TIMEOUT,
     "logs.us-east-1.amazonaws.com", None, None),
    ("aws-cli could not connect",
     'Could not connect to the endpoint URL: "https://monitoring.eu-west-1.amazonaws.com/"',
     "cloudwatch", CONNECT_FAILED, "monitoring.eu-west-1.amazonaws.com", None, None),
    ("urllib3 connect timeout",
     "urllib3.exceptions.ConnectTimeoutError: (<botocore.awsrequest.AWSHTTPSConnection object "
     "at 0x7f>, 'Connection to monitoring.us-east-1.amazonaws.com timed out. (connect "
     "timeout=60)')", "cloudwatch", CONNECT_TIMEOUT, "monitoring.us-east-1.amazonaws.com", None,
     None),
    ("java v1 connect timed out",
     "com.amazonaws.SdkClientException: Unable to execute HTTP request: Connect to "
     "logs.us-east-1.amazonaws.com:443 [logs.us-east-1.amazonaws.com/3.236.94.151, "
     "logs.us-east-1.amazonaws.com/3.236.94.152] failed: connect timed out", "logs",
     CONNECT_TIMEOUT, "logs.us-east-1.amazonaws.com", "3.236.94.151", "public"),
    ("go v1 agent public address",
     "E! cloudwatch: WriteToCloudWatch failure, err:  RequestError: send request failed\n"
     'caused by: Post "https://monitoring.us-east-2.amazonaws.com/": dial tcp 52.95.16.14:443: '
     "i/o timeout", "cloudwatch", CONNECT_TIMEOUT, "monitoring.us-east-2.amazonaws.com",
     "52.95.16.14", "public"),
    ("go v2 private address",
     "operation error CloudWatch Logs: PutLogEvents, exceeded maximum number of attempts, 3, "
     'https response error StatusCode: 0, RequestID: , request send failed, Post '
     '"https://logs.eu-central-1.amazonaws.com/": dial tcp 10.20.3.41:443: i/o timeout', "logs",
     CONNECT_TIMEOUT, "logs.eu-central-1.amazonaws.com", "10.20.3.41", "private"),
    ("dotnet",
     "System.Net.Http.HttpRequestException: A connection attempt failed because the connected "
     "party did not properly respond after a period of time, or established connection failed "
     "because connected host has failed to respond. (monitoring.ap-southeast-2.amazonaws.com:443)",
     "cloudwatch", CONNECT_TIMEOUT, "monitoring.ap-southeast-2.amazonaws.com", None, None),
    ("node without host, service from the command",
     "PutMetricDataCommand failed: Error: connect ETIMEDOUT 52.94.233.10:443", "cloudwatch",
     CONNECT_TIMEOUT, None, "52.94.233.10", "public"),
    ("js v2 inaccessible host",
     "UnknownEndpoint: Inaccessible host: `logs.us-west-2.amazonaws.com' at port `undefined'. "
     "This service may not be available in the `us-west-2' region.", "logs", CONNECT_FAILED,
     "logs.us-west-2.amazonaws.com", None, None),
    ("go dns failure",
     'Post "https://logs.us-east-1.amazonaws.com/": dial tcp: lookup '
     "logs.us-east-1.amazonaws.com on 10.0.0.2:53: no such host", "logs", DNS_FAILURE,
     "logs.us-east-1.amazonaws.com", None, None),
    ("python dns failure",
     "botocore.exceptions.EndpointConnectionError: Could not connect to the endpoint URL: "
     '"https://monitoring.us-east-1.amazonaws.com/" ... [Errno -2] Name or service not known',
     "cloudwatch", DNS_FAILURE, "monitoring.us-east-1.amazonaws.com", None, None),
    ("go client timeout",
     'Post "https://monitoring.us-east-1.amazonaws.com/": context deadline exceeded '
     "(Client.Timeout exceeded while awaiting headers)", "cloudwatch", TIMEOUT,
     "monitoring.us-east-1.amazonaws.com", None, None),
    ("vpce-specific name",
     'Connect timeout on endpoint URL: "https://vpce-0a1b2c3d4e5f67890-abcdefgh.'
     'logs.us-east-1.vpce.amazonaws.com/"', "logs", CONNECT_TIMEOUT,
     "vpce-0a1b2c3d4e5f67890-abcdefgh.logs.us-east-1.vpce.amazonaws.com", None, None),
    ("fips host",
     'Connect timeout on endpoint URL: "https://logs-fips.us-gov-west-1.amazonaws.com/"',
     "logs", CONNECT_TIMEOUT, "logs-fips.us-gov-west-1.amazonaws.com", None, None),
]


@pytest.mark.parametrize(("name", "text", "service", "failure", "host", "address", "scope"),
                         NETWORK, ids=[n[0] for n in NETWORK])
def test_network_shapes(name: str, text: str, service: str, failure: str, host: str | None,
                        address: str | None, scope: str | None) -> None:
    incident = only_network(text)
    assert (incident.service, incident.failure, incident.host) == (service, failure, host)
    assert (incident.address, incident.address_scope) == (address, scope)


def test_vpce_host_is_flagged() -> None:
    incident = only_network('Connect timeout on endpoint URL: "https://vpce-0a1b2c3d4e5f67890-'
                            'abcdefgh.monitoring.us-east-1.vpce.amazonaws.com/"')
    assert incident.vpc_endpoint_host
    assert incident.region == "us-east-1"
    assert incident.endpoint_service == "monitoring"


def test_misspelled_region_is_noticed() -> None:
    incident = only_network(
        "2022-06-14T12:42:54Z E! WriteToCloudWatch failure, err:  RequestError: send request "
        'failed\ncaused by: Post "https://monitoring.ap-norteast-1.amazonaws.com/": dial tcp: '
        "lookup monitoring.ap-norteast-1.amazonaws.com on\n 172.26.0.2:53: no such host")
    assert incident.failure == DNS_FAILURE
    assert (incident.region, incident.known_region, incident.suggested_region) == (
        "ap-norteast-1", False, "ap-northeast-1")
    assert incident.address is None  # the resolver's address (port 53) is not the endpoint's


def test_real_region_is_known() -> None:
    incident = only_network('Connect timeout on endpoint URL: "https://logs.eu-west-3.'
                            'amazonaws.com/"')
    assert (incident.known_region, incident.suggested_region) == (True, None)


@pytest.mark.parametrize("text", [
    # another AWS service's endpoint
    'Connect timeout on endpoint URL: "https://sts.us-east-1.amazonaws.com/"',
    'caused by: Post "https://ssm.us-east-1.amazonaws.com/": dial tcp 52.46.1.1:443: i/o timeout',
    # a read timeout: the connection was made
    'Read timeout on endpoint URL: "https://logs.us-east-1.amazonaws.com/"',
    # a CloudWatch host with no failure
    "sending to https://monitoring.us-east-1.amazonaws.com/ succeeded",
    # a timeout with nothing that says CloudWatch
    "Task timed out after 3.00 seconds",
    "connect ETIMEDOUT 10.0.0.5:5432",
    # near miss of a host: not an AWS domain
    'Connect timeout on endpoint URL: "https://logs.us-east-1.example.com/"',
])
def test_network_near_misses(text: str) -> None:
    assert parse(text).incidents == []


def test_other_service_failure_is_remembered() -> None:
    parsed = parse('Connect timeout on endpoint URL: "https://sts.us-east-1.amazonaws.com/"')
    assert [e.host for e in parsed.elsewhere] == ["sts.us-east-1.amazonaws.com"]
