"""CWL005 agent-permissions-missing."""

from __future__ import annotations

from collections.abc import Iterable

from cwlint.findings import ERROR, Finding
from cwlint.model import Model
from cwlint.rules.base import Rule
from cwlint.rules.workload_findings import missing_findings, workloads_needing

MANAGED_POLICY_ADVICE = (
    "attach the AWS managed policy CloudWatchAgentServerPolicy, "
    "arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy, which grants all of these"
)


class AgentPermissionsMissing(Rule):
    """An EC2 instance or launch template that runs the CloudWatch agent has no instance
    profile, or its role lacks what the agent needs.

    The agent needs what the AWS managed policy `CloudWatchAgentServerPolicy` grants:
    `cloudwatch:PutMetricData`, `logs:CreateLogGroup` (it calls it even for groups that
    exist), `logs:CreateLogStream`, `logs:PutLogEvents`, `logs:DescribeLogStreams`,
    `ec2:DescribeTags` and `ec2:DescribeVolumes`.

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
    `iam_instance_profile` on the instance or launch template.
    """

    id = "CWL005"
    name = "agent-permissions-missing"
    title = "Instance running the CloudWatch agent lacks the agent's permissions"
    severity = ERROR

    def subjects(self, model: Model) -> Iterable[str]:
        """The instances and launch templates that run the CloudWatch agent."""
        return workloads_needing(model, self.id)

    def check(self, model: Model) -> Iterable[Finding]:
        return missing_findings(model, self.id, self.severity, advice=MANAGED_POLICY_ADVICE)
