"""Properties: a message wrapped anywhere a console or terminal wraps it reads the same;
long logs stay fast; the span index agrees with a plain scan."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from cwlint.diagnose.incident import AccessDenied
from cwlint.diagnose.parse import parse
from cwlint.diagnose.spans import Spans

NAME = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-_", min_size=1, max_size=20) \
    .filter(lambda s: s[0].isalnum() and s[-1].isalnum())
GROUP = st.lists(NAME, min_size=1, max_size=4).map(lambda parts: "/" + "/".join(parts))
STREAM = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789/[]$", min_size=1,
                 max_size=30).filter(lambda s: s[-1].isalnum())
REASON = st.sampled_from(["", " because no identity-based policy allows the logs:PutLogEvents "
                              "action", " with an explicit deny in a service control policy"])


def break_points(message: str) -> list[int]:
    """Where a wrap may fall: at a space (the space becomes the line break), or right after
    a separator inside an ARN."""
    points = []
    inside_arn = False
    for index, char in enumerate(message):
        if char == " ":
            inside_arn = message.startswith("arn:", index + 1)
            points.append(index)
        elif inside_arn and char in ":/-_" and index + 1 < len(message) and \
                message[index + 1] != " ":
            points.append(index + 1)
    return points


def wrap(message: str, chosen: list[int]) -> str:
    out = []
    last = 0
    for point in sorted(set(chosen)):
        if message[point] == " ":
            out.append(message[last:point] + "\n")
            last = point + 1
        else:
            out.append(message[last:point] + "\n")
            last = point
    out.append(message[last:])
    return "".join(out)


@settings(max_examples=300, deadline=None)
@given(role=NAME, session=NAME, group=GROUP, stream=STREAM, reason=REASON, data=st.data())
def test_wrapping_anywhere_reads_the_same(role: str, session: str, group: str, stream: str,
                                          reason: str, data: st.DataObject) -> None:
    resource = f"arn:aws:logs:eu-west-1:123456789012:log-group:{group}:log-stream:{stream}"
    message = (f"[ERROR] ClientError: An error occurred (AccessDeniedException) when calling the "
               f"PutLogEvents operation: User: arn:aws:sts::123456789012:assumed-role/{role}/"
               f"{session} is not authorized to perform: logs:PutLogEvents on resource: "
               f"{resource}{reason}")
    points = break_points(message)
    chosen = data.draw(st.lists(st.sampled_from(points), max_size=12))
    parsed = parse(wrap(message, chosen))
    assert len(parsed.incidents) == 1
    incident = parsed.incidents[0]
    assert isinstance(incident, AccessDenied)
    assert incident.action == "logs:PutLogEvents"
    assert incident.resource == resource
    assert incident.principal is not None
    assert (incident.principal.name, incident.principal.session) == (role, session)
    assert (incident.reason is not None) == bool(reason)
    assert incident.error_code == "AccessDeniedException"


@given(st.lists(st.tuples(st.integers(0, 1000), st.integers(0, 50)), max_size=30),
       st.integers(-100, 1200), st.integers(0, 100), st.integers(0, 100))
def test_spans_agree_with_a_scan(spans: list[tuple[int, int]], position: int, before: int,
                                 after: int) -> None:
    index = Spans()
    for start, length in spans:
        index.add(start, start + length)
    expected = any(s - before <= position <= s + n + after for s, n in spans)
    assert index.near(position, before, after) is expected


def test_a_long_log_is_read_whole() -> None:
    # How fast is measured by scripts/diagnose_corpus.py, not here: a timed test fails on a
    # busy machine. This one checks that a 6 MB log gives every occurrence.
    denial = ("2026-05-24T08:01:00Z E! [outputs.cloudwatchlogs] Aws error received when sending "
              "logs to app.log/i-0fedcba9876543210: AccessDeniedException: User: arn:aws:sts::"
              "123456789012:assumed-role/web/i-0fedcba9876543210 is not authorized to perform: "
              "logs:PutLogEvents on resource: arn:aws:logs:us-east-2:123456789012:log-group:"
              "app.log:log-stream:i-0fedcba9876543210\n")
    timeout = ("2026-05-24T08:02:00Z E! cloudwatch: WriteToCloudWatch failure, err:  "
               "RequestError: send request failed\ncaused by: Post \"https://monitoring."
               "us-east-2.amazonaws.com/\": dial tcp 52.95.16.14:443: i/o timeout\n")
    noise = "2026-05-24T08:03:00Z I! [inputs.logfile] reading /var/log/app.log\n"
    log = (denial + noise * 3 + timeout + noise * 3) * 4000  # about 6 MB
    parsed = parse(log)
    assert [i.kind for i in parsed.incidents] == ["access_denied", "network"]
    assert parsed.occurrences == [4000, 4000]
