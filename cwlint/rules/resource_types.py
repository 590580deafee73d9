"""The resource types rules report on (:attr:`cwlint.rules.base.Rule.reports_on`), in
CloudFormation's and Terraform's names, grouped as the rule pages speak of them."""

from __future__ import annotations

from cwlint.rules.base import ResourceTypes

LAMBDA = ResourceTypes(("AWS::Lambda::Function", "AWS::Serverless::Function"),
                       ("aws_lambda_function",))
INSTANCES = ResourceTypes(
    ("AWS::EC2::Instance", "AWS::EC2::LaunchTemplate", "AWS::AutoScaling::LaunchConfiguration"),
    ("aws_instance", "aws_launch_template", "aws_launch_configuration"))
ECS_TASKS = ResourceTypes(("AWS::ECS::TaskDefinition",), ("aws_ecs_task_definition",))
#: Lambda functions, instances, launch templates and configurations, ECS task definitions.
WORKLOADS = LAMBDA + INSTANCES + ECS_TASKS
#: What carries a policy: roles, policies, users, groups (and SAM functions, which carry
#: their role's policies).
POLICY_BEARING = ResourceTypes(
    ("AWS::IAM::Role", "AWS::IAM::Policy", "AWS::IAM::ManagedPolicy", "AWS::IAM::RolePolicy",
     "AWS::IAM::User", "AWS::IAM::Group", "AWS::IAM::UserPolicy", "AWS::IAM::GroupPolicy",
     "AWS::Serverless::Function"),
    ("aws_iam_role", "aws_iam_role_policy", "aws_iam_policy"))
ENDPOINTS = ResourceTypes(("AWS::EC2::VPCEndpoint",), ("aws_vpc_endpoint",))
LOG_GROUPS = ResourceTypes(("AWS::Logs::LogGroup",), ("aws_cloudwatch_log_group",))
ALARMS = ResourceTypes(("AWS::CloudWatch::Alarm",), ("aws_cloudwatch_metric_alarm",))
