"""The plan front end (cwlint.terraform.plan): which resources a plan says will exist, what
is unknown until apply, and the configuration references that link them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from cwlint.terraform.attributes import Environment
from cwlint.terraform.builder import build_model
from cwlint.terraform.plan import NotAPlan, load_plan, plan_resources, reference_parts
from cwlint.terraform.reading import TerraformError
from cwlint.values import Unknown
from tests.fixture_layout import plans


def plan(resources: list[dict[str, Any]], changes: list[dict[str, Any]] | None = None,
         configuration: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    return {"format_version": "1.2", "planned_values": {"root_module": {"resources": resources}},
            "resource_changes": changes or [], "configuration": configuration or {}, **extra}


def resource(address: str, values: dict[str, Any]) -> dict[str, Any]:
    rtype, name = address.split(".")[-2:]
    return {"address": address, "mode": "managed", "type": rtype, "name": name,
            "values": values}


def change(address: str, actions: list[str], unknown: dict[str, Any]) -> dict[str, Any]:
    rtype, name = address.split(".")[-2:]
    return {"address": address, "mode": "managed", "type": rtype, "name": name,
            "change": {"actions": actions, "after_unknown": unknown}}


def test_after_unknown_marks_values_known_only_after_apply() -> None:
    read = plan_resources(plan(
        [resource("aws_lambda_function.f", {"function_name": "f",
                                            "vpc_config": [{"subnet_ids": [None, "subnet-1"]}]})],
        [change("aws_lambda_function.f", ["create"],
                {"role": True, "vpc_config": [{"subnet_ids": [True, False]}]})]), "p.json")
    (function,) = read.resources
    assert isinstance(function.body["role"], Unknown)
    assert "aws_lambda_function.f.role is known only after apply" in function.body["role"].reason
    subnets = function.body["vpc_config"][0]["subnet_ids"]
    assert isinstance(subnets[0], Unknown) and subnets[1] == "subnet-1"
    assert function.configured is None  # no configuration section: cannot tell


def test_deleted_resources_are_ignored_and_replaced_ones_kept() -> None:
    read = plan_resources(plan(
        [resource("aws_iam_role.kept", {"name": "kept"})],
        [change("aws_iam_role.gone", ["delete"], {}),
         change("aws_iam_role.kept", ["delete", "create"], {})]), "p.json")
    assert [r.address for r in read.resources] == ["aws_iam_role.kept"]


@pytest.mark.parametrize(("reference", "parts"), [
    ("aws_vpc.main.id", ["aws_vpc", "main", "id"]),
    ("var.name", ["var", "name"]),
    ("module.a.module.b", ["module", "a", "module", "b"]),
    ('module.a["x.y"].aws_s3_bucket.b[0].id',
     ["module", 'a["x.y"]', "aws_s3_bucket", "b[0]", "id"]),
    ("aws_subnet.a[each.key].id", ["aws_subnet", "a[each.key]", "id"]),
    ('aws_s3_bucket.b["a.b"]', ["aws_s3_bucket", 'b["a.b"]']),
])
def test_references_split_at_the_dots_outside_brackets(reference: str, parts: list[str]
                                                       ) -> None:
    assert reference_parts(reference) == parts


def test_references_follow_module_inputs_and_outputs() -> None:
    configuration = {"root_module": {
        "resources": [{"address": "x_thing.t", "mode": "managed", "type": "x_thing",
                       "name": "t", "expressions": {
                           "a": {"references": ["module.iam.role_arn", "module.iam"]}}}],
        "module_calls": {
            "iam": {"source": "./iam", "module": {
                "resources": [{"address": "aws_iam_role.r", "mode": "managed",
                               "type": "aws_iam_role", "name": "r", "expressions": {}}],
                "outputs": {"role_arn": {"expression": {
                    "references": ["aws_iam_role.r.arn", "aws_iam_role.r"]}}}}},
            "app": {"source": "./app", "expressions": {
                "role": {"references": ["aws_iam_role.root.arn", "aws_iam_role.root"]}},
                "module": {"resources": [{
                    "address": "aws_lambda_function.f", "mode": "managed",
                    "type": "aws_lambda_function", "name": "f",
                    "expressions": {"role": {"references": ["var.role"]},
                                    "handler": {"constant_value": "h"}}}]}}}}}
    read = plan_resources(plan([
        resource("x_thing.t", {}),
        resource('module.app["a"].aws_lambda_function.f', {"handler": "h"}),
        resource("module.iam.aws_iam_role.r", {})], configuration=configuration), "p.json")
    by_address = {r.address: r for r in read.resources}
    assert by_address["x_thing.t"].body.refs["a"] == ("module.iam.aws_iam_role.r.arn",
                                                     "module.iam.aws_iam_role.r")
    function = by_address['module.app["a"].aws_lambda_function.f']
    assert function.module == 'module.app["a"]'
    assert function.body.refs["role"] == ("aws_iam_role.root.arn", "aws_iam_role.root")
    assert function.configured == frozenset({"role", "handler"})
    assert isinstance(function.body["role"], Unknown)  # set, but not in the planned values


def test_data_sources_read_while_planning_come_from_the_prior_state() -> None:
    read = plan_resources(plan([], prior_state={"values": {"root_module": {"resources": [{
        "address": "data.aws_iam_policy_document.d", "mode": "data",
        "type": "aws_iam_policy_document", "name": "d", "values": {"json": "{}"}}]}}}),
        "p.json")
    assert [(r.address, r.mode, r.body["json"]) for r in read.resources] == [
        ("data.aws_iam_policy_document.d", "data", "{}")]


def test_instance_user_data_hash_is_replaced_by_the_configured_script() -> None:
    script = "#!/bin/bash\namazon-cloudwatch-agent-ctl -a fetch-config\n"
    configuration = {"root_module": {"resources": [{
        "address": "aws_instance.web", "mode": "managed", "type": "aws_instance",
        "name": "web", "expressions": {"user_data": {"constant_value": script}}}]}}
    read = plan_resources(plan([resource("aws_instance.web", {"user_data": "a" * 40})],
                               configuration=configuration), "p.json")
    assert read.resources[0].body["user_data"] == script


def test_computed_values_the_configuration_does_not_set_are_left_out() -> None:
    """A security group without egress blocks: Terraform removes the default rule, and the
    plan's unknown egress must not look like a rule that might allow it."""
    configuration = {"root_module": {"resources": [{
        "address": "aws_security_group.g", "mode": "managed", "type": "aws_security_group",
        "name": "g", "expressions": {"name": {"constant_value": "g"}}}]}}
    read = plan_resources(plan(
        [resource("aws_security_group.g", {"name": "g"})],
        [change("aws_security_group.g", ["create"], {"egress": True, "ingress": True,
                                                     "id": True})],
        configuration=configuration), "p.json")
    body = read.resources[0].body
    assert "egress" not in body and "id" not in body
    model = build_model(read, Environment())
    assert model.security_groups["aws_security_group.g"].egress == []


def test_provider_region_of_the_configuration_is_used() -> None:
    read = plan_resources(plan([], configuration={"provider_config": {"aws": {
        "expressions": {"region": {"constant_value": "eu-west-1"}}}}}), "p.json")
    assert read.region == "eu-west-1"


@pytest.mark.parametrize(("content", "error", "words"), [
    ("{not json", TerraformError, "not valid JSON"),
    ('{"format_version": "1.2"}', NotAPlan, "not a Terraform plan"),
    ('{"format_version": "2.0", "planned_values": {}}', TerraformError,
     "unsupported plan format_version 2.0"),
    ("[]", NotAPlan, "not a Terraform plan"),
])
def test_files_that_are_not_plans(tmp_path: Path, content: str, error: type[Exception],
                                  words: str) -> None:
    path = tmp_path / "plan.json"
    path.write_text(content)
    with pytest.raises(error, match=words):
        load_plan(str(path))


@pytest.mark.parametrize("path", plans(), ids=lambda p: p.parent.name)
def test_every_fixture_plan_loads(path: Path) -> None:
    read = plan_resources(load_plan(str(path)), str(path))
    assert read.resources
    assert all(r.location.line is None and r.location.resource == r.address
               for r in read.resources)
    json.dumps([r.address for r in read.resources])
