"""Every condition operator family, each with its near miss."""

from __future__ import annotations

from typing import Any

import pytest

from cwlint.iam.policy import PolicyError, parse_policy
from cwlint.values import Unknown

from .iam_helpers import decide, policy, statement

NS = "cloudwatch:namespace"


def holds(condition: dict[str, Any], context: dict[str, Any]) -> str:
    doc = policy(statement(action="cloudwatch:PutMetricData", Condition=condition))
    return decide(doc, "cloudwatch:PutMetricData", "*", context).decision


ALLOW, DENY, UNKNOWN = "allowed", "implicit_deny", "unknown"

CASES: list[tuple[str, dict[str, Any], dict[str, Any], str]] = [
    # --- String family
    ("StringEquals match", {"StringEquals": {NS: "MyApp"}}, {NS: "MyApp"}, ALLOW),
    ("StringEquals case differs", {"StringEquals": {NS: "MyApp"}}, {NS: "myapp"}, DENY),
    ("StringEquals key case-insensitive", {"StringEquals": {"CloudWatch:NameSpace": "MyApp"}},
     {NS: "MyApp"}, ALLOW),
    ("StringEquals star is literal", {"StringEquals": {NS: "My*"}}, {NS: "MyApp"}, DENY),
    ("StringEquals values ORed", {"StringEquals": {NS: ["A", "MyApp"]}}, {NS: "MyApp"}, ALLOW),
    ("StringEquals absent key", {"StringEquals": {NS: "MyApp"}}, {}, DENY),
    ("StringNotEquals other", {"StringNotEquals": {NS: "MyApp"}}, {NS: "Other"}, ALLOW),
    ("StringNotEquals same", {"StringNotEquals": {NS: "MyApp"}}, {NS: "MyApp"}, DENY),
    ("StringNotEquals absent key is true", {"StringNotEquals": {NS: "MyApp"}}, {}, ALLOW),
    ("StringNotEquals list: none may match", {"StringNotEquals": {NS: ["A", "B"]}}, {NS: "B"},
     DENY),
    ("StringEqualsIgnoreCase", {"StringEqualsIgnoreCase": {NS: "MyApp"}}, {NS: "MYAPP"}, ALLOW),
    ("StringEqualsIgnoreCase differs", {"StringEqualsIgnoreCase": {NS: "MyApp"}},
     {NS: "MyApp2"}, DENY),
    ("StringNotEqualsIgnoreCase", {"StringNotEqualsIgnoreCase": {NS: "MyApp"}}, {NS: "MYAPP"},
     DENY),
    ("StringLike star", {"StringLike": {NS: "MyApp/*"}}, {NS: "MyApp/orders"}, ALLOW),
    ("StringLike star case", {"StringLike": {NS: "MyApp/*"}}, {NS: "myapp/orders"}, DENY),
    ("StringLike star spans slash", {"StringLike": {NS: "My*"}}, {NS: "MyApp/a/b"}, ALLOW),
    ("StringLike question", {"StringLike": {NS: "App?"}}, {NS: "App1"}, ALLOW),
    ("StringLike question needs one", {"StringLike": {NS: "App?"}}, {NS: "App"}, DENY),
    ("StringLike question not two", {"StringLike": {NS: "App?"}}, {NS: "App12"}, DENY),
    ("StringNotLike", {"StringNotLike": {NS: "Test*"}}, {NS: "Prod"}, ALLOW),
    ("StringNotLike matching", {"StringNotLike": {NS: "Test*"}}, {NS: "TestX"}, DENY),
    ("StringLike variable", {"StringLike": {NS: "${aws:username}/*"}},
     {NS: "ana/x", "aws:username": "ana"}, ALLOW),
    ("StringLike variable other user", {"StringLike": {NS: "${aws:username}/*"}},
     {NS: "ana/x", "aws:username": "bob"}, DENY),
    ("StringEquals variable absent", {"StringEquals": {NS: "${aws:username}"}}, {NS: "x"}, DENY),
    ("StringEqualsIfExists absent", {"StringEqualsIfExists": {NS: "MyApp"}}, {}, ALLOW),
    ("StringEqualsIfExists present other", {"StringEqualsIfExists": {NS: "MyApp"}},
     {NS: "X"}, DENY),
    ("StringNotEqualsIfExists absent", {"StringNotEqualsIfExists": {NS: "MyApp"}}, {}, ALLOW),
    # --- Numeric family
    ("NumericEquals", {"NumericEquals": {"s3:max-keys": "10"}}, {"s3:max-keys": "10"}, ALLOW),
    ("NumericEquals float form", {"NumericEquals": {"s3:max-keys": "10"}},
     {"s3:max-keys": "10.0"}, ALLOW),
    ("NumericEquals differs", {"NumericEquals": {"s3:max-keys": "10"}}, {"s3:max-keys": "11"},
     DENY),
    ("NumericNotEquals", {"NumericNotEquals": {"s3:max-keys": "10"}}, {"s3:max-keys": "11"},
     ALLOW),
    ("NumericLessThan", {"NumericLessThan": {"k": "10"}}, {"k": "9"}, ALLOW),
    ("NumericLessThan equal", {"NumericLessThan": {"k": "10"}}, {"k": "10"}, DENY),
    ("NumericLessThanEquals", {"NumericLessThanEquals": {"k": "10"}}, {"k": "10"}, ALLOW),
    ("NumericGreaterThan", {"NumericGreaterThan": {"k": "10"}}, {"k": "10"}, DENY),
    ("NumericGreaterThanEquals", {"NumericGreaterThanEquals": {"k": 10}}, {"k": "10"}, ALLOW),
    ("Numeric not a number", {"NumericEquals": {"k": "ten"}}, {"k": "10"}, DENY),
    ("Numeric inf is not a number", {"NumericGreaterThan": {"k": "1"}}, {"k": "inf"}, DENY),
    ("Numeric underscore is not a number", {"NumericEquals": {"k": "1_000"}}, {"k": "1000"},
     DENY),
    ("Numeric absent", {"NumericLessThan": {"k": "10"}}, {}, DENY),
    ("NumericNotEquals absent", {"NumericNotEquals": {"k": "10"}}, {}, ALLOW),
    ("NumericLessThanIfExists absent", {"NumericLessThanIfExists": {"k": "1"}}, {}, ALLOW),
    # --- Date family
    ("DateLessThan", {"DateLessThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"}},
     {"aws:CurrentTime": "2026-11-26T10:00:00Z"}, ALLOW),
    ("DateLessThan after", {"DateLessThan": {"aws:CurrentTime": "2020-01-01T00:00:00Z"}},
     {"aws:CurrentTime": "2026-11-26T10:00:00Z"}, DENY),
    ("DateGreaterThan epoch", {"DateGreaterThan": {"aws:CurrentTime": "1577836800"}},
     {"aws:CurrentTime": "2026-11-26T10:00:00Z"}, ALLOW),
    ("DateEquals forms", {"DateEquals": {"aws:CurrentTime": "2020-01-01T00:00:00Z"}},
     {"aws:CurrentTime": "1577836800"}, ALLOW),
    ("DateEquals date only", {"DateEquals": {"aws:CurrentTime": "2020-01-01"}},
     {"aws:CurrentTime": "2020-01-01T00:00:00Z"}, ALLOW),
    ("DateNotEquals", {"DateNotEquals": {"aws:CurrentTime": "2020-01-01"}},
     {"aws:CurrentTime": "2020-01-02"}, ALLOW),
    ("DateLessThanEquals", {"DateLessThanEquals": {"aws:CurrentTime": "2020-01-01"}},
     {"aws:CurrentTime": "2020-01-01"}, ALLOW),
    ("DateGreaterThanEquals", {"DateGreaterThanEquals": {"aws:CurrentTime": "2020-01-02"}},
     {"aws:CurrentTime": "2020-01-01"}, DENY),
    ("Date garbage", {"DateLessThan": {"aws:CurrentTime": "soon"}},
     {"aws:CurrentTime": "2020-01-01"}, DENY),
    # --- Bool
    ("Bool true", {"Bool": {"aws:SecureTransport": "true"}}, {"aws:SecureTransport": "true"},
     ALLOW),
    ("Bool yaml true", {"Bool": {"aws:SecureTransport": True}}, {"aws:SecureTransport": True},
     ALLOW),
    ("Bool false vs true", {"Bool": {"aws:SecureTransport": "false"}},
     {"aws:SecureTransport": "true"}, DENY),
    ("Bool absent", {"Bool": {"aws:SecureTransport": "false"}}, {}, DENY),
    ("BoolIfExists absent", {"BoolIfExists": {"aws:MultiFactorAuthPresent": "true"}}, {}, ALLOW),
    # --- Binary
    ("BinaryEquals", {"BinaryEquals": {"k": "QmluYXJ5"}}, {"k": "QmluYXJ5"}, ALLOW),
    ("BinaryEquals differs", {"BinaryEquals": {"k": "QmluYXJ5"}}, {"k": "QmluYXJz"}, DENY),
    # --- IP
    ("IpAddress in CIDR", {"IpAddress": {"aws:SourceIp": "10.0.0.0/16"}},
     {"aws:SourceIp": "10.0.3.4"}, ALLOW),
    ("IpAddress outside", {"IpAddress": {"aws:SourceIp": "10.0.0.0/16"}},
     {"aws:SourceIp": "10.1.3.4"}, DENY),
    ("IpAddress single host", {"IpAddress": {"aws:SourceIp": "203.0.113.5"}},
     {"aws:SourceIp": "203.0.113.5"}, ALLOW),
    ("IpAddress v6", {"IpAddress": {"aws:SourceIp": "2001:db8::/32"}},
     {"aws:SourceIp": "2001:db8::1"}, ALLOW),
    ("IpAddress v4 vs v6", {"IpAddress": {"aws:SourceIp": "2001:db8::/32"}},
     {"aws:SourceIp": "10.0.0.1"}, DENY),
    ("NotIpAddress", {"NotIpAddress": {"aws:SourceIp": "10.0.0.0/8"}},
     {"aws:SourceIp": "192.0.2.1"}, ALLOW),
    ("NotIpAddress inside", {"NotIpAddress": {"aws:SourceIp": "10.0.0.0/8"}},
     {"aws:SourceIp": "10.2.2.1"}, DENY),
    ("NotIpAddress absent", {"NotIpAddress": {"aws:SourceIp": "10.0.0.0/8"}}, {}, ALLOW),
    # --- Arn family
    ("ArnLike", {"ArnLike": {"aws:SourceArn": "arn:aws:lambda:*:123456789012:function:*"}},
     {"aws:SourceArn": "arn:aws:lambda:us-east-1:123456789012:function:f"}, ALLOW),
    ("ArnLike other account", {"ArnLike": {"aws:SourceArn": "arn:aws:lambda:*:1:function:*"}},
     {"aws:SourceArn": "arn:aws:lambda:us-east-1:2:function:f"}, DENY),
    ("ArnEquals also takes wildcards", {"ArnEquals": {"aws:SourceArn": "arn:aws:sns:*:1:t"}},
     {"aws:SourceArn": "arn:aws:sns:eu-west-1:1:t"}, ALLOW),
    ("ArnEquals case-sensitive", {"ArnEquals": {"aws:SourceArn": "arn:aws:sns:*:1:T"}},
     {"aws:SourceArn": "arn:aws:sns:eu-west-1:1:t"}, DENY),
    ("ArnNotLike", {"ArnNotLike": {"aws:SourceArn": "arn:aws:sns:*:1:*"}},
     {"aws:SourceArn": "arn:aws:sns:eu-west-1:2:t"}, ALLOW),
    ("ArnNotEquals absent", {"ArnNotEquals": {"aws:SourceArn": "arn:aws:sns:*:1:*"}}, {}, ALLOW),
    ("ArnLike absent", {"ArnLike": {"aws:SourceArn": "arn:aws:sns:*:1:*"}}, {}, DENY),
    ("ArnLikeIfExists absent", {"ArnLikeIfExists": {"aws:SourceArn": "arn:*"}}, {}, ALLOW),
    # Arn operators check each of the six components separately
    ("ArnLike star stays in its component",
     {"ArnLike": {"aws:SourceArn": "arn:aws:lambda:*:function:fn1"}},
     {"aws:SourceArn": "arn:aws:lambda:us-east-1:123456789012:function:fn1"}, DENY),
    ("ArnLike question in the resource component spans its colon",
     {"ArnLike": {"aws:SourceArn": "arn:aws:lambda:us-east-1:123456789012:function?fn1"}},
     {"aws:SourceArn": "arn:aws:lambda:us-east-1:123456789012:function:fn1"}, ALLOW),
    ("ArnLike mid star in the resource component spans its colon",
     {"ArnLike": {"aws:SourceArn": "arn:aws:lambda:us-east-1:123456789012:*n1"}},
     {"aws:SourceArn": "arn:aws:lambda:us-east-1:123456789012:function:fn1"}, ALLOW),
    ("ArnLike not an ARN", {"ArnLike": {"aws:SourceArn": "arn:aws:sns:*:1:*"}},
     {"aws:SourceArn": "topic"}, DENY),
    # --- Null
    ("Null true on absent", {"Null": {"aws:TokenIssueTime": "true"}}, {}, ALLOW),
    ("Null true on present", {"Null": {"aws:TokenIssueTime": "true"}},
     {"aws:TokenIssueTime": "2020-01-01"}, DENY),
    ("Null false on present", {"Null": {"aws:TokenIssueTime": "false"}},
     {"aws:TokenIssueTime": "2020-01-01"}, ALLOW),
    ("Null false on absent", {"Null": {"aws:TokenIssueTime": "false"}}, {}, DENY),
    # --- set qualifiers
    ("ForAnyValue one matches", {"ForAnyValue:StringEquals": {"aws:TagKeys": ["a", "b"]}},
     {"aws:TagKeys": ["b", "z"]}, ALLOW),
    ("ForAnyValue none", {"ForAnyValue:StringEquals": {"aws:TagKeys": ["a"]}},
     {"aws:TagKeys": ["b", "z"]}, DENY),
    ("ForAnyValue absent is false", {"ForAnyValue:StringEquals": {"aws:TagKeys": ["a"]}}, {},
     DENY),
    ("ForAllValues subset", {"ForAllValues:StringEquals": {"aws:TagKeys": ["a", "b"]}},
     {"aws:TagKeys": ["a", "b"]}, ALLOW),
    ("ForAllValues extra value", {"ForAllValues:StringEquals": {"aws:TagKeys": ["a"]}},
     {"aws:TagKeys": ["a", "b"]}, DENY),
    ("ForAllValues absent is true", {"ForAllValues:StringEquals": {"aws:TagKeys": ["a"]}}, {},
     ALLOW),
    ("ForAllValues StringLike", {"ForAllValues:StringLike": {"aws:TagKeys": ["env*"]}},
     {"aws:TagKeys": ["env", "envx"]}, ALLOW),
    ("ForAllValues negated: none of them", {"ForAllValues:StringNotEquals": {"k": ["a", "b"]}},
     {"k": ["c", "d"]}, ALLOW),
    ("ForAllValues negated: one is listed", {"ForAllValues:StringNotEquals": {"k": ["a", "b"]}},
     {"k": ["c", "a"]}, DENY),
    ("ForAnyValue negated: one outside", {"ForAnyValue:StringNotEquals": {"k": ["a", "b"]}},
     {"k": ["a", "c"]}, ALLOW),
    ("ForAnyValue negated: all listed", {"ForAnyValue:StringNotEquals": {"k": ["a", "b"]}},
     {"k": ["a", "b"]}, DENY),
    ("ForAnyValue negated absent", {"ForAnyValue:StringNotLike": {"k": ["a*"]}}, {}, DENY),
    ("ForAllValues negated absent", {"ForAllValues:StringNotLike": {"k": ["a*"]}}, {}, ALLOW),
    # --- combination
    ("keys are ANDed", {"StringEquals": {NS: "A", "aws:username": "ana"}},
     {NS: "A", "aws:username": "bob"}, DENY),
    ("operators are ANDed", {"StringEquals": {NS: "A"}, "Bool": {"aws:SecureTransport": "true"}},
     {NS: "A", "aws:SecureTransport": "true"}, ALLOW),
    ("operators ANDed, one fails", {"StringEquals": {NS: "A"}, "Bool": {"aws:SecureTransport":
     "true"}}, {NS: "A", "aws:SecureTransport": "false"}, DENY),
    # --- unknown values
    ("unknown request value", {"StringEquals": {NS: "A"}}, {NS: Unknown("param")}, UNKNOWN),
    ("unknown policy value", {"StringEquals": {NS: Unknown("param")}}, {NS: "A"}, UNKNOWN),
    ("unknown policy value, absent key", {"StringEquals": {NS: Unknown("param")}}, {}, DENY),
    ("unknown policy value, absent key, negated", {"StringNotLike": {NS: Unknown("p")}}, {},
     ALLOW),
    ("unknown Null value", {"Null": {NS: Unknown("param")}}, {}, UNKNOWN),
    ("unknown one of several values, other matches", {"StringEquals": {NS: [Unknown("p"), "A"]}},
     {NS: "A"}, ALLOW),
]


@pytest.mark.parametrize(("name", "condition", "context", "expected"), CASES,
                         ids=[c[0] for c in CASES])
def test_condition(name: str, condition: dict, context: dict, expected: str) -> None:
    assert holds(condition, context) == expected


def test_operator_names_are_validated() -> None:
    doc = policy(statement(Condition={"StringEqual": {NS: "A"}}))
    with pytest.raises(PolicyError, match="unknown condition operator 'StringEqual'"):
        parse_policy(doc)


def test_null_takes_no_ifexists() -> None:
    doc = policy(statement(Condition={"NullIfExists": {NS: "true"}}))
    with pytest.raises(PolicyError):
        parse_policy(doc)


def test_absent_policy_variable_in_condition_fails_that_value_only() -> None:
    condition = {"StringEquals": {NS: ["${aws:username}", "Fallback"]}}
    assert holds(condition, {NS: "Fallback"}) == ALLOW
