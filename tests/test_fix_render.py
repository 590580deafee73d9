"""Fixes as data rendered per input: CloudFormation in the template's own style (YAML short
or long form, JSON), Terraform as HCL (for a configuration and for a plan), and the policy
JSON; each rendering parsed back by the real parser of its language."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from cfnlint.decode import cfn_yaml

from cwlint.engine import scan
from cwlint.findings import Finding
from cwlint.fixes import (
    Advice,
    AttachRole,
    CreateEndpoint,
    Fix,
    GrantStatements,
    ReplaceLiteral,
    SetValue,
)
from cwlint.fixes.cloudformation import Style
from cwlint.fixes.examples import example_fix
from cwlint.fixes.render import change_blocks, render, render_findings, template_style
from cwlint.rules import DOCUMENTED
from cwlint.terraform import hcl

ROOT = Path(__file__).resolve().parent.parent
STATEMENT = {"Effect": "Allow", "Action": "logs:PutLogEvents",
             "Resource": "arn:aws:logs:us-east-1:123456789012:log-group:${aws:username}:*"}
GRANT = Fix((GrantStatements("AppRole", (STATEMENT,)),))


def test_template_style_is_read_from_the_text() -> None:
    assert template_style('{"Resources": {}}') == Style(json=True)
    assert template_style("Resources:\n  A:\n    Properties: {X: !Ref B}\n") == \
        Style(short=True)
    assert template_style("Resources:\n  A:\n    Properties:\n      X:\n        Ref: B\n") \
        == Style(short=False)
    assert template_style("Resources: {}\n") == Style(short=True)  # no intrinsic: usual


def test_cloudformation_short_long_and_json_say_the_same() -> None:
    short = change_blocks(GRANT, "cloudformation", Style(short=True))[0].code
    long = change_blocks(GRANT, "cloudformation", Style(short=False))[0].code
    as_json = change_blocks(GRANT, "cloudformation", Style(json=True))[0].code
    assert "!Ref AppRole" in short and "Ref: AppRole" in long and '"Ref": "AppRole"' in as_json
    parsed = [cfn_yaml.loads(short), cfn_yaml.loads(long), json.loads("{" + as_json + "}")]
    assert parsed[0] == parsed[1] == parsed[2]
    policy = parsed[0]["AppRoleCloudWatchLogsPolicy"]
    assert policy["Type"] == "AWS::IAM::Policy"
    assert policy["Properties"]["Roles"] == [{"Ref": "AppRole"}]
    assert policy["Properties"]["PolicyDocument"]["Statement"] == [STATEMENT]


def test_terraform_is_hcl_that_parses_and_keeps_policy_variables() -> None:
    fix = Fix((GrantStatements("module.app.aws_iam_role.app[0]", (STATEMENT,)),))
    text = render(fix, "terraform")
    code = change_blocks(fix, "terraform")[0].code
    assert code.startswith("# in module.app\n")
    assert "role   = aws_iam_role.app[0].name" in code
    assert "$${aws:username}" in code  # a policy variable, not a Terraform interpolation
    hcl.parse(code)  # cwlint's Terraform parser: raises on a syntax error
    assert render(fix, "plan") == text  # a plan's user edits the configuration


def test_policy_syntax_is_the_policy_json() -> None:
    text = render(GRANT, "policy")
    heading, body = text.split("\n", 1)
    assert heading == "Add to role AppRole:"
    assert json.loads(body) == {"Version": "2012-10-17", "Statement": [STATEMENT]}


def test_set_value_and_replacements_are_one_line() -> None:
    fix = Fix((SetValue("MonitoringEndpoint", "endpoint.private_dns", True),))
    assert render(fix, "cloudformation") == "Set PrivateDnsEnabled: true in MonitoringEndpoint"
    assert render(fix, "cloudformation", Style(json=True)) == \
        'Set "PrivateDnsEnabled": true in MonitoringEndpoint'
    tf = Fix((SetValue("aws_vpc_endpoint.monitoring", "endpoint.private_dns", True),))
    assert render(tf, "terraform") == \
        "Set private_dns_enabled = true in aws_vpc_endpoint.monitoring"
    typos = Fix((ReplaceLiteral("P", "cloudwatch:PutMetricsData", "cloudwatch:PutMetricData"),
                 ReplaceLiteral("P", "logs:PutLogEvent", "logs:PutLogEvents")))
    assert render(typos, "terraform") == ("Replace cloudwatch:PutMetricsData -> "
                                          "cloudwatch:PutMetricData, logs:PutLogEvent -> "
                                          "logs:PutLogEvents")


def test_alternatives_follow_the_changes() -> None:
    fix = Fix((Advice("narrow the Deny"),), alternatives=(Advice("Remove it"),))
    assert render(fix, "terraform") == "Narrow the Deny\nOr remove it"


def test_new_role_for_a_launch_template_is_a_nested_block() -> None:
    fix = Fix((AttachRole("aws_launch_template.app", "launch_template.profile",
                          "ec2.amazonaws.com", statements=(STATEMENT,)),))
    code = change_blocks(fix, "terraform")[0].code
    assert 'resource "aws_launch_template" "app" {\n  iam_instance_profile {\n' \
        '    name = aws_iam_instance_profile.app_role.name\n  }\n}' in code
    hcl.parse(code)
    cfn = cfn_yaml.loads(change_blocks(Fix((AttachRole(
        "AppTemplate", "launch_template.profile", "ec2.amazonaws.com"),)),
        "cloudformation")[0].code)
    assert cfn["AppTemplate"]["Properties"]["LaunchTemplateData"]["IamInstanceProfile"] == \
        {"Name": {"Ref": "AppTemplateInstanceProfile"}}
    assert cfn["AppTemplateInstanceProfile"]["Properties"]["Roles"] == \
        [{"Ref": "AppTemplateRole"}]


def test_endpoint_service_follows_the_stack_region_in_cloudformation() -> None:
    fix = Fix((CreateEndpoint("Vpc", "com.amazonaws.eu-west-1.logs", ("SubnetA",),
                              ("10.0.1.0/24", "2001:db8::/64")),))
    cfn = cfn_yaml.loads(change_blocks(fix, "cloudformation")[0].code)
    assert cfn["LogsEndpoint"]["Properties"]["ServiceName"] == {
        "Fn::Sub": "com.amazonaws.${AWS::Region}.logs"}
    ingress = cfn["LogsEndpointSecurityGroup"]["Properties"]["SecurityGroupIngress"]
    assert [r.get("CidrIp", r.get("CidrIpv6")) for r in ingress] == ["10.0.1.0/24",
                                                                     "2001:db8::/64"]
    code = change_blocks(fix, "terraform")[0].code
    assert 'ipv6_cidr_blocks = ["2001:db8::/64"]' in code
    hcl.parse(code)


@pytest.mark.parametrize("rule", [r for r in DOCUMENTED if r.plugin], ids=lambda r: r.id)
def test_every_example_renders_in_both_languages(rule: type) -> None:
    cfn_fix = example_fix(rule.id, "cloudformation")
    tf_fix = example_fix(rule.id, "terraform")
    assert cfn_fix is not None and tf_fix is not None
    for syntax, fix in (("cloudformation", cfn_fix), ("terraform", tf_fix)):
        for block in change_blocks(fix, syntax):
            if not block.code:
                continue
            if syntax == "cloudformation":
                cfn_yaml.loads(block.code)
            elif block.code.lstrip().startswith(("resource", "#", "data")):
                hcl.parse(block.code)
            else:  # statements or list items to put into an existing expression
                hcl.parse_expression("[" + block.code + "]")


def test_render_findings_sets_the_text_of_fix_data_only() -> None:
    plain = Finding("CWL001", "error", "m", "t.yaml", 1, "AppFunction", fix="as written")
    with_data = Finding("CWL001", "error", "m", "t.yaml", 1, "AppFunction", fix_data=GRANT)
    kept, rendered = render_findings([plain, with_data], "cloudformation", Style())
    assert kept.fix == "as written"
    assert rendered.fix == render(GRANT, "cloudformation", Style())
    assert rendered.fix_data is GRANT


def test_a_json_template_gets_its_fix_in_json(tmp_path: Path) -> None:
    source = ROOT / "fixtures" / "cwl001" / "fail-env-namespace" / "template.yaml"
    template = tmp_path / "template.json"
    template.write_text(json.dumps(cfn_yaml.load(str(source)), indent=2))
    (finding,) = [f for f in scan([str(template)]).findings if f.rule_id == "CWL001"]
    assert finding.fix is not None
    heading, code = finding.fix.split("\n", 1)
    assert heading == "Add a policy to role OrdersRole:"
    document = json.loads("{" + code + "}")
    assert document["OrdersRoleCloudWatchMetricsPolicy"]["Properties"]["Roles"] == [
        {"Ref": "OrdersRole"}]


def test_explain_shows_the_fix_in_both_languages() -> None:
    result = subprocess.run([sys.executable, "-m", "cwlint", "explain", "CWL021"], cwd=ROOT,
                            capture_output=True, text=True, check=True)
    cfn = result.stdout.split("The fix a finding shows, in CloudFormation:")[1]
    cfn, tf = cfn.split("The fix a finding shows, in Terraform:")
    assert "ExecutionRoleArn: !GetAtt AppTaskExecutionRole.Arn" in cfn
    assert "execution_role_arn = aws_iam_role.app_execution_role.arn" in tf
    assert not re.search(r"\baws_[a-z]", cfn) and "AWS::" not in tf
