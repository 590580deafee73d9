"""Action and resource matching, each rule with its near miss."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cwlint.iam.patterns import Mode, Wild, match, substitute, tokenize
from cwlint.iam.tri import Tri
from cwlint.values import Unknown, concat

from .iam_helpers import decide, policy, statement

LOGS = "arn:aws:logs:us-east-1:123456789012"
STREAM = f"{LOGS}:log-group:/myapp/orders:log-stream:s1"


@pytest.mark.parametrize(
    ("pattern", "action", "expected"),
    [
        ("cloudwatch:PutMetricData", "cloudwatch:PutMetricData", "allowed"),
        ("CloudWatch:putmetricdata", "cloudwatch:PutMetricData", "allowed"),  # case-insensitive
        ("cloudwatch:Put*", "cloudwatch:PutMetricData", "allowed"),
        ("cloudwatch:*", "cloudwatch:PutMetricData", "allowed"),
        ("*", "cloudwatch:PutMetricData", "allowed"),
        ("cloudwatch:Put?etricData", "cloudwatch:PutMetricData", "allowed"),
        ("cloudwatch:Put?MetricData", "cloudwatch:PutMetricData", "implicit_deny"),  # ? is one
        ("cloudwatch:PutMetricsData", "cloudwatch:PutMetricData", "implicit_deny"),  # typo
        ("logs:PutMetricData", "cloudwatch:PutMetricData", "implicit_deny"),  # other service
        ("cloudwatch:Get*", "cloudwatch:PutMetricData", "implicit_deny"),
        ("cloudwatch:PutMetric", "cloudwatch:PutMetricData", "implicit_deny"),  # no prefix match
        ("cloudwatch:Put+MetricData", "cloudwatch:PutMetricData", "implicit_deny"),  # + literal
    ],
)
def test_action_matching(pattern: str, action: str, expected: str) -> None:
    assert decide(policy(statement(action=pattern)), action).decision == expected


@pytest.mark.parametrize(
    ("resource", "requested", "expected"),
    [
        # trailing * ends a segment and spans the colons that follow
        (f"{LOGS}:log-group:/myapp/*", STREAM, "allowed"),
        (f"{LOGS}:log-group:/myapp/orders:*", STREAM, "allowed"),
        ("arn:aws:logs:*:*:log-group:/myapp/*", STREAM, "allowed"),
        ("arn:aws:logs:*:*:*", STREAM, "allowed"),
        ("arn:aws:logs:*", STREAM, "allowed"),
        # bare log group ARN never matches a stream
        (f"{LOGS}:log-group:/myapp/orders", STREAM, "implicit_deny"),
        # a * in the middle of a segment does not cross a colon
        (f"{LOGS}:log-group:/my*/orders", f"{LOGS}:log-group:/myapp/orders", "allowed"),
        (f"{LOGS}:log-group:/my*/orders", STREAM, "implicit_deny"),
        (f"{LOGS}:log-group:/my*s1", STREAM, "implicit_deny"),
        # ? is one character within a segment
        (f"{LOGS}:log-group:/myapp/order?", f"{LOGS}:log-group:/myapp/orders", "allowed"),
        (f"{LOGS}:log-group:/myapp/order?", f"{LOGS}:log-group:/myapp/order", "implicit_deny"),
        (f"{LOGS}:log-group:/myapp/orders?log-stream:s1", STREAM, "implicit_deny"),
        # resources are case-sensitive
        (f"{LOGS}:log-group:/MyApp/*", STREAM, "implicit_deny"),
        # regex metacharacters are literal
        (f"{LOGS}:log-group:/my.pp/*", STREAM, "implicit_deny"),
        (f"{LOGS}:log-group:/a+b/(x)[1]{{2}}|^$*", f"{LOGS}:log-group:/a+b/(x)[1]{{2}}|^$z",
         "allowed"),
        (f"{LOGS}:log-group:/a+b/*", f"{LOGS}:log-group:/aab/x", "implicit_deny"),
        ("*", STREAM, "allowed"),
    ],
)
def test_resource_matching(resource: str, requested: str, expected: str) -> None:
    doc = policy(statement(action="logs:PutLogEvents", resource=resource))
    assert decide(doc, "logs:PutLogEvents", requested).decision == expected


@given(literal=st.text(alphabet="ab:/.+\n\u00e9", min_size=1, max_size=6),
       value=st.text(alphabet="ab:/.+\n\u00e9", max_size=8),
       mode=st.sampled_from([Mode.ARN, Mode.GLOB]))
def test_a_literal_then_a_final_star_matches_what_starts_with_the_literal(
        literal: str, value: str, mode: Mode) -> None:
    """``text*`` (most resource ARNs) is answered without a regular expression: the
    answer is the one ``text.*`` (dot matching line breaks too) gives."""
    expected = re.fullmatch(re.escape(literal) + ".*", value, re.DOTALL) is not None
    assert match((literal, Wild.STAR), value, mode) is Tri.of(expected)


def test_not_action_allows_everything_else() -> None:
    doc = policy({"Effect": "Allow", "NotAction": "logs:*", "Resource": "*"})
    assert decide(doc, "cloudwatch:PutMetricData").decision == "allowed"
    assert decide(doc, "logs:PutLogEvents").decision == "implicit_deny"


def test_not_action_with_deny_denies_everything_else() -> None:
    allow_all = statement()
    deny = {"Effect": "Deny", "NotAction": ["logs:*", "cloudwatch:*"], "Resource": "*"}
    doc = policy(allow_all, deny)
    assert decide(doc, "ec2:RunInstances").decision == "explicit_deny"
    assert decide(doc, "cloudwatch:PutMetricData").decision == "allowed"


def test_not_resource() -> None:
    doc = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "logs:*", "NotResource": f"{LOGS}:log-group:/secret/*"}]}
    assert decide(doc, "logs:PutLogEvents", STREAM).decision == "allowed"
    secret = f"{LOGS}:log-group:/secret/x:log-stream:y"
    assert decide(doc, "logs:PutLogEvents", secret).decision == "implicit_deny"


@pytest.mark.parametrize(
    ("resource", "context", "requested", "expected"),
    [
        (f"{LOGS}:log-group:/home/${{aws:username}}/*", {"aws:username": "ana"},
         f"{LOGS}:log-group:/home/ana/x", "allowed"),
        (f"{LOGS}:log-group:/home/${{aws:username}}/*", {"aws:username": "bob"},
         f"{LOGS}:log-group:/home/ana/x", "implicit_deny"),
        # absent variable: the pattern matches nothing
        (f"{LOGS}:log-group:/home/${{aws:username}}/*", {},
         f"{LOGS}:log-group:/home/ana/x", "implicit_deny"),
        # default value
        (f"{LOGS}:log-group:/home/${{aws:username, 'shared'}}/*", {},
         f"{LOGS}:log-group:/home/shared/x", "allowed"),
        # keys are case-insensitive
        (f"{LOGS}:log-group:/home/${{AWS:UserName}}/*", {"aws:username": "ana"},
         f"{LOGS}:log-group:/home/ana/x", "allowed"),
        # ${*} is a literal star, not a wildcard
        (f"{LOGS}:log-group:/x${{*}}", {}, f"{LOGS}:log-group:/x*", "allowed"),
        (f"{LOGS}:log-group:/x${{*}}", {}, f"{LOGS}:log-group:/xyz", "implicit_deny"),
        (f"{LOGS}:log-group:/q${{?}}", {}, f"{LOGS}:log-group:/q?", "allowed"),
        (f"{LOGS}:log-group:/d${{$}}", {}, f"{LOGS}:log-group:/d$", "allowed"),
        # a substituted value's wildcards are literal
        (f"{LOGS}:log-group:/home/${{aws:username}}", {"aws:username": "*"},
         f"{LOGS}:log-group:/home/ana", "implicit_deny"),
    ],
)
def test_policy_variables(resource: str, context: dict, requested: str, expected: str) -> None:
    doc = policy(statement(action="logs:CreateLogGroup", resource=resource))
    assert decide(doc, "logs:CreateLogGroup", requested, context).decision == expected


def test_variables_are_literal_in_version_2008() -> None:
    resource = f"{LOGS}:log-group:/home/${{aws:username}}"
    doc = policy(statement(action="logs:CreateLogGroup", resource=resource), version=None)
    ctx = {"aws:username": "ana"}
    assert decide(doc, "logs:CreateLogGroup", f"{LOGS}:log-group:/home/ana", ctx).denied
    assert decide(doc, "logs:CreateLogGroup", resource, ctx).allowed


def test_multi_valued_variable_does_not_substitute() -> None:
    tokens = tokenize("a/${aws:TagKeys}", variables=True)
    assert substitute(tokens, {"aws:tagkeys": ["x", "y"]}) is None


class TestUnknownPieces:
    """Matching with values that could not be resolved is three-valued."""

    def test_unknown_request_value_against_star_is_yes(self) -> None:
        assert match(tokenize("*", variables=False), Unknown("p"), Mode.ARN) is Tri.YES

    def test_unknown_request_value_against_specific_pattern_is_maybe(self) -> None:
        pattern = tokenize(f"{LOGS}:log-group:/x", variables=False)
        assert match(pattern, Unknown("p"), Mode.ARN) is Tri.MAYBE

    def test_known_prefix_mismatch_is_no(self) -> None:
        pattern = tokenize(f"{LOGS}:log-group:/app/*", variables=False)
        value = concat(["arn:aws:s3:::", Unknown("bucket")])
        assert match(pattern, value, Mode.ARN) is Tri.NO

    def test_spanning_star_after_known_prefix_is_yes(self) -> None:
        pattern = tokenize("arn:aws:logs:*:*:log-group:/aws/lambda/*", variables=False)
        value = concat([f"{LOGS}:log-group:/aws/lambda/", Unknown("name"), ":log-stream:x"])
        assert match(pattern, value, Mode.ARN) is Tri.YES

    def test_same_unknown_on_both_sides_is_one_value(self) -> None:
        name = Unknown("generated name of LogGroup")
        pattern = tokenize(concat([f"{LOGS}:log-group:", name, ":*"]), variables=False)
        value = concat([f"{LOGS}:log-group:", name, ":log-stream:s"])
        assert match(pattern, value, Mode.ARN) is Tri.YES

    def test_same_unknown_bare_group_still_misses_stream(self) -> None:
        name = Unknown("generated name of LogGroup")
        pattern = tokenize(concat([f"{LOGS}:log-group:", name]), variables=False)
        value = concat([f"{LOGS}:log-group:", name, ":log-stream:s"])
        assert match(pattern, value, Mode.ARN) is Tri.NO

    def test_unknown_in_pattern_that_cannot_match_is_no(self) -> None:
        pattern = tokenize(concat(["arn:aws:s3:::", Unknown("bucket")]), variables=False)
        assert match(pattern, STREAM, Mode.ARN) is Tri.NO

    def test_unknown_in_pattern_that_could_match_is_maybe(self) -> None:
        pattern = tokenize(concat([f"{LOGS}:log-group:", Unknown("name"), ":*"]),
                           variables=False)
        assert match(pattern, STREAM, Mode.ARN) is Tri.MAYBE

    def test_decision_with_unknown_resource_is_unknown_with_reason(self) -> None:
        resource = concat([f"{LOGS}:log-group:", Unknown("parameter LogGroupName has no "
                                                         "default"), ":*"])
        doc = policy(statement(action="logs:PutLogEvents", resource=resource))
        decision = decide(doc, "logs:PutLogEvents", STREAM)
        assert decision.decision == "unknown"
        assert "parameter LogGroupName has no default" in decision.unknown_reasons
