"""The Terraform builder: which resources reach which model elements (roles and the
policies that reach them, workloads and their placement, the network, services)."""

from __future__ import annotations

from pathlib import Path

from cwlint.model import Model
from cwlint.terraform.attributes import Environment
from cwlint.terraform.builder import build_model
from cwlint.terraform.modules import read_configuration
from cwlint.values import Unknown

ENV = Environment()
TRUST = '''  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole",
                   Principal = { Service = "lambda.amazonaws.com" } }]
  })
'''


def model(tmp_path: Path, text: str) -> Model:
    (tmp_path / "main.tf").write_text(text)
    return build_model(read_configuration(str(tmp_path), ENV), ENV)


def test_every_way_a_policy_reaches_a_role(tmp_path: Path) -> None:
    built = model(tmp_path, f'''
resource "aws_iam_role" "r" {{
  name = "r"
{TRUST}
  permissions_boundary = "arn:aws:iam::aws:policy/PowerUserAccess"
  inline_policy {{
    name   = "inline"
    policy = jsonencode({{ Version = "2012-10-17", Statement = [
      {{ Effect = "Allow", Action = "s3:GetObject", Resource = "*" }}] }})
  }}
}}
resource "aws_iam_policy" "customer" {{
  name   = "customer"
  policy = data.aws_iam_policy_document.merged.json
}}
data "aws_iam_policy_document" "base" {{
  statement {{
    sid       = "Metrics"
    actions   = ["cloudwatch:GetMetricData"]
    resources = ["*"]
  }}
}}
data "aws_iam_policy_document" "merged" {{
  source_policy_documents = [data.aws_iam_policy_document.base.json]
  statement {{
    sid       = "Metrics"
    actions   = ["cloudwatch:PutMetricData"]
    resources = ["*"]
    condition {{
      test     = "StringEquals"
      variable = "cloudwatch:namespace"
      values   = ["Orders"]
    }}
  }}
}}
resource "aws_iam_role_policy_attachment" "customer" {{
  role       = aws_iam_role.r.name
  policy_arn = aws_iam_policy.customer.arn
}}
resource "aws_iam_policy_attachment" "shared" {{
  name       = "shared"
  roles      = [aws_iam_role.r.name]
  policy_arn = "arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy"
}}
resource "aws_iam_role_policy" "kept" {{
  name   = "kept"
  role   = aws_iam_role.r.id
  policy = jsonencode({{ Version = "2012-10-17", Statement = [
    {{ Effect = "Allow", Action = "sqs:*", Resource = "*" }}] }})
}}
resource "aws_iam_role_policy" "dropped" {{
  name   = "dropped"
  role   = aws_iam_role.r.id
  policy = jsonencode({{ Version = "2012-10-17", Statement = [
    {{ Effect = "Allow", Action = "sns:*", Resource = "*" }}] }})
}}
resource "aws_iam_role_policies_exclusive" "r" {{
  role_name    = aws_iam_role.r.name
  policy_names = ["inline", "kept"]
}}
''')
    role = built.roles["aws_iam_role.r"]
    assert [(p.name, p.kind) for p in role.policies] == [
        ("inline", "inline"), ("kept", "policy"), ("customer", "managed"),
        ("CloudWatchAgentServerPolicy", "aws-managed")]
    assert role.boundary is not None and role.boundary.name == "PowerUserAccess"
    assert role.unresolved == []
    merged = next(p for p in role.policies if p.name == "customer").policy
    (statement,) = merged.statements  # the Sid "Metrics" of the document replaced the source's
    assert statement.raw_actions == ("cloudwatch:PutMetricData",)
    assert [c.describe() for c in statement.conditions] == [  # type: ignore[union-attr]
        "StringEquals cloudwatch:namespace = ['Orders']"]


def test_attachments_cwlint_cannot_resolve_are_recorded(tmp_path: Path) -> None:
    built = model(tmp_path, f'''
variable "policy_arn" {{}}
resource "aws_iam_role" "r" {{
  name = "r"
{TRUST}
  managed_policy_arns = [var.policy_arn, "arn:aws:iam::123456789012:policy/elsewhere"]
}}
''')
    reasons = [u.reason for u in built.roles["aws_iam_role.r"].unresolved]
    assert reasons == ["a managed policy ARN of aws_iam_role.r: var.policy_arn has no default",
                       "managed policy arn:aws:iam::123456789012:policy/elsewhere is not in "
                       "this input"]


def test_instances_launch_templates_and_their_placement(tmp_path: Path) -> None:
    built = model(tmp_path, '''
resource "aws_vpc" "v" {
  cidr_block = "10.0.0.0/16"
}
resource "aws_subnet" "a" {
  vpc_id     = aws_vpc.v.id
  cidr_block = "10.0.1.0/24"
}
resource "aws_iam_role" "r" {
  name = "r"
  assume_role_policy = "{}"
}
resource "aws_iam_instance_profile" "p" {
  name = "p"
  role = aws_iam_role.r.name
}
resource "aws_launch_template" "t" {
  name = "t"
  iam_instance_profile {
    name = aws_iam_instance_profile.p.name
  }
  tags = { "cwlint:agent" = "true" }
}
resource "aws_autoscaling_group" "g" {
  vpc_zone_identifier = [aws_subnet.a.id]
  max_size            = 1
  min_size            = 1
  launch_template {
    id = aws_launch_template.t.id
  }
}
resource "aws_network_interface" "eni" {
  subnet_id       = aws_subnet.a.id
  security_groups = [aws_vpc.v.default_security_group_id]
}
resource "aws_instance" "i" {
  ami = "ami-1"
  network_interface {
    network_interface_id = aws_network_interface.eni.id
    device_index         = 0
  }
}
''')
    workloads = {w.id: w for w in built.workloads}
    template = workloads["aws_launch_template.t"]
    assert template.role is built.roles["aws_iam_role.r"]
    assert template.signals.agent is not None and template.signals.agent.source == \
        "tag cwlint:agent"
    assert template.placement is not None and template.placement.subnets == ["aws_subnet.a"]
    instance = workloads["aws_instance.i"]
    assert instance.has_instance_profile is False
    assert instance.placement is not None
    assert instance.placement.security_groups == ["aws_vpc.v.default_security_group_id"]


def test_route_tables_main_tables_and_default_groups(tmp_path: Path) -> None:
    built = model(tmp_path, '''
resource "aws_vpc" "v" {
  cidr_block = "10.0.0.0/16"
}
resource "aws_subnet" "a" {
  vpc_id     = aws_vpc.v.id
  cidr_block = "10.0.1.0/24"
}
resource "aws_internet_gateway" "igw" {
  vpc_id = aws_vpc.v.id
}
resource "aws_route" "default" {
  route_table_id         = aws_vpc.v.main_route_table_id
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = aws_internet_gateway.igw.id
}
resource "aws_default_security_group" "d" {
  vpc_id = aws_vpc.v.id
  egress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/16"]
  }
}
resource "aws_security_group" "bare" {
  vpc_id = aws_vpc.v.id
}
resource "aws_security_group_rule" "from_default" {
  type                     = "ingress"
  security_group_id        = aws_security_group.bare.id
  from_port                = 443
  to_port                  = 443
  protocol                 = "tcp"
  source_security_group_id = aws_default_security_group.d.id
}
''')
    main = built.route_tables["aws_vpc.v.main_route_table_id"]
    assert main.main and [(r.destination, r.target) for r in main.routes] == [
        ("0.0.0.0/0", "internet-gateway")]
    assert built.subnets["aws_subnet.a"].route_table is None  # uses the main table
    default = built.security_groups["aws_vpc.v.default_security_group_id"]
    assert default.default_egress is False and len(default.egress) == 1 and not default.ingress
    bare = built.security_groups["aws_security_group.bare"]
    assert bare.default_egress is False and bare.egress == []
    assert [(r.peer, r.peer_kind) for r in bare.ingress] == [
        ("aws_vpc.v.default_security_group_id", "group")]


def test_services_kms_ecs_oam(tmp_path: Path) -> None:
    built = model(tmp_path, '''
resource "aws_kms_key" "k" {}
resource "aws_kms_key_policy" "k" {
  key_id = aws_kms_key.k.id
  policy = jsonencode({ Version = "2012-10-17", Statement = [
    { Effect = "Allow", Principal = "*", Action = "kms:*", Resource = "*" }] })
}
resource "aws_cloudwatch_log_group" "g" {
  name       = "/g"
  kms_key_id = aws_kms_key.k.arn
}
resource "aws_ecs_task_definition" "t" {
  family                = "t"
  container_definitions = jsonencode([{
    name = "app", environment = [{ name = "CW_METRICS_NAMESPACE", value = "App" }] }])
}
resource "aws_ecs_service" "s" {
  task_definition = aws_ecs_task_definition.t.arn
  network_configuration {
    subnets = ["subnet-0abc"]
  }
}
resource "aws_oam_sink" "s" {
  name = "s"
}
resource "aws_oam_link" "l" {
  sink_identifier = aws_oam_sink.s.arn
  resource_types  = var.types
}
variable "types" {}
''')
    assert built.log_groups["aws_cloudwatch_log_group.g"].kms_key == "aws_kms_key.k"
    key = built.kms_keys["aws_kms_key.k"]
    assert key.policy is not None and key.policy.statements[0].sid is None
    task = next(w for w in built.workloads if w.id == "aws_ecs_task_definition.t")
    assert [s.namespace for s in task.signals.metrics] == ["App"]
    assert task.role_unknown == Unknown("the task definition has no task_role_arn")
    assert task.placement is not None and isinstance(task.placement.subnets[0], Unknown)
    assert "subnet subnet-0abc is not in this input" in task.placement.subnets[0].reason
    link = built.oam_links["aws_oam_link.l"]
    assert link.sink == "aws_oam_sink.s" and isinstance(link.resource_types, Unknown)
