"""Decisions across identity policies, boundaries, SCPs and principals."""

from __future__ import annotations

import pytest

from cwlint.iam.evaluator import Principal
from cwlint.iam.policy import PolicyError, parse_policy
from cwlint.values import Unknown

from .iam_helpers import decide, policy, statement

PUT = "cloudwatch:PutMetricData"
ALLOW_PUT = policy(statement(action=PUT))
DENY_PUT = policy(statement("Deny", action=PUT))


def test_no_policy_is_implicit_deny() -> None:
    decision = decide([], PUT)
    assert decision.decision == "implicit_deny"
    assert decision.missing_allow == ("identity",)


def test_allow_names_the_statement() -> None:
    doc = policy(statement(action=PUT, Sid="Metrics"))
    decision = decide(doc, PUT)
    assert decision.decision == "allowed"
    assert [s.to_json()["sid"] for s in decision.statements] == ["Metrics"]


def test_explicit_deny_wins_over_allow_in_another_policy() -> None:
    decision = decide([ALLOW_PUT, DENY_PUT], PUT)
    assert decision.decision == "explicit_deny"
    assert decision.statements[0].policy == "p1"


def test_deny_with_unmet_condition_does_not_deny() -> None:
    deny = policy(statement("Deny", action=PUT,
                            Condition={"StringEquals": {"cloudwatch:namespace": "Secret"}}))
    context = {"cloudwatch:namespace": "MyApp"}
    assert decide([ALLOW_PUT, deny], PUT, context=context).decision == "allowed"


def test_boundary_must_also_allow() -> None:
    boundary = policy(statement(action="logs:*"))
    decision = decide(ALLOW_PUT, PUT, boundary=boundary)
    assert decision.decision == "implicit_deny"
    assert decision.missing_allow == ("permissions_boundary",)


def test_boundary_allowing_is_allowed() -> None:
    boundary = policy(statement(action="cloudwatch:*"))
    assert decide(ALLOW_PUT, PUT, boundary=boundary).decision == "allowed"


def test_boundary_alone_grants_nothing() -> None:
    boundary = policy(statement(action="*"))
    assert decide([], PUT, boundary=boundary).decision == "implicit_deny"


def test_deny_in_boundary_is_explicit() -> None:
    boundary = policy(statement(action="*"), statement("Deny", action="cloudwatch:Put*"))
    decision = decide(ALLOW_PUT, PUT, boundary=boundary)
    assert decision.decision == "explicit_deny"
    assert decision.statements[0].layer == "permissions_boundary"


def test_scp_levels_are_anded_and_policies_in_a_level_ored() -> None:
    full = policy(statement(action="*"))
    logs_only = policy(statement(action="logs:*"))
    metrics_only = policy(statement(action="cloudwatch:*"))
    assert decide(ALLOW_PUT, PUT, scps=[[full], [logs_only, metrics_only]]).allowed
    denied = decide(ALLOW_PUT, PUT, scps=[[full], [logs_only]])
    assert denied.decision == "implicit_deny"
    assert denied.missing_allow == ("scp[2]",)


def test_scp_deny_statement() -> None:
    scp = policy(statement(action="*"), statement("Deny", action=PUT))
    decision = decide(ALLOW_PUT, PUT, scps=[[scp]])
    assert decision.decision == "explicit_deny"
    assert decision.statements[0].layer == "scp[1]"


def test_unknown_deny_with_definite_missing_allow_is_implicit_deny() -> None:
    deny = policy(statement("Deny", action=PUT,
                            Condition={"StringEquals": {"aws:username": Unknown("param")}}))
    assert decide([deny], PUT, context={"aws:username": "x"}).decision == "implicit_deny"


def test_unknown_effect_alone_is_unknown() -> None:
    doc = policy(statement(Unknown("Effect from parameter"), action=PUT))
    assert decide([doc], PUT).decision == "unknown"


def test_unknown_effect_with_allow_elsewhere_is_unknown() -> None:
    maybe_deny = policy(statement(Unknown("Effect from parameter"), action=PUT))
    decision = decide([ALLOW_PUT, maybe_deny], PUT)
    assert decision.decision == "unknown"
    assert decision.unknown_reasons


def test_unknown_statement_is_unknown() -> None:
    doc = {"Version": "2012-10-17", "Statement": [Unknown("Fn::ImportValue Shared")]}
    decision = decide(doc, PUT)
    assert decision.decision == "unknown"
    assert decision.unknown_reasons == ("Fn::ImportValue Shared",)


def test_whole_policy_unknown() -> None:
    decision = decide([Unknown("policy from parameter")], PUT)  # type: ignore[list-item]
    assert decision.decision == "unknown"


def test_unknown_action_value() -> None:
    doc = policy(statement(action=[Unknown("parameter Actions")]))
    assert decide(doc, PUT).decision == "unknown"


def test_statement_as_object_and_strings() -> None:
    doc = {"Version": "2012-10-17",
           "Statement": {"Effect": "Allow", "Action": PUT, "Resource": "*"}}
    assert decide(doc, PUT).allowed


class TestPrincipals:
    """Resource-based policies (key policies) match the requesting principal."""

    LOGS = Principal("Service", "logs.us-east-1.amazonaws.com")
    ROLE = Principal("AWS", "arn:aws:iam::123456789012:role/app", "123456789012")

    def key_policy(self, principal: object) -> dict:
        return policy({"Effect": "Allow", "Principal": principal, "Action": "kms:*"})

    @pytest.mark.parametrize(
        ("principal", "who", "expected"),
        [
            ({"Service": "logs.us-east-1.amazonaws.com"}, "LOGS", "allowed"),
            ({"Service": "LOGS.us-east-1.amazonaws.com"}, "LOGS", "allowed"),
            ({"Service": "logs.eu-west-1.amazonaws.com"}, "LOGS", "implicit_deny"),
            ({"AWS": "arn:aws:iam::123456789012:root"}, "LOGS", "implicit_deny"),
            ({"AWS": "arn:aws:iam::123456789012:root"}, "ROLE", "allowed"),
            ({"AWS": "123456789012"}, "ROLE", "allowed"),
            ({"AWS": "210987654321"}, "ROLE", "implicit_deny"),
            ({"AWS": "arn:aws:iam::123456789012:role/app"}, "ROLE", "allowed"),
            ({"AWS": "arn:aws:iam::123456789012:role/other"}, "ROLE", "implicit_deny"),
            ("*", "LOGS", "allowed"),
            ({"AWS": "*"}, "ROLE", "allowed"),
        ],
    )
    def test_principal(self, principal: object, who: str, expected: str) -> None:
        decision = decide(self.key_policy(principal), "kms:GenerateDataKey", "*",
                          principal=getattr(self, who), require_resource=False)
        assert decision.decision == expected

    def test_not_principal(self) -> None:
        doc = policy({"Effect": "Allow", "NotPrincipal": {"Service": "logs.us-east-1."
                      "amazonaws.com"}, "Action": "kms:*"})
        assert decide(doc, "kms:Decrypt", principal=self.ROLE, require_resource=False).allowed
        assert decide(doc, "kms:Decrypt", principal=self.LOGS,
                      require_resource=False).denied


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({"Statement": [{"Action": PUT, "Resource": "*"}]}, "no Effect"),
        ({"Statement": [{"Effect": "allow", "Action": PUT, "Resource": "*"}]}, "Allow or Deny"),
        ({"Statement": [{"Effect": "Allow", "Resource": "*"}]}, "Action or NotAction"),
        ({"Statement": [{"Effect": "Allow", "Action": PUT, "NotAction": PUT, "Resource": "*"}]},
         "Action or NotAction"),
        ({"Statement": [{"Effect": "Allow", "Action": PUT}]}, "no Resource"),
        ({"Version": "2012-10-18", "Statement": []}, "unsupported policy Version"),
        ({"Version": "2012-10-17"}, "no Statement"),
        ({"Statement": [{"Effect": "Allow", "Action": PUT, "Resource": "*", "Bogus": 1}]},
         "unknown element"),
        ("{not json", "not valid JSON"),
        ([], "must be an object"),
    ],
)
def test_invalid_policies_are_rejected(document: object, message: str) -> None:
    with pytest.raises(PolicyError, match=message):
        parse_policy(document, "bad.json")


def test_json_string_document_as_terraform_gives_it() -> None:
    text = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"logs:*",' \
           '"Resource":"*"}]}'
    parsed = parse_policy(text)
    assert parsed.version == "2012-10-17"
    assert parsed.statements[0].raw_actions == ("logs:*",)
