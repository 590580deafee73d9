"""CWL021 ecs-awslogs-denied."""

from __future__ import annotations

from collections.abc import Iterable

from cwlint.findings import ERROR, INFO, Finding, Related
from cwlint.fixes import AttachRole, Fix, spelled
from cwlint.model import Model, Workload
from cwlint.rules.base import Rule
from cwlint.rules.container_logs import (
    OutputCalls,
    denied_finding,
    output_requirements,
    role_verdicts,
)
from cwlint.rules.fixing import with_fix
from cwlint.rules.requirements import log_group_arn
from cwlint.rules.resource_types import ECS_TASKS


class EcsAwslogsDenied(Rule):
    """An ECS task definition ships container logs with the `awslogs` driver, but its
    execution role cannot create streams in and put events to the group, or
    `awslogs-create-group` is `"true"` without `logs:CreateLogGroup`.

    The `awslogs` driver runs with the task's *execution* role (not the task role). The
    AWS managed `AmazonECSTaskExecutionRolePolicy` grants `logs:CreateLogStream` and
    `logs:PutLogEvents`, but not `logs:CreateLogGroup`. The driver (Docker's
    `daemon/logger/awslogs`, which Fargate uses too) calls `CreateLogStream` first and
    `CreateLogGroup` only when the group does not exist, so with
    `awslogs-create-group: "true"` a group declared in the same input needs no
    `logs:CreateLogGroup`; one that is not declared does.

    **Why monitoring goes silent.** With `awslogs-create-group: "true"` and no
    CreateLogGroup the task fails to start; with no stream permissions the container runs
    and its logs are dropped.

    A Fargate task without an execution role cannot ship logs at all; on the EC2 launch
    type the ECS agent falls back to the container instance's role (reported as info,
    since that role is configured elsewhere).

    **Failing example (CloudFormation).** The group `/ecs/orders` is not declared in the
    template, and the execution role has only `AmazonECSTaskExecutionRolePolicy`:
    ```yaml
    OrdersTask:
      Type: AWS::ECS::TaskDefinition
      Properties:
        RequiresCompatibilities: [FARGATE]
        NetworkMode: awsvpc
        Cpu: "256"
        Memory: "512"
        ExecutionRoleArn: !GetAtt ExecutionRole.Arn
        ContainerDefinitions:
          - Name: app
            Image: public.ecr.aws/docker/library/nginx:latest
            LogConfiguration:
              LogDriver: awslogs
              Options:
                awslogs-group: /ecs/orders
                awslogs-region: !Ref AWS::Region
                awslogs-stream-prefix: app
                awslogs-create-group: "true"
    ```

    **Fix (CloudFormation).** Set `ExecutionRoleArn` to a role with
    `AmazonECSTaskExecutionRolePolicy`, and when the driver creates the group add:
    ```yaml
    - Effect: Allow
      Action: logs:CreateLogGroup
      Resource: !Sub arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/ecs/orders:*
    ```

    **Fix (Terraform).** `execution_role_arn` on the `aws_ecs_task_definition`, and an
    `aws_iam_role_policy` with the statement above.
    """

    id = "CWL021"
    name = "ecs-awslogs-denied"
    title = "ECS execution role cannot ship awslogs container logs"
    severity = ERROR
    ensures = "Ensure the ECS execution role can ship the awslogs container logs"
    reports_on = ECS_TASKS
    missing_allow = True

    def subjects(self, model: Model) -> Iterable[str]:
        """The ECS task definitions that use the awslogs driver."""
        return [w.location.resource for w in _awslogs_tasks(model)]

    def check(self, model: Model) -> Iterable[Finding]:
        for workload in _awslogs_tasks(model):
            yield from self._check_task(model, workload)

    def _check_task(self, model: Model, workload: Workload) -> Iterable[Finding]:
        location = workload.location.at(workload.execution_role_line)
        role = workload.execution_role
        field = spelled("ecs_task.execution_role", model.syntax)
        if role is None:
            reason = workload.execution_role_unknown
            if reason is not None and reason.reason != "no role is set":
                yield Finding.at(location, self.id, INFO,
                                 f"cannot tell whether ECS task definition {workload.id} can "
                                 f"ship its awslogs logs: {reason.reason}")
            elif workload.fargate:
                managed = (f"arn:{model.partition}:iam::aws:policy/service-role/"
                           "AmazonECSTaskExecutionRolePolicy")
                yield with_fix(Finding.at(
                    workload.location, self.id, self.severity,
                    f"Fargate task definition {workload.id} uses the awslogs log driver but has "
                    f"no {field}, so nothing can create its log streams",
                ), Fix((AttachRole(workload.id, "ecs_task.execution_role",
                                   "ecs-tasks.amazonaws.com", managed_policies=(managed,)),)))
            else:
                yield Finding.at(
                    workload.location, self.id, INFO,
                    f"ECS task definition {workload.id} uses the awslogs log driver with no "
                    f"{field}: on EC2 the container instance's role must grant "
                    "logs:CreateLogStream and logs:PutLogEvents (not in this input)")
            return
        words = OutputCalls(self.id, lambda driver: log_group_arn(model, driver.group),
                            "the container's stream name",
                            lambda driver: f"ship container {driver.container}'s logs",
                            "create the group (awslogs-create-group)")
        verdicts = role_verdicts(model, role,
                                 output_requirements(model, workload.log_drivers, words))
        denied = denied_finding(
            location, self.id, self.severity, role, verdicts,
            f"ECS task definition {workload.id} ships logs with awslogs, but its execution "
            f"role {role.id} ")
        if denied is not None:
            yield denied
        elif verdicts.unknown:
            yield Finding.at(location, self.id, INFO,
                             f"cannot tell whether execution role {role.id} of {workload.id} "
                             f"can ship its awslogs logs: " + "; ".join(verdicts.reasons()),
                             (Related.of(role.location),))


def _awslogs_tasks(model: Model) -> list[Workload]:
    return [w for w in model.workloads if w.kind == "ecs-task" and w.log_drivers]
