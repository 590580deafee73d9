"""CWL004 workload-logs-denied."""

from __future__ import annotations

from collections.abc import Iterable

from cwlint.findings import ERROR, Finding
from cwlint.model import Model, Workload
from cwlint.rules.base import Rule
from cwlint.rules.requirements import Requirement, lambda_log_calls
from cwlint.rules.resource_types import LAMBDA
from cwlint.rules.workload_findings import missing_findings, workloads_needing


class WorkloadLogsDenied(Rule):
    """A Lambda function's role cannot create streams in and put events to its log group.

    The group is `/aws/lambda/<function name>`, or `LoggingConfig.LogGroup` when set. The
    Lambda service writes the function's logs with the function's own role, so the role
    needs `logs:CreateLogStream` and `logs:PutLogEvents` on
    `arn:aws:logs:R:A:log-group:NAME:log-stream:*`, and `logs:CreateLogGroup` too when the
    template does not declare the group.

    **Why monitoring goes silent.** Nothing fails loudly: the function runs, its logs are
    dropped, log-based metric filters and alarms see nothing, and embedded-metric-format
    metrics (Powertools) never appear.

    **Failing example (CloudFormation).**
    ```yaml
    Policies:
      - PolicyName: logs
        PolicyDocument:
          Statement:
            - Effect: Allow
              Action: [logs:CreateLogStream, logs:PutLogEvents]
              Resource: !Sub arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/lambda/orders
    ```
    (a bare log-group ARN matches no stream; see CWL003)

    **Fix (CloudFormation).** `Resource: !GetAtt OrdersLogGroup.Arn` (it ends in `:*`), or
    the managed policy `AWSLambdaBasicExecutionRole`.

    **Fix (Terraform).** `resources = ["${aws_cloudwatch_log_group.orders.arn}:*"]`: the
    Terraform `arn` attribute has no `:*`.
    """

    id = "CWL004"
    name = "workload-logs-denied"
    title = "Lambda function's role cannot write to its log group"
    severity = ERROR
    ensures = "Ensure the Lambda function's role can write to its log group"
    reports_on = LAMBDA
    missing_allow = True

    @classmethod
    def requires(cls, model: Model, workload: Workload) -> list[Requirement]:
        """A Lambda function's calls for its log group."""
        return lambda_log_calls(cls.id, model, workload)

    def subjects(self, model: Model) -> Iterable[str]:
        """The Lambda functions, whose logs go to a log group."""
        return workloads_needing(model, self.id)

    def check(self, model: Model) -> Iterable[Finding]:
        return missing_findings(model, self.id, self.severity)
