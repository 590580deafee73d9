"""Recognise failed connections to the CloudWatch endpoints (``monitoring.*``, ``logs.*``).

A failure marker and a CloudWatch host (or, when the SDK prints no host, a CloudWatch
operation or client name) within a few hundred characters of each other make one
failure. The markers, by SDK:

* connect timeout: botocore ``Connect timeout on endpoint URL: "https://logs.R.amazonaws.com/"``,
  urllib3 ``Connection to HOST timed out. (connect timeout=60)``, Java ``Connect to
  HOST:443 [HOST/IP] failed: connect timed out``, Go ``dial tcp IP:443: i/o timeout``,
  Node.js ``connect ETIMEDOUT IP:443``, JS v3 ``Socket timed out without establishing a
  connection``, .NET ``A connection attempt failed because the connected party did not
  properly respond ... (HOST:443)``, ``Connection timed out``;
* connect failure: botocore ``Could not connect to the endpoint URL: "..."``, JS v2
  ``UnknownEndpoint: Inaccessible host: 'HOST'``, ``Network is unreachable``, ``No route
  to host``, ``Connection refused`` (and their errno names);
* DNS failure: Go ``dial tcp: lookup HOST on IP:53: no such host``, ``Name or service not
  known``, ``Temporary failure in name resolution``, ``getaddrinfo ENOTFOUND``,
  ``UnknownHostException``, ``No such host is known``;
* a timeout with no phase: Go ``Client.Timeout exceeded``, ``context deadline exceeded``,
  Fargate's ``failed to validate logger args: ... There is a connection issue between the
  task and Amazon CloudWatch ... : signal: killed`` (the awslogs driver gave up).

The IP address the SDK tried (``dial tcp 10.0.1.5:443``, ``[HOST/52.94.1.1]``) tells
whether the name resolved to an interface endpoint (a private address) or to the public
endpoint. A region that is not one botocore knows is reported, with the closest one.
"""

from __future__ import annotations

import difflib
import functools
import ipaddress
import re

import msgspec

from cwlint.diagnose.incident import (
    CONNECT_FAILED,
    CONNECT_TIMEOUT,
    DNS_FAILURE,
    TIMEOUT,
    NetworkFailure,
)
from cwlint.diagnose.shapes import envelope
from cwlint.diagnose.spans import Spans

_REGION = r"[a-z]{2}(?:-[a-z]+)+-\d+"
_HOST = re.compile(
    r"(?<![\w.-])(?P<host>(?P<vpce>vpce-[0-9a-z]+-[0-9a-z]+(?:-[a-z0-9-]+)?\.)?"
    rf"(?P<svc>monitoring|logs)(?:-fips)?\.(?P<region>{_REGION})\."
    r"(?:vpce\.)?(?:amazonaws\.com(?:\.cn)?|api\.aws))(?![\w-])",
)
_ANY_AWS_HOST = re.compile(
    r"(?<![\w.-])(?P<host>[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:amazonaws\.com(?:\.cn)?|api\.aws))"
    r"(?![\w-])"
)
_URL = re.compile(r"https?://[^\s\"'<>]+")
_DNS = re.compile(
    r"no such host|Name or service not known|Temporary failure in name resolution|"
    r"\bENOTFOUND\b|\bEAI_AGAIN\b|UnknownHostException|No such host is known|"
    r"nodename nor servname provided|getaddrinfo failed|dial tcp: lookup ",
    re.IGNORECASE,
)
_CONNECT_TIMEOUT = re.compile(
    r"Connect timeout on endpoint URL|connect timed out|\bi/o timeout\b|\bETIMEDOUT\b|"
    r"Connection timed out|timed out\. \(connect timeout|ConnectTimeoutError|"
    r"Socket timed out without establishing a connection|"
    r"connected party did not properly respond|connection attempt failed",
    re.IGNORECASE,
)
_CONNECT_FAILED = re.compile(
    r"Could not connect to the endpoint URL|Inaccessible host|Network is unreachable|"
    r"No route to host|Connection refused|\bECONNREFUSED\b|\bEHOSTUNREACH\b|\bENETUNREACH\b|"
    r"Failed to establish a new connection|EndpointConnectionError",
    re.IGNORECASE,
)
_TIMEOUT = re.compile(
    r"Client\.Timeout exceeded|context deadline exceeded|request canceled while waiting for "
    r"connection|connection issue between the task and Amazon CloudWatch",
    re.IGNORECASE,
)
# Without a host: names that say the request was for CloudWatch metrics or logs.
_SERVICE_HINTS = (
    ("logs", re.compile(
        r"\b(?:PutLogEvents|CreateLogStream|CreateLogGroup|DescribeLogStreams|DescribeLogGroups)"
        r"(?:Command)?\b|CloudWatchLogs|CloudWatch Logs|\[outputs\.cloudwatchlogs\]|AWSLogs\b|"
        r"failed to validate logger args|Amazon CloudWatch log group"
    )),
    ("cloudwatch", re.compile(
        r"\bPutMetricData(?:Command)?\b|\bCloudWatchClient\b|AmazonCloudWatch\b|"
        r"WriteToCloudWatch|\[outputs\.cloudwatch\]|\bE! cloudwatch:"
    )),
)
_ADDRESS = re.compile(
    r"(?:dial tcp |ETIMEDOUT |ECONNREFUSED |EHOSTUNREACH |connect to |/)"
    r"(?P<ip>(?:\d{1,3}\.){3}\d{1,3})(?::443\b|\]|,)"
)
_OPERATION = re.compile(
    r"\b(?P<op>PutMetricData|PutLogEvents|CreateLogStream|CreateLogGroup|DescribeLogStreams)"
    r"\b"
)
_INSTANCE = re.compile(r"(?<![\w-])i-[0-9a-f]{8,17}(?![\w-])")
WINDOW = 320
SUGGEST_CUTOFF = 0.85


class Match(msgspec.Struct, frozen=True):
    """One recognised failure and where it is in the logical text."""
    start: int
    end: int
    incident: NetworkFailure


class Elsewhere(msgspec.Struct, frozen=True):
    """A connection failure to an AWS host that is not a CloudWatch endpoint."""

    host: str
    failure: str


def find_network_failures(text: str) -> tuple[list[Match], list[Elsewhere]]:
    """Every failed connection to a CloudWatch endpoint in the logical text, and the
    failures to other AWS hosts (to name them when nothing else is recognised)."""
    found: list[Match] = []
    elsewhere: list[Elsewhere] = []
    for marker, failure in _markers(text):
        lo, hi = max(0, marker.start() - WINDOW), marker.end() + WINDOW
        host = _nearest(_HOST, text, lo, hi, marker.start())
        other = _nearest(_ANY_AWS_HOST, text, lo, hi, marker.start())
        if host is None and other is not None:
            elsewhere.append(Elsewhere(other["host"], failure))
            continue
        if host is not None and other is not None and other["host"] != host["host"] and \
                _distance(other, marker.start()) < _distance(host, marker.start()):
            elsewhere.append(Elsewhere(other["host"], failure))
            continue
        service = _service(host, text, lo, hi)
        if service is None:
            continue
        start = min(marker.start(), host.start()) if host else marker.start()
        end = max(marker.end(), host.end()) if host else marker.end()
        found.append(Match(start, end, _failure(text, host, service, failure, lo, hi)))
    return found, elsewhere


def _markers(text: str) -> list[tuple[re.Match[str], str]]:
    """Failure markers, the most specific kind first where several overlap."""
    markers: list[tuple[re.Match[str], str]] = []
    taken = Spans()
    for pattern, failure in ((_DNS, DNS_FAILURE), (_CONNECT_TIMEOUT, CONNECT_TIMEOUT),
                             (_CONNECT_FAILED, CONNECT_FAILED), (_TIMEOUT, TIMEOUT)):
        for match in pattern.finditer(text):
            # One message often carries several markers ("dial tcp: lookup ... i/o timeout"
            # is a DNS failure; botocore's "Could not connect" wraps urllib3's reason).
            if taken.near(match.start(), WINDOW // 2, WINDOW // 2):
                continue
            markers.append((match, failure))
            taken.add(match.start(), match.end())
    return sorted(markers, key=lambda m: m[0].start())


def _nearest(pattern: re.Pattern[str], text: str, lo: int, hi: int,
             position: int) -> re.Match[str] | None:
    best = None
    for match in pattern.finditer(text, lo, hi):
        if best is None or _distance(match, position) < _distance(best, position):
            best = match
    return best


def _distance(match: re.Match[str], position: int) -> int:
    if match.start() <= position <= match.end():
        return 0
    return min(abs(match.start() - position), abs(match.end() - position))


def _service(host: re.Match[str] | None, text: str, lo: int, hi: int) -> str | None:
    if host is not None:
        return "cloudwatch" if host["svc"] == "monitoring" else "logs"
    window = text[max(0, lo - WINDOW):hi]
    for service, pattern in _SERVICE_HINTS:
        if pattern.search(window):
            return service
    return None


def _failure(text: str, host: re.Match[str] | None, service: str, failure: str,
             lo: int, hi: int) -> NetworkFailure:
    window = text[lo:hi]
    address_match = _ADDRESS.search(window)
    address = address_match["ip"] if address_match else None
    scope = None
    if address is not None:
        try:
            scope = "private" if ipaddress.ip_address(address).is_private else "public"
        except ValueError:
            address = None
    url = next((u.rstrip(".,;:)]\"'") for u in _URL.findall(window)
                if host is not None and host["host"] in u), None)
    region = host["region"] if host else None
    known = region in known_regions() if region else None
    suggestion = None
    if region and not known:
        close = difflib.get_close_matches(region, sorted(known_regions()), n=1,
                                          cutoff=SUGGEST_CUTOFF)
        suggestion = close[0] if close else None
    operation = _OPERATION.search(window)
    instance = _INSTANCE.search(text[max(0, lo - WINDOW):hi])
    env = envelope(text, hi, hi, lo)
    return NetworkFailure(
        service=service,
        failure=failure,
        host=host["host"] if host else None,
        region=region,
        url=url,
        address=address,
        address_scope=scope,
        vpc_endpoint_host=bool(host and host["vpce"]),
        operation=operation["op"] if operation else None,
        known_region=known,
        suggested_region=suggestion,
        instance_id=instance.group() if instance else None,
        sources=env.sources,
        excerpt=text[lo:hi].strip(),
    )


@functools.cache
def known_regions() -> frozenset[str]:
    """Every region of every partition botocore knows."""
    from botocore.loaders import create_loader

    partitions = create_loader().load_data("partitions")["partitions"]
    return frozenset(region for partition in partitions for region in partition["regions"]
                     if not region.endswith("-global"))
