"""Rejoining wrapped messages: each rule with its near miss."""

from __future__ import annotations

import pytest

from cwlint.diagnose.text import ends_inside_arn, logical_text


@pytest.mark.parametrize(
    ("text", "inside"),
    [
        # ends with a separator inside an ARN
        ("User: arn:aws:sts::123456789012:assumed-role/", True),
        ("on resource: arn:aws:logs:us-east-1:123456789012:", True),
        ("arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/my-", True),
        ("arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/my_", True),
        # fewer than six fields
        ("on resource: arn:aws:logs:us-east-1", True),
        ("arn:", True),
        # an assumed-role ARN without its session
        ("User: arn:aws:sts::123456789012:assumed-role/my-lambda-role", True),
        # near misses: a finished ARN, or not an ARN at all
        ("User: arn:aws:sts::123456789012:assumed-role/my-role/i-0abc", False),
        ("on resource: arn:aws:logs:us-east-1:123456789012:log-group:g:log-stream:s", False),
        ("when calling the", False),
        ("is not authorized to perform:", False),
        ("operation:", False),
        ("see arn-like:", False),
        ("", False),
        # an opening quote or bracket before the ARN does not hide it
        ('"arn:aws:logs:us-east-1:123456789012:', True),
        ("[arn:aws:iam::123456789012:role/", True),
    ],
)
def test_ends_inside_arn(text: str, inside: bool) -> None:
    assert ends_inside_arn(text) is inside


def test_issue_wrapping_is_undone() -> None:
    raw = (
        "[ERROR] ClientError: An error occurred (AccessDenied) when calling the\n"
        "PutLogEvents operation: User: arn:aws:sts::123456789012:assumed-role/\n"
        "my-lambda-role/my-function is not authorized to perform:\n"
        "logs:PutLogEvents on resource: arn:aws:logs:us-east-1:123456789012:\n"
        "log-group:/aws/lambda/my-function:log-stream:2026/05/24/[$LATEST]abc123\n"
    )
    assert logical_text(raw) == (
        "[ERROR] ClientError: An error occurred (AccessDenied) when calling the PutLogEvents "
        "operation: User: arn:aws:sts::123456789012:assumed-role/my-lambda-role/my-function "
        "is not authorized to perform: logs:PutLogEvents on resource: "
        "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/my-function:log-stream:"
        "2026/05/24/[$LATEST]abc123"
    )


def test_finished_arn_at_line_end_keeps_the_space() -> None:
    raw = ("User: arn:aws:sts::123456789012:assumed-role/my-app-role/i-0abc123def456\n"
           "is not authorized")
    assert logical_text(raw).endswith("i-0abc123def456 is not authorized")


def test_indentation_crlf_blank_lines_and_colour_codes() -> None:
    raw = "\x1b[31mE! first\x1b[0m\r\n\r\n\t   second  \r\n"
    assert logical_text(raw) == "E! first second"


def test_json_escapes_are_undone() -> None:
    raw = r'{"errorMessage":"User: arn:aws:iam::1:user/a is\nnot authorized \"x\"\tnow"}'
    assert logical_text(raw) == \
        '{"errorMessage":"User: arn:aws:iam::1:user/a is not authorized "x"\tnow"}'


def test_empty_text() -> None:
    assert logical_text("") == ""
    assert logical_text("\n \n\t\n") == ""
