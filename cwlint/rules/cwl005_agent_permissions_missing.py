"""CWL005 agent-permissions-missing."""

from __future__ import annotations

from collections.abc import Iterable

from cwlint.findings import ERROR, Finding
from cwlint.model import Model, Workload
from cwlint.rules.base import Rule
from cwlint.rules.requirements import Requirement, agent_calls
from cwlint.rules.resource_types import INSTANCES
from cwlint.rules.workload_findings import missing_findings, workloads_needing

MANAGED_POLICY_ADVICE = (
    "attach the AWS managed policy CloudWatchAgentServerPolicy, "
    "arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy, which grants all of these"
)


class AgentPermissionsMissing(Rule):
    """An EC2 instance, launch template or launch configuration that runs the CloudWatch
    agent, or the legacy CloudWatch Logs agent (`awslogs`), has no instance profile, or
    its role lacks what that agent calls.

    What the CloudWatch agent calls depends on its configuration (from the agent's own
    source: its CloudWatch Logs pusher and its EC2 tagger):

    * `cloudwatch:PutMetricData` for the metrics it collects (namespace `CWAgent` unless
      the configuration sets `metrics.namespace`);
    * for each log group it ships to, `logs:CreateLogStream` then `logs:PutLogEvents`;
      `logs:CreateLogGroup` only when the group does not exist (so cwlint asks for it
      only for a group the input does not declare); `logs:DescribeLogGroups` and
      `logs:PutRetentionPolicy` only with `retention_in_days` above 0;
    * `ec2:DescribeTags` only when `metrics.append_dimensions` asks for
      `AutoScalingGroupName` (`ImageId`, `InstanceId`, `InstanceType` come from instance
      metadata; `aggregation_dimensions` calls nothing), `ec2:DescribeVolumes` only when
      the `disk` metrics append `VolumeId`.

    When the configuration is in the input (the value of the `AWS::SSM::Parameter` /
    `aws_ssm_parameter` the agent fetches with `-c ssm:NAME`, or JSON that user data or
    `AWS::CloudFormation::Init` writes), cwlint reads it and requires exactly what it
    uses. Otherwise it requires what every configuration needs (an instance profile,
    `cloudwatch:PutMetricData`, and `logs:CreateLogStream` and `logs:PutLogEvents` on log
    groups written out in user data) and reports the rest, when the role does not allow
    it, as info.

    The legacy CloudWatch Logs agent (the `awslogs` package, `awslogs-agent-setup.py`, a
    cfn-init `awslogs` package or service) calls `logs:CreateLogGroup`,
    `logs:CreateLogStream`, `logs:PutLogEvents` and `logs:DescribeLogStreams` for every
    group of its configuration (`log_group_name = ...`), whether or not the group exists.

    **Why monitoring goes silent.** The agent starts, logs AccessDenied to its own file on
    the instance, and publishes nothing: no memory or disk metrics, no shipped logs.

    **Failing example (CloudFormation).**
    ```yaml
    WebServer:
      Type: AWS::EC2::Instance
      Properties:
        UserData: !Base64 |
          #!/bin/bash
          yum install -y amazon-cloudwatch-agent
          /opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -c file:/opt/cw.json -s
    # no IamInstanceProfile
    ```

    **Fix (CloudFormation).** An `AWS::IAM::InstanceProfile` whose role has
    `ManagedPolicyArns: [!Sub "arn:${AWS::Partition}:iam::aws:policy/CloudWatchAgentServerPolicy"]`,
    referenced by `IamInstanceProfile`.

    **Fix (Terraform).** `aws_iam_role_policy_attachment` with
    `policy_arn = "arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy"`, and
    `iam_instance_profile` on the instance, launch template or launch configuration.
    (`CloudWatchAgentServerPolicy` grants everything either agent calls.)
    """

    id = "CWL005"
    name = "agent-permissions-missing"
    title = "Instance running the CloudWatch agent lacks the agent's permissions"
    severity = ERROR
    ensures = "Ensure an instance running the CloudWatch agent has the agent's permissions"
    reports_on = INSTANCES
    missing_allow = True

    @classmethod
    def requires(cls, model: Model, workload: Workload) -> list[Requirement]:
        """What the CloudWatch agent or the legacy CloudWatch Logs agent calls."""
        return agent_calls(cls.id, model, workload)

    def subjects(self, model: Model) -> Iterable[str]:
        """The instances, launch templates and launch configurations that run the
        CloudWatch agent or the legacy CloudWatch Logs agent."""
        return workloads_needing(model, self.id)

    def check(self, model: Model) -> Iterable[Finding]:
        return missing_findings(model, self.id, self.severity, advice=MANAGED_POLICY_ADVICE)
