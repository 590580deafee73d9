"""The HCL front end: parsing (cwlint.terraform.hcl), evaluating expressions where their
inputs are known (cwlint.terraform.expressions, functions), and modules
(cwlint.terraform.modules) -- everything not known statically stays Unknown."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cwlint.terraform import hcl
from cwlint.terraform.attributes import Environment
from cwlint.terraform.modules import read_configuration
from cwlint.terraform.reading import TerraformError
from cwlint.terraform.resources import TfResource
from cwlint.terraform.values import TfRef, json_document, json_text
from cwlint.values import Partial, Unknown

ENV = Environment()


def resources(tmp_path: Path, text: str, files: dict[str, str] | None = None
              ) -> dict[str, TfResource]:
    (tmp_path / "main.tf").write_text(text)
    for name, content in (files or {}).items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content)
    return {r.address: r for r in read_configuration(str(tmp_path), ENV).resources}


def value(tmp_path: Path, expression: str, prelude: str = "") -> Any:
    found = resources(tmp_path, prelude + f'\nresource "x_thing" "t" {{\n  v = {expression}\n}}\n')
    return found["x_thing.t"].body["v"]


# --- parsing -------------------------------------------------------------------------------


def test_blocks_labels_attributes_and_lines() -> None:
    body = hcl.parse('# comment\nresource "aws_iam_role" "app" {\n  name = "app" // trailing\n'
                     '  /* a\n  block comment */\n  inline_policy {\n    name = "x"\n  }\n}\n'
                     'locals { a = 1 }\n')
    role, local = body.blocks
    assert (role.type, role.labels, role.line, role.end_line) == (
        "resource", ["aws_iam_role", "app"], 2, 9)
    assert role.body.attributes["name"].line == 3
    assert role.body.blocks[0].type == "inline_policy"
    assert local.type == "locals" and "a" in local.body.attributes


@pytest.mark.parametrize(("text", "line", "words"), [
    ('resource "a" "b" {\n  x = "unterminated\n}\n', 2, "unterminated string"),
    ('resource "a" "b" {\n  x = 1\n', 2, "not closed"),
    ('a = 1\nresource "a" "b" {\n  role aws_iam_role.x.arn\n}\n', 3, "unexpected '.'"),
    ('x = [1, 2\ny = 3\n', 2, "unexpected 'y'"),
    ('x = <<EOT\nnever closed\n', 1, "heredoc EOT is not closed"),
    ('x = "${var.a"\n', 1, "unterminated string"),
    ('x = "\\q"\n', 1, "invalid escape"),
    ('a = 1\na = 2\n', 2, "defined twice"),
    ('x = 1 +\n', 1, "unexpected end"),
    ('x = "abc\n' + "a" * 60 + '\n', 1, "unterminated string"),  # no exponential backtracking
])
def test_syntax_errors_have_a_line_and_one_line_message(text: str, line: int, words: str) -> None:
    with pytest.raises(hcl.HclError) as caught:
        hcl.parse(text)
    assert caught.value.line == line
    assert words in caught.value.message
    assert "\n" not in caught.value.message


def test_deep_nesting_is_an_error_not_a_crash() -> None:
    with pytest.raises(hcl.HclError, match="nests too deeply"):
        hcl.parse("x = " + "[" * 500 + "]" * 500 + "\n")


def test_reference_strings_parse_as_traversals() -> None:
    expr = hcl.parse_expression('module.a["k.x"].aws_subnet.b[0].id')
    assert isinstance(expr, hcl.GetAttr) and expr.name == "id"


# --- expressions ---------------------------------------------------------------------------


@pytest.mark.parametrize(("expression", "expected"), [
    ('"a-${"b"}-${1 + 2}"', "a-b-3"),
    ('"$${literal} %%{x}"', "${literal} %{x}"),
    ('format("%s:%03d/%v", "a", 7, true)', "a:007/true"),
    ('join(",", ["a", "b"], ["c"])', "a,b,c"),
    ('concat(["a"], ["b", "c"])', ["a", "b", "c"]),
    ('jsonencode({b = [1, true, null], a = "x"})', '{"a":"x","b":[1,true,null]}'),
    ('jsondecode("{\\"a\\": [1]}")', {"a": [1]}),
    ("[for s in [\"a\", \"b\"] : upper(s) if s != \"b\"]", ["A"]),
    ('{for k, v in {a = 1, b = 2} : v => k}', {"1": "a", "2": "b"}),
    ('[{n = 1}, {n = 2}][*].n', [1, 2]),
    ('true ? "yes" : "no"', "yes"),
    ('!false && (1 < 2 || false)', True),
    ('lookup({a = "x"}, "b", "d")', "d"),
    ('cidrsubnet("10.0.0.0/16", 8, 3)', "10.0.3.0/24"),
    ('merge({a = 1}, {b = 2})', {"a": 1, "b": 2}),
    ('base64decode(base64encode("hi"))', "hi"),
    ('"%{if true}on%{else}off%{endif} %{for x in [1, 2]}${x}%{endfor}"', "on 12"),
    ('<<EOT\na  ${~ "b" ~}  c\nEOT\n', "abc\n"),
    ('element(["a", "b"], 3)', "b"),
    ('toset(["b", "a", "b"])', ["a", "b"]),
])
def test_known_expressions_are_evaluated(tmp_path: Path, expression: str, expected: Any) -> None:
    assert value(tmp_path, expression) == expected


def test_heredocs_keep_interpolation_and_strip_indentation(tmp_path: Path) -> None:
    found = value(tmp_path, '<<-EOT\n    {\n      "a": "${var.x}"\n    }\n  EOT',
                  'variable "x" {\n  default = "v"\n}\n')
    assert found == '{\n  "a": "v"\n}\n'
    assert value(tmp_path, "<<EOT\n  kept\nEOT") == "  kept\n"


@pytest.mark.parametrize(("expression", "reason"), [
    ("var.missing", "var.missing has no default"),
    ('file("policy.json")', "file() cannot read policy.json"),  # no such file
    ('templatefile("x.tpl", {})', "templatefile() cannot read x.tpl"),
    ('file("../outside.json")', "outside the module: not read"),
    ('file("/etc/hostname")', "outside the module: not read"),
    ("var.missing ? 1 : 2", "a condition is not known statically"),
    ("[for x in var.missing : x]", "collection that is not known statically"),
    ("timestamp()", "function timestamp() is not evaluated"),
    ('provider::aws::arn_parse("x")', "provider function"),
    ("local.loop", "refers to itself"),
])
def test_what_is_not_known_statically_is_unknown(tmp_path: Path, expression: str,
                                                 reason: str) -> None:
    prelude = 'variable "missing" {\n  type = string\n}\nlocals {\n  loop = local.loop\n}\n'
    found = value(tmp_path, expression, prelude)
    assert isinstance(found, Unknown), found
    assert reason in found.reason


def test_partly_known_strings_keep_their_known_parts(tmp_path: Path) -> None:
    found = value(tmp_path, '"arn:aws:logs:us-east-1:123456789012:log-group:${var.g}:*"',
                  'variable "g" {}\n')
    assert isinstance(found, Partial)
    assert found.known_prefix() == "arn:aws:logs:us-east-1:123456789012:log-group:"
    assert found.known_suffix() == ":*"


def test_variables_locals_tfvars_and_data_sources(tmp_path: Path) -> None:
    found = resources(tmp_path, '''
variable "ns" {
  default = "Orders"
}
variable "env" {}
locals {
  name = "${var.env}-${lower(var.ns)}"
}
data "aws_region" "current" {}
data "aws_caller_identity" "me" {}
resource "x_thing" "t" {
  name = local.name
  arn  = "arn:aws:logs:${data.aws_region.current.name}:${data.aws_caller_identity.me.account_id}:x"
}
''', {"terraform.tfvars": 'env = "prod"\n', "x.auto.tfvars": 'ns = "Billing"\n'})
    body = found["x_thing.t"].body
    assert body["name"] == "prod-billing"
    assert body["arn"] == "arn:aws:logs:us-east-1:123456789012:x"


def test_resource_attributes_known_after_apply_are_references(tmp_path: Path) -> None:
    found = resources(tmp_path, '''
resource "aws_iam_role" "named" {
  name = "app"
  path = "/service/"
}
resource "aws_iam_role" "generated" {}
resource "aws_cloudwatch_log_group" "g" {
  name = "/app"
}
resource "x_thing" "t" {
  named     = aws_iam_role.named.arn
  generated = aws_iam_role.generated.arn
  group     = aws_cloudwatch_log_group.g.arn
  id        = aws_iam_role.generated.unique_id
}
''')
    body = found["x_thing.t"].body
    assert body["named"] == "arn:aws:iam::123456789012:role/service/app"
    assert isinstance(body["generated"], Partial)
    assert body["generated"].known_prefix() == "arn:aws:iam::123456789012:role/"
    assert body["group"] == "arn:aws:logs:us-east-1:123456789012:log-group:/app"  # no :*
    assert body["id"] == TfRef("aws_iam_role.generated.unique_id is known only after apply",
                               "aws_iam_role.generated", "unique_id")
    assert body.refs["named"] == ("aws_iam_role.named.arn", "aws_iam_role.named")


def test_count_for_each_and_dynamic_blocks(tmp_path: Path) -> None:
    found = resources(tmp_path, '''
variable "unknown" {}
resource "aws_subnet" "s" {
  count      = 2
  cidr_block = "10.0.${count.index}.0/24"
}
resource "aws_subnet" "m" {
  for_each   = {a = "10.1.0.0/24", b = "10.2.0.0/24"}
  cidr_block = each.value
}
resource "aws_subnet" "off" {
  count = 0
}
resource "aws_subnet" "maybe" {
  count = var.unknown ? 1 : 0
}
resource "aws_security_group" "g" {
  dynamic "ingress" {
    for_each = [80, 443]
    content {
      from_port = ingress.value
      to_port   = ingress.value
    }
  }
}
resource "x_thing" "t" {
  all = aws_subnet.s[*].cidr_block
  one = aws_subnet.m["b"].cidr_block
}
''')
    assert {"aws_subnet.s[0]", "aws_subnet.s[1]", 'aws_subnet.m["a"]', 'aws_subnet.m["b"]',
            "aws_subnet.maybe"} <= set(found)
    assert not any(a.startswith("aws_subnet.off") for a in found)
    assert [b["from_port"] for b in found["aws_security_group.g"].body.blocks("ingress")] == [
        80, 443]
    body = found["x_thing.t"].body
    assert body["all"] == ["10.0.0.0/24", "10.0.1.0/24"]
    assert body["one"] == "10.2.0.0/24"


def test_local_modules_are_followed_with_their_inputs(tmp_path: Path) -> None:
    found = resources(tmp_path, '''
resource "aws_iam_role" "r" {}
module "app" {
  source = "./modules/app"
  role   = aws_iam_role.r.arn
  name   = "orders"
}
module "many" {
  source   = "./modules/app"
  for_each = toset(["a"])
  role     = "x"
  name     = each.key
}
resource "x_thing" "t" {
  out = module.app.function_name
}
''', {"modules/app/main.tf": '''
variable "role" {}
variable "name" {}
resource "aws_lambda_function" "f" {
  function_name = var.name
  role          = var.role
}
output "function_name" {
  value = aws_lambda_function.f.function_name
}
'''})
    function = found["module.app.aws_lambda_function.f"]
    assert function.location.file == str(tmp_path / "modules" / "app" / "main.tf")
    assert isinstance(function.body["role"], Partial)
    assert function.body.refs["role"] == ("aws_iam_role.r.arn", "aws_iam_role.r")
    assert found['module.many["a"].aws_lambda_function.f'].body["function_name"] == "a"
    assert found["x_thing.t"].body["out"] == "orders"


def test_registry_modules_are_noted_once_and_unknown(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text('''
module "vpc" {
  source = "terraform-aws-modules/vpc/aws"
}
resource "x_thing" "t" {
  a = module.vpc.vpc_id
  b = module.vpc.private_subnets
}
''')
    result = read_configuration(str(tmp_path), ENV)
    assert [(n.address, n.source, n.location.line) for n in result.modules_not_followed] == [
        ("module.vpc", "terraform-aws-modules/vpc/aws", 2)]
    body = result.resources[0].body
    assert isinstance(body["a"], Unknown) and "does not fetch" in body["a"].reason


def test_a_file_that_cannot_be_parsed_is_named_with_its_line(tmp_path: Path) -> None:
    (tmp_path / "a.tf").write_text('resource "x" "y" {}\n')
    (tmp_path / "b.tf").write_text('resource "x" "z" {\n  a = \n}\n')
    with pytest.raises(TerraformError) as caught:
        read_configuration(str(tmp_path), ENV)
    assert (caught.value.path, caught.value.line) == (str(tmp_path / "b.tf"), 2)


def test_duplicate_resources_across_files_are_an_error(tmp_path: Path) -> None:
    (tmp_path / "a.tf").write_text('resource "x" "y" {}\n')
    (tmp_path / "b.tf").write_text('\nresource "x" "y" {}\n')
    with pytest.raises(TerraformError, match=r"x\.y is declared twice") as caught:
        read_configuration(str(tmp_path), ENV)
    assert caught.value.line == 2


# --- JSON with unknown holes ---------------------------------------------------------------


def test_json_text_and_document_keep_unknown_parts() -> None:
    arn = TfRef("x.arn is known only after apply", "aws_cloudwatch_log_group.x", "arn")
    document = {"Statement": [{"Resource": Partial((arn, ":*")), "Action": arn}]}
    text = json_text(document)
    assert isinstance(text, Partial)
    back = json_document(text)
    assert back["Statement"][0]["Resource"] == Partial((arn, ":*"))
    assert back["Statement"][0]["Action"] == arn
    assert json_document(json.dumps({"a": 1})) == {"a": 1}
    with pytest.raises(ValueError):
        json_document("{not json")


def test_override_files_merge_into_the_blocks_they_override(tmp_path: Path) -> None:
    found = resources(tmp_path, '''
resource "aws_lambda_function" "f" {
  function_name = "f"
  role          = "arn:aws:iam::123456789012:role/a"
  environment {
    variables = { A = "1" }
  }
}
''', {"main_override.tf": '''
resource "aws_lambda_function" "f" {
  role = "arn:aws:iam::123456789012:role/b"
  environment {
    variables = { B = "2" }
  }
}
'''})
    body = found["aws_lambda_function.f"].body
    assert body["function_name"] == "f"
    assert body["role"] == "arn:aws:iam::123456789012:role/b"
    assert [b["variables"] for b in body.blocks("environment")] == [{"B": "2"}]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=' \n\t"#/*${}[]()=:,.<>-~%!?&|+abxyz019\\', max_size=120))
def test_any_text_parses_or_is_a_one_line_syntax_error(text: str) -> None:
    try:
        hcl.parse(text)
    except hcl.HclError as error:
        assert error.line is not None and error.line >= 1
        assert "\n" not in error.message


# --- plain strings blanked for tree-sitter ---------------------------------------------------

_TRICKY_FILES = [
    'resource "aws_iam_role" "app" {\n  name = "orders-app"\n  tags = { "Team" = "payments" }\n}\n',
    'x = "${replace(a, "/^(.*provider/)/", "")}:sub"\ny = "after the interpolation"\n',
    'a = "say \\"quoted\\" here" # and "this" too\nb = "plain text"\n',
    '/* a "comment */ b = "still a string" /* "x" */\nc = "ccc cc"\n',
    'doc = <<EOT\n  "quoted" in a heredoc, ${var.x} "and more"\nEOT\nd = "dddd"\n',
    'e = ["üñïçødé text", "ascii text"]\nf = { k = "v v v v" }\n',
    'g = "%{ if true }yes%{ endif } \\"q\\" $x 100%"\nh = "hhhh"\n',
    'i = "${"nested string"} and ${ "another" }"\nj = "jjjj"\n',
]


@pytest.mark.parametrize("text", _TRICKY_FILES)
def test_blanked_strings_give_the_tree_of_the_real_file(text: str) -> None:
    """The syntax tree read through the blanked file equals the one read from the real
    file's tree-sitter tree, lines and columns included (or the file is read for real)."""
    source = text.encode()
    real = hcl._file_body(hcl._Converter(source, 0), hcl._syntax_tree(source).root_node)
    assert hcl.parse(text) == real
