"""Tests for cwlint.cfn.intrinsics: static evaluation of CloudFormation intrinsics."""

from __future__ import annotations

import inspect
import sys
import time
from typing import Any

import pytest

from cwlint.cfn.intrinsics import (
    NO_VALUE,
    ResolveError,
    Resolver,
    ResourceRef,
    partition_for_region,
)
from cwlint.cfn.loader import LoadedTemplate, TemplateError, parse_template
from cwlint.values import Partial, Unknown, is_known

TEMPLATE = """
AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Env: {Type: String, Default: prod}
  NoDefault: {Type: String}
  Secret: {Type: String, NoEcho: true, Default: hunter2}
  Subnets: {Type: CommaDelimitedList, Default: "subnet-a, subnet-b,subnet-c"}
  Ports: {Type: "List<Number>", Default: "80,443"}
  Retention: {Type: Number, Default: 14}
  Index: {Type: Number, Default: 1}
  LogGroupParam: {Type: String}
  Ami: {Type: "AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>", Default: /aws/ami}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  IsDev: !Not [!Condition IsProd]
  NeedsInput: !Equals [!Ref NoDefault, "yes"]
  ProdAndInput: !And [!Condition IsProd, !Condition NeedsInput]
  DevAndInput: !And [!Condition IsDev, !Condition NeedsInput]
  ProdOrInput: !Or [!Condition IsProd, !Condition NeedsInput]
  InUsEast: !Equals [!Ref "AWS::Region", us-east-1]
Mappings:
  RegionMap:
    us-east-1: {Ami: ami-east, Zones: [a, b]}
    eu-west-1: {Ami: ami-west}
  Accounts:
    123456789012: {Stage: test}
Resources:
  NamedRole:
    Type: AWS::IAM::Role
    Properties:
      RoleName: orders-role
      Path: /service/
  GeneratedRole:
    Type: AWS::IAM::Role
    Properties: {}
  NamedGroup:
    Type: AWS::Logs::LogGroup
    Properties:
      LogGroupName: !Sub /app/${Env}/orders
  GeneratedGroup:
    Type: AWS::Logs::LogGroup
  AgentPolicy:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      ManagedPolicyName: agent-extra
  Profile:
    Type: AWS::IAM::InstanceProfile
    Properties:
      InstanceProfileName: agent-profile
      Roles: [!Ref NamedRole]
  Orders:
    Type: AWS::Lambda::Function
    Properties:
      FunctionName: orders
  Key:
    Type: AWS::KMS::Key
  Sink:
    Type: AWS::Oam::Sink
    Properties:
      Name: central
  Vpc:
    Type: AWS::EC2::VPC
"""


@pytest.fixture(scope="module")
def template() -> LoadedTemplate:
    return parse_template(TEMPLATE, "template.yaml")


@pytest.fixture
def resolver(template: LoadedTemplate) -> Resolver:
    return Resolver(template)


def y(text: str) -> Any:
    """Decode a YAML snippet (short tags allowed) into template nodes."""
    return parse_template("value: " + text + "\n").template["value"]


# --- Ref -----------------------------------------------------------------------------


def test_ref_parameter_default(resolver: Resolver) -> None:
    assert resolver.resolve(y("!Ref Env")) == "prod"
    assert resolver.resolve(y("!Ref Retention")) == "14"


def test_ref_parameter_without_default_is_unknown(resolver: Resolver) -> None:
    value = resolver.resolve(y("!Ref NoDefault"))
    assert value == Unknown("parameter NoDefault has no default")


def test_ref_list_parameters(resolver: Resolver) -> None:
    assert resolver.resolve(y("!Ref Subnets")) == ["subnet-a", "subnet-b", "subnet-c"]
    assert resolver.resolve(y("!Ref Ports")) == ["80", "443"]


def test_no_echo_parameter_never_shows_its_value(resolver: Resolver) -> None:
    value = resolver.resolve(y("!Sub 'pw=${Secret}'"))
    assert isinstance(value, Partial)
    assert "hunter2" not in repr(value)
    assert "NoEcho parameter Secret" in value.reason


def test_ssm_parameter_is_unknown(resolver: Resolver) -> None:
    value = resolver.resolve(y("!Ref Ami"))
    assert isinstance(value, Unknown) and "SSM" in value.reason


def test_parameter_values_override_defaults(template: LoadedTemplate) -> None:
    resolver = Resolver(template, parameter_values={"Env": "dev", "NoDefault": "yes"})
    assert resolver.resolve(y("!Ref Env")) == "dev"
    assert resolver.condition_value("IsDev") is True
    assert resolver.condition_value("NeedsInput") is True


def test_pseudo_parameters(resolver: Resolver) -> None:
    assert resolver.ref("AWS::Region") == "us-east-1"
    assert resolver.ref("AWS::AccountId") == "123456789012"
    assert resolver.ref("AWS::Partition") == "aws"
    assert resolver.ref("AWS::URLSuffix") == "amazonaws.com"
    for name in ("AWS::StackName", "AWS::StackId", "AWS::NotificationARNs"):
        assert isinstance(resolver.ref(name), Unknown)
    assert resolver.ref("AWS::NoValue") is NO_VALUE


def test_region_and_account_overrides(template: LoadedTemplate) -> None:
    resolver = Resolver(template, region="cn-north-1", account_id="111122223333")
    assert resolver.partition == "aws-cn"
    assert resolver.ref("AWS::URLSuffix") == "amazonaws.com.cn"
    assert resolver.get_att("GeneratedGroup", "Arn").known_prefix() == (
        "arn:aws-cn:logs:cn-north-1:111122223333:log-group:"
    )
    gov = Resolver(template, region="us-gov-west-1")
    assert gov.ref("AWS::Partition") == "aws-us-gov"
    explicit = Resolver(template, region="eu-west-1", partition="aws")
    assert explicit.ref("AWS::Region") == "eu-west-1"


def test_partition_for_region() -> None:
    assert partition_for_region("us-east-1") == "aws"
    assert partition_for_region("cn-northwest-1") == "aws-cn"
    assert partition_for_region("us-gov-east-1") == "aws-us-gov"


def test_no_value_removes_keys_and_items(resolver: Resolver) -> None:
    node = y("{A: !Ref 'AWS::NoValue', B: 1, C: [x, !Ref 'AWS::NoValue', y]}")
    assert resolver.resolve(node) == {"B": 1, "C": ["x", "y"]}


def test_ref_to_resources(resolver: Resolver) -> None:
    assert resolver.resolve(y("!Ref NamedRole")) == ResourceRef("NamedRole")
    assert resolver.resolve(y("[!Ref GeneratedRole]")) == [ResourceRef("GeneratedRole")]
    assert resolver.resolve(y("!Ref AgentPolicy")) == ResourceRef("AgentPolicy")
    assert resolver.resolve(y("!Ref NamedGroup")) == "/app/prod/orders"
    assert resolver.resolve(y("!Ref GeneratedGroup")) == ResourceRef("GeneratedGroup")


def test_ref_to_nothing_is_unknown(resolver: Resolver) -> None:
    value = resolver.resolve(y("!Ref Nowhere"))
    assert isinstance(value, Unknown) and "Nowhere" in value.reason


def test_resource_ref_inside_sub_and_join(resolver: Resolver) -> None:
    assert resolver.resolve(y("!Sub '${NamedRole}'")) == "orders-role"
    assert resolver.resolve(y("!Sub '${AgentPolicy}'")) == (
        "arn:aws:iam::123456789012:policy/agent-extra"
    )
    joined = resolver.resolve(y("!Join ['/', [x, !Ref GeneratedRole]]"))
    assert joined == Partial(("x/", Unknown("generated name of resource GeneratedRole")))
    vpc = resolver.resolve(y("!Sub 'vpc=${Vpc}'"))
    assert isinstance(vpc, Partial) and "Vpc" in vpc.reason
    assert resolver.as_string(ResourceRef("Vpc", "CidrBlock")) == Unknown(
        "attribute CidrBlock of resource Vpc"
    )


# --- GetAtt --------------------------------------------------------------------------


def test_role_arn(resolver: Resolver) -> None:
    assert resolver.resolve(y("!GetAtt NamedRole.Arn")) == (
        "arn:aws:iam::123456789012:role/service/orders-role"
    )
    generated = resolver.resolve(y("!GetAtt [GeneratedRole, Arn]"))
    assert generated == Partial(
        ("arn:aws:iam::123456789012:role/", Unknown("generated name of resource GeneratedRole"))
    )


def test_log_group_arn_ends_with_colon_star(resolver: Resolver) -> None:
    assert resolver.resolve(y("!GetAtt NamedGroup.Arn")) == (
        "arn:aws:logs:us-east-1:123456789012:log-group:/app/prod/orders:*"
    )
    generated = resolver.resolve(y("!GetAtt GeneratedGroup.Arn"))
    assert isinstance(generated, Partial)
    assert generated.known_prefix() == "arn:aws:logs:us-east-1:123456789012:log-group:"
    assert generated.known_suffix() == ":*"


def test_other_arns(resolver: Resolver) -> None:
    assert resolver.resolve(y("!GetAtt Profile.Arn")) == (
        "arn:aws:iam::123456789012:instance-profile/agent-profile"
    )
    assert resolver.resolve(y("!GetAtt Orders.Arn")) == (
        "arn:aws:lambda:us-east-1:123456789012:function:orders"
    )
    key = resolver.resolve(y("!GetAtt Key.Arn"))
    assert key.known_prefix() == "arn:aws:kms:us-east-1:123456789012:key/"
    assert key.unknowns == (Unknown("key id of KMS key Key"),)
    sink = resolver.resolve(y("!GetAtt Sink.Arn"))
    assert sink.known_prefix() == "arn:aws:oam:us-east-1:123456789012:sink/"


def test_other_attributes_are_resource_refs(resolver: Resolver) -> None:
    assert resolver.resolve(y("!GetAtt NamedRole.RoleId")) == ResourceRef("NamedRole", "RoleId")
    assert resolver.resolve(y("!GetAtt Vpc.CidrBlock")) == ResourceRef("Vpc", "CidrBlock")


def test_getatt_of_missing_resource(resolver: Resolver) -> None:
    value = resolver.resolve(y("!GetAtt Ghost.Arn"))
    assert isinstance(value, Unknown) and "Ghost" in value.reason


def test_getatt_long_string_form(resolver: Resolver) -> None:
    assert resolver.resolve({"Fn::GetAtt": "Orders.Arn"}) == (
        "arn:aws:lambda:us-east-1:123456789012:function:orders"
    )


def test_getatt_attribute_from_ref(template: LoadedTemplate) -> None:
    resolver = Resolver(template, parameter_values={"Env": "Arn"})
    assert resolver.resolve(y("!GetAtt [Orders, !Ref Env]")) == (
        "arn:aws:lambda:us-east-1:123456789012:function:orders"
    )


# --- Sub -----------------------------------------------------------------------------


def test_managed_policy_arn_via_sub(resolver: Resolver) -> None:
    value = resolver.resolve(
        y("!Sub arn:${AWS::Partition}:iam::aws:policy/CloudWatchAgentServerPolicy")
    )
    assert value == "arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy"


def test_sub_partial_log_group_arn(resolver: Resolver) -> None:
    node = y("!Sub arn:aws:logs:${AWS::Region}:${AWS::AccountId}:log-group:${LogGroupParam}:*")
    value = resolver.resolve(node)
    assert value == Partial(
        (
            "arn:aws:logs:us-east-1:123456789012:log-group:",
            Unknown("parameter LogGroupParam has no default"),
            ":*",
        )
    )


def test_sub_forms(resolver: Resolver) -> None:
    assert resolver.resolve(y("!Sub '${!Literal}-${Env}'")) == "${Literal}-prod"
    assert resolver.resolve(y("!Sub ['${A}:${B}', {A: x, B: !Ref Env}]")) == "x:prod"
    assert resolver.resolve(y("!Sub '${NamedRole.Arn}'")) == (
        "arn:aws:iam::123456789012:role/service/orders-role"
    )
    assert resolver.resolve(y("!Sub 'no variables'")) == "no variables"
    unknown = resolver.resolve(y("!Sub '${Nope}'"))
    assert isinstance(unknown, Unknown) and "Nope" in unknown.reason


# --- Join, Select, Split, FindInMap --------------------------------------------------


def test_join(resolver: Resolver) -> None:
    assert resolver.resolve(y("!Join [',', [a, !Ref Env, 3, true]]")) == "a,prod,3,true"
    assert resolver.resolve(y("!Join ['-', !Ref Subnets]")) == "subnet-a-subnet-b-subnet-c"
    assert resolver.resolve(y("!Join ['', []]")) == ""
    partial = resolver.resolve(y("!Join [':', [a, !Ref NoDefault]]"))
    assert partial == Partial(("a:", Unknown("parameter NoDefault has no default")))
    assert isinstance(resolver.resolve(y("!Join [',', !GetAZs '']")), Unknown)


def test_join_drops_no_value_items(resolver: Resolver) -> None:
    node = y("!Join [',', [a, !If [IsDev, b, !Ref 'AWS::NoValue'], c]]")
    assert resolver.resolve(node) == "a,c"


def test_select(resolver: Resolver) -> None:
    assert resolver.resolve(y("!Select [1, [a, b, c]]")) == "b"
    assert resolver.resolve(y("!Select ['2', !Ref Subnets]")) == "subnet-c"
    assert resolver.resolve(y("!Select [!Ref Index, !Ref Subnets]")) == "subnet-b"
    assert isinstance(resolver.resolve(y("!Select [0, !GetAZs '']")), Unknown)
    assert isinstance(resolver.resolve(y("!Select [7, [a]]")), Unknown)
    assert isinstance(resolver.resolve(y("!Select [!Ref NoDefault, [a]]")), Unknown)


def test_split(resolver: Resolver) -> None:
    assert resolver.resolve(y("!Split [',', 'a,b,,c']")) == ["a", "b", "", "c"]
    node = y("!Select [5, !Split [':', !GetAtt NamedRole.Arn]]")
    assert resolver.resolve(node) == "role/service/orders-role"
    assert isinstance(resolver.resolve(y("!Split [',', !Ref NoDefault]")), Unknown)


def test_find_in_map(resolver: Resolver) -> None:
    assert resolver.resolve(y("!FindInMap [RegionMap, !Ref 'AWS::Region', Ami]")) == "ami-east"
    assert resolver.resolve(y("!FindInMap [RegionMap, us-east-1, Zones]")) == ["a", "b"]
    # a numeric YAML key (account id) matches its string form
    assert resolver.resolve(y("!FindInMap [Accounts, !Ref 'AWS::AccountId', Stage]")) == "test"
    missing = resolver.resolve(y("!FindInMap [RegionMap, ap-south-1, Ami]"))
    assert isinstance(missing, Unknown)
    with_default = y("!FindInMap [RegionMap, ap-south-1, Ami, {DefaultValue: ami-any}]")
    assert resolver.resolve(with_default) == "ami-any"
    assert isinstance(resolver.resolve(y("!FindInMap [RegionMap, !Ref NoDefault, Ami]")), Unknown)


# --- If and conditions ---------------------------------------------------------------


def test_if_follows_conditions(resolver: Resolver) -> None:
    assert resolver.resolve(y("!If [IsProd, big, small]")) == "big"
    assert resolver.resolve(y("!If [IsDev, big, small]")) == "small"
    assert resolver.resolve(y("{A: !If [IsDev, x, !Ref 'AWS::NoValue']}")) == {}


def test_if_both_branches_via_overrides(template: LoadedTemplate) -> None:
    node = y("!If [NeedsInput, !GetAtt NamedGroup.Arn, !Ref 'AWS::NoValue']")
    base = Resolver(template)
    assert base.conditions_used(node) == {"NeedsInput"}
    on = base.with_conditions({"NeedsInput": True})
    off = Resolver(template, condition_overrides={"NeedsInput": False})
    assert on.resolve(node) == "arn:aws:logs:us-east-1:123456789012:log-group:/app/prod/orders:*"
    assert off.resolve(node) is NO_VALUE


def test_if_on_unknown_condition(resolver: Resolver) -> None:
    value = resolver.resolve(y("!If [NeedsInput, a, b]"))
    assert isinstance(value, Unknown)
    assert value.reason.startswith("depends on condition NeedsInput")
    missing = resolver.resolve(y("!If [NoSuchCondition, a, b]"))
    assert isinstance(missing, Unknown) and "NoSuchCondition" in missing.reason


def test_condition_functions(resolver: Resolver) -> None:
    assert resolver.condition_value("IsProd") is True
    assert resolver.condition_value("IsDev") is False
    assert isinstance(resolver.condition_value("NeedsInput"), Unknown)
    assert isinstance(resolver.condition_value("ProdAndInput"), Unknown)
    assert resolver.condition_value("DevAndInput") is False  # False wins over unknown
    assert resolver.condition_value("ProdOrInput") is True  # True wins over unknown
    assert resolver.condition_value("InUsEast") is True
    plain_mapping = dict(parse_template(TEMPLATE).template)
    assert Resolver(plain_mapping, region="eu-west-1").condition_value("InUsEast") is False


def test_equals_partial_that_cannot_match() -> None:
    template = {"Conditions": {"C": {"Fn::Equals": [{"Fn::Sub": "a-${AWS::StackName}"}, "b-x"]}}}
    assert Resolver(template).condition_value("C") is False


def test_evaluate_conditions(resolver: Resolver) -> None:
    values = resolver.evaluate_conditions()
    assert values["IsProd"] is True and values["IsDev"] is False
    assert isinstance(values["NeedsInput"], Unknown)


def test_cyclic_conditions_raise() -> None:
    template = parse_template(
        "Conditions:\n"
        "  A: !Condition B\n"
        "  B: !And [!Equals [x, x], !Condition C]\n"
        "  C: !Not [!Condition A]\n"
        "Resources:\n"
        "  T:\n"
        "    Type: AWS::SNS::Topic\n"
        "    Properties: {DisplayName: !If [A, a, b]}\n",
        "cyclic.yaml",
    )
    resolver = Resolver(template)
    with pytest.raises(ResolveError) as info:
        resolver.resolve(template.resources["T"]["Properties"])
    assert info.value.message == "cyclic condition A -> B -> C -> A"
    assert info.value.line == 2
    assert isinstance(info.value, TemplateError)
    with pytest.raises(ResolveError):
        resolver.evaluate_conditions()
    # overriding a condition on the cycle breaks it
    assert Resolver(template, condition_overrides={"B": True}).condition_value("A") is True


def test_self_referencing_condition() -> None:
    with pytest.raises(ResolveError, match="cyclic condition A -> A"):
        Resolver({"Conditions": {"A": {"Condition": "A"}}}).condition_value("A")


def test_conditions_used_collects_nested_ifs(resolver: Resolver) -> None:
    node = y("{A: !If [IsProd, !If [IsDev, x, y], z], B: [!Sub ['${V}', {V: !If [C3, a, b]}]]}")
    assert resolver.conditions_used(node) == {"IsProd", "IsDev", "C3"}


# --- other functions -----------------------------------------------------------------


def test_import_value_getazs_cidr(resolver: Resolver) -> None:
    imported = resolver.resolve(y("!ImportValue shared-vpc-id"))
    assert isinstance(imported, Unknown) and "shared-vpc-id" in imported.reason
    assert isinstance(resolver.resolve(y("!GetAZs ''")), Unknown)
    assert isinstance(resolver.resolve(y("!Cidr [10.0.0.0/16, 4, 8]")), Unknown)


def test_base64_returns_the_text(resolver: Resolver) -> None:
    node = {"Fn::Base64": {"Fn::Sub": "#!/bin/bash\nenv=${Env}\n"}}
    assert resolver.resolve(node) == "#!/bin/bash\nenv=prod\n"


def test_length(resolver: Resolver) -> None:
    assert resolver.resolve(y("!Length [a, b, c]")) == 3
    assert resolver.resolve({"Fn::Length": {"Ref": "Subnets"}}) == 3
    assert isinstance(resolver.resolve({"Fn::Length": {"Fn::GetAZs": ""}}), Unknown)


def test_to_json_string(resolver: Resolver) -> None:
    assert resolver.resolve(y("!ToJsonString {env: !Ref Env, n: [1, true]}")) == (
        '{"env":"prod","n":[1,true]}'
    )
    assert isinstance(resolver.resolve(y("!ToJsonString {x: !Ref NoDefault}")), Unknown)
    assert isinstance(resolver.resolve(y("!ToJsonString {x: !Ref NamedRole}")), Unknown)


def test_unrecognised_function_is_unknown(resolver: Resolver) -> None:
    value = resolver.resolve(y("!Frobnicate x"))
    assert value == Unknown("unsupported intrinsic function Fn::Frobnicate")


def test_plain_values_pass_through(resolver: Resolver) -> None:
    node = y("{a: 1, b: 2.5, c: true, d: null, e: [x], f: {Condition: x, Other: 1}}")
    assert resolver.resolve(node) == {
        "a": 1,
        "b": 2.5,
        "c": True,
        "d": None,
        "e": ["x"],
        "f": {"Condition": "x", "Other": 1},
    }
    assert type(resolver.resolve(y("text"))) is str  # no decoder node classes leak
    assert resolver.resolve(y("2010-09-09")) == "2010-09-09"
    assert is_known(resolver.resolve(y("{a: [1, {b: c}]}")))


def test_resolver_accepts_plain_mapping() -> None:
    resolver = Resolver({"Parameters": {"P": {"Type": "String", "Default": "v"}}})
    assert resolver.resolve({"Fn::Sub": "${P}-${AWS::Region}"}) == "v-us-east-1"


# --- linking, cycles, depth, size ----------------------------------------------------


def test_resource_refs(resolver: Resolver) -> None:
    node = y(
        "{Role: !GetAtt NamedRole.Arn, Roles: [!Ref GeneratedRole, !Ref Env],"
        " Name: !Sub '${NamedGroup}-${AWS::Region}-${Sink.Arn}'}"
    )
    assert resolver.resource_refs(node) == [
        ResourceRef("NamedRole", "Arn"),
        ResourceRef("GeneratedRole"),
        ResourceRef("NamedGroup"),
        ResourceRef("Sink", "Arn"),
    ]


def test_sam_generated_role() -> None:
    template = parse_template(
        "Transform: AWS::Serverless-2016-10-31\n"
        "Resources:\n"
        "  Fn:\n"
        "    Type: AWS::Serverless::Function\n"
        "    Properties: {Handler: index.handler, FunctionName: fn}\n"
    )
    resolver = Resolver(template)
    assert resolver.resolve({"Ref": "FnRole"}) == ResourceRef("FnRole")
    arn = resolver.resolve({"Fn::GetAtt": ["FnRole", "Arn"]})
    assert isinstance(arn, Partial) and arn.known_prefix().endswith(":role/")
    assert resolver.resolve({"Fn::GetAtt": ["Fn", "Arn"]}).endswith(":function:fn")


def test_resource_name_cycle_is_unknown() -> None:
    template = {
        "Resources": {
            "A": {"Type": "AWS::Logs::LogGroup", "Properties": {"LogGroupName": {"Ref": "B"}}},
            "B": {
                "Type": "AWS::Logs::LogGroup",
                "Properties": {"LogGroupName": {"Fn::Sub": "${A}-x"}},
            },
        }
    }
    value = Resolver(template).resolve({"Fn::GetAtt": ["A", "Arn"]})
    assert isinstance(value, Partial)
    assert "circular reference B -> A -> B" in value.reason


def test_absurd_nesting_is_unknown() -> None:
    node: Any = "x"
    for _ in range(20_000):
        node = {"Fn::Join": ["", [node]]}
    assert Resolver({}).resolve(node) == Unknown("expression too deeply nested")
    condition: Any = {"Fn::Equals": ["a", "a"]}
    for _ in range(20_000):
        condition = {"Fn::Not": [condition]}
    value = Resolver({"Conditions": {"C": condition}}).condition_value("C")
    assert value == Unknown("expression too deeply nested")


def test_recursion_error_never_escapes() -> None:
    node: Any = "x"
    for _ in range(25):  # within MAX_DEPTH
        node = {"Fn::Join": ["", [node]]}
    resolver = Resolver({})
    here = len(inspect.stack(0))
    old_limit = sys.getrecursionlimit()
    sys.setrecursionlimit(here + 40)  # far fewer frames than 25 nested functions need
    try:
        value = resolver.resolve(node)
    finally:
        sys.setrecursionlimit(old_limit)
    assert value == Unknown("expression too deeply nested")
    assert resolver.resolve(node) == "x"  # state is clean afterwards


def test_large_template_is_linear() -> None:
    count = 10_000
    resources: dict[str, Any] = {
        "Group0": {"Type": "AWS::Logs::LogGroup", "Properties": {"LogGroupName": "base"}}
    }
    for index in range(1, count):
        resources[f"Group{index}"] = {
            "Type": "AWS::Logs::LogGroup",
            "Properties": {"LogGroupName": {"Fn::Sub": f"${{Group{index - 1}}}-x"}},
        }
        resources[f"Role{index}"] = {
            "Type": "AWS::IAM::Role",
            "Properties": {
                "RoleName": f"role-{index}",
                "Policies": [{"Resource": {"Fn::GetAtt": [f"Group{index}", "Arn"]}}],
            },
        }
    resolver = Resolver({"Resources": resources})
    start = time.monotonic()
    for resource in resources.values():
        resolver.resolve(resource.get("Properties", {}))
        resolver.conditions_used(resource)
    assert time.monotonic() - start < 10
    assert resolver.resolve({"Fn::GetAtt": ["Group30", "Arn"]}).endswith("base" + "-x" * 30 + ":*")
