"""What each CKV_CWL check ensures, as checkov names its checks.

checkov prints a check's name beside PASSED and FAILED ("Ensure S3 bucket has versioning
enabled ... PASSED"), so the name says what holds when the check passes, not what the
rule finds: "Ensure the Lambda function's role can write to its log group", never
"Lambda function's role cannot write to its log group ... PASSED". The rule's own title
(what a finding says) stays the name in cwlint, cfn-lint and SARIF.

Rules are listed by id; a rule without an entry falls back to "Ensure no finding of
CWLnnn: <title>", and a test requires an entry for every rule of the registry.
"""

from __future__ import annotations

from cwlint.rules.base import Rule

ENSURES: dict[str, str] = {
    "CWL001": "Ensure a workload that publishes metrics can call cloudwatch:PutMetricData",
    "CWL002": "Ensure the PutMetricData namespace condition admits the workload's namespace",
    "CWL003": "Ensure log write permissions cover log-stream ARNs, not only the log group's",
    "CWL004": "Ensure the Lambda function's role can write to its log group",
    "CWL005": "Ensure an instance running the CloudWatch agent has the agent's permissions",
    "CWL006": "Ensure the CloudWatch agent can read its configuration parameter",
    "CWL007": "Ensure no Deny, permissions boundary or SCP removes a monitoring permission",
    "CWL008": "Ensure every cloudwatch: and logs: action a policy names exists",
    "CWL010": "Ensure a workload in an isolated subnet has the CloudWatch endpoints it needs",
    "CWL011": "Ensure CloudWatch interface endpoints have private DNS enabled",
    "CWL012": "Ensure the endpoint's security groups admit TCP 443 from the workload",
    "CWL013": "Ensure the workload's security groups allow outbound TCP 443 to CloudWatch",
    "CWL014": "Ensure the endpoint policy allows the workload's monitoring calls",
    "CWL020": "Ensure CloudWatch Logs can use the log group's KMS key",
    "CWL021": "Ensure the ECS execution role can ship the awslogs container logs",
    "CWL022": "Ensure a log group resource policy admits the AWS service delivering to it",
    "CWL023": "Ensure the ECS task role can ship the FireLens logs to CloudWatch Logs",
    "CWL030": "Ensure cross-account observability shares metrics and log groups",
    "CWL040": "Ensure an alarm on a published metric fires when publishing stops",
    "CWL041": "Ensure no metric namespace or log group uses the reserved AWS/ prefix",
    "CWL042": "Ensure CloudWatch can publish the alarm notifications to the SNS topic",
    "CWL043": "Ensure an alarm watches a metric that is published",
}


def ensures(rule: type[Rule]) -> str:
    """What the check of ``rule`` ensures, starting "Ensure"."""
    return ENSURES.get(rule.id, f"Ensure no finding of {rule.id}: {rule.title}")
