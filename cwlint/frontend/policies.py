"""AWS managed policies as a front end attaches them: parsed once per process, in the
partition's ARN spelling."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import lru_cache

from cwlint.iam.managed import managed_policy_document
from cwlint.iam.policy import Policy, parse_policy
from cwlint.model import AttachedPolicy, Location

#: Configuration hook: the document of a permissions boundary that is not in the input,
#: by the ARN a role names, or None.
BoundaryLookup = Callable[[str, Location], "AttachedPolicy | None"]


@lru_cache(maxsize=256)
def parsed_managed_policy(arn: str, partition: str) -> Policy | None:
    """An AWS managed policy, parsed once per process (in the partition's ARN spelling)."""
    document = managed_policy_document(arn)
    if document is None:
        return None
    if partition != "aws":
        document = json.loads(json.dumps(document).replace('"arn:aws:', f'"arn:{partition}:'))
    name = arn.rsplit("/", 1)[-1]
    return parse_policy(document, name)


def attached_managed_policy(arn: str, partition: str,
                            location: Location) -> AttachedPolicy | None:
    """The AWS managed policy ``arn`` names, attached at ``location``; None when cwlint
    does not know it."""
    policy = parsed_managed_policy(arn, partition)
    if policy is None:
        return None
    return AttachedPolicy(policy.name, "aws-managed", policy, location)
