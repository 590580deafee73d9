"""ARNs and default names as AWS builds them, whatever the input's syntax.

The CloudFormation resolver (``Fn::GetAtt ... Arn``), the Terraform attribute writer
(``aws_iam_role.app.arn``) and the log delivery readers all build ARNs here, so that a
template and a configuration give the same text for the same resource.
"""

from __future__ import annotations

from cwlint.values import StrValue, concat

#: The log group Lambda writes to when the function names none (``logging_config`` /
#: ``LoggingConfig`` unset): ``/aws/lambda/<function name>``.
LAMBDA_LOG_GROUP_PREFIX = "/aws/lambda/"


def partition_for_region(region: str) -> str:
    """The AWS partition of a region name (``cn-north-1`` is in ``aws-cn``)."""
    prefixes = (
        ("cn-", "aws-cn"),
        ("us-gov-", "aws-us-gov"),
        ("us-isob-", "aws-iso-b"),
        ("us-iso-", "aws-iso"),
        ("eu-isoe-", "aws-iso-e"),
        ("us-isof-", "aws-iso-f"),
    )
    for prefix, partition in prefixes:
        if region.startswith(prefix):
            return partition
    return "aws"


def build_arn(partition: str, service: str, region: str, account_id: str,
              *resource: StrValue) -> StrValue:
    """``arn:<partition>:<service>:<region>:<account>:<resource...>`` (pieces may be
    unknown: the result is then partly known)."""
    return concat([f"arn:{partition}:{service}:{region}:{account_id}:", *resource])


def iam_arn(partition: str, account_id: str, kind: str, path: StrValue,
            name: StrValue) -> StrValue:
    """An IAM ARN (global: no region): ``arn:aws:iam::<account>:<kind><path><name>``
    (``kind`` is ``role``, ``instance-profile``, ``policy``...; ``path`` starts and ends
    with ``/``)."""
    return build_arn(partition, "iam", "", account_id, kind, path, name)


def log_group_arn(partition: str, region: str, account_id: str, name: StrValue) -> StrValue:
    """A log group's ARN without the trailing ``:*`` (the form resource policies and
    Terraform's ``arn`` attribute use)."""
    return build_arn(partition, "logs", region, account_id, "log-group:", name)


def lambda_log_group(function_name: StrValue) -> StrValue:
    """The log group a Lambda function writes to by default."""
    return concat([LAMBDA_LOG_GROUP_PREFIX, function_name])
