"""CWL023 firelens-logs-denied."""

from __future__ import annotations

from collections.abc import Iterable

from cwlint.findings import ERROR, INFO, Finding, Related
from cwlint.fixes import AttachRole, Fix
from cwlint.frontend.arns import log_group_arn
from cwlint.model import LogDriver, Model, Workload
from cwlint.rules.base import Rule
from cwlint.rules.container_logs import (
    OutputCalls,
    denied_finding,
    output_requirements,
    role_verdicts,
)
from cwlint.rules.fixing import with_fix
from cwlint.rules.resource_types import ECS_TASKS
from cwlint.values import StrValue, concat

#: What the front ends say when the task definition names no task role at all.
NO_TASK_ROLE = ("the task definition has no TaskRoleArn",
                "the task definition has no task_role_arn")


class FirelensLogsDenied(Rule):
    """An ECS task definition routes container logs through FireLens (the `awsfirelens`
    log driver) to a Fluent Bit `cloudwatch` or `cloudwatch_logs` output, but its *task
    role* cannot create streams in and put events to the output's `log_group_name`, or
    `auto_create_group` is on and the role cannot create a group the input does not
    declare; or the task definition has no task role at all.

    FireLens runs Fluent Bit as a container of the task: its outputs call CloudWatch Logs
    with the task's credentials, the *task role* (`TaskRoleArn` / `task_role_arn`), not
    the execution role that the `awslogs` driver uses. Both plugins create the log stream
    when it does not exist and need `logs:CreateLogStream` and `logs:PutLogEvents`; with
    `auto_create_group` they also need `logs:CreateLogGroup` (the Go plugin's
    documentation lists these permissions; `logs:DescribeLogStreams`, which older
    versions of the Go plugin also call, is not checked). A group declared in the same
    input exists before the task runs, so `logs:CreateLogGroup` is required only for a
    group that is not declared. A `log_group_name` that is not known statically (a
    `$(...)` template chosen per record, a parameter) is reported as info.

    **Why monitoring goes silent.** The task starts and the application runs; the log
    router's output retries, gives up, and drops every record. Nothing in ECS shows it:
    only the log router's own logs say `AccessDeniedException`.

    **Failing example (CloudFormation).** The task role is missing, and the execution
    role cannot help:
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
          - Name: log_router
            Image: public.ecr.aws/aws-observability/aws-for-fluent-bit:stable
            FirelensConfiguration: {Type: fluentbit}
          - Name: app
            Image: public.ecr.aws/docker/library/nginx:latest
            LogConfiguration:
              LogDriver: awsfirelens
              Options:
                Name: cloudwatch_logs
                region: !Ref AWS::Region
                log_group_name: /ecs/orders
                log_stream_prefix: app-
    ```

    **Fix (CloudFormation).** Set `TaskRoleArn` to a role with:
    ```yaml
    - Effect: Allow
      Action: [logs:CreateLogStream, logs:PutLogEvents]
      Resource: !Sub arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/ecs/orders:*
    ```
    (and `logs:CreateLogGroup` when `auto_create_group` creates a group the template does
    not declare).

    **Fix (Terraform).** `task_role_arn` on the `aws_ecs_task_definition`, and an
    `aws_iam_role_policy` on that role with the statement above.
    """

    id = "CWL023"
    name = "firelens-logs-denied"
    title = "ECS task role cannot write FireLens logs to CloudWatch Logs"
    severity = ERROR
    ensures = "Ensure the ECS task role can ship the FireLens logs to CloudWatch Logs"
    reports_on = ECS_TASKS
    missing_allow = True

    def subjects(self, model: Model) -> Iterable[str]:
        """The ECS task definitions with a FireLens output to CloudWatch Logs."""
        return [w.location.resource for w in _firelens_tasks(model)]

    def check(self, model: Model) -> Iterable[Finding]:
        for workload in _firelens_tasks(model):
            yield from self._check_task(model, workload)

    def _check_task(self, model: Model, workload: Workload) -> Iterable[Finding]:
        role = workload.role
        if role is None:
            reason = workload.role_unknown
            if reason is not None and reason.reason not in NO_TASK_ROLE:
                yield Finding.at(workload.location.at(workload.role_line), self.id, INFO,
                                 f"cannot tell whether ECS task definition {workload.id} can "
                                 f"write its FireLens logs: {reason.reason}")
            else:
                groups = sorted({_show(_grant(model, o)) for o in workload.firelens_outputs})
                statement = {"Effect": "Allow",
                             "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                             "Resource": groups[0] if len(groups) == 1 else groups}
                yield with_fix(Finding.at(
                    workload.location, self.id, self.severity,
                    f"ECS task definition {workload.id} sends logs through FireLens to "
                    "CloudWatch Logs but has no task role: FireLens writes with the task "
                    "role, not the execution role",
                ), Fix((AttachRole(workload.id, "ecs_task.task_role", "ecs-tasks.amazonaws.com",
                                   statements=(statement,)),)))
            return
        words = OutputCalls(self.id, lambda output: _group_arn(model, output),
                            "the output's stream name",
                            lambda output: f"write container {output.container}'s FireLens logs",
                            "create the group (auto_create_group)",
                            unknown_group_undecided=True)
        verdicts = role_verdicts(model, role,
                                 output_requirements(model, workload.firelens_outputs, words))
        location = workload.location.at(workload.role_line)
        denied = denied_finding(
            location, self.id, self.severity, role, verdicts,
            f"ECS task definition {workload.id} sends logs through FireLens, but its task "
            f"role {role.id} ")
        if denied is not None:
            yield denied
        elif verdicts.unknown or verdicts.unknown_groups:
            yield Finding.at(location, self.id, INFO,
                             f"cannot tell whether task role {role.id} of {workload.id} can "
                             "write its FireLens logs: " + "; ".join(verdicts.reasons()),
                             (Related.of(role.location),))


def _group_arn(model: Model, output: LogDriver) -> StrValue:
    region = output.region if isinstance(output.region, str) else model.region
    return log_group_arn(model.partition, region, model.account_id, output.group)


def _grant(model: Model, output: LogDriver) -> StrValue:
    return concat([_group_arn(model, output), ":*"])


def _show(value: StrValue) -> str:
    return value if isinstance(value, str) else str(value)


def _firelens_tasks(model: Model) -> list[Workload]:
    return [w for w in model.workloads if w.kind == "ecs-task" and w.firelens_outputs]
