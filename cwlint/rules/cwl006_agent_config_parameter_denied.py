"""CWL006 agent-config-parameter-denied."""

from __future__ import annotations

from collections.abc import Iterable

from cwlint.findings import ERROR, Finding
from cwlint.model import Model, Workload
from cwlint.rules.base import Rule
from cwlint.rules.requirements import Requirement, agent_parameter_calls
from cwlint.rules.resource_types import INSTANCES
from cwlint.rules.workload_findings import missing_findings, workloads_needing


class AgentConfigParameterDenied(Rule):
    """The CloudWatch agent reads its configuration from an SSM parameter that the
    instance role cannot `ssm:GetParameter`.

    `CloudWatchAgentServerPolicy` allows `ssm:GetParameter` only on
    `arn:aws:ssm:*:*:parameter/AmazonCloudWatch-*`. A configuration stored as
    `/myapp/cloudwatch-config` (the agent's `-c ssm:/myapp/cloudwatch-config`) is denied.
    This holds for instances, launch templates and launch configurations alike, whether or
    not the parameter is declared in the input; when it is, CWL005 also reads its value
    (the agent's configuration) to know which other calls the agent makes.

    **Why monitoring goes silent.** `amazon-cloudwatch-agent-ctl -a fetch-config` fails,
    the agent never starts, and the instance sends no metrics and no logs.

    **Failing example (CloudFormation).** The instance role has only
    `CloudWatchAgentServerPolicy`, and the user data fetches the configuration from
    `/myapp/cw-config`:
    ```yaml
    UserData:
      Fn::Base64: |
        #!/bin/bash
        /opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -c ssm:/myapp/cw-config -s
    ```

    **Fix (CloudFormation).** Rename the parameter `AmazonCloudWatch-<something>` (and the
    agent's `-c ssm:` argument with it), or grant `ssm:GetParameter` on its ARN in the
    instance role:
    ```yaml
    - Effect: Allow
      Action: ssm:GetParameter
      Resource: !Sub arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/myapp/cw-config
    ```

    **Fix (Terraform).** The same rename, or the statement in the role's policy document:
    ```hcl
    statement {
      actions   = ["ssm:GetParameter"]
      resources = [aws_ssm_parameter.cw_config.arn]
    }
    ```
    """

    id = "CWL006"
    name = "agent-config-parameter-denied"
    title = "CloudWatch agent cannot read its configuration parameter"
    severity = ERROR
    ensures = "Ensure the CloudWatch agent can read its configuration parameter"
    reports_on = INSTANCES
    missing_allow = True

    @classmethod
    def requires(cls, model: Model, workload: Workload) -> list[Requirement]:
        """The agent's ``ssm:GetParameter`` on its configuration parameter."""
        return agent_parameter_calls(cls.id, model, workload)

    def subjects(self, model: Model) -> Iterable[str]:
        """The agents that read their configuration from an SSM parameter."""
        return workloads_needing(model, self.id)

    def check(self, model: Model) -> Iterable[Finding]:
        # CWL005 already reports an instance with no profile at all.
        return missing_findings(model, self.id, self.severity, report_no_profile=False)
