"""What each rule examines (``Rule.subjects``): the resources a checkov check passes.

A resource a rule reports on must be one it examined, in every fixture of both front
ends; a resource outside the rule (a Lambda function that publishes no metrics, for
CWL001) is not a subject, so checkov shows no pass for it.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from cwlint.cfn.loader import parse_template
from cwlint.engine import Input, ScanOptions, Subjects, analyse_template, discover, scan_one
from cwlint.plugins.cache import EngineRun
from cwlint.plugins.checkov_support import PASSED, UNKNOWN, verdict
from cwlint.rules import RULES_BY_ID

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
DEMO = FIXTURES / "demo" / "orders-service.yaml"
COLLECT = ScanOptions(collect_subjects=True)


def fixture_inputs() -> list[Input]:
    roots = [*sorted(FIXTURES.glob("cwl[0-9][0-9][0-9]")), FIXTURES / "cfn",
             FIXTURES / "demo", FIXTURES / "terraform", FIXTURES / "plugins"]
    inputs, _ = discover([str(r) for r in roots])
    return inputs


def subjects_of(text: str) -> Subjects:
    subjects: Subjects = {}
    analyse_template(parse_template(textwrap.dedent(text), "t.yaml"), ScanOptions(), subjects)
    return subjects


def test_every_finding_is_on_a_subject_of_its_rule() -> None:
    analysed = 0
    for item in fixture_inputs():
        outcome = scan_one(item, COLLECT)
        if not outcome.analysed:
            continue
        analysed += 1
        assert outcome.subjects is not None, item.path
        for finding in [*outcome.findings, *(s.finding for s in outcome.suppressed)]:
            if finding.rule_id == "CWL000":
                continue
            examined = outcome.subjects.get(finding.rule_id)
            assert examined is None or finding.resource in examined, (item.path, finding)
    assert analysed > 100


def test_subjects_are_collected_only_when_asked() -> None:
    assert scan_one(Input(str(DEMO), True), ScanOptions()).subjects is None
    subjects = scan_one(Input(str(DEMO), True), COLLECT).subjects
    assert subjects is not None
    assert subjects["CWL001"] == {"OrdersFunction"}  # its code calls PutMetricData
    assert subjects["CWL005"] == {"ReportingInstance"}  # runs the CloudWatch agent
    assert subjects["CWL002"] == {"OrdersFunction", "ReportingInstance"}
    assert subjects["CWL010"] == set() and subjects["CWL013"] == set()  # no VPC
    assert subjects["CWL003"] == {"OrdersRole"}
    assert subjects["CWL040"] == set()  # no alarm on a custom namespace
    assert subjects["CWL030"] is None  # the rule does not say: every sink and link


FUNCTION = """
    Resources:
      Role:
        Type: AWS::IAM::Role
        Properties:
          AssumeRolePolicyDocument: {{}}
          Policies:
            - PolicyName: p
              PolicyDocument:
                Statement:
                  - {{Effect: Allow, Action: "{action}", Resource: "*"}}
      Fn:
        Type: AWS::Lambda::Function
        Properties:
          Role: !GetAtt Role.Arn
          Runtime: python3.12
          Handler: index.handler
          Code: {{ZipFile: "def handler(e, c): pass"}}
          {environment}
"""


def test_a_function_that_publishes_no_metrics_is_outside_the_metrics_rules() -> None:
    quiet = subjects_of(FUNCTION.format(action="s3:GetObject", environment=""))
    assert quiet["CWL001"] == set() and quiet["CWL002"] == set()
    assert quiet["CWL004"] == {"Fn"}  # every function's logs go to its log group
    assert quiet["CWL003"] == set() and quiet["CWL008"] == set()
    publishing = subjects_of(FUNCTION.format(
        action="logs:PutLogEvents",
        environment="Environment: {Variables: {METRICS_NAMESPACE: Orders}}"))
    assert publishing["CWL001"] == {"Fn"} and publishing["CWL041"] == {"Fn"}
    assert publishing["CWL003"] == {"Role"}  # grants a log-stream action
    assert publishing["CWL008"] == {"Role"}  # names a logs: action


def test_subjects_of_every_scenario_are_merged() -> None:
    text = FUNCTION.format(
        action="s3:GetObject",
        environment="Environment: {Variables: !If [Metrics, {METRICS_NAMESPACE: Orders}, "
                    "!Ref AWS::NoValue]}")
    text = "Conditions:\n  Metrics: !Equals [!Ref AWS::Region, us-east-1]\n" + \
        textwrap.dedent(text)
    assert subjects_of(text)["CWL001"] == {"Fn"}  # publishes when Metrics is true


def test_log_groups_alarms_and_endpoints_outside_their_rules() -> None:
    subjects = subjects_of("""
        Resources:
          Key:
            Type: AWS::KMS::Key
            Properties: {KeyPolicy: {Statement: []}}
          Plain: {Type: AWS::Logs::LogGroup}
          Encrypted:
            Type: AWS::Logs::LogGroup
            Properties: {KmsKeyId: !GetAtt Key.Arn}
          LambdaErrors:
            Type: AWS::CloudWatch::Alarm
            Properties: {Namespace: AWS/Lambda, MetricName: Errors}
          OrdersPublished:
            Type: AWS::CloudWatch::Alarm
            Properties: {Namespace: Orders, MetricName: Published}
          S3Gateway:
            Type: AWS::EC2::VPCEndpoint
            Properties: {VpcId: vpc-1, ServiceName: com.amazonaws.us-east-1.s3}
    """)
    assert subjects["CWL020"] == {"Encrypted"}
    assert subjects["CWL040"] == {"OrdersPublished"}
    assert subjects["CWL011"] == set()  # not an interface endpoint of CloudWatch
    assert subjects["CWL012"] == set() and subjects["CWL014"] == set()


@pytest.mark.parametrize(("examined", "expected"), [
    ({"CWL001": {"Fn"}}, PASSED),  # examined, no finding: a pass
    ({"CWL001": set()}, UNKNOWN),  # outside the rule: nothing to show
    ({"CWL001": None}, PASSED),  # the rule does not say: every resource of its types
    (None, PASSED),  # not collected: the same
])
def test_verdict_passes_what_the_rule_examined(examined: Subjects | None,
                                               expected: str) -> None:
    run = EngineRun(subjects=examined)
    rule = RULES_BY_ID["CWL001"]
    assert verdict(run, rule, "Fn", "AWS::Lambda::Function",
                   RULES_BY_ID["CWL001"].reports_on.cloudformation).result == expected
    assert verdict(run, rule, "Bucket", "AWS::S3::Bucket",
                   RULES_BY_ID["CWL001"].reports_on.cloudformation).result == UNKNOWN
