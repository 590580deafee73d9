"""Properties of the evaluator on random policies (hypothesis).

* Nothing random crashes it: a document either parses or raises PolicyError, and a parsed
  one always yields a decision.
* Decisions do not depend on statement order, nor on how statements are split into
  several identity policies.
"""

from __future__ import annotations

import random
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cwlint.iam.evaluator import Request, evaluate, normalize_context
from cwlint.iam.policy import PolicyError, parse_policy

ACTIONS = ["cloudwatch:PutMetricData", "logs:PutLogEvents", "logs:CreateLogStream",
           "logs:CreateLogGroup", "ssm:GetParameter", "kms:Decrypt"]
ACTION_PATTERNS = ACTIONS + ["*", "logs:*", "cloudwatch:Put*", "LOGS:put?ogevents",
                             "logs:Create*", "cloudwatch:PutMetricsData", "s3:*"]
GROUP = "arn:aws:logs:us-east-1:123456789012:log-group:"
RESOURCES = ["*", f"{GROUP}/myapp/*", f"{GROUP}/myapp/orders", f"{GROUP}/myapp/orders:*",
             f"{GROUP}/my*/orders", "arn:aws:logs:*:*:*", f"{GROUP}/myapp/order?:*",
             f"{GROUP}/home/${{aws:username}}/*", "arn:aws:ssm:*:*:parameter/AmazonCloudWatch-*"]
REQUEST_RESOURCES = [f"{GROUP}/myapp/orders:log-stream:s1", f"{GROUP}/myapp/orders:log-stream:",
                     f"{GROUP}/home/ana/x:log-stream:y", "*",
                     "arn:aws:ssm:us-east-1:123456789012:parameter/AmazonCloudWatch-linux"]
OPERATORS = ["StringEquals", "StringNotEquals", "StringLike", "StringNotLike",
             "StringEqualsIgnoreCase", "StringEqualsIfExists", "ForAnyValue:StringEquals",
             "ForAllValues:StringLike", "Null", "Bool", "NumericLessThan", "IpAddress",
             "ArnLike", "DateLessThan"]
KEYS = ["cloudwatch:namespace", "aws:username", "aws:SecureTransport", "aws:SourceIp",
        "aws:TagKeys", "aws:SourceArn", "aws:CurrentTime", "s3:max-keys"]
VALUES = ["MyApp", "myapp", "My*", "true", "false", "10.0.0.0/8", "10", "ana",
          "arn:aws:sns:*:1:*", "2030-01-01T00:00:00Z", "${aws:username}"]

one_or_many = lambda pool: st.one_of(  # noqa: E731
    st.sampled_from(pool), st.lists(st.sampled_from(pool), min_size=1, max_size=3))

conditions = st.dictionaries(
    st.sampled_from(OPERATORS),
    st.dictionaries(st.sampled_from(KEYS), one_or_many(VALUES), min_size=1, max_size=2),
    max_size=2,
)


@st.composite
def statements(draw: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"Effect": draw(st.sampled_from(["Allow", "Allow", "Deny"]))}
    body["NotAction" if draw(st.booleans()) and draw(st.booleans()) else "Action"] = draw(
        one_or_many(ACTION_PATTERNS))
    body["NotResource" if draw(st.integers(0, 5)) == 0 else "Resource"] = draw(
        one_or_many(RESOURCES))
    condition = draw(conditions)
    if condition:
        body["Condition"] = condition
    if draw(st.booleans()):
        body["Sid"] = draw(st.from_regex(r"[A-Za-z0-9]{1,8}", fullmatch=True))
    return body


policies = st.builds(
    lambda stmts, version: {"Version": version, "Statement": stmts},
    st.lists(statements(), min_size=1, max_size=6),
    st.sampled_from(["2012-10-17", "2008-10-17"]),
)

contexts = st.dictionaries(st.sampled_from(KEYS), one_or_many(VALUES + ["203.0.113.9",
                                                                        "2026-01-01"]),
                           max_size=4)

requests = st.builds(
    lambda action, resource, context: Request(action, resource, normalize_context(context)),
    st.sampled_from(ACTIONS), st.sampled_from(REQUEST_RESOURCES), contexts)

FAST = settings(max_examples=300, deadline=None,
                suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(policies, requests)
def test_random_policies_always_decide(document: dict, request: Request) -> None:
    decision = evaluate(request, [parse_policy(document)])
    assert decision.decision in ("allowed", "implicit_deny", "explicit_deny")


@FAST
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=8),
                    lambda inner: st.lists(inner, max_size=3)
                    | st.dictionaries(st.sampled_from(["Effect", "Action", "Resource",
                                                       "Statement", "Condition", "Version",
                                                       "NotAction", "Principal", "x"]),
                                      inner, max_size=4),
                    max_leaves=20))
def test_arbitrary_json_parses_or_raises_policy_error(document: Any) -> None:
    try:
        parsed = parse_policy(document)
    except PolicyError:
        return
    evaluate(Request("logs:PutLogEvents", "*"), [parsed])


@FAST
@given(policies, requests, st.randoms(use_true_random=False))
def test_statement_order_does_not_matter(document: dict, request: Request,
                                         rng: random.Random) -> None:
    shuffled = dict(document, Statement=rng.sample(document["Statement"],
                                                   len(document["Statement"])))
    first = evaluate(request, [parse_policy(document)]).decision
    assert evaluate(request, [parse_policy(shuffled)]).decision == first


@FAST
@given(policies, requests, st.integers(1, 4))
def test_splitting_into_policies_does_not_matter(document: dict, request: Request,
                                                 parts: int) -> None:
    stmts = document["Statement"]
    split = [
        parse_policy({"Version": document["Version"], "Statement": stmts[i::parts]}, f"p{i}")
        for i in range(parts) if stmts[i::parts]
    ]
    whole = evaluate(request, [parse_policy(document)]).decision
    assert evaluate(request, split).decision == whole
